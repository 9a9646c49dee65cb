// `simulate --onnx MODEL`: the model's own weights and biases (its initializers) for the layers a
// design runs, matched by node name; shared by single-layer and fused designs.
#pragma once

#include "ir/AcceleratorIR.h"
#include "sim/verilator/LayerData.h"

#include <map>
#include <string>
#include <vector>

namespace tessera::cli {

// Each layer's tensors from the ONNX model. A layer with no node of its name, or one whose node
// differs from it (shape or quantization), is a UserError naming it; a node whose weights Tessera
// does not read (a QDQ node's, behind a DequantizeLinear) is left out with a note on stderr.
// Without ONNX support built in: a UserError saying how to get it.
std::map<std::string, vsim::GivenTensors> onnx_tensors(const std::string &onnx, const std::vector<ir::LayerSpec> &layers);

// `simulate --onnx --save DIR`: a layer that is a ConvTranspose node's sub-pixel conv also gets
// DIR/<layer>/output_onnx.npy, its output interleaved as the node's [N, K, H, W] (docs/onnx.md).
void save_node_outputs(const std::string &onnx, const std::vector<ir::LayerSpec> &layers, const std::string &save_dir);

}  // namespace tessera::cli
