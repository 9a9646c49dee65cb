// What is fixed when an accelerator is generated (docs/hardware.md, "Hardware that is reused" in
// DESIGN.md): array shape, the connection kind of each tensor along each array dimension, how many
// loops / dims / tensor coordinates the controller handles, buffer depths and element widths.
// Everything else (loop extents, strides, tile counts, base addresses) is runtime configuration,
// written per layer through the config port (see RegisterMap.h, LayerConfig.h).
#pragma once

#include "ir/AcceleratorIR.h"
#include "ir/Analysis.h"
#include "ir/Architecture.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tessera::rtl {

// How one tensor meets the array. A tensor that does not depend on the row loop is shared along
// the rows (one word broadcast to every row of a column group); one that depends on both is
// unicast (a word per PE). For the output, a dimension it does not depend on is reduced.
//
// On an axis of several loops a tensor may depend on some of them only (rows k x c: the input
// ignores k, the output c). Its lane group is then the digits of the loops it depends on: one word
// multicast to the lanes that differ in the other digits, or, for the output, a sum over them (a
// segmented reduction). Such a design fixes the axis's lanes (DesignSpec::row_radix).
struct TensorPorts {
    bool depends_on_rows = false;
    bool depends_on_cols = false;
    // Bit i: the tensor depends on the axis's loop i (outermost first); 0 when it depends on all of
    // the axis's loops or on none. And the axis's lane-table dim slots it depends on (its lane
    // groups' validity checks those only).
    uint32_t row_loops = 0, col_loops = 0;
    uint32_t row_slots = 0, col_slots = 0;
};

