// What `tessera explore` reports beside its search (ExploreReport.cpp): the presets' costs, the
// --verify runs of the winners in RTL and the --svg charts.
#pragma once

#include "ExploreSvg.h"
#include "LayerOptions.h"
#include "Search.h"
#include "ir/Architecture.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tessera::cli {

// The presets (os, ws, is, rs) on the same layers and architecture: each one's cost per layer
// (empty where it does not fit).
using PresetCosts = std::vector<std::pair<std::string, std::vector<std::optional<explore::PresetCost>>>>;
PresetCosts preset_costs(LayerSelection sel, const ir::Architecture &arch, size_t layers);

// The best of the presets that map every layer: the one with the least summed energy, and that
// sum; empty name if none fits every layer.
std::pair<std::string, double> best_preset(const PresetCosts &costs);

// --verify K: compile and simulate the top K mappings of `r` (under base/verify/); throws
// UserError naming the rank that fails.
void verify_top(const SelectedLayer &layer, const LayerSelection &sel, const std::string &arch_name,
                const explore::SpaceInfo &info, const explore::SearchResult &r, int k, const std::string &base);

// --svg: one layer's Pareto front with the winner and the best preset (`only`), or the energy per
// layer against each preset.
void write_svg(const std::string &file, const ir::Architecture &arch, const std::optional<explore::SearchResult> &only,
               const PresetCosts &presets, std::vector<explore::LayerEnergies> layers);

}  // namespace tessera::cli
