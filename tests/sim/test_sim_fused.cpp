// Fused groups executed by the generated RTL (issue 12): a ResNet basic block's two 3x3 convs and a
// MobileNetV2 inverted residual (expand, depthwise, project, residual add), each in all three
// overlap modes, a ResNeXt bottleneck (grouped 3x3), batches of 2, weights re-fetched per tile, and
// quantized groups (zero points, requantization): bit-exact against Halide's fused pipeline, every
// counter equal to the fusion model, cycles equal to the design's cycle model (tolerance 0). Bad
// groups get one-line errors; the designs are verilator -Wall clean.
#include "FusedSupport.h"

#include "FusedPipeline.h"
#include "UserError.h"
#include "ir/ArchitectureJson.h"
#include "rtl_backend/FusedDesign.h"
#include "rtl_backend/Process.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <unistd.h>

using namespace tessera;

namespace {

const ir::Overlap kModes[] = {ir::Overlap::Recompute, ir::Overlap::CacheH, ir::Overlap::CacheHV};

void require_pass(const std::vector<vsim::FusedOutcome> &outcomes) {
    for (const auto &o : outcomes) {
        INFO(vsim::fused_report(o));
        CHECK(o.bit_exact());
        CHECK(o.counters_match());
        CHECK(o.cycles_measured == uint64_t(o.cycles_model));
        CHECK(o.pass());
    }
}

}  // namespace

TEST_CASE("a ResNet block and a MobileNetV2 block run fused in RTL in every overlap mode", "[sim][fused]") {
    std::vector<ir::FusedGroup> groups;
    std::vector<ir::Architecture> archs;
    for (ir::Overlap m : kModes) {
        groups.push_back(test::example_group("resnet_block_tiny.csv", 0, 1, 8, 8, m, false));
        groups.push_back(test::example_group("resnet_block_tiny.csv", 0, 1, 5, 3, m, true));
        // cache-hv on a batch of 2: the line buffers start over for the second image.
        groups.push_back(test::example_group("mbv2_block_tiny.csv", 0, 2, 4, 8, m, true, m == ir::Overlap::CacheHV ? 2 : 1));
        for (int i = 0; i < 3; ++i) archs.push_back(ir::default_architecture());
    }
    // A ResNeXt bottleneck: its 3x3 conv in 4 groups, the skip added on chip.
    groups.push_back(test::example_group("resnext_block_tiny.csv", 0, 2, 5, 6, ir::Overlap::CacheH, true));
    archs.push_back(ir::default_architecture());
    // Weights that do not fit next to the tile buffers of a 2 KB GLB: re-fetched per tile, of each
    // image of a batch of 2.
    groups.push_back(test::example_group("resnet_block_tiny.csv", 0, 1, 4, 4, ir::Overlap::CacheH, false, 2));
    archs.push_back(ir::load_architecture(std::string(TESSERA_SOURCE_DIR) + "/tests/sim/glb_2k.json"));
    const auto outcomes = test::run_groups(groups, archs, 3);
    require_pass(outcomes);
    CHECK(outcomes.back().model.fused.weights_resident == false);
    // Fusion keeps the intermediates on chip: only the block's input, weights and output cross DRAM.
    for (size_t i = 0; i + 1 < outcomes.size(); ++i) {
        const auto &o = outcomes[i];
        for (const auto &c : o.counters)
            if (c.counter == "dram_output_writes" && c.layer != o.model.fused.layers.back().layer) CHECK(c.measured == 0);
        // 5x3 tiles recompute so much of the input that DRAM traffic exceeds layer by layer; the
        // larger tiles win as the model predicts.
        if (i % 3 != 1) CHECK(o.dram_words_measured < uint64_t(o.model.layer_by_layer_dram_words));
    }
    // Cached modes recompute less: layer 0's MACs fall from recompute to cache-h to cache-hv.
    auto macs0 = [&](size_t i) { return outcomes[i].counters.front().measured; };
    CHECK(macs0(0) > macs0(3));
    CHECK(macs0(3) > macs0(6));
}

