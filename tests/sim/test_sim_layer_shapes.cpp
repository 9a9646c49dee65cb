// Layer generality on the generated hardware: grouped convolutions (2 and 32 groups), a depthwise
// conv written as conv:...,groups=C, a dilated 3x3, a 1x7 with asymmetric padding and a
// horizontal-only stride, a 7x1. Each lowers through the presets, runs on the RTL bit-exactly
// against Halide's JIT and with every counter (and the cycles) equal to the model's.
#include "Networks.h"
#include "SimulateLayers.h"

#include <catch2/catch.hpp>

using namespace tessera;
using namespace tessera::vsim;
using namespace tessera::vsim::test;

namespace {

std::vector<LayerRequest> shaped_layers(const std::string &dataflow, bool with_depthwise) {
    std::vector<std::string> specs = {
        "conv:C=8,K=12,H=7,W=6,R=3,S=3,pad=1,groups=2",                  // AlexNet-style groups=2
        "conv:C=64,K=64,H=5,W=5,R=3,S=3,stride=2,pad=1,groups=32",       // ResNeXt-style 32 groups
        "conv:C=6,K=5,H=9,W=9,R=3,S=3,pad=2,dilation=2",                 // dilated 3x3
        "conv:C=5,K=6,H=6,W=11,R=1,S=7,stride_w=2,pad=0,pad_left=3,pad_right=2",  // 1x7, asymmetric
        "conv:C=4,K=6,H=11,W=5,R=7,S=1,pad=3,pad_bottom=2,pad_left=0",   // 7x1, top != bottom
    };
    if (with_depthwise) specs.push_back("conv:C=12,K=12,H=7,W=7,R=3,S=3,pad=1,groups=12");
    std::vector<LayerRequest> out;
    for (const auto &spec : specs) {
        ScheduleRequest s;
        s.dataflow = dataflow;
        s.rows = s.cols = 4;
        s.buffer_bytes = 2048;  // several tiles per tensor
        out.push_back({parse_inline_layer(spec), s});
    }
    return out;
}

}  // namespace

TEST_CASE("grouped, depthwise-as-conv, dilated and asymmetric layers: output stationary on 4x4",
          "[sim][shapes]") {
    const auto outcomes = simulate_on_one_design(shaped_layers("os", true));
    REQUIRE(outcomes.size() == 6);
    CHECK(failed_layers(outcomes) == "");
    for (const auto &o : outcomes) {
        INFO(o.layer);
        CHECK(o.output.bit_exact());
        CHECK(o.cycles_measured == uint64_t(o.cycles_model));
    }
}

TEST_CASE("grouped, dilated and asymmetric layers: weight stationary C|K on 4x4", "[sim][shapes]") {
    const auto outcomes = simulate_on_one_design(shaped_layers("ws", false));
    REQUIRE(outcomes.size() == 5);
    CHECK(failed_layers(outcomes) == "");
}

TEST_CASE("quantized layers (uint8/int8, zero points, fixed-point requantization) on the RTL",
          "[sim][shapes][quantized]") {
    // QLinearConv-style: uint8 input with zero point 128, int8 weights with a zero point, uint8
    // output with zero point, ties to even; a grouped one; and int8 with ties up next to a layer
    // with the shift-only post-op (multiplier 0 on the same design).
    std::vector<LayerRequest> layers;
    for (const char *spec :
         {"conv:C=5,K=6,H=7,W=6,R=3,S=3,pad=1,relu=0,x_uint8=1,x_zero_point=128,w_zero_point=-3,"
          "y_uint8=1,y_zero_point=90,multiplier=3000001,shift=31,round_even=1",
          "conv:C=4,K=6,H=6,W=6,R=3,S=3,stride=2,pad=1,groups=2,relu=0,x_zero_point=-5,w_uint8=1,"
          "w_zero_point=120,y_zero_point=-7,multiplier=1,shift=11,round_even=1",
          "conv:C=3,K=5,H=6,W=7,R=3,S=3,pad=1,x_zero_point=17,w_zero_point=1,multiplier=77777,shift=26",
          "conv:C=3,K=5,H=6,W=7,R=3,S=3,pad=1",
          // uint8 weights with a zero point, int8 inputs without one (lowering reorders the product)
          "conv:C=5,K=4,H=7,W=7,R=3,S=3,pad=1,w_uint8=1,w_zero_point=140,multiplier=923950297,shift=37"}) {
        ScheduleRequest s;
        s.dataflow = "os";
        s.rows = s.cols = 4;
        s.buffer_bytes = 2048;
        layers.push_back({parse_inline_layer(spec), s});
    }
    const auto outcomes = simulate_on_one_design(layers);
    REQUIRE(outcomes.size() == 5);
    CHECK(failed_layers(outcomes) == "");
}

