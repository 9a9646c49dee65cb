// `tessera simulate DIR` on a fused design (compile --fuse): every group run in Verilator, its
// output checked against Halide's fused pipeline, its counters against the fusion model, its
// cycles against the fused design's cycle model; DRAM words beside layer by layer.
#include "Commands.h"
#include "LayerOptions.h"
#include "OnnxTensors.h"
#include "UserError.h"
#include "sim/verilator/FusedDesignDir.h"
#include "sim/verilator/Simulate.h"

#include <nlohmann/json.hpp>

#include <iostream>

namespace tessera::cli {

namespace po = boost::program_options;

int run_simulate_fused(const Args &args) {
    std::string dir, onnx;
    vsim::FusedSimOptions options;
    bool json = false;
    int jobs = 2;
    po::options_description desc(
        "tessera simulate DIR (a fused design): run each group in Verilator; check the output against\n"
        "Halide's fused pipeline, counters against the fusion model, cycles against the design's cycle model\n"
        "(docs/rtl.md, \"Fused groups\")\n\n"
        "  tessera compile --network resnet18 --fuse 1..2 --tile 8x8 --overlap recompute --residual -o out\n"
        "  tessera simulate out --seed 3\n"
        "  tessera compile --onnx model.onnx --fuse all --tile 8x8 -o out && tessera simulate out --onnx model.onnx\n\noptions");
    desc.add_options()
        ("dir", po::value(&dir), "the directory `tessera compile --fuse ... -o DIR` wrote")
        ("seed", po::value(&options.seed)->default_value(1), "seed of the random int8 input and weights")
        ("onnx", po::value(&onnx), "the ONNX model the design was compiled from (compile --onnx): run each layer "
         "with the model's own weights and biases (its initializers); the group's input stays random")
        ("cycle-tolerance", po::value(&options.cycle_tolerance)->default_value(0.0),
         "allowed relative difference between measured and modelled cycles")
        ("dram-stalls", po::value(&options.dram_stall_percent)->default_value(0),
         "DRAM refuses requests in this percentage of cycles (0..90): outputs and counters must still "
         "equal the model's; cycles are not compared")
        ("json", po::bool_switch(&json), "print JSON instead of text")
        ("jobs,j", po::value(&jobs)->default_value(jobs), "parallel C++ compiles of a Verilator build")
        ("help,h", "this help");
    po::variables_map vm;
    if (!parse_command_line(args, desc, vm, "simulate", "--dir")) return 0;
    if (options.cycle_tolerance < 0) throw UserError("--cycle-tolerance must be >= 0");
    vsim::check_dram_stalls(options.dram_stall_percent);
    const vsim::FusedDesignDir d = vsim::read_fused_design_dir(dir);
    if (!onnx.empty()) {
        std::vector<ir::LayerSpec> layers;
        for (const auto &g : d.groups) layers.insert(layers.end(), g.layers.begin(), g.layers.end());
        options.given = onnx_tensors(onnx, layers);
        if (!json)
            std::cerr << "weights and biases of " << options.given.size() << " of " << layers.size()
                      << " layer(s) from " << onnx << "'s initializers\n";
    }
    vsim::BuildOptions build;
    build.jobs = jobs;
    build.cycles_ahead = vsim::modelled_fused_cycles(d.spec, d.groups, d.arch);
    if (!json) std::cerr << "building " << d.spec.name << " with Verilator (cached)...\n";
    const vsim::VerilatedDesign v = vsim::VerilatedDesign::build(d.design, build);
    bool pass = true;
    nlohmann::json out = nlohmann::json::array();
    uint64_t dram_rtl = 0;
    int64_t dram_model = 0, dram_lbl = 0;
    for (size_t i = 0; i < d.groups.size(); ++i) {
        const vsim::FusedOutcome o = vsim::simulate_fused(v, d.spec, d.groups[i], d.configs[i], d.arch, options);
        pass = pass && o.pass();
        dram_rtl += o.dram_words_measured;
        dram_model += o.model.fused.dram_words;
        dram_lbl += o.model.layer_by_layer_dram_words;
        if (!json) {
            std::cout << vsim::fused_report(o);
            continue;
        }
        nlohmann::json counters = nlohmann::json::array();
        for (const auto &c : o.counters)
            counters.push_back({{"layer", c.layer}, {"counter", c.counter}, {"rtl", c.measured}, {"model", c.model}});
        out.push_back({{"group", o.group}, {"bit_exact", o.bit_exact()}, {"mismatches", o.mismatches},
                       {"counters_match", o.counters_match()}, {"counters", counters},
                       {"cycles", o.cycles_measured}, {"cycles_model", o.cycles_model},
                       {"dram_words", o.dram_words_measured}, {"dram_words_model", o.model.fused.dram_words},
                       {"layer_by_layer_dram_words_model", o.model.layer_by_layer_dram_words},
                       {"given_weights", o.given_layers}, {"pass", o.pass()}});
    }
    if (json) std::cout << out.dump(2) << "\n";
    else if (d.groups.size() > 1)
        std::cout << "all " << d.groups.size() << " groups: DRAM words fused rtl " << dram_rtl << ", fused model "
                  << dram_model << " | layer by layer (model) " << dram_lbl << "\n"
                  << (pass ? "PASS" : "FAIL") << "\n";
    return pass ? 0 : 1;
}

}  // namespace tessera::cli
