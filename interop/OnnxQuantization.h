// ONNX quantization as the importer reads it (OnnxImport.cpp): per-tensor and per-channel scales
// and zero points of QLinear* nodes and of QDQ-wrapped ones (DequantizeLinear -> node ->
// QuantizeLinear), turned into a LayerSpec's element types, zero points and fixed-point
// requantization (docs/quantization.md).
#pragma once

#include "OnnxGraph.h"
#include "ir/AcceleratorIR.h"

namespace tessera::interop::onnx_graph {

bool is_u8(int type);

// A per-tensor quantization parameter: one value (a per-channel one is named as unsupported).
double scalar(const Graph &g, const onnx::NodeProto &n, int input, const char *what, double if_absent);

// The weight zero point: one value, or one per output channel into channel_w_zero_point (`along`
// values, 0 for l.K, repeated over the K channels: a grouped ConvTranspose's W axis holds K/group).
void set_weight_zero_point(const Graph &g, const onnx::NodeProto &n, int input, const char *what, ir::LayerSpec &l,
                           int64_t along = 0);

// x_uint8 / w_uint8 from the element types of inputs x and w.
void set_element_types(const Graph &g, const onnx::NodeProto &n, int x, int w, ir::LayerSpec &l);

// One scale, or one per output channel (`channels`).
std::vector<double> weight_scales(const Graph &g, const onnx::NodeProto &n, int input, const char *what, int64_t channels);

// The requantization x_scale * w_scale / y_scale as a fixed-point multiplier and shift (per channel
// when there are several weight scales).
void set_requant(const onnx::NodeProto &n, double x_scale, const std::vector<double> &w_scales, double y_scale,
                 ir::LayerSpec &l);

// Where a layer's constant tensors sit: a node and its input (the layer's own node, or the
// DequantizeLinear in front of it in a QDQ model); node nullptr: none.
struct Source {
    const onnx::NodeProto *node = nullptr;
    int input = -1;
};
struct Sources {
    Source weights, bias;
};

// QDQ: DequantizeLinear(x), DequantizeLinear(w) [, DequantizeLinear(int32 bias)] -> node ->
// QuantizeLinear: the integer layer the quantization tools meant, its weights (and bias) the
// integers behind the DequantizeLinear nodes (into `from`). `w_axis`: the weights' output-channel
// axis, the axis a per-channel scale must run along. Returns false if the node is not wrapped so.
bool apply_qdq(const Graph &g, const onnx::NodeProto &n, int x, int w, int bias, int w_axis, ir::LayerSpec &l,
               Sources &from);

}  // namespace tessera::interop::onnx_graph
