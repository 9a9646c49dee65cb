// Timeloop mappings (docs/timeloop.md): a mapping YAML (per level: temporal factors and
// permutation, spatial factors with the X/Y split, keep/bypass) into Tessera schedule text, and any
// lowered Tessera mapping back into Timeloop's mapping YAML with the problem it maps.
// Timeloop's CNN letters are Tessera's dims: P = x, Q = y, M (or K) = k, N = n, C = c, R = s (filter
// width), S = r (filter height), G = g (groups), B = b (batched fc).
#pragma once

#include "LoopNest.h"

#include <string>
#include <vector>

namespace tessera::interop {

// The nest a Timeloop mapping file describes for `problem` (its dims name the factors).
// - A target that is an alias is its level (several targets of one level are further positions
//   of it).
// - A tensor whose one per-PE tile is on a register (Timeloop's input_activation_reg) keeps no
//   tile: that register is the PE's operand register, which Tessera builds in.
// - A target that is none of `levels` (nor a further position `A_2` of one) and has no
//   keep/bypass entry is a fan-out, a v0.4 container (`PE` with a spatial entry): it keeps nothing.
//   Without levels, every target keeps what it does not bypass (Timeloop v0.3's reading, where
//   targets are storages).
LoopNest read_timeloop_mapping(const std::string &path, const ir::Problem &problem,
                               const LevelNames &levels = {});

// Schedule text for the mapping in `path` (read_timeloop_mapping + schedule_text).
std::string timeloop_schedule(const std::string &path, const ir::Problem &problem,
                              const LevelNames &levels = {});

// Whether `path` (mapping or its own file) holds a Timeloop problem (`problem: instance:`), and the
// layer it describes (a conv with no padding: Timeloop's P and Q are the output's size).
bool has_timeloop_problem(const std::string &path);
ir::LayerSpec read_timeloop_problem(const std::string &path);

// The mapping of `ir` as Timeloop YAML: `problem:` (shape and instance) and `mapping:`.
std::string timeloop_yaml(const ir::AcceleratorIR &ir);

}  // namespace tessera::interop
