#include "FusedGeometry.h"

#include <algorithm>

namespace tessera::ir {

namespace {

// Rows of the input a layer reads to compute output rows [lo, hi), clamped to the input.
Interval input_window(const AxisLayer &a, Interval out) {
    if (out.size() == 0) return {0, 0};
    const int64_t lo = out.lo * a.stride - a.pad_lo;
    const int64_t hi = (out.hi - 1) * a.stride - a.pad_lo + (a.kernel - 1) * a.dilation + 1;
    return {std::max<int64_t>(lo, 0), std::min(hi, a.in_extent)};
}

}  // namespace

std::vector<Interval> tile_intervals(const std::vector<AxisLayer> &layers, int64_t tile, int64_t index) {
    const size_t L = layers.size();
    std::vector<Interval> iv(L + 1);
    iv[L] = {index * tile, std::min((index + 1) * tile, layers.back().out_extent)};
    for (size_t l = L; l-- > 0;) {
        // Bounds inference of out(y) = sum in(y*stride + r*dilation - pad): the window of the
        // first and the last row, clamped to the rows that exist (the rest is padding).
        iv[l] = input_window(layers[l], iv[l + 1]);
    }
    return iv;
}

std::vector<std::vector<TileSpan>> tile_spans(const std::vector<AxisLayer> &layers, int64_t tile, bool cached) {
    const size_t T = layers.size() + 1;
    const int64_t tiles = (layers.back().out_extent + tile - 1) / tile;
    std::vector<std::vector<TileSpan>> spans;
    std::vector<Interval> prev;
    for (int64_t j = 0; j < tiles; ++j) {
        const std::vector<Interval> iv = tile_intervals(layers, tile, j);
        std::vector<TileSpan> s(T);
        for (size_t k = 0; k < T; ++k) {
            // Intervals only move forward along the axis: what the previous tile needed ends at
            // prev.hi, and everything above it is new.
            const int64_t from = !cached || j == 0 ? iv[k].lo : std::max(iv[k].lo, prev[k].hi);
            s[k].produced = {from, iv[k].hi};
        }
        for (size_t l = 0; l + 1 < T; ++l) s[l].read = input_window(layers[l], s[l + 1].produced);
        spans.push_back(s);
        prev = iv;
    }
    return spans;
}

AxisTiling tile_axis(const std::vector<AxisLayer> &layers, int64_t tile) {
    AxisTiling t;
    const size_t T = layers.size() + 1;
    const auto fresh = tile_spans(layers, tile, true);
    t.tiles = int64_t(fresh.size());
    t.max_needed.assign(T, 0);
    for (int64_t j = 0; j < t.tiles; ++j) {
        const std::vector<Interval> iv = tile_intervals(layers, tile, j);
        const std::vector<TileSpan> &f = fresh[size_t(j)];
        AxisClass c;
        c.count = 1;
        for (size_t k = 0; k < T; ++k) {
            c.needed.push_back(iv[k].size());
            c.fresh.push_back(f[k].produced.size());
            t.max_needed[k] = std::max(t.max_needed[k], iv[k].size());
        }
        for (size_t l = 0; l + 1 < T; ++l) {
            const Interval w = f[l].read;
            c.window.push_back(w.size());
            c.window_fresh.push_back(
                Interval{std::max(w.lo, f[l].produced.lo), std::min(w.hi, f[l].produced.hi)}.size());
        }
        auto same = std::find(t.classes.begin(), t.classes.end(), c);
        if (same != t.classes.end()) ++same->count;
        else t.classes.push_back(c);
    }
    return t;
}

std::vector<AxisLayer> axis_layers(const std::vector<LayerSpec> &layers, bool y_axis) {
    std::vector<AxisLayer> out;
    for (const auto &l : layers) {
        AxisLayer a;
        a.stride = y_axis ? l.stride_y() : l.stride_x();
        a.dilation = y_axis ? l.dilation_y() : l.dilation_x();
        a.kernel = y_axis ? l.R : l.S;
        a.pad_lo = y_axis ? l.pad_y0() : l.pad_x0();
        a.in_extent = y_axis ? l.H : l.W;
        a.out_extent = y_axis ? l.out_h() : l.out_w();
        out.push_back(a);
    }
    return out;
}

int64_t tensor_channels(const std::vector<LayerSpec> &layers, size_t t) {
    return t == 0 ? layers.front().C : layers[t - 1].K;
}

int64_t fused_weight_elements(const LayerSpec &l) { return l.K * (l.C / l.groups) * l.R * l.S; }

int64_t fused_bias_entries(const LayerSpec &l) {
    if (!l.bias) return 0;
    return l.K * (l.channel_multiplier.empty() ? 1 : 2);
}

}  // namespace tessera::ir
