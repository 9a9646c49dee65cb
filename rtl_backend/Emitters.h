// One function per generated part; each returns SystemVerilog text (no header). Parts made of
// several modules return (module name, text) pairs. RtlGenerator.cpp puts every module in a file
// of its own name. Module names are fixed ("tessera_pe", ...) except the top.
#pragma once

#include "DesignSpec.h"
#include "RegisterMap.h"

#include <string>
#include <utility>
#include <vector>

namespace tessera::rtl {

std::string emit_pe(const DesignSpec &);                 // EmitPE.cpp
std::string emit_array(const DesignSpec &);              // EmitArray.cpp
std::string emit_systolic_array(const DesignSpec &);     // EmitSystolicArray.cpp (systolic, hybrid)
std::string accumulator_ports(const DesignSpec &);       // EmitArray.cpp: block_start, or the accumulator files' ports
// A tensor on some of an axis's loops only has lane validity of its own, on its dims of the axis
// (tessera_predication's "<tensor>_row_valid" / "<tensor>_col_valid" outputs, `lanes` wide);
// lane_valid_of names the vector a tensor's lane groups take ("row_valid" for the others).
struct PartialLaneValid {
    std::string name;
    int64_t lanes;
};
std::vector<PartialLaneValid> partial_lane_valids(const DesignSpec &);
// The top's predication instance text, copied for other dims (`dims`): its outputs renamed
// `prefix` + name, titled "predication <title>".
std::string predication_copy(const DesignSpec &, const std::string &predication, const std::string &prefix,
                             const std::string &dims, const std::string &title);
std::string lane_valid_of(const TensorPorts &, const std::string &tensor, const std::string &side);
// EmitArray.cpp: PE (r, c)'s lane group of a tensor, and whether it is its output lane group's
// first PE along the reduced axes (the one a reload of partial sums writes).
int64_t group_of(const TensorPorts &p, const DesignSpec &d, int64_t r, int64_t c);
bool reload_lead(const DesignSpec &d, int64_t r, int64_t c);
// The PEs as unpacked arrays (EmitArray.cpp): what PE i takes (its
// operand words and loads, block start and MAC enable) as one assign each, the datapath as one
// loop, its accumulator as `acc[i]`. Verilator simulates this form (the C++ compiler vectorizes
// the loop); synthesis and other simulators see the tessera_pe instances. vector_form_guard()
// defines TESSERA_VECTOR_ARRAY where that form applies (Verilator without
// +define+TESSERA_PE_INSTANCES).
struct PeTaps {
    std::string input_word, weight_word, load_input, load_weight, block_start, mac_enable;
};
std::string pe_vector(const DesignSpec &, const std::vector<PeTaps> &);
// With accumulator files, files_vector: also each PE's file controls (block_start / block_end:
// the output register level's; an expression all PEs share stays one signal).
struct FileTaps {
    std::string clear, acc_addr, drain_read, drain_addr, reload_write, reload_addr, reload_data, block_start,
        block_end;
};
std::string files_vector(const DesignSpec &, const std::vector<PeTaps> &, const std::vector<FileTaps> &);
// The same controls as a tessera_pe instance's port connections (lines after the first indented
// by 4, ending in ",\n").
std::string file_ports(const DesignSpec &, const FileTaps &);
std::string vector_form_guard();
using Modules = std::vector<std::pair<std::string, std::string>>;
Modules emit_buffers(const DesignSpec &);            // EmitBuffers.cpp
std::string emit_config_regs(const DesignSpec &, const RegisterMap &);  // EmitConfigRegs.cpp
std::string emit_loop_nest(const DesignSpec &);          // EmitLoopNest.cpp
Modules emit_address_generators(const DesignSpec &); // EmitAddressGen.cpp
std::string emit_predication(const DesignSpec &);        // EmitPredication.cpp
Modules emit_lane_groups(const DesignSpec &);        // EmitLaneGroups.cpp
std::string emit_controller(const DesignSpec &);         // EmitController.cpp
Modules emit_dma(const DesignSpec &);                // EmitDma.cpp
std::string emit_post_op(const DesignSpec &);            // EmitPostOp.cpp
std::string emit_counters(const DesignSpec &);           // EmitCounters.cpp
Modules emit_pe_buffers(const DesignSpec &);         // EmitPeBuffers.cpp (per-PE files)
int pe_addr_bits(int64_t depth);                     // address bits of a per-PE file
// A running address over the temporal loops: moves by <prefix>_delta[l] when loop l increments,
// back to 0 when the nest restarts or wraps (EmitPeBuffers.cpp).
std::string emit_running_address(const DesignSpec &, const std::string &module, const std::string &doc,
                                 const std::string &prefix, int bits);
// A tile copy: walks a box one word per cycle, a read offset in the source's layout, and one
// cycle later the linear write address; `drains` adds the drain's outputs (EmitPeBuffers.cpp).
// `paced`: the walk reads only in cycles its `go` input allows and reports `busy` while it has
// words to read or write (a prefetch, EmitPrefetch.cpp).
std::string emit_fill_walk(const DesignSpec &, const std::string &module, const std::string &doc, int write_bits,
                           int read_bits, bool drains, bool paced = false);
// An operand at two shared levels (EmitStaging.cpp): the outer buffer, the inner tile's address in
// it, the copy; and the top module's instances of them.
Modules emit_staging(const DesignSpec &);
std::string staging_instances(const DesignSpec &);
// Cycles from the drain of an inner shared output block to its walk's start: the array's last
// partial sums land (the compute pipeline, and a pipelined array's skew).
int64_t output_drain_wait(const DesignSpec &);
// What the top module adds for the transfers that stall the array inside a run: the controller's
// and the counters' port hookups, the declarations and the instances of the per-PE files and
// accumulator files (EmitPeBuffers.cpp) and of the inner-tile copies (EmitStaging.cpp).
struct OnChipFillWiring {
    std::string controller_ports, counter_ports, declarations, instances;
};
OnChipFillWiring pe_file_wiring(const DesignSpec &);
// Prefetched tiles (EmitPrefetch.cpp): the controller's part (ports, logic, the flip-flops'
// statements; `logic` defines prefetch_wait and compute_free); a unit's (`<t>_pe`, `<t>_stage`)
// hookups of the controller; an operand's per-PE files' hookups, the next tile's latches and
// group count; and the operand's lanes instance text replaced by the lanes of this tile and of
// the next one, chosen by whether the walk prefetches.
struct PrefetchControl {
    std::string ports, logic, ff;
};
PrefetchControl prefetch_control(const DesignSpec &);
void add_prefetch_hookups(const std::string &unit, OnChipFillWiring &);
void add_prefetch_wiring(const DesignSpec &, const std::string &tensor, OnChipFillWiring &);
std::string prefetch_lanes(const DesignSpec &, const std::string &tensor, const std::string &predication,
                           const std::string &lanes, int addr_bits);
void add_staging_wiring(const DesignSpec &, OnChipFillWiring &);
std::string emit_top(const DesignSpec &, const RegisterMap &);  // EmitTop.cpp
// The top's output path (EmitOutputPath.cpp), its ${...} keys left for emit_top to fill.
std::string emit_output_path(const DesignSpec &);

// The address of lane group (r, c) as a buffer port computes it: row_addr's slice r, plus
// col_offset's slice c if the tensor depends on columns (r, c: SV expressions, e.g. genvars).
std::string lane_address(const TensorPorts &, int addr_bits, const std::string &row_addr, const std::string &r,
                         const std::string &c);

// A double-buffered memory holds two banks; the bank is the address's low bit, so the two banks
// together are exactly 2 x depth words (no rounding to a power of two, no adder on the address).
// The word of `addr` in `bank` (EmitBuffers.cpp).
std::string word_index(const std::string &addr, const std::string &bank, bool two_banks);
int dma_fill_bits(const DesignSpec &);      // buffer address width of the DMA's fill path
int dma_position_bits(const DesignSpec &);  // width of the DMA walk's position counter

// Pipeline depth of the compute datapath after the issue stage (operand read -> MAC -> reduce and
// write): cycles a compute run takes to flush. Timing.h's compute_overhead must equal it.
inline constexpr int kComputePipelineDepth = 2;

}  // namespace tessera::rtl
