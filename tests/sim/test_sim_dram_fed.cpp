// Per-PE files fed from DRAM (docs/rtl.md, "Per-PE files fed from DRAM"): an operand that keeps no
// tile on a shared level has no GLB buffer; the DMA fills each valid lane group's per-PE file from
// DRAM, one job per group, while the array waits. The output's accumulator files likewise drain
// straight to DRAM ("Accumulator files drained to DRAM"). Each layer runs bit-exactly against
// Halide's JIT, with every counter and the cycles equal to the model's.
#include "Networks.h"
#include "SimulateLayers.h"
#include "ir/Validate.h"
#include "rtl_backend/DesignSpec.h"

#include <catch2/catch.hpp>

using namespace tessera;
using namespace tessera::vsim;
using namespace tessera::vsim::test;

namespace {

void check_exact(const std::vector<LayerOutcome> &outcomes, size_t count) {
    REQUIRE(outcomes.size() == count);
    CHECK(failed_layers(outcomes) == "");
}

// Inputs per PE straight from DRAM on examples/arch/four_level.json: rows = 4 channel lanes (the
// input's lane groups), columns = 4 filter lanes (the input multicast along them); each PE keeps
// the whole y x x window of its channel (halo included) across the filter loop kp, refilled per
// channel block co; the weights in L2 and the PE registers.
const char *kInputsFromDram = R"(Var ko("ko"), ki("ki");
output.split(k, ko, ki, 8).reorder(x, y, ki, n, ko);
acc.compute_at(output, ko);
hw::level(acc, "GLB");
Var kl("kl"), kp("kp");
RVar co("co"), cl("cl");
acc.update().split(c, co, cl, 4).split(k, kl, kp, 2)
    .reorder(s, r, x, y, kp, cl, kl, co, n).unroll(cl).unroll(kl);
hw::array(acc, cl, kl);
Func ifmap_rf = ifmap.in(acc);
ifmap_rf.compute_at(acc, kp);
hw::level(ifmap_rf, "RF");
Func filter_l2 = filter.in(acc);
filter_l2.compute_at(acc, co);
hw::level(filter_l2, "L2");
)";

}  // namespace

TEST_CASE("weights from DRAM into the filter scratchpads: examples/schedules/ws_weights_from_dram.sched",
          "[sim][general][per_pe]") {
    const ScheduleRequest s = example_schedule("ws_weights_from_dram.sched");
    const ir::Architecture arch = example_arch("eyeriss_16x16");
    // C = 40: three channel blocks, the last on 8 of 16 row lanes (8 lane groups of 16 valid); K = 36
    // on 32-filter blocks (the last on 2 of 16 columns); a stride-2 layer.
    const std::vector<LayerRequest> layers = {{parse_inline_layer("conv:C=40,K=36,H=9,W=13,R=3,S=3,pad=1"), s},
                                              {parse_inline_layer("conv:C=16,K=8,H=10,W=10,R=3,S=3,stride=2"), s}};
    std::vector<ir::AcceleratorIR> irs;
    for (const auto &l : layers) irs.push_back(lower_to_ir(l.layer, l.schedule));
    const rtl::DesignSpec d = rtl::design_for(irs, arch);
    CHECK(d.weight_dram_fed);
    CHECK(d.weight_depth == 0);  // no weight GLB
    CHECK(d.weight_pe_depth == 72);
    const auto outcomes = simulate_on_one_design(layers, arch);
    check_exact(outcomes, 2);
    for (const auto &o : outcomes) {
        INFO(o.layer);
        CHECK(measured(o, "W.glb_writes") == 0);
        CHECK(measured(o, "W.glb_reads") == 0);
        // Unicast weights: every word the DMA writes lands in one PE's file; DRAM reads only the
        // in-shape ones (the tails' positions are written as 0).
        CHECK(measured(o, "W.rf_writes") >= measured(o, "W.dram_reads"));
        CHECK(measured(o, "W.dram_reads") > 0);
    }
    // A layer whose weights keep a GLB tile does not run on this design, nor the other way round.
    const auto glb = lower_to_ir(layers[0].layer, example_schedule("ws_scratchpads.sched"));
    INFO(rtl::why_not_fits(d, glb));
    CHECK(rtl::why_not_fits(d, glb).find("keeps a tile on a shared level, the design fills its weight per-PE "
                                         "files from DRAM") != std::string::npos);
    CHECK(rtl::why_not_fits(rtl::design_for({glb}, arch), irs[0]).find("keeps no tile on a shared level") !=
          std::string::npos);
    // A pipelined array builds the weights' files fed from DRAM too (they sit in front of the
    // array; the differential test's DRAM-fed family simulates such designs).
    ir::Architecture systolic = arch;
    systolic.interconnect = ir::Interconnect::Systolic;
    systolic.tile = 1;
    CHECK(rtl::why_not_generated(irs[0], systolic).empty());
}

