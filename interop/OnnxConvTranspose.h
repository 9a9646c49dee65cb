// An ONNX ConvTranspose node's geometry (ir/SubPixel.h runs it as its sub-pixel conv).
#pragma once

#include "OnnxGraph.h"
#include "ir/SubPixel.h"

namespace tessera::interop::onnx_graph {

// X [N, C, H, W] (or [N, C, W]: 1-D), W [C, K/group, R, S] (or [C, K/group, S]); group, strides,
// dilations, pads, output_padding, output_shape and auto_pad as ONNX defines them (output_shape
// and auto_pad SAME give the pads). Fails in one line for 3-D, a group not dividing C, an extent
// out of range or an output smaller than one pixel.
ir::TransposedConv transposed_conv(const Graph &g, const onnx::NodeProto &n);

}  // namespace tessera::interop::onnx_graph
