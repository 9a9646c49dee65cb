// A compiled design directory's fingerprint: one hash over what simulate trusts (report.json's
// design, architecture and layers, every RTL file and every layer's config file). compile stores
// it in report.json; simulate recomputes it, so a design edited or mixed up after compile (a
// changed `rows`, a hand-edited config, a stale RTL file) is refused instead of trusted.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

namespace tessera::rtl {

// `read` returns a file's bytes given its path relative to the design directory (as report.json
// names it); it throws if the file cannot be read. Hex FNV-1a 64; not a defence against forgery.
std::string design_fingerprint(const nlohmann::json &report,
                               const std::function<std::string(const std::string &)> &read);

}  // namespace tessera::rtl
