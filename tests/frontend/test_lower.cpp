// Every layer of ResNet-50, MobileNetV2 (depthwise included) and the MLPs lowers under os, ws, is
// and rs on a 16x16 array, with the CSV's MAC count.
#include "Lower.h"
#include "Networks.h"
#include "ir/Analysis.h"
#include "ir/ArchitectureJson.h"
#include "ir/Json.h"
#include "ir/Validate.h"
#include "Presets.h"

#include <fstream>
#include <map>
#include <iterator>

#include <catch2/catch.hpp>

using namespace tessera;

namespace {
std::string layer_tensor(const ir::AcceleratorIR &ir, ir::TensorRole role) { return ir.problem.tensor(role).name; }
}  // namespace

TEST_CASE("real networks lower under every dataflow preset", "[lower]") {
    for (const char *net : {"resnet50", "mobilenetv2", "mlp"}) {
        for (const char *df : {"os", "ws", "is", "rs"}) {
            for (const auto &layer : load_network(net)) {
                INFO(net << " " << layer.name << " " << df);
                ScheduleRequest req;
                req.dataflow = df;
                const ir::AcceleratorIR ir = lower_to_ir(layer, req);
                REQUIRE(ir.problem.macs() == layer.macs());
                REQUIRE(ir.mapping.array_rows() * ir.mapping.array_cols() <= 256);
                REQUIRE(ir.mapping.buffers.size() == 3);
                int64_t bytes = 0;  // the preset's blocking fits the default 128 KB buffer
                for (const auto &b : ir.mapping.buffers) bytes += b.words() * (b.tensor == "O" ? 4 : 1);
                REQUIRE(bytes <= 128 * 1024);
            }
        }
    }
}

TEST_CASE("presets put the named dims on the array", "[lower]") {
    const auto layer = find_layer(load_network("resnet50"), "CB2a_2", "resnet50");
    auto spatial = [&](const std::string &preset, int64_t rows, int64_t cols) {
        ScheduleRequest req;
        req.spatial = preset;
        req.rows = rows;
        req.cols = cols;
        const auto ir = lower_to_ir(layer, req);
        std::string row, col;
        for (const auto &l : ir.mapping.loops) {
            if (l.kind == ir::LoopKind::SpatialRow) row = l.dim;
            if (l.kind == ir::LoopKind::SpatialCol) col = l.dim;
        }
        return row + "|" + col;
    };
    REQUIRE(spatial("C|K", 16, 16) == "c|k");
    REQUIRE(spatial("K|X", 8, 16) == "k|x");
    REQUIRE(spatial("FY|Y", 3, 16) == "r|y");
    REQUIRE(spatial("K", 1, 32) == "|k");
    REQUIRE(spatial("C|K", 1, 8) == "|k");   // a 1-wide side leaves no loop on it
    REQUIRE(spatial("C|K", 8, 1) == "c|");
    REQUIRE_THROWS_WITH(spatial("K", 8, 1), Catch::Contains("a 1-D array is 1xN"));
}

TEST_CASE("weight stationary keeps W in the PE across the loops it does not depend on", "[lower]") {
    ScheduleRequest req;
    req.dataflow = "ws";
    const auto ir = lower_to_ir(find_layer(load_network("resnet50"), "CB2a_2", "resnet50"), req);
    const auto nest = ir::analyze(ir);
    const auto &w = nest.access(ir::TensorRole::Weight);
    // The innermost temporal loops are over y and x, which W does not depend on.
    REQUIRE(w.stationary_from < int(ir.mapping.loops.size()));
    for (int l = w.stationary_from; l < int(ir.mapping.loops.size()); ++l)
        if (ir.mapping.loops[l].kind == ir::LoopKind::Temporal)
            REQUIRE((ir.mapping.loops[l].dim == "x" || ir.mapping.loops[l].dim == "y"));
    REQUIRE(w.groups == 256);  // per-PE weights
    REQUIRE(nest.access(ir::TensorRole::Input).shared_on_cols);   // I broadcast along a row
    REQUIRE(nest.access(ir::TensorRole::Output).shared_on_rows);  // O reduced down a column
}

