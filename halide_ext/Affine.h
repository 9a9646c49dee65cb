// Affine forms of Halide index expressions.
#pragma once

#include "ir/AcceleratorIR.h"

#include <Halide.h>

#include <map>
#include <optional>
#include <string>

namespace tessera {

// sum(coeff * var) + constant over Variables; nullopt if `e` is not affine with integer
// coefficients (a product of two variables, a division, a call, a min, ...).
std::optional<std::map<std::string, int64_t>> linear_terms(const Halide::Expr &e);

// The same as an ir::AffineExpr, with the constant under the key "".
ir::AffineExpr to_affine(const std::map<std::string, int64_t> &terms);

}  // namespace tessera
