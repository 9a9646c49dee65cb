// General mappings on the generated hardware (docs/rtl.md, "Several loops per array axis"): array
// axes that combine several loops mixed-radix (rows = c x s, columns = c x r x s, the TPU-style
// im2col example schedule), with tails in every loop of an axis. Each layer runs on the RTL
// bit-exactly against Halide's JIT, with every counter and the cycles equal to the model's.
#include "Networks.h"
#include "SimulateLayers.h"
#include "ir/Validate.h"
#include "rtl_backend/DesignSpec.h"

#include <catch2/catch.hpp>

using namespace tessera;
using namespace tessera::vsim;
using namespace tessera::vsim::test;

namespace {

std::vector<LayerRequest> preset_layers(const std::string &spatial, int64_t rows, int64_t cols,
                                        const std::vector<std::string> &specs) {
    std::vector<LayerRequest> out;
    for (const auto &spec : specs) {
        ScheduleRequest s;
        s.spatial = spatial;
        s.rows = rows;
        s.cols = cols;
        s.buffer_bytes = 2048;  // several tiles per tensor
        out.push_back({parse_inline_layer(spec), s});
    }
    return out;
}

void check_exact(const std::vector<LayerOutcome> &outcomes, size_t count) {
    REQUIRE(outcomes.size() == count);
    CHECK(failed_layers(outcomes) == "");
    for (const auto &o : outcomes) {
        INFO(o.layer);
        CHECK(o.output.bit_exact());
        CHECK(o.cycles_measured == uint64_t(o.cycles_model));
    }
}

}  // namespace

TEST_CASE("rows = c x s (two loops on the rows), tails in both: 8x4", "[sim][general]") {
    // c = 5 on 2 lanes and s = 3 on 3 lanes leave tails; a 1x1 layer uses one s lane; stride 2.
    const auto outcomes = simulate_on_one_design(
        preset_layers("C,FX|K", 8, 4,
                      {"conv:C=5,K=6,H=7,W=7,R=3,S=3,pad=1", "conv:C=7,K=5,H=6,W=5,R=3,S=3,stride=2,pad=1",
                       "conv:C=6,K=9,H=5,W=5,R=1,S=1,pad=0"}));
    check_exact(outcomes, 3);
}

TEST_CASE("columns = c x r x s (three loops on the columns): 4x8", "[sim][general]") {
    const auto outcomes = simulate_on_one_design(
        preset_layers("K|C,FY,FX", 4, 8,
                      {"conv:C=3,K=6,H=6,W=6,R=3,S=3,pad=1", "conv:C=4,K=5,H=7,W=6,R=2,S=2,pad=0"}));
    check_exact(outcomes, 2);
}

TEST_CASE("examples/schedules/tpu_im2col.sched: rows c x r x s, columns k", "[sim][general]") {
    const ScheduleRequest s = example_schedule("tpu_im2col.sched");
    const auto outcomes =
        simulate_on_one_design({{parse_inline_layer("conv:C=16,K=32,H=14,W=14,R=3,S=3,pad=1"), s},
                                {parse_inline_layer("conv:C=5,K=20,H=9,W=7,R=3,S=3,pad=1"), s}});
    check_exact(outcomes, 2);
}

TEST_CASE("a layer with several loops on an axis does not run on a one-loop design", "[sim][general]") {
    ScheduleRequest one, two;
    one.spatial = "C|K";
    two.spatial = "C,FX|K";
    one.rows = two.rows = 8;
    one.cols = two.cols = 4;
    const auto layer = parse_inline_layer("conv:C=4,K=4,H=5,W=5,R=3,S=3,pad=1");
    const auto one_ir = lower_to_ir(layer, one), two_ir = lower_to_ir(layer, two);
    const auto design = rtl::design_for({one_ir}, ir::default_architecture());
    CHECK(rtl::why_not_fits(design, two_ir).find("lane tables") != std::string::npos);
    // A design with lane tables runs the one-loop layer too.
    const auto both = rtl::design_for({two_ir, one_ir}, ir::default_architecture());
    CHECK(both.row_axis_dims == 2);
    CHECK(rtl::why_not_fits(both, one_ir) == "");
}

