// The address arithmetic docs/hardware.md defines, in the incremental form the generated address
// generators use: a running value that moves by a per-loop delta when that loop increments (the
// loops inside it wrapping back to 0 at the same time).
#pragma once

#include "ir/Analysis.h"

#include <cstdint>
#include <vector>

namespace tessera::rtl {

// Box strides of a tensor's GLB tile: coordinate 0 fastest.
std::vector<int64_t> box_strides(const std::vector<int64_t> &box);
// Dense DRAM strides of a tensor (Halide layout: coordinate 0 fastest).
std::vector<int64_t> dense_strides(const std::vector<int64_t> &shape);

// glb_step[l]: how far the tensor's GLB address moves when loop l's index grows by one
// (0 for the loops outside its buffer, whose iterations select the tile instead).
std::vector<int64_t> glb_steps(const ir::NestAnalysis &, const ir::TensorAccess &);
// tile_step[l][t]: how far the tile base coordinate t moves per step of loop l (loops outside the
// buffer only).
std::vector<std::vector<int64_t>> tile_steps(const ir::NestAnalysis &, const ir::TensorAccess &);

// Delta of a running value when temporal loop `l` increments: step[l] minus what the temporal
// loops inside it (which wrap to 0) had added. `step` is indexed by mapping loop.
int64_t wrap_delta(const ir::NestAnalysis &, const std::vector<int64_t> &step, int l);

// Number of temporal loops before mapping position `pos`.
int temporal_rank(const ir::NestAnalysis &, int pos);

// Two consecutive iterations can end accumulation blocks at the same output GLB address: the
// generated pipeline would read the partial sum before the previous write lands.
bool back_to_back_psum(const ir::NestAnalysis &);

}  // namespace tessera::rtl