struct DesignSpec {
    std::string name = "tessera_accel";   // top module name
    std::string schedule;                  // which schedule(s) produced it (header comment)
    std::string architecture;              // architecture name (header comment)
    // The architecture's levels, outermost first, and whether each is per PE. The design's
    // analysis of a layer (analyze_on) classifies tiles by them as the model does; a tile's
    // position alone cannot tell a per-PE file from a shared buffer where no loop is on the array
    // (one PE). Empty: position alone.
    struct Level {
        std::string name;
        bool per_pe = false;
        bool double_buffered = false;  // the architecture's flag (a mapping may keep a tile single)
    };
    std::vector<Level> levels;
    int64_t rows = 1, cols = 1;
    // Interconnect (ir::Interconnect): PEs per pipeline stage along each axis; 0 = broadcast. A
    // systolic (1) or hybrid (T) array is the architecture's rows x cols (EmitSystolicArray.cpp).
    int64_t skew_tile = 0;
    std::string row_dim, col_dim;          // problem dims on the array (informational; "c,r,s")
    // Several loops on one array axis (mixed radix): 0 for an axis of one loop, where lane l sits at
    // l * stride of the axis dim; > 0: the axis has lane tables (a dim index offset per lane and
    // dim slot, a buffer address offset per lane and tensor) written by the driver, and this many
    // dim slots its lanes are predicated on (docs/rtl.md, "Several loops per array axis").
    int row_axis_dims = 0, col_axis_dims = 0;
    // The extents of an axis's loops (outermost first) when some tensor depends on some of them only
    // (TensorPorts::row_loops): the lane groups are wired for these lanes, and a layer runs on the
    // design only with the same loops on that axis. Empty otherwise.
    std::vector<int64_t> row_radix, col_radix;
    TensorPorts input, weight, output;
    int loops = 1;                         // temporal loop slots of the controller
    int dims = 1;                          // problem dim slots (predication)
    int coords = 4;                        // tensor coordinates the DMA walks
    int64_t input_depth = 1, weight_depth = 1, output_depth = 1, bias_depth = 1;  // words (per bank)
    // Per-PE tiles of an operand (docs/rtl.md, "Per-PE tiles"): words of each PE's file, 0 when
    // the PEs hold the operand in one register. A design with a file reads that operand from it.
    int64_t input_pe_depth = 0, weight_pe_depth = 0;
    // The operand's per-PE file feeds a one-word register level below it (ir::loads_in_pipeline;
    // docs/rtl.md, "A register level under a per-PE file"): the PE register loads from the file
    // only where that level is refilled, and the spad_* counters count the file.
    bool input_register_level = false, weight_register_level = false;
    // The output's accumulator file has a one-word register level below it: the PE accumulates in
    // its register across the register's tile and exchanges partial sums with the file only where
    // that tile starts (a read, unless the tile's first visit) and ends (a write back).
    bool output_register_level = false;
    bool register_levels() const { return input_register_level || weight_register_level || output_register_level; }
    // The operand keeps no tile on a shared level (Timeloop's eyeriss_like weights): the DMA fills
    // its per-PE files straight from DRAM, one job per valid lane group, while the array waits
    // (docs/rtl.md, "Per-PE files fed from DRAM"). Its *_depth is then 0: no GLB buffer.
    bool input_dram_fed = false, weight_dram_fed = false;
    // The operand's per-PE files are filled by the fill walk from its shared buffer (not the DMA).
    bool input_fill_walk() const { return input_pe_depth > 0 && !input_dram_fed; }
    bool weight_fill_walk() const { return weight_pe_depth > 0 && !weight_dram_fed; }
    // The operand's per-PE files are double buffered (ir::prefetched; docs/rtl.md, "Prefetched
    // per-PE files"): two copies of *_pe_depth words; the fill walk fills the next tile into the
    // copy the array does not read while the array computes, along the layer's prefetch loop.
    bool input_pe_double_buffered = false, weight_pe_double_buffered = false;
    // The inner of the operand's two shared levels is double buffered (docs/rtl.md, "Prefetched
    // inner tiles"): its buffer has two banks; the copy fills the next inner tile into the bank
    // the array does not read while the array computes.
    bool input_stage_double_buffered = false, weight_stage_double_buffered = false;
    bool pe_prefetches() const {
        return input_pe_double_buffered || weight_pe_double_buffered || input_stage_double_buffered ||
               weight_stage_double_buffered;
    }
    // Per-PE accumulator files of the output (docs/rtl.md, "Per-PE accumulator files"): words of
    // each PE's file of partial sums, 0 when the PEs accumulate in one register.
    int64_t output_pe_depth = 0;
    // The output keeps no tile on a shared level (Timeloop's simple_output_stationary): the DMA
    // drains its accumulator files straight to DRAM, one job per valid lane group, reducing the
    // group's PEs on the way (docs/rtl.md, "Accumulator files drained to DRAM"). output_depth is
    // then 0: no output GLB, and no walk drains or reloads the files.
    bool output_dram_fed = false;
    // The walk drains the accumulator files into the output GLB and reloads them from it.
    bool output_pe_walk() const { return output_pe_depth > 0 && !output_dram_fed; }
    bool pe_files() const { return input_pe_depth > 0 || weight_pe_depth > 0 || output_pe_depth > 0; }
    // Two shared on-chip levels of an operand (docs/rtl.md, "A tensor at two shared levels"): the
    // DMA fills an outer buffer of this many words, and a fill walk copies each inner tile from it
    // into the *_depth buffer the array reads, while the array stalls. 0: one shared level.
    int64_t input_outer_depth = 0, weight_outer_depth = 0;
    bool staged() const { return input_outer_depth > 0 || weight_outer_depth > 0; }
    // The output at two shared levels (docs/rtl.md, "The output at two shared levels"): the array
    // accumulates in the inner buffer (output_depth words); a walk drains each finished inner
    // block into this outer one and reloads a resumed block's partial sums from it, while the
    // array stalls; the DMA drains the outer buffer. 0: one shared level.
    int64_t output_outer_depth = 0;
    bool output_staged() const { return output_outer_depth > 0; }
    // Cycles a drain or reload holds the array per partial sum: the model's words of the inner
    // level per accumulator (ir::MemoryLevel::words_per_element) over a port of one word per
    // cycle (generated_architecture). The walk moves one partial sum per cycle within that time.
    int64_t output_stage_element_cycles = 1;
    // Transfers that stall the array inside a compute run (per-PE fills, inner-tile copies).
    bool onchip_fills() const { return pe_files() || staged() || output_staged(); }
    // Double buffered (the architecture's level says so): two banks of depth words; the DMA fills
    // the next tile (or drains the last one) in one bank while the array works on the other.
    bool input_double_buffered = false, weight_double_buffered = false, output_double_buffered = false;
    // The banks belong to the tensor's DMA-fed buffer: the GLB one, or the outer one of two shared
    // levels (then the copies and the walk use the bank the array's tile is in).
    bool input_glb_banked() const { return (input_double_buffered && input_outer_depth == 0) || input_stage_double_buffered; }
    bool weight_glb_banked() const {
        return (weight_double_buffered && weight_outer_depth == 0) || weight_stage_double_buffered;
    }
    bool output_glb_banked() const { return output_double_buffered && !output_staged(); }
    // On a double-buffered level, but kept single by the mapping (ir::Buffer::single_buffered):
    // a layer that double buffers it there does not run on this design, nor the other way round.
    bool input_single_buffered = false, weight_single_buffered = false, output_single_buffered = false;
    int input_bits = 8, weight_bits = 8, acc_bits = 32, out_bits = 8;
    // Quantized layers: the DMA takes the zero point off each input / weight element as it fills
    // the buffer (uint8 or int8 elements of *_elem_bits), so buffers and PEs hold operands one bit
    // wider; and the post-op requantizes by a fixed-point multiplier (config registers).
    int input_elem_bits = 8, weight_elem_bits = 8;
    bool fixed_point_requant = false;
    // Per-channel requantization (a multiplier and shift per bias word): the bias table gets a
    // second memory of requant words, loaded with the bias (interleaved in DRAM) when the layer's
    // channel_requant register says so.
    bool channel_requant = false;
    // Per-channel weight zero points: a third memory of the bias table (16-bit zero points, loaded
    // with the bias), read by the DMA's weight fills at each element's output channel when the
    // layer's channel_w_zero_point register says so.
    bool channel_weight_zero_point = false;
    int64_t bias_load_stride() const { return 1 + (channel_requant ? 1 : 0) + (channel_weight_zero_point ? 1 : 0); }
    bool zero_points() const { return input_bits > input_elem_bits || weight_bits > weight_elem_bits; }
    int index_bits = 16;                   // loop indices, extents, strides, dim indices
    int dram_latency = 4;                  // the DRAM model's latency the DMA is sized for
    std::vector<std::string> layers;       // layers it was sized for (header comment)

