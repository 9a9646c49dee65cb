// The mapping half of the IR read from the partially lowered Stmt: the loops around the
// multiply-accumulate's update (dim, extent, stride, temporal or spatial) and the buffers realized
// around it (tensor, level, loop they are placed at, box with halo).
#pragma once

#include "PartialLowering.h"
#include "ir/AcceleratorIR.h"

namespace tessera {

// `problem` supplies the dims and the tensors' affine indices; every access of the lowered update
// is checked against them (a mismatch means the schedule is not a plain blocking: UserError).
ir::Mapping extract_loop_nest(const PartiallyLowered &lowered, const ir::Problem &problem);

}  // namespace tessera
