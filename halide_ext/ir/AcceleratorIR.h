// The accelerator IR: the one contract between the front end (halide_ext) and everything after it
// (sim/model, rtl_backend, sim/verilator, explore). Plain structs, no Halide types, JSON round trip.
// See docs/ir.md for the meaning of every field and docs/hardware.md for how hardware executes it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tessera::ir {

// A layer as users name it (CSV row or inline spec). The Halide generator is built from it.
struct LayerSpec {
    std::string name = "layer";
    std::string type = "conv";  // conv | dwconv | fc
    int64_t N = 1, C = 1, K = 1, H = 1, W = 1, R = 1, S = 1;
    int64_t batch = 1;  // fc: independent matrices (a batched MatMul: each batch its own weights)
    // Window geometry. `stride`, `pad` and `dilation` hold for both axes and every side unless
    // one of the per-axis / per-side fields overrides them (-1: not given, take the common value).
    int64_t stride = 1, pad = 0, groups = 1;
    int64_t stride_w = -1;                                 // horizontal stride
    int64_t pad_bottom = -1, pad_left = -1, pad_right = -1;  // pad is the top side
    int64_t dilation = 1, dilation_w = -1;                 // dilation is the vertical one
    bool bias = true, relu = true;
    int requant_shift = -1;  // -1: chosen from the reduction size (see default_requant_shift)
    // Quantization as ONNX QLinearConv / QLinearMatMul and TFLite define it (docs/quantization.md):
    // uint8 (1) or int8 (0) elements, zero points, and requantization by a fixed-point multiplier:
    // y = saturate(round(v * multiplier / 2^shift) + y_zero_point), v = acc (+ bias) (ReLU'd),
    // acc = sum (x - x_zero_point) * (w - w_zero_point). multiplier 0: the shift-only post-op
    // (round half up, int8), which the zero points, y_uint8 and round_even need a multiplier for.
    int64_t x_uint8 = 0, w_uint8 = 0, y_uint8 = 0;
    int64_t x_zero_point = 0, w_zero_point = 0, y_zero_point = 0;
    int64_t multiplier = 0;  // 1 .. 2^31-1
    int64_t round_even = 0;  // 1: ties to even (ONNX, numpy); 0: ties up (away from -inf)
    // 1: the output is the int32 accumulator (+ bias, ReLU), not requantized: ONNX ConvInteger /
    // MatMulInteger. Excludes a multiplier, a shift, y_uint8 and y_zero_point.
    int64_t y_int32 = 0;
    // Per output channel requantization (ONNX per-axis scales): one multiplier (1 .. 2^26-1) and
    // shift (0 .. 62) per bias word (channel k, or g*K/groups + k); empty: `multiplier` and the
    // shift hold for every channel. When given, `multiplier` is nonzero and the table rides with
    // the bias (docs/quantization.md), so a per-channel layer has bias on (zeros if it has none).
    std::vector<int64_t> channel_multiplier, channel_shift;
    // Per output channel weight zero points (ONNX per-axis w_zero_point), one per bias word like
    // channel_multiplier; empty: w_zero_point holds for every channel. The table rides with the
    // bias too (docs/quantization.md), so such a layer has bias on (zeros if it has none).
    std::vector<int64_t> channel_w_zero_point;

    // The resolved geometry: y is the vertical axis (H, R), x the horizontal one (W, S).
    int64_t stride_y() const { return stride; }
    int64_t stride_x() const { return stride_w >= 0 ? stride_w : stride; }
    int64_t dilation_y() const { return dilation; }
    int64_t dilation_x() const { return dilation_w >= 0 ? dilation_w : dilation; }
    int64_t pad_y0() const { return pad; }
    int64_t pad_y1() const { return pad_bottom >= 0 ? pad_bottom : pad; }
    int64_t pad_x0() const { return pad_left >= 0 ? pad_left : pad; }
    int64_t pad_x1() const { return pad_right >= 0 ? pad_right : pad; }
    // Only the common fields are set (square, symmetric, undilated windows print as before).
    bool plain_geometry() const;
    // Depthwise: one input and one output channel per group (groups = C = K, however written:
    // dwconv or conv with groups = C); grouped: any other groups > 1 (each group of K/groups outputs reads its C/groups inputs).
    bool depthwise() const { return type == "dwconv" || (groups > 1 && groups == C && groups == K); }
    bool grouped() const { return groups > 1 && !depthwise(); }

    int64_t out_h() const { return (H + pad_y0() + pad_y1() - dilation_y() * (R - 1) - 1) / stride_y() + 1; }
    int64_t out_w() const { return (W + pad_x0() + pad_x1() - dilation_x() * (S - 1) - 1) / stride_x() + 1; }
    int64_t reduction_size() const;  // C/groups * R * S
    int effective_shift() const;
    int64_t macs() const;            // N*K*P*Q*R*S*C/groups (times batch)
    // The shape field a key names (N C K H W R S stride stride_w pad pad_bottom pad_left pad_right
    // dilation dilation_w groups), nullptr for any other key.
    int64_t *shape_field(const std::string &key);
    // The quantization field a key names (x_uint8 w_uint8 y_uint8 x_zero_point w_zero_point
    // y_zero_point multiplier round_even y_int32), nullptr for any other key.
    int64_t *quant_field(const std::string &key);
    bool quantized() const {
        return multiplier != 0 || x_zero_point || w_zero_point || x_uint8 || w_uint8 || !channel_w_zero_point.empty();
    }
    bool operator==(const LayerSpec &) const;
};

