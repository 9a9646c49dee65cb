// Sum over the tiles of a buffer of the box positions that fall inside the tensor's shape: the
// DRAM reads of a fill (padding and tail positions are written as zero without a read).
#pragma once

#include <cstdint>

namespace tessera::model {

// Words of the box [base, base + box) inside [0, shape).
inline int64_t overlap(int64_t base, int64_t box, int64_t shape) {
    auto clamp = [shape](int64_t v) { return v < 0 ? 0 : (v > shape ? shape : v); };
    return clamp(base + box) - clamp(base);
}

// sum_{i < count} overlap(base + step * i, box, shape) for step > 0, in O(1).
int64_t overlap_sum(int64_t base, int64_t step, int64_t count, int64_t box, int64_t shape);

}  // namespace tessera::model
