// Architecture files, size-dependent energy, and the rejection of mappings that do not fit.
#include "IrBuilder.h"
#include "UserError.h"
#include "ir/ArchitectureJson.h"
#include "ir/Validate.h"
#include "model/LevelEnergy.h"
#include "model/Model.h"

#include <catch2/catch.hpp>

using namespace tessera;
using namespace tessera::model;
using namespace tessera::model::test;
using Catch::Matchers::Contains;

namespace {

ir::AcceleratorIR gemm_whole(int64_t M, int64_t N, int64_t K) {
    return gemm_ir(M, N, K, {{"m", 1}, row("m", M), col("n", N), {"k", K}}, {0, 0, 0});
}

}  // namespace

TEST_CASE("bundled architectures load with the published figures", "[model][arch]") {
    auto names = ir::bundled_architectures();
    CHECK(names == std::vector<std::string>{"double_buffered", "eyeriss_16x16", "eyeriss_like", "eyeriss_prefetch",
                                            "eyeriss_registers", "four_level", "four_level_double", "hybrid_4", "interstellar_baseline", "small_glb", "systolic",
                                            "tpu_like"});
    // eyeriss_16x16 with a one-word register per tensor inside its scratchpads.
    auto registers = ir::load_architecture("eyeriss_registers");
    REQUIRE(registers.levels.size() == 4);
    CHECK(registers.is_per_pe(2));
    CHECK(registers.is_per_pe(3));
    for (int t = 0; t < 3; ++t) CHECK(registers.levels[3].holds_one_word(t));
    CHECK(read_pj(*registers.level("REG")) == Approx(0.2));
    // docs/fusion.md's small-buffer case: the default figures with a 32 KB GLB at 9 pJ.
    auto small = ir::load_architecture("small_glb");
    CHECK(small.level("GLB")->size_bytes == 32 * 1024);
    CHECK(read_pj(*small.level("GLB")) == Approx(9));
    CHECK(read_pj(*small.level("DRAM")) == Approx(200));
    auto inter = ir::load_architecture("interstellar_baseline");
    CHECK(inter.rows == 16);
    CHECK(read_pj(*inter.level("RF")) == Approx(0.96));
    CHECK(read_pj(*inter.level("GLB")) == Approx(20));
    CHECK(inter.level("GLB")->size_bytes == 128 * 1024);
    CHECK(read_pj(*inter.level("DRAM")) == Approx(200));
    CHECK(inter.hop_pj == Approx(0.035));
    auto eyeriss = ir::load_architecture("eyeriss_like");
    CHECK(eyeriss.mac_pj == 1);
    CHECK(eyeriss.hop_pj == 2);
    CHECK(read_pj(*eyeriss.level("GLB")) == 6);
    CHECK(read_pj(*eyeriss.level("DRAM")) == 200);
    auto tpu = ir::load_architecture("tpu_like");
    CHECK(tpu.rows * tpu.cols == 16384);
    CHECK(read_pj(*tpu.level("RF")) == Approx(0.015));
    CHECK(tpu.level("GLB")->double_buffered);
    // The default architecture with its global buffer double buffered: the same figures, and
    // a tile gets half of the buffer.
    auto db = ir::load_architecture("double_buffered");
    const auto &def = ir::default_architecture();
    CHECK(db.level("GLB")->double_buffered);
    CHECK(db.level("GLB")->size_bytes == def.level("GLB")->size_bytes);
    CHECK(db.level("GLB")->tile_budget_bytes() == def.level("GLB")->size_bytes / 2);
    CHECK(db.level("GLB")->words_per_cycle == def.level("GLB")->words_per_cycle);
    CHECK(read_pj(*db.level("GLB")) == read_pj(*def.level("GLB")));
    CHECK(read_pj(*db.level("DRAM")) == read_pj(*def.level("DRAM")));
    CHECK(read_pj(*db.level("RF")) == read_pj(*def.level("RF")));
    CHECK(db.hop_pj == def.hop_pj);
    CHECK(ir::load_architecture("default").name == ir::default_architecture().name);
    // A file round-trips through JSON.
    CHECK(ir::to_json(ir::architecture_from_json(ir::to_json(inter), "x")) == ir::to_json(inter));
}

