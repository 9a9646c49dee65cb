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
    int64_t stride = 1, pad = 0, groups = 1;
    bool bias = true, relu = true;
    int requant_shift = -1;  // -1: chosen from the reduction size (see default_requant_shift)

    int64_t out_h() const { return (H + 2 * pad - R) / stride + 1; }
    int64_t out_w() const { return (W + 2 * pad - S) / stride + 1; }
    int64_t reduction_size() const;  // C/groups * R * S
    int effective_shift() const;
    int64_t macs() const;            // N*K*P*Q*R*S*C/groups
    // The shape field a key names (N C K H W R S stride pad groups), nullptr for any other key.
    int64_t *shape_field(const std::string &key);
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
    bool operator==(const Tensor &) const;
};

// Post-op applied once per output element when it leaves the accelerator (bit-exact with Halide):
// v = acc (+ bias[k]); v = max(v, 0) if relu; out = clamp((v + (1 << (shift-1))) >> shift, -128, 127).
struct PostOp {
    bool bias = true;
    bool relu = true;
    int shift = 0;       // arithmetic right shift with round-half-up; 0 = no rounding term
    int out_bits = 8;    // output element width after saturation
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
