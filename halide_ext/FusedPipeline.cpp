#include "FusedPipeline.h"

#include "Layers.h"
#include "UserError.h"

#include <Halide.h>

#include <algorithm>

namespace tessera {

using namespace Halide;

int8_t residual_add(int8_t out, int8_t in) {
    return int8_t(std::clamp(int(out) + int(in), -128, 127));
}

GroupTensors random_group_tensors(const std::vector<ir::LayerSpec> &layers, uint64_t seed) {
    GroupTensors t;
    for (size_t l = 0; l < layers.size(); ++l) {
        t.layers.push_back(gen::random_tensors(layers[l], seed + 7919 * l));
        if (l == 0) t.input = t.layers[0].input;
    }
    return t;
}

namespace {

const Target &jit_target() {
    // Halide 14's host detection may claim AVX512-FP16 on AMD EPYC (../shared/TOOLCHAIN.md).
    static const Target t = get_jit_target_from_environment().without_feature(Target::AVX512_SapphireRapids);
    return t;
}

// A layer's output as (x, y, channel, n): a grouped conv's (x, y, k in group, group, n) with the
// channel k + group * K/groups, as the next layer reads it.
Runtime::Buffer<int8_t> channels_of(const Runtime::Buffer<int8_t> &out) {
    if (out.dimensions() == 4) return out;
    const int kg = out.dim(2).extent();
    Runtime::Buffer<int8_t> c(out.dim(0).extent(), out.dim(1).extent(), kg * out.dim(3).extent(), out.dim(4).extent());
    c.for_each_element([&](int x, int y, int ch, int n) { c(x, y, ch, n) = out(x, y, ch % kg, ch / kg, n); });
    return c;
}

}  // namespace

Runtime::Buffer<int8_t> run_fused(const ir::FusedGroup &g, const GroupTensors &t) {
    ir::check_chain(g.layers, g.residual);
    const size_t L = g.layers.size();
    ImageParam input(Int(8), 4, "input");
    std::vector<ImageParam> weights, bias;
    std::vector<gen::LayerFuncs> f(L);
    Var x("x"), y("y"), k("k"), n("n");
    // A grouped conv's output is (x, y, k in group, group, n); the next layer, the residual add and
    // the group's result read it as channels k + group * K/groups, the same memory.
    auto as_channels = [&](size_t l) -> Func {
        const ir::LayerSpec &s = g.layers[l];
        if (!s.grouped()) return f[l].output;
        const int kg = int(s.K / s.groups);
        Func channels("L" + std::to_string(l) + "_channels");
        channels(x, y, k, n) = f[l].output(x, y, k % kg, k / kg, n);
        return channels;
    };
    const ir::LayerSpec &first = g.layers.front(), &last = g.layers.back();
    // The last layer is computed inside a wrapper (the residual add, the channel view), per element.
    const bool wrapped = g.residual || last.grouped();
    Func prev = input;
    for (size_t l = 0; l < L; ++l) {
        weights.emplace_back(Int(8), 4, "weights" + std::to_string(l));
        bias.emplace_back(Int(32), 1, "bias" + std::to_string(l));
        f[l].output = Func("L" + std::to_string(l));
        gen::define_layer(g.layers[l], f[l], prev, weights[l], bias[l]);
        // define_layer bounds every output to its full extent; a producer inside the group is
        // computed per tile, so only the group's output keeps its bounds.
        if (l + 1 < L || wrapped) f[l].output.function().schedule().bounds().clear();
        if (l + 1 < L) f[l].acc.compute_at(f[l].output, f[l].y);
        prev = as_channels(l);
    }
    Func out = prev;
    if (g.residual) {
        out = Func("residual");
        Expr sum = cast<int16_t>(prev(x, y, k, n)) + cast<int16_t>(input(x, y, k, n));
        out(x, y, k, n) = cast<int8_t>(clamp(sum, -128, 127));
    }
    if (wrapped) {
        out.bound(x, 0, int(last.out_w())).bound(y, 0, int(last.out_h())).bound(k, 0, int(last.K)).bound(n, 0, int(first.N));
        f[L - 1].output.compute_inline();
    }
    // The group's schedule: tile loops over the output, each producer at the consumer's loops; a
    // batch runs the tile grid once per image (n outermost).
    const Var &ox = wrapped ? x : f[L - 1].x, &oy = wrapped ? y : f[L - 1].y, &ok = wrapped ? k : f[L - 1].k,
              &on = wrapped ? n : f[L - 1].n;
    Var xo("xo"), yo("yo"), xi("xi"), yi("yi");
    out.split(oy, yo, yi, int(g.tile_h)).split(ox, xo, xi, int(g.tile_w)).reorder(xi, yi, ok, xo, yo, on);
    f[L - 1].acc.compute_at(out, xo);  // the last layer's accumulation, one tile at a time
    for (size_t l = 0; l + 1 < L; ++l) {
        Func &p = f[l].output;
        switch (g.overlap) {
        case ir::Overlap::Recompute: p.compute_at(out, xo); break;
        case ir::Overlap::CacheH: p.store_at(out, yo).compute_at(out, xo); break;
        case ir::Overlap::CacheHV: p.store_root().compute_at(out, xo); break;
        }
    }
    input.set(Buffer<int8_t>(*t.input.raw_buffer()));
    for (size_t l = 0; l < L; ++l) {
        weights[l].set(Buffer<int8_t>(*t.layers[l].weights.raw_buffer()));
        bias[l].set(Buffer<int32_t>(*t.layers[l].bias.raw_buffer()));
    }
    Runtime::Buffer<int8_t> result(int(last.out_w()), int(last.out_h()), int(last.K), int(first.N));
    Buffer<int8_t> view(*result.raw_buffer());
    try {
        out.realize(view, jit_target());
    } catch (const Halide::CompileError &e) {
        throw UserError(std::string("fused pipeline: Halide refused the schedule: ") + e.what());
    }
    return result;
}

Runtime::Buffer<int8_t> run_layer_by_layer(const ir::FusedGroup &g, const GroupTensors &t) {
    ir::check_chain(g.layers, g.residual);
    Runtime::Buffer<int8_t> act = t.input;
    for (size_t l = 0; l < g.layers.size(); ++l) {
        gen::LayerTensors lt{act, t.layers[l].weights, t.layers[l].bias};
        act = channels_of(gen::run_reference(g.layers[l], lt));
    }
    if (g.residual) {
        Runtime::Buffer<int8_t> sum(act.width(), act.height(), act.channels(), act.dim(3).extent());
        sum.for_each_element([&](int x, int y, int c, int n) {
            sum(x, y, c, n) = residual_add(act(x, y, c, n), t.input(x, y, c, n));
        });
        return sum;
    }
    return act;
}

}  // namespace tessera
