// `tessera explore --svg` (docs/explore.md): for one layer, its Pareto front (energy x cycles)
// with the winner and the best preset marked; for several, the energy of each layer, explore's
// best beside each preset's. Drawn with sim/model/SvgDraw.h, like estimate's chart.
//
// Every mark carries its exact values (data-energy-pj, data-cycles) so tools and tests can read
// the chart back and compare it with --json.
#pragma once

#include "ResourceSweep.h"
#include "Search.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace tessera::explore {

// A preset's (--dataflow os|ws|is|rs) cost on a layer.
struct PresetCost {
    std::string name;
    double energy_pj = 0;
    int64_t cycles = 0;
};

// floor_pj > 0: the layer's energy floor (model/EnergyFloor.h) as a dashed line (class "floor").
void write_pareto_svg(std::ostream &, const std::string &title, const std::vector<Candidate> &pareto,
                      const Candidate &best, const std::optional<PresetCost> &best_preset, double floor_pj = 0);

struct LayerEnergies {
    std::string layer;
    double explore_pj = 0;
    std::vector<std::optional<double>> preset_pj;  // one per preset name (empty: does not fit)
    double floor_pj = 0;  // > 0: the layer's energy floor, a dash across its bars (class "floor")
};

void write_network_svg(std::ostream &, const std::string &title, const std::vector<std::string> &preset_names,
                       const std::vector<LayerEnergies> &);

// The resource sweep (--sweep): one bar per feasible design, in rank order, its network energy; the
// baseline and the best design marked. Each bar carries data-energy-pj, data-cycles, data-rf-bytes,
// data-glb-bytes and data-array.
void write_sweep_svg(std::ostream &, const std::string &title, const SweepResult &);

}  // namespace tessera::explore
