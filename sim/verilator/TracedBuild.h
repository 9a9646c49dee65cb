// The FST-traced variant of a design's simulator, for `tessera simulate --trace`. It reuses the
// harness as it is: VerilatedDesign::build runs a Verilator wrapper that adds --trace-fst and
// compiles testbench/tb_trace.cpp (the harness's own testbench with every evaluation of the design
// dumped to FST) in place of tb_main.cpp; the variant is cached apart from untraced builds.
#pragma once

#include "Harness.h"

namespace tessera::vsim {

// The traced simulator writes its waveform to the file this environment variable names (the
// harness runs the simulator as a child process, which inherits it); unset: no file.
inline constexpr const char *kTraceFileVariable = "TESSERA_TRACE_FST";

// Builds (or finds in its cache) the traced simulator of `design`. Throws std::runtime_error if
// the build fails.
VerilatedDesign build_traced(const rtl::RtlDesign &design, BuildOptions options = {});

}  // namespace tessera::vsim
