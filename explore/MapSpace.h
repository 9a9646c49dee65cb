// The search space of `tessera explore` (docs/explore.md): a mapping of one layer as a point of a
// LOMA-like four-band loop nest, built directly as accelerator IR (no Halide) and written back as
// schedule text that lowers to the same IR.
//
// Every problem dim d has one loop in each band, outermost first:
//   DRAM band  loops outside the on-chip tiles: extent ceil(E_d / (glb*lane*rf)) (the only tail)
//   GLB band   temporal loops inside the global-buffer tiles, above the array: extent glb_d
//   lane band  the PE array: one unrolled loop per spatial dim, row axis then column axis
//   RF band    temporal loops inside the array, run by every PE on its own tile: extent rf_d
// The output's GLB tile sits after the DRAM loops of the output dims (the reduction stays inside
// it); the input's and weight's GLB tiles at any position of the DRAM band; each tensor may keep a
// per-PE tile (psum file for the output) at any position of the RF band, or none (the PE register).
// With several shared levels (DRAM, L2, GLB, ...), each tensor's "GLB" tile sits at one of them,
// bypassing the others, an operand may keep a second tile on the level outside it, at a DRAM-band
// position outside the first, and the output a second tile on the level inside it, at a GLB-band
// position (an output block accumulated there).
#pragma once

#include "ir/AcceleratorIR.h"
#include "ir/Architecture.h"
#include "model/Model.h"

#include <string>
#include <vector>

