#include "FusedDesign.h"

#include "FusedRegisters.h"
#include "UserError.h"
#include "ir/FusedGeometry.h"

#include <algorithm>

namespace tessera::rtl {

const std::vector<std::string> &fused_counter_fields() {
    static const std::vector<std::string> names = {
        "macs", "onchip_output_writes", "onchip_input_reads", "cached_reads", "dram_input_reads",
        "onchip_input_fills", "dram_weight_reads", "onchip_weight_fills", "dram_output_writes", "residual_reads"};
    return names;
}

namespace {

int ceil_log2(int64_t v) {
    int b = 0;
    while ((int64_t(1) << b) < v) ++b;
    return b;
}

// Needs the quantized datapath: zero points, uint8, or a fixed-point requantization.
bool quantized(const ir::LayerSpec &l) { return l.quantized() || l.y_uint8 || l.y_zero_point || l.round_even; }

std::string group_name(const ir::FusedGroup &g) { return g.layers.front().name + ".." + g.layers.back().name; }

// What the fused RTL does not execute (yet), one line naming what to change.
void check_executable(const ir::FusedGroup &g) {
    const std::string what = "fused group " + group_name(g) + ": ";
    if (g.layers.size() > size_t(kFusedMaxLayers))
        throw UserError(what + std::to_string(g.layers.size()) + " layers; the fused RTL runs at most " +
                        std::to_string(kFusedMaxLayers) + ": use a shorter --fuse range");
    if (g.cores != 1)
        throw UserError(what + "the fused RTL has one array; use --cores 1");
    for (const auto &l : g.layers) {
        if (l.y_int32)
            throw UserError(what + "layer " + l.name + " outputs int32 (y_int32); a fused group passes int8 "
                            "activations: compile it layer by layer (without --fuse)");
        if (g.residual && quantized(l))
            throw UserError(what + "layer " + l.name + " is quantized and the group has --residual; the fused "
                            "RTL's residual add is an int8 saturating add, not a requantized one (QLinearAdd): "
                            "drop --residual or compile layer by layer");
        for (int64_t v : {l.H, l.W, l.out_h(), l.out_w(), l.C, l.K, l.N})
            if (v > 32767)
                throw UserError(what + "layer " + l.name + " has an extent (or N) above 32767; the fused RTL's "
                                "coordinates are 16 bits: use a smaller image");
    }
}

}  // namespace

FusedConfig fused_config(const ir::FusedGroup &g, int lanes) {
    ir::check_chain(g.layers, g.residual);
    check_executable(g);
    const auto &layers = g.layers;
    const size_t L = layers.size(), T = L + 1;
    const bool cache_x = g.overlap != ir::Overlap::Recompute, cache_y = g.overlap == ir::Overlap::CacheHV;
    const auto ay = ir::axis_layers(layers, true), ax = ir::axis_layers(layers, false);
    const auto sy = ir::tile_spans(ay, g.tile_h, cache_y), sx = ir::tile_spans(ax, g.tile_w, cache_x);
    const ir::AxisTiling ty = ir::tile_axis(ay, g.tile_h), tx = ir::tile_axis(ax, g.tile_w);

    // The residual add reads the group's input at the output's positions from the activation
    // memory: every tile's input rows must cover its output rows.
    if (g.residual)
        for (const auto &[axis, tile, n] : {std::tuple{&ay, g.tile_h, sy.size()}, {&ax, g.tile_w, sx.size()}})
            for (size_t j = 0; j < n; ++j) {
                const auto iv = ir::tile_intervals(*axis, tile, int64_t(j));
                if (iv[0].lo > iv[L].lo || iv[0].hi < iv[L].hi)
                    throw UserError("fused group " + group_name(g) + ": the residual add needs the group's input "
                                    "at the output's positions on chip, and a tile's input rows do not cover "
                                    "them; drop --residual or fuse layers with centred windows");
            }

    FusedConfig c;
    c.group = group_name(g);
    // DRAM: the group's input, each layer's weights and bias bytes, the output.
    FusedDram &d = c.dram;
    d.input_base = 0;
    // A batch is N images one after another, each (c, y, x), in and out.
    const int64_t images = layers[0].N;
    const int64_t input_image = layers[0].C * layers[0].H * layers[0].W;
    const int64_t output_image = layers.back().K * layers.back().out_h() * layers.back().out_w();
    d.input_words = images * input_image;
    int64_t at = d.input_words;
    for (const auto &l : layers) {
        d.weight_base.push_back(at);
        at += ir::fused_weight_elements(l);
        d.bias_base.push_back(at);
        at += 4 * ir::fused_bias_entries(l);
    }
    d.output_base = at;
    d.output_words = images * output_image;
    d.end = at + d.output_words;

    FusedRegisterWriter w(c.writes);
    w.global(FusedGlobal::Layers, L);
    w.global(FusedGlobal::TilesY, ty.tiles);
    w.global(FusedGlobal::TilesX, tx.tiles);
    w.global(FusedGlobal::InputDram, d.input_base);
    w.global(FusedGlobal::OutputDram, d.output_base);
    w.global(FusedGlobal::Residual, g.residual);
    const std::string level = g.intermediates.empty() ? "GLB" : g.intermediates.front().level;
    w.global(FusedGlobal::ReloadWeights, g.weights_level != level);
    w.global(FusedGlobal::Images, images);
    w.global(FusedGlobal::InputImageWords, input_image);
    w.global(FusedGlobal::OutputImageWords, output_image);

    int64_t wbase = 0, bbase = 0;
    for (size_t l = 0; l < L; ++l) {
        const ir::LayerSpec &s = layers[l];
        const int64_t cg = s.C / s.groups, kg = s.K / s.groups;
        const std::pair<FusedLayerField, int64_t> fields[] = {
            {FusedLayerField::C, s.C}, {FusedLayerField::K, s.K}, {FusedLayerField::Cg, cg},
            {FusedLayerField::Kg, kg}, {FusedLayerField::Groups, s.groups}, {FusedLayerField::R, s.R},
            {FusedLayerField::S, s.S}, {FusedLayerField::StrideY, s.stride_y()},
            {FusedLayerField::StrideX, s.stride_x()}, {FusedLayerField::DilationY, s.dilation_y()},
            {FusedLayerField::DilationX, s.dilation_x()}, {FusedLayerField::PadY, s.pad_y0()},
            {FusedLayerField::PadX, s.pad_x0()}, {FusedLayerField::H, s.H}, {FusedLayerField::W, s.W},
            {FusedLayerField::Lanes, std::min<int64_t>(lanes, kg)}, {FusedLayerField::KStride, cg * s.R * s.S},
            {FusedLayerField::WeightBase, wbase}, {FusedLayerField::BiasBase, bbase},
            {FusedLayerField::WeightDram, d.weight_base[l]}, {FusedLayerField::BiasDram, d.bias_base[l]},
            {FusedLayerField::WeightWords, ir::fused_weight_elements(s)}, {FusedLayerField::BiasEnable, s.bias},
            {FusedLayerField::Relu, s.relu}, {FusedLayerField::Shift, s.effective_shift()},
            {FusedLayerField::XUnsigned, s.x_uint8}, {FusedLayerField::XZero, s.x_zero_point},
            {FusedLayerField::WUnsigned, s.w_uint8}, {FusedLayerField::WZero, s.w_zero_point},
            {FusedLayerField::Multiplier, s.multiplier}, {FusedLayerField::RoundEven, s.round_even},
            {FusedLayerField::OutZero, s.y_zero_point}, {FusedLayerField::OutUnsigned, s.y_uint8},
            {FusedLayerField::ChannelRequant, !s.channel_multiplier.empty()}};
        for (const auto &[f, v] : fields) w.layer(f, l, v);
        wbase += ir::fused_weight_elements(s);
        bbase += ir::fused_bias_entries(s);
    }
    // Activation regions: tensor t holds channels x 2^ybits x 2^xbits words, addressed by its
    // coordinates modulo the region (a tile buffer, or a line buffer of the full width for
    // cache-hv); the region covers the most rows / columns any tile needs, so a tile's rows never
    // alias, and the rows a cached axis keeps are where the previous tile left them.
    int64_t act = 0;
    for (size_t t = 0; t < T; ++t) {
        const int64_t ch = ir::tensor_channels(layers, t);
        const int64_t width = t == 0 ? layers[0].W : layers[t - 1].out_w();
        const int64_t height = t == 0 ? layers[0].H : layers[t - 1].out_h();
        const int yb = ceil_log2(ty.max_needed[t]);
        const int xb = ceil_log2(cache_y ? width : tx.max_needed[t]);
        w.tensor(FusedTensorField::Base, t, act);
        w.tensor(FusedTensorField::YBits, t, yb);
        w.tensor(FusedTensorField::XBits, t, xb);
        w.tensor(FusedTensorField::Height, t, height);
        w.tensor(FusedTensorField::Width, t, width);
        act += ch << (yb + xb);
    }
    c.act_words = act;
    for (size_t l = 0; l < L; ++l) {
        int64_t ry = 0, rx = 0;
        for (const auto &s : sy) ry = std::max(ry, s[l].read.size());
        for (const auto &s : sx) rx = std::max(rx, s[l].read.size());
        c.win_words = std::max(c.win_words, layers[l].C * ry * rx);
    }
    // Tile tables: per tile index and tensor, the rows produced and the rows read.
    for (size_t j = 0; j < sy.size(); ++j)
        for (size_t t = 0; t < T; ++t) w.table(true, j * T + t, sy[j][t].produced, sy[j][t].read);
    for (size_t j = 0; j < sx.size(); ++j)
        for (size_t t = 0; t < T; ++t) w.table(false, j * T + t, sx[j][t].produced, sx[j][t].read);
    return c;
}

FusedDesignSpec fused_design_spec(const std::vector<ir::FusedGroup> &groups, const std::vector<FusedConfig> &configs,
                                  int lanes, int dram_latency) {
    FusedDesignSpec d;
    d.lanes = lanes;
    d.dram_latency = dram_latency;
    for (size_t i = 0; i < groups.size(); ++i) {
        const ir::FusedGroup &g = groups[i];
        const size_t T = g.layers.size() + 1;
        d.max_layers = std::max<int>(d.max_layers, int(g.layers.size()));
        d.act_words = std::max(d.act_words, configs[i].act_words);
        d.win_words = std::max(d.win_words, configs[i].win_words);
        int64_t wsum = 0, bsum = 0;
        for (const auto &l : g.layers) wsum += ir::fused_weight_elements(l), bsum += ir::fused_bias_entries(l);
        d.weight_words = std::max(d.weight_words, wsum);
        d.bias_words = std::max(d.bias_words, bsum);
        const int64_t tiles_y = (g.layers.back().out_h() + g.tile_h - 1) / g.tile_h;
        const int64_t tiles_x = (g.layers.back().out_w() + g.tile_w - 1) / g.tile_w;
        d.table_y = std::max<int64_t>(d.table_y, tiles_y * int64_t(T));
        d.table_x = std::max<int64_t>(d.table_x, tiles_x * int64_t(T));
        d.schedule += (d.schedule.empty() ? "" : "\n") + g.schedule;
        for (const auto &l : g.layers) d.quantized = d.quantized || quantized(l);
    }
    if (d.table_y > kFusedTableEntries || d.table_x > kFusedTableEntries)
        throw UserError("fused design: " + std::to_string(std::max(d.table_y, d.table_x)) +
                        " tile-table entries (tiles x tensors along an axis) exceed the register map's " +
                        std::to_string(kFusedTableEntries) + "; use a larger --tile");
    return d;
}

void check_fits(const FusedDesignSpec &d, const ir::FusedGroup &g, const FusedConfig &c) {
    auto need = [&](const char *what, int64_t used, int64_t have) {
        if (used > have)
            throw UserError("fused group " + c.group + " needs " + std::to_string(used) + " words of the " + what +
                            ", the design has " + std::to_string(have) + "; compile the design for this group");
    };
    need("activation memory", c.act_words, d.act_words);
    need("window memory", c.win_words, d.win_words);
    int64_t wsum = 0, bsum = 0;
    for (const auto &l : g.layers) wsum += ir::fused_weight_elements(l), bsum += ir::fused_bias_entries(l);
    need("weight memory", wsum, d.weight_words);
    need("bias memory", bsum, d.bias_words);
    for (const auto &l : g.layers)
        if (quantized(l) && !d.quantized)
            throw UserError("fused group " + c.group + ": layer " + l.name + " is quantized and the design has no "
                            "zero-point or requantization datapath; compile the design for this group");
    if (int(g.layers.size()) > d.max_layers)
        throw UserError("fused group " + c.group + " has more layers than the design (" + std::to_string(d.max_layers) +
                        "); compile the design for this group");
}

}  // namespace tessera::rtl