// A tensor on some loops of an axis only (docs/rtl.md, "Within an axis"): rows k x c, where the
// input ignores k (one word multicast to the rows of its channel) and the output ignores c (the
// rows of a filter summed: a reduction within the axis).
TEST_CASE("rows = k x c: the input multicast and the output reduced within the axis, tails", "[sim][general]") {
    // Rows k x c on 2 x 4 lanes and, on the same design, 2 x 3 (its lanes at the design's digits:
    // lanes 3 and 7 off); k = 7 and 13 leave tails on the k lanes, x = 6 on the 4 columns; several
    // tiles per tensor.
    const auto layers = preset_layers("K,C|X", 8, 4, {"conv:C=4,K=7,H=7,W=6,R=3,S=3,pad=1",
                                                      "conv:C=3,K=13,H=5,W=7,R=3,S=3,stride=2,pad=1"});
    std::vector<ir::AcceleratorIR> irs;
    for (const auto &l : layers) {
        irs.push_back(lower_to_ir(l.layer, l.schedule));
        CHECK(rtl::ports_of(irs.back(), ir::TensorRole::Input).row_loops == 0b10);   // c, the inner digit
        CHECK(rtl::ports_of(irs.back(), ir::TensorRole::Output).row_loops == 0b01);  // k, the outer one
    }
    const auto design = rtl::design_for(irs, ir::default_architecture());
    CHECK(design.row_radix == std::vector<int64_t>{2, 4});
    CHECK(rtl::why_not_fits(design, irs[1]) == "");
    check_exact(simulate_on_one_design(layers), 2);
}

TEST_CASE("examples/schedules/kc_rows_rf.sched: rows k x c with ifmap, filter and psum scratchpads",
          "[sim][general][per_pe]") {
    // C = 19: three channel blocks (the later ones resume the GLB's partial sums), the last one
    // on 2 of the 4 channel lanes with a tail in cp; K = 7 leaves a tail in kp; a stride-2 layer
    // with the same rows (4 x 4 lanes) on the same design.
    const ScheduleRequest s = example_schedule("kc_rows_rf.sched");
    const auto outcomes =
        simulate_on_one_design({{parse_inline_layer("conv:C=19,K=7,H=10,W=11,R=3,S=3,pad=1"), s},
                                {parse_inline_layer("conv:C=16,K=8,H=6,W=12,R=3,S=3,stride=2,pad=1"), s}},
                               example_arch("eyeriss_16x16"));
    check_exact(outcomes, 2);
}

TEST_CASE("kc_rows_rf.sched with 4 x 2 rows on its 4 x 4 design: lanes off at the design's digits, scratchpads",
          "[sim][general][per_pe]") {
    // The same mapping with 4 channels per PE (cl = 2 lanes) runs on the design of the 4 x 4 one:
    // rows 2, 3, 6, 7, ... are off (row_lane_active); fills, drains and reloads skip them.
    const ScheduleRequest four = example_schedule("kc_rows_rf.sched");
    ScheduleRequest two = four;
    const std::string split = ".split(ci, cl, cp, 2)";
    REQUIRE(two.text.find(split) != std::string::npos);
    two.text.replace(two.text.find(split), split.size(), ".split(ci, cl, cp, 4)");
    const auto outcomes =
        simulate_on_one_design({{parse_inline_layer("conv:C=19,K=7,H=10,W=11,R=3,S=3,pad=1"), four},
                                {parse_inline_layer("conv:C=19,K=7,H=10,W=11,R=3,S=3,pad=1"), two},
                                {parse_inline_layer("conv:C=10,K=12,H=6,W=7,R=3,S=3,stride=2,pad=1"), two}},
                               example_arch("eyeriss_16x16"));
    check_exact(outcomes, 3);
}

TEST_CASE("a design wired within an axis runs layers whose lanes there fit the design's one by one",
          "[sim][general]") {
    ScheduleRequest kc;
    kc.spatial = "K,C|X";
    kc.rows = 8;
    kc.cols = 4;
    const auto layer = [&](const char *spec) { return lower_to_ir(parse_inline_layer(spec), kc); };
    const auto k2_c4 = layer("conv:C=4,K=7,H=5,W=5,R=3,S=3,pad=1"), k2_c3 = layer("conv:C=3,K=13,H=5,W=5,R=3,S=3,pad=1");
    const auto design = rtl::design_for({k2_c3}, ir::default_architecture());
    REQUIRE(design.row_radix == std::vector<int64_t>{2, 3});
    const std::string why = rtl::why_not_fits(design, k2_c4);
    INFO(why);
    CHECK(why.find("needs a 8x4 array, the design has 6x4") != std::string::npos);
    // Sized for both (the design's lanes those of the layer with more PEs), both run on it.
    const auto both = rtl::design_for({k2_c3, k2_c4}, ir::default_architecture());
    CHECK(both.row_radix == std::vector<int64_t>{2, 4});
    CHECK(rtl::why_not_fits(both, k2_c3) == "");
    // Lanes that do not fit the design's one by one: 4 x 2 on a 2 x 4 design (8 rows either way).
    const auto k4_c2 = layer("conv:C=2,K=16,H=5,W=5,R=3,S=3,pad=1");
    if (rtl::ports_of(k4_c2, ir::TensorRole::Input).row_loops == 0b10) {
        const std::string other = rtl::why_not_fits(both, k4_c2);
        INFO(other);
        CHECK(other.find("lanes of") != std::string::npos);
    }
    // A pipelined array is wired within the axis too (its lanes fixed alike).
    ir::Architecture systolic = ir::default_architecture();
    systolic.interconnect = ir::Interconnect::Systolic;
    systolic.rows = 8, systolic.cols = 4;
    CHECK(rtl::design_for({k2_c3}, systolic).row_radix == std::vector<int64_t>{2, 3});
}