TEST_CASE("inputs from DRAM into per-PE files, multicast along the columns, channel tails",
          "[sim][general][per_pe]") {
    ScheduleRequest s;
    s.text = kInputsFromDram;
    s.text_origin = "inputs from DRAM";
    const ir::Architecture arch = example_arch("four_level");
    // C = 6: the second channel block on 2 of 4 row lanes; padding (the window's halo read as 0
    // without a DRAM read); a stride-2 layer; K = 12 on 8-filter blocks.
    const std::vector<LayerRequest> layers = {{parse_inline_layer("conv:C=6,K=12,H=6,W=7,R=3,S=3,pad=1"), s},
                                              {parse_inline_layer("conv:C=4,K=8,H=9,W=9,R=3,S=3,stride=2"), s}};
    for (const auto &l : layers) ir::validate_fit(lower_to_ir(l.layer, l.schedule), arch);
    const auto outcomes = simulate_on_one_design(layers, arch);
    check_exact(outcomes, 2);
    for (const auto &o : outcomes) {
        INFO(o.layer);
        CHECK(measured(o, "I.glb_writes") == 0);
        CHECK(measured(o, "I.glb_reads") == 0);
        // Each word the DMA writes reaches the 4 PEs of its row.
        CHECK(measured(o, "I.rf_writes") % 4 == 0);
        CHECK(measured(o, "I.rf_writes") / 4 >= measured(o, "I.dram_reads"));
    }
    CHECK(measured(outcomes[0], "I.rf_writes") / 4 > measured(outcomes[0], "I.dram_reads"));  // padding: no DRAM read
}

TEST_CASE("psum files drained straight to DRAM: examples/schedules/os_outputs_to_dram.sched", "[sim][general][per_pe]") {
    const ScheduleRequest s = example_schedule("os_outputs_to_dram.sched");
    const ir::Architecture arch = example_arch("eyeriss_16x16");
    // K = 20: the last filter block of 8 holds 4 (its second kq half is a tile with no valid lane
    // group); C = 6: the channel split by 4 has a tail; padding; a 1x1 layer whose y and x do not
    // divide the 4x4 array (7 = 4 + 3).
    const std::vector<LayerRequest> layers = {{parse_inline_layer("conv:C=6,K=20,H=9,W=10,R=3,S=3,pad=1"), s},
                                              {parse_inline_layer("conv:C=16,K=8,H=7,W=7,R=1,S=1"), s}};
    std::vector<ir::AcceleratorIR> irs;
    for (const auto &l : layers) irs.push_back(lower_to_ir(l.layer, l.schedule));
    const rtl::DesignSpec d = rtl::design_for(irs, arch);
    CHECK(d.output_dram_fed);
    CHECK(d.output_depth == 0);  // no output GLB
    CHECK(d.output_pe_depth == 4);
    const auto outcomes = simulate_on_one_design(layers, arch);
    check_exact(outcomes, 2);
    for (const auto &o : outcomes) {
        INFO(o.layer);
        CHECK(measured(o, "O.glb_writes") == 0);
        CHECK(measured(o, "O.glb_reads") == 0);
        CHECK(measured(o, "O.dram_writes") > 0);
    }
    // Every output written once: 20 x 9 x 10 and 8 x 7 x 7.
    CHECK(measured(outcomes[0], "O.dram_writes") == 20 * 9 * 10);
    CHECK(measured(outcomes[1], "O.dram_writes") == 8 * 7 * 7);
    // A layer whose output keeps a GLB tile does not run on this design, nor the other way round.
    ScheduleRequest glb = s;
    const std::string from = "hw::level(acc, \"DRAM\");";
    glb.text.replace(glb.text.find(from), from.size(), "hw::level(acc, \"GLB\");");
    const auto with_glb = lower_to_ir(layers[0].layer, glb);
    CHECK(rtl::why_not_fits(d, with_glb).find("keeps a tile on a shared level, the design drains its output per-PE "
                                              "files to DRAM") != std::string::npos);
    CHECK(rtl::why_not_fits(rtl::design_for({with_glb}, arch), irs[0]).find("keeps no tile on a shared level") !=
          std::string::npos);
}

