// Fused groups on the command line (docs/fusion.md): `lower` / `estimate` with
// --fuse 'A..B' --tile RxC --overlap MODE, and `explore --fusion` (the depth-first tuner).
#include "ArchitectureOption.h"
#include "Commands.h"
#include "FusedLower.h"
#include "FusionTuner.h"
#include "LayerOptions.h"
#include "Networks.h"
#include "UserError.h"
#include "TunedSchedule.h"
#include "ir/FusedJson.h"
#include "ir/Print.h"
#include "ir/Validate.h"
#include "model/FusedCycles.h"
#include "model/FusionModel.h"
#include "model/FusionSvg.h"
#include "model/Model.h"
#include "rtl_backend/FusedDesign.h"
#include "sim/verilator/FusedDesignDir.h"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>

namespace tessera::cli {

namespace po = boost::program_options;

namespace {

struct FusionFlags {
    LayerSelection sel;
    std::string arch_name = "default", fuse, tile = "16x16", overlap = "recompute", objective = "energy";
    std::string svg_file, out_file, schedule_file;
    bool residual = false, json = false, fusion = false;
    int cores = 1, max_depth = 8;
    int64_t layer_search = 0;  // explore's annealing steps per layer for the layer mappings (0: presets)
    int threads = int(std::max(1u, std::thread::hardware_concurrency()));
    bool quiet = false;
};

// The architecture, and its number of cores unless --cores gives one.
ir::Architecture fusion_architecture(FusionFlags &f, const po::variables_map &vm) {
    ir::Architecture arch = select_architecture(f.arch_name, vm, f.sel);
    if (vm.count("cores") && vm["cores"].defaulted()) f.cores = arch.cores;
    return arch;
}

void add_group_options(po::options_description &desc, FusionFlags &f) {
    desc.add_options()
        ("network", po::value(&f.sel.network), "bundled network (resnet18 mobilenetv2 fsrcnn ...) or a CSV path")
        ("onnx", po::value(&f.sel.onnx), "an ONNX model's layers as the network (docs/onnx.md)")
        ("arch", po::value(&f.arch_name)->default_value(f.arch_name), "architecture: JSON (or YAML) file, Timeloop architecture YAML, bundled name or 'default'")
        ("dataflow", po::value(&f.sel.dataflow), "each layer's preset inside a tile (os ws is rs; default: the best)")
        ("array", po::value(&f.sel.array)->default_value("16x16"), "PE array ROWSxCOLS for presets")
        ("cores", po::value(&f.cores)->default_value(f.cores), "arrays sharing the GLB (tiles split across them); default: the architecture's \"cores\"")
        ("json", po::bool_switch(&f.json), "print JSON")
        ("help,h", "this help");
}

// Each layer's mapping inside a tile: the named preset, or the best of os/ws/is/rs that fits.
ir::AcceleratorIR layer_mapping(const ir::LayerSpec &l, const FusionFlags &f, const ir::Architecture &arch) {
    ScheduleRequest req = schedule_request(f.sel);
    if (!req.dataflow.empty()) return lower_to_ir(l, req);
    ir::AcceleratorIR best;
    double best_pj = -1;
    std::string why;
    for (const char *df : {"os", "ws", "is", "rs"}) {
        req.dataflow = df;
        try {
            ir::AcceleratorIR ir = lower_to_ir(l, req);
            ir::validate_fit(ir, arch);
            model::Model m(ir, arch);
            const double pj = m.evaluate().energy_pj;
            if (best_pj < 0 || pj < best_pj) best_pj = pj, best = ir;
        } catch (const std::exception &e) {
            why = e.what();
        }
    }
    if (best_pj < 0) throw UserError("layer " + l.name + ": no preset fits (" + why + ")");
    return best;
}

std::vector<model::LayerCost> costs_of(const ir::FusedGroup &g, const ir::Architecture &arch) {
    std::vector<model::LayerCost> costs;
    for (const auto &ir : g.layer_irs) {
        model::Model m(ir, arch);
        costs.push_back(model::layer_cost(m.evaluate(), ir, arch));
    }
    return costs;
}

// Layers `range` ('A..B') of the network as a group, with the group schedule `text` if not empty.
ir::FusedGroup group_of(FusionFlags &f, const std::vector<ir::LayerSpec> &net, const ir::Architecture &arch,
                        const std::string &range, const std::string &text) {
    const auto [first, last] = parse_fuse_range(range, net);
    const auto [th, tw] = parse_tile(f.tile);
    const ir::Overlap overlap = ir::overlap_from_string(f.overlap);
    const std::string level = arch.levels.size() > 1 ? arch.levels[1].name : arch.levels[0].name;
    ir::FusedGroup g = lower_group(net, first, last, th, tw, overlap, f.residual, f.cores, {}, level);
    if (!text.empty()) apply_group_schedule(g, text, level);  // tile and overlap from the text
    for (size_t i = 0; i < g.layers.size(); ++i) g.layer_irs[i] = layer_mapping(g.layers[i], f, arch);
    return g;
}

std::string read_schedule_file(const std::string &path) {
    std::ifstream in(path);
    if (!in) throw UserError("cannot read schedule file " + path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The group of a file `explore --fusion -o` wrote that --fuse's range ('A..B', names or positions)
// names; a range that is none of its groups is an error listing them.
const TunedGroup &tuned_group(const std::vector<TunedGroup> &tuned, const FusionFlags &f,
                              const std::vector<ir::LayerSpec> &net) {
    const auto [a, b] = parse_fuse_range(f.fuse, net);
    std::string ranges;
    for (const TunedGroup &t : tuned) {
        if (net[a].name == t.first && net[b].name == t.last) return t;
        ranges += (ranges.empty() ? "" : ", ") + t.first + ".." + t.last;
    }
    throw UserError("schedule file " + f.schedule_file + " has no fused group " + f.fuse + "; its groups: " + ranges);
}

// The group --fuse names; with a file `explore --fusion -o` wrote (several groups, each with its
// layers' mappings), that group's own statements.
ir::FusedGroup group_from_flags(FusionFlags &f, const ir::Architecture &arch) {
    const auto net = selected_network(f.sel, "--fuse needs");
    const std::string text = f.schedule_file.empty() ? "" : read_schedule_file(f.schedule_file);
    const std::vector<TunedGroup> tuned = tuned_groups(text);
    if (tuned.empty()) return group_of(f, net, arch, f.fuse, text);
    return group_of(f, net, arch, f.fuse, tuned_group(tuned, f, net).statements);
}

bool parse_group_command(const Args &args, FusionFlags &f, po::options_description &desc, po::variables_map &vm,
                         const std::string &command) {
    add_group_options(desc, f);
    desc.add_options()
        ("fuse", po::value(&f.fuse), "fused group 'A..B': first and last layer (names or 0-based positions); compile: 'all' = every group of a --schedule file explore --fusion wrote")
        ("tile", po::value(&f.tile)->default_value(f.tile), "tile of the group's output, ROWSxCOLS")
        ("overlap", po::value(&f.overlap)->default_value(f.overlap), "recompute | cache-h | cache-hv")
        ("residual", po::bool_switch(&f.residual), "add the group's input to its output (ResNet / MobileNetV2 block)")
        ("schedule", po::value(&f.schedule_file), "the group's schedule as text (L0.compute_at(L1, xo) ...; "
         "docs/fusion.md) instead of --tile/--overlap");
    return parse_command_line(args, desc, vm, command);
}

}  // namespace

bool wants_fusion(const Args &args, const char *flag) {
    for (const auto &a : args)
        if (a == flag || a.rfind(std::string(flag) + "=", 0) == 0) return true;
    return false;
}

int run_lower_fused(const Args &args) {
    FusionFlags f;
    po::options_description desc("tessera lower --fuse: a fused group's IR (docs/fusion.md)\n\n"
                                 "  tessera lower --network resnet18 --fuse 1..2 --tile 8x8 --overlap cache-h --residual\n\noptions");
    po::variables_map vm;
    if (!parse_group_command(args, f, desc, vm, "lower")) return 0;
    const ir::Architecture arch = fusion_architecture(f, vm);
    ir::FusedGroup g = group_from_flags(f, arch);
    model::evaluate_group(g, costs_of(g, arch), arch);  // capacity check; sets weights_level
    if (f.json) {
        std::cout << ir::to_json(g).dump(2) << "\n";
        return 0;
    }
    std::cout << g.schedule << "\ntile loops (shared by the group's layers):\n";
    for (const auto &l : g.tile_loops)
        std::cout << "  for " << l.name << " in 0.." << l.extent << "  (" << l.dim << " += " << l.stride << ")\n";
    std::cout << "intermediates:\n";
    for (const auto &m : g.intermediates)
        std::cout << "  " << g.layers[size_t(m.producer)].name << " -> " << m.level << ": compute_at " << m.compute_at
                  << ", store_at " << m.store_at << ", " << m.buffer_words << " words; rows "
                  << (m.cache_y ? "cached" : "recomputed") << ", columns " << (m.cache_x ? "cached" : "recomputed") << "\n";
    std::cout << "weights: " << (g.weights_level == "DRAM" ? "re-fetched from DRAM per tile" : "resident in " + g.weights_level)
              << (g.residual ? "\nresidual: the group's input is added to the last layer's output\n" : "\n");
    for (size_t i = 0; i < g.layers.size(); ++i)
        std::cout << "\nlayer " << i << " (" << g.layers[i].name << "), its own mapping (as for the whole layer; a tile runs it on the tile's extents):\n" << ir::print_nest(g.layer_irs[i]);
    return 0;
}

int run_estimate_fused(const Args &args) {
    FusionFlags f;
    po::options_description desc("tessera estimate --fuse: a fused group's counts, energy and cycles (docs/fusion.md)\n\n"
                                 "  tessera estimate --network fsrcnn --fuse 0..7 --tile 16x960 --overlap cache-hv\n\noptions");
    int lanes = 8;
    desc.add_options()("lanes", po::value(&lanes)->default_value(lanes),
                       "also the cycles of the fused RTL with this many MAC lanes (compile --fuse --lanes), 1..64");
    po::variables_map vm;
    if (!parse_group_command(args, f, desc, vm, "estimate")) return 0;
    if (lanes < 1 || lanes > 64) throw UserError("--lanes must be 1..64");
    const ir::Architecture arch = fusion_architecture(f, vm);
    ir::FusedGroup g = group_from_flags(f, arch);
    const auto costs = costs_of(g, arch);
    const model::FusedEstimate e = model::evaluate_group(g, costs, arch);
    double lbl_pj = 0;
    int64_t lbl_cycles = 0;
    for (const auto &c : costs) lbl_pj += c.layer_by_layer.energy_pj, lbl_cycles += c.layer_by_layer.cycles.total;
    // The generated fused datapath (one lane array, docs/rtl.md "Fused groups") has its own cycle
    // model, the one `simulate` checks; the group's counters are the same as above.
    std::string rtl_refusal;
    try {
        rtl::fused_config(g, lanes);
    } catch (const UserError &err) {
        rtl_refusal = err.what();
    }
    const int64_t rtl_cycles = rtl_refusal.empty() ? model::fused_rtl_cycles(g, lanes, int(arch.dram_latency_cycles)) : -1;
    if (f.json) {
        nlohmann::json j = nlohmann::json::parse(model::fused_json(g, e));
        j["layer_by_layer"] = {{"energy_pj", lbl_pj}, {"cycles", lbl_cycles}};
        j["fused_rtl"] = rtl_refusal.empty() ? nlohmann::json{{"lanes", lanes}, {"cycles", rtl_cycles}}
                                             : nlohmann::json{{"lanes", lanes}, {"refused", rtl_refusal}};
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::cout << model::fused_table(g, e) << "layer by layer (same mappings): " << std::fixed << std::setprecision(2)
              << lbl_pj * 1e-6 << " uJ, " << lbl_cycles << " cycles\n";
    if (rtl_refusal.empty())
        std::cout << "fused RTL (compile --fuse, " << lanes << " lanes): " << rtl_cycles << " cycles\n";
    else
        std::cout << "fused RTL: not generated (" << rtl_refusal << ")\n";
    return 0;
}

int run_explore_fusion(const Args &args) {
    FusionFlags f;
    po::options_description desc("tessera explore --fusion: depth-first tuning of a network (docs/fusion.md)\n\n"
                                 "  tessera explore --network fsrcnn --fusion --objective edp --svg fsrcnn.svg\n\noptions");
    add_group_options(desc, f);
    desc.add_options()
        ("fusion", po::bool_switch(&f.fusion), "tune fused groups (cut points, tile, overlap, cores)")
        ("objective", po::value(&f.objective)->default_value(f.objective), "energy | cycles | edp")
        ("max-depth", po::value(&f.max_depth)->default_value(f.max_depth), "most layers per group")
        ("layer-search", po::value(&f.layer_search)->default_value(f.layer_search),
         "each layer's mapping from explore's search with this many annealing steps per chain (0: best preset)")
        ("svg", po::value(&f.svg_file), "write the energy per layer (layer by layer vs depth first) as SVG")
        ("output,o", po::value(&f.out_file), "write the best schedule per group to this file")
        ("jobs,j", po::value(&f.threads)->default_value(f.threads), "threads of --layer-search (default: all cores)")
        ("quiet,q", po::bool_switch(&f.quiet), "no progress on stderr");
    po::variables_map vm;
    if (!parse_command_line(args, desc, vm, "explore")) return 0;
    if (f.threads < 1 || f.threads > 1024) throw UserError("--jobs must be 1..1024");

    if (f.cores < 1 || f.cores > 64) throw UserError("--cores must be 1..64");
    if (f.max_depth < 1) throw UserError("--max-depth must be at least 1");
    const auto net = selected_network(f.sel, "explore --fusion needs");
    const ir::Architecture arch = fusion_architecture(f, vm);
    explore::FusionOptions opt;
    opt.objective = explore::parse_objective(f.objective);
    opt.max_cores = f.cores;
    opt.max_depth = f.max_depth;
    if (!f.quiet) opt.progress = [](const std::string &s) { std::cerr << "fusion: " << s << "\n"; };
    std::vector<ir::AcceleratorIR> irs;
    std::vector<model::Estimate> estimates;
    for (size_t i = 0; i < net.size(); ++i) {
        irs.push_back(layer_mapping(net[i], f, arch));
        if (f.layer_search > 0) {  // explore's per-layer search; the preset stays if it is better
            const explore::SpaceInfo info = explore::space_info(irs.back().problem, arch);
            explore::SearchOptions so;
            so.objective = opt.objective;
            so.threads = f.threads;
            so.mode = "anneal";
            so.anneal_steps = f.layer_search;
            so.chains = 2;
            const explore::SearchResult r = explore::search(info, so);
            model::Model preset(irs.back(), arch);
            const model::Estimate pe = preset.evaluate();
            if (r.found && r.best.energy_pj < pe.energy_pj) {
                irs.back() = explore::build_ir(info, r.best.point);
                estimates.push_back(explore::evaluate_point(info, r.best.point));
            } else {
                estimates.push_back(pe);
            }
        }
        if (!f.quiet) std::cerr << "\rfusion: layer mappings " << i + 1 << "/" << net.size() << std::flush;
    }
    if (!f.quiet) std::cerr << "\n";
    const explore::FusionPlan plan = explore::tune_fusion(net, irs, arch, opt, f.layer_search > 0 ? &estimates : nullptr);

    std::ostringstream schedules;
    for (const auto &gc : plan.groups) {
        if (!gc.fused) continue;
        schedules << gc.group.schedule;
        for (size_t i = 0; i < gc.group.layers.size(); ++i)
            schedules << "# L" << i << " = " << gc.group.layers[i].name << ", inside a tile:\n"
                      << gc.group.layer_irs[i].mapping.schedule << "\n";
    }
    if (!f.out_file.empty()) {
        std::ofstream out(f.out_file);
        out << schedules.str();
        if (!out) throw UserError("cannot write " + f.out_file + "; check the directory exists");
    }
    if (!f.svg_file.empty()) {
        std::ofstream out(f.svg_file);
        std::vector<std::string> names;
        for (const auto &l : net) names.push_back(l.name);
        model::write_fusion_svg(out, selected_network_name(f.sel), names, plan.lbl_energy, plan.df_energy);
        if (!out) throw UserError("cannot write " + f.svg_file + "; check the directory exists");
    }
    auto totals = [](const explore::Totals &t) {
        return nlohmann::json{{"energy_pj", t.energy_pj}, {"cycles", t.cycles}, {"dram_words", t.dram_words}};
    };
    if (f.json) {
        nlohmann::json j;
        j["network"] = selected_network_name(f.sel);
        j["objective"] = f.objective;
        j["groups"] = nlohmann::json::array();
        for (const auto &gc : plan.groups) {
            nlohmann::json layers = nlohmann::json::array();
            for (size_t i = gc.first; i <= gc.last; ++i) layers.push_back(net[i].name);
            j["groups"].push_back({{"layers", layers},
                                   {"tile", gc.fused ? std::to_string(gc.group.tile_h) + "x" + std::to_string(gc.group.tile_w) : "layer"},
                                   {"overlap", gc.fused ? ir::to_string(gc.group.overlap) : "none"},
                                   {"cores", gc.fused ? gc.group.cores : f.cores},
                                   {"energy_pj", gc.totals.energy_pj}, {"cycles", gc.totals.cycles},
                                   {"dram_words", gc.totals.dram_words}});
        }
        j["layer_by_layer"] = totals(plan.layer_by_layer);
        j["depth_first"] = totals(plan.depth_first);
        j["candidates"] = plan.candidates;
        j["seconds"] = plan.seconds;
        j["schedule"] = schedules.str();
        std::cout << j.dump(2) << "\n";
        return 0;
    }
    std::cout << schedules.str() << "\n";
    std::cout << std::left << std::setw(44) << "layer" << std::right << std::setw(14) << "LbL uJ" << std::setw(14)
              << "DF uJ" << std::setw(14) << "LbL DRAM" << std::setw(14) << "DF DRAM" << "  group\n";
    for (const auto &gc : plan.groups)
        for (size_t i = gc.first; i <= gc.last; ++i) {
            const std::string name = net[i].name.size() > 43 ? net[i].name.substr(net[i].name.size() - 43) : net[i].name;
            std::cout << std::left << std::setw(44) << name << std::right << std::fixed << std::setprecision(2)
                      << std::setw(14) << plan.lbl_energy[i] * 1e-6 << std::setw(14) << plan.df_energy[i] * 1e-6
                      << std::setw(14) << plan.lbl_dram[i] << std::setw(14) << plan.df_dram[i] << "  "
                      << (gc.fused ? (i == gc.first ? "fused " + std::to_string(gc.group.tile_h) + "x" +
                                                          std::to_string(gc.group.tile_w) + " " +
                                                          ir::to_string(gc.group.overlap) + " cores " +
                                                          std::to_string(gc.group.cores)
                                                    : "  |")
                                   : "layer by layer")
                      << "\n";
        }
    const auto &a = plan.layer_by_layer, &b = plan.depth_first;
    std::cout << std::left << std::setw(44) << "total" << std::right << std::setw(14) << a.energy_pj * 1e-6
              << std::setw(14) << b.energy_pj * 1e-6 << std::setw(14) << a.dram_words << std::setw(14) << b.dram_words
              << "\n"
              << std::setprecision(2) << "depth first vs layer by layer: energy " << a.energy_pj / b.energy_pj
              << "x, DRAM words " << double(a.dram_words) / double(std::max<int64_t>(b.dram_words, 1)) << "x, cycles "
              << double(a.cycles) / double(std::max<int64_t>(b.cycles, 1)) << "x (" << plan.candidates
              << " group candidates in " << plan.seconds << " s)\n";
    return 0;
}

// `tessera compile --fuse`: one fused-group design and its group's config (docs/rtl.md, "Fused groups").
int run_compile_fused(const Args &args) {
    FusionFlags f;
    std::string out_dir, top = "tessera_fused";
    int lanes = 8;
    po::options_description desc("tessera compile --fuse: the fused-group accelerator, a config per group and a report\n"
                                 "(docs/rtl.md, \"Fused groups\")\n\n"
                                 "  tessera compile --network resnet18 --fuse 1..2 --tile 8x8 --overlap cache-h --residual -o out\n"
                                 "  tessera explore --network fsrcnn --fusion -o tuned.sched\n"
                                 "  tessera compile --network fsrcnn --fuse all --schedule tuned.sched -o out   (every fused group of the file)\n"
                                 "  tessera simulate out\n\noptions");
    desc.add_options()
        ("out,o", po::value(&out_dir), "where to write (required)")
        ("lanes", po::value(&lanes)->default_value(lanes), "MAC lanes of the array (output channels at once), 1..64")
        ("top", po::value(&top)->default_value(top), "name of the top module");
    po::variables_map vm;
    if (!parse_group_command(args, f, desc, vm, "compile")) return 0;
    if (out_dir.empty()) throw UserError("compile --fuse needs -o DIR (where to write the design)");
    if (lanes < 1 || lanes > 64) throw UserError("--lanes must be 1..64");
    const ir::Architecture arch = fusion_architecture(f, vm);
    // The groups: --fuse with --tile/--overlap or a group schedule, or every fused group of the
    // file `explore --fusion -o` wrote (--fuse then picks one of them).
    const std::string text = f.schedule_file.empty() ? "" : read_schedule_file(f.schedule_file);
    const std::vector<TunedGroup> tuned = tuned_groups(text);
    std::vector<ir::FusedGroup> groups;
    const auto net = selected_network(f.sel, "--fuse needs");
    if (tuned.empty()) {
        if (f.fuse.empty() || f.fuse == "all")
            throw UserError("compile --fuse all needs --schedule FILE from explore --fusion -o FILE; else --fuse 'A..B'");
        groups.push_back(group_of(f, net, arch, f.fuse, text));
    }
    std::vector<std::pair<size_t, ir::FusedGroup>> placed;  // (first layer, group), in network order
    std::vector<bool> covered(net.size(), false);
    const std::vector<TunedGroup> chosen =
        tuned.empty() || f.fuse == "all" ? tuned : std::vector<TunedGroup>{tuned_group(tuned, f, net)};
    for (const TunedGroup &t : chosen) {
        ir::FusedGroup g = group_of(f, net, arch, t.first + ".." + t.last, t.statements);
        const auto [a, b] = parse_fuse_range(t.first + ".." + t.last, net);
        for (size_t i = a; i <= b; ++i) covered[i] = true;
        placed.emplace_back(a, std::move(g));
    }
    if (!tuned.empty() && f.fuse == "all") {
        // The layers the tuner left unfused run as one-layer groups (--tile, --overlap) on the same
        // datapath, so that the design runs the whole network.
        FusionFlags single = f;
        single.residual = false;
        for (size_t i = 0; i < covered.size(); ++i) {
            if (covered[i]) continue;
            try {
                placed.emplace_back(i, group_of(single, net, arch, std::to_string(i) + ".." + std::to_string(i), ""));
            } catch (const UserError &e) {  // e.g. an fc layer: not a tile loop nest
                std::cerr << "note: layer " << net[i].name << " is left out of the fused design (" << e.what()
                          << "); compile it layer by layer\n";
            }
        }
    }
    std::stable_sort(placed.begin(), placed.end(), [](const auto &x, const auto &y) { return x.first < y.first; });
    for (auto &[first, g] : placed) groups.push_back(std::move(g));
    std::vector<vsim::FusedModel> models;
    std::vector<rtl::FusedConfig> configs;
    for (ir::FusedGroup &g : groups) {
        models.push_back(vsim::fused_model(g, arch));  // capacity check; sets weights_level
        configs.push_back(rtl::fused_config(g, lanes));
    }
    rtl::FusedDesignSpec spec = rtl::fused_design_spec(groups, configs, lanes, int(arch.dram_latency_cycles));
    spec.name = top;
    spec.architecture = arch.name;
    vsim::FusedDesignDir d{spec, rtl::generate_fused_rtl(spec), arch, groups, configs};
    vsim::write_fused_design_dir(out_dir, d, models);
    std::cout << "fused design " << top << ": " << lanes << " lanes, activation memory " << spec.act_words
              << " B, window " << spec.win_words << " B, weights " << spec.weight_words << " B\n";
    for (size_t i = 0; i < groups.size(); ++i) {
        const ir::FusedGroup &g = groups[i];
        std::cout << "group " << configs[i].group << ": tile " << g.tile_h << "x" << g.tile_w << ", "
                  << ir::to_string(g.overlap) << ", weights "
                  << (g.weights_level == arch.levels.front().name ? "re-fetched per tile" : "resident")
                  << "; model: " << models[i].fused.dram_words << " DRAM words (layer by layer: "
                  << models[i].layer_by_layer_dram_words << ")\n";
    }
    std::cout << "wrote " << out_dir << "/rtl, " << out_dir << "/config, " << out_dir << "/report.json\n";
    return 0;
}

}  // namespace tessera::cli
