// Yosys synthesis of a generated design: per-module cells, flops and memory bits. The hierarchy is
// kept (so the PE is synthesized once and counted per instance) and memories stay memories
// ($mem_v2 cells: an SRAM macro each in a real flow; their read-data registers are counted as
// flops); logic is mapped to Yosys's generic gates.
#pragma once

#include "RtlGenerator.h"

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace tessera::rtl {

struct ModuleStats {
    int64_t cells = 0;        // gates, flops and memories of the module itself (not submodules)
    int64_t flops = 0;        // flip-flop bits
    int64_t memory_bits = 0;
    std::map<std::string, int64_t> instances;  // submodule -> count
    // Including every submodule instance, recursively.
    int64_t total_cells = 0, total_flops = 0, total_memory_bits = 0;
};

struct SynthReport {
    std::string top;
    std::map<std::string, ModuleStats> modules;
    double seconds = 0;
    int64_t pes = 0;
    double cells_per_pe() const;          // tessera_pe's cells
    double array_cells_per_pe() const;    // the whole array (PEs + reduction trees) / PEs
};

// Runs `yosys` on the design (files written to a temporary directory). Throws UserError with
// the tail of Yosys's log on failure.
SynthReport synthesize(const RtlDesign &, const std::string &yosys = "yosys");

nlohmann::json to_json(const SynthReport &);

}  // namespace tessera::rtl
