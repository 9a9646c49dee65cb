// Cycles: the RTL's cycle counter against the model's, on ResNet-shaped layers (3x3, 3x3 stride 2,
// 1x1 stride 2 downsampling) scaled to an 8x8 array, weight and output stationary, single and
// double buffered: equal (the default tolerance is 0), with bit-exact outputs and
// equal counters. (The full ResNet-18 on 16x16 arrays is test_sim_resnet18, hidden: minutes.)
#include "SimulateLayers.h"
#include "ir/ArchitectureJson.h"
#include "rtl_backend/DesignSpec.h"

#include <catch2/catch.hpp>

using namespace tessera;
using namespace tessera::vsim;
using namespace tessera::vsim::test;

namespace {

std::vector<LayerRequest> resnet_shaped(const std::string &dataflow, int64_t buffer_bytes = 32 * 1024) {
    auto conv = [&](const char *name, int64_t C, int64_t K, int64_t HW, int64_t R, int64_t stride) {
        ir::LayerSpec l;
        l.name = name;
        l.C = C, l.K = K, l.H = l.W = HW, l.R = l.S = R, l.stride = stride, l.pad = R / 2;
        ScheduleRequest s;
        s.dataflow = dataflow;
        s.rows = s.cols = 8;
        s.buffer_bytes = buffer_bytes;
        return LayerRequest{l, s};
    };
    return {conv("conv3x3", 32, 32, 14, 3, 1), conv("conv3x3_s2", 16, 32, 16, 3, 2),
            conv("conv1x1_s2_down", 32, 64, 14, 1, 2)};
}

// The bundled double_buffered architecture; each tile gets half of a 32 KB global buffer, as
// `tessera compile --arch` would give it.
ir::Architecture double_buffered_32k() {
    ir::Architecture arch = ir::load_architecture("double_buffered");
    for (auto &level : arch.levels)
        if (level.name == "GLB") level.size_bytes = 32 * 1024;
    return arch;
}

// Every layer on one double-buffered design: cycles equal the model's, and transfers overlapped.
void check_double_buffered(const std::string &dataflow) {
    const ir::Architecture arch = double_buffered_32k();
    const auto outcomes =
        simulate_on_one_design(resnet_shaped(dataflow, arch.level("GLB")->tile_budget_bytes()), arch);
    CHECK(failed_layers(outcomes) == "");
    for (const auto &o : outcomes) {
        INFO(o.layer);
        CHECK(o.cycles_measured == uint64_t(o.cycles_model));
        CHECK(o.model.cycles.overlapped_transfers > 0);
    }
}

}  // namespace

TEST_CASE("weight stationary C|K on 8x8: cycles within 2% of the model", "[sim][cycles]") {
    CHECK(failed_layers(simulate_on_one_design(resnet_shaped("ws"))) == "");
}

TEST_CASE("output stationary Y|X on 8x8: cycles within 2% of the model", "[sim][cycles]") {
    CHECK(failed_layers(simulate_on_one_design(resnet_shaped("os"))) == "");
}

TEST_CASE("double buffered, weight stationary C|K on 8x8: cycles equal to the model", "[sim][cycles][double]") {
    check_double_buffered("ws");
}

TEST_CASE("double buffered, output stationary Y|X on 8x8: cycles equal to the model", "[sim][cycles][double]") {
    check_double_buffered("os");
}

TEST_CASE("double buffered design with the weights kept single (hw::single_buffered): cycles equal to the model",
          "[sim][cycles][double]") {
    // Per tensor: the inputs and outputs overlap their transfers, the weights' fills stall the
    // array. Layers that buffer the weights the other way do not run on this design.
    const ir::Architecture arch = double_buffered_32k();
    std::vector<LayerRequest> requests = resnet_shaped("ws", arch.level("GLB")->tile_budget_bytes());
    for (auto &r : requests) {
        r.schedule.text = lower_to_ir(r.layer, r.schedule).mapping.schedule + "hw::single_buffered(filter_glb);\n";
        r.schedule.dataflow.clear();
    }
    const auto outcomes = simulate_on_one_design(requests, arch);
    CHECK(failed_layers(outcomes) == "");
    for (const auto &o : outcomes) {
        INFO(o.layer);
        CHECK(o.cycles_measured == uint64_t(o.cycles_model));
        CHECK(o.model.cycles.overlapped_transfers > 0);
    }
    const ir::AcceleratorIR single = lower_to_ir(requests[0].layer, requests[0].schedule);
    const auto plain = resnet_shaped("ws", arch.level("GLB")->tile_budget_bytes());
    const ir::AcceleratorIR doubled = lower_to_ir(plain[0].layer, plain[0].schedule);
    CHECK_THAT(rtl::why_not_fits(rtl::design_for({single}, arch), doubled),
               Catch::Contains("weight buffer is double buffered, the design's is single buffered"));
}

