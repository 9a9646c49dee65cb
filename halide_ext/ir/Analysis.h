// Facts derived from the accelerator IR that both sim/model and rtl_backend need. They are derived
// here, once, so that the model counts exactly what the generated hardware does (docs/hardware.md).
#pragma once

#include "AcceleratorIR.h"

#include <vector>

namespace tessera::ir {

struct TensorAccess {
    TensorRole role;
    const Tensor *tensor = nullptr;
    // coord_step[l][t]: how far tensor coordinate t moves when loop l's index grows by one.
    std::vector<std::vector<int64_t>> coord_step;
    std::vector<bool> depends;     // depends[l]: the tensor's coordinates change with loop l
    const Buffer *buffer = nullptr;  // on-chip buffer (innermost one), nullptr if none
    int buffer_at = 0;             // buffer ? buffer->at : 0
    // Temporal loops [stationary_from, end) are the innermost temporal loops the tensor does not
    // depend on: its value stays in the PE register across them (for the output: the accumulator).
    int stationary_from = 0;
    // Words the array needs per access: product of extents of the spatial loops it depends on.
    int64_t groups = 1;
    bool shared_on_rows = false;   // does not depend on the SpatialRow loop: one word per column group
    bool shared_on_cols = false;
    // Tile box implied by loops[buffer_at ..]: extent of each tensor coordinate.
    std::vector<int64_t> box;
};

struct NestAnalysis {
    const AcceleratorIR *ir = nullptr;
    std::vector<int> temporal;     // indices into mapping.loops of temporal loops, outer first
    int row_loop = -1, col_loop = -1;
    int64_t rows = 1, cols = 1;
    int64_t temporal_iterations = 1;   // product of temporal extents (cycles of the MAC array)
    std::vector<TensorAccess> tensors; // Input, Weight, Output in that order
    // Loops [0, run_from) select an uninterrupted compute run (docs/hardware.md, "Cycles"): tiles
    // start and end only between runs. The innermost buffer position: max of the buffer_at.
    int run_from = 0;
    const TensorAccess &access(TensorRole role) const;
};

// Throws std::runtime_error with a one-line message if the mapping is not executable (e.g. an
// output buffer placed inside a reduction loop, a buffer inside a spatial loop).
NestAnalysis analyze(const AcceleratorIR &ir);

// Product of the extents of mapping.loops[from, to) that are temporal.
int64_t temporal_product(const NestAnalysis &, int from, int to);

}  // namespace tessera::ir
