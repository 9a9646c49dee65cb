// Cycles of the generated fused-group accelerator (rtl_backend/FusedDesign.h), from the same tile
// spans (ir::tile_spans) the fusion model counts with. The design runs its phases one after the
// other (docs/rtl.md, "Fused groups"), so its cycle count is a sum over tiles:
//   tile start 1; weights (first tile, or every tile when re-fetched): one DRAM word per cycle,
//   then the wait for the last response (latency + 1); fetch of the group input's produced rows:
//   1 + words, then the wait; per layer: stage 1 + window words, 1, and per produced output
//   position, group and lane block: C/groups x R x S terms + 1 + the block's lanes (post-op and
//   write, one lane per cycle); drain: 1 + 2 per output word, then the wait; next tile 1.
// A wait with nothing outstanding takes 1 cycle.
#pragma once

#include "ir/FusedGroup.h"

#include <cstdint>

namespace tessera::model {

int64_t fused_rtl_cycles(const ir::FusedGroup &g, int lanes, int dram_latency);

}  // namespace tessera::model
