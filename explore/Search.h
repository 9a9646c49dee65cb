// The mapping search of `tessera explore` (docs/explore.md): exhaustive with pruning when the
// space is small enough, else seeded simulated annealing; multi-threaded; keeps a Pareto front.
#pragma once

#include "MapSpace.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tessera::explore {

enum class Objective { Energy, Cycles, Edp };
Objective parse_objective(const std::string &);  // UserError on anything else
// The objective's score of a mapping (or a network's sums): lower is better; ties broken by the
// other quantity.
double score_of(Objective, double energy_pj, int64_t cycles);

struct Constraints {
    // Fixed spatial dims per axis (problem dim indices); `spatial_fixed` false: searched.
    bool spatial_fixed = false;
    std::vector<int> row_dims, col_dims;
    bool rtl_only = false;       // only mappings rtl_backend generates (rtl_generatable)
    // Every tensor keeps a tile on a shared level: no per-PE files filled from (drained to) DRAM
    // directly (Structure::from_dram); explore --no-bypass.
    bool no_bypass = false;
    std::vector<int> rf_order;   // fixed RF-band order (outer first) when not empty
    // When set, only the spatial choices (dims of the row axis, of the column axis) it accepts;
    // e.g. those that meet the array as one design wires it (explore/NetworkDesign.h).
    std::function<bool(const std::vector<int> &rows, const std::vector<int> &cols)> spatial_allowed;
    // When set, only the points it accepts. Asked once per loop structure (explore::model_key):
    // its answer may depend on the structure and on which loops are trivial, not on the extents.
    std::function<bool(const Point &)> accept;
    // The per-PE tiles annealing's start points keep (bits: 1 I, 2 W, 4 O), at the innermost RF
    // position: when `accept` wants them (one design's PEs read those operands from per-PE files),
    // a start without them would need several moves at once to reach an accepted point.
    int start_pe_tiles = 0;
    // Likewise the shared tiles: each tensor's level (the SpaceInfo::shared_levels index of its
    // "GLB" tile; -1: the default) and (bits: 1 I, 2 W, 4 O) a second shared tile, an operand's
    // outer one or the output's inner block, which one design's buffers also fix.
    int start_levels[3] = {-1, -1, -1};
    int start_two_levels = 0;
    // And the tensors (bits: 1 I, 2 W, 4 O) whose per-PE tiles (start_pe_tiles) DRAM feeds (the
    // output's: drain to) directly, with no shared tile (Structure::from_dram), as one design may
    // move their files.
    int start_from_dram = 0;
    // And the tensors (bits: 1 I, 2 W, 4 O) with a one-word register tile under their per-PE tile
    // (Structure::reg), as one design's PEs may load them.
    int start_registers = 0;
    // When not empty, the most lanes each of an axis's spatial dims may take, in the axis's order
    // (outermost first): one design's lane groups are wired for its lanes (rtl::DesignSpec::row_radix),
    // and a layer's loops there must fit them one by one. Unlike `accept`, it depends on the extents,
    // so it is asked per point.
    std::vector<int64_t> row_lanes, col_lanes;
};

struct Candidate {
    Point point;
    double energy_pj = 0;
    int64_t cycles = 0;
    double score = 0;
};

// One work unit's share of a search (a spatial choice of the exhaustive search, or one annealing
// chain): what the merge needs. The search merges the units in unit order, so its result does not
// depend on where (thread, process, machine) or in which order the units ran.
struct UnitResult {
    int64_t evaluated = 0;
    bool aborted = false;  // exhaustive: the unit went over its share of the exhaustive limit
    std::vector<Candidate> pareto, top;
};
// Runs the units 0..n-1, each with run_unit (independent calls, safe on any thread), and returns
// their n results in unit order. explore/Distributed.h provides one that spreads them over MPI ranks.
using UnitRunner = std::function<std::vector<UnitResult>(int n, const std::function<UnitResult(int)> &run_unit)>;

struct SearchOptions {
    Objective objective = Objective::Energy;
    Constraints constraints;
    int threads = 1;
    uint64_t seed = 1;
    std::string mode = "auto";          // auto | exhaustive | anneal
    int64_t exhaustive_limit = 3000000; // auto: exhaustive when the space has at most this many points
    int64_t anneal_steps = 10000;       // per chain
    int chains = 8;                     // annealing chains (independent of threads: same seed, same result)
    int polish_sweeps = 40;             // annealing's finish: steepest-descent sweeps (0: none)
    int restarts = 1;                   // independent annealing searches (seeds from `seed`), best kept
    bool capacity_bound = true;         // exhaustive: skip factors whose smallest shared tiles overflow
    bool dominance_pruning = true;      // exhaustive: skip tiles just inside a loop their index does not use
    bool progress = false;              // best so far on stderr
    UnitRunner run_units;               // empty: the units run on this process's threads
};

struct SearchResult {
    Candidate best;
    bool found = false;
    bool optimal = false;               // the search was exhaustive over the space
    int64_t evaluated = 0;
    double seconds = 0;
    std::vector<Candidate> pareto;      // energy x cycles, ascending energy
    std::vector<Candidate> top;         // best distinct mappings by objective (ranked table)
};

SearchResult search(const SpaceInfo &, const SearchOptions &);

// For each problem, the index of the first one identical to it (same shape, strides and
// quantization: everything but the name). The search is deterministic, so identical layers share
// one search.
std::vector<size_t> first_identical(const std::vector<ir::Problem> &problems);

// Evaluates one point with a fresh model (for checks and the round trip).
model::Estimate evaluate_point(const SpaceInfo &, const Point &, std::string *fit_error = nullptr);

}  // namespace tessera::explore
