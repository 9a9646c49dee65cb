// Schedules as text: a documented subset of Halide's C++ scheduling syntax (docs/schedules.md),
// parsed and applied to the Funcs of a layer. The same text compiles as C++ inside a generator's
// schedule() (with `using namespace Halide; namespace hw = tessera::hw;`), and gives the same IR.
#pragma once

#include <Halide.h>

#include <map>
#include <string>

namespace tessera {

struct ScheduleSymbols {
    std::map<std::string, Halide::Func> funcs;  // ifmap, filter, acc, output, + declared Funcs
    std::map<std::string, Halide::VarOrRVar> vars;  // x, y, k, n (Var), c, r, s (RVar), + declared
};

// Applies `text` statement by statement. Throws UserError "ORIGIN:LINE:COL: ..." on a syntax
// error, an unknown name, a call outside the subset, or a call Halide rejects.
void apply_schedule_text(const std::string &text, const std::string &origin,
                         ScheduleSymbols &symbols);

}  // namespace tessera
