// The config port's register map of a design: one entry per runtime parameter (loop extents,
// strides, address deltas, tile boxes, base addresses, post-op settings). The SV config register
// file, the per-layer config JSON and the Verilator testbench driver all read this one table.
#pragma once

#include "DesignSpec.h"

#include <string>
#include <vector>

namespace tessera::rtl {

struct RegisterField {
    std::string name;   // SV signal cfg_<name>; JSON key
    int count = 1;      // array length (one register per element)
    int bits = 32;      // stored width; writes keep the low bits
    int address = 0;    // register address of element 0 (elements follow)
    std::string doc;
};

// Fixed addresses outside the field table.
inline constexpr int kRegControl = 0;       // write 1: start; read: bit 0 busy, bit 1 done
inline constexpr int kRegCounterBase = 0xC00;  // counter i: low word at base + 2i, high at + 2i + 1
inline constexpr int kRegAddressBits = 12;

// Performance counters, in register order (docs/hardware.md, "Counting rules").
const std::vector<std::string> &counter_names();
// How many of them a design has: the first ones; the rest read as 0 (the inner_* counters of an
// operand at two shared levels exist only in such designs).
int design_counter_count(const DesignSpec &);

struct RegisterMap {
    std::vector<RegisterField> fields;
    const RegisterField &field(const std::string &name) const;  // throws if absent
    const RegisterField *find(const std::string &name) const;
};

RegisterMap register_map(const DesignSpec &);

// Address bits of each on-chip buffer.
int input_addr_bits(const DesignSpec &);
int weight_addr_bits(const DesignSpec &);
int input_outer_addr_bits(const DesignSpec &);   // 1 when the input has no outer buffer
int weight_outer_addr_bits(const DesignSpec &);
int output_addr_bits(const DesignSpec &);
int output_outer_addr_bits(const DesignSpec &);      // 1 when the output has no outer buffer
// Width of output_stage_cycles: a whole inner output block's drain time.
int output_stage_cycle_bits(const DesignSpec &);
// The buffer the DMA drains: the output's outer one when it has two shared levels.
int output_dram_side_addr_bits(const DesignSpec &);
int bias_addr_bits(const DesignSpec &);
// Width of a tensor's (0 I, 1 W, 2 O) lane-group addresses: its GLB address, or the DRAM word
// address for an operand whose per-PE files DRAM fills (DesignSpec::dram_fed).
int lane_addr_bits(const DesignSpec &, int role);
// Width of the bias load's write address: two words per channel with per-channel requantization.
int bias_fill_bits(const DesignSpec &);

}  // namespace tessera::rtl
