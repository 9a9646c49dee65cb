// The depth-first tuner (explore/FusionTuner): it never does worse than layer by layer (groups of
// one layer are candidates), it fuses where depth first should win (fsrcnn: small channel counts
// on a large image) and keeps layer by layer where it should not.
#include "FusionTuner.h"
#include "Lower.h"
#include "Networks.h"
#include "ir/ArchitectureJson.h"

#include <catch2/catch.hpp>

using namespace tessera;

namespace {

explore::FusionPlan tune(const std::string &network, const ir::Architecture &arch, explore::Objective objective) {
    const auto layers = load_network(network);
    ScheduleRequest req;
    req.dataflow = "ws";
    req.buffer_bytes = arch.levels[1].size_bytes;
    std::vector<ir::AcceleratorIR> irs;
    for (const auto &l : layers) irs.push_back(lower_to_ir(l, req));
    explore::FusionOptions opt;
    opt.objective = objective;
    return explore::tune_fusion(layers, irs, arch, opt);
}

}  // namespace

TEST_CASE("fsrcnn: depth first beats layer by layer on DRAM words and energy", "[fusion_tuner]") {
    const explore::FusionPlan p = tune("fsrcnn", ir::default_architecture(), explore::Objective::Energy);
    REQUIRE(p.depth_first.energy_pj < p.layer_by_layer.energy_pj);
    REQUIRE(p.depth_first.dram_words * 3 < p.layer_by_layer.dram_words);
    int fused_layers = 0;
    for (const auto &g : p.groups) fused_layers += g.fused ? int(g.last - g.first + 1) : 0;
    REQUIRE(fused_layers >= 4);
    // The plan's parts add up to its totals; every layer is in exactly one group, in order.
    double energy = 0;
    size_t next = 0;
    for (const auto &g : p.groups) {
        REQUIRE(g.first == next);
        next = g.last + 1;
        energy += g.totals.energy_pj;
    }
    REQUIRE(next == 8);
    REQUIRE(energy == Approx(p.depth_first.energy_pj));
}

TEST_CASE("the tuner never loses to layer by layer, for every objective", "[fusion_tuner]") {
    ir::Architecture small = ir::default_architecture();
    small.levels[1].size_bytes = 32 * 1024;
    for (auto objective : {explore::Objective::Energy, explore::Objective::Cycles, explore::Objective::Edp})
        for (const auto &arch : {ir::default_architecture(), small}) {
            const explore::FusionPlan p = tune("resnet18", arch, objective);
            REQUIRE(p.depth_first.energy_pj * double(p.depth_first.cycles) <=
                    p.layer_by_layer.energy_pj * double(p.layer_by_layer.cycles) * (1 + 1e-9));
            if (objective == explore::Objective::Energy) REQUIRE(p.depth_first.energy_pj <= p.layer_by_layer.energy_pj * (1 + 1e-9));
            if (objective == explore::Objective::Cycles) REQUIRE(p.depth_first.cycles <= p.layer_by_layer.cycles);
        }
}
