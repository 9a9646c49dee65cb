// Command-line numbers for the benchmark and test drivers (bench/, sim_differential). They are not
// `tessera` subcommands, but bad input still gets a one-line error and exit status 2, never a
// silent default: `--layers x` must not run the whole network.
#pragma once

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace tessera::driver {

// The value of `flag`: a whole non-negative decimal number ("x", "-3" and "12k" are refused).
inline uint64_t whole_number(const char *flag, const char *text) {
    char *end = nullptr;
    errno = 0;
    const uint64_t v = std::isdigit(static_cast<unsigned char>(*text)) ? std::strtoull(text, &end, 10) : 0;
    if (!end || *end != '\0' || errno != 0) {
        std::fprintf(stderr, "error: %s '%s' is not a whole number; give e.g. %s 4\n", flag, text, flag);
        std::exit(2);
    }
    return v;
}

// The value of `flag`: a positive decimal number such as 2 or 0.5.
inline double positive_number(const char *flag, const char *text) {
    char *end = nullptr;
    errno = 0;
    const double v = std::strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !(v > 0)) {
        std::fprintf(stderr, "error: %s '%s' is not a positive number; give e.g. %s 2\n", flag, text, flag);
        std::exit(2);
    }
    return v;
}

// `-h` / `--help`: print `usage` and exit 0, so that asking a driver what it takes never runs it.
inline void exit_on_help(const char *arg, const char *usage) {
    if (std::strcmp(arg, "-h") == 0 || std::strcmp(arg, "--help") == 0) {
        std::printf("%s\n", usage);
        std::exit(0);
    }
}

// The one optional argument of a benchmark that runs the `tessera` binary: that binary's path
// (`fallback` when absent). `--help` prints `usage`; a flag or a second argument is refused.
inline std::string tessera_path_argument(int argc, char **argv, const char *usage, const char *fallback) {
    if (argc > 1) exit_on_help(argv[1], usage);
    if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
        std::fprintf(stderr, "error: unexpected argument '%s'; %s\n", argv[argc > 2 ? 2 : 1], usage);
        std::exit(2);
    }
    return argc > 1 ? argv[1] : fallback;
}

}  // namespace tessera::driver
