// ONNX models as Tessera layers: every Conv, QLinearConv, ConvInteger, Gemm, MatMul,
// QLinearMatMul and MatMulInteger node (and Conv / MatMul wrapped in DequantizeLinear /
// QuantizeLinear, QDQ style) becomes a LayerSpec named by its node, after ONNX's own shape
// inference. Nothing downstream knows the format (../shared/DESIGN.md: interop produces layers).
#pragma once

#include "ir/AcceleratorIR.h"

#include <string>
#include <vector>

namespace tessera::interop {

struct OnnxImport {
    std::vector<ir::LayerSpec> layers;
    std::vector<std::string> skipped;  // "Relu x49", one entry per op type that is not a layer
};

// Reads `path`; UserError (one line, naming the node and the attribute or input) for a malformed
// file or a node the datapath cannot run (e.g. per-channel weight scales, auto_pad on a kernel
// whose padding ONNX leaves to the runtime).
OnnxImport import_onnx(const std::string &path);

// A float requantization scale as multiplier / 2^shift, exactly: the float32 value's 24-bit
// significand and its exponent (trailing zero bits dropped). A scale the shift range cannot
// hold (below 2^-62 or 2^31 and above) is a UserError naming `what`.
void fixed_point_scale(float scale, const std::string &what, int64_t &multiplier, int &shift);

// True when Tessera was built with ONNX (libonnx-dev); import_onnx throws otherwise.
bool onnx_available();

}  // namespace tessera::interop
