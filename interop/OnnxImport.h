// ONNX models as Tessera layers: every Conv, ConvTranspose (as its sub-pixel conv, ir/SubPixel.h),
// QLinearConv, ConvInteger, Gemm, MatMul, QLinearMatMul and MatMulInteger node (and Conv,
// ConvTranspose / MatMul wrapped in DequantizeLinear / QuantizeLinear, QDQ style) becomes a
// LayerSpec named by its node, after ONNX's own shape inference. Nothing downstream knows the format (../shared/DESIGN.md: interop produces layers).
#pragma once

#include "ir/AcceleratorIR.h"
#include "ir/SubPixel.h"

#include <optional>

#include <string>
#include <vector>

namespace tessera::interop {

// A layer's tensors as the model gives them, in Halide order (the layouts of gen::LayerTensors):
// weights from initializers (or given inputs), the input only when given (node tests), bias
// when the node has one. uint8 elements are held as their bytes.
struct OnnxTensors {
    std::vector<int8_t> input, weights;
    std::vector<int32_t> bias;
};

struct OnnxImport {
    std::vector<ir::LayerSpec> layers;
    std::vector<OnnxTensors> tensors;  // one per layer
    std::vector<std::string> skipped;  // "Relu x49", one entry per op type that is not a layer
    // Per layer: a ConvTranspose node's sub-pixel form (how its output interleaves), else none.
    std::vector<std::optional<ir::SubPixel>> sub_pixel;
    std::vector<std::string> notes;  // one line each, for stderr (how a node became a layer)
};

// Reads `path`; UserError (one line, naming the node and the attribute or input) for a malformed
// file or a node the datapath cannot run (e.g. per-channel weight scales, auto_pad on a kernel
// whose padding ONNX leaves to the runtime).
// `inputs`: TensorProto files (.pb, as ONNX's test_data_set_N/input_K.pb) giving graph inputs'
// values; those become constants (zero points, scales, weights) like initializers.
OnnxImport import_onnx(const std::string &path, const std::vector<std::string> &inputs = {});

// Reads a TensorProto file's values as int64 (any integer element type); its dims in `shape`.
std::vector<int64_t> read_tensor_file(const std::string &path, std::vector<int64_t> &shape);

// A float requantization scale as multiplier / 2^shift, exactly: the float32 value's 24-bit
// significand and its exponent (trailing zero bits dropped). A scale the shift range cannot
// hold (below 2^-62 or 2^31 and above) is a UserError naming `what`.
void fixed_point_scale(float scale, const std::string &what, int64_t &multiplier, int &shift);

// True when Tessera was built with ONNX (libonnx-dev); import_onnx throws otherwise.
bool onnx_available();

}  // namespace tessera::interop
