// Fused groups as one Halide pipeline (halide_ext/FusedPipeline): bit-exact with running the
// layers one by one, in every overlap mode, on random data; the blocks of the bundled networks
// lower as one group and are estimated.
#include "FusedLower.h"
#include "FusedPipeline.h"
#include "Networks.h"
#include "UserError.h"
#include "ir/Architecture.h"
#include "ir/FusedJson.h"
#include "model/FusionModel.h"
#include "model/Model.h"

#include <catch2/catch.hpp>

using namespace tessera;

namespace {

bool same(const Halide::Runtime::Buffer<int8_t> &a, const Halide::Runtime::Buffer<int8_t> &b) {
    if (a.number_of_elements() != b.number_of_elements()) return false;
    bool equal = true;
    a.for_each_element([&](const int *pos) { equal = equal && a(pos) == b(pos); });
    return equal;
}

ir::FusedGroup group_of(std::vector<ir::LayerSpec> layers, int64_t th, int64_t tw, ir::Overlap mode, bool residual) {
    ir::FusedGroup g;
    g.layers = std::move(layers);
    g.tile_h = th, g.tile_w = tw, g.overlap = mode, g.residual = residual;
    ir::place_group(g, "GLB");
    return g;
}

ir::LayerSpec conv(const std::string &name, int64_t C, int64_t K, int64_t H, int64_t W, int64_t R, int64_t stride, int64_t pad) {
    ir::LayerSpec l;
    l.name = name, l.C = C, l.K = K, l.H = H, l.W = W, l.R = l.S = R, l.stride = stride, l.pad = pad;
    return l;
}

const ir::Overlap kModes[] = {ir::Overlap::Recompute, ir::Overlap::CacheH, ir::Overlap::CacheHV};

}  // namespace

TEST_CASE("conv -> conv fused is bit-exact with layer by layer in every mode", "[fused_pipeline]") {
    const std::vector<ir::LayerSpec> chain = {conv("a", 4, 6, 11, 9, 3, 1, 1), conv("b", 6, 5, 11, 9, 3, 1, 1)};
    const GroupTensors t = random_group_tensors(chain, 11);
    const auto expected = run_layer_by_layer(group_of(chain, 4, 4, ir::Overlap::Recompute, false), t);
    // 3x5 leaves tails on both axes (11 = 3+3+3+2, 9 = 5+4); each JIT compile costs seconds.
    for (ir::Overlap mode : kModes) {
        INFO(ir::to_string(mode));
        REQUIRE(same(run_fused(group_of(chain, 3, 5, mode, false), t), expected));
    }
    REQUIRE(same(run_fused(group_of(chain, 11, 9, ir::Overlap::Recompute, false), t), expected));
}

TEST_CASE("ResNet-18 basic block (two 3x3 convs + skip) fused: bit-exact, lowered and estimated", "[fused_pipeline]") {
    const auto net = load_network("resnet18");
    ScheduleRequest preset;
    preset.dataflow = "ws";
    ir::FusedGroup g = lower_group(net, 1, 2, 8, 8, ir::Overlap::CacheH, true, 1, preset, "GLB");
    REQUIRE(g.layer_irs.size() == 2);
    REQUIRE(ir::fused_group_from_json(ir::to_json(g)) == g);  // with its layers' IRs
    const GroupTensors t = random_group_tensors(g.layers, 18);
    REQUIRE(same(run_fused(g, t), run_layer_by_layer(g, t)));
    const ir::Architecture arch = ir::default_architecture();
    std::vector<model::LayerCost> costs;
    for (const auto &ir : g.layer_irs) {
        model::Model m(ir, arch);
        costs.push_back(model::layer_cost(m.evaluate(), ir, arch));
    }
    // The ws preset keeps a GLB tile of every tensor: DRAM fills and drains the GLB only, so
    // nothing is priced again at the activation level (model::DramTraffic).
    const int glb = int(arch.level("GLB") - arch.levels.data());
    for (const auto &c : costs)
        for (const auto &d : c.dram) {
            REQUIRE(d.fed_level == glb);
            REQUIRE(d.reads + d.writes > 0);
        }
    REQUIRE(costs[0].dram[2].writes == 64 * 56 * 56);  // the int8 output, written once
    REQUIRE(costs[0].dram[2].element_bits == 8);
    const model::FusedEstimate e = model::evaluate_group(g, costs, arch);
    REQUIRE(e.layers[1].macs == g.layers[1].macs());
    REQUIRE(e.layers[1].residual_reads == 64 * 56 * 56);
    REQUIRE(e.energy_pj > 0);
}

TEST_CASE("MobileNetV2 inverted residual (expand, depthwise, project + add) fused: bit-exact", "[fused_pipeline]") {
    const auto net = load_network("mobilenetv2");
    // features.3: 24 -> 144 (1x1), 144 depthwise 3x3, 144 -> 24 (1x1), on 56x56, with its skip.
    ScheduleRequest preset;
    ir::FusedGroup g = lower_group(net, 6, 8, 7, 16, ir::Overlap::Recompute, true, 1, preset, "GLB");
    REQUIRE(g.layers[1].depthwise());
    const GroupTensors t = random_group_tensors(g.layers, 2);
    const auto expected = run_layer_by_layer(g, t);
    REQUIRE(same(run_fused(g, t), expected));
    REQUIRE(same(run_fused(group_of(g.layers, 7, 16, ir::Overlap::CacheHV, true), t), expected));
}

