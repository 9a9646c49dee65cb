// The layer data of an RTL test: random tensors and the expected output from Halide's JIT run of
// the same layer (generators/Reference.h), as flat vectors in Halide (dense, innermost-first) order.
#pragma once

#include "ir/AcceleratorIR.h"

#include <cstdint>
#include <vector>

namespace tessera::rtl::test {

struct LayerData {
    std::vector<int8_t> input, weight;
    std::vector<int32_t> bias;      // empty if the layer has no bias
    std::vector<int8_t> expected;   // Halide JIT output
};

LayerData halide_layer_data(const ir::LayerSpec &, uint64_t seed);

}  // namespace tessera::rtl::test
