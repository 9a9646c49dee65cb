// The tuner's chart: energy per layer, layer by layer against depth first (two bars per layer).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace tessera::model {

void write_fusion_svg(std::ostream &, const std::string &title, const std::vector<std::string> &layers,
                      const std::vector<double> &layer_by_layer_pj, const std::vector<double> &depth_first_pj);

}  // namespace tessera::model
