// Random schedule texts of the differential test's per-PE cases, and the draws they are made of
// (tests/sim/DifferentialCases.cpp draws the layers and the cases).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace tessera::vsim::test {

using Rng = std::mt19937_64;

int64_t pick(Rng &rng, int64_t lo, int64_t hi);  // uniform in [lo, hi]
bool chance(Rng &rng, double p);
template <typename T>
const T &one_of(Rng &rng, const std::vector<T> &v) { return v[size_t(pick(rng, 0, int64_t(v.size()) - 1))]; }

// A weight-stationary per-PE schedule (rows c, columns k; RandomSchedules.cpp says which variants
// the arguments give): each operand's shared levels ("GLB", "L2"; none: its per-PE files fed from
// DRAM), the output's ("GLB", "L2+GLB", "L2+GLB+RF" or a level of its own).
std::string random_per_pe_schedule(Rng &rng, const std::vector<std::string> &input_levels = {"GLB"},
                                   const std::vector<std::string> &filter_levels = {"GLB"},
                                   const std::string &output_level = "GLB", bool within_axis = false,
                                   bool no_array = false, const std::string &registers = "");

// A per-PE schedule whose psum files hold every reduction loop and drain straight to DRAM.
// `registers` ("O", "OW" or "W"): one-word register tiles on REG (examples/arch/eyeriss_registers.json)
// under the output's and the filter's files, at the innermost of the loops inside the array, whose
// order is then random.
std::string random_outputs_to_dram_schedule(Rng &rng, const std::string &registers = "");

// A per-PE schedule (levels RF and REG of examples/arch/eyeriss_registers.json) with a one-word
// output register under the psum file, and a weight register too where `filter_register`: the
// loops inside the array in a random order, so that the register accumulates across the reduction
// loops innermost and returns to the file across the others.
// `within_axis`: the channel and filter lanes on one axis (rows kl x cl of 2 x 2): the output on
// some of the axis's loops only, its lane groups summed over cl.
std::string random_output_register_schedule(Rng &rng, bool filter_register, bool within_axis = false);

}  // namespace tessera::vsim::test
