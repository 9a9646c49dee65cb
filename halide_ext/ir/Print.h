// A readable listing of an accelerator IR: one line per loop, outermost first, each buffer at the
// loop it is placed at (in the spirit of a Timeloop map / Interstellar's notation).
#pragma once

#include "AcceleratorIR.h"

#include <string>

namespace tessera::ir {

std::string print_nest(const AcceleratorIR &ir);

}  // namespace tessera::ir
