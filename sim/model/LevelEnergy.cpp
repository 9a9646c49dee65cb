#include "LevelEnergy.h"

#include <cmath>

namespace tessera::model {

double energy_at_size(const ir::MemoryLevel &level, int64_t size_bytes) {
    const auto &table = level.energy_by_size;
    if (table.size() == 1)
        return table[0].second * std::sqrt(double(size_bytes) / double(table[0].first));
    // Segment [i, i+1] containing the size, or the nearest end segment.
    size_t i = 0;
    while (i + 2 < table.size() && size_bytes > table[i + 1].first) ++i;
    double x0 = std::log(double(table[i].first)), x1 = std::log(double(table[i + 1].first));
    double y0 = std::log(table[i].second), y1 = std::log(table[i + 1].second);
    double t = (std::log(double(size_bytes)) - x0) / (x1 - x0);
    return std::exp(y0 + t * (y1 - y0));
}

static bool uses_table(const ir::MemoryLevel &level) {
    return !level.energy_by_size.empty() && level.size_bytes > 0;
}

double read_pj(const ir::MemoryLevel &level) {
    return uses_table(level) ? energy_at_size(level, level.size_bytes) : level.read_pj;
}

double write_pj(const ir::MemoryLevel &level) {
    return uses_table(level) ? energy_at_size(level, level.size_bytes) : level.write_pj;
}

ir::MemoryLevel priced_for(const ir::MemoryLevel &level, int role) {
    ir::MemoryLevel priced = level;
    if (level.tensor_bytes[role] > 0) priced.size_bytes = level.tensor_bytes[role];
    return priced;
}

}  // namespace tessera::model
