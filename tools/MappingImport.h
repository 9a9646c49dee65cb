// --timeloop-mapping / --maestro-mapping (interop/): another tool's mapping of a layer, turned into
// Tessera schedule text for that layer's problem; and `lower --emit timeloop|maestro`.
#pragma once

#include "ir/AcceleratorIR.h"

#include <string>
#include <vector>

namespace tessera::cli {

struct LayerSelection;

bool imports_mapping(const LayerSelection &);
// The schedule text of the imported mapping for `problem` (the layer lowered with any schedule).
std::string imported_schedule(const LayerSelection &, const ir::Problem &problem);
// A layer the mapping file itself describes (Timeloop's `problem: instance:`), when no layer is named.
bool mapping_layer(const LayerSelection &, ir::LayerSpec &layer);
// A MAESTRO .m file given as --network: its CONV, DSCONV and GEMM layers (the others listed once
// on stderr). False for any other network name.
bool maestro_network(const std::string &network, std::vector<ir::LayerSpec> &layers);
// `lower --emit FORMAT`: timeloop | maestro; UserError for anything else.
std::string emit_mapping(const ir::AcceleratorIR &, const std::string &format);

}  // namespace tessera::cli
