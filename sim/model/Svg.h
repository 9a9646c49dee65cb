// The energy breakdown as an SVG chart: one stacked bar per layer, one segment per component
// (each memory level, array hops, MACs, leakage; energy_by_component). Plain text, no libraries.
#pragma once

#include "Report.h"

#include <ostream>
#include <string>
#include <vector>

namespace tessera::model {

void write_energy_svg(std::ostream &, const std::string &title, const std::vector<LayerResult> &,
                      const ir::Architecture &);

}  // namespace tessera::model
