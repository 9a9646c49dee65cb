// tessera explore: search the mappings of a layer (or every layer of a network) on an architecture
// with the analytical model; print the ranked winners, write them as schedule text (docs/explore.md).
#include "Commands.h"
#include "LayerOptions.h"
#include "Search.h"
#include "UserError.h"
#include "ir/ArchitectureJson.h"
#include "ir/Validate.h"
#include "model/Model.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace tessera::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// --spatial 'C,FX|K': dims of each axis (outermost digit first) as problem dim indices.
void parse_spatial(const std::string &text, const ir::Problem &p, explore::Constraints &c) {
    static const std::map<std::string, std::string> letters = {
        {"N", "n"}, {"K", "k"}, {"C", "c"}, {"Y", "y"}, {"X", "x"}, {"FY", "r"}, {"FX", "s"}};
    auto axis = [&](const std::string &part) {
        std::vector<int> dims;
        std::stringstream ss(part);
        for (std::string l; std::getline(ss, l, ',');) {
            auto it = letters.find(l);
            if (it == letters.end())
                throw UserError("unknown dimension '" + l + "' in --spatial '" + text +
                                "' (use N, K, C, Y, X, FY, FX)");
            int found = -1;
            for (size_t d = 0; d < p.dims.size(); ++d)
                if (p.dims[d].name == it->second) found = int(d);
            if (found < 0)
                throw UserError("--spatial '" + text + "': a " + p.layer.type + " layer has no dimension " + l);
            dims.push_back(found);
        }
        return dims;
    };
    const auto bar = text.find('|');
    c.spatial_fixed = true;
    if (bar == std::string::npos) {
        c.col_dims = axis(text);
    } else {
        c.row_dims = axis(text.substr(0, bar));
        c.col_dims = axis(text.substr(bar + 1));
    }
    std::vector<int> all = c.row_dims;
    all.insert(all.end(), c.col_dims.begin(), c.col_dims.end());
    std::sort(all.begin(), all.end());
    if (c.col_dims.empty() || std::adjacent_find(all.begin(), all.end()) != all.end())
        throw UserError("--spatial '" + text + "' is impossible: each axis needs a dim and a dim may "
                        "appear once (e.g. 'C|K')");
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

// A layer name as a file name: "conv:C=8,K=8" -> "conv_C_8_K_8".
std::string file_name(const std::string &layer) {
    std::string s = layer;
    for (char &ch : s)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-') ch = '_';
    return s;
}

nlohmann::json candidate_json(const explore::SpaceInfo &info, const explore::Candidate &c) {
    return {{"energy_pj", c.energy_pj},
            {"cycles", c.cycles},
            {"pj_per_mac", c.energy_pj / double(info.problem.macs())},
            {"rtl_generatable", explore::rtl_generatable(c.point)},
            {"schedule", explore::schedule_text(info, c.point)}};
}

// The best of the presets (os, ws, is, rs) on the same layers and architecture: the summed energy
// of the preset with the least, and its name; empty name if none fits every layer.
std::pair<std::string, double> best_preset(LayerSelection sel, const ir::Architecture &arch) {
    if (const ir::MemoryLevel *glb = arch.level("GLB")) sel.buffer_bytes = glb->tile_budget_bytes();
    std::pair<std::string, double> best{"", 0};
    for (const char *df : {"os", "ws", "is", "rs"}) {
        sel.dataflow = df;
        double total = 0;
        try {
            for (const auto &l : lower_selection(sel)) {
                ir::validate_fit(l.ir, arch);
                model::Model m(l.ir, arch);
                total += m.evaluate().energy_pj;
            }
        } catch (const std::exception &) {
            continue;  // this preset does not map every layer here
        }
        if (best.first.empty() || total < best.second) best = {df, total};
    }
    return best;
}

// --verify K: `tessera compile` then `tessera simulate` (the same code paths as the commands) of the
// top K mappings that compile generates RTL for; simulate prints every counter beside the model's.
void verify_top(const SelectedLayer &layer, const LayerSelection &sel, const std::string &arch_name,
                const explore::SpaceInfo &info, const explore::SearchResult &r, int k,
                const std::string &base) {
    int done = 0;
    for (size_t i = 0; i < r.top.size() && done < k; ++i) {
        const auto &c = r.top[i];
        if (!explore::rtl_generatable(c.point)) continue;
        ++done;
        const fs::path dir = fs::path(base) / "verify" / (file_name(layer.layer.name) + "_" + std::to_string(i + 1));
        fs::create_directories(dir);
        const std::string sched = (dir / "schedule.sched").string();
        std::ofstream(sched) << explore::schedule_text(info, c.point);
        Args compile = sel.network.empty() ? Args{"--layer", sel.layer}
                                           : Args{"--network", sel.network, "--layer", layer.layer.name};
        for (const std::string &a : {std::string("--arch"), arch_name, std::string("--schedule"), sched,
                                     std::string("-o"), (dir / "design").string()})
            compile.push_back(a);
        std::cout << "== verify rank " << i + 1 << " of " << layer.layer.name << ": model " << std::fixed
                  << std::setprecision(0) << c.energy_pj << " pJ, " << c.cycles << " cycles\n" << std::flush;
        run_compile(compile);
        const int rc = run_simulate({(dir / "design").string()});
        std::cout << "== verify rank " << i + 1 << ": " << (rc == 0 ? "PASS" : "FAIL") << "\n";
        if (rc != 0) throw UserError("layer " + layer.layer.name + ": rank " + std::to_string(i + 1) +
                                     " failed in RTL simulation (design in " + dir.string() + ")");
    }
    if (done == 0)
        std::cout << "== verify: no ranked mapping of " << layer.layer.name
                  << " is RTL-generatable; run with --rtl-only\n";
}

}  // namespace

