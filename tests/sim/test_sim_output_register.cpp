// A one-word output register under the psum file (docs/rtl.md, "A register level under a per-PE
// file"): the PE sums a register block's products in its register, starting from the file's word
// (0 on the first visit of the output) and writing the sum back at the block's last MAC. Each
// layer runs bit-exactly against Halide's JIT, with every counter and the cycles equal to the
// model's; O.spad_* count the file.
#include "Networks.h"
#include "SimulateLayers.h"
#include "rtl_backend/DesignSpec.h"

#include <catch2/catch.hpp>

using namespace tessera;
using namespace tessera::vsim;
using namespace tessera::vsim::test;

namespace {

// The example with the reduction split around the register: the channel loop cp outside the
// output loops xp and kp, so the register returns to its file between channel steps (the file is
// read back where a block is not the output's first visit), and the channel blocks co above the
// array resume each file from the GLB.
std::string resumed_blocks(std::string text) {
    const std::string from = ".reorder(s, r, cp, xp, kp, xq, y, cl, kl, kt, co, n)";
    text.replace(text.find(from), from.size(), ".reorder(s, r, xp, kp, cp, xq, y, cl, kl, kt, co, n)");
    return text;
}

// The register takes every MAC; the file one write back per block, far fewer.
void check_register_counters(const LayerOutcome &o) {
    CHECK(measured(o, "O.rf_writes") == measured(o, "macs"));
    CHECK(measured(o, "O.spad_writes") > 0);
    CHECK(measured(o, "O.spad_writes") * 4 < measured(o, "O.rf_writes"));
}

}  // namespace

TEST_CASE("an output register under the psum scratchpad: examples/schedules/os_output_register.sched",
          "[sim][general][per_pe]") {
    const ScheduleRequest s = example_schedule("os_output_register.sched");
    ScheduleRequest resumed = s;
    resumed.text = resumed_blocks(s.text);
    const ir::Architecture arch = example_arch("eyeriss_registers");
    // C = 72: two channel blocks (the second on 2 of 16 row lanes: whole rows of PEs with no valid
    // product write their sums back); K = 36 on 32-filter blocks; x = 13 on 10-output blocks; a
    // stride-2 layer; the reordered schedule with a channel tail inside the register's blocks.
    const auto outcomes = simulate_on_one_design(
        {{parse_inline_layer("conv:C=72,K=36,H=9,W=13,R=3,S=3,pad=1"), s},
         {parse_inline_layer("conv:C=16,K=8,H=10,W=10,R=3,S=3,stride=2"), s},
         {parse_inline_layer("conv:C=70,K=20,H=7,W=12,R=3,S=3,pad=1"), resumed}},
        arch);
    REQUIRE(outcomes.size() == 3);
    CHECK(failed_layers(outcomes) == "");
    for (const auto &o : outcomes) {
        INFO(o.layer);
        check_register_counters(o);
        CHECK(measured(o, "I.spad_reads") == -1);  // not shown: the inputs have no register level
    }
    // The reordered blocks read their file back (as many reads as write backs but the first
    // visits'); the example's hold every channel of the block (the file is read only to drain).
    CHECK(measured(outcomes[2], "O.spad_reads") > measured(outcomes[2], "O.glb_writes") * 16);
    // Layers with and without the register level do not share a design.
    const auto layer = parse_inline_layer("conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1");
    const auto with = lower_to_ir(layer, s), without = lower_to_ir(layer, example_schedule("ws_scratchpads.sched"));
    CHECK(rtl::design_for({with}, arch).output_register_level);
    CHECK(rtl::why_not_fits(rtl::design_for({with}, arch), without).find("output has no one-word register level") !=
          std::string::npos);
    // An output on some loops of an axis only (filters and channels on the rows) keeps its register
    // too (the random output-register family simulates such designs).
    const ScheduleRequest within = example_schedule("os_output_register.sched", {{"split(c, co, ci, 64)", "split(c, co, ci, 16)"},
                                                                                 {"split(k, kt, kl, 32)", "split(k, kt, kl, 8)"},
                                                                                 {"hw::array(acc, cl, kl);", "hw::array(acc, {kl, cl});"}});
    const auto partial = lower_to_ir(layer, within);
    const rtl::TensorPorts out = rtl::ports_of(partial, ir::TensorRole::Output);
    CHECK((out.row_loops != 0 || out.col_loops != 0));
    CHECK(rtl::why_not_generated(partial, arch) == "");
}

// On a pipelined array (docs/rtl.md, "A register level under a per-PE file"): each PE's register
// block starts and ends with its MACs, at the PE's skew (the control line carries block_start and
// block_end beside the file's addresses). The example on 4x4 systolic and hybrid arrays: a channel
// tail on 1 of 4 row lanes, a filter tail on 3 of 4 column lanes, x on two 10-output blocks.
TEST_CASE("an output register under the psum files on systolic and hybrid arrays", "[sim][general][per_pe][systolic]") {
    const ScheduleRequest s = example_schedule("os_output_register.sched", kOutputRegister4x4);
    for (const ir::Architecture &arch : {pipelined(example_arch("eyeriss_registers"), 4, 4, 1),
                                         pipelined(example_arch("eyeriss_registers"), 4, 4, 2)}) {
        const auto outcomes = simulate_on_one_design({{parse_inline_layer("conv:C=20,K=6,H=5,W=13,R=3,S=3,pad=1"), s},
                                                      {parse_inline_layer("conv:C=8,K=8,H=9,W=9,R=3,S=3,stride=2"), s}},
                                                     arch);
        REQUIRE(outcomes.size() == 2);
        CHECK(failed_layers(outcomes) == "");
        for (const auto &o : outcomes) {
            INFO(o.layer);
            CHECK(o.model.cycles.array_skew > 0);
            check_register_counters(o);
        }
    }
}
