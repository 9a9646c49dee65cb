#include "IrBuilder.h"

#include "ir/Analysis.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace tessera::model::test {

namespace {

ir::AffineExpr affine(std::vector<std::pair<std::string, int64_t>> terms, int64_t offset = 0) {
    std::map<std::string, int64_t> sorted(terms.begin(), terms.end());
    return {{sorted.begin(), sorted.end()}, offset};
}

std::vector<int64_t> tile_box(const ir::AcceleratorIR &ir, const ir::Tensor &t, int at, bool per_pe) {
    return ir::tile_box(ir.problem, t, ir.mapping, at, per_pe);
}

// Fills loops (strides from split order) and buffers (boxes from the loops inside them).
void place(ir::AcceleratorIR &ir, const std::vector<L> &loops, At at) {
    std::map<std::string, int64_t> stride;
    std::vector<ir::Loop> out(loops.size());
    for (int l = int(loops.size()) - 1; l >= 0; --l) {
        int64_t &s = stride.try_emplace(loops[l].dim, 1).first->second;
        out[l] = {loops[l].dim, loops[l].extent, s, loops[l].kind, loops[l].dim + std::to_string(l)};
        s *= loops[l].extent;
    }
    ir.mapping.loops = out;
    for (const auto &t : ir.problem.tensors) {
        int a = t.role == ir::TensorRole::Input ? at.I : t.role == ir::TensorRole::Weight ? at.W : at.O;
        ir.mapping.buffers.push_back({t.name, "GLB", a, tile_box(ir, t, a, false)});
    }
}

}  // namespace

void add_buffer(ir::AcceleratorIR &ir, const std::string &tensor, const std::string &level, int at,
                bool per_pe) {
    for (const auto &t : ir.problem.tensors)
        if (t.name == tensor) ir.mapping.buffers.push_back({tensor, level, at, tile_box(ir, t, at, per_pe)});
}

ir::LayerSpec random_small_layer(std::mt19937 &rng) {
    auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    ir::LayerSpec l;
    l.type = pick(0, 3) == 0 ? "dwconv" : "conv";
    l.N = pick(1, 2);
    l.K = pick(1, 5);
    l.C = l.type == "dwconv" ? l.K : pick(1, 5);
    l.groups = l.type == "dwconv" ? l.K : 1;
    l.R = pick(1, 3);
    l.S = pick(1, 3);
    l.stride = pick(1, 2);
    l.pad = pick(0, 1);
    l.H = pick(l.R, 6);
    l.W = pick(l.S, 6);
    l.bias = pick(0, 1);
    return l;
}

ir::Architecture four_level_architecture() {
    ir::Architecture a = round_architecture();
    ir::MemoryLevel l2 = a.levels[1];
    l2.name = "L2";
    l2.size_bytes = 256 * 1024;
    l2.read_pj = l2.write_pj = 5;
    a.levels.insert(a.levels.begin() + 1, l2);
    a.levels.back().per_pe = true;
    return a;
}

ir::AcceleratorIR conv_ir(const ir::LayerSpec &layer, const std::vector<L> &loops, At at) {
    ir::AcceleratorIR ir;
    ir::Problem &p = ir.problem;
    p.layer = layer;
    const bool dw = layer.type == "dwconv";
    const int64_t P = layer.out_h(), Q = layer.out_w();
    p.dims = {{"n", layer.N, false}, {"k", layer.K, false}};
    if (!dw) p.dims.push_back({"c", layer.C / layer.groups, true});
    p.dims.push_back({"y", P, false});
    p.dims.push_back({"x", Q, false});
    p.dims.push_back({"r", layer.R, true});
    p.dims.push_back({"s", layer.S, true});
    const int64_t st = layer.stride, pad = layer.pad;
    const std::string channel = dw ? "k" : "c";
    p.tensors = {
        {"I", ir::TensorRole::Input, 8, {layer.W, layer.H, layer.C, layer.N},
         {affine({{"x", st}, {"s", 1}}, -pad), affine({{"y", st}, {"r", 1}}, -pad),
          affine({{channel, 1}}), affine({{"n", 1}})}},
        {"W", ir::TensorRole::Weight, 8, {layer.S, layer.R, dw ? layer.K : layer.C, dw ? 1 : layer.K},
         {affine({{"s", 1}}), affine({{"r", 1}}), affine({{channel, 1}}),
          dw ? affine({}) : affine({{"k", 1}})}},
        {"O", ir::TensorRole::Output, 32, {Q, P, layer.K, layer.N},
         {affine({{"x", 1}}), affine({{"y", 1}}), affine({{"k", 1}}), affine({{"n", 1}})}},
    };
    p.post = {layer.bias, layer.relu, layer.effective_shift(), 8};
    place(ir, loops, at);
    return ir;
}

ir::AcceleratorIR gemm_ir(int64_t M, int64_t N, int64_t K, const std::vector<L> &loops, At at,
                          bool bias) {
    ir::AcceleratorIR ir;
    ir::Problem &p = ir.problem;
    p.layer.name = "gemm";
    p.layer.type = "fc";
    p.layer.N = M;
    p.layer.C = K;
    p.layer.K = N;
    p.layer.bias = bias;
    p.dims = {{"m", M, false}, {"n", N, false}, {"k", K, true}};
    p.tensors = {
        {"I", ir::TensorRole::Input, 8, {K, M}, {affine({{"k", 1}}), affine({{"m", 1}})}},
        {"W", ir::TensorRole::Weight, 8, {N, K}, {affine({{"n", 1}}), affine({{"k", 1}})}},
        {"O", ir::TensorRole::Output, 32, {N, M}, {affine({{"n", 1}}), affine({{"m", 1}})}},
    };
    p.post = {bias, false, 0, 8};
    place(ir, loops, at);
    return ir;
}

std::vector<L> whole_dims(const ir::AcceleratorIR &ir, const std::vector<std::string> &order) {
    std::vector<L> loops;
    for (const auto &d : order) loops.push_back({d, ir.problem.dim(d).extent});
    return loops;
}

ir::Architecture round_architecture() {
    ir::Architecture a;
    a.name = "round";
    a.rows = 8;
    a.cols = 8;
    a.levels = {
        {"DRAM", 0, 8, 1, 100.0, 100.0, 1.0, false, {}},
        {"GLB", 1 << 20, 32, 1, 10.0, 12.0, 1e9, false, {}},
        {"RF", 64, 32, 1, 1.0, 2.0, 1.0, false, {}},
    };
    a.mac_pj = 0.5;
    a.hop_pj = 0.25;
    a.dram_latency_cycles = 4;
    return a;
}

}  // namespace tessera::model::test
