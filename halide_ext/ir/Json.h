// JSON form of the accelerator IR (docs/ir.md lists the keys). Round trip: from_json(to_json(x)) == x.
#pragma once

#include "AcceleratorIR.h"

#include <nlohmann/json.hpp>

namespace tessera::ir {

nlohmann::json to_json(const AcceleratorIR &);
AcceleratorIR ir_from_json(const nlohmann::json &);  // throws std::runtime_error naming the key

nlohmann::json to_json(const LayerSpec &);
LayerSpec layer_from_json(const nlohmann::json &);

}  // namespace tessera::ir
