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

}  // namespace tessera::model::test
