// The CPU reference for a layer: the same algorithm (define_layer) JIT-compiled by Halide for the
// host. Simulations compare the accelerator's outputs with this bit for bit.
#pragma once

#include "ir/AcceleratorIR.h"

#include <HalideBuffer.h>

#include <cstdint>
#include <vector>

namespace tessera::gen {

struct LayerTensors {
    Halide::Runtime::Buffer<int8_t> input;    // input_shape(spec)
    Halide::Runtime::Buffer<int8_t> weights;  // weight_shape(spec)
    Halide::Runtime::Buffer<int32_t> bias;    // K
};

// Random int8 inputs and weights, random bias in [-2^15, 2^15), from a seed (deterministic).
LayerTensors random_tensors(const ir::LayerSpec &spec, uint64_t seed);

// Runs the layer with Halide's JIT; returns the int8 output (output_shape(spec)). A y_int32 layer
// is refused (std::invalid_argument): use reference_outputs.
Halide::Runtime::Buffer<int8_t> run_reference(const ir::LayerSpec &spec, const LayerTensors &t);

// The output values of any layer, dense in Halide order: int8 bytes sign-extended, or the int32
// outputs of a y_int32 layer.
std::vector<int32_t> reference_outputs(const ir::LayerSpec &spec, const LayerTensors &t);

}  // namespace tessera::gen
