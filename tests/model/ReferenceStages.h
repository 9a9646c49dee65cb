// docs/hardware.md's "Memory levels" rules read literally for any chain of stages (bypassed
// levels, second shared levels, per-PE tiles, per-PE accumulator files): walk every temporal
// iteration and every lane group, and count each transfer where it happens. Slow (small layers
// only); it checks the model's closed forms stage by stage.
#pragma once

#include "ir/AcceleratorIR.h"
#include "ir/Architecture.h"

#include <cstdint>
#include <vector>

namespace tessera::model::test {

struct StageEvents {
    int64_t fills = 0, updates = 0, reads = 0, drains = 0;
};

struct TensorStageEvents {
    std::vector<StageEvents> stages;  // DRAM first, as ir::TensorAccess::stages
    int64_t hops = 0, reductions = 0;
};

struct StageRun {
    int64_t macs = 0;
    TensorStageEvents I, W, O;
};

StageRun execute_stages(const ir::AcceleratorIR &ir, const ir::Architecture &arch);

}  // namespace tessera::model::test
