// The Halide JIT reference equals a plain loop nest written from the layer's definition.
#include "Layers.h"
#include "Networks.h"
#include "Reference.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <set>

using namespace tessera;

namespace {

int8_t post_op(const ir::LayerSpec &l, int32_t acc, int32_t bias) {
    int64_t v = acc;
    if (l.bias) v += bias;
    if (l.relu) v = std::max<int64_t>(v, 0);
    const int shift = l.effective_shift();
    if (shift > 0) v = (v + (int64_t(1) << (shift - 1))) >> shift;
    return int8_t(std::clamp<int64_t>(v, -128, 127));
}

}  // namespace

TEST_CASE("JIT reference matches a plain loop nest", "[reference]") {
    for (const char *spec : {"conv:C=3,K=5,H=11,W=9,R=7,S=7,stride=2,pad=3", "conv:C=4,K=6,H=6,W=6,R=3,S=3,pad=1,relu=0",
                             "dwconv:C=6,H=7,W=7,R=3,S=3,stride=2,pad=1", "fc:N=3,C=20,K=7,bias=0",
                             // grouped (2 groups; 4 groups of one input and two outputs), depthwise
                             // written as a conv, dilated, 1x7 with per-side pads and per-axis stride
                             "conv:C=6,K=4,H=7,W=6,R=3,S=3,pad=1,groups=2",
                             "conv:N=2,C=4,K=8,H=5,W=5,R=3,S=3,stride=2,pad=1,groups=4",
                             "conv:C=5,K=5,H=6,W=6,R=3,S=3,pad=1,groups=5",
                             "conv:C=3,K=4,H=9,W=8,R=3,S=3,pad=2,dilation=2,dilation_w=3",
                             "conv:C=3,K=4,H=6,W=11,R=1,S=7,stride_w=2,pad=0,pad_left=3,pad_right=2",
                             "conv:C=2,K=3,H=8,W=5,R=7,S=1,stride=3,pad=2,pad_bottom=4,pad_left=0"}) {
        INFO(spec);
        const ir::LayerSpec l = parse_inline_layer(spec);
        const auto t = gen::random_tensors(l, 7);
        const auto out = gen::run_reference(l, t);
        const bool fc = l.type == "fc";
        const int cg = int(l.C / l.groups), kg = int(l.K / l.groups);
        const int P = int(l.out_h()), Q = int(l.out_w());
        int checked = 0;
        for (int n = 0; n < l.N; ++n)
            for (int k = 0; k < l.K; ++k)
                for (int y = 0; y < P; ++y)
                    for (int x = 0; x < Q; ++x) {
                        int32_t acc = 0;
                        for (int c = 0; c < cg; ++c)
                            for (int r = 0; r < l.R; ++r)
                                for (int s = 0; s < l.S; ++s) {
                                    const int iy = int(y * l.stride_y() + r * l.dilation_y() - l.pad_y0());
                                    const int ix = int(x * l.stride_x() + s * l.dilation_x() - l.pad_x0());
                                    const int ic = (k / kg) * cg + c;  // the group's inputs
                                    if (!fc && (iy < 0 || ix < 0 || iy >= l.H || ix >= l.W)) continue;
                                    const int32_t in = fc ? t.input(c, n) : t.input(ix, iy, ic, n);
                                    const int32_t w = fc ? t.weights(c, k) : t.weights(s, r, c, k);
                                    acc += in * w;
                                }
                        const int8_t expect = post_op(l, acc, t.bias(k));
                        // Dense, Halide order: a grouped conv's (k, g) is the channel g*K/G + k.
                        const int64_t at = fc ? k + l.K * n : x + Q * (y + P * (k + l.K * n));
                        REQUIRE(int(out.data()[at]) == int(expect));
                        ++checked;
                    }
        REQUIRE(checked == l.N * l.K * l.out_h() * l.out_w());
    }
}

