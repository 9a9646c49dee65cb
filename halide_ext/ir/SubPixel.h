// A transposed convolution (ONNX ConvTranspose, "deconvolution") as the convolution an
// accelerator runs for it: its sub-pixel form (docs/onnx.md, "ConvTranspose"). Output row
// o of the transposed conv, shifted by its begin pad to o' = o + pad_begin, is phase
// p = o' mod stride of row q = o' div stride, and
//     Y[k][o] = sum_j X[q - j] * W[k][p + stride * j]      (the dilated kernel, j >= 0)
// is an ordinary stride-1 conv over X with ceil(kernel / stride) taps, one output channel per
// (k, phase). So one ConvTranspose is one conv layer (grouped as the node is): K * stride_y * stride_x output channels,
// channel k' = (k * stride_y + p_y) * stride_x + p_x, its weights the kernel's taps of that
// phase in reverse order (a tap past the kernel holds the weight zero point: it adds nothing).
// The conv's output (q, phase) interleaves into the transposed conv's (depth to space).
// Nothing here knows ONNX: interop/OnnxImport reads the node, the network CSV and inline specs a
// `deconv` row (halide_ext/Networks.cpp); this is the geometry.
#pragma once

#include "AcceleratorIR.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::ir {

// One transposed conv's geometry; per axis, 0 the rows (y) and 1 the columns (x).
struct TransposedConv {
    int64_t N = 1, C = 1, K = 1;
    int64_t groups = 1;  // group g's K/groups outputs read its C/groups inputs (W is [C][K/groups][R][S])
    int64_t in[2] = {1, 1}, kernel[2] = {1, 1}, stride[2] = {1, 1}, dilation[2] = {1, 1};
    int64_t pad_begin[2] = {0, 0};  // may be negative (output_shape beyond the full result)
    int64_t out[2] = {1, 1};        // the transposed conv's output extent

    // Axis a's output extent before its pads crop it: stride * (in - 1) + dilated kernel + output
    // padding (ONNX's ConvTranspose; the CSV `deconv` rows and MAESTRO's TRCONV use it too).
    int64_t unpadded_out(int a, int64_t output_padding) const {
        return stride[a] * (in[a] - 1) + (kernel[a] - 1) * dilation[a] + 1 + output_padding;
    }
    // The sub-pixel conv's taps along axis a: ceil(dilated kernel / stride).
    int64_t taps(int a) const { return (kernel[a] - 1) * dilation[a] / stride[a] + 1; }
};

struct SubPixel {
    TransposedConv t;
    int64_t taps[2] = {1, 1};     // the sub-pixel conv's window: ceil(dilated kernel / stride)
    int64_t first[2] = {0, 0};    // q of the conv's first output row (column)
    int64_t pad[4] = {0, 0, 0, 0};  // the conv's pads: top, left, bottom, right
    int64_t phases() const { return t.stride[0] * t.stride[1]; }
};

// The sub-pixel form of `t` (every extent at least 1, strides and dilations at least 1).
SubPixel sub_pixel(const TransposedConv &t);

// The transposed conv a `deconv` layer describes (a network CSV row or an inline spec): `l`'s
// fields as the node's own (H, W its input, R, S its kernel, its strides, dilations, pads and
// groups) plus its output padding per axis. UserError, prefixed by `where`, for an extent out of
// range (ir/Limits.h), groups not dividing C and K, or an output padding outside
// 0 .. max(stride, dilation) - 1.
TransposedConv transposed_conv(const LayerSpec &l, int64_t output_padding_y, int64_t output_padding_x,
                               const std::string &where);

// `l` (a `deconv`, read as transposed_conv reads it) as the conv layer that runs it: its
// sub-pixel conv, type conv, the name, bias, ReLU and quantization kept.
LayerSpec sub_pixel_layer(const LayerSpec &l, int64_t output_padding_y, int64_t output_padding_x, const std::string &where);

// `l` becomes the sub-pixel conv: C, K * phases, the node's groups, the taps, stride 1, the pads; a per-channel
// table (multipliers, shifts, weight zero points) of the K channels repeats for each phase.
void set_sub_pixel_conv(const SubPixel &s, LayerSpec &l);

// The conv's weights [K * phases][C/groups][taps_y][taps_x] from the transposed conv's [C][K/groups][R][S]
// (both row-major); a tap past the kernel holds `zero_byte[k]`, channel k's weight zero point.
std::vector<int8_t> sub_pixel_weights(const SubPixel &s, const std::vector<int8_t> &w, const std::vector<int8_t> &zero_byte);

// Per output channel values (a bias) of the K channels, repeated for each phase.
template <typename T>
std::vector<T> per_phase(const SubPixel &s, const std::vector<T> &per_k) {
    std::vector<T> out;
    out.reserve(per_k.size() * size_t(s.phases()));
    for (const T &v : per_k) out.insert(out.end(), size_t(s.phases()), v);
    return out;
}

// The transposed conv's output [N][K][out_y][out_x] from the sub-pixel conv's [N][K'][P][Q]
// (`conv` the layer set_sub_pixel_conv made, for P and Q).
std::vector<int32_t> transposed_output(const SubPixel &s, const LayerSpec &conv, const std::vector<int32_t> &y);

}  // namespace tessera::ir
