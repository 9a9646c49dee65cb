// Fused groups for the fused-RTL tests: groups of the example networks or random chains, compiled
// into ONE design (one Verilator build) and each run and checked (sim/verilator/SimulateFused).
#pragma once

#include "ir/Architecture.h"
#include "ir/FusedGroup.h"
#include "sim/verilator/SimulateFused.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tessera::test {

// Layers first..last of examples/networks/<file> as a group, each layer's mapping its os preset;
// a batch of `images`; quantized by quantize(.., quantize_seed) unless that is 0.
ir::FusedGroup example_group(const std::string &file, size_t first, size_t last, int64_t tile_h, int64_t tile_w,
                             ir::Overlap overlap, bool residual, int64_t images = 1, uint64_t quantize_seed = 0);

// Random ONNX-style quantization of a chain from `seed`: uint8 or int8 activations and weights with
// zero points, a fixed-point multiplier and shift (with `per_channel`, per output channel in about
// half the layers), either rounding; each layer reads its predecessor's output type and zero point.
void quantize(std::vector<ir::LayerSpec> &chain, uint64_t seed, bool per_channel = true);

// A random chain of 2 or 3 small conv / grouped / dwconv layers (same-size or strided, 1x1 / 3x3 /
// 5x5, tails, sometimes a batch of 2, sometimes quantized), a random tile and mode, from `seed`.
ir::FusedGroup random_group(uint64_t seed);

// Compiles every group (group i on archs[i], or archs[0] for all) into one design of 4 lanes whose
// memories are at least the shared test sizes (so the tests share one cached Verilator build), builds
// it once and runs each group.
// `given`: weights and biases by layer name instead of the seed's (simulate --onnx).
std::vector<vsim::FusedOutcome> run_groups(std::vector<ir::FusedGroup> groups, const std::vector<ir::Architecture> &archs,
                                           uint64_t seed, const std::map<std::string, vsim::GivenTensors> &given = {});

}  // namespace tessera::test
