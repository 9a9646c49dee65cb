#include "OnnxQuantization.h"

#include "OnnxImport.h"
#include "UserError.h"

#include <cmath>

namespace tessera::interop::onnx_graph {

using onnx::NodeProto;
using onnx::TensorProto;

namespace {

// The node feeding input `i` if it is a DequantizeLinear (QDQ style), else nullptr.
const NodeProto *dequantized(const Graph &g, const NodeProto &n, int i) {
    if (i >= n.input_size()) return nullptr;
    auto it = g.producer.find(n.input(i));
    return it != g.producer.end() && it->second->op_type() == "DequantizeLinear" ? it->second : nullptr;
}

// A per-channel parameter of a node's weights runs along W's output-channel axis `w_axis`: K values,
// or K/group for a grouped ConvTranspose's W [C, K/group, R, S] (ONNX's per-axis quantization
// sizes it by that axis), which every group repeats. The count that axis holds when `given` is a
// list, else K.
int64_t per_axis_values(const Graph &g, const NodeProto &dw, int w_axis, int64_t K, size_t given) {
    if (given <= 1) return K;
    const std::vector<int64_t> shape = shape_of(g, dw, 0, "the weights");
    const int64_t along = w_axis < int(shape.size()) ? shape[size_t(w_axis)] : K;
    return along > 0 && along < K && K % along == 0 ? along : K;
}

// `v` (one value, or one per index of the axis) for each of K output channels: channel k takes v[k mod size].
template <typename T>
std::vector<T> per_output_channel(const std::vector<T> &v, int64_t K) {
    if (v.size() <= 1 || int64_t(v.size()) == K) return v;
    std::vector<T> out;
    for (int64_t k = 0; k < K; ++k) out.push_back(v[size_t(k) % v.size()]);
    return out;
}

}  // namespace

// A per-tensor quantization parameter: one value (a per-channel one is named as unsupported).
double scalar(const Graph &g, const NodeProto &n, int input, const char *what, double if_absent) {
    const std::vector<double> v = constant_values(g, n, input, what);
    if (v.empty()) return if_absent;
    for (double x : v)
        if (x != v[0])
            fail(n, std::string(what) + " differs per channel; Tessera takes per-channel zero points for weights only "
                                        "(an input or output zero point must be one value)");
    return v[0];
}

// The weights' zero point (input `input` of `n`): one value for the tensor, or one per output
// channel (ONNX per-axis quantization; `along` of them, 0 for K, repeated over the K channels),
// which the layer's bias load carries (zeros when the node has no bias). Call it after the
// layer's bias is set.
void set_weight_zero_point(const Graph &g, const NodeProto &n, int input, const char *what, ir::LayerSpec &l,
                           int64_t along) {
    if (along == 0) along = l.K;
    const std::vector<double> v = constant_values(g, n, input, what);
    l.w_zero_point = 0;
    l.channel_w_zero_point.clear();
    if (v.empty()) return;
    if (std::all_of(v.begin(), v.end(), [&](double x) { return x == v[0]; })) {
        l.w_zero_point = int64_t(v[0]);
        return;
    }
    if (int64_t(v.size()) != along)
        fail(n, std::string(what) + " has " + std::to_string(v.size()) + " values; per-channel zero points need one per "
                                                                         "output channel of W (" + std::to_string(along) + ")");
    for (double x : per_output_channel(v, l.K)) l.channel_w_zero_point.push_back(int64_t(x));
    l.bias = true;
}

bool is_u8(int type) { return type == TensorProto::UINT8; }

void set_element_types(const Graph &g, const NodeProto &n, int x, int w, ir::LayerSpec &l) {
    for (auto [input, field, what] : {std::tuple<int, int64_t *, const char *>{x, &l.x_uint8, "the input"},
                                      {w, &l.w_uint8, "the weight"}}) {
        const int t = elem_type(g, n, input);
        if (t != TensorProto::UINT8 && t != TensorProto::INT8)
            fail(n, std::string(what) + " must be uint8 or int8");
        *field = is_u8(t);
    }
}

// A weight's scale: one value, or one per output channel (ONNX's per-axis quantization: a 1-D
// scale of K values, K = the layer's output channels).
std::vector<double> weight_scales(const Graph &g, const NodeProto &n, int input, const char *what, int64_t channels) {
    std::vector<double> v = constant_values(g, n, input, what);
    if (v.empty()) return {1};
    if (v.size() != 1 && int64_t(v.size()) != channels)
        fail(n, std::string(what) + " has " + std::to_string(v.size()) + " values; give one, or one per output channel of W (" +
                    std::to_string(channels) + ")");
    return v;
}

// Requantization of a QLinear node: scale = x_scale * w_scale / y_scale in float32, as ONNX's
// reference computes it, then exactly as multiplier / 2^shift; ties to even (numpy's rint).
// Several weight scales (per output channel): one multiplier and shift per channel.
void set_requant(const NodeProto &n, double x_scale, const std::vector<double> &w_scales, double y_scale,
                 ir::LayerSpec &l) {
    std::vector<int64_t> ms, shifts;
    for (double w_scale : w_scales) {
        const float scale = float(x_scale) * float(w_scale) / float(y_scale);
        int64_t m = 0;
        int shift = 0;
        fixed_point_scale(scale, "ONNX node " + node_name(n) + ": the requantization scale", m, shift);
        ms.push_back(m);
        shifts.push_back(shift);
    }
    l.multiplier = ms[0];
    l.requant_shift = int(shifts[0]);
    l.round_even = 1;
    if (std::all_of(ms.begin(), ms.end(), [&](int64_t m) { return m == ms[0]; }) &&
        std::all_of(shifts.begin(), shifts.end(), [&](int64_t s) { return s == shifts[0]; }))
        return;  // the same for every channel: per tensor
    for (size_t k = 0; k < ms.size(); ++k)
        if (ms[k] >= (int64_t(1) << 26))
            fail(n, "the requantization scale of channel " + std::to_string(k) +
                        " needs a multiplier above 2^26, which the per-channel table does not hold");
    l.channel_multiplier = ms;
    l.channel_shift = shifts;
    l.bias = true;  // the per-channel table loads with the bias (zeros when the node has none)
}
// QDQ: DequantizeLinear(x), DequantizeLinear(w) [, DequantizeLinear(int32 bias)] -> Conv / MatMul
// -> QuantizeLinear: the integer layer the quantization tools meant, its weights (and bias) the
// integers behind the DequantizeLinear nodes. `w_axis`: the weights' output-channel axis (0 for
// a Conv's [K, C, R, S], 1 for a MatMul's [C, K]), the axis a per-channel scale must run along.
// Returns false if the node is not wrapped that way.
bool apply_qdq(const Graph &g, const NodeProto &n, int x, int w, int bias, int w_axis, ir::LayerSpec &l,
               Sources &from) {
    const NodeProto *dx = dequantized(g, n, x), *dw = dequantized(g, n, w);
    auto users = g.consumers.find(n.output(0));
    const NodeProto *q = users != g.consumers.end() && users->second.size() == 1 &&
                                 users->second[0]->op_type() == "QuantizeLinear"
                             ? users->second[0] : nullptr;
    if (!dx || !dw || !q) return false;
    l.x_uint8 = is_u8(elem_type(g, *dx, 0));
    l.w_uint8 = is_u8(elem_type(g, *dw, 0));
    l.x_zero_point = int64_t(scalar(g, *dx, 2, "x_zero_point", 0));
    l.y_zero_point = int64_t(scalar(g, *q, 2, "y_zero_point", 0));
    const std::vector<double> qz = constant_values(g, *q, 2, "y_zero_point");
    l.y_uint8 = qz.empty() || is_u8(elem_type(g, *q, 2));
    const double x_scale = scalar(g, *dx, 1, "x_scale", 1);
    const int64_t along = per_axis_values(g, *dw, w_axis, l.K, constant_values(g, *dw, 1, "w_scale").size());
    const std::vector<double> w_scales = per_output_channel(weight_scales(g, *dw, 1, "w_scale", along), l.K);
    if (w_scales.size() > 1) {
        const int rank = int(shape_of(g, *dw, 0, "the weights").size());
        int64_t axis = integer(*dw, "axis", 1);
        if (axis < 0) axis += rank;
        if (axis != w_axis)
            fail(*dw, "per-channel scales along axis " + std::to_string(axis) + "; the output channels are axis " +
                          std::to_string(w_axis));
    }
    from.weights = {dw, 0};
    l.bias = false;
    if (bias >= 0 && bias < n.input_size() && !n.input(bias).empty()) {
        // The bias as QDQ tools write it: int32, scale x_scale * w_scale, zero point 0; then the
        // float conv's bias is exactly the integer layer's.
        const NodeProto *db = dequantized(g, n, bias);
        if (!db || elem_type(g, *db, 0) != TensorProto::INT32)
            fail(n, "the bias of a QDQ node must be a DequantizeLinear of an int32 initializer (scale x_scale * w_scale)");
        const std::vector<double> b_scales = weight_scales(g, *db, 1, "bias scale", l.K);
        for (size_t k = 0; k < b_scales.size() || k < w_scales.size(); ++k) {
            const double want = double(float(x_scale) * float(w_scales[w_scales.size() > 1 ? k : 0]));
            const double have = b_scales[b_scales.size() > 1 ? k : 0];
            if (std::abs(have - want) > 1e-6 * want)
                fail(*db, "bias scale " + std::to_string(have) + " of channel " + std::to_string(k) +
                              " is not x_scale * w_scale (" + std::to_string(want) + ")");
        }
        if (scalar(g, *db, 2, "bias zero point", 0) != 0) fail(*db, "the bias zero point must be 0");
        l.bias = true;
        from.bias = {db, 0};
    }
    set_weight_zero_point(g, *dw, 2, "w_zero_point", l,
                          per_axis_values(g, *dw, w_axis, l.K, constant_values(g, *dw, 2, "w_zero_point").size()));
    set_requant(n, x_scale, w_scales, scalar(g, *q, 1, "y_scale", 1), l);
    return true;
}

}  // namespace tessera::interop::onnx_graph