TEST_CASE("tails: C=3 on 16 rows and 112 outputs in tiles of 16 are guarded, not rejected", "[lower]") {
    ScheduleRequest req;
    req.dataflow = "is";
    const auto layer = find_layer(load_network("resnet50"), "Conv1", "resnet50");
    const auto ir = lower_to_ir(layer, req);
    int64_t slots = 1;
    for (const auto &l : ir.mapping.loops) slots *= l.extent;
    REQUIRE(slots > layer.macs());  // guarded iterations are recorded
    REQUIRE(ir.problem.macs() == layer.macs());
}

TEST_CASE("a per-PE tile under a reduction tail deep in the nest is sized over the loops that reach it", "[lower]") {
    // The extent Halide leaves symbolic depends on two of the 13 loops outside the tile. Walking
    // them all ran out of the front end's budget: "non-constant extent", so explore's winner for
    // this layer could not be compiled.
    std::ifstream in(std::string(TESSERA_SOURCE_DIR) + "/tests/frontend/deep_reduction_tail.sched");
    REQUIRE(in.good());
    ScheduleRequest req;
    req.text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    const auto layer = find_layer(load_network("resnet50"), "CB5a_2", "resnet50");
    const ir::AcceleratorIR ir = lower_to_ir(layer, req);
    const ir::NestAnalysis nest = ir::analyze(ir);
    const ir::Stage &pe = nest.access(ir::TensorRole::Input).stages.back();
    REQUIRE(pe.kind == ir::StageKind::PerPe);
    CHECK(pe.words() == 7);  // x 7 (its s step is one lane's)
}

TEST_CASE("hw::single_buffered marks the buffers it names, and the IR JSON keeps it", "[lower]") {
    const ir::LayerSpec layer = parse_inline_layer("conv:C=16,K=32,H=16,W=16,R=3,S=3,stride=2,pad=1");
    ScheduleRequest preset;
    preset.dataflow = "ws";
    preset.rows = preset.cols = 8;
    ScheduleRequest req;
    req.text = lower_to_ir(layer, preset).mapping.schedule + "hw::single_buffered(filter_glb);\nhw::single_buffered(acc);\n";
    const ir::AcceleratorIR ir = lower_to_ir(layer, req);
    std::map<std::string, bool> single;
    for (const auto &b : ir.mapping.buffers) single[b.tensor] = b.single_buffered;
    CHECK(single == std::map<std::string, bool>{{layer_tensor(ir, ir::TensorRole::Input), false},
                                                {layer_tensor(ir, ir::TensorRole::Weight), true},
                                                {layer_tensor(ir, ir::TensorRole::Output), true}});
    CHECK(ir::ir_from_json(ir::to_json(ir)) == ir);
    CHECK(ir::to_json(lower_to_ir(layer, preset)).dump().find("single_buffered") == std::string::npos);
    req.text += "hw::single_buffered(filter_glb, \"GLB\");\n";
    CHECK_THROWS_WITH(lower_to_ir(layer, req), Catch::Contains("hw::single_buffered(func)"));
}

TEST_CASE("a zero point on one operand only lowers under every preset, on the right operand", "[lower][quantized]") {
    // Lowering simplifies x * (w - z) into (w - z) * x: the operands are told apart by the Func
    // they read, not by their order in the product.
    for (const char *spec : {"conv:C=5,K=4,H=7,W=7,R=3,S=3,pad=1,w_uint8=1,w_zero_point=140,multiplier=923950297,shift=37",
                             "dwconv:C=8,H=9,W=9,R=3,S=3,pad=1,w_zero_point=14,multiplier=923950297,shift=37",
                             "fc:N=4,C=32,K=8,w_uint8=1,w_zero_point=128,multiplier=923950297,shift=37",
                             "conv:C=5,K=4,H=7,W=7,R=1,S=1,x_uint8=1,x_zero_point=128,multiplier=923950297,shift=37"}) {
        const ir::LayerSpec layer = parse_inline_layer(spec);
        for (const char *df : {"os", "ws", "is", "rs"}) {
            INFO(spec << " " << df);
            ScheduleRequest req;
            req.dataflow = df;
            const ir::AcceleratorIR ir = lower_to_ir(layer, req);
            CHECK(ir.problem.tensor(ir::TensorRole::Input).zero_point == layer.x_zero_point);
            CHECK(ir.problem.tensor(ir::TensorRole::Weight).zero_point == layer.w_zero_point);
        }
    }
}