TEST_CASE("a batched matmul (fc with batch) on the RTL", "[sim][shapes]") {
    // And a QLinearMatMul-style fc with a scale per column (per-channel requantization).
    std::vector<LayerRequest> layers;
    for (const char *spec : {"fc:N=5,C=12,K=6,batch=3", "fc:N=4,C=9,K=7,batch=2,relu=0,x_uint8=1,x_zero_point=100,"
                                                        "multiplier=5,shift=9,round_even=1",
                             "fc:N=3,C=20,K=7,relu=0,x_uint8=1,x_zero_point=7,y_zero_point=3,multiplier=1,shift=0"}) {
        ir::LayerSpec l = parse_inline_layer(spec);
        if (l.multiplier == 1) {
            for (int64_t k = 0; k < l.K; ++k) {
                l.channel_multiplier.push_back(30011 + 5003 * k);
                l.channel_shift.push_back(17 + k % 2 * 3);
            }
            l.multiplier = l.channel_multiplier[0];
            l.requant_shift = int(l.channel_shift[0]);
        }
        ScheduleRequest s;
        s.rows = s.cols = 4;
        s.buffer_bytes = 256;  // several tiles
        layers.push_back({l, s});
    }
    const auto outcomes = simulate_on_one_design(layers);
    REQUIRE(outcomes.size() == 3);
    CHECK(failed_layers(outcomes) == "");
}

namespace {

// A multiplier and shift per output channel (odd multipliers, shifts 18..22).
void give_channel_requant(ir::LayerSpec &l) {
    for (int64_t k = 0; k < l.K; ++k) {
        l.channel_multiplier.push_back(20001 + 4099 * k);
        l.channel_shift.push_back(18 + k % 3 * 2);
    }
    l.multiplier = l.channel_multiplier[0];
    l.requant_shift = int(l.channel_shift[0]);
}

// Output stationary on a 4x4 array, a 2 KB buffer.
ScheduleRequest os_4x4() {
    ScheduleRequest s;
    s.dataflow = "os";
    s.rows = s.cols = 4;
    s.buffer_bytes = 2048;
    return s;
}

}  // namespace

TEST_CASE("per-channel requantization (a multiplier and shift per output channel) on the RTL",
          "[sim][shapes][quantized][per-channel]") {
    // ONNX per-axis scales: every channel its own multiplier and shift (odd multipliers, shifts
    // 18..22), on a conv and a grouped conv (the table is indexed by g*K/G + k), next to a
    // per-tensor layer and a shift-only one on the same design (register channel_requant = 0).
    std::vector<LayerRequest> layers;
    for (const char *spec :
         {"conv:C=5,K=6,H=7,W=6,R=3,S=3,pad=1,relu=0,x_uint8=1,x_zero_point=128,w_zero_point=-3,"
          "y_uint8=1,y_zero_point=90,multiplier=1,shift=0,round_even=1",
          "conv:C=4,K=6,H=6,W=6,R=3,S=3,stride=2,pad=1,groups=2,relu=0,x_zero_point=-5,y_zero_point=-7,"
          "multiplier=1,shift=0,round_even=1",
          "conv:C=3,K=5,H=6,W=7,R=3,S=3,pad=1,x_zero_point=17,w_zero_point=1,multiplier=77777,shift=26",
          "conv:C=3,K=5,H=6,W=7,R=3,S=3,pad=1"}) {
        ir::LayerSpec l = parse_inline_layer(spec);
        if (l.multiplier == 1) give_channel_requant(l);
        layers.push_back({l, os_4x4()});
    }
    const auto outcomes = simulate_on_one_design(layers);
    REQUIRE(outcomes.size() == 4);
    CHECK(failed_layers(outcomes) == "");
}

