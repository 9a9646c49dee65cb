// docs/hardware.md's counting table, evaluated directly from the IR: the test oracle for the
// RTL's performance counters (the model in sim/model must agree with both).
#pragma once

#include "ir/AcceleratorIR.h"

#include <cstdint>
#include <map>
#include <string>

namespace tessera::rtl::test {

std::map<std::string, uint64_t> expected_counters(const ir::AcceleratorIR &);

// Which buffers are double buffered.
struct Buffering {
    bool input = false, weight = false, output = false;
};

// docs/hardware.md's cycles with the constants of ir::kTiming and a DRAM latency, enumerated run by
// run (the model sums the same in closed form).
uint64_t expected_cycles(const ir::AcceleratorIR &, int dram_latency, const Buffering & = {});

}  // namespace tessera::rtl::test
