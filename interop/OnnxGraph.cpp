#include "OnnxGraph.h"

#include "UserError.h"

#include <cstring>
#include <deque>

namespace tessera::interop::onnx_graph {

using onnx::NodeProto;
using onnx::TensorProto;

std::string node_name(const NodeProto &n) { return n.name().empty() ? n.output(0) : n.name(); }

[[noreturn]] void fail(const NodeProto &n, const std::string &why) {
    throw UserError("ONNX node " + node_name(n) + " (" + n.op_type() + "): " + why);
}

std::vector<int64_t> shape_of(const Graph &g, const NodeProto &n, int input, const char *what) {
    if (input >= n.input_size() || n.input(input).empty()) fail(n, std::string("missing input ") + what);
    const std::string &name = n.input(input);
    if (auto it = g.init.find(name); it != g.init.end())
        return {it->second->dims().begin(), it->second->dims().end()};
    auto it = g.types.find(name);
    if (it == g.types.end() || !it->second.has_tensor_type() || !it->second.tensor_type().has_shape())
        fail(n, std::string("shape inference gives no shape for ") + what + " '" + name + "'");
    std::vector<int64_t> shape;
    for (const auto &d : it->second.tensor_type().shape().dim()) {
        if (!d.has_dim_value()) fail(n, std::string(what) + " '" + name + "' has a symbolic dimension '" +
                                            d.dim_param() + "'; fix it in the model (python3-onnx: onnx.tools.update_model_dims)");
        shape.push_back(d.dim_value());
    }
    return shape;
}

int elem_type(const Graph &g, const NodeProto &n, int input) {
    if (input >= n.input_size()) return 0;
    const std::string &name = n.input(input);
    if (auto it = g.init.find(name); it != g.init.end()) return it->second->data_type();
    auto it = g.types.find(name);
    return it == g.types.end() ? 0 : it->second.tensor_type().elem_type();
}

std::vector<double> constant_values(const Graph &g, const NodeProto &n, int input, const char *what) {
    if (input >= n.input_size() || n.input(input).empty()) return {};
    auto it = g.init.find(n.input(input));
    if (it == g.init.end()) fail(n, std::string(what) + " must be an initializer (a constant)");
    const TensorProto &t = *it->second;
    std::vector<double> v;
    const std::string &raw = t.raw_data();
    auto from_raw = [&](auto sample) {
        using T = decltype(sample);
        for (size_t i = 0; i + sizeof(T) <= raw.size(); i += sizeof(T)) {
            T x;
            std::memcpy(&x, raw.data() + i, sizeof(T));
            v.push_back(double(x));
        }
    };
    switch (t.data_type()) {
    case TensorProto::FLOAT:
        if (!raw.empty()) from_raw(float());
        for (float x : t.float_data()) v.push_back(x);
        break;
    case TensorProto::UINT8:
        if (!raw.empty()) from_raw(uint8_t());
        for (int32_t x : t.int32_data()) v.push_back(uint8_t(x));
        break;
    case TensorProto::INT8:
        if (!raw.empty()) from_raw(int8_t());
        for (int32_t x : t.int32_data()) v.push_back(int8_t(x));
        break;
    case TensorProto::INT32:
        if (!raw.empty()) from_raw(int32_t());
        for (int32_t x : t.int32_data()) v.push_back(x);
        break;
    case TensorProto::INT64:
        if (!raw.empty()) from_raw(int64_t());
        for (int64_t x : t.int64_data()) v.push_back(double(x));
        break;
    default:
        fail(n, std::string(what) + " has an unsupported element type");
    }
    return v;
}

const onnx::AttributeProto *attribute(const NodeProto &n, const char *name) {
    for (const auto &a : n.attribute())
        if (a.name() == name) return &a;
    return nullptr;
}

std::vector<int64_t> ints(const NodeProto &n, const char *name, std::vector<int64_t> if_absent) {
    const auto *a = attribute(n, name);
    return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : if_absent;
}

int64_t integer(const NodeProto &n, const char *name, int64_t if_absent) {
    const auto *a = attribute(n, name);
    return a ? a->i() : if_absent;
}

void check_attributes(const NodeProto &n, const std::set<std::string> &known) {
    for (const auto &a : n.attribute())
        if (!known.count(a.name())) fail(n, "unsupported attribute '" + a.name() + "'");
}

std::vector<int64_t> spatial_ints(const NodeProto &n, const char *name, std::vector<int64_t> if_absent, bool one_d,
                                  bool pads) {
    const std::vector<int64_t> v = ints(n, name, if_absent);
    if (!attribute(n, name)) return v;
    const size_t want = (one_d ? 1u : 2u) * (pads ? 2u : 1u);
    if (v.size() != want)
        fail(n, std::string(one_d ? "a 1-D conv's attribute '" : "attribute '") + name + "' needs " +
                    (want == 1 ? "one value" : want == 2 ? "two values" : "four values") + ", it has " +
                    std::to_string(v.size()));
    if (!one_d) return v;
    return pads ? std::vector<int64_t>{0, v[0], 0, v[1]} : std::vector<int64_t>{1, v[0]};
}

const TensorProto *constant_node_value(const NodeProto &n, std::deque<TensorProto> &made) {
    if (const auto *a = attribute(n, "value"); a && a->has_t()) return &a->t();
    TensorProto t;
    if (const auto *a = attribute(n, "value_float")) {
        t.set_data_type(TensorProto::FLOAT);
        t.add_float_data(a->f());
    } else if (const auto *a = attribute(n, "value_floats")) {
        t.set_data_type(TensorProto::FLOAT);
        t.add_dims(a->floats_size());
        for (float f : a->floats()) t.add_float_data(f);
    } else if (const auto *a = attribute(n, "value_int")) {
        t.set_data_type(TensorProto::INT64);
        t.add_int64_data(a->i());
    } else if (const auto *a = attribute(n, "value_ints")) {
        t.set_data_type(TensorProto::INT64);
        t.add_dims(a->ints_size());
        for (int64_t i : a->ints()) t.add_int64_data(i);
    } else {
        return nullptr;
    }
    made.push_back(t);
    return &made.back();
}

}  // namespace tessera::interop::onnx_graph
