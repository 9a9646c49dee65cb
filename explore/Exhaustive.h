// The exhaustive search of one spatial choice (docs/explore.md, "Algorithms"): every factor
// assignment, every order of the nontrivial loops of each band, every distinct tile position,
// with the capacity-monotone bound and dominance pruning.
#pragma once

#include "SearchState.h"

#include <atomic>
#include <cstdint>
#include <vector>

namespace tessera::explore::detail {

struct ExhaustiveLimits {
    int64_t limit = 0;                                  // evaluations (or counted points) allowed
    const std::atomic<bool> *others_aborted = nullptr;  // set when another choice passed its limit
    bool count_only = false;                            // count the points, evaluate none
    bool capacity_bound = true;                         // SearchOptions::capacity_bound
    bool dominance = true;                              // SearchOptions::dominance_pruning
};

// Enumerates the canonical points of spatial choice `choice` through `ev` (`values[d]`: the tile
// values of dim d). With `count_only`, adds an upper bound of their number to `counted` instead
// and compares the running total with the limit. False when the limit was passed or another
// choice aborted: the enumeration is then incomplete.
bool enumerate_choice(const SpaceInfo &info, const Constraints &c, Evaluator &ev,
                      const std::vector<std::vector<int64_t>> &values, const SpatialChoice &choice,
                      const ExhaustiveLimits &limits, int64_t &counted);

}  // namespace tessera::explore::detail
