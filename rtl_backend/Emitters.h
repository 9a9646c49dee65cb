// One function per generated module; each returns the module's SystemVerilog text (no header).
// RtlGenerator.cpp puts them into files. Module names are fixed ("tessera_pe", ...) except the top.
#pragma once

#include "DesignSpec.h"
#include "RegisterMap.h"

#include <string>

namespace tessera::rtl {

std::string emit_pe(const DesignSpec &);                 // EmitPE.cpp
std::string emit_array(const DesignSpec &);              // EmitArray.cpp
std::string emit_buffers(const DesignSpec &);            // EmitBuffers.cpp
std::string emit_config_regs(const DesignSpec &, const RegisterMap &);  // EmitConfigRegs.cpp
std::string emit_loop_nest(const DesignSpec &);          // EmitLoopNest.cpp
std::string emit_address_generators(const DesignSpec &); // EmitAddressGen.cpp
std::string emit_predication(const DesignSpec &);        // EmitPredication.cpp
std::string emit_lane_groups(const DesignSpec &);        // EmitLaneGroups.cpp
std::string emit_controller(const DesignSpec &);         // EmitController.cpp
std::string emit_dma(const DesignSpec &);                // EmitDma.cpp
std::string emit_post_op(const DesignSpec &);            // EmitPostOp.cpp
std::string emit_counters(const DesignSpec &);           // EmitCounters.cpp
std::string emit_top(const DesignSpec &, const RegisterMap &);  // EmitTop.cpp

int dma_fill_bits(const DesignSpec &);      // buffer address width of the DMA's fill path
int dma_position_bits(const DesignSpec &);  // width of the DMA walk's position counter

// Pipeline depth of the compute datapath after the issue stage (operand read -> MAC -> reduce and
// write): cycles a compute run takes to flush. Timing.h's compute_overhead must equal it.
inline constexpr int kComputePipelineDepth = 2;

}  // namespace tessera::rtl