namespace {

// SCALE-Sim's two mappings on a pipelined array of side n (docs/hardware.md, "Interconnect"):
// weight stationary (rows = C, the reduction; columns = filters) and output stationary (rows =
// output pixels along x, columns = filters), on a GEMM, 3x3 convs with and without padding and a
// 1x1 stride-2 conv; every extent leaves a tail on the array. Each layer keeps its weights at least
// the array's skew (rows + cols - 2) iterations in the PEs, as the preload register needs.
// "ws_im2col" is SCALE-Sim's own weight-stationary mapping: rows = C·R·S (several loops on the
// row axis, mixed radix), columns = filters, the weights held for a whole output row.
std::vector<LayerRequest> scale_sim_shaped(const std::string &mapping, int64_t n) {
    const bool ws = mapping == "ws", im2col = mapping == "ws_im2col";
    auto request = [&](ir::LayerSpec l, const std::string &spatial) {
        ScheduleRequest s;
        if (ws || im2col) s.dataflow = "ws";
        if (im2col) s.spatial = l.type == "fc" ? "C|K" : l.R > 1 ? "C,FY,FX|K" : "C|K";
        else if (!ws) s.spatial = spatial;
        s.rows = s.cols = n;
        s.buffer_bytes = 64 * 1024;
        return LayerRequest{l, s};
    };
    auto conv = [&](const char *name, int64_t C, int64_t K, int64_t HW, int64_t R, int64_t stride, int64_t pad) {
        ir::LayerSpec l;
        l.name = name;
        l.C = C, l.K = K, l.H = l.W = HW, l.R = l.S = R, l.stride = stride, l.pad = pad;
        return request(l, "X|K");
    };
    ir::LayerSpec gemm;
    gemm.name = "gemm";
    gemm.type = "fc";
    gemm.N = 2 * n + 6, gemm.C = n + 3, gemm.K = n + 5;
    // Output rows of 2n + 1 pixels: a weight block (at least one row) outlasts the skew 2n - 2.
    return {request(gemm, "N|K"), conv("conv3x3_pad", n + 3, n - 3, 2 * n + 1, 3, 1, 1),
            conv("conv3x3_valid", n - 1, n + 2, 2 * n + 3, 3, 1, 0),
            conv("conv1x1_s2", n + 2, n + 1, 4 * n + 2, 1, 2, 0)};
}

ir::Architecture pipelined(int64_t n, int64_t tile) {
    ir::Architecture arch = ir::default_architecture();
    arch.rows = arch.cols = n;
    arch.interconnect = tile == 1 ? ir::Interconnect::Systolic : ir::Interconnect::Hybrid;
    arch.tile = tile;
    return arch;
}

void check_pipelined(const std::string &mapping, int64_t n, int64_t tile) {
    const ir::Architecture arch = pipelined(n, tile);
    const auto outcomes = simulate_on_one_design(scale_sim_shaped(mapping, n), arch);
    CHECK(failed_layers(outcomes) == "");
    for (const auto &o : outcomes) {
        INFO(o.layer);
        CHECK(o.cycles_measured == uint64_t(o.cycles_model));
        CHECK(o.model.cycles.array_skew == arch.array_skew());
    }
}

}  // namespace

TEST_CASE("systolic 8x8, weight and output stationary: cycles equal to the model", "[sim][cycles][systolic]") {
    check_pipelined("ws", 8, 1);
    check_pipelined("os", 8, 1);
}

TEST_CASE("hybrid 8x8 in 4x4 tiles, weight stationary: cycles equal to the model", "[sim][cycles][systolic]") {
    check_pipelined("ws", 8, 4);
}

TEST_CASE("systolic and hybrid 8x8 with rows C*R*S (SCALE-Sim weight stationary): cycles equal to the model",
          "[sim][cycles][systolic]") {
    check_pipelined("ws_im2col", 8, 1);
    check_pipelined("ws_im2col", 8, 4);
}

// Minutes (two 1024-PE builds): build/tests/sim/test_sim_cycles "[.systolic32]"
TEST_CASE("systolic 32x32, weight and output stationary: cycles equal to the model", "[.systolic32]") {
    check_pipelined("ws", 32, 1);
    check_pipelined("os", 32, 1);
    check_pipelined("ws_im2col", 32, 1);
}