TEST_CASE("quantized groups (zero points, uint8, fixed-point requantization) run fused in RTL", "[sim][fused][quantized]") {
    // ONNX's QLinearConv arithmetic in every layer (per-tensor or per-channel requantization), each
    // layer reading its predecessor's zero point:
    // a MobileNetV2 block without its add (the add of two quantized tensors is a requantized one), a
    // ResNeXt block, a ResNet block on a batch of 2.
    std::vector<ir::FusedGroup> groups;
    std::vector<ir::Architecture> archs;
    groups.push_back(test::example_group("mbv2_block_tiny.csv", 0, 2, 4, 8, ir::Overlap::CacheH, false, 1, 31));
    groups.push_back(test::example_group("resnext_block_tiny.csv", 0, 2, 5, 6, ir::Overlap::CacheHV, false, 1, 32));
    groups.push_back(test::example_group("resnet_block_tiny.csv", 0, 1, 6, 5, ir::Overlap::Recompute, false, 2, 33));
    for (size_t i = 0; i < groups.size(); ++i) archs.push_back(ir::default_architecture());
    // The ResNet block runs on given weights and biases (as `simulate --onnx` gives a model's).
    const ir::FusedGroup &given_group = groups[2];
    std::map<std::string, vsim::GivenTensors> given;
    for (size_t l = 0; l < given_group.layers.size(); ++l) {
        const gen::LayerTensors t = gen::random_tensors(given_group.layers[l], 9000 + l);
        given[given_group.layers[l].name] = {std::vector<int8_t>(t.weights.begin(), t.weights.end()),
                                             std::vector<int32_t>(t.bias.begin(), t.bias.end())};
    }
    const auto outcomes = test::run_groups(groups, archs, 5, given);
    require_pass(outcomes);
    CHECK(outcomes[2].given_layers == std::vector<std::string>{"conv1", "conv2"});
    CHECK(outcomes[0].given_layers.empty());
    {
        // Its output is the layer-by-layer result on the given tensors, not on the seed's.
        // (two draws: Halide's buffers share their data when copied)
        GroupTensors t = random_group_tensors(given_group.layers, 5), seeds = random_group_tensors(given_group.layers, 5);
        for (size_t l = 0; l < t.layers.size(); ++l) vsim::apply_given(given, given_group.layers[l], t.layers[l]);
        const auto expected = run_layer_by_layer(given_group, t), seeds_own = run_layer_by_layer(given_group, seeds);
        const ir::LayerSpec &last = given_group.layers.back();
        size_t i = 0, differ_from_seeds = 0;
        REQUIRE(outcomes[2].output.size() == size_t(last.N * last.K * last.out_h() * last.out_w()));
        for (int64_t n = 0; n < last.N; ++n)
            for (int64_t k = 0; k < last.K; ++k)
                for (int64_t y = 0; y < last.out_h(); ++y)
                    for (int64_t x = 0; x < last.out_w(); ++x, ++i) {
                        const int8_t want = expected(int(x), int(y), int(k), int(n));
                        if (outcomes[2].output[i] != want) FAIL("n " << n << " k " << k << " y " << y << " x " << x);
                        differ_from_seeds += want != seeds_own(int(x), int(y), int(k), int(n));
                    }
        CHECK(differ_from_seeds > i / 4);  // quantized outputs often saturate alike
    }
    REQUIRE(groups[0].layers[1].x_zero_point == groups[0].layers[0].y_zero_point);
    int per_channel = 0;
    for (const auto &g : groups)
        for (const auto &l : g.layers) per_channel += !l.channel_multiplier.empty();
    CHECK(per_channel > 0);
    CHECK(per_channel < 8);  // of the 8 layers, some per tensor
    // The draws requantize into range rather than saturating everything: outputs vary.
    for (const auto &g : groups) {
        const auto out = run_fused(g, random_group_tensors(g.layers, 3));
        std::set<int> values;
        out.for_each_value([&](int8_t v) { values.insert(v); });
        INFO(g.layers.front().name << ".." << g.layers.back().name);
        CHECK(values.size() > 20);
    }
}

