// The energy floor of a layer on an architecture: the least energy any mapping can have under this
// model's counting rules (docs/hardware.md), whatever its blocking, loop order, spatial dims or
// bypass choices (docs/estimate.md, "Energy floor"). explore reports its winners against it, so a
// user sees how far a search result can still improve, and when a goal is out of reach on the
// architecture itself.
#pragma once

#include "ir/AcceleratorIR.h"
#include "ir/Architecture.h"

#include <cstdint>

namespace tessera::model {

// Each term counts only what every mapping must do:
//   dram     every element the layer touches is read once (I, W) or written once (O), plus the
//            bias table;
//   per_pe   every MAC reads I, W and its partial sum from a per-PE level and writes the sum
//            back; each touched I and W element is filled into it at least once (the cheapest
//            per-PE level for each tensor);
//   mac      MACs x mac_pj;  leakage: the fewest cycles (MACs over all PEs) x leakage per cycle.
// Hop energy and the traffic of shared on-chip levels count as zero: a tensor may bypass them all
// (DRAM feeding an operand's per-PE tiles, the output's per-PE files draining to DRAM), so none
// of it is certain.
struct EnergyFloor {
    double dram_pj = 0, per_pe_pj = 0, mac_pj = 0, leakage_pj = 0;
    double total_pj() const { return dram_pj + per_pe_pj + mac_pj + leakage_pj; }
};

EnergyFloor energy_floor(const ir::Problem &, const ir::Architecture &);

// Distinct in-shape elements of `tensor` that the problem's iteration space reads or writes
// (padding positions excluded; for a 1x1 stride-2 conv, one input pixel in four).
int64_t touched_elements(const ir::Problem &, const ir::Tensor &tensor);

}  // namespace tessera::model
