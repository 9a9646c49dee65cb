#include "FusedCycles.h"

#include "ir/FusedGeometry.h"

#include <algorithm>

namespace tessera::model {

int64_t fused_rtl_cycles(const ir::FusedGroup &g, int lanes, int dram_latency) {
    const auto &layers = g.layers;
    const size_t L = layers.size();
    const bool cache_x = g.overlap != ir::Overlap::Recompute, cache_y = g.overlap == ir::Overlap::CacheHV;
    const auto sy = ir::tile_spans(ir::axis_layers(layers, true), g.tile_h, cache_y);
    const auto sx = ir::tile_spans(ir::axis_layers(layers, false), g.tile_w, cache_x);
    const std::string level = g.intermediates.empty() ? "GLB" : g.intermediates.front().level;
    const bool reload = g.weights_level != level;
    const int64_t wait = dram_latency + 1;
    int64_t weight_words = 0;
    for (const auto &l : layers) weight_words += ir::fused_weight_words(l);
    // A batch runs the tile grid once per image, every image alike except that resident weights
    // load before the first tile of the first image only.
    const int64_t images = std::max<int64_t>(layers.front().N, 1);
    int64_t cycles = 0;
    for (size_t ty = 0; ty < sy.size(); ++ty)
        for (size_t tx = 0; tx < sx.size(); ++tx) {
            const auto &y = sy[ty], &x = sx[tx];
            cycles += 1;  // tile start
            if (reload) cycles += weight_words + wait;
            const int64_t fetch = layers[0].C * y[0].produced.size() * x[0].produced.size();
            cycles += 1 + fetch + (fetch ? wait : 1);
            for (size_t l = 0; l < L; ++l) {
                const ir::LayerSpec &s = layers[l];
                cycles += 1 + s.C * y[l].read.size() * x[l].read.size() + 1;
                const int64_t cg = s.C / s.groups, kg = s.K / s.groups;
                const int64_t lane_count = std::min<int64_t>(lanes, kg);
                const int64_t blocks = (kg + lane_count - 1) / lane_count;
                const int64_t positions = y[l + 1].produced.size() * x[l + 1].produced.size();
                cycles += positions * s.groups * (blocks * (cg * s.R * s.S + 1) + kg);
            }
            const int64_t drain = layers.back().K * y[L].produced.size() * x[L].produced.size();
            cycles += 1 + 2 * drain + (drain ? wait : 1);
            cycles += 1;  // next tile
        }
    return images * cycles + (reload ? 0 : weight_words + wait);
}

}  // namespace tessera::model
