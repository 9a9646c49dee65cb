// A DRAM that refuses requests (`tessera simulate --dram-stalls P`, docs/simulate.md, "A DRAM that
// stalls"): the testbench lowers mem_req_ready in P % of cycles. Every DMA path must wait without
// losing a word: fills (the tag queue), drains from a buffer (the request stage holds), drains of
// a pipelined array's files straight to DRAM (the skid queue: reads already travelling the array
// cannot wait), prefetches overlapped with compute. Outputs stay bit-exact and every counter equal
// to the model's; only the cycles grow.
#include "Networks.h"
#include "SimulateLayers.h"
#include "UserError.h"
#include "ir/ArchitectureJson.h"
#include "rtl_backend/DesignSpec.h"

#include <catch2/catch.hpp>

using namespace tessera;
using namespace tessera::vsim;
using namespace tessera::vsim::test;

namespace {

constexpr int kStalls = 40;

// Each layer bit-exact with the model's counters, and slower than the model's always-ready DRAM.
void check_stalled(const std::vector<LayerOutcome> &outcomes, size_t count) {
    REQUIRE(outcomes.size() == count);
    CHECK(failed_layers(outcomes) == "");
    for (const auto &o : outcomes) {
        INFO(o.layer);
        CHECK(o.dram_stall_percent == kStalls);
        CHECK(o.cycles_measured > uint64_t(o.cycles_model));
    }
}

}  // namespace

TEST_CASE("a pipelined array's psum files drained straight to DRAM that stalls: the skid queue",
          "[sim][dram_stalls][systolic]") {
    const ScheduleRequest s = example_schedule("os_outputs_to_dram.sched");
    const ir::Architecture arch = pipelined(example_arch("eyeriss_16x16"), 4, 4, 1);
    const std::vector<LayerRequest> layers = {{parse_inline_layer("conv:C=6,K=20,H=9,W=10,R=3,S=3,pad=1"), s},
                                              {parse_inline_layer("conv:C=16,K=8,H=7,W=7,R=1,S=1"), s}};
    check_stalled(simulate_on_one_design(layers, arch, 1, kStalls), 2);
}

TEST_CASE("per-PE files filled from DRAM that stalls, and prefetches over compute",
          "[sim][dram_stalls]") {
    // The weights' files filled by the DMA, one lane group per job (the tag queue waits); the
    // design of test_sim_dram_fed's case (the build cache serves both).
    const ScheduleRequest w = example_schedule("ws_weights_from_dram.sched");
    check_stalled(simulate_on_one_design({{parse_inline_layer("conv:C=40,K=36,H=9,W=13,R=3,S=3,pad=1"), w},
                                          {parse_inline_layer("conv:C=16,K=8,H=10,W=10,R=3,S=3,stride=2"), w}},
                                         example_arch("eyeriss_16x16"), 1, kStalls),
                  2);
    // Double-buffered buffers: the DMA's fills and drains run beside the array's compute.
    ScheduleRequest ws;
    ws.dataflow = "ws";
    ws.rows = ws.cols = 8;
    ws.buffer_bytes = 8 * 1024;
    const std::vector<LayerRequest> layers = {{parse_inline_layer("conv:C=24,K=20,H=12,W=12,R=3,S=3,pad=1"), ws},
                                              {parse_inline_layer("conv:C=16,K=40,H=7,W=7,R=1,S=1"), ws}};
    const auto outcomes = simulate_on_one_design(layers, ir::load_architecture("double_buffered"), 1, kStalls);
    check_stalled(outcomes, 2);
    for (const auto &o : outcomes) CHECK(o.model.cycles.overlapped_transfers > 0);
}

TEST_CASE("DRAM stalls out of range are refused in one line", "[sim][dram_stalls]") {
    try {
        check_dram_stalls(95);
        FAIL("95 % accepted");
    } catch (const UserError &e) {
        CHECK(std::string(e.what()).find("--dram-stalls 95 is out of range: give a percentage from 0 to 90") !=
              std::string::npos);
    }
    CHECK_NOTHROW(check_dram_stalls(0));
    CHECK_NOTHROW(check_dram_stalls(90));
}