TEST_CASE("architecture files: errors name the file and key", "[model][arch]") {
    auto j = ir::to_json(ir::default_architecture());
    j["levels"][1]["bandwith"] = 3;
    CHECK_THROWS_WITH(ir::architecture_from_json(j, "a.json"),
                      Contains("a.json") && Contains("unknown key 'bandwith'") && Contains("GLB"));
    j = ir::to_json(ir::default_architecture());
    j["levels"].erase(1);
    CHECK_THROWS_WITH(ir::architecture_from_json(j, "a.json"), Contains("at least 3 levels"));
    CHECK_THROWS_WITH(ir::load_architecture("no_such_arch"), Contains("tpu_like"));
}

TEST_CASE("size-dependent SRAM energy interpolates the capacity table", "[model][arch]") {
    ir::MemoryLevel glb = *ir::load_architecture("interstellar_baseline").level("GLB");
    CHECK(energy_at_size(glb, 32768) == Approx(9));
    CHECK(energy_at_size(glb, 262144) == Approx(30.375));
    double e96k = energy_at_size(glb, 98304);
    CHECK(e96k > 13.5);
    CHECK(e96k < 20);
    CHECK(energy_at_size(glb, 1 << 20) > 45.56);  // extrapolated from the last segment
    // Changing the buffer's size changes what the model charges for it.
    auto small = ir::load_architecture("interstellar_baseline"), large = small;
    small.levels[1].size_bytes = 64 * 1024;
    large.levels[1].size_bytes = 256 * 1024;
    auto ir = gemm_whole(8, 8, 16);
    Model a(ir, small), b(ir, large);
    const auto glb_pj = [](const Estimate &e) {
        return e.tensor(Operand::I).at[int(Place::Buffer)].energy_pj();
    };
    CHECK(glb_pj(b.evaluate()) / glb_pj(a.evaluate()) == Approx(30.375 / 13.5));
}

TEST_CASE("a tile larger than its level is rejected naming the level and the overflow",
          "[model][validate]") {
    auto arch = round_architecture();
    arch.levels[1].size_bytes = 1000;
    // I 8x64 (512 B) + W 64x8 (512 B) + O 8x8 int32 (256 B) = 1280 B.
    auto ir = gemm_whole(8, 8, 64);
    CHECK_THROWS_AS(ir::validate_fit(ir, arch), UserError);
    CHECK_THROWS_WITH(ir::validate_fit(ir, arch),
                      Contains("level GLB") && Contains("overflows by 280 B") &&
                          Contains("I 512 B + W 512 B + O 256 B"));
    arch.levels[1].double_buffered = true;
    arch.levels[1].size_bytes = 2000;
    CHECK_THROWS_WITH(ir::validate_fit(ir, arch),
                      Contains("overflows by 560 B") && Contains("double buffered"));
    arch.levels[1].size_bytes = 2560;
    CHECK_NOTHROW(ir::validate_fit(ir, arch));
    // The model gives the same answer for a blocking it evaluates.
    Model model(ir, arch);
    model.evaluate();
    CHECK(model.fit_error().empty());
    arch.levels[2].size_bytes = 4;  // per-PE registers: 1 + 1 + 4 bytes
    CHECK_THROWS_WITH(ir::validate_fit(ir, arch), Contains("level RF") && Contains("by 2 B"));
}

TEST_CASE("a shared level split per tensor checks each tile against its partition and the rest against what is left",
          "[model][validate]") {
    auto arch = round_architecture();
    arch.levels[1].size_bytes = 1350;
    // I 8x64 (512 B) + W 64x8 (512 B) + O 8x8 int32 (256 B) = 1280 B: fits the whole level.
    auto ir = gemm_whole(8, 8, 64);
    CHECK_NOTHROW(ir::validate_fit(ir, arch));
    arch.levels[1].tensor_bytes[1] = 500;  // W's own memory, 12 B short
    CHECK_THROWS_WITH(ir::validate_fit(ir, arch), Contains("level GLB") && Contains("holds 500 B of") &&
                                                      Contains("(its partition)") && Contains("12 B too many") &&
                                                      !Contains("per PE"));
    arch.levels[1].tensor_bytes[1] = 600;  // W fits; I and O share 1350 - 600 = 750 B: 18 B short
    CHECK_THROWS_WITH(ir::validate_fit(ir, arch), Contains("overflows by 18 B") && Contains("besides its partitions"));
    arch.levels[1].tensor_bytes[0] = 512, arch.levels[1].tensor_bytes[2] = 256;  // every tensor its own
    CHECK_NOTHROW(ir::validate_fit(ir, arch));
    Model model(ir, arch);
    model.evaluate();
    CHECK(model.fit_error().empty());
    arch.levels[1].tensor_bytes[2] = 255;
    Model short_o(ir, arch);
    short_o.evaluate();
    CHECK_THAT(short_o.fit_error(), Contains("holds 255 B of") && Contains("1 B too many"));
    // With energy_by_size, each tensor is priced at its partition's size.
    arch.levels[1].energy_by_size = {{256, 2.0}, {65536, 20.0}};
    Model priced(ir, arch);
    const auto &e = priced.evaluate();
    const double o_glb = e.tensor(Operand::O).at[int(Place::Buffer)].energy_pj();
    const double w_glb = e.tensor(Operand::W).at[int(Place::Buffer)].energy_pj();
    CHECK(o_glb / double(e.tensor(Operand::O).at[int(Place::Buffer)].total_reads() +
                         e.tensor(Operand::O).at[int(Place::Buffer)].total_writes()) <
          w_glb / double(e.tensor(Operand::W).at[int(Place::Buffer)].total_reads() +
                         e.tensor(Operand::W).at[int(Place::Buffer)].total_writes()));
}

