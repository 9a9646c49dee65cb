// One design's wiring and kind of PE in words: what `explore --network --rtl-only` prints of the
// candidate designs (explore/NetworkDesign.cpp), and how it tells them apart.
#pragma once

#include "DesignSpec.h"

#include <string>

namespace tessera::explore {

// The array's dims and each tensor's connection along each axis, e.g. "rows k, cols c; I
// shared/per-lane W per-lane/per-lane O per-lane/reduced".
std::string describe_wiring(const rtl::DesignSpec &d);

// The wiring and the kind of PE: which tensors have per-PE files (and registers under them),
// which move straight from or to DRAM, which are kept single on a double-buffered level.
std::string describe(const rtl::DesignSpec &d);

}  // namespace tessera::explore
