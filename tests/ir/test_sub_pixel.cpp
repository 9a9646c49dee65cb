// A transposed conv as its sub-pixel conv (ir/SubPixel.h), on random geometries: strides,
// kernels larger and smaller than the stride, dilations, pads (negative ones too: output_shape
// beyond the full result), groups, per-channel weight zero points. The conv, computed plainly on the
// layer set_sub_pixel_conv makes and interleaved, equals ONNX's definition of ConvTranspose
// computed directly. (The node tests of tests/interop/test_onnx_nodes run such layers through Halide
// and RTL.)
#include "ir/SubPixel.h"

#include <catch2/catch.hpp>

#include <random>

using namespace tessera;
using ir::SubPixel;
using ir::TransposedConv;

namespace {

// ONNX: Y[n][k][o] = sum over c, i, r with o + pad_begin = i * stride + r * dilation of
// X[n][c][i] * (W[c][k][r] - zero_point[k]), per axis.
std::vector<int64_t> direct(const TransposedConv &t, const std::vector<int8_t> &x, const std::vector<int8_t> &w,
                            const std::vector<int8_t> &zp) {
    std::vector<int64_t> y(size_t(t.N * t.K * t.out[0] * t.out[1]), 0);
    for (int64_t n = 0; n < t.N; ++n)
        for (int64_t c = 0; c < t.C; ++c)
            for (int64_t iy = 0; iy < t.in[0]; ++iy)
                for (int64_t ix = 0; ix < t.in[1]; ++ix)
                    for (int64_t k = (c / (t.C / t.groups)) * (t.K / t.groups);
                         k < (c / (t.C / t.groups) + 1) * (t.K / t.groups); ++k)  // the outputs of c's group
                        for (int64_t r = 0; r < t.kernel[0]; ++r)
                            for (int64_t s = 0; s < t.kernel[1]; ++s) {
                                const int64_t oy = iy * t.stride[0] + r * t.dilation[0] - t.pad_begin[0];
                                const int64_t ox = ix * t.stride[1] + s * t.dilation[1] - t.pad_begin[1];
                                if (oy < 0 || oy >= t.out[0] || ox < 0 || ox >= t.out[1]) continue;
                                const int64_t kg = k % (t.K / t.groups);  // W is [C][K/groups][R][S]
                                const int64_t wv =
                                    w[size_t(((c * (t.K / t.groups) + kg) * t.kernel[0] + r) * t.kernel[1] + s)] - zp[size_t(k)];
                                y[size_t(((n * t.K + k) * t.out[0] + oy) * t.out[1] + ox)] +=
                                    int64_t(x[size_t(((n * t.C + c) * t.in[0] + iy) * t.in[1] + ix)]) * wv;
                            }
    return y;
}

// The conv layer `l` (stride 1, zero padding, grouped) on X with weights [K'][C/groups][R][S] less
// their channel's zero point.
std::vector<int32_t> plain_conv(const ir::LayerSpec &l, const std::vector<int8_t> &x, const std::vector<int8_t> &w,
                                const std::vector<int64_t> &zp) {
    const int64_t P = l.out_h(), Q = l.out_w();
    std::vector<int32_t> y(size_t(l.N * l.K * P * Q), 0);
    for (int64_t n = 0; n < l.N; ++n)
        for (int64_t k = 0; k < l.K; ++k)
            for (int64_t p = 0; p < P; ++p)
                for (int64_t q = 0; q < Q; ++q) {
                    int64_t acc = 0;
                    const int64_t group_c = l.C / l.groups, group = k / (l.K / l.groups);
                    for (int64_t cg = 0; cg < group_c; ++cg)
                        for (int64_t r = 0; r < l.R; ++r)
                            for (int64_t s = 0; s < l.S; ++s) {
                                const int64_t iy = p + r - l.pad_y0(), ix = q + s - l.pad_x0();
                                if (iy < 0 || iy >= l.H || ix < 0 || ix >= l.W) continue;
                                const int64_t c = group * group_c + cg;
                                acc += int64_t(x[size_t(((n * l.C + c) * l.H + iy) * l.W + ix)]) *
                                       (w[size_t(((k * group_c + cg) * l.R + r) * l.S + s)] - zp[size_t(k)]);
                            }
                    y[size_t(((n * l.K + k) * P + p) * Q + q)] = int32_t(acc);
                }
    return y;
}

}  // namespace