// Rows k x c with no per-PE files: the input (on c and the column's x) is unicast per PE group
// and held in each PE's preload register across the 4 filters kp, at least the 4x2 array's skew.
const char *kKcRowsPreloaded = R"(Var ko("ko"), kb("kb"), yo("yo"), yi("yi");
output.split(k, ko, kb, 16).split(y, yo, yi, 2).reorder(x, yi, kb, n, yo, ko);
acc.compute_at(output, yo);
Var kt("kt"), ki("ki"), kl("kl"), kp("kp"), xt("xt"), xl("xl");
RVar co("co"), cl("cl");
acc.update().split(c, co, cl, 2).split(k, kt, ki, 8).split(ki, kl, kp, 4)
    .split(x, xt, xl, 2)
    .reorder(kp, s, r, y, cl, kl, xl, xt, kt, co, n).unroll(cl).unroll(kl).unroll(xl);
hw::array(acc, {kl, cl}, {xl});
Func ifmap_glb = ifmap.in(acc);
ifmap_glb.compute_at(acc, co);
hw::level(ifmap_glb, "GLB");
Func filter_glb = filter.in(acc);
filter_glb.compute_at(acc, kt);
hw::level(filter_glb, "GLB");
)";

TEST_CASE("rows k x c held in the PEs' preload registers on systolic and hybrid arrays", "[sim][general][systolic]") {
    ScheduleRequest s;
    s.text = kKcRowsPreloaded;
    s.text_origin = "rows k x c, preloaded";
    for (const ir::Architecture &arch : {pipelined(ir::default_architecture(), 4, 2, 1),
                                         pipelined(ir::default_architecture(), 4, 2, 2)}) {
        INFO(ir::interconnect_name(arch.interconnect));
        // Tails in k (20 on blocks of 16), c (5 on lanes of 2) and x; a stride-2 layer.
        check_exact(simulate_on_one_design({{parse_inline_layer("conv:C=6,K=20,H=6,W=7,R=3,S=3,pad=1"), s},
                                            {parse_inline_layer("conv:C=5,K=13,H=9,W=9,R=3,S=3,stride=2"), s}},
                                           arch),
                    2);
    }
}

TEST_CASE("kc_rows_rf.sched on a systolic array: multicast and segmented reduction at the skew",
          "[sim][general][per_pe][systolic]") {
    // Rows k x c (the input multicast to a channel's lanes, each filter's sum over its channel
    // lanes), 4 x 4 and 4 x 2 (lanes off) on one 16x4 design (skew 18). Hybrid arrays: the random
    // within-axis family (test_sim_differential) and the preloaded case above.
    const ScheduleRequest four = example_schedule("kc_rows_rf.sched");
    const ScheduleRequest two = example_schedule("kc_rows_rf.sched", {{".split(ci, cl, cp, 2)", ".split(ci, cl, cp, 4)"}});
    check_exact(simulate_on_one_design({{parse_inline_layer("conv:C=19,K=7,H=10,W=11,R=3,S=3,pad=1"), four},
                                        {parse_inline_layer("conv:C=10,K=12,H=6,W=7,R=3,S=3,stride=2,pad=1"), two}},
                                       pipelined(example_arch("eyeriss_16x16"), 16, 4, 1)),
                2);
}

TEST_CASE("per-PE filter and ifmap tiles (examples/schedules/ws_operand_tiles.sched) with tails",
          "[sim][general][per_pe]") {
    // Tails in c, k, x and y (per-PE tiles of tail lanes are predicated off), a stride-2 layer,
    // and the 8x8 one whose every block is full.
    const ScheduleRequest s = example_schedule("ws_operand_tiles.sched");
    const ir::Architecture arch = example_arch("eyeriss_16x16");
    const auto outcomes = simulate_on_one_design(
        {{parse_inline_layer("conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1"), s},
         {parse_inline_layer("conv:C=5,K=6,H=7,W=9,R=3,S=3,pad=1"), s},
         {parse_inline_layer("conv:C=12,K=10,H=9,W=7,R=3,S=3,stride=2,pad=1"), s}},
        arch);
    check_exact(outcomes, 3);
}

