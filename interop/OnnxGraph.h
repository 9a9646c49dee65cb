// The ONNX graph as the importer reads it (OnnxImport.cpp): tensor shapes and types after shape
// inference, constant values, node attributes, and the one-line error that names a node.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace tessera::interop::onnx_graph {

// Every tensor's type after shape inference, the initializers and who produces / consumes what.
struct Graph {
    std::map<std::string, const onnx::TensorProto *> init;
    std::map<std::string, onnx::TypeProto> types;
    std::map<std::string, const onnx::NodeProto *> producer;
    std::map<std::string, std::vector<const onnx::NodeProto *>> consumers;
};

// The node's name, or its first output's when it has none.
std::string node_name(const onnx::NodeProto &n);

// A UserError naming the node and its op type, then `why`.
[[noreturn]] void fail(const onnx::NodeProto &n, const std::string &why);

// The shape of input `input` (an initializer's dims or the inferred shape); fails naming `what`
// when the input is missing or has no fixed shape.
std::vector<int64_t> shape_of(const Graph &g, const onnx::NodeProto &n, int input, const char *what);

// The element type (onnx::TensorProto::DataType) of input `input`; 0 when unknown.
int elem_type(const Graph &g, const onnx::NodeProto &n, int input);

// The values of a constant tensor (an initializer) as doubles; empty when the input is absent.
std::vector<double> constant_values(const Graph &g, const onnx::NodeProto &n, int input, const char *what);

// A Constant node's value as a tensor: its `value` attribute, or a tensor made in `made` from
// `value_float(s)` / `value_int(s)`; nullptr for the kinds that hold no numbers (sparse, strings).
const onnx::TensorProto *constant_node_value(const onnx::NodeProto &n, std::deque<onnx::TensorProto> &made);

// Attribute `name` of the node, or nullptr.
const onnx::AttributeProto *attribute(const onnx::NodeProto &n, const char *name);
std::vector<int64_t> ints(const onnx::NodeProto &n, const char *name, std::vector<int64_t> if_absent);
int64_t integer(const onnx::NodeProto &n, const char *name, int64_t if_absent);

// A conv-like node's spatial attribute in its 2-D form (one value per axis; pads two per axis,
// begins then ends), `if_absent` when not given. The count is checked against the node's rank; a
// 1-D node's values become those of a 1-pixel-high image: 1 for the height (pads: 0 around it).
std::vector<int64_t> spatial_ints(const onnx::NodeProto &n, const char *name, std::vector<int64_t> if_absent,
                                  bool one_d, bool pads = false);

// Only the attributes a node kind knows; anything else is named (it would change the result).
void check_attributes(const onnx::NodeProto &n, const std::set<std::string> &known);

}  // namespace tessera::interop::onnx_graph
