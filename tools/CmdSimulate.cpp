// tessera simulate: run a compiled design's layers in Verilator (one build, cached) and check
// every one three ways: outputs bit-exact against Halide's JIT result, access counters equal to
// the model's, cycles within a tolerance of the model's (docs/simulate.md).
#include "ArchitectureOption.h"
#include "Commands.h"
#include "LayerOptions.h"
#include "OnnxTensors.h"
#include "UserError.h"
#include "sim/verilator/DesignDir.h"
#include "sim/verilator/FusedDesignDir.h"
#include "sim/verilator/SimReport.h"
#include "sim/verilator/Simulate.h"
#include "sim/verilator/TracedBuild.h"

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>

namespace tessera::cli {

namespace po = boost::program_options;

namespace {

// One row of the side-by-side table of `tessera simulate DIR1 DIR2 ...`.
struct DesignRow {
    std::string dir, interconnect, layer;
    uint64_t measured = 0;
    int64_t model = 0;
    double energy_pj = 0;
    bool pass = false;
};

std::vector<DesignRow> *g_rows = nullptr;  // set while simulating several directories

int run_simulate_one(const Args &args);

}  // namespace

// Several design directories (e.g. the same layer compiled for broadcast, systolic and hybrid
// arrays): each is simulated as usual, then one table shows them side by side.
int run_simulate(const Args &args) {
    if (!args.empty() && vsim::is_fused_design_dir(args.front())) return run_simulate_fused(args);
    size_t first_option = 0;
    while (first_option < args.size() && !args[first_option].empty() && args[first_option][0] != '-') ++first_option;
    if (first_option <= 1) return run_simulate_one(args);
    std::vector<DesignRow> rows;
    g_rows = &rows;
    int status = 0;
    for (size_t d = 0; d < first_option; ++d) {
        Args one{args[d]};
        one.insert(one.end(), args.begin() + long(first_option), args.end());
        status |= run_simulate_one(one);
    }
    g_rows = nullptr;
    int width = 8;
    for (const DesignRow &r : rows) width = std::max(width, int(r.layer.size()) + 2);
    std::cout << "\n" << std::left << std::setw(24) << "design" << std::setw(14) << "interconnect" << std::setw(width)
              << "layer" << std::right << std::setw(12) << "cycles" << std::setw(12) << "model" << std::setw(12)
              << "energy pJ" << "  verdict\n";
    for (const DesignRow &r : rows)
        std::cout << std::left << std::setw(24) << r.dir << std::setw(14) << r.interconnect << std::setw(width) << r.layer
                  << std::right << std::setw(12) << r.measured << std::setw(12) << r.model << std::setw(12)
                  << std::setprecision(4) << std::defaultfloat << r.energy_pj << "  " << (r.pass ? "PASS" : "FAIL")
                  << "\n";
    return status;
}

namespace {

int run_simulate_one(const Args &args) {
    std::string dir, arch_name, trace_file, onnx;
    std::vector<std::string> layers;
    vsim::SimOptions options;
    bool json = false;
    int jobs = 2;
    po::options_description desc(
        "tessera simulate: run a compiled design in Verilator; check outputs against Halide, counters\n"
        "and cycles against the model (docs/simulate.md)\n\n"
        "  tessera compile --network resnet18 --dataflow ws -o out && tessera simulate out\n"
        "  tessera simulate out --layer /layer1/layer1.0/conv1/Conv --seed 7 --json\n"
        "  tessera simulate out --layer 0 --trace conv1.fst\n"
        "  tessera simulate out --inputs my_tensors --save run1\n"
        "  tessera simulate out_broadcast out_systolic out_hybrid   (several designs side by side)\n\n"
        "options");
    desc.add_options()
        ("dir", po::value(&dir), "the directory `tessera compile -o DIR` wrote")
        ("layer", po::value(&layers)->composing(),
         "a layer to run (name, config file name or 0-based position; repeatable); default: all")
        ("seed", po::value(&options.tensors.seed)->default_value(1), "seed of the random int8 inputs and weights")
        ("inputs", po::value(&options.tensors.npy_dir),
         "directory of .npy tensors: <layer>/input.npy (int8), weights.npy (int8), bias.npy (int32)")
        ("onnx", po::value(&onnx), "the ONNX model the design was compiled from (compile --onnx): run each layer "
         "with the model's own weights and biases (its initializers); inputs stay random (or --inputs)")
        ("save", po::value(&options.save_npy_dir),
         "write each layer's input, weights, bias, output and Halide reference as .npy under DIR/<layer>/ "
         "(with --onnx, a ConvTranspose node's output also as output_onnx.npy in the node's layout)")
        ("trace", po::value(&trace_file), "write an FST waveform (a separate traced build; one file per layer)")
        ("json", po::bool_switch(&json), "print JSON instead of text")
        ("arch", po::value(&arch_name), "architecture for the model (default: the one the design was compiled for)")
        ("cycle-tolerance", po::value(&options.cycle_tolerance)->default_value(0.0),
         "allowed relative difference between measured and modelled cycles (default 0: exactly equal)")
        ("dram-stalls", po::value(&options.dram_stall_percent)->default_value(0),
         "DRAM refuses requests in this percentage of cycles (0..90, pseudo-random): outputs and counters "
         "must still equal the model's; cycles are not compared")
        ("jobs,j", po::value(&jobs)->default_value(jobs), "parallel C++ compiles of a Verilator build")
        ("help,h", "this help");
    po::variables_map vm;
    if (!parse_command_line(args, desc, vm, "simulate", "--dir")) return 0;
    if (dir.empty()) throw UserError("simulate needs the directory of a compiled design: tessera simulate DIR");
    if (options.cycle_tolerance < 0) throw UserError("--cycle-tolerance must be >= 0");
    vsim::check_dram_stalls(options.dram_stall_percent);

    const auto t0 = std::chrono::steady_clock::now();
    const vsim::DesignDir design_dir = vsim::read_design_dir(dir);
    const ir::Architecture arch = arch_name.empty() ? vsim::design_architecture(design_dir, "")
                                                    : read_architecture(arch_name);
    const std::vector<size_t> chosen = vsim::select_layers(design_dir, layers);
    std::vector<vsim::SimLayer> sim_layers;
    std::vector<ir::AcceleratorIR> irs;
    std::vector<ir::LayerSpec> specs;
    for (size_t i : chosen) {
        sim_layers.push_back({design_dir.layers[i].ir, *design_dir.layers[i].config, i});
        irs.push_back(design_dir.layers[i].ir);
        specs.push_back(design_dir.layers[i].ir.problem.layer);
    }
    vsim::check_npy_inputs(options.tensors, specs);
    if (!onnx.empty()) options.tensors.given = onnx_tensors(onnx, specs);

    vsim::BuildOptions build;
    build.jobs = jobs;
    build.cycles_ahead = vsim::modelled_cycles(irs, arch);
    std::cerr << "building " << design_dir.design.top << " (" << design_dir.design.spec.rows << "x"
              << design_dir.design.spec.cols << ")" << (trace_file.empty() ? "" : " with FST tracing")
              << " with Verilator..." << std::endl;
    const vsim::VerilatedDesign sim = trace_file.empty() ? vsim::VerilatedDesign::build(design_dir.design, build)
                                                         : vsim::build_traced(design_dir.design, build);
    std::cerr << (sim.from_cache() ? "found in the cache: " : "built in ")
              << (sim.from_cache() ? sim.binary() : std::to_string(sim.build_seconds()) + " s") << std::endl;

    options.trace_file = trace_file;
    options.progress = &std::cerr;
    options.array_pes = design_dir.design.spec.rows * design_dir.design.spec.cols;
    const std::vector<vsim::LayerOutcome> outcomes = vsim::simulate_layers(sim, sim_layers, arch, options);
    if (!onnx.empty() && !options.save_npy_dir.empty()) save_node_outputs(onnx, specs, options.save_npy_dir);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    bool pass = true;
    for (const auto &o : outcomes) pass = pass && o.pass();
    if (g_rows) {
        std::string wiring = ir::interconnect_name(arch.interconnect);
        if (arch.interconnect == ir::Interconnect::Hybrid) wiring += ":" + std::to_string(arch.tile);
        for (const auto &o : outcomes)
            g_rows->push_back({dir, wiring, o.layer, o.cycles_measured, o.cycles_model, o.measured.energy_pj, o.pass()});
    }
    if (json) {
        nlohmann::json j = vsim::run_json(outcomes, arch);
        j["design"] = dir;
        j["architecture"] = arch.name;
        j["built"] = !sim.from_cache();
        j["build_seconds"] = sim.build_seconds();
        j["wall_seconds"] = wall;
        std::cout << j.dump(2) << "\n";
    } else {
        for (const auto &o : outcomes) {
            vsim::print_layer(std::cout, o, arch);
            std::cout << "\n";
        }
        if (outcomes.size() > 1) vsim::print_summary(std::cout, outcomes);
        std::cout << (pass ? "PASS" : "FAIL") << ": " << outcomes.size() << " layer(s) on " << dir << " in "
                  << std::fixed << std::setprecision(1) << wall << " s"
                  << (sim.from_cache() ? "" : " (Verilator build " + std::to_string(int(sim.build_seconds())) + " s)")
                  << "\n";
    }
    return pass ? 0 : 1;
}

}  // namespace

}  // namespace tessera::cli
