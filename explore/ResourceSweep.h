// Hardware resource allocation (Interstellar's study, docs/explore.md "Resource allocation"): the
// sizes of the per-PE level and of the global buffer, and the array shape at a fixed PE count, are
// swept; every layer gets its own best mapping on each design (explore::search), and the designs
// are ranked by the network's summed energy, cycles or EDP. Sizes change energy per access through
// the levels' `energy_by_size` tables.
#pragma once

#include "Search.h"

#include <functional>
#include <string>
#include <vector>

namespace tessera::explore {

struct SweepSpec {
    std::vector<int64_t> rf_bytes;    // sizes of the first per-PE level (empty: the architecture's)
    std::vector<int64_t> glb_bytes;   // sizes of the first shared on-chip level (empty: its own)
    std::vector<std::pair<int64_t, int64_t>> arrays;  // rows x cols (empty: the architecture's)
    // Double buffering of the first shared on-chip level: both single and double buffered (two
    // banks of half the capacity each, fills overlapped with compute) when set, else the
    // architecture's own.
    bool double_buffering = false;
    // Each layer's mapping on a design may take at most the cycles of that layer's best mapping on
    // the baseline (the given architecture): the design is compared at the baseline's throughput.
    bool hold_throughput = false;
};

// The designs of the sweep: the cross product of the lists, the baseline's values where a list is
// empty. Throws UserError (one line) for a size or shape the architecture cannot take.
std::vector<ir::Architecture> sweep_architectures(const ir::Architecture &base, const SweepSpec &);

struct LayerChoice {
    Candidate best;       // the chosen mapping of this layer on this design
    bool found = false;
};

struct DesignResult {
    ir::Architecture arch;
    int64_t rf_bytes = 0, glb_bytes = 0;
    bool glb_double_buffered = false;
    double energy_pj = 0;             // summed over the layers
    int64_t cycles = 0;
    double score = 0;                 // the objective over the network
    bool feasible = false;            // every layer has a mapping (within the throughput bound)
    std::string why_not;              // when not feasible: the first layer that failed, and why
    std::vector<LayerChoice> layers;  // in the order of the problems given
};

struct SweepResult {
    std::vector<DesignResult> designs;  // ranked: feasible ones by score, then the others
    int baseline = -1;                  // index into designs of the given architecture's design
    int64_t searches = 0;               // per-layer searches run (identical layers share one)
    double seconds = 0;
};

// `on_design(i, n, design)` is called as each design finishes (progress), in sweep order.
SweepResult sweep(const std::vector<ir::Problem> &problems, const ir::Architecture &base,
                  const SweepSpec &spec, const SearchOptions &options,
                  const std::function<void(int, int, const DesignResult &)> &on_design = {});

}  // namespace tessera::explore