// One problem dimension: n, k, c, y, x, r, s for a conv (no c for dwconv: its channel is k).
struct Dim {
    std::string name;
    int64_t extent = 1;
    bool reduction = false;
    bool operator==(const Dim &) const;
};

// sum(coeff * dim) + offset; terms sorted by dim name so equal functions compare equal.
struct AffineExpr {
    std::vector<std::pair<std::string, int64_t>> terms;
    int64_t offset = 0;
    int64_t coeff(const std::string &dim) const;
    bool operator==(const AffineExpr &) const;
};

enum class TensorRole { Input, Weight, Output };

struct Tensor {
    std::string name;              // I, W, O
    TensorRole role = TensorRole::Input;
    int elem_bits = 8;             // element width as stored in DRAM / on-chip buffers
    std::vector<int64_t> shape;    // valid extent of each tensor dim (Halide order: innermost first)
    std::vector<AffineExpr> index; // coordinate of each tensor dim as an affine function of dims;
                                   // coordinates outside [0, shape) read as zero (padding)
    // Whether some coordinate moves with problem dim `dim` (the tensor depends on its loops).
    bool uses(const std::string &dim) const;
    // Operands: uint8 or signed elements, and the zero point the MAC subtracts (padding reads as
    // the zero point, i.e. as zero after the subtraction).
    bool is_unsigned = false;
    int64_t zero_point = 0;
    // Weights: one zero point per bias word (PostOp::bias_index of the weight's output channel);
    // empty: zero_point holds for every element.
    std::vector<int64_t> channel_zero_point;
    // Bits of the operand after the zero point is taken off (one more than the element's when
    // the element is unsigned or has a zero point).
    int operand_bits() const {
        return elem_bits + (is_unsigned || zero_point != 0 || !channel_zero_point.empty() ? 1 : 0);
    }
    bool operator==(const Tensor &) const;
};

// Post-op applied once per output element when it leaves the accelerator (bit-exact with Halide):
// v = acc (+ bias[k]); v = max(v, 0) if relu; out = clamp((v + (1 << (shift-1))) >> shift, -128, 127).
struct PostOp {
    bool bias = true;
    bool relu = true;
    int shift = 0;       // arithmetic right shift with round-half-up; 0 = no rounding term
    int out_bits = 8;    // output element width after saturation
    // The bias word of an output element: affine in the output's dims (k for a conv or fc;
    // g*K/groups + k for a grouped conv).
    AffineExpr bias_index{{{"k", 1}}, 0};
    // Requantization by a fixed-point multiplier (0: the shift alone, as above):
    // out = saturate(round(v * multiplier / 2^shift) + out_zero_point) to int8 or uint8, with
    // 64-bit intermediates; round ties to even if round_even, else up.
    int64_t multiplier = 0;
    bool round_even = false;
    int64_t out_zero_point = 0;
    bool out_unsigned = false;
    // Per bias word (LayerSpec::channel_multiplier): replaces multiplier and shift when not empty.
    std::vector<int64_t> channel_multiplier, channel_shift;
    bool per_channel() const { return !channel_multiplier.empty(); }
    bool operator==(const PostOp &) const;
};

struct Problem {
    LayerSpec layer;
    std::vector<Dim> dims;
    std::vector<Tensor> tensors;  // exactly one each of Input, Weight, Output
    PostOp post;
    int acc_bits = 32;
    const Dim &dim(const std::string &name) const;
    const Tensor &tensor(TensorRole role) const;
    int64_t macs() const;  // product of dim extents
    int64_t bias_words() const;  // words of the bias table: 1 + the largest bias index (0: no bias)
    // Words the bias load reads per bias word: the bias, then the channel's requant word
    // (per-channel requantization), then its weight zero point (per-channel weight zero points).
    int64_t bias_load_stride() const;
    int64_t bias_load_words() const { return bias_words() * bias_load_stride(); }  // what the load reads
    bool operator==(const Problem &) const;
};

enum class LoopKind { Temporal, SpatialRow, SpatialCol };

// One loop of the scheduled nest. The dim's index is sum over its loops of (loop index * stride).
// Iterations where a dim's index reaches its extent are guarded off (tails, by predication).
struct Loop {
    std::string dim;
    int64_t extent = 1;
    int64_t stride = 1;
    LoopKind kind = LoopKind::Temporal;
    std::string name;  // the Halide loop variable it came from (informational)
    bool operator==(const Loop &) const;
};

// A tile of a tensor held at an on-chip memory level. Refilled (or, for the output, started and
// drained) at every iteration of loops[0 .. at-1]; covers loops[at ..]. Box: extent per tensor dim
// (Halide's Realize bounds, halo included).
struct Buffer {
    std::string tensor;
    std::string level;
    int at = 0;
    std::vector<int64_t> box;
    // On a double-buffered level: one copy of the tile, filled while the array waits, instead of
    // two (the whole level for tiles, no overlap). Nothing changes on other levels.
    bool single_buffered = false;
    int64_t words() const;
    bool operator==(const Buffer &) const;
};

struct Mapping {
    std::vector<Loop> loops;      // outermost first; spatial loops are the PE array's dimensions
    std::vector<Buffer> buffers;  // outermost level first per tensor
    std::string schedule;         // the schedule as text (Halide syntax), informational
    int64_t array_rows() const;   // product of the SpatialRow loops' extents (1 if none)
    int64_t array_cols() const;   // product of the SpatialCol loops' extents (1 if none)
    bool operator==(const Mapping &) const;
};

struct AcceleratorIR {
    Problem problem;
    Mapping mapping;
    bool operator==(const AcceleratorIR &) const;
};

const char *to_string(TensorRole);
const char *to_string(LoopKind);

}  // namespace tessera::ir
