#include "Process.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

namespace tessera::rtl {

std::string shell_quote(const std::string &s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string run_capture(const std::string &command) {
    std::string out;
    FILE *p = popen(command.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
    return out;
}

std::string file_tail(const std::string &path, size_t lines) {
    std::ifstream in(path);
    std::vector<std::string> all;
    std::string line;
    while (std::getline(in, line)) all.push_back(line);
    std::ostringstream o;
    for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) o << all[i] << "\n";
    return o.str();
}

}  // namespace tessera::rtl
