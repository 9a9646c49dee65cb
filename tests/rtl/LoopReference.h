// Plain C++ loops computing a layer exactly as docs/hardware.md and ir::PostOp define it: the
// independent reference the RTL is checked against when the Halide JIT reference is not used.
#pragma once

#include "ir/AcceleratorIR.h"

#include <cstdint>
#include <vector>

namespace tessera::rtl::test {

struct LayerData {
    std::vector<int8_t> input, weight;
    std::vector<int32_t> bias;
};

// Deterministic pseudo-random tensors for the problem's shapes.
LayerData random_layer_data(const ir::Problem &, uint32_t seed);

// Output in Halide order of O's shape, from the tensors' affine index functions.
std::vector<int8_t> loop_reference(const ir::Problem &, const LayerData &);

}  // namespace tessera::rtl::test
