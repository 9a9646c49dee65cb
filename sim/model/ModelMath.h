// Small arithmetic shared by the model's counting (Model.cpp) and timing (ModelCycles.cpp).
#pragma once

#include "ir/AcceleratorIR.h"
#include "ir/Architecture.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace tessera::model {

// Words of a level per element `bits` wide: wider elements (partial sums) cost several words.
inline double words_per_element(int bits, const ir::MemoryLevel &level) {
    int word = std::max(1, level.word_bits);
    return double((bits + word - 1) / word);
}

// Words the bias table loads from DRAM (each of acc_bits): one per output channel, two with
// per-channel requantization (a requant word with each bias word: rtl LayerConfig); 0 without bias.
inline int64_t bias_table_words(const ir::Problem &problem) {
    return problem.post.bias ? problem.layer.K * (problem.post.per_channel() ? 2 : 1) : 0;
}

inline int64_t product(const std::vector<int> &loops, const int64_t *extent) {
    int64_t p = 1;
    for (int l : loops) p *= extent[l];
    return p;
}

inline int64_t ceil_cycles(double words, double per_cycle) {
    double c = words / per_cycle;
    int64_t i = int64_t(c);
    return i + (double(i) < c);
}

}  // namespace tessera::model
