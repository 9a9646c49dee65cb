// Verilated generated designs running small layers bit-exactly against a reference, with their
// performance counters checked against docs/hardware.md's counting rules.
#include "CountingRules.h"
#include "SimSupport.h"

#include <catch2/catch.hpp>

namespace ir = tessera::ir;
namespace rtl = tessera::rtl;
namespace vsim = tessera::vsim;
using namespace tessera::rtl::test;

namespace {

void check_layer(const DesignUnderTest &dut, const ir::AcceleratorIR &ir, uint32_t seed) {
    INFO("layer " << ir.problem.layer.name << ", schedule " << ir.mapping.schedule);
    const rtl::LayerConfig cfg = rtl::configure_layer(dut.rtl.spec, dut.rtl.registers, ir);
    const LayerData data = random_layer_data(ir.problem, seed);
    const vsim::LayerResult r = dut.sim.run(cfg, to_tensors(data));
    REQUIRE(r.completed);
    const std::vector<int8_t> expected = loop_reference(ir.problem, data);
    REQUIRE(r.output.size() == expected.size());
    size_t mismatches = 0, first = 0;
    for (size_t i = 0; i < expected.size(); ++i)
        if (r.output[i] != expected[i] && mismatches++ == 0) first = i;
    INFO("first mismatch at " << first << ": rtl " << int(r.output[first]) << " expected "
                              << int(expected[first]));
    CHECK(mismatches == 0);
    for (const auto &[name, value] : expected_counters(ir)) {
        INFO("counter " << name);
        CHECK(r.counters.at(name) == value);
    }
}

}  // namespace

TEST_CASE("weight-stationary C|K 1x1 conv on a 4x4 array", "[rtl][sim]") {
    Tiling t;
    t.row_dim = "c", t.rows = 4, t.col_dim = "k", t.cols = 4;
    t.order = {"n", "ko", "co", "y", "x", "r", "s"};
    ir::AcceleratorIR ir = tiled_ir(conv("conv1x1", 8, 8, 5, 5, 1), t);
    DesignUnderTest dut = build_design({ir}, "ws_ck_4x4");
    check_layer(dut, ir, 1);
}
