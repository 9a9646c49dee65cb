#include "OnnxShapeInference.h"

#include "OnnxGraph.h"
#include "UserError.h"

#include <onnx/shape_inference/implementation.h>

#include <deque>
#include <map>
#include <set>

namespace tessera::interop {

namespace {

using onnx::NodeProto;
using onnx::TensorProto;

using namespace onnx_graph;

// Exporters leave the batch symbolic ("batch_size", "N"): the leading dimension of a graph input
// without a value is 1 (with a note), wherever its name appears; any other symbolic dimension
// stays and is named by shape_of's error.
void fix_batch_dims(onnx::ModelProto &model, std::vector<std::string> &notes) {
    onnx::GraphProto &graph = *model.mutable_graph();
    std::set<std::string> initializers, names;
    for (const auto &t : graph.initializer()) initializers.insert(t.name());
    bool unnamed = false;
    for (auto &v : *graph.mutable_input()) {
        if (initializers.count(v.name()) || !v.type().has_tensor_type() || !v.type().tensor_type().has_shape() ||
            v.type().tensor_type().shape().dim_size() < 2)
            continue;
        auto &d = *v.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0);
        if (d.has_dim_value()) continue;
        if (d.has_dim_param()) names.insert(d.dim_param());
        else unnamed = true;
        d.set_dim_value(1);
    }
    if (names.empty() && !unnamed) return;
    for (auto *list : {graph.mutable_input(), graph.mutable_output(), graph.mutable_value_info()})
        for (auto &v : *list) {
            if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) continue;
            for (auto &d : *v.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim())
                if (d.has_dim_param() && names.count(d.dim_param())) d.set_dim_value(1);
        }
    std::string list;
    for (const auto &n : names) list += (list.empty() ? "'" : ", '") + n + "'";
    notes.push_back("the batch dimension " + (list.empty() ? std::string("(unnamed)") : list) +
                    " of the graph inputs is 1 (for another batch, fix it in the model: python3-onnx's onnx.tools.update_model_dims)");
}

// The ranks of tensors computed in the graph before any convolution reads them (a Concat feeding
// a ConvTranspose's W, say): shape inference of a copy of the model without its convolutions,
// which cannot crash on them; large initializers are copied without their data.
std::map<std::string, int> probed_ranks(const onnx::ModelProto &model, const std::set<std::string> &convs) {
    onnx::ModelProto probe;
    probe.set_ir_version(model.ir_version());
    *probe.mutable_opset_import() = model.opset_import();
    const onnx::GraphProto &graph = model.graph();
    onnx::GraphProto &copy = *probe.mutable_graph();
    *copy.mutable_input() = graph.input();
    *copy.mutable_value_info() = graph.value_info();
    for (const auto &n : graph.node())
        if (!convs.count(n.op_type())) *copy.add_node() = n;
    for (const auto &t : graph.initializer()) {
        TensorProto &c = *copy.add_initializer();
        if (t.raw_data().size() <= 4096 && t.float_data_size() + t.int64_data_size() + t.int32_data_size() <= 1024) {
            c = t;
        } else {
            c.set_name(t.name());
            c.set_data_type(t.data_type());
            *c.mutable_dims() = t.dims();
        }
    }
    try {
        onnx::shape_inference::InferShapes(probe, onnx::OpSchemaRegistry::Instance(),
                                           onnx::ShapeInferenceOptions(false, 0, true));
    } catch (const std::exception &) {
        // The real inference reports it.
    }
    std::map<std::string, int> rank;
    for (const auto *list : {&copy.input(), &copy.value_info(), &copy.output()})
        for (const auto &v : *list)
            if (v.type().has_tensor_type() && v.type().tensor_type().has_shape())
                rank[v.name()] = v.type().tensor_type().shape().dim_size();
    return rank;
}