    int loop_bits() const;   // bits of a loop slot number 0..loops
    int dim_bits() const;    // bits of a dim slot number
    int64_t pe_count() const { return rows * cols; }
    // Cycles PE (r, c) runs behind PE (0, 0), and the largest such: the array's extra pipeline depth.
    int64_t skew_of(int64_t r, int64_t c) const { return skew_tile ? r / skew_tile + c / skew_tile : 0; }
    int64_t skew() const { return skew_of(rows - 1, cols - 1); }
    int64_t buffer_bytes() const;  // all on-chip buffers (both banks) and the bias table
    int64_t bias_table_bytes() const;  // the bias table and its per-channel memories
    // The architecture level (index) of each shared buffer: the array-facing ones and a staged
    // tensor's outer one (-1: none); and the bias table's: with the output's DRAM-fed buffer, or,
    // where the output's files drain straight to DRAM, on the outermost shared on-chip level.
    int input_level = -1, weight_level = -1, output_level = -1, input_outer_level = -1, weight_outer_level = -1,
        output_outer_level = -1, bias_level = -1;
    int64_t buffer_bytes_at(int level) const;  // the buffers on that level (both banks)
    // Tensor `role`'s (0 I, 1 W, 2 O: with the bias table) buffers on that level (both banks).
    int64_t buffer_bytes_at(int level, int role) const;
    // Is the operand (or output) shared by several lanes of the axis: it ignores the axis or some of
    // its loops. Lanes in use (row_active) then matter to the operand loads and their counts.
    bool shared_on_rows(const TensorPorts &p) const { return !p.depends_on_rows || p.row_loops != 0; }
    bool shared_on_cols(const TensorPorts &p) const { return !p.depends_on_cols || p.col_loops != 0; }
    bool operands_shared_on_rows() const { return shared_on_rows(input) || shared_on_rows(weight); }
    bool operands_shared_on_cols() const { return shared_on_cols(input) || shared_on_cols(weight); }
    // Lanes in use also count the PEs an output register level writes back to its files.
    bool lanes_in_use_on_rows() const { return operands_shared_on_rows() || (output_register_level && shared_on_rows(output)); }
    bool lanes_in_use_on_cols() const { return operands_shared_on_cols() || (output_register_level && shared_on_cols(output)); }
    bool prefetches() const { return input_double_buffered || weight_double_buffered; }
    bool double_buffers() const { return prefetches() || output_double_buffered; }
};

