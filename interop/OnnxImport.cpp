#include "OnnxImport.h"

#include "OnnxConvTranspose.h"
#include "OnnxGraph.h"
#include "OnnxQuantization.h"
#include "OnnxShapeInference.h"
#include "UserError.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <set>

namespace tessera::interop {

namespace {

using onnx::NodeProto;
using onnx::TensorProto;

using namespace onnx_graph;

// Conv-like nodes: X [N, C, H, W], W [K, C/groups, R, S]; a 1-D conv (X [N, C, W], W [K, C/groups,
// S]) is the 2-D conv of a 1-pixel-high image with a 1-row filter.
ir::LayerSpec conv_layer(const Graph &g, const NodeProto &n, int x, int w) {
    auto xs = shape_of(g, n, x, "input X"), ws = shape_of(g, n, w, "weight W");
    const bool one_d = xs.size() == 3 && ws.size() == 3;
    if (one_d) {
        xs.insert(xs.begin() + 2, 1);
        ws.insert(ws.begin() + 2, 1);
    }
    if (xs.size() != 4 || ws.size() != 4)
        fail(n, "only 1-D and 2-D convolutions (3-D or 4-D X and W) become layers; X has " + std::to_string(xs.size()) +
                    " dims, W " + std::to_string(ws.size()));
    auto ints_2d = [&](const char *name, std::vector<int64_t> if_absent, bool pads = false) {
        return spatial_ints(n, name, std::move(if_absent), one_d, pads);
    };
    ir::LayerSpec l;
    l.name = node_name(n);
    l.type = "conv";
    l.N = xs[0], l.C = xs[1], l.H = xs[2], l.W = xs[3];
    l.K = ws[0], l.R = ws[2], l.S = ws[3];
    l.groups = integer(n, "group", 1);
    if (l.groups < 1 || l.C % l.groups || l.K % l.groups || ws[1] != l.C / l.groups)
        fail(n, "attribute 'group'=" + std::to_string(l.groups) + " does not match X's " + std::to_string(l.C) +
                    " channels and W's " + std::to_string(ws[1]) + " per group");
    const auto kernel = ints_2d("kernel_shape", {l.R, l.S});
    if (kernel != std::vector<int64_t>{l.R, l.S}) fail(n, "attribute 'kernel_shape' differs from W's shape");
    const auto strides = ints_2d("strides", {1, 1}), dilations = ints_2d("dilations", {1, 1});
    l.stride = strides[0], l.stride_w = strides[1];
    l.dilation = dilations[0], l.dilation_w = dilations[1];
    std::vector<int64_t> pads = ints_2d("pads", {0, 0, 0, 0}, true);
    const auto *auto_pad = attribute(n, "auto_pad");
    const std::string ap = auto_pad ? auto_pad->s() : "NOTSET";
    if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
        // Output = ceil(in / stride); the extra pad goes at the end (UPPER) or the beginning.
        pads.assign(4, 0);
        const int64_t in[2] = {l.H, l.W}, k[2] = {l.R, l.S}, st[2] = {strides[0], strides[1]},
                      dil[2] = {dilations[0], dilations[1]};
        for (int a = 0; a < 2; ++a) {
            const int64_t out = (in[a] + st[a] - 1) / st[a];
            const int64_t total = std::max<int64_t>(0, (out - 1) * st[a] + (k[a] - 1) * dil[a] + 1 - in[a]);
            const int64_t small = total / 2, large = total - small;
            pads[a] = ap == "SAME_UPPER" ? small : large;
            pads[a + 2] = ap == "SAME_UPPER" ? large : small;
        }
    } else if (ap != "NOTSET" && ap != "VALID") {
        fail(n, "attribute 'auto_pad'='" + ap + "' is not NOTSET, VALID, SAME_UPPER or SAME_LOWER");
    }
    if (pads.size() != 4) fail(n, "attribute 'pads' needs four values (top, left, bottom, right)");
    l.pad = pads[0], l.pad_left = pads[1], l.pad_bottom = pads[2], l.pad_right = pads[3];
    if (l.depthwise()) l.type = "dwconv";
    l.relu = false;
    return l;
}

// A's shape. Where shape inference leaves it unknown because A is a Reshape to a shape computed in
// the graph (PyTorch's x.view(x.size(0), -1) exports Shape -> Gather -> Concat -> Reshape, which
// libonnx 1.13 does not propagate), the 2-D matrix of the Reshape input's elements with B's
// `inner` columns, when they divide.
std::vector<int64_t> matmul_a_shape(const Graph &g, const NodeProto &n, int a, int64_t inner, bool trans_a) {
    const bool unknown = a < n.input_size() && !n.input(a).empty() && !g.init.count(n.input(a)) &&
                         (!g.types.count(n.input(a)) || !g.types.at(n.input(a)).tensor_type().has_shape());
    const auto producer = unknown ? g.producer.find(n.input(a)) : g.producer.end();
    if (producer != g.producer.end() && producer->second->op_type() == "Reshape" && inner > 0) {
        int64_t elements = 1;
        for (int64_t d : shape_of(g, *producer->second, 0, "the Reshape's input")) elements *= d;
        if (elements % inner == 0)
            return trans_a ? std::vector<int64_t>{inner, elements / inner} : std::vector<int64_t>{elements / inner, inner};
    }
    return shape_of(g, n, a, "input A");
}

// MatMul-like nodes: A [..., M, K] x B [K, N] (B a 2-D matrix: the weights).
ir::LayerSpec matmul_layer(const Graph &g, const NodeProto &n, int a, int b, bool trans_a, bool trans_b) {
    auto bs = shape_of(g, n, b, "input B");
    if (bs.empty()) fail(n, "input B is a scalar; a matrix product needs a 1-D or 2-D B");
    if (bs.size() == 1) bs.push_back(1);  // a vector: one column
    auto as = matmul_a_shape(g, n, a, bs.size() == 2 ? bs[trans_b ? 1 : 0] : 0, trans_a);
    if (as.empty()) fail(n, "input A is a scalar; a matrix product needs a 1-D or 2-D A");
    int64_t batch = 1;
    if (bs.size() > 2) {  // a batched matmul: A [..., M, K] x B [..., K, N], the same batch dims
        for (size_t i = 0; i + 2 < bs.size(); ++i) batch *= bs[i];
        if (as.size() != bs.size() || !std::equal(bs.begin(), bs.end() - 2, as.begin()))
            fail(n, "A and B have different batch dimensions (broadcasting is not supported)");
        as.erase(as.begin(), as.end() - 2);
        bs.erase(bs.begin(), bs.end() - 2);
    }
    if (as.size() < 2) as.insert(as.begin(), 1);
    if (trans_a) std::swap(as[as.size() - 1], as[as.size() - 2]);
    if (trans_b) std::swap(bs[0], bs[1]);
    if (as.back() != bs[0]) fail(n, "inner dimensions differ: A has " + std::to_string(as.back()) + ", B " + std::to_string(bs[0]));
    ir::LayerSpec l;
    l.name = node_name(n);
    l.type = "fc";
    l.N = 1;
    for (size_t i = 0; i + 1 < as.size(); ++i) l.N *= as[i];  // batch and rows of A: the fc's N
    l.C = bs[0];
    l.K = bs[1];
    l.batch = batch;
    l.relu = false;
    return l;
}

}  // namespace

