#include "DesignFingerprint.h"

#include <cstdint>
#include <cstdio>

namespace tessera::rtl {

namespace {

struct Fnv1a {
    uint64_t h = 1469598103934665603ull;
    // Each part is length-prefixed so moving bytes between parts changes the hash.
    void add(const std::string &part) {
        const std::string len = std::to_string(part.size()) + ":";
        for (char c : len + part) h = (h ^ uint8_t(c)) * 1099511628211ull;
    }
};

}  // namespace

std::string design_fingerprint(const nlohmann::json &report,
                               const std::function<std::string(const std::string &)> &read) {
    Fnv1a f;
    for (const char *key : {"design", "architecture", "layers", "files"})
        f.add(report.contains(key) ? report.at(key).dump() : std::string("-"));
    if (report.contains("files"))
        for (const auto &file : report.at("files")) f.add(read(file.get<std::string>()));
    if (report.contains("layers"))
        for (const auto &l : report.at("layers"))
            if (l.contains("config")) f.add(read(l.at("config").get<std::string>()));
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(f.h));
    return hex;
}

}  // namespace tessera::rtl
