// Halide's own first lowering steps, stopped before loops are unrolled or flattened, so that the
// hardware schedule is still visible: For loops keep their ForType (Unrolled = spatial), Realize
// nodes carry the buffers' bounds, Provides keep multi-dimensional affine indices.
// This is the only file that depends on Halide 14's internal lowering passes.
#pragma once

#include <Halide.h>

#include <map>
#include <string>

namespace tessera {

struct PartiallyLowered {
    Halide::Internal::Stmt stmt;
    std::map<std::string, Halide::Internal::Function> env;  // after wrappers were substituted
};

// Lowers `output` (with its schedule already applied) as far as allocation bounds inference, on a
// deep copy. Every split is made GuardWithIf: hardware predicates tails, it neither rounds up
// (which would write past the tensors) nor shifts tiles inwards (which would recompute).
// Halide user errors come out as Halide::CompileError.
PartiallyLowered lower_partially(const Halide::Func &output);

}  // namespace tessera