void fixed_point_scale(float scale, const std::string &what, int64_t &multiplier, int &shift) {
    if (!(scale > 0) || !std::isfinite(scale)) throw UserError(what + " is not a positive number");
    int exponent = 0;
    const float significand = std::frexp(scale, &exponent);  // scale = significand * 2^exponent
    multiplier = int64_t(std::ldexp(double(significand), 24));  // exact: float has 24 bits
    shift = 24 - exponent;
    while (multiplier % 2 == 0 && shift > 0) multiplier /= 2, --shift;
    while (shift < 0 && multiplier < (int64_t(1) << 30)) multiplier *= 2, ++shift;
    if (shift < 0 || shift > 62 || multiplier >= (int64_t(1) << 31))
        throw UserError(what + " " + std::to_string(scale) + " is outside the fixed-point range "
                        "(multiplier below 2^31, shift 0..62)");
}

bool onnx_available() { return true; }

namespace {

TensorProto read_tensor_proto(const std::string &path) {
    TensorProto t;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UserError("cannot read tensor file " + path);
    if (!t.ParseFromIstream(&in)) throw UserError(path + " is not an ONNX TensorProto");
    return t;
}

// Integer values of a constant in Halide order.
std::vector<double> values_of(const Graph &g, const NodeProto &n, int input, const char *what) {
    return constant_values(g, n, input, what);
}

// The 8-bit elements of integer-valued data; empty if any value is fractional or outside
// int8 / uint8 (float weights are not the integer datapath's).
std::vector<int8_t> bytes(const std::vector<double> &v) {
    std::vector<int8_t> b;
    for (double x : v) {
        if (x != std::floor(x) || x < -128 || x > 255) return {};
        b.push_back(int8_t(uint8_t(int64_t(x) & 0xff)));
    }
    return b;
}

OnnxTensors tensors_of(const Graph &g, const NodeProto &n, int x, int w, int bias, bool transpose_b,
                       const ir::LayerSpec &l, Sources from = {}) {
    OnnxTensors t;
    if (!from.weights.node) from.weights = {&n, w};
    if (!from.bias.node) from.bias = {&n, bias};
    // A constant Tessera reads: float (integer values only, see bytes) or integer elements; the
    // others (float16, double, ...) leave the tensor to the seed, as a non-constant does.
    auto known = [&](const Source &s) {
        if (s.input < 0 || s.input >= s.node->input_size() || s.node->input(s.input).empty()) return false;
        const auto it = g.init.find(s.node->input(s.input));
        if (it == g.init.end()) return false;
        const int type = it->second->data_type();
        return type == TensorProto::FLOAT || type == TensorProto::UINT8 || type == TensorProto::INT8 ||
               type == TensorProto::INT32 || type == TensorProto::INT64;
    };
    if (known({&n, x})) t.input = bytes(values_of(g, n, x, "the input"));
    if (known(from.weights)) {
        std::vector<double> v = values_of(g, *from.weights.node, from.weights.input, "the weights");
        if (transpose_b) {  // [batch, C, K] row-major -> (c, k, batch) with c fastest
            std::vector<double> tr(v.size());
            const int64_t mat = l.C * l.K;
            for (int64_t b = 0; b < l.batch; ++b)
                for (int64_t c = 0; c < l.C; ++c)
                    for (int64_t k = 0; k < l.K; ++k) tr[size_t(b * mat + c + l.C * k)] = v[size_t(b * mat + c * l.K + k)];
            v = tr;
        }
        t.weights = bytes(v);
    }
    if (known(from.bias))
        for (double b : values_of(g, *from.bias.node, from.bias.input, "the bias")) t.bias.push_back(int32_t(b));
    else if (l.bias && (!l.channel_multiplier.empty() || !l.channel_w_zero_point.empty()))
        t.bias.assign(size_t(l.K), 0);  // per-channel tables without a bias: zeros
    return t;
}

// ConvTranspose (float or QDQ) as its sub-pixel conv: the node's layer with its own K and
// quantization first (per-channel scales along W's axis 1), then the conv's channels, taps and
// pads, its weights rearranged per phase and the per-channel values repeated (ir/SubPixel.h).
void conv_transpose_layer(const Graph &g, const NodeProto &n, OnnxImport &out) {
    const ir::TransposedConv t = transposed_conv(g, n);
    if (auto it = g.types.find(n.output(0)); it != g.types.end() && it->second.tensor_type().has_shape()) {
        std::vector<int64_t> inferred, ours = {t.N, t.K, t.out[0], t.out[1]};
        for (const auto &d : it->second.tensor_type().shape().dim()) inferred.push_back(d.has_dim_value() ? d.dim_value() : -1);
        if (inferred.size() == 3) inferred.insert(inferred.begin() + 2, 1);
        if (inferred.size() == 4 && std::find(inferred.begin(), inferred.end(), -1) == inferred.end() && inferred != ours)
            fail(n, "ONNX's shape inference gives an output of " + std::to_string(inferred[2]) + "x" +
                        std::to_string(inferred[3]) + ", Tessera's reading of the attributes " + std::to_string(t.out[0]) +
                        "x" + std::to_string(t.out[1]) + "; state the pads explicitly");
    }
    ir::LayerSpec l;
    l.name = node_name(n);
    l.N = t.N, l.C = t.C, l.K = t.K;
    l.relu = false;
    l.bias = n.input_size() > 2 && !n.input(2).empty();
    Sources from;
    apply_qdq(g, n, 0, 1, 2, 1, l, from);
    OnnxTensors tensors = tensors_of(g, n, 0, 1, 2, false, l, from);  // weights [C][K/group][R][S]
    const ir::SubPixel s = ir::sub_pixel(t);
    std::vector<int8_t> zero_byte;
    for (int64_t k = 0; k < t.K; ++k)
        zero_byte.push_back(int8_t(uint8_t(
            (l.channel_w_zero_point.empty() ? l.w_zero_point : l.channel_w_zero_point[size_t(k)]) & 0xff)));
    // Rearranged only when the initializer holds the whole [C][K/group][R][S] (else: from the seed).
    if (tensors.weights.size() == size_t(t.C * (t.K / t.groups) * t.kernel[0] * t.kernel[1]))
        tensors.weights = ir::sub_pixel_weights(s, tensors.weights, zero_byte);
    else
        tensors.weights.clear();
    tensors.bias = ir::per_phase(s, tensors.bias);
    ir::set_sub_pixel_conv(s, l);
    out.layers.push_back(l);
    out.tensors.push_back(tensors);
    out.sub_pixel.push_back(s);
    out.notes.push_back(l.name + " (ConvTranspose) runs as its sub-pixel conv: " + std::to_string(s.phases()) +
                        (s.phases() == 1 ? " phase of " : " phases of ") + std::to_string(l.R) + "x" + std::to_string(l.S) + " taps, K " +
                        std::to_string(t.K) + " -> " + std::to_string(l.K) + " (docs/onnx.md)");
}

}  // namespace