// On a pipelined array the drained group's index travels the skewed control line beside the
// drain read, and the DMA takes the group's sum the array's skew later (a skid queue keeps what
// DRAM does not take at once): each drain job lasts that much longer, as the model counts.
TEST_CASE("psum files drained straight to DRAM on systolic and hybrid arrays", "[sim][general][per_pe][systolic]") {
    const ScheduleRequest s = example_schedule("os_outputs_to_dram.sched");
    const ir::Architecture systolic = pipelined(example_arch("eyeriss_16x16"), 4, 4, 1),
                           hybrid = pipelined(example_arch("eyeriss_16x16"), 4, 4, 2);
    const std::vector<LayerRequest> layers = {{parse_inline_layer("conv:C=6,K=20,H=9,W=10,R=3,S=3,pad=1"), s},
                                              {parse_inline_layer("conv:C=16,K=8,H=7,W=7,R=1,S=1"), s}};
    for (const ir::Architecture &arch : {systolic, hybrid}) {
        INFO(ir::interconnect_name(arch.interconnect));
        std::vector<ir::AcceleratorIR> irs;
        for (const auto &l : layers) irs.push_back(lower_to_ir(l.layer, l.schedule));
        const rtl::DesignSpec d = rtl::design_for(irs, arch);
        CHECK(d.output_dram_fed);
        CHECK(d.skew() == (arch.tile == 1 ? 6 : 2));
        const auto outcomes = simulate_on_one_design(layers, arch);
        check_exact(outcomes, 2);
        CHECK(measured(outcomes[0], "O.dram_writes") == 20 * 9 * 10);
        CHECK(measured(outcomes[1], "O.dram_writes") == 8 * 7 * 7);
    }
}

