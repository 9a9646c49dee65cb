// Running the external tools (Verilator, Yosys) from the program: shell quoting, captured output,
// the tail of a log for error messages.
#pragma once

#include <cstddef>
#include <string>

namespace tessera::rtl {

std::string shell_quote(const std::string &);
// Runs `command` with /bin/sh; returns its standard output (append 2>&1 for both streams).
std::string run_capture(const std::string &command);
// The last `lines` lines of a text file ("" if it cannot be read).
std::string file_tail(const std::string &path, size_t lines);

}  // namespace tessera::rtl
