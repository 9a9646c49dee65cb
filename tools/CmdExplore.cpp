// tessera explore: search the mappings of a layer (or every layer of a network) on an architecture
// with the analytical model; print the ranked winners, write them as schedule text (docs/explore.md).
#include "ArchitectureOption.h"
#include "Commands.h"
#include "Distributed.h"
#include "ExploreSvg.h"
#include "ExploreReport.h"
#include "ExploreRoundTrip.h"
#include "ExploreSweep.h"
#include "LayerOptions.h"
#include "NetworkDesign.h"
#include "Presets.h"
#include "Search.h"
#include "UserError.h"
#include "ir/ArchitectureJson.h"
#include "model/EnergyFloor.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace tessera::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// --spatial 'C,FX|K': dims of each axis (outermost digit first) as problem dim indices; the
// letters are the presets' (spatial_axes).
void parse_spatial(const std::string &text, const ir::Problem &p, explore::Constraints &c) {
    const SpatialAxes axes = spatial_axes(text);
    auto indices = [&](const std::vector<std::string> &names) {
        std::vector<int> dims;
        for (const std::string &name : names) {
            int found = -1;
            for (size_t d = 0; d < p.dims.size(); ++d)
                if (p.dims[d].name == name) found = int(d);
            if (found < 0)
                throw UserError("--spatial '" + text + "': a " + p.layer.type + " layer has no dimension " + name);
            dims.push_back(found);
        }
        return dims;
    };
    c.spatial_fixed = true;
    c.row_dims = indices(axes.rows);
    c.col_dims = indices(axes.cols);
    std::vector<int> all = c.row_dims;
    all.insert(all.end(), c.col_dims.begin(), c.col_dims.end());
    std::sort(all.begin(), all.end());
    if (std::adjacent_find(all.begin(), all.end()) != all.end())
        throw UserError("--spatial '" + text + "' is impossible: a dim may appear once (e.g. 'C|K')");
}

std::vector<int> parse_order(const std::string &text, const ir::Problem &p) {
    std::vector<int> order;
    std::stringstream ss(text);
    for (std::string n; std::getline(ss, n, ',');) {
        int found = -1;
        for (size_t d = 0; d < p.dims.size(); ++d)
            if (p.dims[d].name == n) found = int(d);
        if (found < 0 || std::count(order.begin(), order.end(), found))
            throw UserError("--rf-order '" + text + "': '" + n + "' is not a dim of the layer or repeats "
                            "(give every dim once, outer first, e.g. n,k,c,y,x,r,s)");
        order.push_back(found);
    }
    if (order.size() != p.dims.size())
        throw UserError("--rf-order '" + text + "' must name every dim of the layer once");
    return order;
}

std::string spatial_text(const explore::SpaceInfo &info, const explore::Point &p) {
    auto axis = [&](const std::vector<int> &dims) {
        std::string s;
        for (size_t i = 0; i < dims.size(); ++i)
            s += (i ? "," : "") + info.problem.dims[size_t(dims[i])].name + std::to_string(p.f.lane[size_t(dims[i])]);
        return s;
    };
    return (p.s.row_dims.empty() ? "" : axis(p.s.row_dims) + "|") + axis(p.s.col_dims);
}

nlohmann::json candidate_json(const explore::SpaceInfo &info, const explore::Candidate &c) {
    return {{"energy_pj", c.energy_pj},
            {"cycles", c.cycles},
            {"pj_per_mac", c.energy_pj / double(info.problem.macs())},
            {"rtl_generatable", explore::rtl_generatable(info, c.point)},
            {"schedule", explore::schedule_text(info, c.point)}};
}

}  // namespace

