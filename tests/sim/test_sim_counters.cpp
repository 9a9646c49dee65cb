// The model's counters under the RTL's names agree with docs/hardware.md's counting table as the
// RTL tests evaluate it (an independent reading of the same rules), and measured counts are
// priced exactly as the model prices its own.
#include "CountingRules.h"
#include "Lower.h"
#include "Networks.h"
#include "ir/Architecture.h"
#include "ir/ArchitectureJson.h"
#include "model/Model.h"
#include "rtl_backend/RegisterMap.h"
#include "SimulateLayers.h"
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

// The counters an RTL run would report if it counted exactly what the model does.
std::map<std::string, uint64_t> as_measured(const model::Estimate &model) {
    std::map<std::string, uint64_t> measured;
    for (const auto &[name, value] : vsim::model_counters(model)) measured[name] = uint64_t(value);
    return measured;
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
    std::map<std::string, uint64_t> measured = as_measured(model);

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
    std::map<std::string, uint64_t> lmeasured = as_measured(lmodel);
    lmeasured["cycles"] += 1000;
    lmeasured["I.rf_writes"] += 10;
    const model::Estimate slow = vsim::measured_estimate(lmodel, lmeasured, leaky);
    CHECK(slow.leakage_energy_pj - lmodel.leakage_energy_pj == Approx(2500.0));
    CHECK(slow.tensor(model::Operand::I).array.hops - lmodel.tensor(model::Operand::I).array.hops == 10);
}

TEST_CASE("the model's own counters priced give the model's energy, on every example mapping's structure",
          "[sim][counters][energy]") {
    // The measured energy simulate prints is the counters priced as the model prices its own: with
    // counts equal to the model's it must be the model's energy, hops and reductions included,
    // whatever the output's path (a GLB tile, per-PE files drained into it or straight to DRAM,
    // two shared levels with or without files under them) and the operands' (files DRAM fills,
    // registers under files, bypassed levels).
    const std::pair<const char *, const char *> examples[] = {
        {"ws_scratchpads", "eyeriss_16x16"},   {"ws_registers", "eyeriss_registers"},
        {"ws_weights_from_dram", "eyeriss_16x16"}, {"kc_rows_rf", "eyeriss_16x16"},
        {"four_level_bypass", "four_level"},   {"output_two_levels", "four_level"},
        {"output_three_levels", "four_level"}, {"os_outputs_to_dram", "eyeriss_16x16"},
        {"os_output_register", "eyeriss_registers"}, {"eyeriss_rs", "eyeriss_prefetch"},
        {"os_psum_files", "eyeriss_16x16"},    {"tpu_im2col", "eyeriss_16x16"},
        {"reduced_to_dram", "eyeriss_16x16"}};
    const ir::LayerSpec layer = parse_inline_layer("conv:C=20,K=20,H=9,W=9,R=3,S=3,pad=1");
    // And explore's kind of winner for small layers: the channels on the array, reduced across it
    // as the per-PE files drain straight to DRAM (the reductions happen on the way out).
    ScheduleRequest reduced_to_dram;
    reduced_to_dram.text = R"(
Var ko("ko"), ki("ki"), yo("yo"), yi("yi"), xo("xo"), xi("xi"), kt("kt"), kp("kp"), yt("yt"), yp("yp"), xt("xt"), xp("xp"),
    xm("xm"), xq("xq");
RVar co("co"), ci("ci"), cl("cl"), cp("cp");
output.split(k, ko, ki, 4).split(y, yo, yi, 9).split(x, xo, xi, 9).reorder(xi, yi, ki, n, xo, yo, ko);
acc.compute_at(output, xo);
acc.update().split(k, kt, kp, 4).split(y, yt, yp, 9).split(x, xt, xp, 9).split(xp, xm, xq, 3).split(c, co, ci, 20)
    .split(ci, cl, cp, 5).reorder(xq, s, r, cp, xm, yp, kp, cl, xt, yt, kt, n, co).unroll(cl);
hw::array(acc, cl);
hw::level(acc, "DRAM");
Func ifmap_rf = ifmap.in(acc);
ifmap_rf.compute_at(acc, cl);
hw::level(ifmap_rf, "RF");
Func filter_rf = filter.in(acc);
filter_rf.compute_at(acc, cl);
hw::level(filter_rf, "RF");
hw::accumulator(acc, xm, "RF");
)";
    for (const auto &[schedule, arch_name] : examples) {
        INFO(schedule << " on " << arch_name);
        ir::Architecture arch = vsim::test::example_arch(arch_name);
        arch.hop_pj = 0.5;  // (the Eyeriss tables price a hop at 0)
        const ir::AcceleratorIR ir =
            lower_to_ir(layer, std::string(schedule) == "reduced_to_dram"
                                   ? reduced_to_dram
                                   : vsim::test::example_schedule(std::string(schedule) + ".sched"));
        model::Model m(ir, arch);
        const model::Estimate model = m.evaluate();
        const model::Estimate same = vsim::measured_estimate(model, as_measured(model), arch);
        CHECK(same.hop_energy_pj == Approx(model.hop_energy_pj).epsilon(1e-12));
        CHECK(same.energy_pj == Approx(model.energy_pj).epsilon(1e-12));
        for (int o = 0; o < 3; ++o) {
            INFO("operand " << o);
            CHECK(same.tensors[size_t(o)].array.hops == model.tensors[size_t(o)].array.hops);
        }
    }
}
