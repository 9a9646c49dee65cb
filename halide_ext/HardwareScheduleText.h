// The hw:: statements as schedule text (docs/schedules.md), for the code that writes schedules:
// the presets and explore. Free of Halide so that explore/ can include it.
#pragma once

#include <string>

namespace tessera::hw {

// `hw::level(func, "level");` and a newline; empty for the accumulator at the GLB, where an
// untagged accumulator sits anyway (HardwareSchedule.h).
inline std::string level_statement(const std::string &func, const std::string &level) {
    if (func == "acc" && level == "GLB") return "";
    return "hw::level(" + func + ", \"" + level + "\");\n";
}

}  // namespace tessera::hw
