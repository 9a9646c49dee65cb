// Small arithmetic shared by the model's counting (Model.cpp), timing (ModelCycles.cpp) and floor (EnergyFloor.cpp).
#pragma once

#include "ir/AcceleratorIR.h"
#include "ir/Architecture.h"
#include "LevelEnergy.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace tessera::model {

// Words of a level per element `bits` wide: wider elements (partial sums) cost several words.
inline double words_per_element(int bits, const ir::MemoryLevel &level) {
    return double(level.words_per_element(bits));
}

// Words the bias table loads from DRAM (each of acc_bits): one per bias word, with each its
// requant word and weight zero point where those are per channel (Problem::bias_load_words, the
// layout rtl LayerConfig gives the DMA); 0 without bias.
inline int64_t bias_table_words(const ir::Problem &problem) { return problem.bias_load_words(); }

// pJ of one bias-table word read from DRAM (an acc_bits word may span several DRAM words).
inline double bias_word_read_pj(const ir::Problem &problem, const ir::MemoryLevel &dram) {
    return words_per_element(problem.acc_bits, dram) * read_pj(dram);
}

// Bits of a tensor's element in DRAM: the output leaves as the post-op's out_bits, the operands
// are stored as they are read.
inline int dram_element_bits(const ir::Problem &problem, const ir::Tensor &tensor) {
    return tensor.role == ir::TensorRole::Output ? problem.post.out_bits : tensor.elem_bits;
}

inline int64_t product(const std::vector<int> &loops, const int64_t *extent) {
    int64_t p = 1;
    for (int l : loops) p *= extent[l];
    return p;
}

// The product over the loops before position `before` (a tile's refill position).
inline int64_t product_before(const std::vector<int> &loops, const int64_t *extent, int before) {
    int64_t p = 1;
    for (int l : loops)
        if (l < before) p *= extent[l];
    return p;
}

inline int64_t ceil_cycles(double words, double per_cycle) {
    double c = words / per_cycle;
    int64_t i = int64_t(c);
    return i + (double(i) < c);
}

}  // namespace tessera::model