int run_explore(const Args &args) {
    if (wants_fusion(args, "--fusion")) return run_explore_fusion(args);  // docs/fusion.md
    LayerSelection sel;
    std::string arch_name = "default", objective = "energy", out_dir, rf_order, mode = "auto", svg_file;
    bool json = false, rtl_only = false, quiet = false, mpi = false, no_presets = false, no_bypass = false;
    int threads = int(std::max(1u, std::thread::hardware_concurrency()));
    uint64_t seed = 1;
    int64_t steps = explore::SearchOptions{}.anneal_steps, limit = 3000000;
    int top = 5, verify = 0, chains = 8, polish = explore::SearchOptions{}.polish_sweeps;
    int restarts = 0;  // 0: the default (2 for a whole network, else 1)
    SweepOptions sweep;
    const std::string mpi_help =
        std::string("run under mpirun: spread the search over the MPI ranks, same result as one process") +
        (explore::mpi_built() ? "" : " (not built into this tessera)");
    po::options_description desc(
        "tessera explore: search mappings with the analytical model (docs/explore.md)\n\n"
        "  tessera explore --layer conv:C=256,K=256,H=58,W=58,R=3,S=3 --arch eyeriss_16x16\n"
        "  tessera explore --network resnet50 --layer CB2a_2 --rtl-only -o winners\n"
        "  tessera explore --layer fc:N=2,C=4,K=4 --search exhaustive --json\n"
        "  tessera explore --network fsrcnn --fusion   (depth-first groups: see --fusion --help, docs/fusion.md)\n\noptions");
    add_layer_options(desc, sel);
    desc.add_options()
        ("arch", po::value(&arch_name)->default_value(arch_name),
         "architecture: a JSON (or YAML) file, a Timeloop architecture YAML, a bundled name (examples/arch/NAME.json) or 'default'")
        ("objective", po::value(&objective)->default_value(objective), "energy | cycles | edp")
        ("search", po::value(&mode)->default_value(mode),
         "auto (exhaustive if the space is small enough, else anneal) | exhaustive | anneal")
        ("exhaustive-limit", po::value(&limit)->default_value(limit),
         "auto: the most mappings an exhaustive search may evaluate before it falls back to annealing")
        ("steps", po::value(&steps)->default_value(steps), "annealing steps per chain")
        ("chains", po::value(&chains)->default_value(chains),
         "independent annealing chains (the units --mpi spreads; the result depends on it, not on -j)")
        ("polish", po::value(&polish)->default_value(polish),
         "after annealing: at most this many steepest-descent sweeps over every single change of the "
         "best mappings (0: none)")
        ("restarts", po::value(&restarts),
         "independent annealing searches per layer (seeds derived from --seed), the best kept; default 2 "
         "when a whole network is explored (its 54 ResNet-50 layers take about 12 s on 2 cores), else 1")
        ("seed", po::value(&seed)->default_value(seed), "annealing seed: the same seed, the same result")
        ("jobs,j", po::value(&threads)->default_value(threads), "threads (default: all cores)")
        ("rtl-only", po::bool_switch(&rtl_only),
         "only mappings `tessera compile` generates RTL for (rtl_backend decides: docs/rtl.md); with a "
         "network, every winner runs on one design (docs/explore.md, \"One design for a network\")")
        ("no-bypass", po::bool_switch(&no_bypass),
         "every tensor keeps a tile on a shared level: no per-PE files filled from, or drained to, DRAM "
         "directly (docs/explore.md, \"The choices\")")
        ("rf-order", po::value(&rf_order), "fix the loop order inside the PEs: every dim, outer first (n,k,c,y,x,r,s)")
        ("top", po::value(&top)->default_value(top), "rows of the ranked table")
        ("json", po::bool_switch(&json), "print JSON (layer, best, evaluated, seconds, pareto)")
        ("output,o", po::value(&out_dir), "write each layer's winner as DIR/LAYER.sched and the architecture as DIR/arch.json")
        ("quiet,q", po::bool_switch(&quiet), "no progress on stderr")
        ("verify", po::value(&verify)->default_value(verify),
         "compile and simulate (Verilator) the top K mappings of each layer; model beside RTL (the search "
         "then takes only mappings compile generates RTL for, as --rtl-only)")
        ("no-presets", po::bool_switch(&no_presets), "skip the comparison with the best preset (os, ws, is, rs)")
        ("sweep", po::bool_switch(&sweep.defaults),
         "resource allocation: sweep the per-PE level over 16 B..1 KB and the GLB over 32..512 KB; each "
         "design's layers get their own best mappings; designs ranked by the network's objective")
        ("sweep-rf", po::value(&sweep.rf), "per-PE level sizes to sweep, e.g. 64,128,512 (bytes; K, M suffixes)")
        ("sweep-glb", po::value(&sweep.glb), "GLB sizes to sweep, e.g. 32K,128K,512K")
        ("sweep-array", po::value(&sweep.arrays), "array shapes to sweep at the architecture's PE count, e.g. 16x16,8x32,32x8")
        ("sweep-double-buffer", po::bool_switch(&sweep.double_buffer),
         "sweep the GLB single and double buffered (two banks of half its size, fills overlapped with "
         "compute: fewer stalls, smaller tiles)")
        ("hold-throughput", po::bool_switch(&sweep.hold_throughput),
         "sweep: each layer's mapping on a design may take at most its cycles on the given architecture")
        ("svg", po::value(&svg_file),
         "write a chart: one layer's Pareto front (winner and best preset marked), a network's "
         "energy per layer, explore's best beside each preset, or with --sweep the network energy "
         "of each design (baseline and best marked)")
        ("mpi", po::bool_switch(&mpi), mpi_help.c_str())
        ("help,h", "this help");
    po::variables_map vm;
    if (!parse_command_line(args, desc, vm, "explore")) return 0;
    if (!sel.schedule_file.empty() || !sel.dataflow.empty() || !sel.timeloop_mapping.empty() ||
        !sel.maestro_mapping.empty())
        throw UserError("explore searches the schedule: drop --schedule / --dataflow / --timeloop-mapping / "
                        "--maestro-mapping (constrain with --spatial)");
    if (!mpi && explore::launcher_processes() > 1)
        throw UserError("started by mpirun with " + std::to_string(explore::launcher_processes()) +
                        " processes but without --mpi: each would run the whole search; add --mpi");
    std::unique_ptr<explore::MpiSession> session;  // --mpi: MPI_Init here, MPI_Finalize on return
    if (mpi) session = std::make_unique<explore::MpiSession>();
    const bool root = !session || session->root();  // only rank 0 writes files and verifies
    if (threads < 1) throw UserError("--jobs must be at least 1");
    if (root && !out_dir.empty()) {  // before the search: a bad -o should not cost a search
        std::error_code ec;
        fs::create_directories(out_dir, ec);
        if (ec || !fs::is_directory(out_dir, ec))
            throw UserError("-o " + out_dir + ": cannot create the directory" + (ec ? " (" + ec.message() + ")" : "") +
                            "; give a writable path");
    }
    if (chains < 1 || chains > 100000) throw UserError("--chains must be between 1 and 100000");
    if (polish < 0 || polish > 10000) throw UserError("--polish must be between 0 and 10000");
    if (vm.count("restarts") && (restarts < 1 || restarts > 1000))
        throw UserError("--restarts must be between 1 and 1000");
    if (verify < 0) throw UserError("--verify must be 0 (none) or the number of ranked mappings to verify");
    const explore::Objective obj = explore::parse_objective(objective);
    const ir::Architecture arch = read_architecture(arch_name);
    // The problem of each layer comes from the front end (one preset lowering, not searched).
    const std::string spatial = sel.spatial;
    sel.spatial.clear();
    sel.array = std::to_string(arch.rows) + "x" + std::to_string(arch.cols);
    sel.buffer_bytes = int64_t(1) << 40;  // only the problem is used: any preset blocking will do
    if (verify > 0 && !sel.generator.empty())
        throw UserError("--verify compiles the winners with --schedule, which a --generator layer does not take: name "
                        "the layer with --layer, --network, --onnx or --timeloop-problem");
    const auto selected = lower_selection(sel);
    if (verify > 0 && !rtl_only)
        std::cerr << "tessera explore: note: --verify searches only the mappings compile generates RTL for (as "
                     "--rtl-only), so that the ranked ones can be verified\n";
    auto options_for = [&](const ir::Problem &problem) {
        explore::SearchOptions opt;
        opt.objective = obj, opt.threads = threads, opt.seed = seed, opt.mode = mode;
        opt.exhaustive_limit = limit, opt.anneal_steps = steps, opt.chains = chains;
        opt.polish_sweeps = polish;
        // A network's layers share the 20 s budget that one layer's search (under 1 s) leaves room
        // in: a second search per layer. A sweep runs every layer on every design: one.
        opt.restarts = restarts > 0 ? restarts : selected.size() > 1 && !sweep.requested() ? 2 : 1;
        if (session && session->size() > 1) opt.run_units = session->runner(threads);
        // --verify ranks what it can verify: mappings compile generates RTL for (as --rtl-only,
        // without a network's one design).
        opt.constraints.rtl_only = rtl_only || verify > 0;
        opt.constraints.no_bypass = no_bypass;
        if (!spatial.empty()) parse_spatial(spatial, problem, opt.constraints);
        if (!rf_order.empty()) opt.constraints.rf_order = parse_order(rf_order, problem);
        return opt;
    };
    if (sweep.requested()) {
        if (verify > 0)
            throw UserError("--verify works on one architecture: run it without the sweep, with --arch "
                            "DIR/arch.json from the sweep's -o DIR");
        // Under MPI every rank runs the sweep's searches together; rank 0 writes the files.
        run_sweep(selected, arch, parse_sweep(sweep), options_for(selected.front().ir.problem), json,
                  !quiet && !json && isatty(2) && !session, top, root ? out_dir : std::string(),
                  root ? svg_file : std::string());
        return 0;
    }

    std::vector<ir::Problem> problems;
    for (const auto &layer : selected) problems.push_back(layer.ir.problem);
    const std::vector<size_t> first = explore::first_identical(problems);
    std::map<size_t, explore::SearchResult> results;  // identical layers share one search
    nlohmann::json all = nlohmann::json::array();
    std::vector<explore::LayerEnergies> chart;  // --svg
    std::optional<explore::SearchResult> only;  // --svg of one layer: its front
    double total_energy = 0, total_floor = 0;
    int64_t total_cycles = 0;
    std::vector<explore::SpaceInfo> spaces;
    for (size_t li = 0; li < selected.size(); ++li) {
        const auto &layer = selected[li];
        spaces.push_back(explore::space_info(layer.ir.problem, arch));
        explore::SearchOptions opt = options_for(spaces.back().problem);
        opt.progress = !quiet && !json && isatty(2) && !opt.run_units;
        if (results.count(first[li])) continue;
        try {
            results.emplace(first[li], explore::search(spaces.back(), opt));
        } catch (const UserError &e) {
            throw UserError("layer " + layer.layer.name + ": " + e.what());
        }
        if (!results[first[li]].found)
            throw UserError("layer " + layer.layer.name + ": no mapping fits architecture '" + arch.name +
                            "' under the constraints; relax --spatial/--rtl-only or give the levels more bytes");
    }
    std::optional<explore::NetworkDesign> design;  // --rtl-only on a network: one design runs every winner
    std::string verify_arch = arch_name;           // what --verify compiles on
    if (rtl_only && selected.size() > 1) {
        std::vector<explore::SearchResult> free;
        for (size_t li = 0; li < selected.size(); ++li) free.push_back(results.at(first[li]));
        const bool show = !quiet && !json && isatty(2);
        design = explore::one_design(spaces, free, options_for(spaces.front().problem),
                                     [&](const std::string &line) { if (show) std::cerr << "one design: " << line << "\n"; });
        for (size_t li = 0; li < selected.size(); ++li) results[first[li]] = design->layers[li];
        // The winners are the design's mappings on its architecture (a shared level it splits per tensor).
        for (auto &info : spaces) info = explore::space_info(info.problem, design->arch);
        if (verify > 0 && root && !design->partitions.empty()) {  // --verify compiles on the split level too
            const fs::path base = out_dir.empty() ? "explore_verify" : out_dir;
            std::error_code ec;
            fs::create_directories(base, ec);
            verify_arch = (base / "verify_arch.json").string();
            std::ofstream f(verify_arch);
            f << ir::to_json(design->arch).dump(2) << "\n";
            if (!f) throw UserError("--verify: cannot write " + verify_arch + "; give -o DIR");
        }
    }
    // Each written winner must lower through Halide to what the search scored (ExploreRoundTrip.h).
    std::vector<bool> relowered(selected.size(), false);  // reported with its lowered figures
    for (size_t li = 0; li < selected.size(); ++li) {
        if (first[li] != li) continue;
        explore::SearchResult &r = results.at(first[li]);
        const auto check = keep_winner_that_lowers(selected[li].layer, spaces[li], obj, r);
        relowered[li] = check == WinnerCheck::Relowered;
        if (check == WinnerCheck::Kept || quiet) continue;
        std::cerr << "tessera explore: note: layer " << selected[li].layer.name << ": the best mapping's schedule "
                  << "lowers through Halide to other counts (tail tiles, docs/explore.md \"Tails\"); ";
        if (check == WinnerCheck::Replaced)
            std::cerr << "the best one that lowers as searched is reported\n";
        else if (check == WinnerCheck::Relowered)
            std::cerr << "none of the ranked mappings does: the one whose lowered schedule scores best is written "
                      << "and reported with its lowered figures (" << std::fixed << std::setprecision(0)
                      << r.best.energy_pj << " pJ, " << r.best.cycles << " cycles)\n";
        else
            std::cerr << "none of the ranked mappings lowers to one that fits: its figures are the search's\n";
    }
    for (size_t li = 0; li < selected.size(); ++li) {
        const auto &layer = selected[li];
        const explore::SpaceInfo &info = spaces[li];
        const explore::SearchResult &r = results.at(first[li]);
        const bool reused = first[li] != li;
        if (selected.size() == 1) only = r;
        total_energy += r.best.energy_pj;
        total_cycles += r.best.cycles;
        const double macs = double(info.problem.macs());
        const double floor_pj = model::energy_floor(info.problem, arch).total_pj();
        total_floor += floor_pj;
        chart.push_back({layer.layer.name, r.best.energy_pj, {}, floor_pj});
        if (json) {
            nlohmann::json j;
            j["layer"] = layer.layer.name;
            j["best"] = candidate_json(info, r.best);
            j["best"]["optimal"] = r.optimal;
            j["floor_pj"] = floor_pj;
            j["evaluated"] = r.evaluated;
            j["seconds"] = r.seconds;
            if (reused) j["shares_search_with"] = selected[first[li]].layer.name;
            j["pareto"] = nlohmann::json::array();
            for (const auto &c : r.pareto) j["pareto"].push_back(candidate_json(info, c));
            j["top"] = nlohmann::json::array();
            for (const auto &c : r.top) j["top"].push_back(candidate_json(info, c));
            all.push_back(j);
        } else {
            std::cout << "layer " << layer.layer.name << " on " << arch.name << ": ";
            if (reused)
                std::cout << "the shape of " << selected[first[li]].layer.name << ", whose result it shares, ";
            else
                std::cout << r.evaluated << " mappings evaluated in " << std::fixed << std::setprecision(2)
                          << r.seconds << " s, ";
            std::cout << std::fixed << (r.optimal ? "optimal (exhaustive search)" : "heuristic (simulated annealing, seed " + std::to_string(seed) + ")")
                      << ", objective " << objective << "\n";
            std::cout << "  rank  energy_pj      pJ/MAC  cycles        array       rtl\n";
            for (size_t i = 0; i < r.top.size() && int(i) < top; ++i) {
                const auto &c = r.top[i];
                std::cout << "  " << std::setw(4) << i + 1 << "  " << std::setw(13) << std::setprecision(0)
                          << c.energy_pj << "  " << std::setw(6) << std::setprecision(2) << c.energy_pj / macs
                          << "  " << std::setw(12) << c.cycles << "  " << std::setw(10)
                          << spatial_text(info, c.point) << "  " << (explore::rtl_generatable(info, c.point) ? "yes" : "no")
                          << "\n";
            }
            if (relowered[first[li]])
                std::cout << "  written: " << spatial_text(info, r.best.point) << " at " << std::setprecision(0)
                          << r.best.energy_pj << " pJ, " << r.best.cycles << " cycles, its schedule as Halide "
                          << "lowers it (no ranked mapping lowers to the counts searched: docs/explore.md \"Tails\")\n";
            std::cout << "  pareto front (energy x cycles): " << r.pareto.size() << " mappings\n";
            std::cout << "  energy floor (no mapping on " << arch.name << " goes below it): " << std::setprecision(0)
                      << floor_pj << " pJ, " << std::setprecision(2) << floor_pj / macs << " pJ/MAC; the best is "
                      << std::setprecision(1) << 100.0 * (r.best.energy_pj / floor_pj - 1) << "% above it\n";
        }
        if (!root) continue;
        if (verify > 0) verify_top(layer, sel, verify_arch, info, r, verify, out_dir.empty() ? "explore_verify" : out_dir);
        if (!out_dir.empty()) {
            const fs::path file = fs::path(out_dir) / (schedule_file_name(layer.layer.name) + ".sched");
            std::ofstream f(file);
            f << explore::schedule_text(info, r.best.point);
            if (!f) throw UserError("cannot write " + file.string());
        }
    }
    PresetCosts presets;
    if (root && !no_presets && (!json || !svg_file.empty())) presets = preset_costs(sel, arch, selected.size());
    if (root && !svg_file.empty()) write_svg(svg_file, arch, only, presets, chart);
    if (root && !out_dir.empty()) {
        std::ofstream f(fs::path(out_dir) / "arch.json");
        f << ir::to_json(design ? design->arch : arch).dump(2) << "\n";
        if (!f) throw UserError("cannot write " + (fs::path(out_dir) / "arch.json").string());
    }
    if (json) {
        if (design) {  // one design for the network: the layers' winners on it, and the design
            nlohmann::json searched_again = nlohmann::json::array();
            for (size_t i : design->searched_again) searched_again.push_back(selected[i].layer.name);
            std::cout << nlohmann::json{{"layers", all},
                                        {"design",
                                         {{"wiring", design->wiring},
                                          {"wiring_from", selected[design->wiring_from].layer.name},
                                          {"wirings_tried", design->wirings_tried},
                                          {"searched_again", searched_again},
                                          {"split", design->partitions},
                                          {"energy_pj", total_energy},  // its winners as written
                                          {"cycles", total_cycles},
                                          {"architecture", ir::to_json(design->arch)}}}}
                             .dump(2)
                      << "\n";
            return 0;
        }
        std::cout << (all.size() == 1 ? all[0] : all).dump(2) << "\n";
        return 0;
    }
    if (selected.size() > 1)
        std::cout << "network: " << std::fixed << std::setprecision(0) << total_energy << " pJ, "
                  << total_cycles << " cycles over " << selected.size() << " layers; energy floor " << total_floor
                  << " pJ (" << std::setprecision(1) << 100.0 * (total_energy / total_floor - 1) << "% above it)\n";
    if (design)
        std::cout << "one design for every layer (--rtl-only): " << design->wiring << " (the wiring of "
                  << selected[design->wiring_from].layer.name << "'s winner, best of " << design->wirings_tried
                  << "; " << design->searched_again.size() << " layer shape(s) searched again under it)\n";
    if (design && !design->partitions.empty())
        std::cout << "its buffers, each sized for its tensor's largest tile, would overflow the level: " << design->partitions
                  << " (-o DIR/arch.json gives the split level)\n";
    if (!no_presets) {
        const auto preset = best_preset(presets);
        if (!preset.first.empty())
            std::cout << "best preset (--dataflow " << preset.first << "): " << std::setprecision(0)
                      << preset.second << " pJ; explore: " << total_energy << " pJ, "
                      << std::setprecision(2) << preset.second / total_energy << "x less energy (the floor allows "
                      << preset.second / total_floor << "x)\n";
        else
            std::cout << "best preset: none of os, ws, is, rs maps " << (selected.size() > 1 ? "every layer" : "the layer")
                      << " on " << arch.name << " (`tessera estimate --dataflow DF` says why), so no comparison\n";
    }
    return 0;
}

}  // namespace tessera::cli