TEST_CASE("per-channel weight zero points lower under every preset and survive the IR's JSON", "[lower][quantized]") {
    // The generator reads them from a table indexed by the weight's output channel; the problem
    // keeps the layer's values on the weight tensor, and the bias load grows by a word per channel.
    for (const char *spec : {"conv:C=5,K=4,H=7,W=7,R=3,S=3,pad=1,w_uint8=1,multiplier=923950297,shift=37",
                             "conv:C=4,K=6,H=6,W=6,R=3,S=3,pad=1,groups=2,multiplier=923950297,shift=37",
                             "dwconv:C=6,H=9,W=9,R=3,S=3,pad=1,w_uint8=1,multiplier=923950297,shift=37",
                             "fc:N=4,C=32,K=6,w_uint8=1,x_uint8=1,x_zero_point=3,multiplier=923950297,shift=37"}) {
        ir::LayerSpec layer = parse_inline_layer(spec);
        for (int64_t k = 0; k < layer.K; ++k) layer.channel_w_zero_point.push_back(layer.w_uint8 ? 120 + k : 2 - k);
        for (const char *df : {"os", "ws", "rs"}) {
            INFO(spec << " " << df);
            ScheduleRequest req;
            req.dataflow = df;
            const ir::AcceleratorIR ir = lower_to_ir(layer, req);
            const ir::Tensor &w = ir.problem.tensor(ir::TensorRole::Weight);
            CHECK(w.channel_zero_point == layer.channel_w_zero_point);
            CHECK(w.zero_point == 0);
            CHECK(w.operand_bits() == 9);
            CHECK(ir.problem.bias_load_stride() == 2);
            CHECK(ir::ir_from_json(ir::to_json(ir)).problem == ir.problem);
        }
    }
    // Bad tables: one line naming the fix.
    ir::LayerSpec wrong = parse_inline_layer("conv:C=5,K=4,H=7,W=7,R=3,S=3,multiplier=923950297,shift=37");
    wrong.channel_w_zero_point = {1, 2, 3};
    CHECK_THROWS_WITH(lower_to_ir(wrong, ScheduleRequest{}), Catch::Contains("need one per output channel (4)"));
    wrong.channel_w_zero_point = {1, 2, 3, 200};
    CHECK_THROWS_WITH(lower_to_ir(wrong, ScheduleRequest{}), Catch::Contains("of channel 3: 200 is outside int8"));
    wrong.channel_w_zero_point = {1, 2, 3, 4};
    wrong.bias = false;
    CHECK_THROWS_WITH(lower_to_ir(wrong, ScheduleRequest{}), Catch::Contains("give the layer a bias"));
}

TEST_CASE("presets tile each tensor within its part of a global buffer split per tensor", "[lower][presets]") {
    // Eyeriss's 16x16 array with its GLB split I 16 KB, W 8 KB, O 64 KB: the presets' blocking
    // for the whole 108 KB would overflow a part (os: a 98 KB partial-sum tile).
    ir::Architecture arch = ir::default_architecture();
    for (auto &l : arch.levels)
        if (l.name == "GLB") l.size_bytes = 110592, l.tensor_bytes[0] = 16384, l.tensor_bytes[1] = 8192, l.tensor_bytes[2] = 65536;
    const auto layer = parse_inline_layer("conv:C=128,K=128,H=28,W=28,R=3,S=3,pad=1");
    for (const char *df : {"os", "ws", "is"}) {
        ScheduleRequest req;
        req.dataflow = df;
        fit_presets_to(arch, req);
        CHECK(req.buffer_tensor_bytes[2] == 65536);
        const ir::AcceleratorIR ir = lower_to_ir(layer, req);
        INFO(df);
        CHECK_NOTHROW(ir::validate_fit(ir, arch));
    }
}

