#pragma once

#include <stdexcept>
#include <string>

namespace tessera {

// An error in what the user asked for: the CLI prints what() as one line and exits non-zero.
struct UserError : std::runtime_error {
    explicit UserError(const std::string &msg) : std::runtime_error(msg) {}
};

}  // namespace tessera
