#include "Analysis.h"

#include <algorithm>
#include <stdexcept>

namespace tessera::ir {

namespace {

[[noreturn]] void reject(const std::string &msg) { throw std::runtime_error(msg); }

TensorAccess analyze_tensor(const AcceleratorIR &ir, const NestAnalysis &nest, const Tensor &t) {
    const auto &loops = ir.mapping.loops;
    TensorAccess a;
    a.role = t.role;
    a.tensor = &t;
    a.coord_step.assign(loops.size(), std::vector<int64_t>(t.index.size(), 0));
    a.depends.assign(loops.size(), false);
    for (size_t l = 0; l < loops.size(); ++l) {
        for (size_t c = 0; c < t.index.size(); ++c) {
            int64_t coeff = t.index[c].coeff(loops[l].dim);
            if (coeff < 0)
                reject("tensor " + t.name + " has a negative coefficient for dim " + loops[l].dim +
                       ": only non-negative affine accesses are supported");
            a.coord_step[l][c] = coeff * loops[l].stride;
            if (coeff != 0) a.depends[l] = true;
        }
    }
    for (const auto &b : ir.mapping.buffers) {
        if (b.tensor != t.name) continue;
        if (a.buffer)
            reject("tensor " + t.name + " has more than one on-chip buffer (levels " +
                   a.buffer->level + ", " + b.level + "): this version supports one per tensor");
        a.buffer = &b;
    }
    if (!a.buffer)
        reject("tensor " + t.name + " has no on-chip buffer: place an in() wrapper (compute_at) "
               "or use a preset");
    a.buffer_at = a.buffer->at;
    if (a.buffer_at < 0 || a.buffer_at > int(loops.size()))
        reject("buffer of " + t.name + " is placed at loop " + std::to_string(a.buffer_at) +
               ", outside the nest");
    for (int l = 0; l < a.buffer_at; ++l)
        if (loops[l].kind != LoopKind::Temporal)
            reject("buffer of " + t.name + " is placed inside spatial loop " + loops[l].name +
                   ": buffers must enclose the PE array");
    if (a.buffer->box.size() != t.index.size())
        reject("buffer of " + t.name + " has " + std::to_string(a.buffer->box.size()) +
               " box dims, tensor has " + std::to_string(t.index.size()));
    a.box = a.buffer->box;

    a.stationary_from = int(loops.size());
    for (int i = int(nest.temporal.size()) - 1; i >= 0; --i) {
        int l = nest.temporal[i];
        if (a.depends[l]) break;
        a.stationary_from = l;
    }
    for (size_t l = 0; l < loops.size(); ++l) {
        if (loops[l].kind == LoopKind::Temporal || !a.depends[l]) continue;
        a.groups *= loops[l].extent;
    }
    a.shared_on_rows = nest.row_loop < 0 || !a.depends[nest.row_loop];
    a.shared_on_cols = nest.col_loop < 0 || !a.depends[nest.col_loop];
    return a;
}

}  // namespace

const TensorAccess &NestAnalysis::access(TensorRole role) const {
    for (const auto &t : tensors)
        if (t.role == role) return t;
    throw std::runtime_error("no tensor with that role");
}

int64_t temporal_product(const NestAnalysis &nest, int from, int to) {
    int64_t p = 1;
    for (int l : nest.temporal)
        if (l >= from && l < to) p *= nest.ir->mapping.loops[l].extent;
    return p;
}

NestAnalysis analyze(const AcceleratorIR &ir) {
    NestAnalysis nest;
    nest.ir = &ir;
    const auto &loops = ir.mapping.loops;
    for (size_t l = 0; l < loops.size(); ++l) {
        const Loop &loop = loops[l];
        ir.problem.dim(loop.dim);  // throws for an unknown dim
        if (loop.extent < 1) reject("loop " + loop.name + " has extent " + std::to_string(loop.extent));
        switch (loop.kind) {
        case LoopKind::Temporal:
            nest.temporal.push_back(int(l));
            nest.temporal_iterations *= loop.extent;
            break;
        case LoopKind::SpatialRow:
            if (nest.row_loop >= 0) reject("two loops are mapped to the array rows");
            nest.row_loop = int(l);
            nest.rows = loop.extent;
            break;
        case LoopKind::SpatialCol:
            if (nest.col_loop >= 0) reject("two loops are mapped to the array columns");
            nest.col_loop = int(l);
            nest.cols = loop.extent;
            break;
        }
    }
    for (TensorRole role : {TensorRole::Input, TensorRole::Weight, TensorRole::Output}) {
        nest.tensors.push_back(analyze_tensor(ir, nest, ir.problem.tensor(role)));
        nest.run_from = std::max(nest.run_from, nest.tensors.back().buffer_at);
    }

    const TensorAccess &out = nest.access(TensorRole::Output);
    for (int l : nest.temporal)
        if (l < out.buffer_at && !out.depends[l] && loops[l].extent > 1)
            reject("output buffer is placed inside reduction loop " + loops[l].name +
                   ": partial sums would travel to DRAM; place the output tile outside every "
                   "reduction loop");
    return nest;
}

}  // namespace tessera::ir
