// JSON form of a fused group (docs/fusion.md lists the keys). Round trip:
// fused_group_from_json(to_json(g)) == g.
#pragma once

#include "FusedGroup.h"

#include <nlohmann/json.hpp>

namespace tessera::ir {

nlohmann::json to_json(const FusedGroup &);
FusedGroup fused_group_from_json(const nlohmann::json &);  // std::runtime_error naming the key

}  // namespace tessera::ir
