// Timeloop architecture YAML (docs/timeloop.md, "Architecture files"): the `architecture:` tree
// of Timeloop v0.2/v0.3 (`subtree` / `local`) or v0.4 (`nodes` of !Container / !Component) as a
// Tessera architecture. Storage components become memory levels outermost first, the component
// replicated once per PE becomes the per-PE level (several such, e.g. Eyeriss's ifmap, weights and
// psum scratchpads, one level partitioned per tensor), the compute component's instance count and
// meshX give the array. Energies per word come from the component's attributes, else from an
// Accelergy energy reference table (`ERT:`) in the same file, else from Interstellar's
// size-dependent table.
#pragma once

#include "ir/Architecture.h"

#include <string>

namespace tessera::interop {

// Whether `path` is a YAML file whose top level has `architecture:` (a Timeloop architecture),
// rather than one with Tessera's own keys.
bool is_timeloop_architecture(const std::string &path);

// The architecture `path` describes; a one-line UserError naming the component and key otherwise.
ir::Architecture read_timeloop_architecture(const std::string &path);

}  // namespace tessera::interop
