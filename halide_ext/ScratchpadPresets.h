// Row stationary with per-PE scratchpads: the `rs` preset on an architecture whose per-PE level
// gives each tensor its own scratchpad (Eyeriss's ifmap, filter and psum spads,
// examples/arch/eyeriss_16x16.json). The schedule has the form of examples/schedules/eyeriss_rs.sched,
// with its lanes, per-PE tiles and global-buffer tiles sized for the layer, so that one design runs
// every layer of a network (docs/schedules.md, "Presets with scratchpads").
#pragma once

#include "Lower.h"
#include "ir/AcceleratorIR.h"

#include <string>

namespace tessera {

// Whether the scratchpad form maps the layer: dense convs and fc layers (a depthwise or grouped
// conv takes the plain rs preset instead).
bool has_scratchpad_form(const ir::LayerSpec &layer);

// The schedule text, or a UserError naming the scratchpad or buffer that is too small. `glb_bytes`
// is the global buffer's tile budget. The layer has the scratchpad form (has_scratchpad_form).
std::string row_stationary_scratchpad_schedule(const ir::LayerSpec &layer, const ScheduleRequest &request,
                                               int64_t glb_bytes);

}  // namespace tessera