TEST_CASE("the first layers of fsrcnn (5x5, 1x1, 3x3) fused on a crop: bit-exact", "[fused_pipeline]") {
    auto layers = load_network("fsrcnn");
    REQUIRE(layers.size() == 8);
    layers.resize(4);
    for (auto &l : layers) l.H = 23, l.W = 30;  // a crop of the 540x960 image
    const GroupTensors t = random_group_tensors(layers, 5);
    const auto expected = run_layer_by_layer(group_of(layers, 8, 8, ir::Overlap::Recompute, false), t);
    REQUIRE(same(run_fused(group_of(layers, 6, 8, ir::Overlap::CacheH, false), t), expected));
}

TEST_CASE("fuse ranges A..B: names, positions and one-line errors", "[fused_pipeline]") {
    const auto net = load_network("resnet18");
    REQUIRE(parse_fuse_range("1..2", net) == std::pair<size_t, size_t>{1, 2});
    REQUIRE(parse_fuse_range("/layer1/layer1.0/conv1/Conv../layer1/layer1.0/conv2/Conv", net) ==
            std::pair<size_t, size_t>{1, 2});
    REQUIRE_THROWS_WITH(parse_fuse_range("2..1", net), Catch::Contains("not consecutive"));
    REQUIRE_THROWS_WITH(parse_fuse_range("1..99", net), Catch::Contains("past the network"));
    // layer2.0 conv2 (128 channels) then its downsample (reads the block's 64-channel input)
    REQUIRE_THROWS_WITH(lower_group(net, 6, 7, 8, 8, ir::Overlap::Recompute, false, 1, {}, "GLB"),
                        Catch::Contains("not consecutive"));
    REQUIRE(parse_tile("16x8") == std::pair<int64_t, int64_t>{16, 8});
    REQUIRE(parse_tile("16") == std::pair<int64_t, int64_t>{16, 16});
    REQUIRE_THROWS_WITH(parse_tile("0x8"), Catch::Contains("ROWSxCOLS"));
}

TEST_CASE("a group's schedule text: round trip and one-line errors", "[fused_pipeline]") {
    const std::vector<ir::LayerSpec> chain = {conv("a", 2, 3, 12, 12, 3, 1, 1), conv("b", 3, 3, 12, 12, 3, 1, 1),
                                              conv("c", 3, 2, 12, 12, 1, 1, 0)};
    for (ir::Overlap mode : kModes) {
        const ir::FusedGroup g = group_of(chain, 4, 6, mode, false);
        ir::FusedGroup read = group_of(chain, 1, 1, ir::Overlap::Recompute, false);
        apply_group_schedule(read, g.schedule, "GLB");
        REQUIRE(read == g);
    }
    ir::FusedGroup g = group_of(chain, 4, 4, ir::Overlap::Recompute, false);
    const std::string tile = "L2.split(y, yo, yi, 4).split(x, xo, xi, 4);\n";
    REQUIRE_THROWS_WITH(apply_group_schedule(g, tile + "L0.compute_at(L1, xo); L1.compute_at(L2, xo);", "GLB"),
                        Catch::Contains("L1 is not the consumer's Func"));
    REQUIRE_THROWS_WITH(apply_group_schedule(g, tile + "L0.compute_at(L2, k); L1.compute_at(L2, xo);", "GLB"),
                        Catch::Contains("L2 has no loop 'k'"));
    REQUIRE_THROWS_WITH(apply_group_schedule(g, tile + "L1.compute_at(L2, xo);", "GLB"), Catch::Contains("L0 is not placed"));
    REQUIRE_THROWS_WITH(apply_group_schedule(g, tile + "L0.store_root().compute_at(L2, xo); L1.compute_at(L2, xo);", "GLB"),
                        Catch::Contains("one overlap mode per group"));
    REQUIRE_THROWS_WITH(apply_group_schedule(g, "L0.compute_at(L2, xo); L1.compute_at(L2, xo);", "GLB"),
                        Catch::Contains("no tile split"));
}

TEST_CASE("grouped convs and a batch of 2 fused: bit-exact with layer by layer in every mode", "[fused_pipeline]") {
    // 1x1 expand, a 3x3 conv in 4 groups (stride 2, a tail), a 3x3 grouped conv last: the channel
    // view of a grouped output is what the next layer and the group's result read.
    std::vector<ir::LayerSpec> chain = {conv("e", 4, 8, 13, 10, 1, 1, 0), conv("g", 8, 8, 13, 10, 3, 2, 1),
                                        conv("h", 8, 6, 7, 5, 3, 1, 1)};
    chain[1].groups = 4, chain[2].groups = 2;
    for (auto &l : chain) l.N = 2;
    const GroupTensors t = random_group_tensors(chain, 5);
    const auto expected = run_layer_by_layer(group_of(chain, 7, 5, ir::Overlap::Recompute, false), t);
    REQUIRE(expected.dim(3).extent() == 2);
    for (ir::Overlap mode : kModes) {
        INFO(ir::to_string(mode));
        REQUIRE(same(run_fused(group_of(chain, 3, 2, mode, false), t), expected));
    }
    // With the residual add (K = C, same size): grouped last layer inside the add.
    std::vector<ir::LayerSpec> block = {conv("a", 6, 6, 9, 8, 3, 1, 1), conv("b", 6, 6, 9, 8, 3, 1, 1)};
    block[1].groups = 3;
    for (auto &l : block) l.N = 2;
    const GroupTensors bt = random_group_tensors(block, 9);
    const auto with_skip = run_layer_by_layer(group_of(block, 4, 4, ir::Overlap::CacheH, true), bt);
    REQUIRE(same(run_fused(group_of(block, 4, 3, ir::Overlap::CacheH, true), bt), with_skip));
}
