// Facts derived from the accelerator IR that both sim/model and rtl_backend need. They are derived
// here, once, so that the model counts exactly what the generated hardware does (docs/hardware.md).
#pragma once

#include "AcceleratorIR.h"

#include <vector>

namespace tessera::ir {

struct Architecture;

// One place a tensor's words live on their way between DRAM and the MACs (docs/hardware.md,
// "Memory levels"). Every tensor has a chain of stages: DRAM first, then its buffers outermost
// first (a level it keeps no tile at is bypassed), and last the PE stage the MAC reads (for O:
// accumulates into). A stage is one mechanism wherever it sits: a tile refilled (or started and
// drained) at every iteration of the temporal loops before `at`, covering the loops from `at`.
enum class StageKind {
    Dram,      // the whole tensor; architecture level 0
    Shared,    // a buffer above the PE array (a Buffer of the mapping on a shared level)
    PerPe,     // a buffer inside the array: one tile per PE, covering temporal loops only
    Register,  // no per-PE buffer was placed: one register per PE, at stationary_from (box 1)
};

struct Stage {
    StageKind kind = StageKind::Dram;
    const Buffer *buffer = nullptr;  // Shared and PerPe: the mapping's buffer
    int at = 0;                      // loops [0, at) select the tile
    // Loops [0, refill_from) refill it (the output: start and drain it): the tile stays across the
    // loops just above `at` that do not move it (tile_refill_from); a register's is at.
    int refill_from = 0;
    std::vector<int64_t> box;        // extent per tensor coordinate; empty for Dram
    bool per_pe() const { return kind == StageKind::PerPe || kind == StageKind::Register; }
    int64_t words() const;           // product of box (1 for a register)
};

struct TensorAccess {
    TensorRole role;
    const Tensor *tensor = nullptr;
    // coord_step[l][t]: how far tensor coordinate t moves when loop l's index grows by one.
    std::vector<std::vector<int64_t>> coord_step;
    std::vector<bool> depends;     // depends[l]: the tensor's coordinates change with loop l
    // DRAM, the on-chip buffers outermost first, the PE stage (docs/hardware.md).
    std::vector<Stage> stages;
    const Buffer *buffer = nullptr;  // the outermost on-chip buffer: the one DRAM fills/drains
    int buffer_at = 0;             // buffer->at
    // Temporal loops [stationary_from, end) are the innermost temporal loops the tensor does not
    // depend on: its value stays in the PE register across them (for the output: the accumulator).
    int stationary_from = 0;
    // Words the array needs per access: product of extents of the spatial loops it depends on.
    int64_t groups = 1;
    int64_t fanout = 1;            // PEs that receive one word (I, W) or are reduced into one (O)
    bool shared_on_rows = false;   // does not depend on the SpatialRow loop: one word per column group
    bool shared_on_cols = false;
    // Tile box implied by loops[buffer_at ..]: extent of each tensor coordinate.
    std::vector<int64_t> box;
};

struct NestAnalysis {
    const AcceleratorIR *ir = nullptr;
    std::vector<int> temporal;     // indices into mapping.loops of temporal loops, outer first
    // The array's axes: each may hold several spatial loops, combined mixed-radix (the outermost
    // loop is the most significant digit). row_loop / col_loop: the axis's loop when it has exactly
    // one, else -1 (the generated RTL handles one loop per axis).
    std::vector<int> row_loops, col_loops;
    int row_loop = -1, col_loop = -1;
    int64_t rows = 1, cols = 1;
    int first_spatial = -1, last_spatial = -1;  // positions of the outermost / innermost spatial loop
    bool has_per_pe_buffers = false;  // some tensor keeps a tile inside the array
    int64_t temporal_iterations = 1;   // product of temporal extents (cycles of the MAC array)
    std::vector<TensorAccess> tensors; // Input, Weight, Output in that order
    // Loops [0, run_from) select an uninterrupted compute run (docs/hardware.md, "Cycles"): DRAM
    // tiles start and end only between runs. The innermost DRAM-fed tile's refill position: max of
    // the stages[1].refill_from.
    int run_from = 0;
    const TensorAccess &access(TensorRole role) const;
};

// Throws std::runtime_error with a one-line message if the mapping is not executable (e.g. an
// output buffer placed inside a reduction loop, a buffer between two spatial loops, a tensor with
// no on-chip level above the array). With an architecture, each buffer's level decides whether it
// is shared or per-PE (and must agree with where the buffer sits); without one, its position does
// (inside every spatial loop: per-PE).
NestAnalysis analyze(const AcceleratorIR &ir, const Architecture *arch = nullptr);

// Is `b` the output's own tile on the outermost level (hw::level(acc, "DRAM")): no on-chip tile,
// its per-PE accumulator files drain straight to DRAM? With the architecture, a tile on its
// outermost level; without one (printing, mapping formats), a tile on a level named "DRAM", as
// every bundled architecture names it. analyze() skips such a tile only given the architecture.
bool off_chip_output_tile(const AcceleratorIR &ir, const Buffer &b, const Architecture *arch = nullptr);

// The box of `tensor`'s tile placed at loop `at` of `mapping`, as Halide's bounds inference gives
// it: each dim spans its loops from `at` (a per-PE tile: only the temporal ones), clamped to its
// extent; a coordinate spans its dims' affine sum, halo included. (sim/model derives the same box
// allocation-free per evaluation; tests check the two agree.)
std::vector<int64_t> tile_box(const Problem &problem, const Tensor &tensor, const Mapping &mapping,
                              int at, bool per_pe);
// The same box from each problem dim's span (`span[d]`: how many of dim d's indices the tile's
// loops cover, before the clamp to the dim's extent).
std::vector<int64_t> box_of_spans(const Problem &problem, const Tensor &tensor, const std::vector<int64_t> &span);

// Number of index tuples of `loops` (a subset of the mapping's loops, all of dim `dim`) whose
// combined index sum(idx * stride) is a valid index of the dim (< its extent): how many distinct
// valid starting points those loops select. Closed form for nested splits, else enumeration.
int64_t valid_starts(const std::vector<int64_t> &extent, const std::vector<int64_t> &stride,
                     int64_t dim_extent);

// Where a tile's refills start. A tile stays in its memory across the temporal loops between its
// parent's tile (`parent_at`; 0 under DRAM) and itself (`at`) that do not move it: the tensor does
// not depend on them, or their extent is 1. It is refilled (the output: started and drained) only
// when a loop before the returned position moves, as a register stays across the loops from
// stationary_from (and as Timeloop's reuse analysis keeps a tile across the loops above it that do
// not index it). `temporal`: temporal loop positions, ascending (others are ignored); `depends`
// and `extent`: per loop of the mapping.
int tile_refill_from(const std::vector<int> &temporal, const std::vector<bool> &depends,
                     const int64_t *extent, int parent_at, int at);

// Where the output's outermost tile holds its partial sums from (a block is a first visit when
// every reduction loop from there to it is at 0): its position, or, for per-PE files DRAM drains
// (its first stage per PE), their refill position: they are kept across the reduction loops above.
inline int output_tile_from(bool per_pe, int at, int refill_from) { return per_pe ? refill_from : at; }
int output_tile_from(const TensorAccess &output);

// Product of the extents of mapping.loops[from, to) that are temporal.
int64_t temporal_product(const NestAnalysis &, int from, int to);

// Whether a stage is the PE's register, loaded from the stage above inside the compute pipeline
// (no transfer of its own, so no stall): a Register stage, or a tensor's last stage of one word
// under another per-PE stage (a register level below a scratchpad, as Timeloop's
// simple_weight_stationary keeps its weights in pe_spad and weight_reg). The generated RTL loads
// the PE register from the per-PE file above at the stage's refill position; an output register
// starts from the file's partial sum there and writes its sum back at the tile's last MAC
// (docs/rtl.md, "A register level under a per-PE file").
bool loads_in_pipeline(StageKind kind, int64_t words, bool parent_per_pe, bool last);
// The same for stage j of a tensor's chain.
bool loads_in_pipeline(const TensorAccess &a, size_t j);

// Whether stage j of an operand's chain is prefetched (docs/hardware.md, "Prefetched tiles"):
// per-PE files (not a register loaded in the pipeline) or the inner of two shared tiles, on a
// double-buffered level, filled from a shared tile. The fill of the next tile then runs during the
// current one's compute, into the other copy, along prefetch_loop. `double_buffered` is the
// stage's (ir::double_buffered): false for the output's blocks below its DRAM-fed tile.
bool prefetched(bool double_buffered, StageKind kind, StageKind parent, bool in_pipeline);
// The loop along which a prefetched tile's next visit is known while the current one computes: the
// innermost temporal loop of extent > 1 between where the tile refills (`refill_from`, exclusive)
// and where neither the tile's parent (`parent_refill_from`) nor a compute run (`run_from`) ends.
// A visit that moves this loop is prefetched; the others (it is back at 0: the parent tile, the run
// or an outer loop moved) fill while the array waits. -1: none (every visit waits).
template <class IsTemporal, class Extent>  // IsTemporal(l), Extent(l): of loop l
int prefetch_loop(IsTemporal is_temporal, Extent extent, int run_from, int parent_refill_from, int refill_from) {
    const int from = run_from > parent_refill_from ? run_from : parent_refill_from;
    for (int l = refill_from - 1; l >= from; --l)
        if (is_temporal(l) && extent(l) > 1) return l;
    return -1;
}
// The same for stage j of a tensor on a nest (the RTL's configuration).
int prefetch_loop(const NestAnalysis &nest, const TensorAccess &a, size_t j);

// Whether the tensor bypasses every shared level: DRAM feeds its per-PE tiles (the output's
// per-PE files drain straight to DRAM). The model's transfers and the RTL's DMA jobs both follow it.
bool dram_fed(const TensorAccess &a);

}  // namespace tessera::ir
