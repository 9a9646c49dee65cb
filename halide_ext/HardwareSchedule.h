// What halide_ext adds to Halide's scheduling language: which unrolled loops are the PE array's
// rows and columns, and which memory level a buffer (an in() wrapper or a compute_at'd Func) is.
// Both are recorded as trace tags on the Func, which Halide keeps without changing lowering.
#pragma once

#include <Halide.h>

#include <optional>
#include <string>

namespace tessera::hw {

// Unrolled loops `row` and `col` of `f`'s update are the array's rows and columns.
void array(const Halide::Func &f, const Halide::VarOrRVar &row, const Halide::VarOrRVar &col);
// A 1-D array: the unrolled loop `col` spans the columns.
void array(const Halide::Func &f, const Halide::VarOrRVar &col);
// The buffer realized for `f` lives at memory level `level` (a name from the architecture).
void level(const Halide::Func &f, const std::string &level);

// Readers for the extraction.
struct ArrayTag {
    std::string row, col;  // loop variable names; row empty for a 1-D array
};
std::optional<ArrayTag> array_tag(const Halide::Internal::Function &f);
std::optional<std::string> level_tag(const Halide::Internal::Function &f);

}  // namespace tessera::hw
