// How an Estimate is shown: a text table, JSON (the keys other tools read: macs, energy_pj,
// cycles, utilization, levels[{level, tensor, reads, writes, energy_pj}]), and the energy
// breakdown by component that both the table and the SVG chart use.
#pragma once

#include "Estimate.h"
#include "ir/Architecture.h"

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace tessera::model {

struct LayerResult {
    std::string layer;
    Estimate estimate;
};

// Sums over a network's layers; utilization weighted by each layer's PE-cycles.
struct NetworkTotals {
    int64_t macs = 0, cycles = 0;
    double energy_pj = 0, pe_iterations = 0, pe_cycles = 0;
    double pj_per_mac() const { return macs ? energy_pj / double(macs) : 0; }
    double utilization() const { return pe_iterations > 0 ? double(macs) / pe_iterations : 0; }
    // Stalls counted too: MACs over all PEs times the layers' cycles.
    double utilization_overall() const { return pe_cycles > 0 ? double(macs) / pe_cycles : 0; }
};
NetworkTotals network_totals(const std::vector<LayerResult> &);

// Energy per component in a fixed order: each architecture level (outermost first), then
// "array" (hops), "MAC" and "leakage". The components sum to Estimate::energy_pj.
std::vector<std::pair<std::string, double>> energy_by_component(const Estimate &,
                                                                const ir::Architecture &);

nlohmann::json to_json(const Estimate &, const ir::Architecture &);
// Every layer plus "total" (sums; utilization weighted by PE-cycles).
nlohmann::json network_json(const std::string &network, const std::vector<LayerResult> &,
                            const ir::Architecture &);

void print_table(std::ostream &, const std::string &layer, const Estimate &,
                 const ir::Architecture &);
// One row per layer and a total row.
void print_network_table(std::ostream &, const std::string &network,
                         const std::vector<LayerResult> &, const ir::Architecture &);

}  // namespace tessera::model