TEST_CASE("groups the fused RTL cannot run get one-line errors naming what to change", "[sim][fused][errors]") {
    ir::FusedGroup g = test::example_group("resnet_block_tiny.csv", 0, 1, 8, 8, ir::Overlap::Recompute, false);
    ir::FusedGroup quantized = g;
    quantized.layers[1].multiplier = 1 << 20, quantized.layers[1].requant_shift = 24, quantized.layers[1].x_zero_point = 3;
    quantized.residual = true;  // a quantized add is QLinearAdd, not the int8 saturating add
    CHECK_THROWS_WITH(rtl::fused_config(quantized, 8), Catch::Contains("quantized") && Catch::Contains("--residual"));
    // A quantized group does not run on a design generated without the zero-point datapath.
    ir::FusedGroup plain_q = test::example_group("resnet_block_tiny.csv", 0, 1, 8, 8, ir::Overlap::Recompute, false, 1, 7);
    const rtl::FusedConfig cq = rtl::fused_config(plain_q, 8);
    const rtl::FusedDesignSpec plain = rtl::fused_design_spec({g}, {rtl::fused_config(g, 8)}, 8, 4);
    CHECK_FALSE(plain.quantized);
    CHECK_THROWS_WITH(rtl::check_fits(plain, plain_q, cq), Catch::Contains("zero-point") && Catch::Contains("compile the design"));
    ir::FusedGroup cores = g;
    cores.cores = 2;
    CHECK_THROWS_WITH(rtl::fused_config(cores, 8), Catch::Contains("--cores 1"));
    // A group compiled for one design does not run on a smaller one.
    const rtl::FusedConfig c = rtl::fused_config(g, 8);
    ir::FusedGroup mb = test::example_group("mbv2_block_tiny.csv", 0, 2, 4, 8, ir::Overlap::CacheHV, true);
    const rtl::FusedConfig cm = rtl::fused_config(mb, 8);
    const rtl::FusedDesignSpec small = rtl::fused_design_spec({g}, {c}, 8, 4);
    CHECK_THROWS_AS(rtl::check_fits(small, mb, cm), UserError);
    CHECK_THROWS_WITH(rtl::check_fits(small, mb, cm), Catch::Contains("compile the design for this group"));
}

TEST_CASE("the fused design passes verilator --lint-only -Wall", "[sim][fused][lint]") {
    for (int lanes : {1, 8})
    for (bool quantized : {false, true}) {
        // The quantized design (zero points, fixed-point post-op) has no residual group.
        std::vector<ir::FusedGroup> groups = {test::example_group("mbv2_block_tiny.csv", 0, 2, 4, 8, ir::Overlap::CacheH,
                                                                  !quantized, 1, quantized ? 9 : 0)};
        const rtl::FusedConfig c = rtl::fused_config(groups[0], lanes);
        const rtl::RtlDesign d = rtl::generate_fused_rtl(rtl::fused_design_spec(groups, {c}, lanes, 4));
        const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                          ("tessera-fused-lint-" + std::to_string(getpid()));
        rtl::write_rtl(d, dir.string());
        std::string cmd = "cd '" + dir.string() + "' && verilator --lint-only -Wall --top-module " + d.top;
        for (const auto &[name, text] : d.files) cmd += " " + name;
        const std::string log = rtl::run_capture(cmd + " 2>&1");
        std::filesystem::remove_all(dir);
        INFO("lanes " << lanes << (quantized ? ", quantized" : ""));
        CHECK(log == "");
    }
}

TEST_CASE("Yosys synthesizes a fused design without a warning, memories kept", "[sim][fused][synth]") {
    std::vector<ir::FusedGroup> groups = {test::example_group("resnet_block_tiny.csv", 0, 1, 4, 4, ir::Overlap::CacheH, false)};
    const rtl::FusedConfig c = rtl::fused_config(groups[0], 2);
    const rtl::RtlDesign d = rtl::generate_fused_rtl(rtl::fused_design_spec(groups, {c}, 2, 4));
    const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                      ("tessera-fused-synth-" + std::to_string(getpid()));
    rtl::write_rtl(d, dir.string());
    std::string script = "read_verilog -sv";
    for (const auto &[name, text] : d.files) script += " " + name;
    script += "\nsynth -top " + d.top + " -nordff -run begin:fine\nopt -fast -full\ntechmap\nopt -fast\nabc -fast\nopt -fast\nstat\n";
    std::ofstream(dir / "synth.ys") << script;
    const std::string out = rtl::run_capture("cd '" + dir.string() + "' && yosys -q -l synth.log -s synth.ys > /dev/null 2>&1; echo rc=$?");
    std::ifstream in(dir / "synth.log");
    const std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::filesystem::remove_all(dir);
    CHECK(out.find("rc=0") != std::string::npos);
    CHECK(log.find("Warning") == std::string::npos);
    CHECK(log.find("$mem_v2") != std::string::npos);  // the memories stay memories
}