TEST_CASE("tensor_bytes on a shared level is read back and refused on DRAM or past the level size",
          "[model][validate]") {
    auto arch = ir::default_architecture();
    arch.levels[1].size_bytes = 4096;
    arch.levels[1].tensor_bytes[0] = 1024, arch.levels[1].tensor_bytes[1] = 2048;
    const auto j = ir::to_json(arch);
    CHECK(j["levels"][1]["tensor_bytes"]["W"] == 2048);
    CHECK(ir::to_json(ir::architecture_from_json(j, "a.json")) == j);
    auto over = j;
    over["levels"][1]["tensor_bytes"]["O"] = 2048;  // 5120 B of partitions on 4096
    CHECK_THROWS_WITH(ir::architecture_from_json(over, "a.json"),
                      Contains("level 'GLB'") && Contains("totalling 5120 B") && Contains("size_bytes"));
    auto dram = j;
    dram["levels"][0]["tensor_bytes"] = {{"I", 1}};
    CHECK_THROWS_WITH(ir::architecture_from_json(dram, "a.json"), Contains("outermost level") && Contains("DRAM"));
}

TEST_CASE("a level's aliases are read back, and must be names no other level has", "[model][validate]") {
    auto arch = ir::default_architecture();
    arch.levels.back().aliases = {"weight_reg", "input_activation_reg"};
    const auto j = ir::to_json(arch);
    CHECK(ir::to_json(ir::architecture_from_json(j, "a.json")) == j);
    auto twice = j;
    twice["levels"].back()["aliases"] = {"GLB"};
    CHECK_THROWS_WITH(ir::architecture_from_json(twice, "a.json"), Contains("names level 'GLB' twice"));
    for (const nlohmann::json &bad : {nlohmann::json("x"), nlohmann::json::array({""}), nlohmann::json::array({1})}) {
        auto wrong = j;
        wrong["levels"].back()["aliases"] = bad;
        CHECK_THROWS_WITH(ir::architecture_from_json(wrong, "a.json"), Contains("aliases must be a list of names"));
    }
}

