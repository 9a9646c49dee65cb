// What halide_ext adds to Halide's scheduling language: which unrolled loops are the PE array's
// rows and columns, and which memory level a buffer (an in() wrapper or a compute_at'd Func) is.
// Both are recorded as trace tags on the Func, which Halide keeps without changing lowering.
#pragma once

#include <Halide.h>

#include <optional>
#include <string>
#include <vector>

namespace tessera::hw {

// Unrolled loops `row` and `col` of `f`'s update are the array's rows and columns.
void array(const Halide::Func &f, const Halide::VarOrRVar &row, const Halide::VarOrRVar &col);
// A 1-D array: the unrolled loop `col` spans the columns.
void array(const Halide::Func &f, const Halide::VarOrRVar &col);
// Several unrolled loops per axis: the row (column) index is their mixed-radix combination, the
// first loop listed the most significant digit, e.g. rows = c x s: hw::array(acc, {cl, sl}, {xl}).
void array(const Halide::Func &f, const std::vector<Halide::VarOrRVar> &rows,
           const std::vector<Halide::VarOrRVar> &cols);
// Each PE accumulates `f`'s partial sums for the loops inside `loop` (below the unrolled loops) in
// a per-PE file at memory level `level`: one tile of accumulators per iteration of `loop`. On a
// loop above the unrolled loops and a shared level, the output's inner shared tile. One call per
// level: the output may keep a tile at several (a later call for the same level replaces it).
void accumulator(const Halide::Func &f, const Halide::VarOrRVar &loop, const std::string &level);
// The buffer realized for `f` lives at memory level `level` (a name from the architecture).
void level(const Halide::Func &f, const std::string &level);
// On a double-buffered level, `f`'s buffer keeps one copy of its tile (filled while the array
// waits) instead of two; on other levels nothing changes (ir::Buffer::single_buffered).
void single_buffered(const Halide::Func &f);

// Readers for the extraction.
struct ArrayTag {
    std::vector<std::string> rows, cols;  // loop variable names, outermost digit first
};
struct AccumulatorTag {
    std::string loop, level;
};
std::optional<ArrayTag> array_tag(const Halide::Internal::Function &f);
std::optional<std::string> level_tag(const Halide::Internal::Function &f);
std::vector<AccumulatorTag> accumulator_tags(const Halide::Internal::Function &f);  // in the order given
bool single_buffered_tag(const Halide::Internal::Function &f);

}  // namespace tessera::hw
