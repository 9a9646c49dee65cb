// A fused group (depth-first execution, DeFiNES): consecutive layers under shared outer tile
// loops over the last layer's output, each layer running its own mapping inside a tile, and each
// intermediate tensor held on chip with its overlap handling. In Halide terms (docs/fusion.md):
// recompute = the producer compute_at the consumer's tile loop xo; cache-h = store_at yo +
// compute_at xo (Halide's sliding window along xo); cache-hv = store_at root + compute_at xo
// (a line buffer of the full width: rows are kept from the tile row above as well).
// Plain structs, no Halide: the model and the RTL backend (issue 12) read this.
#pragma once

#include "AcceleratorIR.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::ir {

enum class Overlap { Recompute, CacheH, CacheHV };
const char *to_string(Overlap);
Overlap overlap_from_string(const std::string &);  // UserError naming the choices

// One intermediate tensor: the output of layers[producer], read by layers[producer + 1].
struct Intermediate {
    int producer = 0;
    std::string level = "GLB";       // the on-chip level holding it (never DRAM)
    std::string compute_at = "xo";   // the consumer's loop the producer is computed in
    std::string store_at = "xo";     // where its buffer lives: xo (per tile), yo, root
    bool cache_x = false;            // columns shared with the left tile are kept, not recomputed
    bool cache_y = false;            // rows shared with the tile above are kept, not recomputed
    int64_t buffer_words = 0;        // the largest buffer it needs (channels x rows x cols)
    bool operator==(const Intermediate &) const;
};

struct FusedGroup {
    std::vector<LayerSpec> layers;         // consecutive rows of a network, in order
    std::vector<AcceleratorIR> layer_irs;  // each layer's problem and mapping (inside a tile)
    bool residual = false;                 // the group's input added to the last layer's output
    int64_t tile_h = 1, tile_w = 1;        // tile of the last layer's output (rows, cols)
    Overlap overlap = Overlap::Recompute;
    int cores = 1;                         // arrays sharing the GLB; tiles are split across them
    std::vector<Loop> tile_loops;          // yo, xo (outermost first), over the last layer's y, x
    std::vector<Intermediate> intermediates;
    std::string weights_level = "GLB";     // GLB: fetched once and kept; DRAM: re-fetched per tile
    std::string schedule;                  // schedule text (Halide syntax), informational
    bool operator==(const FusedGroup &) const;
};

// Checks that `layers` can be one group (one-line UserError otherwise): conv / dwconv layers
// (not grouped, not fc), each one's input the previous one's output (C = K, H x W = out_h x
// out_w), and a residual only where the group's output has its input's shape.
void check_chain(const std::vector<LayerSpec> &layers, bool residual);

// Fills tile_loops and intermediates (placement and overlap handling from `overlap`; buffer
// sizes from the tile geometry) for layers, tile, overlap and residual already set.
void place_group(FusedGroup &group, const std::string &level);

// The schedule text of a group: each producer's compute_at / store_at at the consumer's loops.
std::string group_schedule_text(const FusedGroup &group);

}  // namespace tessera::ir
