// The depth-first (fused group) model, DeFiNES's scope: for every layer of a group, the MACs it
// computes (halo recompute included), and the words each operand moves at DRAM and at the
// on-chip level that holds the group's activations; energy and cycles. Evaluated per tile type
// (ir::tile_axis: tiles with equal counts along each axis, combined y x x), so a group of
// thousands of tiles costs as much as its few tile types.
//
// Inside a tile each layer runs its own mapping: the array, register-file and buffer-to-array
// costs per MAC are those of the single-layer model of that mapping (LayerCost). What fusion
// changes is counted here: DRAM traffic of activations and weights, recomputed MACs, and the
// activation words written to and read from the on-chip level. A mapping that moves a tensor
// straight between DRAM and its PEs (bypassing that level) pays the level's accesses for those
// words inside a group (DramTraffic). docs/fusion.md.
#pragma once

#include "Estimate.h"
#include "ir/AcceleratorIR.h"
#include "ir/Architecture.h"
#include "ir/FusedGeometry.h"
#include "ir/FusedGroup.h"

#include <array>
#include <string>
#include <vector>

namespace tessera::model {

// What one operand's mapping moves between DRAM and the level under it (its stage 1). A mapping
// may keep no shared tile of a tensor (DRAM feeds its per-PE files, or the output's files drain to
// DRAM): inside a fused group those words come from or go to the level holding the activations,
// so evaluate_group prices them there; the layer's on-chip cost has no access of that level for them.
struct DramTraffic {
    int fed_level = -1;           // Architecture::levels index of the level DRAM fills or drains; -1: none
    int64_t reads = 0, writes = 0;  // elements
    int element_bits = 8;         // as stored in DRAM (the output: the post-op's out_bits)
};

// What a layer's own mapping costs, from the single-layer model (model::Model) of it.
struct LayerCost {
    Estimate layer_by_layer;      // the layer alone: DRAM in, DRAM out (its own tiling)
    double onchip_pj_per_mac = 0; // everything but DRAM, per MAC
    double cycles_per_mac = 0;    // array-busy cycles per MAC
    std::array<DramTraffic, 3> dram{};  // I, W, O (model::Operand)
};
LayerCost layer_cost(const Estimate &layer_estimate, const ir::AcceleratorIR &ir, const ir::Architecture &arch);

struct FusedLayerCounts {
    std::string layer;
    int64_t macs = 0;              // computed, halo recompute included
    int64_t recompute_macs = 0;    // macs minus the layer's own MACs
    int64_t outputs = 0;           // output words computed (recomputed ones included)
    // DRAM (words = int8 elements)
    int64_t dram_input_reads = 0;  // the group's input (first layer only)
    int64_t dram_weight_reads = 0; // weights and bias (4 words per bias entry)
    int64_t dram_output_writes = 0;  // the group's output (last layer only)
    // The on-chip level holding the activations (Intermediate::level, GLB by default)
    int64_t onchip_input_fills = 0;   // the group's input arriving from DRAM (first layer only)
    int64_t onchip_weight_fills = 0;  // weights arriving from DRAM
    int64_t onchip_output_writes = 0; // output words the layer writes (intermediates and the output tile)
    int64_t onchip_input_reads = 0;   // input words the layer reads to compute its tiles
    int64_t cached_reads = 0;         // of those, words an earlier tile produced (cached overlap)
    int64_t residual_reads = 0;       // the group's input read again by the residual add
    double energy_pj = 0;
    int64_t compute_cycles = 0;
    int64_t dram_words() const { return dram_input_reads + dram_weight_reads + dram_output_writes; }
};

struct FusedEstimate {
    std::vector<FusedLayerCounts> layers;
    int64_t tiles = 0;             // tiles of the group's output, over all N images
    int tile_types = 0;            // distinct (y class, x class) pairs evaluated
    int64_t onchip_bytes = 0;      // activation buffers (+ weights when resident)
    int64_t buffer_bytes = 0;      // activation buffers alone
    bool weights_resident = true;
    double energy_pj = 0;
    int64_t cycles = 0;
    int64_t dram_words = 0;
    int64_t macs = 0;
};

// Throws UserError (one line) when the group's activation buffers do not fit the level that
// holds them. `costs` has one entry per layer. Sets g.weights_level.
// `rows` / `cols`: the group's ir::tile_axis along y / x for its tile, when the caller (the tuner)
// already has them; derived here otherwise.
FusedEstimate evaluate_group(ir::FusedGroup &g, const std::vector<LayerCost> &costs,
                             const ir::Architecture &arch, const ir::AxisTiling *rows = nullptr,
                             const ir::AxisTiling *cols = nullptr);

// Text table and JSON of a fused estimate (every layer's counts, totals).
std::string fused_table(const ir::FusedGroup &g, const FusedEstimate &e);
std::string fused_json(const ir::FusedGroup &g, const FusedEstimate &e);

}  // namespace tessera::model
