#include "Architecture.h"

namespace tessera::ir {

const MemoryLevel *Architecture::level(const std::string &name) const {
    for (const auto &l : levels)
        if (l.name == name) return &l;
    return nullptr;
}

int Architecture::level_index(const std::string &name) const {
    for (size_t i = 0; i < levels.size(); ++i)
        if (levels[i].name == name) return int(i);
    return -1;
}

bool Architecture::is_per_pe(size_t i) const {
    if (levels[i].per_pe) return true;
    for (const auto &l : levels)
        if (l.per_pe) return false;
    return i + 1 == levels.size();
}

int64_t Architecture::skew_tile() const {
    return interconnect == Interconnect::Broadcast ? 0 : interconnect == Interconnect::Systolic ? 1 : tile;
}

int64_t Architecture::array_skew() const {
    const int64_t t = skew_tile();
    return t == 0 ? 0 : (rows - 1) / t + (cols - 1) / t;
}

const char *interconnect_name(Interconnect i) {
    switch (i) {
    case Interconnect::Broadcast: return "broadcast";
    case Interconnect::Systolic: return "systolic";
    case Interconnect::Hybrid: return "hybrid";
    }
    return "broadcast";
}

// Interstellar's baseline energies (RF 512 B 0.96 pJ, GLB 128 KB 20 pJ, DRAM 200 pJ, hop 0.035 pJ)
// with int8 words and the bandwidths of the generated hardware.
Architecture default_architecture() {
    Architecture a;
    a.name = "default";
    a.rows = 16;
    a.cols = 16;
    a.levels = {
        {"DRAM", 0, 8, 1, 200.0, 200.0, 1.0, false, {}},
        // The generated RTL gives each lane group of the array its own buffer read port, so the
        // global buffer serves up to rows*cols words per tensor per cycle (3 tensors).
        {"GLB", 128 * 1024, 8, 1, 20.0, 20.0, 3.0 * 256, false, {}},
        {"RF", 512, 8, 1, 0.96, 0.96, 1.0, false, {}, true},
    };
    a.mac_pj = 0.0;  // Interstellar's baseline leaves MAC energy out of its sum
    a.hop_pj = 0.035;
    return a;
}

}  // namespace tessera::ir
