// RTL for fused groups (depth-first execution, issue 12; docs/rtl.md "Fused groups"): one
// lane array time-multiplexed across a group's layers. Per output tile the controller fetches the
// group input's new rows from DRAM into an on-chip activation memory, runs each layer on the tile
// (its input window staged from the activation memory, bias / ReLU / requantize to int8, written
// back to the activation memory for the next layer) and drains the output tile (plus the residual
// add) to DRAM. Intermediate tensors never leave the chip. What each tile produces and reads is
// ir::tile_spans, the derivation the fusion model counts from.
#pragma once

#include "RtlGenerator.h"
#include "ir/FusedGroup.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tessera::rtl {

// The generated structure: fixed when the design is generated, sized for the groups given.
struct FusedDesignSpec {
    std::string name = "tessera_fused";
    std::string schedule, architecture;  // header comment
    int lanes = 8;                       // MAC lanes (output channels computed at once)
    int max_layers = 1;                  // layers per group
    int64_t act_words = 1;               // on-chip activation memory (every tensor's tile region)
    int64_t win_words = 1;               // a layer's staged input window
    int64_t weight_words = 1, bias_words = 1;  // the group's weights and biases (int32)
    int64_t table_y = 1, table_x = 1;    // tile-table entries (tiles x tensors) per axis
    int dram_latency = 4;
    bool quantized = false;  // zero points and fixed-point requantization (a group has a quantized layer)
};

// Counters per layer, in register order after `cycles` (names as the fusion model's report).
const std::vector<std::string> &fused_counter_fields();

// Where a group's tensors live in DRAM (words; one int8 element or one bias byte per word).
struct FusedDram {
    int64_t input_base = 0, input_words = 0, output_base = 0, output_words = 0;
    std::vector<int64_t> weight_base, bias_base;  // per layer (bias: 4 little-endian bytes per entry)
    int64_t end = 0;
};

// A group as the design runs it: the register writes a driver issues before start.
struct FusedConfig {
    std::string group;                           // "first..last"
    FusedDram dram;
    std::vector<std::pair<int, uint32_t>> writes;  // (address, value), in order
    int64_t act_words = 0, win_words = 0;        // what this group uses of the memories
};

// Fixed register addresses (cfg_addr is 16 bits).
inline constexpr int kFusedRegControl = 0;       // write 1: start; read: bit 0 busy, bit 1 done
inline constexpr int kFusedRegCounterBase = 0xC00;  // counter i: low word at base + 2i, high at + 2i + 1
inline constexpr int kFusedMaxLayers = 16;

// One-line UserError when the group cannot run on the fused RTL (what to change), else its config
// (what it uses of each memory is recorded; check_fits compares it with a design).
FusedConfig fused_config(const ir::FusedGroup &g, int lanes);

// The design for these groups' configs (memories sized for the largest).
FusedDesignSpec fused_design_spec(const std::vector<ir::FusedGroup> &groups, const std::vector<FusedConfig> &configs,
                                  int lanes, int dram_latency);

// Throws UserError naming the memory that is too small for the config.
void check_fits(const FusedDesignSpec &, const ir::FusedGroup &, const FusedConfig &);

RtlDesign generate_fused_rtl(const FusedDesignSpec &);

}  // namespace tessera::rtl
