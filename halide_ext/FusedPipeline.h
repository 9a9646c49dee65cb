// A fused group of layers as ONE Halide pipeline: each layer's algorithm (gen::define_layer)
// reading the previous layer's int8 output Func, plus the residual add of MobileNetV2 / ResNet
// blocks, and the group's schedule (tile loops over the last output; every producer compute_at /
// store_at the consumer's tile loops). Run through Halide's JIT it must equal running the layers
// one by one (run_layer_by_layer) bit for bit, whatever the tile and overlap mode.
#pragma once

#include "Reference.h"
#include "ir/FusedGroup.h"

#include <HalideBuffer.h>

#include <vector>

namespace tessera {

// The residual add, one definition for the fused pipeline and the layer-by-layer reference:
// int8 saturating sum of the block's output and its input.
int8_t residual_add(int8_t out, int8_t in);

// Weights and bias per layer (random_tensors' input of the first layer is the group's input).
struct GroupTensors {
    Halide::Runtime::Buffer<int8_t> input;
    std::vector<gen::LayerTensors> layers;
};
GroupTensors random_group_tensors(const std::vector<ir::LayerSpec> &layers, uint64_t seed);

// The group's pipeline with its schedule (g.tile_h, g.tile_w, g.overlap), JIT-compiled and run.
Halide::Runtime::Buffer<int8_t> run_fused(const ir::FusedGroup &g, const GroupTensors &t);

// Each layer through gen::run_reference, its int8 output the next one's input; then the residual.
Halide::Runtime::Buffer<int8_t> run_layer_by_layer(const ir::FusedGroup &g, const GroupTensors &t);

}  // namespace tessera
