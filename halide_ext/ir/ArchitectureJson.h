// Architecture files (examples/arch/*.json; docs/estimate.md shows the format) and the lookup of
// `--arch FILE|NAME`: a path, the name of a bundled file, or "default" for the built-in one.
#pragma once

#include "Architecture.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tessera::ir {

// Throws tessera::UserError naming `origin` and the offending key (unknown keys are errors, so a
// misspelt option does not silently fall back to its default).
Architecture architecture_from_json(const nlohmann::json &j, const std::string &origin);
nlohmann::json to_json(const Architecture &arch);
// An architecture file in YAML (the same keys as the JSON form) as JSON; UserError when malformed
// or when tessera was built without libyaml-cpp-dev.
nlohmann::json yaml_architecture(const std::string &path);

// "default" -> default_architecture(); an existing path -> that file; NAME -> the bundled
// examples/arch/NAME.json. Throws tessera::UserError listing the bundled names otherwise.
Architecture load_architecture(const std::string &file_or_name);
std::vector<std::string> bundled_architectures();

}  // namespace tessera::ir
