// The problem half of the IR (dims, tensors and their affine indices) read from the Halide
// Functions: the one update of the form acc(v...) += A(...) * B(...) is the multiply-accumulate,
// A is the input tensor, B the weight tensor.
#pragma once

#include "ir/AcceleratorIR.h"

#include <Halide.h>

namespace tessera {

struct MacStage {
    Halide::Internal::Function acc;
    Halide::Expr input_call, weight_call;  // the Calls A(...) and B(...) of the update
    int64_t input_zero_point = 0, weight_zero_point = 0;  // of (A(...) - za) * (B(...) - zb)
    bool weight_channel_zero_point = false;  // zb is table(channel): per-channel weight zero points
};

// Finds the multiply-accumulate stage among the Functions `output` calls; UserError if none.
MacStage find_mac_stage(const Halide::Internal::Function &output);

// Dims, tensors and post-op. Extents must be constants: the output's bounds and the RDom's.
ir::Problem extract_problem(const Halide::Func &output, const ir::LayerSpec &layer);

// Splits `update` = acc(...) + A(...) * B(...) into its two operand Calls; false if not of that form.
// An operand may subtract a constant zero point, (A(...) - za) * (B(...) - zb) (quantized layers);
// `zero_points`, if given, receives za and zb.
// `table_zero_points`, if given, says per operand whether its zero point is read from a table.
bool match_mac(const Halide::Expr &update, const std::string &acc_name, Halide::Expr &a,
               Halide::Expr &b, int64_t *zero_points = nullptr, bool *table_zero_points = nullptr);

}  // namespace tessera
