#pragma once

#include <stdexcept>
#include <string>

namespace tessera {

// An error in what the user asked for: the CLI prints what() as one line and exits non-zero.
struct UserError : std::runtime_error {
    explicit UserError(const std::string &msg) : std::runtime_error(msg) {}
};

// A Halide error message as one line: its lines joined, without the "Error:" header and the
// "..." elision lines Halide adds to schedule dumps, cut to a readable length.
inline std::string halide_error_line(const std::string &what) {
    std::string out, line;
    auto flush = [&] {
        const auto b = line.find_first_not_of(" \t"), e = line.find_last_not_of(" \t\r");
        const std::string t = b == std::string::npos ? "" : line.substr(b, e - b + 1);
        std::string t2 = t;
        for (const char *header : {"Internal Error:", "Error:"})
            if (t2.rfind(header, 0) == 0) t2 = t2.substr(std::string(header).size() + (t2.size() > std::string(header).size()));
        if (!t2.empty() && t2 != "..." && out.size() < 400)
            out += (out.empty() ? "" : " ") + t2;
        line.clear();
    };
    for (char c : what) {
        if (c == '\n') flush();
        else line += c;
    }
    flush();
    if (out.size() > 400) out = out.substr(0, 400) + "...";
    return out;
}

}  // namespace tessera