// Per-PE accumulator files (docs/rtl.md, "Per-PE accumulator files"): the example schedules with
// ifmap, filter and psum scratchpads, on layers with tails in every split loop and with blocks
// that resume from the GLB's partial sums (more input channels than one GLB pass).
TEST_CASE("psum scratchpads: examples/schedules/ws_scratchpads.sched with reloads and tails",
          "[sim][general][per_pe]") {
    // C = 70: two passes over c (the second resumes every block's partial sums), 6 channels on
    // 2 of the 16 row lanes in the tail; K = 40: the second k block on 4 of 16 column lanes;
    // x = 12 on 10-output blocks and y = 9 on 7-row strips; a 1x1 layer.
    const ScheduleRequest s = example_schedule("ws_scratchpads.sched");
    const ir::Architecture arch = example_arch("eyeriss_16x16");
    const auto outcomes = simulate_on_one_design({{parse_inline_layer("conv:C=70,K=40,H=9,W=12,R=3,S=3,pad=1"), s},
                                                  {parse_inline_layer("conv:C=20,K=20,H=6,W=6,R=1,S=1,pad=0"), s}},
                                                 arch);
    check_exact(outcomes, 2);
}

TEST_CASE("row stationary with psum scratchpads: examples/schedules/eyeriss_rs.sched", "[sim][general][per_pe]") {
    // Rows c x s (5 channels x 3 filter columns), columns y; C = 12: three channel blocks (the
    // last on 2 lanes), resumed from the GLB; 17 output rows on 16 lanes; x = 9 on 4-output blocks.
    const ScheduleRequest s = example_schedule("eyeriss_rs.sched");
    const ir::Architecture arch = example_arch("eyeriss_16x16");
    const auto outcomes = simulate_on_one_design({{parse_inline_layer("conv:C=12,K=6,H=19,W=11,R=3,S=3,pad=0"), s},
                                                  {parse_inline_layer("conv:C=7,K=20,H=9,W=9,R=3,S=3,pad=1"), s}},
                                                 arch);
    check_exact(outcomes, 2);
}

// Tiles kept across the loops above them that do not move them (docs/hardware.md, "Stages"):
// examples/schedules/kept_tiles.sched keeps the filter's GLB tile across the output-row loop, the
// filter file across y, the psum file across a channel loop and the ifmap file across the filters.
TEST_CASE("tiles kept across the loops that do not move them: fetched once, RTL equal to the model",
          "[sim][general][per_pe]") {
    const ScheduleRequest s = example_schedule("kept_tiles.sched");
    const ir::Architecture arch = example_arch("eyeriss_16x16");
    // Tails in k (7 on blocks of 4), c (10 on blocks of 4), y (11 on strips of 3) and x (9 on 2).
    const std::vector<std::string> specs = {"conv:C=10,K=7,H=11,W=9,R=3,S=3,pad=1", "conv:C=8,K=8,H=9,W=9,R=3,S=3,pad=0"};
    const auto outcomes =
        simulate_on_one_design({{parse_inline_layer(specs[0]), s}, {parse_inline_layer(specs[1]), s}}, arch);
    check_exact(outcomes, 2);
    for (size_t i = 0; i < outcomes.size(); ++i) {
        INFO(outcomes[i].layer);
        const ir::LayerSpec l = parse_inline_layer(specs[i]);
        // The filter's GLB tile is refilled per filter block only: every weight read once.
        for (const auto &c : outcomes[i].counters)
            if (c.counter == "W.dram_reads") CHECK(c.measured == uint64_t(l.K * l.C * l.R * l.S));
        CHECK(outcomes[i].counters_match_model());
    }
}

// Per-PE levels on the pipelined arrays (docs/hardware.md, "Interconnect"): the example schedules
// with ifmap, filter and psum scratchpads on eyeriss_16x16's levels with a systolic or hybrid array:
// unicast files through per-PE delay lines, drains and reloads at each PE's skew, drains S cycles
// longer. Reductions down the columns (ws_scratchpads, rows c x columns k; eyeriss_rs, rows c x s)
// and output stationary (os_psum_files: every PE a lead PE, reloads per channel block).
TEST_CASE("per-PE scratchpads on systolic and hybrid arrays: bit-exact, cycles equal to the model",
          "[sim][general][per_pe][systolic]") {
    auto with = [](const std::string &sched, const std::string &layer) {
        return LayerRequest{parse_inline_layer(layer), example_schedule(sched)};
    };
    ir::Architecture arch = example_arch("eyeriss_16x16");
    ir::Architecture hybrid = arch, systolic = arch, small = arch;
    hybrid.interconnect = ir::Interconnect::Hybrid;
    hybrid.tile = 4;
    systolic.interconnect = small.interconnect = ir::Interconnect::Systolic;
    small.rows = small.cols = 8;
    const auto on_hybrid = simulate_on_one_design(
        {with("ws_scratchpads.sched", "conv:C=70,K=20,H=5,W=12,R=3,S=3,pad=1")}, hybrid);
    const auto on_systolic = simulate_on_one_design(
        {with("eyeriss_rs.sched", "conv:C=12,K=6,H=19,W=11,R=3,S=3,pad=0")}, systolic);
    // Tails in k (12 on 8), y (9 on 4), x (10 on 4) and c (10 on 4): drains and reloads in every PE.
    const auto output_stationary = simulate_on_one_design(
        {with("os_psum_files.sched", "conv:C=10,K=12,H=9,W=10,R=3,S=3,pad=1"),
         with("os_psum_files.sched", "conv:C=6,K=8,H=8,W=8,R=1,S=1,pad=0")},
        small);
    for (const auto *outcomes : {&on_hybrid, &on_systolic, &output_stationary}) {
        check_exact(*outcomes, outcomes == &output_stationary ? 2 : 1);
        for (const auto &o : *outcomes) {
            INFO(o.layer);
            CHECK(o.model.cycles.array_skew > 0);
            CHECK(o.model.cycles.onchip_transfers > 0);
        }
    }
}