namespace tessera::explore {

// The loop structure: what a Model is built for (one per structure; blockings vary cheaply).
struct Structure {
    std::vector<int> row_dims, col_dims;  // problem dims on each array axis, outermost digit first
    std::vector<int> dram_order;          // output dims first, then reduction dims (outer first)
    std::vector<int> glb_order, rf_order; // every dim, outer first
    int glb_at[3] = {0, 0, 0};            // I, W: DRAM-band loops outside the GLB tile (O: fixed)
    int rf_at[3] = {-1, -1, -1};          // I, W, O: RF-band loops outside the per-PE tile; -1 none
    // I, W, O: the shared level of the tensor's "GLB" tile (SpaceInfo::shared_levels); the other
    // shared levels it bypasses.
    int level[3] = {0, 0, 0};
    // I, W: DRAM-band position of a second shared tile outside the "GLB" one, on the shared level
    // just outside it (an L2 strip the GLB block is copied from); -1 none. O: always -1.
    int outer_at[3] = {-1, -1, -1};
    // O: GLB-band position of a second, inner shared tile of the output on the shared level just
    // inside level[2] (the array accumulates a block there, drained into the outer tile after its
    // part of the reduction and reloaded from it when a later part resumes it: docs/rtl.md, "The
    // output at two shared levels"); -1 none.
    int output_inner_at = -1;
    // I, W, O: the tensor's shared tiles keep one copy on a double-buffered level
    // (hw::single_buffered) instead of two; false wherever the level is not double buffered.
    // Per-PE tiles follow their level.
    bool single[3] = {false, false, false};
    // I, W, O: a one-word register tile on SpaceInfo::reg_level under the tensor's per-PE tile
    // (which it needs), at the RF-band position of the innermost run of loops the tensor does not
    // depend on (register_position): the PE register loads it from the file only when the word
    // changes; the output's accumulates there and returns to its file only then (docs/rtl.md, "A
    // register level under a per-PE file").
    bool reg[3] = {false, false, false};
    // I, W, O: the tensor keeps no shared tile; DRAM feeds its per-PE tile (which it needs)
    // directly (docs/rtl.md, "Per-PE files fed from DRAM"), or, for the output, the per-PE
    // accumulator files drain straight to DRAM (the acc's tile on the outermost level,
    // docs/hardware.md "Stages"; the model counts it, the RTL does not build it). Its GLB position,
    // level, outer and inner tiles and buffering are then unused (canonicalize clears them).
    bool from_dram[3] = {false, false, false};
    // Does DRAM feed tensor t's per-PE tile directly (from_dram, where t has such a tile)?
    bool dram_feeds(int t) const { return from_dram[t] && rf_at[t] >= 0; }
    bool operator==(const Structure &) const;
    std::string key() const;
};

// Per dim: the GLB-band, lane and RF-band extents (the DRAM extent follows).
struct Factors {
    std::vector<int64_t> glb, lane, rf;
    bool operator==(const Factors &o) const { return glb == o.glb && lane == o.lane && rf == o.rf; }
};

struct Point {
    Structure s;
    Factors f;
};

// Facts of the layer and architecture the space needs.
struct SpaceInfo {
    ir::Problem problem;
    ir::Architecture arch;
    std::string glb_level, rf_level;  // rf_level empty: the architecture has no per-PE level
    // The per-PE level just inside rf_level, where a tensor's register tile may sit; empty if none.
    std::string reg_level;
    // Every shared on-chip level, outermost first (glb_level is the first): where a tensor's
    // shared tile may sit.
    std::vector<std::string> shared_levels;
    // Some shared level is double buffered: each tensor's tiles there may keep one copy or two.
    bool buffering_choice = false;
    int dims() const { return int(problem.dims.size()); }
    int output_dims() const;          // non-reduction dims (they come first in dram_order)
    bool is_reduction(int d) const { return problem.dims[size_t(d)].reduction; }
    int64_t extent(int d) const { return problem.dims[size_t(d)].extent; }
};

// The levels the space uses: the first shared on-chip level (the GLB band's tiles) and the first
// per-PE level (the RF band's); -1 if the architecture has none.
int searched_level(const ir::Architecture &, bool per_pe);
SpaceInfo space_info(const ir::Problem &, const ir::Architecture &);

// The IR of a point (loops, buffers with their boxes left to the model's derivation). Loops of
// extent 1 are left out, as Halide leaves them out of a lowered schedule.
ir::AcceleratorIR build_ir(const SpaceInfo &, const Point &, bool with_schedule_text = true);
// Its mapping alone (no schedule text), written over `mapping` (the search reuses one).
void build_mapping(const SpaceInfo &, const Point &, ir::Mapping &mapping);
// The extents and strides of the IR's loops, for Model::evaluate(Blocking).
model::Blocking blocking_of(const SpaceInfo &, const Point &);
// Points with the same key have the same IR up to loop extents and strides: one Model serves them.
std::string model_key(const SpaceInfo &, const Point &);
// Schedule text (docs/schedules.md) that `tessera lower/estimate/compile` turn into the same IR.
std::string schedule_text(const SpaceInfo &, const Point &);
// The simplest point with these spatial dims: every factor 1 (lanes too: set them), output dims
// outermost in the DRAM band, dims in index order in the other bands, GLB tiles innermost, no
// per-PE tiles.
Point plain_point(const SpaceInfo &, const std::vector<int> &rows, const std::vector<int> &cols);
// The RF-band position (0 .. dims) of tensor t's register tile: loops [q, dims) of the band are
// the innermost run of loops of extent 1 or on dims t does not depend on, never outside its per-PE
// tile (q >= rf_at[t]).
int register_position(const SpaceInfo &, const Point &, int t);
// Does `tessera compile` generate RTL for it (rtl_backend's answer, rtl::why_not_generated).
bool rtl_generatable(const SpaceInfo &, const Point &);

// Schedule text naming level `level` for Func `func`; the accumulator's buffer is at GLB unless
// named, so it is named only when its level is another.
std::string level_tag(const std::string &func, const std::string &level);

// Is one of tensor t's shared tiles on a double-buffered level (where Structure::single matters)?
bool buffering_matters(const SpaceInfo &, const Point &, int t);

// The representative of the point's class of equivalent points: loops of extent 1 change nothing
// wherever they sit, so they take a fixed place (DRAM and RF bands: outermost, sorted; GLB band:
// innermost, sorted) and a tile just inside one of them moves outside it.
void canonicalize(const SpaceInfo &, Point &);

}  // namespace tessera::explore
