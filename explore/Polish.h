// Local search that finishes explore's annealing (docs/explore.md, "Algorithms"): steepest descent
// over every single change of a point.
#pragma once

#include "SearchState.h"

#include <cstdint>
#include <vector>

namespace tessera::explore::detail {

// From `start`, repeatedly moves to the best of its neighbours while that is strictly better, at
// most `max_sweeps` times. A neighbour changes one choice: one band's factor of one dim to any of
// its tile values, one prime factor of a dim from one band to another (the DRAM band included),
// one tensor's tile position or level, or the order of two loops of one band; or, compound, one
// DRAM-band loop moved (with or without its dim's on-chip factors) while the tiles keep their
// loops. The spatial dims stay
// (annealing chose them). Every evaluated point lands in `ev`. Deterministic.
void polish(const SpaceInfo &info, const Constraints &c, Evaluator &ev, const std::vector<std::vector<int64_t>> &values,
            const Point &start, int max_sweeps, Progress &progress);

}  // namespace tessera::explore::detail
