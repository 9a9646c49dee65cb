// Verilated generated designs running small layers bit-exactly against Halide's JIT, with their
// performance counters checked against docs/hardware.md's counting rules. One Verilator build per
// design (cached); every layer of the design runs on that one build.
#include "CountingRules.h"
#include "SimSupport.h"
#include "TestDesigns.h"

#include "Lower.h"
#include "ir/Analysis.h"
#include "Networks.h"

#include <algorithm>
#include <catch2/catch.hpp>

namespace ir = tessera::ir;
namespace rtl = tessera::rtl;
namespace vsim = tessera::vsim;
using namespace tessera::rtl::test;

namespace {

// Runs every layer of the test design `name` on `spec` (by default the design's own).
void check_design(const std::string &name, const rtl::DesignSpec *design = nullptr) {
    const TestDesign &td = test_design(name);
    const rtl::DesignSpec spec = design ? *design : td.spec();
    const Buffering buffering{spec.input_double_buffered, spec.weight_double_buffered, spec.output_double_buffered};
    uint64_t cycles = 0;
    for (const auto &layer : td.layers) cycles += expected_cycles(layer, spec.dram_latency, buffering);
    DesignUnderTest dut = build_design(spec, cycles);
    std::vector<rtl::LayerConfig> configs;
    std::vector<vsim::LayerTensors> tensors;
    std::vector<LayerData> data;
    for (size_t i = 0; i < td.layers.size(); ++i) {
        configs.push_back(rtl::configure_layer(dut.rtl.spec, dut.rtl.registers, td.layers[i]));
        data.push_back(halide_layer_data(td.layers[i].problem.layer, i + 1));
        tensors.push_back(to_tensors(data.back()));
    }
    const auto results = dut.sim.run(configs, tensors);
    for (size_t i = 0; i < td.layers.size(); ++i) {
        const ir::AcceleratorIR &ir = td.layers[i];
        const vsim::LayerResult &r = results[i];
        INFO("design " << name << ", layer " << ir.problem.layer.name << ", " << ir.mapping.schedule);
        REQUIRE(r.completed);
        const std::vector<int8_t> &expected = data[i].expected;
        REQUIRE(r.output.size() == expected.size());
        size_t mismatches = 0, first = 0;
        for (size_t j = 0; j < expected.size(); ++j)
            if (r.output[j] != expected[j] && mismatches++ == 0) first = j;
        INFO("first mismatch at " << first << ": rtl " << int(r.output[first]) << " expected "
                                  << int(expected[first]));
        CHECK(mismatches == 0);
        for (const auto &[counter, value] : expected_counters(ir)) {
            INFO("counter " << counter);
            CHECK(r.counters.at(counter) == value);
        }
        // The cycle counter equals docs/hardware.md's formula with Timing.h's constants exactly
        // (the RTL is deterministic with a fixed DRAM latency).
        CHECK(r.counters.at("cycles") == expected_cycles(ir, dut.sim.dram_latency(), buffering));
        // Double buffering hides every transfer but the first fill and the last drain of a tensor.
        const ir::NestAnalysis nest = ir::analyze(ir);
        const bool double_buffered[] = {spec.input_double_buffered, spec.weight_double_buffered,
                                        spec.output_double_buffered};
        const ir::TensorRole roles[] = {ir::TensorRole::Input, ir::TensorRole::Weight, ir::TensorRole::Output};
        bool hidden_transfers = false;
        for (int t = 0; t < 3; ++t)
            hidden_transfers |= double_buffered[t] && ir::temporal_product(nest, 0, nest.access(roles[t]).buffer_at) > 1;
        if (hidden_transfers)
            CHECK(r.counters.at("cycles") < expected_cycles(ir, dut.sim.dram_latency()));
    }
}

}  // namespace

TEST_CASE("weight stationary, C|K: conv 3x3 with tails, 1x1 stride 2, fc", "[rtl][sim]") {
    check_design("ws_ck_4x4");
}

TEST_CASE("output stationary, Y|X: conv 3x3 with tails, stride 2, depthwise", "[rtl][sim]") {
    check_design("os_xy_4x4");
}

TEST_CASE("input stationary, C|X: conv 3x3 with tails, 1x1 stride 2", "[rtl][sim]") {
    check_design("is_cx_4x4");
}