TEST_CASE("a transposed conv equals its sub-pixel conv, interleaved, on random geometries", "[onnx][subpixel]") {
    std::mt19937 rng(2026);
    auto pick = [&](int64_t lo, int64_t hi) { return lo + int64_t(rng() % uint64_t(hi - lo + 1)); };
    int checked = 0;
    for (int draw = 0; draw < 400; ++draw) {
        TransposedConv t;
        t.groups = pick(1, 3);
        t.N = pick(1, 2), t.C = t.groups * pick(1, 2), t.K = t.groups * pick(1, 2);
        for (int a = 0; a < 2; ++a) {
            t.in[a] = pick(1, 6), t.kernel[a] = pick(1, 6), t.stride[a] = pick(1, 4), t.dilation[a] = pick(1, 2);
            const int64_t full = t.stride[a] * (t.in[a] - 1) + (t.kernel[a] - 1) * t.dilation[a] + 1 +
                                 pick(0, t.stride[a] - 1);  // output_padding
            t.pad_begin[a] = pick(-2, 4);
            const int64_t end = pick(-2, 4);
            t.out[a] = full - t.pad_begin[a] - end;
        }
        if (t.out[0] < 1 || t.out[1] < 1) continue;
        std::vector<int8_t> x(size_t(t.N * t.C * t.in[0] * t.in[1])),
            w(size_t(t.C * (t.K / t.groups) * t.kernel[0] * t.kernel[1])),
            zp(size_t(t.K));
        for (auto &v : x) v = int8_t(pick(-128, 127));
        for (auto &v : w) v = int8_t(pick(-128, 127));
        for (auto &v : zp) v = int8_t(pick(-3, 3));
        const SubPixel s = ir::sub_pixel(t);
        ir::LayerSpec l;
        l.channel_w_zero_point.assign(zp.begin(), zp.end());
        ir::set_sub_pixel_conv(s, l);
        INFO("in " << t.in[0] << "x" << t.in[1] << " kernel " << t.kernel[0] << "x" << t.kernel[1] << " stride "
                   << t.stride[0] << "x" << t.stride[1] << " dilation " << t.dilation[0] << "x" << t.dilation[1]
                   << " pad_begin " << t.pad_begin[0] << "," << t.pad_begin[1] << " out " << t.out[0] << "x" << t.out[1]);
        REQUIRE(l.K == t.K * t.stride[0] * t.stride[1]);
        REQUIRE(l.groups == t.groups);
        REQUIRE(l.R * t.stride[0] >= (t.kernel[0] - 1) * t.dilation[0] + 1);
        REQUIRE(l.pad_y0() >= 0);
        REQUIRE(l.pad_y1() >= 0);
        REQUIRE(l.pad_x0() >= 0);
        REQUIRE(l.pad_x1() >= 0);
        REQUIRE(l.out_h() >= 1);
        REQUIRE(l.out_w() >= 1);
        REQUIRE(l.channel_w_zero_point.size() == size_t(l.K));
        const std::vector<int8_t> w2 = ir::sub_pixel_weights(s, w, zp);
        const std::vector<int32_t> y = ir::transposed_output(s, l, plain_conv(l, x, w2, l.channel_w_zero_point));
        const std::vector<int64_t> want = direct(t, x, w, zp);
        REQUIRE(y.size() == want.size());
        for (size_t i = 0; i < want.size(); ++i) {
            INFO("element " << i);
            REQUIRE(int64_t(y[i]) == want[i]);
        }
        ++checked;
    }
    CHECK(checked >= 200);
}