// A 4-level hierarchy (DRAM, L2, GLB, per-PE registers) whose weights bypass the GLB: the array
// reads them from their L2 tile while inputs and outputs keep theirs in the GLB. Tails in c (20
// on 16 rows), k (24 on 16 columns) and y (9 rows in 7-row strips); a stride-2 layer.
TEST_CASE("4 levels, weights bypassing the GLB: examples/schedules/four_level_glb_bypass.sched", "[sim][general]") {
    const ScheduleRequest s = example_schedule("four_level_glb_bypass.sched");
    const ir::Architecture arch = example_arch("four_level");
    const auto outcomes = simulate_on_one_design({{parse_inline_layer("conv:C=20,K=24,H=9,W=11,R=3,S=3,pad=1"), s},
                                                  {parse_inline_layer("conv:C=16,K=16,H=14,W=10,R=3,S=3,stride=2,pad=1"), s}},
                                                 arch);
    check_exact(outcomes, 2);
    for (const auto &o : outcomes) {
        INFO(o.layer);
        const auto &w = o.model.tensor(model::Operand::W).at[int(model::Place::Buffer)];
        CHECK(arch.levels[size_t(w.level)].name == "L2");
        const auto &i = o.model.tensor(model::Operand::I).at[int(model::Place::Buffer)];
        CHECK(arch.levels[size_t(i.level)].name == "GLB");
    }
}

// A tensor at two shared levels (docs/rtl.md, "A tensor at two shared levels"): the inputs keep a
// 7-row strip in L2 and a 16-channel block of it in the GLB, copied between them while the array
// stalls; the weights bypass the GLB. Tails in c, k and y, a stride-2 layer, a 1x1 one with
// three channel blocks.
TEST_CASE("inputs at L2 and the GLB: examples/schedules/four_level_bypass.sched", "[sim][general]") {
    const ScheduleRequest s = example_schedule("four_level_bypass.sched");
    const ir::Architecture arch = example_arch("four_level");
    const auto outcomes = simulate_on_one_design({{parse_inline_layer("conv:C=20,K=24,H=9,W=11,R=3,S=3,pad=1"), s},
                                                  {parse_inline_layer("conv:C=16,K=16,H=14,W=10,R=3,S=3,stride=2,pad=1"), s},
                                                  {parse_inline_layer("conv:C=40,K=20,H=8,W=8,R=1,S=1,pad=0"), s}},
                                                 arch);
    check_exact(outcomes, 3);
    for (const auto &o : outcomes) {
        INFO(o.layer);
        const auto count = [&](const std::string &name) { return measured(o, name); };
        // Every word of an L2 strip is copied into the GLB once per 16-filter block (ko).
        CHECK(count("I.inner_writes") >= count("I.glb_writes"));
        CHECK(count("I.inner_reads") > 0);
        CHECK(count("W.inner_writes") == -1);  // not shown: the weights keep one shared level
    }
}

