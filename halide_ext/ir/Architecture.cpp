#include "Architecture.h"

namespace tessera::ir {

const MemoryLevel *Architecture::level(const std::string &name) const {
    for (const auto &l : levels)
        if (l.name == name) return &l;
    return nullptr;
}

Architecture default_architecture() {
    Architecture a;
    a.name = "interstellar_baseline";
    a.rows = 16;
    a.cols = 16;
    a.levels = {
        {"DRAM", 0, 8, 1, 200.0, 200.0, 1.0, false, {}},
        {"GLB", 128 * 1024, 8, 1, 20.0, 20.0, 16.0, false, {}},
        {"RF", 512, 8, 1, 0.96, 0.96, 1.0, false, {}},
    };
    a.mac_pj = 0.0;  // Interstellar's baseline leaves MAC energy out of its sum
    a.hop_pj = 0.035;
    return a;
}

}  // namespace tessera::ir