TEST_CASE("per-channel weight zero points (ONNX per-axis w_zero_point) on the RTL",
          "[sim][shapes][quantized][per-channel]") {
    // Every output channel its own weight zero point (uint8 weights 100..230, int8 -60..63): the
    // DMA's weight fills subtract each element's channel's zero point from the bias table's third
    // memory. A conv with per-channel requantization too (bias, requant, zero point interleaved),
    // a grouped conv (channel g*K/G + k), a depthwise conv, an fc, and next to them a per-tensor
    // layer and a shift-only one on the same design (register channel_w_zero_point = 0).
    struct Case {
        const char *spec;
        bool requant;
    };
    std::vector<LayerRequest> layers;
    for (const Case &c :
         {Case{"conv:C=5,K=6,H=7,W=6,R=3,S=3,pad=1,relu=0,x_uint8=1,x_zero_point=128,w_uint8=1,"
               "y_uint8=1,y_zero_point=90,multiplier=1,shift=0,round_even=1", true},
          Case{"conv:C=4,K=6,H=6,W=6,R=3,S=3,stride=2,pad=1,groups=2,relu=0,x_zero_point=-5,y_zero_point=-7,"
               "multiplier=3000001,shift=31,round_even=1", false},
          Case{"dwconv:C=6,H=7,W=7,R=3,S=3,pad=1,relu=0,x_uint8=1,x_zero_point=3,w_uint8=1,multiplier=5000011,shift=30", false},
          Case{"conv:C=3,K=5,H=6,W=7,R=3,S=3,pad=1,x_zero_point=17,w_zero_point=1,multiplier=77777,shift=26", false},
          Case{"conv:C=3,K=5,H=6,W=7,R=3,S=3,pad=1", false}}) {
        ir::LayerSpec l = parse_inline_layer(c.spec);
        if (l.multiplier != 77777 && l.multiplier != 0)
            for (int64_t k = 0; k < l.K; ++k)
                l.channel_w_zero_point.push_back(l.w_uint8 ? 100 + 26 * k % 131 : -60 + 41 * k % 124);
        if (c.requant) give_channel_requant(l);
        layers.push_back({l, os_4x4()});
    }
    // A batched QLinearMatMul-style fc (a zero point per column of B) on a design of its own.
    ir::LayerSpec fc = parse_inline_layer("fc:N=3,C=20,K=7,batch=2,relu=0,x_uint8=1,x_zero_point=7,w_uint8=1,"
                                          "y_zero_point=3,multiplier=3000001,shift=30");
    for (int64_t k = 0; k < fc.K; ++k) fc.channel_w_zero_point.push_back(255 - 37 * k);
    ScheduleRequest s;
    s.rows = s.cols = 4;
    s.buffer_bytes = 256;  // several weight tiles
    for (const auto &outcomes : {simulate_on_one_design(layers), simulate_on_one_design({{fc, s}})}) {
        CHECK(failed_layers(outcomes) == "");
        for (const auto &o : outcomes) {
            INFO(o.layer);
            CHECK(o.output.bit_exact());
            CHECK(o.cycles_measured == uint64_t(o.cycles_model));
        }
    }
}