// The output at two shared levels (docs/rtl.md, "The output at two shared levels"): the array
// accumulates a row of a 7-row strip in the GLB; the walk drains each row into the strip in L2
// and reloads it for the next channel block. Tails in c (3 blocks, the last of 8), k and y, a
// stride-2 layer, a 1x1 one.
TEST_CASE("the output at L2 and the GLB: examples/schedules/output_two_levels.sched", "[sim][general]") {
    const ScheduleRequest s = example_schedule("output_two_levels.sched");
    const ir::Architecture arch = example_arch("four_level");
    const auto outcomes = simulate_on_one_design({{parse_inline_layer("conv:C=40,K=20,H=9,W=11,R=3,S=3,pad=1"), s},
                                                  {parse_inline_layer("conv:C=16,K=16,H=14,W=10,R=3,S=3,stride=2,pad=1"), s},
                                                  {parse_inline_layer("conv:C=24,K=8,H=8,W=8,R=1,S=1,pad=0"), s}},
                                                 arch);
    check_exact(outcomes, 3);
    for (const auto &o : outcomes) {
        INFO(o.layer);
        const auto count = [&](const std::string &name) { return measured(o, name); };
        // The array's writes go to the inner buffer; L2 sees the drained rows and the DMA's drain.
        CHECK(count("O.inner_writes") > count("O.glb_writes"));
        CHECK(count("O.glb_writes") > 0);
        CHECK(count("O.inner_reads") > 0);
        const bool resumed = o.layer.find("C=16") == std::string::npos;  // two or three channel blocks
        CHECK((count("O.glb_reads") > count("O.dram_writes")) == resumed);  // reloads read L2
    }
    // The outer level double buffered: its buffer has the banks (the next test runs it).
    const auto layer = lower_to_ir(parse_inline_layer("conv:C=32,K=16,H=9,W=9,R=3,S=3,pad=1"), s);
    ir::Architecture twice = arch;
    twice.levels[size_t(arch.level_index("L2"))].double_buffered = true;
    const rtl::DesignSpec outer_banked = rtl::design_for({layer}, twice);
    CHECK(outer_banked.output_double_buffered);
    CHECK_FALSE(outer_banked.output_glb_banked());
    // The inner level double buffered (alone, then with L2): the inputs' DRAM-fed GLB block gets
    // two banks and the output's GLB row keeps one copy, drained and reloaded while the array
    // waits, as an accumulator file does (ir::double_buffered); the model counts it so, and it
    // fits a GLB the single-level sizes fill.
    for (const bool l2_double : {false, true}) {
        INFO((l2_double ? "L2 and GLB double buffered" : "GLB double buffered"));
        twice = arch;
        twice.levels[size_t(arch.level_index("GLB"))].double_buffered = true;
        twice.levels[size_t(arch.level_index("GLB"))].size_bytes *= 2;
        twice.levels[size_t(arch.level_index("L2"))].double_buffered = l2_double;
        const rtl::DesignSpec inner_double = rtl::design_for({layer}, twice);
        CHECK(inner_double.input_double_buffered);
        CHECK(inner_double.output_double_buffered == l2_double);
        const auto banked = simulate_on_one_design({{parse_inline_layer("conv:C=40,K=20,H=9,W=11,R=3,S=3,pad=1"), s},
                                                    {parse_inline_layer("conv:C=24,K=8,H=8,W=8,R=1,S=1,pad=0"), s}},
                                                   twice);
        check_exact(banked, 2);
        for (const auto &o : banked) CHECK(o.model.cycles.overlapped_transfers > 0);
    }
}

// The output at three levels (L2, a GLB row, per-PE psum files of 8 columns): the files drain
// into the GLB row after each filter window, the row into L2 after each channel block, and the
// next block reloads both in turn. Tails in c, k, y and x (11 columns: a file of 3 valid), a
// stride-2 layer; then with L2 double buffered (the DMA drains a finished strip while the array
// works on the next).
TEST_CASE("the output at L2, the GLB and per-PE files: examples/schedules/output_three_levels.sched", "[sim][general]") {
    const ScheduleRequest s = example_schedule("output_three_levels.sched");
    ir::Architecture arch = example_arch("four_level");
    const std::vector<LayerRequest> layers = {
        {parse_inline_layer("conv:C=40,K=20,H=9,W=11,R=3,S=3,pad=1"), s},
        {parse_inline_layer("conv:C=16,K=16,H=14,W=10,R=3,S=3,stride=2,pad=1"), s}};
    for (const bool l2_double : {false, true}) {
        INFO((l2_double ? "L2 double buffered" : "single buffered"));
        arch.levels[size_t(arch.level_index("L2"))].double_buffered = l2_double;
        const auto outcomes = simulate_on_one_design(layers, arch);
        check_exact(outcomes, 2);
        for (const auto &o : outcomes) {
            INFO(o.layer);
            const auto count = [&](const std::string &name) { return measured(o, name); };
            // Every MAC accumulates in a file; the GLB row takes the files' drains (and, resumed,
            // the row's reloads from L2), L2 the row's drains.
            CHECK(count("O.rf_writes") == count("macs"));
            CHECK(count("O.glb_writes") > 0);
            const bool resumed = o.layer.find("C=16") == std::string::npos;  // three channel blocks
            CHECK((count("O.inner_writes") > count("O.glb_writes")) == resumed);
            CHECK((count("O.glb_reads") > count("O.dram_writes")) == resumed);  // reloads read L2
        }
    }
}

