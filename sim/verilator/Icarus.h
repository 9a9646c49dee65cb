// The second simulator: a generated design with its plain SystemVerilog testbench
// (rtl_backend/Testbench.h) in Icarus Verilog, running the same job as the Verilator harness and
// giving the same result words. Icarus is 4-state: an X on the DRAM port, in a DRAM write, in
// done/busy or in a counter or output word is an error here, where 2-state Verilator shows a 0.
#pragma once

#include "Harness.h"

#include <string>
#include <vector>

namespace tessera::vsim {

// True if `iverilog` and `vvp` are on PATH.
bool icarus_available();

// Compiles `design` and its testbench with `iverilog -g2012` and runs the layers in `vvp`.
// Throws std::runtime_error if compilation fails, the run fails, or any X was reported.
std::vector<LayerResult> run_icarus(const rtl::RtlDesign &design, const std::vector<rtl::LayerConfig> &configs,
                                    const std::vector<LayerTensors> &tensors, uint64_t max_cycles_per_layer);

}  // namespace tessera::vsim