// A Conv-like node whose X and W ranks differ crashes libonnx's shape inference (Debian 12's
// libonnx 1.13, convPoolShapeInference and convTransposeShapeInference): refuse it first wherever
// both ranks are declared (graph inputs, value_info, initializers), and weights of fewer than 3
// dims wherever theirs is; and strides, dilations, kernel sizes and groups below 1 anywhere.
void check_before_shape_inference(const onnx::ModelProto &model, const std::string &path) {
    const onnx::GraphProto &graph = model.graph();
    std::map<std::string, int> rank;
    for (const auto *list : {&graph.input(), &graph.value_info()})
        for (const auto &v : *list)
            if (v.type().has_tensor_type() && v.type().tensor_type().has_shape())
                rank[v.name()] = v.type().tensor_type().shape().dim_size();
    for (const auto &t : graph.initializer()) rank[t.name()] = t.dims_size();
    std::deque<TensorProto> made;
    for (const auto &n : graph.node())  // Constant nodes declare their ranks too
        if (n.op_type() == "Constant" && n.output_size() == 1)
            if (const TensorProto *t = constant_node_value(n, made)) rank[n.output(0)] = t->dims_size();
    const std::map<std::string, std::pair<int, int>> x_and_w = {
        {"Conv", {0, 1}}, {"ConvInteger", {0, 1}}, {"QLinearConv", {0, 3}}, {"ConvTranspose", {0, 1}}};
    std::set<std::string> convs;
    for (const auto &kv : x_and_w) convs.insert(kv.first);
    std::map<std::string, int> probed;
    bool probe_done = false;
    for (const auto &n : graph.node()) {
        // Strides, dilations, kernel sizes or a group count below 1 divide by zero in it (convs and
        // pools alike).
        for (const char *name : {"strides", "dilations", "kernel_shape", "group"})
            if (const auto *a = attribute(n, name))
                for (const int64_t v : a->ints().empty() ? std::vector<int64_t>{a->i()}
                                                         : std::vector<int64_t>(a->ints().begin(), a->ints().end()))
                    if (v < 1)
                        throw UserError(path + ": ONNX node " + node_name(n) + " (" + n.op_type() + "): attribute '" +
                                        name + "' has " + std::to_string(v) + "; it must be at least 1");
        const auto op = x_and_w.find(n.op_type());
        if (op == x_and_w.end()) continue;
        const auto [x, w] = op->second;
        if (n.input_size() <= w || n.input(w).empty()) continue;
        if (!rank.count(n.input(w))) {  // W computed in the graph: its rank from a probe
            if (!probe_done) probed = probed_ranks(model, convs), probe_done = true;
            const auto it = probed.find(n.input(w));
            if (it == probed.end())
                throw UserError(path + ": ONNX node " + node_name(n) + " (" + n.op_type() + "): its weights '" + n.input(w) +
                                "' come from a convolution's output or have no known shape; Tessera reads weights that "
                                "are constants, graph inputs or computed from them");
            rank[n.input(w)] = it->second;
        }
        // Weights of fewer than 3 dims crash it too, whatever X is (an intermediate, unknown here).
        if (rank[n.input(w)] < 3)
            throw UserError(path + ": ONNX node " + node_name(n) + " (" + n.op_type() + "): W has " +
                            std::to_string(rank[n.input(w)]) + " dims; a convolution's weights have 3 or more");
        if (!rank.count(n.input(x))) continue;
        if (rank[n.input(x)] != rank[n.input(w)])
            throw UserError(path + ": ONNX node " + node_name(n) + " (" + n.op_type() + "): X has " +
                            std::to_string(rank[n.input(x)]) + " dims, W " + std::to_string(rank[n.input(w)]) +
                            "; a convolution's input and weights have the same rank");
    }
}

}  // namespace

void infer_shapes(onnx::ModelProto &model, const std::string &path, std::vector<std::string> &notes) {
    fix_batch_dims(model, notes);
    check_before_shape_inference(model, path);
    try {
        // Data propagation: shapes computed in the graph (Shape -> Gather -> Concat -> Reshape, as
        // PyTorch exports x.view(x.size(0), -1)) become known.
        onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(),
                                           onnx::ShapeInferenceOptions(false, 0, true));
    } catch (const std::exception &e) {
        std::string why = e.what();
        throw UserError(path + ": ONNX shape inference fails: " + why.substr(0, why.find('\n')));
    }
}

}  // namespace tessera::interop
