// Schedule presets: Interstellar's dataflow notation (`C|K` = rows C, columns K; `K` = a 1-D array
// of K) and the shorthands os / ws / is / rs, written out as schedule text in Halide syntax, with a
// temporal blocking chosen so that the buffers fit the architecture's global buffer.
#pragma once

#include "Lower.h"
#include "ir/AcceleratorIR.h"
#include "ir/Architecture.h"

#include <string>
#include <vector>

namespace tessera {

// The schedule text for `layer` under the preset in `request` (spatial and/or dataflow, array).
std::string preset_schedule(const ir::LayerSpec &layer, const ScheduleRequest &request);

// Sets what presets fit their tiles to on `arch`: the GLB's tile budget and, when its per-PE level
// gives each tensor its own scratchpad, those scratchpads (then `rs` keeps per-PE tiles there).
void fit_presets_to(const ir::Architecture &arch, ScheduleRequest &request);

// The layer dims (Halide names: n k c y x r s ...) of each array axis in --spatial's notation
// ('C,FX|K': rows c x s, columns k), outermost digit first; rows empty for a 1-D array. UserError
// for an unknown letter, an empty dim or more than two axes; the layer's own dims are the
// caller's to check.
struct SpatialAxes {
    std::vector<std::string> rows, cols;
};
SpatialAxes spatial_axes(const std::string &text);

// Every spatial mapping of `layer` in preset notation: each ordered pair of its dims ("C|K") and
// each single dim ("K", a 1-D array), for callers that search for one that fits a given array.
std::vector<std::string> spatial_mappings(const ir::LayerSpec &layer);

}  // namespace tessera
