// Hand-built accelerator IRs for the model's tests: a conv or GEMM layer with a loop nest given
// outermost first. Strides follow the split order (per dim, the innermost loop is fastest); each
// buffer's box is the affine extent of the loops inside it, each dim's span clamped to the dim's
// extent, as Halide's bounds inference gives it.
#pragma once

#include "ir/AcceleratorIR.h"
#include "ir/Architecture.h"

#include <random>
#include <string>
#include <vector>

namespace tessera::model::test {

struct L {
    std::string dim;
    int64_t extent;
    ir::LoopKind kind = ir::LoopKind::Temporal;
};
inline L row(std::string dim, int64_t e) { return {std::move(dim), e, ir::LoopKind::SpatialRow}; }
inline L col(std::string dim, int64_t e) { return {std::move(dim), e, ir::LoopKind::SpatialCol}; }

struct At {
    int I = 0, W = 0, O = 0;  // Buffer::at of each tensor's GLB buffer
};

// Conv: dims n k c y x r s; I(x*stride + s - pad, y*stride + r - pad, c, n), W(s, r, c, k),
// O(x, y, k, n); 8/8/32-bit elements. dwconv: I's channel is k, no c dim.
ir::AcceleratorIR conv_ir(const ir::LayerSpec &layer, const std::vector<L> &loops, At at);

// GEMM O[m][n] = sum_k I[m][k] * W[k][n] as dims m n k: I(k, m), W(n, k), O(n, m).
ir::AcceleratorIR gemm_ir(int64_t M, int64_t N, int64_t K, const std::vector<L> &loops, At at,
                          bool bias = false);

// Adds a buffer of `tensor` at `level`, placed at loop `at`, its box as Halide's bounds give it
// (a per-PE tile spans only the temporal loops from `at`).
void add_buffer(ir::AcceleratorIR &ir, const std::string &tensor, const std::string &level, int at,
                bool per_pe);

// The round architecture with a second shared level: DRAM, L2 (256 KB, 5 pJ), GLB, RF (per PE).
ir::Architecture four_level_architecture();

// A small random conv or dwconv (C, K <= 5, H, W <= 6, 1-3 taps, stride 1-2, pad 0-1, bias or
// not): the layers the literal-execution tests walk.
ir::LayerSpec random_small_layer(std::mt19937 &rng);

// Loops that cover every dim of `ir` once, in the given order (extent = the dim's extent).
std::vector<L> whole_dims(const ir::AcceleratorIR &ir, const std::vector<std::string> &order);

// Round numbers for hand-derived cycles and energies: DRAM 100 pJ (8-bit words, 1 word/cycle),
// GLB 10 pJ read / 12 pJ write (32-bit words, unbounded bandwidth, 1 MB), RF 1 pJ read / 2 pJ write
// (32-bit words), MAC 0.5 pJ, hop 0.25 pJ, 8x8 array, DRAM latency 4.
ir::Architecture round_architecture();

}  // namespace tessera::model::test