TEST_CASE("a single-buffered tile keeps one copy on a double-buffered level and stalls for its fills",
          "[model][validate]") {
    auto arch = round_architecture();
    arch.levels[1].double_buffered = true;
    arch.levels[1].size_bytes = 2000;
    // I 512 B + W 512 B + O 256 B, twice: 2560 B. With the weights kept single: 2048 B.
    auto ir = gemm_whole(8, 8, 64);
    auto weights = [&]() -> ir::Buffer & {
        for (auto &b : ir.mapping.buffers)
            if (b.tensor == ir.problem.tensor(ir::TensorRole::Weight).name) return b;
        FAIL("no weight buffer");
        return ir.mapping.buffers.front();
    };
    weights().single_buffered = true;
    CHECK_THROWS_WITH(ir::validate_fit(ir, arch), Contains("overflows by 48 B") && Contains("double buffered"));
    for (auto &b : ir.mapping.buffers) b.single_buffered = true;
    CHECK_NOTHROW(ir::validate_fit(ir, arch));  // 1280 B
    Model all_single(ir, arch);
    all_single.evaluate();
    CHECK(all_single.fit_error().empty());
    // On a level that is not double buffered, the flag changes nothing.
    auto plain = round_architecture();
    for (auto &b : ir.mapping.buffers) b.single_buffered = false;
    const Estimate reference = Model(ir, plain).evaluate();
    for (auto &b : ir.mapping.buffers) b.single_buffered = true;
    const Estimate flagged = Model(ir, plain).evaluate();
    CHECK(flagged.cycles.total == reference.cycles.total);
    CHECK(flagged.energy_pj == reference.energy_pj);
    // Transfers: a double-buffered tile's fills after the first overlap the compute; a single
    // one's all stall. Energy does not change.
    auto tiled = gemm_ir(8, 8, 64, {{"k", 4}, {"m", 1}, row("m", 8), col("n", 8), {"k", 16}}, {1, 1, 0});
    arch.levels[1].size_bytes = 1 << 20;
    const Estimate doubled = Model(tiled, arch).evaluate();
    for (auto &b : tiled.mapping.buffers)
        if (b.tensor != tiled.problem.tensor(ir::TensorRole::Output).name) b.single_buffered = true;
    const Estimate single = Model(tiled, arch).evaluate();
    CHECK(doubled.cycles.overlapped_transfers > 0);
    CHECK(single.cycles.overlapped_transfers == 0);
    CHECK(single.cycles.serial_transfers > doubled.cycles.serial_transfers);
    CHECK(single.energy_pj == doubled.energy_pj);
}

// The output at L2 (its DRAM-fed tile) and a block of it in the GLB: on a double-buffered GLB the
// block keeps one copy (ir::double_buffered, as an accumulator file does), so the fit counts it
// once and its drains into L2 and reloads from it stall as on a single GLB; the operands' GLB tiles
// and the output's L2 tile on a double-buffered L2 keep two.
TEST_CASE("the output's inner shared block keeps one copy on a double-buffered level", "[model][validate]") {
    ir::Architecture arch = four_level_architecture();
    // k outer: each 8x8 output block resumes for 3 of its 4 channel blocks.
    auto ir = gemm_ir(16, 8, 64, {{"k", 4}, {"m", 2}, row("m", 8), col("n", 8), {"k", 16}}, {0, 0, 0});
    ir.mapping.buffers.clear();
    add_buffer(ir, "I", "GLB", 0, false);
    add_buffer(ir, "W", "GLB", 0, false);
    add_buffer(ir, "O", "L2", 0, false);
    add_buffer(ir, "O", "GLB", 2, false);
    const ir::NestAnalysis nest = ir::analyze(ir, &arch);
    const ir::TensorAccess &o = nest.access(ir::TensorRole::Output), &i = nest.access(ir::TensorRole::Input);
    REQUIRE(o.stages.size() == 4);  // DRAM, L2, GLB, the PE
    REQUIRE(o.stages[2].kind == ir::StageKind::Shared);
    const size_t glb = size_t(arch.level_index("GLB")), l2 = size_t(arch.level_index("L2"));
    const Estimate single = Model(ir, arch).evaluate();
    arch.levels[glb].double_buffered = true;
    CHECK(ir::double_buffered(arch, i, 1));
    CHECK_FALSE(ir::double_buffered(arch, o, 2));
    CHECK_FALSE(ir::double_buffered(arch, o, 1));
    arch.levels[l2].double_buffered = true;
    CHECK(ir::double_buffered(arch, o, 1));
    arch.levels[l2].double_buffered = false;
    const Estimate doubled = Model(ir, arch).evaluate();
    CHECK(single.cycles.onchip_transfers > 0);
    CHECK(doubled.cycles.onchip_transfers == single.cycles.onchip_transfers);
    CHECK(doubled.energy_pj == single.energy_pj);
    // The GLB holds two copies of I's and W's tiles and one of the output block, exactly.
    auto bytes = [&](const ir::TensorAccess &t, size_t j) {
        return t.stages[j].words() * ir::onchip_element_bytes(ir.problem, *t.tensor);
    };
    const ir::TensorAccess &w = nest.access(ir::TensorRole::Weight);
    arch.levels[glb].size_bytes = 2 * bytes(i, 1) + 2 * bytes(w, 1) + bytes(o, 2);
    CHECK_NOTHROW(ir::validate_fit(ir, arch));
    CHECK(Model(ir, arch).fit_error().empty());
    arch.levels[glb].size_bytes -= 1;
    CHECK_THROWS_WITH(ir::validate_fit(ir, arch), Contains("overflows by 1 B"));
}