// Two shared levels beside or on a double-buffered L2 (docs/hardware.md, "Cycles"): the weights'
// next L2 tile is prefetched while the array also stalls for the inputs' copies into the GLB, or for
// the output's drains and reloads, their own L2 tiles kept single or double buffered too (the
// copies read, the drains write, the bank of this tile; the DMA fills or drains the other); the
// model gives the DMA those stalls.
TEST_CASE("copies and drains between two shared levels while the DMA prefetches: cycles equal", "[sim][general]") {
    ir::Architecture arch = example_arch("four_level");
    arch.levels[size_t(arch.level_index("L2"))].double_buffered = true;
    for (const auto &[file, single] : {std::pair<std::string, std::string>{"four_level_bypass.sched", "ifmap_l2"},
                                       {"output_two_levels.sched", "acc"},
                                       {"four_level_bypass.sched", ""},
                                       {"output_two_levels.sched", ""}}) {
        INFO(file << (single.empty() ? ", the staged tensor's L2 tile double buffered" : ""));
        ScheduleRequest s = example_schedule(file);
        if (!single.empty()) s.text += "hw::single_buffered(" + single + ");\n";
        const auto outcomes = simulate_on_one_design({{parse_inline_layer("conv:C=40,K=20,H=9,W=11,R=3,S=3,pad=1"), s},
                                                      {parse_inline_layer("conv:C=64,K=32,H=8,W=8,R=1,S=1,pad=0"), s}},
                                                     arch);
        check_exact(outcomes, 2);
        for (const auto &o : outcomes) CHECK(o.model.cycles.overlapped_transfers > 0);
    }
}

TEST_CASE("a per-PE accumulator file needs a design with one, and fits its depth", "[sim][general][per_pe]") {
    const ScheduleRequest files = example_schedule("ws_scratchpads.sched"),
                          registers = example_schedule("ws_operand_tiles.sched");
    const ir::Architecture arch = example_arch("eyeriss_16x16");
    const auto layer = parse_inline_layer("conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1");
    const auto with_files = lower_to_ir(layer, files), with_registers = lower_to_ir(layer, registers);
    const auto design = rtl::design_for({with_files}, arch);
    CHECK(design.output_pe_depth == 16);  // 2 filters x 10 outputs, clamped to W = 8
    CHECK(rtl::why_not_fits(design, with_files) == "");
    // A design sized for both kinds of layers still has files: the register layer is refused.
    CHECK(rtl::why_not_fits(rtl::design_for({with_files, with_registers}, arch), with_registers)
              .find("has no per-PE tile") != std::string::npos);
    // On a double-buffered output GLB the files drain into the bank the tile accumulates in.
    ir::Architecture double_buffered = arch;
    double_buffered.levels[1].double_buffered = true;
    const auto banked = rtl::design_for({with_files}, double_buffered);
    CHECK(banked.output_double_buffered);
    CHECK(banked.output_glb_banked());
    CHECK(rtl::why_not_fits(banked, with_files) == "");
}

// A one-word register level under a per-PE file (docs/rtl.md, "A register level under a per-PE
// file"): the weight register of examples/schedules/ws_registers.sched loads from the filter
// scratchpad once per x block; the W.spad_* counters count the scratchpad.
TEST_CASE("a weight register under the filter scratchpad: examples/schedules/ws_registers.sched",
          "[sim][general][per_pe]") {
    const ScheduleRequest s = example_schedule("ws_registers.sched");
    const ir::Architecture arch = example_arch("eyeriss_registers");
    // C = 40: three channel blocks, the last on 8 of 16 row lanes; K = 36 on 32-filter blocks; x =
    // 13 on 10-output blocks (the register's tail block holds 3); a stride-2 layer.
    const auto outcomes = simulate_on_one_design({{parse_inline_layer("conv:C=40,K=36,H=9,W=13,R=3,S=3,pad=1"), s},
                                                  {parse_inline_layer("conv:C=16,K=8,H=10,W=10,R=3,S=3,stride=2"), s}},
                                                 arch);
    check_exact(outcomes, 2);
    for (const auto &o : outcomes) {
        INFO(o.layer);
        // The scratchpad feeds the register once per x block, the register the MAC every cycle.
        CHECK(measured(o, "W.spad_reads") == measured(o, "W.rf_writes"));
        CHECK(measured(o, "W.spad_reads") < measured(o, "W.rf_reads"));
        CHECK(measured(o, "W.spad_writes") == measured(o, "W.glb_reads"));  // unicast weights
        CHECK(measured(o, "I.spad_reads") == -1);  // not shown: the inputs have no register level
    }
    // A layer without the register level does not run on the design (nor the other way round).
    const auto layer = parse_inline_layer("conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1");
    const auto with = lower_to_ir(layer, s), without = lower_to_ir(layer, example_schedule("ws_scratchpads.sched"));
    CHECK(rtl::why_not_fits(rtl::design_for({with}, arch), without).find("has no one-word register level") !=
          std::string::npos);
    CHECK(rtl::why_not_fits(rtl::design_for({without}, arch), with).find("has a one-word register level") !=
          std::string::npos);
    // A pipelined array builds it too: the file's reads into the register travel the PE's delay
    // line like any per-PE word (the random register-level family simulates such designs).
    ir::Architecture systolic = arch;
    systolic.interconnect = ir::Interconnect::Systolic;
    systolic.tile = 1;
    CHECK(rtl::why_not_generated(with, systolic) == "");
    CHECK(rtl::design_for({with}, systolic).weight_register_level);
    // A second per-PE tile of more than one word would be a second file: refused in one line.
    ir::Architecture larger = arch;
    larger.levels[3].size_bytes = 64;
    larger.levels[3].tensor_bytes[1] = 52;
    std::string text = s.text;
    text.replace(text.find("filter_reg.compute_at(acc, s)"), 29, "filter_reg.compute_at(acc, kp)");
    ScheduleRequest two_files;
    two_files.text = text;
    const auto second = lower_to_ir(layer, two_files);
    ir::validate_fit(second, larger);
    CHECK_THROWS_WITH(rtl::design_for({second}, larger), Catch::Contains("keeps W at 2 per-PE levels"));
    // On REG itself (one word of W per PE: a register) the three-word tile is refused in one line,
    // though its three int8 weights would fit REG's 4 bytes.
    CHECK_THROWS_WITH(ir::validate_fit(second, arch), Catch::Contains("holds one word of W per PE (a register)") &&
                                                          Catch::Contains("needs 3 words"));
}

