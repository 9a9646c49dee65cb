// The architecture half of the accelerator IR: array shape, memory levels, energies, clock.
// Loaded from JSON (examples/arch/*.json) or taken from the built-in defaults.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tessera::ir {

struct MemoryLevel {
    std::string name;                 // e.g. DRAM, GLB, RF
    int64_t size_bytes = 0;           // 0 = unbounded (DRAM)
    int word_bits = 8;
    int banks = 1;
    double read_pj = 0;               // energy per word read
    double write_pj = 0;              // energy per word written
    double words_per_cycle = 1;       // bandwidth
    bool double_buffered = false;     // two copies of every tile: the next one fills during compute
    // Optional size-dependent energy: (capacity bytes, pJ per word) points, interpolated by size.
    std::vector<std::pair<int64_t, double>> energy_by_size;
    // A per-PE level is replicated in every PE (register files, scratchpads); size_bytes is one
    // PE's. The per-PE levels are the innermost levels of the hierarchy. Default: the innermost.
    bool per_pe = false;
    // Per-PE levels may give one size per tensor (I, W, O: Eyeriss's ifmap, filter and psum
    // scratchpads); 0 = the tensors share size_bytes.
    int64_t tensor_bytes[3] = {0, 0, 0};
    // Other names of this level: the storages of an imported architecture it merges (Timeloop's
    // weight_reg, input_activation_reg, ... in one per-PE level), which imported mappings target.
    std::vector<std::string> aliases;

    // Words per cycle of the whole level (all banks).
    double bandwidth() const { return words_per_cycle * (banks > 1 ? banks : 1); }
    // Words of this level per element `bits` wide: wider elements (partial sums) cost several.
    int64_t words_per_element(int bits) const {
        const int word = word_bits > 1 ? word_bits : 1;
        return (bits + word - 1) / word;
    }
    // Bytes one tile may use: all of it, or half when double buffered.
    int64_t tile_budget_bytes() const { return double_buffered ? size_bytes / 2 : size_bytes; }
    // Bytes tensor `role` (0 I, 1 W, 2 O) may use here: its own partition, or the shared size.
    int64_t bytes_for(int role) const { return tensor_bytes[role] > 0 ? tensor_bytes[role] : size_bytes; }
    bool partitioned() const { return tensor_bytes[0] > 0 || tensor_bytes[1] > 0 || tensor_bytes[2] > 0; }
    // Whether tensor `role` has one word here (a register).
    bool holds_one_word(int role) const { return bytes_for(role) * 8 <= word_bits; }
};

// How a word shared by several PEs travels and how a reduction is done (docs/hardware.md,
// "Interconnect"). Which operands are shared or reduced along which axis still follows from the
// access functions (ir::analyze); this only chooses the wiring.
enum class Interconnect {
    Broadcast,  // a shared word reaches all its PEs in one cycle; reductions by adder trees
    Systolic,   // forwarded PE to PE through registers; reductions along a chain of registered adders
    Hybrid,     // combinational tiles of tile x tile PEs, pipeline registers between tiles (Gemmini)
};

struct Architecture {
    std::string name = "default";
    int64_t rows = 16, cols = 16;       // PE array
    Interconnect interconnect = Interconnect::Broadcast;
    int64_t tile = 1;                   // Hybrid: tile side (1 = systolic); 1 otherwise
    std::vector<MemoryLevel> levels;    // outermost (DRAM) first, innermost (per-PE RF) last
    double mac_pj = 0;
    double hop_pj = 0;                  // per word per PE-to-PE hop on the array
    double leakage_pj_per_cycle = 0;
    double clock_mhz = 1000;
    int dram_latency_cycles = 4;        // fixed request-to-response latency of the DRAM port
    // Arrays (cores) sharing the GLB: fused groups split their tiles across them (docs/fusion.md).
    // The layer-by-layer model and the generated RTL use one.
    int cores = 1;

    const MemoryLevel *level(const std::string &name) const;
    int level_index(const std::string &name) const;  // -1 if absent
    // Is level i replicated per PE? Its flag; an architecture that flags none (built in code
    // before per-PE levels existed) has its innermost level per PE.
    bool is_per_pe(size_t i) const;
    // PEs per pipeline stage along each axis: 0 for broadcast (the whole array is one stage).
    int64_t skew_tile() const;
    // Cycles between the first and the last PE working on the same iteration: the skew of the
    // farthest PE, (rows-1)/tile + (cols-1)/tile; 0 for broadcast.
    int64_t array_skew() const;
};

const char *interconnect_name(Interconnect);

// Interstellar's 3-level baseline: RF 512 B 0.96 pJ, GLB 128 KB 20 pJ, DRAM 200 pJ, hop 0.035 pJ.
Architecture default_architecture();

}  // namespace tessera::ir