TEST_CASE("K|X, accumulators per PE: conv 3x3 with tails, 1x1 stride 2", "[rtl][sim]") {
    check_design("os_kx_4x4");
}

TEST_CASE("presets: ws (C|K) conv 3x3, 1x1 stride 2, fc", "[rtl][sim][preset]") { check_design("preset_ws_4x4"); }

TEST_CASE("presets: os (Y|X) conv 3x3, stride 2, depthwise", "[rtl][sim][preset]") {
    check_design("preset_os_4x4");
}

TEST_CASE("presets: is (C|X) conv 3x3, 1x1 stride 2", "[rtl][sim][preset]") { check_design("preset_is_4x4"); }

TEST_CASE("presets: ws depthwise (K|X) stride 2", "[rtl][sim][preset]") { check_design("preset_ws_dwconv_4x4"); }

TEST_CASE("presets: os fc (N|K) with a batch", "[rtl][sim][preset]") { check_design("preset_os_fc_4x4"); }

TEST_CASE("presets: rs (FY|Y) conv 3x3 with tails, stride 2", "[rtl][sim][preset]") { check_design("preset_rs_4x4"); }

TEST_CASE("one-dimensional array: K on 8 columns", "[rtl][sim][preset]") { check_design("spatial_k_1x8"); }

TEST_CASE("double buffered, weight stationary: transfers overlap compute, exact cycles", "[rtl][sim][double]") {
    check_design("ws_ck_4x4_double_buffered");
}

TEST_CASE("double buffered, output stationary: conv 3x3, stride 2, depthwise", "[rtl][sim][double]") {
    check_design("os_xy_4x4_double_buffered");
}

TEST_CASE("double buffered, input stationary: conv 3x3 with tails, 1x1 stride 2", "[rtl][sim][double]") {
    check_design("is_cx_4x4_double_buffered");
}

// The generator double-buffers per tensor (an architecture may place the tensors on levels that
// differ); the controller then mixes stalled and overlapped transfers.
TEST_CASE("double buffered per tensor: some transfers stall, others overlap", "[rtl][sim][double]") {
    for (const auto &[spec, layers_of] : mixed_buffering_designs()) check_design(layers_of, &spec);
}

// Hidden (run with "[.rtl16]"): the 16x16 ResNet-18 designs (ws and os), one Verilator build each,
// real layers bit-exact against Halide with exact cycles; prints build time and simulation speed.
TEST_CASE("16x16 ResNet-18 designs run real layers", "[.rtl16]") {
    const std::vector<std::string> names = {"/layer4/layer4.0/downsample/downsample.0/Conv", "/layer4/layer4.1/conv2/Conv",
                                            "/fc/Gemm"};
    for (const std::string dataflow : {"ws", "os"}) {
        std::vector<ir::AcceleratorIR> network;
        tessera::ScheduleRequest request;
        request.dataflow = dataflow;
        for (const auto &layer : tessera::load_network("resnet18")) network.push_back(tessera::lower_to_ir(layer, request));
        DesignUnderTest dut = build_design(network, "resnet18_" + dataflow + "_16x16");
        WARN(dataflow << " verilator build: "
                      << (dut.sim.from_cache() ? "cached" : std::to_string(dut.sim.build_seconds()) + " s"));
        for (const auto &ir : network) {
            if (std::find(names.begin(), names.end(), ir.problem.layer.name) == names.end()) continue;
            if (!rtl::why_not_fits(dut.rtl.spec, ir).empty()) continue;  // fc under os: another interconnect
            const LayerData data = halide_layer_data(ir.problem.layer, 7);
            const auto r = dut.sim.run(rtl::configure_layer(dut.rtl.spec, dut.rtl.registers, ir), to_tensors(data));
            REQUIRE(r.completed);
            CHECK(r.output == data.expected);
            CHECK(r.counters.at("cycles") == expected_cycles(ir, dut.sim.dram_latency()));
            WARN(dataflow << " " << ir.problem.layer.name << ": " << r.counters.at("cycles") << " cycles in "
                          << r.seconds << " s = " << double(r.counters.at("cycles")) / r.seconds / 1e6
                          << " M cycles/s");
        }
    }
}
