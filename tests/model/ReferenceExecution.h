// docs/hardware.md's "Execution" section read literally: walk every temporal iteration and every
// PE, and count each event as the RTL's counters would. Slow (small layers only); it checks the
// model's closed forms, which must agree with it exactly.
#pragma once

#include "ir/AcceleratorIR.h"

#include <cstdint>

namespace tessera::model::test {

struct OperandEvents {
    int64_t dram_reads = 0, glb_writes = 0, glb_reads = 0, rf_writes = 0, rf_reads = 0;
    int64_t hops = 0;
};

struct OutputEvents {
    int64_t glb_writes = 0, psum_reads = 0, drain_reads = 0, dram_writes = 0;
    int64_t rf_reads = 0, rf_writes = 0, reductions = 0;
};

struct Events {
    int64_t macs = 0;
    OperandEvents I, W;
    OutputEvents O;
    int64_t fill_points = 0;  // iterations at which some fill or drain interrupts compute
};

Events execute(const ir::AcceleratorIR &ir);

}  // namespace tessera::model::test
