// docs/hardware.md's counting table, evaluated directly from the IR: the test oracle for the
// RTL's performance counters (the model in sim/model must agree with both).
#pragma once

#include "ir/AcceleratorIR.h"

#include <cstdint>
#include <map>
#include <string>

namespace tessera::rtl::test {

std::map<std::string, uint64_t> expected_counters(const ir::AcceleratorIR &);

// docs/hardware.md's cycle formula with the constants of ir::kTiming and a DRAM latency.
uint64_t expected_cycles(const ir::AcceleratorIR &, int dram_latency);

}  // namespace tessera::rtl::test
