#include "FusedGroup.h"

#include "FusedGeometry.h"
#include "UserError.h"

#include <sstream>

namespace tessera::ir {

const char *to_string(Overlap o) {
    switch (o) {
    case Overlap::Recompute: return "recompute";
    case Overlap::CacheH: return "cache-h";
    case Overlap::CacheHV: return "cache-hv";
    }
    return "?";
}

Overlap overlap_from_string(const std::string &s) {
    if (s == "recompute") return Overlap::Recompute;
    if (s == "cache-h") return Overlap::CacheH;
    if (s == "cache-hv") return Overlap::CacheHV;
    throw UserError("unknown overlap mode '" + s + "' (use recompute, cache-h or cache-hv)");
}

bool Intermediate::operator==(const Intermediate &o) const {
    return producer == o.producer && level == o.level && compute_at == o.compute_at &&
           store_at == o.store_at && cache_x == o.cache_x && cache_y == o.cache_y &&
           buffer_words == o.buffer_words;
}

bool FusedGroup::operator==(const FusedGroup &o) const {
    return layers == o.layers && layer_irs == o.layer_irs && residual == o.residual &&
           tile_h == o.tile_h && tile_w == o.tile_w && overlap == o.overlap && cores == o.cores &&
           tile_loops == o.tile_loops && intermediates == o.intermediates &&
           weights_level == o.weights_level && schedule == o.schedule;
}

void check_chain(const std::vector<LayerSpec> &layers, bool residual) {
    if (layers.empty()) throw UserError("a fused group needs at least one layer");
    for (size_t i = 0; i < layers.size(); ++i) {
        const LayerSpec &l = layers[i];
        if (l.type == "fc")
            throw UserError("layer " + l.name + " cannot be fused: fused groups take conv, grouped conv "
                            "and dwconv layers (an fc layer has no rows or columns to tile); end the group before it");
        if (!l.channel_w_zero_point.empty())
            throw UserError("layer " + l.name + " cannot be fused: its weights have a zero point per output channel, "
                            "which the fused design's weight loads do not take yet; run it as a layer of its own");
        if (i == 0) continue;
        const LayerSpec &p = layers[i - 1];
        if (l.C != p.K || l.H != p.out_h() || l.W != p.out_w() || l.N != p.N)
            throw UserError("layers " + p.name + " and " + l.name + " are not consecutive: " + l.name +
                            " reads C=" + std::to_string(l.C) + " H=" + std::to_string(l.H) + " W=" +
                            std::to_string(l.W) + " N=" + std::to_string(l.N) + " but " + p.name +
                            " writes K=" + std::to_string(p.K) + " " + std::to_string(p.out_h()) + "x" +
                            std::to_string(p.out_w()) + " N=" + std::to_string(p.N) +
                            "; fuse only a chain where each layer reads the previous one's output");
    }
    const LayerSpec &f = layers.front(), &b = layers.back();
    if (residual && (f.C != b.K || f.H != b.out_h() || f.W != b.out_w()))
        throw UserError("--residual: the group's output (" + std::to_string(b.K) + "x" +
                        std::to_string(b.out_h()) + "x" + std::to_string(b.out_w()) +
                        ") does not have its input's shape (" + std::to_string(f.C) + "x" +
                        std::to_string(f.H) + "x" + std::to_string(f.W) + ")");
}

void place_group(FusedGroup &g, const std::string &level) {
    check_chain(g.layers, g.residual);
    const LayerSpec &last = g.layers.back();
    if (g.tile_h < 1 || g.tile_w < 1)
        throw UserError("tile " + std::to_string(g.tile_h) + "x" + std::to_string(g.tile_w) +
                        " must be at least 1x1");
    g.tile_h = std::min(g.tile_h, last.out_h());
    g.tile_w = std::min(g.tile_w, last.out_w());
    g.tile_loops = {{"y", (last.out_h() + g.tile_h - 1) / g.tile_h, g.tile_h, LoopKind::Temporal, "yo"},
                    {"x", (last.out_w() + g.tile_w - 1) / g.tile_w, g.tile_w, LoopKind::Temporal, "xo"}};
    const AxisTiling ty = tile_axis(axis_layers(g.layers, true), g.tile_h);
    const AxisTiling tx = tile_axis(axis_layers(g.layers, false), g.tile_w);
    g.intermediates.clear();
    for (size_t t = 1; t < g.layers.size(); ++t) {
        Intermediate m;
        m.producer = int(t - 1);
        m.level = level;
        m.compute_at = "xo";
        m.cache_x = g.overlap != Overlap::Recompute;
        m.cache_y = g.overlap == Overlap::CacheHV;
        m.store_at = m.cache_y ? "root" : m.cache_x ? "yo" : "xo";
        // cache-hv keeps the rows of the tile row above across the whole width (a line buffer).
        const int64_t cols = m.cache_y ? g.layers[t - 1].out_w() : tx.max_needed[t];
        m.buffer_words = tensor_channels(g.layers, t) * ty.max_needed[t] * cols;
        g.intermediates.push_back(m);
    }
    g.schedule = group_schedule_text(g);
}

std::string group_schedule_text(const FusedGroup &g) {
    // Layer funcs are named by their position (docs/fusion.md): L0 .. L{n-1}; the last one's
    // output is tiled and every producer is placed at its loops.
    std::ostringstream s;
    const size_t n = g.layers.size();
    s << "# fused group: " << g.layers.front().name << " .. " << g.layers.back().name << ", tile "
      << g.tile_h << "x" << g.tile_w << ", overlap " << to_string(g.overlap) << "\n";
    s << "L" << n - 1 << ".split(y, yo, yi, " << g.tile_h << ").split(x, xo, xi, " << g.tile_w
      << ").reorder(xi, yi, k, xo, yo);\n";
    for (const auto &m : g.intermediates) {
        s << "L" << m.producer;
        if (m.store_at != m.compute_at)
            s << ".store_" << (m.store_at == "root" ? "root()" : "at(L" + std::to_string(n - 1) + ", " + m.store_at + ")");
        s << ".compute_at(L" << n - 1 << ", " << m.compute_at << ");\n";
    }
    return s.str();
}

}  // namespace tessera::ir