// One dim on both array axes (MAESTRO's PE counts folded onto the 2-D array, or a schedule that
// splits a dim over rows and columns): the row loop is the dim's outer digit, the column loop its
// inner one; tails in the loop above them. Filters on 4x4 (k = 36), channels (partial sums reduced
// over both axes), output columns (the input shared along neither axis), and k together with c on
// the rows (lane tables).
TEST_CASE("one dim on both array axes: bit-exact, counters and cycles equal", "[sim][general]") {
    const std::string glb_operands = "Func ifmap_glb = ifmap.in(acc);\nifmap_glb.compute_at(acc, co);\n"
                                     "hw::level(ifmap_glb, \"GLB\");\nFunc filter_glb = filter.in(acc);\n"
                                     "filter_glb.compute_at(acc, co);\nhw::level(filter_glb, \"GLB\");\n";
    const std::string schedules[] = {
        "acc.compute_root();\nVar kt(\"kt\"), kr(\"kr\"), kc(\"kc\"), k1(\"k1\");\nRVar co(\"co\"), ci(\"ci\");\n"
        "acc.update().split(c, co, ci, 4).split(k, kt, k1, 16).split(k1, kr, kc, 4)\n"
        "    .reorder(kc, kr, s, r, ci, x, y, kt, n, co).unroll(kr).unroll(kc);\nhw::array(acc, kr, kc);\n",
        "acc.compute_root();\nRVar co(\"co\"), cr(\"cr\"), cc(\"cc\"), c1(\"c1\");\n"
        "acc.update().split(c, co, c1, 16).split(c1, cr, cc, 4)\n"
        "    .reorder(cc, cr, s, r, k, x, y, n, co).unroll(cr).unroll(cc);\nhw::array(acc, cr, cc);\n",
        "acc.compute_root();\nVar xt(\"xt\"), xr(\"xr\"), xc(\"xc\"), x1(\"x1\");\nRVar co(\"co\"), ci(\"ci\");\n"
        "acc.update().split(c, co, ci, 4).split(x, xt, x1, 8).split(x1, xr, xc, 4)\n"
        "    .reorder(xc, xr, s, r, ci, k, y, xt, n, co).unroll(xr).unroll(xc);\nhw::array(acc, xr, xc);\n",
        "acc.compute_root();\nVar kt(\"kt\"), ka(\"ka\"), kb(\"kb\"), k1(\"k1\");\nRVar co(\"co\"), ci(\"ci\"), cl(\"cl\");\n"
        "acc.update().split(c, co, ci, 4).split(ci, ci, cl, 2).split(k, kt, k1, 8).split(k1, ka, kb, 4)\n"
        "    .reorder(kb, cl, ka, s, r, ci, x, y, kt, n, co).unroll(cl).unroll(ka).unroll(kb);\n"
        "hw::array(acc, {cl, ka}, kb);\n"};
    for (const std::string &text : schedules) {
        ScheduleRequest s;
        s.text = text + glb_operands;
        s.text_origin = "a dim on both axes";
        INFO(text);
        const auto outcomes = simulate_on_one_design({{parse_inline_layer("conv:C=20,K=36,H=11,W=10,R=3,S=3,pad=1"), s}});
        check_exact(outcomes, 1);
    }
}
