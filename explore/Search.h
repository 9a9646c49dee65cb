// The mapping search of `tessera explore` (docs/explore.md): exhaustive with pruning when the
// space is small enough, else seeded simulated annealing; multi-threaded; keeps a Pareto front.
#pragma once

#include "MapSpace.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::explore {

enum class Objective { Energy, Cycles, Edp };
Objective parse_objective(const std::string &);  // UserError on anything else

struct Constraints {
    // Fixed spatial dims per axis (problem dim indices); `spatial_fixed` false: searched.
    bool spatial_fixed = false;
    std::vector<int> row_dims, col_dims;
    bool rtl_only = false;       // only mappings rtl_backend generates (rtl_generatable)
    std::vector<int> rf_order;   // fixed RF-band order (outer first) when not empty
};

struct SearchOptions {
    Objective objective = Objective::Energy;
    Constraints constraints;
    int threads = 1;
    uint64_t seed = 1;
    std::string mode = "auto";          // auto | exhaustive | anneal
    int64_t exhaustive_limit = 3000000; // auto: exhaustive when the space has at most this many points
    int64_t anneal_steps = 10000;       // per chain
    int chains = 8;                     // annealing chains (independent of threads: same seed, same result)
    bool progress = false;              // best so far on stderr
};

struct Candidate {
    Point point;
    double energy_pj = 0;
    int64_t cycles = 0;
    double score = 0;
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
