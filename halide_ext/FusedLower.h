// A fused group from a network's rows: the `--fuse 'A..B' --tile RxC --overlap MODE` preset.
// Each layer's own mapping (inside a tile) is its preset schedule lowered to IR.
#pragma once

#include "Lower.h"
#include "ir/FusedGroup.h"

#include <string>
#include <utility>
#include <vector>

namespace tessera {

// 'A..B' with A and B layer names or 0-based positions: the first and last index. One-line
// UserError when a name is unknown or B comes before A (the group would not be consecutive).
std::pair<size_t, size_t> parse_fuse_range(const std::string &text, const std::vector<ir::LayerSpec> &network);

// 'RxC' (or 'N' for NxN): the tile of the group's output.
std::pair<int64_t, int64_t> parse_tile(const std::string &text);

// Layers first..last of `network` as a group, each layer lowered with `request` (a preset);
// `level` holds the intermediates. Throws UserError on a chain that is not one.
ir::FusedGroup lower_group(const std::vector<ir::LayerSpec> &network, size_t first, size_t last,
                           int64_t tile_h, int64_t tile_w, ir::Overlap overlap, bool residual,
                           int cores, const ScheduleRequest &request, const std::string &level);

// A group's schedule in text (group_schedule_text's form, docs/fusion.md): the last layer's
// `split(y, yo, yi, TH).split(x, xo, xi, TW)` and each producer's `compute_at(Ln-1, xo)` with
// `store_at(Ln-1, yo)` or `store_root()`. Sets the tile and the overlap mode, then re-places the
// group. One-line UserError naming the statement for anything else, e.g. a producer computed at a
// loop that is not its consumer's.
void apply_group_schedule(ir::FusedGroup &g, const std::string &text, const std::string &level);

}  // namespace tessera
