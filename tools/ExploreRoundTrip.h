// The winners `tessera explore` writes are checked through the real front end: their schedule
// text, lowered by Halide as `compile` lowers it, must give the IR the search scored (same fit,
// energy and cycles). Halide's bounds of tiles inside a tail loop can be wider than the search's
// (docs/explore.md, "Tails"); a winner that does not round-trip is replaced by the best ranked
// mapping that does, or, when none does, by the ranked mapping whose lowered schedule scores best,
// with the figures of that lowered schedule (what estimate, compile and simulate see).
#pragma once

#include "Search.h"
#include "ir/AcceleratorIR.h"

namespace tessera::cli {

// Does the candidate's schedule text lower to a mapping that fits and that the model scores
// exactly as the search did?
bool lowers_as_searched(const ir::LayerSpec &layer, const explore::SpaceInfo &info, const explore::Candidate &c);

enum class WinnerCheck { Kept, Replaced, Relowered, NoneLowers };

// Keeps r.best if it lowers as searched; else makes the best-scored mapping of r.top and r.pareto
// that does the best (both lists keep their order); else (Relowered) the one of them whose lowered
// schedule fits and scores best under `objective`, with its lowered energy and cycles. NoneLowers
// (no schedule of them lowers to a fitting mapping) leaves r.best as it was.
WinnerCheck keep_winner_that_lowers(const ir::LayerSpec &layer, const explore::SpaceInfo &info,
                                    explore::Objective objective, explore::SearchResult &r);

}  // namespace tessera::cli