// Batched convs (Interstellar's AlexNet and VGG layers at batch 16): every image of an output tile
// is in its I and O tiles, so the presets tile the batch too; the rs scratchpad preset keeps one
// image per tile. Before, the fit ignored N and AlexNet's conv1 needed a 1.6 MB GLB.
TEST_CASE("presets fit batched convs: the batch is tiled", "[lower][presets]") {
    const auto conv1 = parse_inline_layer("conv:N=16,C=3,K=96,H=231,W=231,R=11,S=11,stride=4");
    const auto conv2 = parse_inline_layer("conv:N=16,C=48,K=256,H=32,W=32,R=5,S=5");
    const auto vgg1 = parse_inline_layer("conv:N=16,C=3,K=64,H=226,W=226,R=3,S=3");
    for (const auto &[arch_name, dataflows] :
         {std::pair<const char *, std::vector<const char *>>{"default", {"os", "ws", "is"}},
          {"eyeriss_16x16", {"os", "ws", "is", "rs"}}}) {
        const ir::Architecture arch = std::string(arch_name) == "default" ? ir::default_architecture()
                                                                          : ir::load_architecture(arch_name);
        for (const char *df : dataflows)
            for (const auto &layer : {conv1, conv2, vgg1}) {
                INFO(arch_name << " " << df << " " << layer.name);
                ScheduleRequest req;
                req.dataflow = df;
                fit_presets_to(arch, req);
                const ir::AcceleratorIR ir = lower_to_ir(layer, req);
                CHECK(ir.problem.macs() == layer.macs());
                CHECK_NOTHROW(ir::validate_fit(ir, arch));
            }
    }
}

// On a pipelined array the default os preset maps a conv's output pixels on the rows and its
// filters on the columns (SCALE-Sim's output stationary): Y|X gives every PE its own input each
// cycle, which a systolic array's preload cannot deliver. Every ResNet-50 layer then fits.
TEST_CASE("os on a systolic or hybrid array maps Y,X|K and fits every ResNet-50 layer", "[lower][presets]") {
    for (const char *interconnect : {"systolic", "hybrid"}) {
        ir::Architecture arch = ir::default_architecture();
        arch.interconnect = std::string(interconnect) == "systolic" ? ir::Interconnect::Systolic : ir::Interconnect::Hybrid;
        arch.tile = std::string(interconnect) == "systolic" ? 1 : 4;
        REQUIRE(arch.array_skew() > 0);
        ScheduleRequest req;
        fit_presets_to(arch, req);
        CHECK(req.pipelined_array);
        for (const auto &layer : load_network("resnet50")) {
            INFO(interconnect << " " << layer.name);
            const ir::AcceleratorIR ir = lower_to_ir(layer, req);
            CHECK_NOTHROW(ir::validate_fit(ir, arch));
            if (layer.type == "conv") {
                std::vector<std::string> row_dims, col_dims;
                for (const auto &l : ir.mapping.loops) {
                    if (l.kind == ir::LoopKind::SpatialRow) row_dims.push_back(l.dim);
                    if (l.kind == ir::LoopKind::SpatialCol) col_dims.push_back(l.dim);
                }
                CHECK(col_dims == std::vector<std::string>{"k"});
                CHECK(!row_dims.empty());
                for (const auto &d : row_dims) CHECK((d == "y" || d == "x"));
            }
        }
    }
    // A broadcast array keeps Y|X.
    ScheduleRequest broadcast;
    fit_presets_to(ir::default_architecture(), broadcast);
    CHECK_FALSE(broadcast.pipelined_array);
}

// rs on an architecture with per-PE scratchpads: dense convs and fc layers get the scratchpad
// form, depthwise and grouped convs the plain FY|Y preset, so every MobileNetV2 layer lowers and
// fits eyeriss_16x16.
TEST_CASE("rs with scratchpads runs a whole MobileNetV2: depthwise layers take the plain rs", "[lower][presets]") {
    const ir::Architecture arch = ir::load_architecture("eyeriss_16x16");
    ScheduleRequest req;
    req.dataflow = "rs";
    fit_presets_to(arch, req);
    REQUIRE(!req.scratchpad_level.empty());
    int depthwise = 0;
    for (const auto &layer : load_network("mobilenetv2")) {
        INFO(layer.name);
        const ir::AcceleratorIR ir = lower_to_ir(layer, req);
        CHECK_NOTHROW(ir::validate_fit(ir, arch));
        bool per_pe_tiles = false;
        for (const auto &b : ir.mapping.buffers) per_pe_tiles |= b.level == req.scratchpad_level;
        CHECK(per_pe_tiles == !layer.depthwise());
        depthwise += layer.depthwise();
    }
    CHECK(depthwise == 17);
}
