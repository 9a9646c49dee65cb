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

}  // namespace

Runtime::Buffer<int8_t> run_fused(const ir::FusedGroup &g, const GroupTensors &t) {
    ir::check_chain(g.layers, g.residual);
    const size_t L = g.layers.size();
    ImageParam input(Int(8), 4, "input");
    std::vector<ImageParam> weights, bias;
    std::vector<gen::LayerFuncs> f(L);
    Func prev = input;
    for (size_t l = 0; l < L; ++l) {
        weights.emplace_back(Int(8), 4, "weights" + std::to_string(l));
        bias.emplace_back(Int(32), 1, "bias" + std::to_string(l));
        f[l].output = Func("L" + std::to_string(l));
        gen::define_layer(g.layers[l], f[l], prev, weights[l], bias[l]);
        // define_layer bounds every output to its full extent; a producer inside the group is
        // computed per tile, so only the group's output keeps its bounds.
        if (l + 1 < L || g.residual) f[l].output.function().schedule().bounds().clear();
        if (l + 1 < L) f[l].acc.compute_at(f[l].output, f[l].y);
        prev = f[l].output;
    }
    Var x("x"), y("y"), k("k"), n("n");
    Func out = prev;
    if (g.residual) {
        const ir::LayerSpec &first = g.layers.front();
        out = Func("residual");
        Expr sum = cast<int16_t>(prev(x, y, k, n)) + cast<int16_t>(input(x, y, k, n));
        out(x, y, k, n) = cast<int8_t>(clamp(sum, -128, 127));
        out.bound(x, 0, int(first.W)).bound(y, 0, int(first.H)).bound(k, 0, int(first.C)).bound(n, 0, 1);
        // The last layer is computed with the add, per element.
        f[L - 1].output.compute_inline();
    }
    // The group's schedule: tile loops over the output, each producer at the consumer's loops.
    const Var &ox = g.residual ? x : f[L - 1].x, &oy = g.residual ? y : f[L - 1].y,
              &ok = g.residual ? k : f[L - 1].k, &on = g.residual ? n : f[L - 1].n;
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
    const ir::LayerSpec &last = g.layers.back();
    Runtime::Buffer<int8_t> result(int(last.out_w()), int(last.out_h()), int(last.K), 1);
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
        act = gen::run_reference(g.layers[l], lt);
    }
    if (g.residual) {
        Runtime::Buffer<int8_t> sum(act.width(), act.height(), act.channels(), 1);
        sum.for_each_element([&](int x, int y, int c, int n) {
            sum(x, y, c, n) = residual_add(act(x, y, c, n), t.input(x, y, c, n));
        });
        return sum;
    }
    return act;
}

}  // namespace tessera
