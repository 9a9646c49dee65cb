// A plain SystemVerilog testbench for a generated accelerator, for any simulator (Icarus Verilog
// `iverilog -g2012`, commercial ones): it plays the driver and the DRAM exactly as the Verilator
// harness does (sim/verilator/testbench/tb_main.cpp), reading the same job (one hex word per line:
// register writes, DRAM loads, runs, register reads, DRAM dumps) and writing the same result words
// as hex, so the two simulators' results compare bit for bit. Being 4-state, it reports any X on
// the DRAM request port, in a DRAM write, in done/busy or in a register (counter) read.
#pragma once

#include "DesignSpec.h"

#include <string>

namespace tessera::rtl {

// Module `tessera_tb` around the design's top. Plusargs: +job=FILE +result=FILE [+latency=N];
// parameter DRAM_WORDS (default 2^20) sizes the DRAM model.
std::string emit_testbench(const DesignSpec &);

inline const char *kTestbenchModule = "tessera_tb";

}  // namespace tessera::rtl