int run_explore(const Args &args) {
    LayerSelection sel;
    std::string arch_name = "default", objective = "energy", out_dir, rf_order, mode = "auto";
    bool json = false, rtl_only = false, quiet = false, mpi = false, no_presets = false;
    int threads = int(std::max(1u, std::thread::hardware_concurrency()));
    uint64_t seed = 1;
    int64_t steps = 60000, limit = 3000000;
    int top = 5, verify = 0;
    po::options_description desc(
        "tessera explore: search mappings with the analytical model (docs/explore.md)\n\n"
        "  tessera explore --layer conv:C=256,K=256,H=58,W=58,R=3,S=3 --arch eyeriss_16x16\n"
        "  tessera explore --network resnet50 --layer CB2a_2 --rtl-only -o winners\n"
        "  tessera explore --layer fc:N=4,C=8,K=8 --search exhaustive --json\n\noptions");
    add_layer_options(desc, sel);
    desc.add_options()
        ("arch", po::value(&arch_name)->default_value(arch_name),
         "architecture: a JSON file, a bundled name (examples/arch/NAME.json) or 'default'")
        ("objective", po::value(&objective)->default_value(objective), "energy | cycles | edp")
        ("search", po::value(&mode)->default_value(mode),
         "auto (exhaustive if the space is small enough, else anneal) | exhaustive | anneal")
        ("exhaustive-limit", po::value(&limit)->default_value(limit),
         "auto: the most mappings an exhaustive search may evaluate before it falls back to annealing")
        ("steps", po::value(&steps)->default_value(steps), "annealing steps per chain (8 chains)")
        ("seed", po::value(&seed)->default_value(seed), "annealing seed: the same seed, the same result")
        ("jobs,j", po::value(&threads)->default_value(threads), "threads (default: all cores)")
        ("rtl-only", po::bool_switch(&rtl_only),
         "only mappings `tessera compile` generates RTL for (one loop per array axis, no per-PE tiles)")
        ("rf-order", po::value(&rf_order), "fix the loop order inside the PEs: every dim, outer first (n,k,c,y,x,r,s)")
        ("top", po::value(&top)->default_value(top), "rows of the ranked table")
        ("json", po::bool_switch(&json), "print JSON (layer, best, evaluated, seconds, pareto)")
        ("output,o", po::value(&out_dir), "write each layer's winner as DIR/LAYER.sched and the architecture as DIR/arch.json")
        ("quiet,q", po::bool_switch(&quiet), "no progress on stderr")
        ("verify", po::value(&verify)->default_value(verify),
         "compile and simulate (Verilator) the top K RTL-generatable mappings of each layer; model beside RTL")
        ("no-presets", po::bool_switch(&no_presets), "skip the comparison with the best preset (os, ws, is, rs)")
        ("mpi", po::bool_switch(&mpi), "distribute the search with MPI (not built into this tessera)")
        ("help,h", "this help");
    po::variables_map vm;
    if (!parse_command_line(args, desc, vm, "explore")) return 0;
    if (!sel.schedule_file.empty() || !sel.dataflow.empty() || !sel.timeloop_mapping.empty() ||
        !sel.maestro_mapping.empty())
        throw UserError("explore searches the schedule: drop --schedule / --dataflow / --timeloop-mapping / "
                        "--maestro-mapping (constrain with --spatial)");
    if (mpi)
        throw UserError("--mpi: this tessera was built without MPI support; run explore on one machine "
                        "with -j N (docs/explore.md)");
    if (threads < 1) throw UserError("--jobs must be at least 1");
    const explore::Objective obj = explore::parse_objective(objective);
    const ir::Architecture arch = ir::load_architecture(arch_name);
    // The problem of each layer comes from the front end (one preset lowering, not searched).
    const std::string spatial = sel.spatial;
    sel.spatial.clear();
    sel.array = std::to_string(arch.rows) + "x" + std::to_string(arch.cols);
    sel.buffer_bytes = int64_t(1) << 40;  // only the problem is used: any preset blocking will do
    const auto selected = lower_selection(sel);

    nlohmann::json all = nlohmann::json::array();
    double total_energy = 0;
    int64_t total_cycles = 0;
    for (const auto &layer : selected) {
        const explore::SpaceInfo info = explore::space_info(layer.ir.problem, arch);
        explore::SearchOptions opt;
        opt.objective = obj;
        opt.threads = threads;
        opt.seed = seed;
        opt.mode = mode;
        opt.exhaustive_limit = limit;
        opt.anneal_steps = steps;
        opt.progress = !quiet && !json && isatty(2);
        opt.constraints.rtl_only = rtl_only;
        if (!spatial.empty()) parse_spatial(spatial, info.problem, opt.constraints);
        if (!rf_order.empty()) opt.constraints.rf_order = parse_order(rf_order, info.problem);
        explore::SearchResult r;
        try {
            r = explore::search(info, opt);
        } catch (const UserError &e) {
            throw UserError("layer " + layer.layer.name + ": " + e.what());
        }
        if (!r.found)
            throw UserError("layer " + layer.layer.name + ": no mapping fits architecture '" + arch.name +
                            "' under the constraints; relax --spatial/--rtl-only or give the levels more bytes");
        total_energy += r.best.energy_pj;
        total_cycles += r.best.cycles;
        const double macs = double(info.problem.macs());
        if (json) {
            nlohmann::json j;
            j["layer"] = layer.layer.name;
            j["best"] = candidate_json(info, r.best);
            j["best"]["optimal"] = r.optimal;
            j["evaluated"] = r.evaluated;
            j["seconds"] = r.seconds;
            j["pareto"] = nlohmann::json::array();
            for (const auto &c : r.pareto) j["pareto"].push_back(candidate_json(info, c));
            j["top"] = nlohmann::json::array();
            for (const auto &c : r.top) j["top"].push_back(candidate_json(info, c));
            all.push_back(j);
        } else {
            std::cout << "layer " << layer.layer.name << " on " << arch.name << ": " << r.evaluated
                      << " mappings evaluated in " << std::fixed << std::setprecision(2) << r.seconds
                      << " s, " << (r.optimal ? "optimal (exhaustive search)" : "heuristic (simulated annealing, seed " + std::to_string(seed) + ")")
                      << ", objective " << objective << "\n";
            std::cout << "  rank  energy_pj      pJ/MAC  cycles        array       rtl\n";
            for (size_t i = 0; i < r.top.size() && int(i) < top; ++i) {
                const auto &c = r.top[i];
                std::cout << "  " << std::setw(4) << i + 1 << "  " << std::setw(13) << std::setprecision(0)
                          << c.energy_pj << "  " << std::setw(6) << std::setprecision(2) << c.energy_pj / macs
                          << "  " << std::setw(12) << c.cycles << "  " << std::setw(10)
                          << spatial_text(info, c.point) << "  " << (explore::rtl_generatable(c.point) ? "yes" : "no")
                          << "\n";
            }
            std::cout << "  pareto front (energy x cycles): " << r.pareto.size() << " mappings\n";
        }
        if (verify > 0) verify_top(layer, sel, arch_name, info, r, verify, out_dir.empty() ? "explore_verify" : out_dir);
        if (!out_dir.empty()) {
            fs::create_directories(out_dir);
            const fs::path file = fs::path(out_dir) / (file_name(layer.layer.name) + ".sched");
            std::ofstream f(file);
            f << explore::schedule_text(info, r.best.point);
            if (!f) throw UserError("cannot write " + file.string());
        }
    }
    if (!out_dir.empty()) {
        std::ofstream f(fs::path(out_dir) / "arch.json");
        f << ir::to_json(arch).dump(2) << "\n";
        if (!f) throw UserError("cannot write " + (fs::path(out_dir) / "arch.json").string());
    }
    if (json) {
        std::cout << (all.size() == 1 ? all[0] : all).dump(2) << "\n";
        return 0;
    }
    if (selected.size() > 1)
        std::cout << "network: " << std::fixed << std::setprecision(0) << total_energy << " pJ, "
                  << total_cycles << " cycles over " << selected.size() << " layers\n";
    if (!no_presets) {
        const auto preset = best_preset(sel, arch);
        if (!preset.first.empty())
            std::cout << "best preset (--dataflow " << preset.first << "): " << std::setprecision(0)
                      << preset.second << " pJ; explore: " << total_energy << " pJ, "
                      << std::setprecision(2) << preset.second / total_energy << "x less energy\n";
    }
    return 0;
}

}  // namespace tessera::cli
