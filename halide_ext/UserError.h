#pragma once

#include <stdexcept>
#include <string>

namespace tessera {

// An error in what the user asked for: the CLI prints what() as one line and exits non-zero.
struct UserError : std::runtime_error {
    explicit UserError(const std::string &msg) : std::runtime_error(msg) {}
};

// The line of a Halide error message that names the problem (its last non-empty line).
inline std::string halide_error_line(std::string what) {
    while (!what.empty() && (what.back() == '\n' || what.back() == ' ')) what.pop_back();
    const auto nl = what.rfind('\n');
    return nl == std::string::npos ? what : what.substr(nl + 1);
}

}  // namespace tessera
