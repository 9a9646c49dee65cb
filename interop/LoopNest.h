// A mapping as other tools write it: a chain of storage levels, each with its temporal loops, the
// spatial loops of its fan-out to the level below, and the tensors it keeps (Timeloop's shape;
// MAESTRO's directives are converted into it). interop/ turns such a nest into Tessera schedule
// text (which the front end lowers like any --schedule file) and a lowered Tessera IR back into a
// nest; the format readers and writers (TimeloopMapping, MaestroMapping) sit on top of this.
#pragma once

#include "ir/AcceleratorIR.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tessera::interop {

using Factor = std::pair<std::string, int64_t>;  // problem dim (Tessera's name), loop extent

struct NestLevel {
    std::string name;              // Tessera level name; "A_2", "A_3": further tile positions of A
    std::vector<Factor> temporal;  // outermost first
    std::vector<Factor> rows, cols;  // spatial fan-out below this level, outermost first per axis
    std::vector<std::string> keep;   // tensors (I, W, O) with a tile at this level
};

struct LoopNest {
    std::vector<NestLevel> levels;  // outermost (DRAM, which keeps everything) first
};

// A name of one of the architecture's levels, as a mapping file targets it: the level's own, or an
// alias (a storage an imported architecture merged into it).
struct LevelName {
    std::string level;         // the level's name
    bool per_pe = false;
    bool register_of[3] = {};  // I, W, O: its partition holds one word of the tensor (a register)
};
using LevelNames = std::map<std::string, LevelName>;

// The Tessera level a nest level names: "A_k" (k digits) is A when A names an earlier level.
std::string tessera_level(const LoopNest &, size_t level);

// Schedule text (docs/schedules.md) that lowers to this nest. Factors of 1 are dropped; a dim's
// loops must multiply to its extent (the outermost may round up: a tail). Throws UserError, naming
// `origin`, for what the IR cannot express (partial sums leaving the chip, two output tiles on
// shared levels, a dim the problem does not have, ...).
std::string schedule_text(const ir::Problem &, const LoopNest &, const std::string &origin);

// The nest of a lowered mapping: one level per distinct tile position (a level whose tiles sit at
// several loops becomes "A", "A_2", ...), a level keeping nothing where temporal loops follow the
// spatial ones with no tile between. Throws UserError for a nest with an inner tail (a loop whose
// stride is not the product of the inner loops of its dim), which factors cannot express.
LoopNest nest_of(const ir::AcceleratorIR &);

// The IR with what a mapping format does not carry made canonical, for comparing round trips: loop
// names and schedule text dropped, adjacent array loops ordered rows before columns (they run in
// parallel; a fan-out lists them per axis), the tiles grouped by tensor (a format lists them by
// level), and an output tile on DRAM (nothing on chip) unplaced.
ir::AcceleratorIR canonical_mapping(ir::AcceleratorIR);

}  // namespace tessera::interop