// Rows k x c (2 x 3) on a 7-row systolic array: the seventh row is no lane of the layer's axis
// (its digits wrap onto k = 0, c = 0) and must not stand for that lane group. It did: the group's
// validity was the spare row's, so one of the two output groups was never drained (found on
// ResNet-50's 7x7 stride-2 conv with C = 3, explore's winner on examples/arch/systolic.json).
TEST_CASE("a k x c row axis on a systolic array with a spare row: psum files drained to DRAM", "[sim][general][per_pe][systolic]") {
    ScheduleRequest s;
    s.text = R"(Var no("no"), ni("ni"), ko("ko"), ki("ki"), yo("yo"), yi("yi"), xo("xo"), xi("xi"), nt("nt"), np("np"), kt("kt"), kp("kp"), km("km"), kl("kl"), yt("yt"), yp("yp"), ym("ym"), yl("yl"), xt("xt"), xp("xp");
RVar co("co"), ci("ci"), ct("ct"), cp("cp"), cm("cm"), cl("cl"), ro("ro"), ri("ri"), rt("rt"), rp("rp"), so("so"), si("si"), st("st"), sp("sp");
output.split(n, no, ni, 1).split(k, ko, ki, 8).split(y, yo, yi, 9).split(x, xo, xi, 4).reorder(xi, yi, ki, ni, xo, yo, ko, no);
acc.compute_at(output, xo);
acc.update().split(n, nt, np, 1).split(k, kt, km, 2).split(km, kl, kp, 1).split(y, yt, ym, 9).split(ym, yl, yp, 3).split(x, xt, xp, 4).split(c, co, ci, 3).split(ci, ct, cm, 3).split(cm, cl, cp, 1).split(r, ro, ri, 3).split(ri, rt, rp, 3).split(s, so, si, 3).split(si, st, sp, 3)
    .reorder(sp, rp, yp, xp, cp, kp, np, yl, cl, kl, st, rt, ct, xt, yt, nt, kt, so, ro, co).unroll(kl).unroll(cl).unroll(yl);
hw::array(acc, {kl, cl}, yl);
hw::level(acc, "DRAM");
Func ifmap_glb = ifmap.in(acc);
ifmap_glb.compute_at(output, yo);
hw::level(ifmap_glb, "GLB");
Func ifmap_rf = ifmap_glb.in(acc);
ifmap_rf.compute_at(acc, yl);
hw::level(ifmap_rf, "RF");
Func filter_glb = filter.in(acc);
filter_glb.compute_root();
hw::level(filter_glb, "GLB");
Func filter_rf = filter_glb.in(acc);
filter_rf.compute_at(acc, yl);
hw::level(filter_rf, "RF");
hw::accumulator(acc, xp, "RF");
)";
    s.text_origin = "k x c rows, outputs to DRAM";
    const ir::Architecture arch = pipelined(example_arch("systolic"), 7, 4, 1);
    const LayerRequest layer{parse_inline_layer("conv:C=3,K=4,H=13,W=13,R=3,S=3"), s};
    const rtl::DesignSpec d = rtl::design_for({lower_to_ir(layer.layer, layer.schedule)}, arch);
    CHECK(d.output_dram_fed);
    CHECK(d.rows == 7);
    CHECK(d.row_radix == std::vector<int64_t>{2, 3});
    const auto outcomes = simulate_on_one_design({layer}, arch);
    check_exact(outcomes, 1);
    CHECK(measured(outcomes[0], "O.dram_writes") == 4 * 11 * 11);
}

TEST_CASE("a psum file whose box strides over other lanes' outputs is refused in one line", "[sim][general][per_pe]") {
    // k = kq * 4 + kf with kf on the array and kq in the file: the file's box spans 5 filters, of
    // which the PE computes 2. A drain would overwrite the other lanes' outputs between them.
    ScheduleRequest s;
    s.text = R"(Var ko("ko"), ki("ki");
output.split(k, ko, ki, 8).reorder(x, y, ki, n, ko);
acc.compute_at(output, ko);
hw::level(acc, "GLB");
Var kq("kq"), kf("kf");
acc.update().split(k, kq, kf, 4).reorder(s, r, c, kq, x, kf, y, n).unroll(kf).unroll(y);
hw::array(acc, kf, y);
hw::accumulator(acc, x, "RF");
Func ifmap_glb = ifmap.in(acc);
ifmap_glb.compute_at(acc, n);
hw::level(ifmap_glb, "GLB");
Func filter_glb = filter.in(acc);
filter_glb.compute_at(acc, n);
hw::level(filter_glb, "GLB");
)";
    s.text_origin = "strided psum file";
    const auto ir = lower_to_ir(parse_inline_layer("conv:C=4,K=8,H=6,W=6,R=3,S=3"), s);
    const std::string why = rtl::why_not_generated(ir, example_arch("eyeriss_16x16"));
    CHECK(why.find("drains O's per-PE files from a box of 5 words that holds 2 of the PE's outputs") != std::string::npos);
    CHECK(why.find('\n') == std::string::npos);
}