int bits_for(int64_t values);  // bits to hold 0 .. values-1 (at least 1)

// The digit of each of an axis's loops at `lane`: mixed radix over the loops' extents `radix`,
// the outermost loop the most significant digit (how every lane table numbers an axis's lanes).
std::vector<int64_t> lane_digits(const std::vector<int64_t> &radix, int64_t lane);

// Lane groups of a tensor along each axis and in all (group g = row group * lane_cols + col group),
// the group of row lane r (column lane c), and whether the lane leads its group: its digits of
// the axis loops the tensor ignores are 0 (the lane the group's word or sum is counted at).
int64_t lane_rows(const TensorPorts &, const DesignSpec &);
int64_t lane_cols(const TensorPorts &, const DesignSpec &);
int64_t lane_groups(const TensorPorts &, const DesignSpec &);
int64_t row_group(const TensorPorts &, const DesignSpec &, int64_t r);
int64_t col_group(const TensorPorts &, const DesignSpec &, int64_t c);
bool row_lead(const TensorPorts &, const DesignSpec &, int64_t r);
bool col_lead(const TensorPorts &, const DesignSpec &, int64_t c);

// The design for a set of layers: the interconnect the most layers are wired for (of those layers,
// the one that uses the most PEs, the first such), array and buffers sized for every layer with
// that interconnect. Layers needing another interconnect do not size it; why_not_fits says so for
// them.
DesignSpec design_for(const std::vector<ir::AcceleratorIR> &layers, const ir::Architecture &arch,
                      const std::string &name = "tessera_accel");

// What the generated hardware implements of `arch`: its DMA moves one DRAM word per cycle, so
// the DRAM level's bandwidth becomes 1 word per cycle, and so does a shared level's that feeds
// another shared level (the inner-tile fill walk); everything else is kept. The model of this
// architecture predicts the generated design's cycle counter.
ir::Architecture generated_architecture(const ir::Architecture &arch);

// The largest value an index-width register of a design for `layer` holds: dim and loop extents,
// tensor shapes, tile boxes (design_for sizes index_bits by it; why_not_fits checks it).
int64_t largest_extent(const ir::AcceleratorIR &layer);

// DesignFit.cpp: whether a layer runs on a design, and why not.

// Empty if the generated RTL builds the constructs of `nest`'s mapping; otherwise which construct
// it does not build yet (the model estimates it).
std::string not_generated(const ir::NestAnalysis &nest);

// Empty if `layer` runs on `design`; otherwise a one-line reason (which resource, by how much).
std::string why_not_fits(const DesignSpec &design, const ir::AcceleratorIR &layer);

// Empty if each tensor of `layer` meets the array as `design` wires it (per lane, shared or
// reduced, along each axis the layer uses); otherwise which tensor differs. The part of
// why_not_fits that no sizing of the design changes.
std::string why_not_wired(const DesignSpec &design, const ir::AcceleratorIR &layer);
std::string why_not_wired(const DesignSpec &design, const ir::NestAnalysis &layer);