TEST_CASE("quantized JIT reference matches QLinearConv's definition computed in floating point",
          "[reference][quantized]") {
    // y = saturate(round_half_even((acc + bias) * scale) + y_zero_point), acc over
    // (x - x_zero_point) * (w - w_zero_point), padding a real zero; scale = multiplier / 2^shift
    // (exact in double, as is the product with any int32 accumulator below 2^22 multipliers).
    for (const char *spec :
         {"conv:C=3,K=4,H=7,W=6,R=3,S=3,pad=1,relu=0,x_uint8=1,x_zero_point=128,w_zero_point=-3,"
          "y_uint8=1,y_zero_point=90,multiplier=3000001,shift=31,round_even=1",
          "conv:C=4,K=4,H=5,W=5,R=3,S=3,stride=2,pad=1,groups=2,relu=0,x_zero_point=-5,w_uint8=1,"
          "w_zero_point=120,y_zero_point=-7,multiplier=1,shift=13,round_even=1",
          "fc:N=3,C=40,K=5,relu=0,x_uint8=1,w_uint8=1,x_zero_point=7,w_zero_point=128,y_uint8=1,y_zero_point=128,"
          "multiplier=3,shift=11,round_even=1",
          // Per output channel (ONNX per-axis w_scale): multipliers and shifts set below.
          "conv:C=3,K=4,H=6,W=5,R=3,S=3,pad=1,relu=0,x_uint8=1,x_zero_point=100,y_uint8=1,y_zero_point=80,"
          "multiplier=1,shift=0,round_even=1,per_channel",
          "conv:C=4,K=6,H=5,W=5,R=3,S=3,pad=1,groups=2,relu=0,w_zero_point=2,y_zero_point=-4,"
          "multiplier=1,shift=0,round_even=1,per_channel",
          "fc:N=3,C=40,K=5,relu=0,x_uint8=1,x_zero_point=7,y_zero_point=3,multiplier=1,shift=0,per_channel"}) {
        INFO(spec);
        std::string text = spec;
        const bool per_channel = text.size() > 12 && text.substr(text.size() - 12) == ",per_channel";
        if (per_channel) text.resize(text.size() - 12);
        ir::LayerSpec l = parse_inline_layer(text);
        if (per_channel) {  // scales 2^-12 .. 2^-7 with odd multipliers: every channel differs
            for (int k = 0; k < l.K; ++k) {
                l.channel_multiplier.push_back(1000 + 7919 * k);
                l.channel_shift.push_back(19 + k % 3 * 2);
            }
            l.multiplier = l.channel_multiplier[0];
            l.requant_shift = int(l.channel_shift[0]);
        }
        const auto t = gen::random_tensors(l, 11);
        const auto out = gen::run_reference(l, t);
        const bool fc = l.type == "fc";
        const int cg = int(l.C / l.groups), kg = int(l.K / l.groups);
        const int P = int(l.out_h()), Q = int(l.out_w());
        auto value = [](int8_t byte, int64_t is_u8) { return is_u8 ? int32_t(uint8_t(byte)) : int32_t(byte); };
        const double scale = double(l.multiplier) / std::ldexp(1.0, l.requant_shift);
        std::set<int> distinct;
        for (int n = 0; n < l.N; ++n)
            for (int k = 0; k < l.K; ++k)
                for (int y = 0; y < P; ++y)
                    for (int x = 0; x < Q; ++x) {
                        int64_t acc = 0;
                        for (int c = 0; c < cg; ++c)
                            for (int r = 0; r < l.R; ++r)
                                for (int s = 0; s < l.S; ++s) {
                                    const int iy = int(y * l.stride_y() + r - l.pad_y0());
                                    const int ix = int(x * l.stride_x() + s - l.pad_x0());
                                    const int ic = (k / kg) * cg + c;
                                    const bool inside = fc || (iy >= 0 && ix >= 0 && iy < l.H && ix < l.W);
                                    const int32_t xv = !inside ? int32_t(l.x_zero_point)
                                                       : value(fc ? t.input(c, n) : t.input(ix, iy, ic, n), l.x_uint8);
                                    const int32_t wv = value(fc ? t.weights(c, k) : t.weights(s, r, c, k), l.w_uint8);
                                    acc += int64_t(xv - l.x_zero_point) * (wv - l.w_zero_point);
                                }
                        // k runs over all K channels here (a grouped conv's g*K/G + k): the bias word.
                        const double channel_scale = per_channel
                            ? double(l.channel_multiplier[size_t(k)]) / std::ldexp(1.0, int(l.channel_shift[size_t(k)]))
                            : scale;
                        const double real = double(acc + t.bias(k)) * channel_scale;
                        const double q = std::nearbyint(real) + double(l.y_zero_point);  // ties to even
                        const double lo = l.y_uint8 ? 0 : -128, hi = l.y_uint8 ? 255 : 127;
                        const int expect = int(std::clamp(q, lo, hi));
                        const int64_t at = fc ? k + l.K * n : x + Q * (y + P * (k + l.K * n));
                        REQUIRE(value(out.data()[at], l.y_uint8) == expect);
                        distinct.insert(expect);
                    }
        CHECK(distinct.size() > 5);  // not all saturated
    }
}
