#include "OnnxConvTranspose.h"

#include "ir/Limits.h"

#include <cstdlib>
#include <string>

namespace tessera::interop::onnx_graph {

namespace {

int64_t floor_half(int64_t v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); }

}  // namespace

ir::TransposedConv transposed_conv(const Graph &g, const onnx::NodeProto &n) {
    auto xs = shape_of(g, n, 0, "input X"), ws = shape_of(g, n, 1, "weight W");
    const bool one_d = xs.size() == 3 && ws.size() == 3;
    if (one_d) {
        xs.insert(xs.begin() + 2, 1);
        ws.insert(ws.begin() + 2, 1);
    }
    if (xs.size() != 4 || ws.size() != 4)
        fail(n, "only 1-D and 2-D transposed convolutions (3-D or 4-D X and W) become layers; X has " +
                    std::to_string(xs.size()) + " dims, W " + std::to_string(ws.size()));
    ir::TransposedConv t;
    t.groups = integer(n, "group", 1);
    t.N = xs[0], t.C = xs[1], t.K = ws[1] * t.groups;
    if (t.groups < 1 || t.C % t.groups)
        fail(n, "attribute 'group'=" + std::to_string(t.groups) + " does not divide X's " + std::to_string(t.C) + " channels");
    if (ws[0] != t.C)
        fail(n, "W's first dimension (" + std::to_string(ws[0]) + ") must equal X's " + std::to_string(t.C) +
                    " channels (W is [C, K/group, R, S])");
    auto ints_2d = [&](const char *name, std::vector<int64_t> if_absent, bool pads = false) {
        return spatial_ints(n, name, std::move(if_absent), one_d, pads);
    };
    const std::vector<int64_t> kernel = ints_2d("kernel_shape", {ws[2], ws[3]});
    if (kernel != std::vector<int64_t>{ws[2], ws[3]}) fail(n, "attribute 'kernel_shape' differs from W's shape");
    const auto strides = ints_2d("strides", {1, 1}), dilations = ints_2d("dilations", {1, 1}),
               output_padding = ints_2d("output_padding", {0, 0}), pads = ints_2d("pads", {0, 0, 0, 0}, true);
    const auto *auto_pad = attribute(n, "auto_pad");
    const std::string ap = auto_pad ? auto_pad->s() : "NOTSET";
    if (ap != "NOTSET" && ap != "VALID" && ap != "SAME_UPPER" && ap != "SAME_LOWER")
        fail(n, "attribute 'auto_pad'='" + ap + "' is not NOTSET, VALID, SAME_UPPER or SAME_LOWER");
    const bool given_shape = attribute(n, "output_shape") != nullptr;
    const auto output_shape = ints_2d("output_shape", {0, 0});
    for (int a = 0; a < 2; ++a) {
        for (const int64_t v : {strides[size_t(a)], dilations[size_t(a)], xs[size_t(2 + a)], ws[size_t(2 + a)]})
            if (v < 1 || v > ir::kMaxExtent)
                fail(n, "strides, dilations, X's and W's spatial extents must be within 1.." +
                            std::to_string(ir::kMaxExtent) + "; one is " + std::to_string(v));
        if (output_padding[size_t(a)] < 0 || output_padding[size_t(a)] > ir::kMaxExtent)
            fail(n, "attribute 'output_padding' must be within 0.." + std::to_string(ir::kMaxExtent));
        if (std::abs(pads[size_t(a)]) > ir::kMaxExtent || std::abs(pads[size_t(a + 2)]) > ir::kMaxExtent ||
            std::abs(output_shape[size_t(a)]) > ir::kMaxExtent)
            fail(n, "a pad or output_shape value is outside -" + std::to_string(ir::kMaxExtent) + ".." +
                        std::to_string(ir::kMaxExtent));
        t.in[a] = xs[size_t(2 + a)], t.kernel[a] = ws[size_t(2 + a)];
        t.stride[a] = strides[size_t(a)], t.dilation[a] = dilations[size_t(a)];
        const int64_t full = t.unpadded_out(a, output_padding[size_t(a)]);
        int64_t begin = pads[size_t(a)], end = pads[size_t(a + 2)];
        if (given_shape || ap == "SAME_UPPER" || ap == "SAME_LOWER") {
            // ONNX: total = full - output_shape; SAME_UPPER puts the odd pad at the end, the
            // others at the beginning (a negative total adds rows).
            const int64_t want = given_shape ? output_shape[size_t(a)] : t.in[a] * t.stride[a];
            const int64_t total = full - want;
            begin = ap == "SAME_UPPER" ? floor_half(total) : total - floor_half(total);
            end = total - begin;
        } else if (ap == "VALID") {
            begin = end = 0;
        }
        t.pad_begin[a] = begin;
        t.out[a] = full - begin - end;
        if (t.out[a] < 1)
            fail(n, "the output has " + std::to_string(t.out[a]) + (a ? " columns" : " rows") +
                        "; its pads (or output_shape) leave nothing");
    }
    // Every extent of the node and of the conv it becomes (K x phases output channels, their
    // weights) within what a layer may hold (ir/Limits.h), before anything is sized by them.
    const int64_t phases = t.stride[0] * t.stride[1];
    const int64_t taps = t.taps(0) * t.taps(1);
    for (const auto &[value, what] : {std::pair<int64_t, const char *>{t.C, "X's channels"}, {t.K, "W's output channels"},
                                      {t.in[0], "X's height"}, {t.in[1], "X's width"}, {t.out[0], "the output's height"},
                                      {t.out[1], "the output's width"}, {t.kernel[0] * t.kernel[1], "the kernel"},
                                      {t.K * phases, "K x stride_y x stride_x (the sub-pixel conv's channels)"},
                                      {t.dilation[0] * t.dilation[1] * t.kernel[0] * t.kernel[1], "the dilated kernel"}})
        if (value < 1 || value > ir::kMaxExtent)
            fail(n, std::string(what) + " = " + std::to_string(value) + " is outside 1.." + std::to_string(ir::kMaxExtent));
    const auto words = ir::checked_mul(t.C * t.K * phases, taps);
    if (!words || *words > ir::kMaxDramWords)
        fail(n, "its sub-pixel conv would hold more than " + std::to_string(ir::kMaxDramWords) + " weights");
    return t;
}

}  // namespace tessera::interop::onnx_graph