// The parts of why_not_fits that no sizing of the design changes: the wiring (why_not_wired) and
// whether the PEs read each operand from a register or a per-PE file.
std::string why_not_same_kind(const DesignSpec &design, const ir::AcceleratorIR &layer);
std::string why_not_same_kind(const DesignSpec &design, const ir::NestAnalysis &layer);

// Empty if `tessera compile` generates RTL for `layer` alone on `arch`; otherwise the one-line
// reason compile would give (what explore --rtl-only asks).
std::string why_not_generated(const ir::AcceleratorIR &layer, const ir::Architecture &arch);
// Where the design's buffers exceed the architecture's shared levels: one line per level whose
// buffers total more than it, and per tensor whose buffers exceed its part of a level split per
// tensor (the bias table sits beside the output's part). Empty when the design fits.
std::vector<std::string> overflowing_levels(const DesignSpec &d, const ir::Architecture &arch);

nlohmann::json to_json(const DesignSpec &);

// ir::analyze of `layer` with the design's levels (DesignSpec::levels): the stages the design builds.
ir::NestAnalysis analyze_on(const DesignSpec &design, const ir::AcceleratorIR &layer);

// The connection kinds a layer's mapping implies (from ir::analyze): a tensor depends on an axis
// when it depends on any of the axis's loops.
TensorPorts ports_of(const ir::AcceleratorIR &layer, ir::TensorRole role);
TensorPorts ports_in(const ir::NestAnalysis &nest, ir::TensorRole role);

// The per-PE stage the generated RTL keeps as a file: the tensor's last stage when it is a per-PE
// tile, or the one above a one-word register level (ir::loads_in_pipeline); null when the MAC
// reads a register filled from a shared buffer.
const ir::Stage *pe_file_stage(const ir::TensorAccess &a);
// Words of that file's tile, 0 without one.
int64_t pe_tile_words(const ir::TensorAccess &a);
// Whether stage j of the tensor prefetches on the design's levels (ir::prefetched: its level's
// flag, unless the mapping keeps it single), and the loop it prefetches along (ir::prefetch_loop;
// -1: none, or not prefetched). The stages the RTL prefetches: the per-PE file (pe_file_index)
// and the inner of two shared tiles (array_facing_index).
bool stage_prefetched(const DesignSpec &d, const ir::TensorAccess &a, size_t j);
int stage_prefetch_loop(const DesignSpec &d, const ir::NestAnalysis &nest, const ir::TensorAccess &a, size_t j);
size_t pe_file_index(const ir::TensorAccess &a);
size_t array_facing_index(const ir::TensorAccess &a);
inline bool pe_file_prefetched(const DesignSpec &d, const ir::TensorAccess &a) {
    return pe_file_stage(a) && stage_prefetched(d, a, pe_file_index(a));
}
inline bool inner_tile_prefetched(const DesignSpec &d, const ir::TensorAccess &a) {
    return stage_prefetched(d, a, array_facing_index(a));
}
using ir::dram_fed;  // DRAM feeds the tensor's per-PE tiles (ir/Analysis.h)
// Whether the tensor's last stage is a one-word register level under its per-PE file.
bool has_register_level(const ir::TensorAccess &a);

// The shared stage the array (or its per-PE fills) reads: the tensor's innermost shared stage.
const ir::Stage &array_facing_stage(const ir::TensorAccess &a);
// How many shared on-chip stages the tensor has (a level it bypasses has none).
int shared_stages(const ir::TensorAccess &a);
// Words of the DRAM-fed outer tile when the tensor keeps two shared stages, else 0.
int64_t outer_tile_words(const ir::TensorAccess &a);

// The distinct problem dims of an array axis's loops, outermost first (the lane tables' dim slots).
std::vector<std::string> axis_dims(const ir::NestAnalysis &nest, const std::vector<int> &axis);

}  // namespace tessera::rtl
