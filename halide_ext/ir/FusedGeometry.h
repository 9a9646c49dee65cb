// The tile geometry of a fused group, one axis at a time (y and x tile independently): which
// rows (columns) of every tensor each tile needs, which of them the previous tile along the axis
// already produced, and the tile classes with equal counts (first, interior, last, ...). The
// fusion model, the buffer sizes of place_group and the RTL backend read this one derivation.
#pragma once

#include "AcceleratorIR.h"

#include <cstdint>
#include <vector>

namespace tessera::ir {

// One layer along one axis.
struct AxisLayer {
    int64_t stride = 1, dilation = 1, kernel = 1, pad_lo = 0;
    int64_t in_extent = 1, out_extent = 1;
};

// Tensors are numbered 0 (the group's input) .. L (the last layer's output): layer l reads
// tensor l and writes tensor l + 1.
struct AxisClass {
    int64_t count = 0;                // tiles of this class along the axis
    std::vector<int64_t> needed;      // per tensor: rows the tile needs (halo included)
    std::vector<int64_t> fresh;       // per tensor: of those, rows the previous tile did not need
    // Per layer l: rows of tensor l that computing only the fresh rows of tensor l + 1 reads (the
    // input window of a cached axis; the cached overlap is the part of it that is not fresh).
    std::vector<int64_t> window;
    std::vector<int64_t> window_fresh;  // per layer: of the window, the rows that are fresh
    bool operator==(const AxisClass &o) const {
        return needed == o.needed && fresh == o.fresh && window == o.window && window_fresh == o.window_fresh;
    }
};

struct AxisTiling {
    int64_t tiles = 0;
    std::vector<AxisClass> classes;   // in order of first appearance
    std::vector<int64_t> max_needed;  // per tensor: the most rows any tile needs
};

// The half-open interval of tensor rows one tile needs, from the last tensor back (clamped to
// each tensor's extent). Exposed for the reference walks of the tests.
struct Interval {
    int64_t lo = 0, hi = 0;
    int64_t size() const { return hi > lo ? hi - lo : 0; }
};
std::vector<Interval> tile_intervals(const std::vector<AxisLayer> &layers, int64_t tile, int64_t index);

AxisTiling tile_axis(const std::vector<AxisLayer> &layers, int64_t tile);

// What one tile does along one axis, per tensor t (0: the group's input .. L: the output):
// `produced`, the rows of t the tile brings on chip (t = 0: fetched from DRAM, t > 0: computed by
// layer t - 1); on a cached axis only the rows the previous tile did not need (fresh), otherwise
// every row the tile needs. `read` (t < L): the rows of t layer t reads to produce its rows of
// t + 1 (the input window of produced[t + 1]). The RTL's tile tables are these intervals; the
// model's per-tile counts (tile_axis) are their sizes.
struct TileSpan {
    Interval produced, read;
};
std::vector<std::vector<TileSpan>> tile_spans(const std::vector<AxisLayer> &layers, int64_t tile, bool cached);

// The y (rows: H, R, stride_y, pad_top) or x (W, S, stride_x, pad_left) axis of each layer.
std::vector<AxisLayer> axis_layers(const std::vector<LayerSpec> &layers, bool y_axis);

// Channels of tensor t (0: the first layer's C, t > 0: layer t-1's K).
int64_t tensor_channels(const std::vector<LayerSpec> &layers, size_t t);

// A layer's weights and bias table as a fused group holds them, one int8 element or one byte of a
// 32-bit entry per DRAM word: the weights (K x C/groups x R x S), then the bias table's entries, 4
// bytes each. The table has an entry per output channel (a bias), two with per-channel
// requantization (the bias, then the requant word {shift[5:0], multiplier[25:0]}), none without a
// bias. The fusion model, the fused RTL's layout and its cycle model count these.
int64_t fused_weight_elements(const LayerSpec &l);
int64_t fused_bias_entries(const LayerSpec &l);
inline int64_t fused_weight_words(const LayerSpec &l) { return fused_weight_elements(l) + 4 * fused_bias_entries(l); }

}  // namespace tessera::ir
