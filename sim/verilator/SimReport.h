// How a simulated run is shown (docs/simulate.md, "Reading the report"): per layer a block with
// PASS/FAIL, the output check, cycles measured and modelled, utilization, simulation speed, every
// counter measured beside the model's and the energy from the measured counts; a summary table
// for several layers; and JSON whose per-layer keys other tools read: `layer`, `bit_exact`,
// `counters_match_model`, `cycles_measured`, `cycles_model`.
#pragma once

#include "Simulate.h"
#include "ir/Architecture.h"

#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

namespace tessera::vsim {

void print_layer(std::ostream &, const LayerOutcome &, const ir::Architecture &);
void print_summary(std::ostream &, const std::vector<LayerOutcome> &);

nlohmann::json to_json(const LayerOutcome &, const ir::Architecture &);
// {"layers": [...], "pass": bool, "cycles_measured": sum, "cycles_model": sum, "macs": sum}
nlohmann::json run_json(const std::vector<LayerOutcome> &, const ir::Architecture &);

// Simulated cycles (or MACs) per wall-clock second of the simulator process.
double cycles_per_second(const LayerOutcome &);
double macs_per_second(const LayerOutcome &);

}  // namespace tessera::vsim