TEST_CASE("a spatial extent larger than the array is rejected", "[model][validate]") {
    auto arch = round_architecture();  // 8x8
    auto ir = gemm_whole(12, 8, 4);
    CHECK_THROWS_WITH(ir::validate_fit(ir, arch),
                      Contains("array rows has extent 12") && Contains("8 rows") &&
                          Contains("4 too many"));
    auto wide = gemm_whole(8, 9, 4);
    CHECK_THROWS_WITH(ir::validate_fit(wide, arch), Contains("columns") && Contains("1 too many"));
    Model model(wide, arch);
    model.evaluate();
    CHECK_THAT(model.fit_error(), Contains("1 too many"));
}

TEST_CASE("a buffer on a level the architecture lacks is rejected", "[model][validate]") {
    auto ir = gemm_whole(4, 4, 4);
    ir.mapping.buffers[0].level = "SRAM";
    CHECK_THROWS_WITH(Model(ir, round_architecture()),
                      Contains("level SRAM") && Contains("DRAM, GLB, RF"));
    ir.mapping.buffers[0].level = "RF";  // a per-PE level, but the buffer is above the array
    CHECK_THROWS_WITH(ir::validate_fit(ir, round_architecture()),
                      Contains("per-PE level RF") && Contains("above the PE array"));
    ir.mapping.buffers[0].level = "DRAM";
    CHECK_THROWS_WITH(ir::validate_fit(ir, round_architecture()), Contains("outermost level"));
}

TEST_CASE("interconnect: parsed, validated, round-tripped, skew and preload checked", "[model][arch]") {
    auto j = ir::to_json(ir::default_architecture());
    CHECK(ir::architecture_from_json(j, "a.json").array_skew() == 0);
    j["array"]["interconnect"] = "systolic";
    const ir::Architecture systolic = ir::architecture_from_json(j, "a.json");
    CHECK(systolic.interconnect == ir::Interconnect::Systolic);
    CHECK(systolic.array_skew() == 30);  // 15 + 15 on 16x16
    CHECK(ir::to_json(ir::architecture_from_json(ir::to_json(systolic), "x")) == ir::to_json(systolic));
    j["array"]["tile"] = 4;
    CHECK_THROWS_WITH(ir::architecture_from_json(j, "a.json"), Contains("'tile'") && Contains("hybrid"));
    j["array"]["interconnect"] = "hybrid";
    const ir::Architecture hybrid = ir::architecture_from_json(j, "a.json");
    CHECK(hybrid.array_skew() == 6);  // 15/4 + 15/4
    CHECK(ir::to_json(ir::architecture_from_json(ir::to_json(hybrid), "x")) == ir::to_json(hybrid));
    j["array"].erase("tile");
    CHECK_THROWS_WITH(ir::architecture_from_json(j, "a.json"), Contains("needs key 'tile'"));
    j["array"]["interconnect"] = "mesh";
    CHECK_THROWS_WITH(ir::architecture_from_json(j, "a.json"), Contains("\"mesh\" is not one of broadcast, systolic, hybrid"));

    // The model adds the skew once per run; a per-PE operand reloaded every cycle cannot be preloaded.
    ir::Architecture arch = ir::default_architecture();
    arch.rows = arch.cols = 4;
    const ir::AcceleratorIR ir = gemm_whole(4, 4, 8);  // rows m, cols n: I and W forwarded, O per PE
    model::Model broadcast(ir, arch);
    const int64_t base = broadcast.evaluate().cycles.total;
    arch.interconnect = ir::Interconnect::Systolic;
    model::Model pipelined(ir, arch);
    const Estimate &e = pipelined.evaluate();
    CHECK(e.cycles.array_skew == 6);
    CHECK(e.cycles.total == base + e.cycles.runs * 6);
    CHECK(pipelined.fit_error().empty());
    // Rows k, columns n: W(n, k) is per PE and reloads every M = 2 iterations, under the skew 6.
    const ir::AcceleratorIR ws = gemm_ir(2, 4, 4, {row("k", 4), col("n", 4), {"m", 2}}, {0, 0, 0});
    CHECK_THROWS_WITH(ir::validate_fit(ws, arch), Contains("reloads every 2 cycles") && Contains("broadcast"));
    model::Model short_blocks(ws, arch);
    short_blocks.evaluate();
    CHECK_THAT(short_blocks.fit_error(), Contains("reloads every 2 cycles"));
}
