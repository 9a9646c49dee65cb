// Random valid (layer, schedule, array) combinations from a seed, grouped into as few generated
// designs as their interconnects allow, simulated and checked: the differential test (a bounded
// number in CI) and its driver (thousands) share this.
#pragma once

#include "Lower.h"
#include "ir/AcceleratorIR.h"
#include "ir/Architecture.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace tessera::vsim::test {

struct RandomCase {
    ir::LayerSpec layer;
    ScheduleRequest schedule;
    bool double_buffered = false;  // runs on a design whose buffers are double buffered
    // Of those, the tensors ("I", "W", "O") whose shared buffers the mapping keeps single
    // (hw::single_buffered): one copy, their transfers stalling the array.
    std::string single_buffered;
    // The array's interconnect: "broadcast", "systolic" or "hybrid:2"; a pipelined array is the
    // schedule's rows x cols (docs/hardware.md, "Interconnect").
    std::string interconnect = "broadcast";
    // Drawn by draw_per_pe_cases: a schedule text with per-PE files, on examples/arch/eyeriss_16x16.json
    // (broadcast) or on a kPerPeLanes x kPerPeLanes pipelined array with its levels.
    bool per_pe = false;
    static constexpr int64_t kPerPeLanes = 4;  // lanes per axis of the per-PE schedules, at most
    int64_t pipelined_side() const;
    // Drawn by draw_four_level_cases: where each tensor keeps its shared tiles on
    // examples/arch/four_level.json (DRAM, L2, GLB, per-PE RF), e.g. "I:L2+GLB W:L2 O:GLB".
    std::string hierarchy;
    // Drawn by draw_register_level_cases: the operands ("W", "I", "IW") with a one-word register
    // tile on REG under their per-PE files, on examples/arch/eyeriss_registers.json; by
    // draw_output_register_cases: "O" (the output's) or "OW".
    std::string registers;
    // Drawn by draw_dram_fed_cases: the operands ("W", "I" or "IW") that keep no shared tile;
    // DRAM fills their per-PE files.
    std::string from_dram;
    // Drawn by draw_outputs_to_dram_cases: the output keeps no shared tile; its per-PE files drain
    // straight to DRAM.
    bool outputs_to_dram = false;
    // Drawn by draw_prefetched_tile_cases: what prefetches ("files IW", "files W, inner tiles I",
    // ...): the outermost per-PE level is double buffered, its operand partitions twice as large
    // (the output's accumulator files keep one copy); with `inner_double_buffered`, on four_level,
    // the GLB (the inner of two shared levels) too, twice as large (an output block there keeps
    // one copy: some of these draws keep the output at L2 and the GLB).
    std::string prefetched;
    bool inner_double_buffered = false;
    ir::Architecture architecture() const;
    ir::AcceleratorIR ir;
    std::string describe() const;  // the equivalent `tessera lower` flags
};

// `count` cases drawn from `seed`: small conv (1x1 to 5x5, strides 1-2, padding, tails), depthwise
// and fc layers, N up to 2, with or without bias / ReLU / a requantize shift; presets (os ws is rs,
// or an explicit spatial mapping, several dims on one axis now and then: rows = c x s on 8x4) on
// 2-D arrays up to 4x4 (8x4 / 4x8 with several loops on an axis) and 1-D arrays up to 8, with a small
// global buffer now and then so that the layer is tiled; single or double-buffered buffers; a
// broadcast, systolic or hybrid (2x2 tiles) array (a pipelined one only where the mapping keeps its
// per-PE operands long enough: ir::preload_error).
// Combinations the front end rejects are redrawn; `rejected` (if given) counts them.
std::vector<RandomCase> draw_cases(uint64_t seed, size_t count, size_t *rejected = nullptr);

// `count` cases with per-PE files drawn from `seed`: small convs (1x1 and 3x3, strides 1-2, padding,
// tails in every split loop) under a weight-stationary schedule text (rows c, columns k, 2-4 lanes
// each) with a per-PE accumulator file of the output and per-PE input and filter tiles at a random
// blocking. They share one design. `within_axis`: one axis of k x c lanes (2 x 2) instead, the input
// multicast and the partial sums reduced within it (docs/rtl.md, "Within an axis"), broadcast.
// `prefetched`: on the architecture with its shared levels double buffered, the output's GLB tile
// double buffered or single (hw::single_buffered(acc), drawn): the DMA prefetches the operands' next
// tiles and drains the last output tile while the array stalls for per-PE fills and accumulator
// drains and reloads too.
std::vector<RandomCase> draw_per_pe_cases(uint64_t seed, size_t count, bool within_axis = false,
                                          bool prefetched = false);