std::vector<int64_t> read_tensor_file(const std::string &path, std::vector<int64_t> &shape) {
    TensorProto t = read_tensor_proto(path);
    shape.assign(t.dims().begin(), t.dims().end());
    Graph g;
    g.init[t.name()] = &t;
    NodeProto n;
    n.set_name(path);
    n.add_input(t.name());
    std::vector<int64_t> out;
    for (double v : constant_values(g, n, 0, "the tensor")) out.push_back(int64_t(v));
    return out;
}

OnnxImport import_onnx(const std::string &path, const std::vector<std::string> &inputs) {
    onnx::ModelProto model;
    {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw UserError("cannot read ONNX model " + path);
        if (!model.ParseFromIstream(&in))
            throw UserError(path + " is not an ONNX model (the protobuf does not parse)");
    }
    OnnxImport out;
    infer_shapes(model, path, out.notes);
    Graph g;
    const onnx::GraphProto &graph = model.graph();
    for (const auto &t : graph.initializer()) g.init[t.name()] = &t;
    // Constant nodes are constants too: some exporters write scales, zero points and
    // sometimes weights as them.
    std::deque<TensorProto> constants;
    for (const auto &n : graph.node())
        if (n.op_type() == "Constant" && n.output_size() == 1)
            if (const TensorProto *t = constant_node_value(n, constants)) g.init[n.output(0)] = t;
    // Given inputs (test data sets): input_K.pb is the K-th graph input that is not an initializer.
    std::vector<TensorProto> given;
    given.reserve(inputs.size());
    std::vector<std::string> graph_inputs;
    for (const auto &v : graph.input())
        if (!g.init.count(v.name())) graph_inputs.push_back(v.name());
    for (size_t i = 0; i < inputs.size(); ++i) {
        given.push_back(read_tensor_proto(inputs[i]));
        if (given.back().name().empty() && i < graph_inputs.size()) given.back().set_name(graph_inputs[i]);
        g.init[given.back().name()] = &given.back();
    }
    for (const auto *list : {&graph.input(), &graph.output(), &graph.value_info()})
        for (const auto &v : *list) g.types[v.name()] = v.type();
    for (const auto &n : graph.node()) {
        for (const auto &o : n.output()) g.producer[o] = &n;
        for (const auto &i : n.input()) g.consumers[i].push_back(&n);
    }
    std::map<std::string, int> skipped;
    std::vector<std::string> skipped_order;
    const std::set<std::string> conv_attrs = {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"};
    for (const auto &n : graph.node()) {
        const std::string &op = n.op_type();
        ir::LayerSpec l;
        if (op == "Conv") {
            check_attributes(n, conv_attrs);
            l = conv_layer(g, n, 0, 1);
            l.bias = n.input_size() > 2 && !n.input(2).empty();
            Sources from;
            apply_qdq(g, n, 0, 1, 2, 0, l, from);
            out.tensors.push_back(tensors_of(g, n, 0, 1, 2, false, l, from));
        } else if (op == "ConvTranspose") {
            check_attributes(n, {"auto_pad", "dilations", "group", "kernel_shape", "output_padding", "output_shape",
                                 "pads", "strides"});
            conv_transpose_layer(g, n, out);
            continue;
        } else if (op == "QLinearConv") {
            check_attributes(n, conv_attrs);
            l = conv_layer(g, n, 0, 3);
            set_element_types(g, n, 0, 3, l);
            l.x_zero_point = int64_t(scalar(g, n, 2, "x_zero_point", 0));
            l.y_zero_point = int64_t(scalar(g, n, 7, "y_zero_point", 0));
            l.y_uint8 = is_u8(elem_type(g, n, 7));
            l.bias = n.input_size() > 8 && !n.input(8).empty();
            set_weight_zero_point(g, n, 5, "w_zero_point", l);
            set_requant(n, scalar(g, n, 1, "x_scale", 1), weight_scales(g, n, 4, "w_scale", l.K),
                        scalar(g, n, 6, "y_scale", 1), l);
            out.tensors.push_back(tensors_of(g, n, 0, 3, 8, false, l));
        } else if (op == "ConvInteger") {
            check_attributes(n, conv_attrs);
            l = conv_layer(g, n, 0, 1);
            set_element_types(g, n, 0, 1, l);
            l.x_zero_point = int64_t(scalar(g, n, 2, "x_zero_point", 0));
            l.bias = false;
            set_weight_zero_point(g, n, 3, "w_zero_point", l);
            l.requant_shift = 0;
            l.y_int32 = 1;  // int32 out: the accumulator, not requantized
            out.tensors.push_back(tensors_of(g, n, 0, 1, -1, false, l));
        } else if (op == "Gemm") {
            // `broadcast` (opsets before 7): C broadcast along the rows, the only bias a layer
            // has; its shape is checked with the bias.
            check_attributes(n, {"alpha", "beta", "transA", "transB", "broadcast"});
            // beta = 0 drops C (PyTorch's mm and addmm(beta=0) export so): a Gemm without bias.
            // Other scales change the values an integer datapath computes, so they are refused.
            const auto *alpha = attribute(n, "alpha"), *beta = attribute(n, "beta");
            const bool drops_c = beta && beta->f() == 0.0f;
            if ((alpha && alpha->f() != 1.0f) || (beta && beta->f() != 1.0f && !drops_c))
                fail(n, "unsupported attribute value: alpha must be 1 and beta 1 or 0 (scale the weights or the "
                        "bias in the model instead)");
            l = matmul_layer(g, n, 0, 1, integer(n, "transA", 0) != 0, integer(n, "transB", 0) != 0);
            l.bias = !drops_c && n.input_size() > 2 && !n.input(2).empty();
            out.tensors.push_back(tensors_of(g, n, 0, 1, l.bias ? 2 : -1, integer(n, "transB", 0) == 0, l));
        } else if (op == "MatMul") {
            l = matmul_layer(g, n, 0, 1, false, false);
            l.bias = false;
            Sources from;
            apply_qdq(g, n, 0, 1, -1, l.batch > 1 ? 2 : 1, l, from);
            out.tensors.push_back(tensors_of(g, n, 0, 1, -1, true, l, from));
        } else if (op == "QLinearMatMul") {
            l = matmul_layer(g, n, 0, 3, false, false);
            set_element_types(g, n, 0, 3, l);
            l.x_zero_point = int64_t(scalar(g, n, 2, "a_zero_point", 0));
            l.y_zero_point = int64_t(scalar(g, n, 7, "y_zero_point", 0));
            l.y_uint8 = is_u8(elem_type(g, n, 7));
            l.bias = false;
            set_weight_zero_point(g, n, 5, "b_zero_point", l);
            set_requant(n, scalar(g, n, 1, "a_scale", 1), weight_scales(g, n, 4, "b_scale", l.K),
                        scalar(g, n, 6, "y_scale", 1), l);
            out.tensors.push_back(tensors_of(g, n, 0, 3, -1, true, l));
        } else if (op == "MatMulInteger") {
            l = matmul_layer(g, n, 0, 1, false, false);
            set_element_types(g, n, 0, 1, l);
            l.x_zero_point = int64_t(scalar(g, n, 2, "a_zero_point", 0));
            l.bias = false;
            set_weight_zero_point(g, n, 3, "b_zero_point", l);
            l.requant_shift = 0;
            l.y_int32 = 1;
            out.tensors.push_back(tensors_of(g, n, 0, 1, -1, true, l));
        } else {
            if (!skipped.count(op)) skipped_order.push_back(op);
            ++skipped[op];
            continue;
        }
        out.layers.push_back(l);
        out.sub_pixel.emplace_back();
    }
    for (const auto &op : skipped_order)
        out.skipped.push_back(op + (skipped[op] > 1 ? " x" + std::to_string(skipped[op]) : ""));
    if (out.layers.empty())
        throw UserError(path + ": no Conv, ConvTranspose, QLinearConv, ConvInteger, Gemm, MatMul, QLinearMatMul "
                        "or MatMulInteger node: nothing to run");
    return out;
}

}  // namespace tessera::interop
