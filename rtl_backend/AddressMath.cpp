#include "AddressMath.h"

namespace tessera::rtl {

std::vector<int64_t> box_strides(const std::vector<int64_t> &box) {
    std::vector<int64_t> s(box.size());
    int64_t stride = 1;
    for (size_t t = 0; t < box.size(); ++t) {
        s[t] = stride;
        stride *= box[t];
    }
    return s;
}

std::vector<int64_t> dense_strides(const std::vector<int64_t> &shape) { return box_strides(shape); }

std::vector<int64_t> glb_steps(const ir::NestAnalysis &nest, const ir::TensorAccess &a) {
    const auto strides = box_strides(a.box);
    std::vector<int64_t> step(nest.ir->mapping.loops.size(), 0);
    for (size_t l = size_t(a.buffer_at); l < step.size(); ++l)
        for (size_t t = 0; t < strides.size(); ++t) step[l] += a.coord_step[l][t] * strides[t];
    return step;
}

std::vector<std::vector<int64_t>> tile_steps(const ir::NestAnalysis &nest, const ir::TensorAccess &a) {
    std::vector<std::vector<int64_t>> step(nest.ir->mapping.loops.size(),
                                           std::vector<int64_t>(a.box.size(), 0));
    for (int l = 0; l < a.buffer_at; ++l) step[l] = a.coord_step[l];
    return step;
}

int64_t wrap_delta(const ir::NestAnalysis &nest, const std::vector<int64_t> &step, int l) {
    int64_t delta = step[l];
    for (int j : nest.temporal)
        if (j > l) delta -= (nest.ir->mapping.loops[j].extent - 1) * step[j];
    return delta;
}

int temporal_rank(const ir::NestAnalysis &nest, int pos) {
    int rank = 0;
    for (int l : nest.temporal)
        if (l < pos) ++rank;
    return rank;
}

bool back_to_back_psum(const ir::NestAnalysis &nest) {
    const ir::TensorAccess &out = nest.access(ir::TensorRole::Output);
    const int n = int(nest.ir->mapping.loops.size());
    if (ir::temporal_product(nest, out.stationary_from, n) != 1) return false;  // blocks > 1 cycle
    const auto step = glb_steps(nest, out);
    for (int l : nest.temporal) {
        if (l < out.buffer_at || l >= out.stationary_from) continue;  // tile change: drain between
        if (nest.ir->mapping.loops[l].extent > 1 && wrap_delta(nest, step, l) == 0) return true;
    }
    return false;
}

}  // namespace tessera::rtl
