// Simulated annealing over explore's space (docs/explore.md, "Algorithms"): one chain.
#pragma once

#include "SearchState.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace tessera::explore::detail {

// Runs one chain of `steps` moves over `choices` (the spatial mappings a spatial move may pick; one:
// lanes only), from `start` or, without one, `choices[first]`'s first point with its lanes filled.
// `values[d]`: the tile values of dim d. Every evaluated point lands in `ev` (its front and ranked
// list); `t0` is the first temperature. Deterministic for a seed.
void anneal_chain(const SpaceInfo &info, const Constraints &c, const std::vector<SpatialChoice> &choices,
                  size_t first, Evaluator &ev, uint64_t seed, const std::vector<std::vector<int64_t>> &values,
                  double t0, const std::optional<Point> &start, int64_t steps, Progress &progress);

}  // namespace tessera::explore::detail
