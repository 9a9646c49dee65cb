// The model's counters under the RTL's names agree with docs/hardware.md's counting table as the
// RTL tests evaluate it (an independent reading of the same rules), and measured counts are
// priced exactly as the model prices its own.
#include "CountingRules.h"
#include "Lower.h"
#include "ir/Architecture.h"
#include "ir/ArchitectureJson.h"
#include "model/Model.h"
#include "rtl_backend/RegisterMap.h"
#include "sim/verilator/ModelCounters.h"

#include <catch2/catch.hpp>

using namespace tessera;

namespace {

ir::AcceleratorIR lowered(const std::string &type, const std::string &dataflow, int64_t buffer_bytes = 1024) {
    ir::LayerSpec l;
    l.type = type;
    l.name = type + "_" + dataflow;
    if (type == "fc") {
        l.N = 2, l.C = 20, l.K = 9;
    } else {
        l.C = type == "dwconv" ? 6 : 5, l.K = 6, l.H = 9, l.W = 8, l.R = 3, l.S = 3, l.pad = 1;
        if (type == "dwconv") l.groups = 6;
    }
    ScheduleRequest req;
    req.dataflow = dataflow;
    req.rows = req.cols = 4;
    req.buffer_bytes = buffer_bytes;  // small: several tiles of each tensor
    return lower_to_ir(l, req);
}

}  // namespace

TEST_CASE("model counters carry the RTL's names and the counting table's values", "[sim][counters]") {
    for (const std::string type : {"conv", "dwconv", "fc"})
        for (const std::string dataflow : {"os", "ws", "is"}) {
            const ir::AcceleratorIR ir = lowered(type, dataflow);
            INFO(ir.problem.layer.name);
            model::Model m(ir, ir::default_architecture());
            const auto counters = vsim::model_counters(m.evaluate());
            for (const auto &name : rtl::counter_names()) CHECK(counters.count(name) == 1);
            for (const auto &[name, value] : rtl::test::expected_counters(ir)) {
                INFO(name);
                CHECK(counters.at(name) == int64_t(value));
            }
        }
}

TEST_CASE("model cycles equal the counting rules' run-by-run walk, single and double buffered",
          "[sim][counters][cycles]") {
    ir::Architecture single = ir::default_architecture(), double_buffered = single;
    double_buffered.levels[1].double_buffered = true;
    int stalled = 0;  // cases where some run waits for its overlapped transfers
    for (const std::string type : {"conv", "dwconv", "fc"})
        for (const std::string dataflow : {"os", "ws", "is", "rs"})
            for (int64_t buffer_bytes : {512, 1024, 4096}) {
                if (type == "fc" && dataflow == "rs") continue;
                const ir::AcceleratorIR ir = lowered(type, dataflow, buffer_bytes);
                INFO(ir.problem.layer.name << ", GLB " << buffer_bytes << " B");
                const model::Cycles one = model::Model(ir, single).evaluate().cycles;
                const model::Cycles two = model::Model(ir, double_buffered).evaluate().cycles;
                CHECK(uint64_t(one.pipeline) == rtl::test::expected_cycles(ir, single.dram_latency_cycles));
                CHECK(uint64_t(two.pipeline) ==
                      rtl::test::expected_cycles(ir, single.dram_latency_cycles, {true, true, true}));
                CHECK(two.pipeline <= one.pipeline);
                CHECK(two.serial_transfers == 0);
                CHECK(one.overlapped_transfers + one.exposed_transfers + one.prefetch_stall == 0);
                CHECK(two.exposed_transfers + two.overlapped_transfers == one.serial_transfers);
                stalled += two.prefetch_stall > 0;
            }
    CHECK(stalled > 0);
}

TEST_CASE("measured counts are priced as the model prices its own", "[sim][counters][energy]") {
    const ir::Architecture arch = ir::load_architecture("interstellar_baseline");
    const ir::AcceleratorIR ir = lowered("conv", "ws");
    model::Model m(ir, arch);
    const model::Estimate model = m.evaluate();
    std::map<std::string, uint64_t> measured;
    for (const auto &[name, value] : vsim::model_counters(model)) measured[name] = uint64_t(value);

    const model::Estimate same = vsim::measured_estimate(model, measured, arch);
    CHECK(same.energy_pj == Approx(model.energy_pj).epsilon(1e-12));
    CHECK(same.hop_energy_pj == Approx(model.hop_energy_pj).epsilon(1e-12));
    for (int o = 0; o < model::kOperands; ++o)
        for (int p = 0; p < model::kPlaces; ++p)
            CHECK(same.tensors[size_t(o)].at[size_t(p)].energy_pj() ==
                  Approx(model.tensors[size_t(o)].at[size_t(p)].energy_pj()).epsilon(1e-12));

    // 100 more DRAM reads of the input cost 100 times the model's price of one.
    const model::LevelAccess &dram = model.tensor(model::Operand::I).at[int(model::Place::DRAM)];
    const double per_read = dram.read_energy_pj / double(dram.reads);
    measured["I.dram_reads"] += 100;
    const model::Estimate more = vsim::measured_estimate(model, measured, arch);
    CHECK(more.energy_pj - model.energy_pj == Approx(100 * per_read));
    CHECK(more.tensor(model::Operand::I).at[int(model::Place::DRAM)].reads == dram.reads + 100);
    measured["I.dram_reads"] -= 100;

    // Extra cycles cost leakage; extra multicast register writes cost hops.
    ir::Architecture leaky = arch;
    leaky.leakage_pj_per_cycle = 2.5;
    model::Model lm(ir, leaky);
    const model::Estimate lmodel = lm.evaluate();
    std::map<std::string, uint64_t> lmeasured;
    for (const auto &[name, value] : vsim::model_counters(lmodel)) lmeasured[name] = uint64_t(value);
    lmeasured["cycles"] += 1000;
    lmeasured["I.rf_writes"] += 10;
    const model::Estimate slow = vsim::measured_estimate(lmodel, lmeasured, leaky);
    CHECK(slow.leakage_energy_pj - lmodel.leakage_energy_pj == Approx(2500.0));
    CHECK(slow.tensor(model::Operand::I).array.hops - lmodel.tensor(model::Operand::I).array.hops == 10);
}
