// docs/hardware.md's counting table, evaluated directly from the IR: the test oracle for the
// RTL's performance counters (the model in sim/model must agree with both).
#pragma once

#include "ir/AcceleratorIR.h"

#include <cstdint>
#include <map>
#include <string>

namespace tessera::rtl::test {

std::map<std::string, uint64_t> expected_counters(const ir::AcceleratorIR &);

}  // namespace tessera::rtl::test
