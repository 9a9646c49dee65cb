// Loop indices of a mapping read literally, for the tests' reference walks: a dim's index and
// whether an iteration (or a tensor's lane) is inside every extent it depends on.
#pragma once

#include "ir/AcceleratorIR.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::model::test {

using Index = std::vector<int64_t>;  // one index per mapping loop

inline int64_t dim_index(const std::vector<ir::Loop> &loops, const Index &idx, const std::string &dim) {
    int64_t v = 0;
    for (size_t l = 0; l < loops.size(); ++l)
        if (loops[l].dim == dim) v += idx[l] * loops[l].stride;
    return v;
}

// Every dim of `t`'s index (or every dim, for a MAC: t null) is inside its extent.
inline bool valid_index(const ir::AcceleratorIR &ir, const Index &idx, const ir::Tensor *t) {
    for (const auto &d : ir.problem.dims) {
        if (t) {
            bool used = false;
            for (const auto &c : t->index) used |= c.coeff(d.name) != 0;
            if (!used) continue;
        }
        if (dim_index(ir.mapping.loops, idx, d.name) >= d.extent) return false;
    }
    return true;
}

// In-shape positions of the tile of `a` placed at loop `at` with box `box` that starts at this
// iteration (positions outside the tensor's shape are padding: no DRAM access).
template <typename Access>
int64_t tile_in_shape(const Access &a, int at, const std::vector<int64_t> &box, const Index &idx) {
    const ir::Tensor &t = *a.tensor;
    std::vector<int64_t> base(t.index.size()), pos(t.index.size(), 0);
    for (size_t c = 0; c < base.size(); ++c) {
        base[c] = t.index[c].offset;
        for (int l = 0; l < at; ++l) base[c] += a.coord_step[size_t(l)][c] * idx[size_t(l)];
    }
    int64_t inside = 0;
    for (;;) {
        bool in = true;
        for (size_t c = 0; c < base.size(); ++c)
            in &= base[c] + pos[c] >= 0 && base[c] + pos[c] < t.shape[c];
        inside += in;
        size_t c = 0;
        while (c < pos.size() && ++pos[c] == box[c]) pos[c++] = 0;
        if (c == pos.size()) break;
    }
    return inside;
}

}  // namespace tessera::model::test
