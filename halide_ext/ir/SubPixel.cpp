#include "SubPixel.h"

#include "Limits.h"
#include "UserError.h"

#include <algorithm>

namespace tessera::ir {

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

SubPixel sub_pixel(const TransposedConv &t) {
    SubPixel s;
    s.t = t;
    for (int a = 0; a < 2; ++a) {
        const int64_t st = t.stride[a];
        s.taps[a] = t.taps(a);
        // The rows q the output needs: o' = o + pad_begin over o in [0, out).
        const int64_t q_lo = floor_div(t.pad_begin[a], st), q_hi = floor_div(t.pad_begin[a] + t.out[a] - 1, st);
        // The conv's row 0 is q = first; its begin pad taps - 1 - first reaches X[q - taps + 1].
        // A q_lo beyond taps - 1 would need a negative pad: those rows are computed and not read.
        s.first[a] = std::min(q_lo, s.taps[a] - 1);
        const int64_t begin = s.taps[a] - 1 - s.first[a];
        const int64_t rows = q_hi - s.first[a] + 1;
        const int64_t end = std::max<int64_t>(0, rows - t.in[a] - begin + s.taps[a] - 1);
        s.pad[a] = begin, s.pad[a + 2] = end;
    }
    return s;
}

TransposedConv transposed_conv(const LayerSpec &l, int64_t output_padding_y, int64_t output_padding_x,
                               const std::string &where) {
    if (l.groups < 1 || l.C % l.groups || l.K % l.groups)
        throw UserError(where + ": deconv groups=" + std::to_string(l.groups) + " must divide C=" + std::to_string(l.C) +
                        " and K=" + std::to_string(l.K));
    const int64_t output_padding[2] = {output_padding_y, output_padding_x};
    const int64_t stride[2] = {l.stride_y(), l.stride_x()}, dilation[2] = {l.dilation_y(), l.dilation_x()};
    const int64_t pad_end[2] = {l.pad_y1(), l.pad_x1()};
    TransposedConv t;
    t.N = l.N, t.C = l.C, t.K = l.K, t.groups = l.groups;
    for (const auto &[value, what] : {std::pair<int64_t, const char *>{l.N, "N"}, {l.C, "C"}, {l.K, "K"},
                                      {l.H, "H"}, {l.W, "W"}, {l.R, "R"}, {l.S, "S"}, {stride[0], "stride"},
                                      {stride[1], "stride_w"}, {dilation[0], "dilation"}, {dilation[1], "dilation_w"}})
        if (value < 1 || value > kMaxExtent)
            throw UserError(where + ": deconv " + what + "=" + std::to_string(value) + " must be 1.." +
                            std::to_string(kMaxExtent));
    for (int a = 0; a < 2; ++a) {
        t.in[a] = a ? l.W : l.H, t.kernel[a] = a ? l.S : l.R;
        t.stride[a] = stride[a], t.dilation[a] = dilation[a];
        t.pad_begin[a] = a ? l.pad_x0() : l.pad_y0();
        if (output_padding[a] < 0 || output_padding[a] >= std::max(stride[a], dilation[a]))
            throw UserError(where + ": deconv output padding " + std::to_string(output_padding[a]) + (a ? " (columns)" : " (rows)") +
                            " must be 0.." + std::to_string(std::max(stride[a], dilation[a]) - 1) +
                            " (below the stride or the dilation, as ONNX's ConvTranspose)");
        if (t.pad_begin[a] < 0 || pad_end[a] < 0 || t.pad_begin[a] > kMaxExtent || pad_end[a] > kMaxExtent)
            throw UserError(where + ": deconv pads must be 0.." + std::to_string(kMaxExtent));
        t.out[a] = t.unpadded_out(a, output_padding[a]) - t.pad_begin[a] - pad_end[a];
        if (t.out[a] < 1)
            throw UserError(where + ": the deconv's pads leave an output of " + std::to_string(t.out[a]) +
                            (a ? " columns" : " rows"));
    }
    if (t.K * t.stride[0] * t.stride[1] > kMaxExtent)
        throw UserError(where + ": deconv K x stride x stride_w = " + std::to_string(t.K * t.stride[0] * t.stride[1]) +
                        " (the sub-pixel conv's channels) exceeds " + std::to_string(kMaxExtent));
    return t;
}

LayerSpec sub_pixel_layer(const LayerSpec &l, int64_t output_padding_y, int64_t output_padding_x, const std::string &where) {
    LayerSpec conv = l;
    set_sub_pixel_conv(sub_pixel(transposed_conv(l, output_padding_y, output_padding_x, where)), conv);
    return conv;
}

void set_sub_pixel_conv(const SubPixel &s, LayerSpec &l) {
    l.type = "conv";
    l.groups = s.t.groups;
    l.N = s.t.N, l.C = s.t.C, l.K = s.t.K * s.phases();
    l.H = s.t.in[0], l.W = s.t.in[1];
    l.R = s.taps[0], l.S = s.taps[1];
    l.stride = 1, l.stride_w = -1;
    l.dilation = 1, l.dilation_w = -1;
    l.pad = s.pad[0], l.pad_left = s.pad[1], l.pad_bottom = s.pad[2], l.pad_right = s.pad[3];
    if (!l.channel_multiplier.empty()) l.channel_multiplier = per_phase(s, l.channel_multiplier);
    if (!l.channel_shift.empty()) l.channel_shift = per_phase(s, l.channel_shift);
    if (!l.channel_w_zero_point.empty()) l.channel_w_zero_point = per_phase(s, l.channel_w_zero_point);
}

std::vector<int8_t> sub_pixel_weights(const SubPixel &s, const std::vector<int8_t> &w, const std::vector<int8_t> &zero_byte) {
    const TransposedConv &t = s.t;
    const int64_t R = t.kernel[0], S = t.kernel[1], ty = s.taps[0], tx = s.taps[1];
    const int64_t group_k = t.K / t.groups, group_c = t.C / t.groups;
    std::vector<int8_t> out(size_t(t.K * s.phases() * group_c * ty * tx));
    size_t i = 0;
    for (int64_t k = 0; k < t.K; ++k)
        for (int64_t py = 0; py < t.stride[0]; ++py)
            for (int64_t px = 0; px < t.stride[1]; ++px)
                for (int64_t c = (k / group_k) * group_c; c < (k / group_k + 1) * group_c; ++c)
                    for (int64_t a = 0; a < ty; ++a)
                        for (int64_t b = 0; b < tx; ++b) {
                            // Tap a of phase py is the dilated kernel's row py + stride * (ty - 1 - a).
                            const int64_t ey = py + t.stride[0] * (ty - 1 - a), ex = px + t.stride[1] * (tx - 1 - b);
                            const bool on_kernel = ey % t.dilation[0] == 0 && ex % t.dilation[1] == 0 &&
                                                   ey / t.dilation[0] < R && ex / t.dilation[1] < S;
                            out[i++] = on_kernel ? w[size_t(((c * group_k + k % group_k) * R + ey / t.dilation[0]) * S +
                                                            ex / t.dilation[1])]
                                                 : zero_byte[size_t(k)];
                        }
    return out;
}

std::vector<int32_t> transposed_output(const SubPixel &s, const LayerSpec &conv, const std::vector<int32_t> &y) {
    const TransposedConv &t = s.t;
    const int64_t P = conv.out_h(), Q = conv.out_w();
    std::vector<int32_t> out(size_t(t.N * t.K * t.out[0] * t.out[1]));
    size_t i = 0;
    for (int64_t n = 0; n < t.N; ++n)
        for (int64_t k = 0; k < t.K; ++k)
            for (int64_t oy = 0; oy < t.out[0]; ++oy)
                for (int64_t ox = 0; ox < t.out[1]; ++ox) {
                    const int64_t qy = floor_div(oy + t.pad_begin[0], t.stride[0]),
                                  qx = floor_div(ox + t.pad_begin[1], t.stride[1]);
                    const int64_t py = oy + t.pad_begin[0] - qy * t.stride[0], px = ox + t.pad_begin[1] - qx * t.stride[1];
                    const int64_t channel = (k * t.stride[0] + py) * t.stride[1] + px;
                    out[i++] = y[size_t(((n * conv.K + channel) * P + qy - s.first[0]) * Q + qx - s.first[1])];
                }
    return out;
}

}  // namespace tessera::ir
