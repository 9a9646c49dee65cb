// The tensors a simulated layer runs on: random int8 inputs and weights from a seed (the default),
// or the user's own .npy files; and the .npy files a run leaves behind (docs/simulate.md,
// "Bringing your own tensors").
#pragma once

#include "Harness.h"
#include "Reference.h"
#include "ir/AcceleratorIR.h"

#include <cstdint>
#include <map>
#include <vector>
#include <string>

namespace tessera::vsim {

// A layer's own weights and bias (Halide order, uint8 held as its bytes), e.g. an ONNX model's
// initializers (simulate --onnx).
struct GivenTensors {
    std::vector<int8_t> weights;
    std::vector<int32_t> bias;
};

struct TensorSource {
    uint64_t seed = 1;
    std::string npy_dir;  // if set: <npy_dir>/<layer_file_stem>/input.npy (required), weights.npy
                          // and bias.npy (each drawn from the seed when absent)
    std::map<std::string, GivenTensors> given;  // by layer name: weights and bias instead of the seed's
};

// Replaces t's weights and bias by the given ones of the layer, if any (UserError when their sizes
// do not match the layer's).
void apply_given(const std::map<std::string, GivenTensors> &given, const ir::LayerSpec &, gen::LayerTensors &t);

// A layer name as a directory name, the stem of its config file in a compiled design
// ("/layer1/layer1.0/conv1/Conv" -> "layer1_layer1.0_conv1_Conv").
std::string layer_file_stem(const std::string &layer);

// The tensors of the layer at position `index` of its design (the position varies the seed, so
// every layer of a network gets its own data and `--layer` reproduces the full run's data).
// Throws UserError naming the file and the expected NumPy shape and dtype on a bad .npy.
gen::LayerTensors layer_tensors(const TensorSource &, const ir::LayerSpec &, size_t index);

// Checks up front (before a long build and run) that every layer has its input file when tensors
// come from .npy files; throws the same UserError layer_tensors would.
void check_npy_inputs(const TensorSource &, const std::vector<ir::LayerSpec> &);

// The same tensors as the DRAM model holds them (Halide order, one element per word; no bias
// words when the layer has no bias).
LayerTensors dram_tensors(const gen::LayerTensors &, const ir::LayerSpec &);

// Writes <dir>/<layer_file_stem>/{input,weights,bias,output,reference}.npy: the tensors the
// layer ran on, the accelerator's output and Halide's.
void save_layer_npy(const std::string &dir, const ir::LayerSpec &, const gen::LayerTensors &,
                    const std::vector<int32_t> &output, const std::vector<int32_t> &reference, int out_bits);

}  // namespace tessera::vsim