// `count` cases like draw_cases, all on the double_buffered architecture, each keeping some of its
// tensors' buffers single (RandomCase::single_buffered), the tensors drawn from a stream of their
// own among `choices` (e.g. {"W", "IO", "IWO"}; fewer choices, fewer designs).
std::vector<RandomCase> draw_single_buffered_cases(uint64_t seed, size_t count, const std::vector<std::string> &choices);

// `count` cases like draw_per_pe_cases on examples/arch/eyeriss_registers.json (broadcast), each
// with a one-word register tile under the per-PE file of the weights, the inputs or both
// (RandomCase::registers, from a stream of its own; one design each): the PE register loads from
// the file where that tile is refilled (docs/rtl.md, "A register level under a per-PE file").
std::vector<RandomCase> draw_register_level_cases(uint64_t seed, size_t count);

// `count` cases like draw_per_pe_cases on examples/arch/eyeriss_16x16.json whose weights, inputs
// or both bypass the GLB: the DMA fills their per-PE files from DRAM, one job per valid lane group
// (docs/rtl.md, "Per-PE files fed from DRAM"), the files refilled outside the array's loops or
// inside them; half on a pipelined array (systolic or hybrid), the broadcast ones half with a
// weight register under the file (eyeriss_registers);
// one layer in three quantized (zero points, requantization, per-channel scales and weight zero
// points now and then).
std::vector<RandomCase> draw_dram_fed_cases(uint64_t seed, size_t count);
// Per-PE mappings whose output files drain straight to DRAM (no output GLB), on eyeriss_16x16,
// half of them with the GLB double buffered; some layers quantized.
std::vector<RandomCase> draw_outputs_to_dram_cases(uint64_t seed, size_t count);
// Per-PE mappings with a one-word output register under the psum file (RandomCase::registers "O",
// or "OW" with a weight register too), on eyeriss_registers (broadcast); some layers quantized.
std::vector<RandomCase> draw_output_register_cases(uint64_t seed, size_t count);

// `count` cases like draw_per_pe_cases on examples/arch/four_level.json, each tensor keeping its
// shared tiles at L2, at the GLB, or (operands) at both, by one of three plans: inputs at both and
// weights bypassing the GLB; weights at both and outputs bypassing the GLB; both operands at both.
// One design per plan (and interconnect: with `pipelined`, each case is also drawn on a broadcast,
// systolic or hybrid array as draw_per_pe_cases does).
// `output_two_levels`: the output at L2 and the GLB in every case, one plan in three with per-PE
// accumulator files too (drained into the GLB block).
// `l2_double_buffered`: L2 double buffered (RandomCase::double_buffered): the DMA fills the next L2
// tiles and drains the last output tile in the other bank while the copies into the GLB, the
// output's drains and reloads and the array work on this one.
// `quantized`: each layer quantized (zero points, fixed-point requantization, per-channel scales
// and weight zero points now and then: quantize() of FusedSupport.h).
std::vector<RandomCase> draw_four_level_cases(uint64_t seed, size_t count, bool pipelined = false,
                                              bool output_two_levels = false, bool l2_double_buffered = false,
                                              bool quantized = false);

// `count` cases with prefetched tiles (RandomCase::prefetched; docs/rtl.md, "Prefetched per-PE
// files" and "Prefetched inner tiles"), drawn in turn like draw_per_pe_cases (on any
// interconnect, a quarter within an axis, half with the GLB double buffered too),
// draw_four_level_cases (the files filled from the inner of two shared levels, which three in
// four draws double buffer too; any interconnect) and draw_register_level_cases (a register under
// the file); draws where nothing prefetches are redrawn.
std::vector<RandomCase> draw_prefetched_tile_cases(uint64_t seed, size_t count);

struct CaseFailure {
    std::string description;  // the case
    std::string what;         // why it failed
};

struct DifferentialSummary {
    size_t cases = 0, passed = 0, designs = 0, builds = 0;
    double build_seconds = 0, sim_seconds = 0, wall_seconds = 0;
    std::vector<CaseFailure> failures;
    // Cycles must equal the model's exactly (part of the verdict); the worst relative difference
    // is reported as well.
    double worst_cycle_error = 0;
    std::string worst_cycle_case;
};

// Groups the cases by interconnect and buffering (one generated design each, sized for all its
// cases, built once), runs every case with data from `seed`, and requires bit-exact outputs and
// every counter, cycles included, equal to the model's. `progress`: one line per design.
// `dram_stall_percent` > 0: DRAM refuses that share of requests (SimOptions::dram_stall_percent);
// outputs and counters are checked, cycles are not.
DifferentialSummary run_cases(const std::vector<RandomCase> &cases, uint64_t seed, std::ostream *progress,
                              int dram_stall_percent = 0);

}  // namespace tessera::vsim::test
