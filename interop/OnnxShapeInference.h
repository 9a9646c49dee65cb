// The shapes of an ONNX model's tensors, as the importer reads them (OnnxImport.cpp): libonnx's
// shape inference with data propagation, after fixing a symbolic batch to 1 and refusing in one
// line the nodes that crash Debian 12's libonnx 1.13 inference (found by tests/fuzz/fuzz_onnx.sh).
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

namespace tessera::interop {

// Infers the shapes of `model` in place (value_info). A symbolic leading dimension of a graph
// input becomes 1, with a line in `notes`. Throws UserError naming `path` and the node for what
// libonnx would crash on (ranks of X and W that differ, W of fewer than 3 dims, strides,
// dilations, kernel sizes or groups below 1) and for an inference that fails.
void infer_shapes(onnx::ModelProto &model, const std::string &path, std::vector<std::string> &notes);

}  // namespace tessera::interop
