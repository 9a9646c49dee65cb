// The depth-first tuner of `tessera explore --fusion` (docs/fusion.md): per network, the cut points
// (fused groups of consecutive layers), each group's tile and overlap mode, and the number of
// cores sharing the GLB, for energy, cycles or EDP (DeFiNES's space, DLFusion's knobs). Each
// layer keeps the mapping it is given (its best preset or explore's winner). Dynamic programming
// over the cut points; every group candidate is one per-tile-type evaluation of the fusion model.
#pragma once

#include "Search.h"
#include "model/FusionModel.h"

#include <functional>
#include <string>
#include <vector>

namespace tessera::explore {

struct FusionOptions {
    Objective objective = Objective::Energy;
    int max_cores = 1;            // arrays sharing the GLB: candidates 1, 2, 4, .. max_cores
    int max_depth = 8;            // layers per group
    std::vector<std::pair<int64_t, int64_t>> tiles;  // empty: a default set of rows x cols
    std::function<void(const std::string &)> progress;  // one line per step (may be empty)
};

struct Totals {
    double energy_pj = 0;
    int64_t cycles = 0;
    int64_t dram_words = 0;
};

struct GroupChoice {
    size_t first = 0, last = 0;   // layer indices, inclusive
    bool fused = false;           // false: the layer alone, layer by layer
    ir::FusedGroup group;         // fused only
    model::FusedEstimate estimate;  // fused only
    Totals totals;
};

struct FusionPlan {
    std::vector<GroupChoice> groups;
    Totals layer_by_layer, depth_first;
    std::vector<double> lbl_energy, df_energy;  // per layer (pJ)
    std::vector<int64_t> lbl_dram, df_dram;     // per layer (words)
    int64_t candidates = 0;       // group candidates evaluated
    double seconds = 0;
};

// `layer_irs[i]` is layer i's mapping; `layers` the network's rows (consecutive chains fuse).
// `estimates`, when given, are the single-layer model's estimates of those mappings (explore's
// winners come with theirs); otherwise each IR is evaluated here.
FusionPlan tune_fusion(const std::vector<ir::LayerSpec> &layers, const std::vector<ir::AcceleratorIR> &layer_irs,
                       const ir::Architecture &arch, const FusionOptions &options,
                       const std::vector<model::Estimate> *estimates = nullptr);

}  // namespace tessera::explore
