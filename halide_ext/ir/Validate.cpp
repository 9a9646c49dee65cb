#include "Validate.h"

#include "Analysis.h"
#include "UserError.h"

#include <vector>

namespace tessera::ir {

namespace {

std::string level_names(const Architecture &arch) {
    std::string s;
    for (const auto &l : arch.levels) s += (s.empty() ? "" : ", ") + l.name;
    return s;
}

std::string array_error(const char *side, const char *arch_side, int64_t mapped, int64_t have,
                        const Architecture &arch) {
    return std::string("the mapping's spatial loop on the array ") + side + " has extent " +
           std::to_string(mapped) + " but architecture " + arch.name + " has " +
           std::to_string(have) + " " + arch_side + " (" + std::to_string(mapped - have) +
           " too many); split that loop further or use a larger array";
}

}  // namespace

int buffer_level(const Architecture &arch, const Buffer &buffer) {
    for (size_t i = 0; i < arch.levels.size(); ++i) {
        if (arch.levels[i].name != buffer.level) continue;
        if (i == 0 || i + 1 == arch.levels.size())
            throw UserError("buffer of " + buffer.tensor + " is placed at level " + buffer.level +
                            ", which is architecture " + arch.name +
                            "'s outermost or innermost level; on-chip buffers go on a level in "
                            "between (levels: " + level_names(arch) + ")");
        return int(i);
    }
    throw UserError("buffer of " + buffer.tensor + " is placed at level " + buffer.level +
                    ", which architecture " + arch.name + " does not have (levels: " +
                    level_names(arch) + "); add it to the architecture file");
}

std::string fit_error(const Architecture &arch, int64_t rows, int64_t cols,
                      const Footprint *footprints, int count) {
    if (rows > arch.rows) return array_error("rows", "rows", rows, arch.rows, arch);
    if (cols > arch.cols) return array_error("columns", "columns", cols, arch.cols, arch);
    for (int i = 0; i < count; ++i) {
        int level = footprints[i].level;
        bool first_on_level = true;
        for (int j = 0; j < i; ++j) first_on_level &= footprints[j].level != level;
        const MemoryLevel &m = arch.levels[level];
        if (!first_on_level || m.size_bytes <= 0) continue;
        int copies = m.double_buffered ? 2 : 1;
        int64_t used = 0;
        for (int j = i; j < count; ++j)
            if (footprints[j].level == level) used += copies * footprints[j].bytes;
        if (used <= m.size_bytes) continue;
        std::string held;
        for (int j = i; j < count; ++j)
            if (footprints[j].level == level)
                held += (held.empty() ? "" : " + ") + std::string(footprints[j].what) + " " +
                        std::to_string(footprints[j].bytes) + " B";
        return "level " + m.name + " of architecture " + arch.name + " overflows by " +
               std::to_string(used - m.size_bytes) + " B: it holds " + std::to_string(m.size_bytes) +
               " B, the mapping needs " + std::to_string(used) + " B (" + held +
               (copies == 2 ? ", double buffered" : "") +
               "); use smaller tiles or a larger " + m.name;
    }
    return {};
}

int64_t onchip_element_bytes(const Problem &problem, const Tensor &tensor) {
    int bits = tensor.role == TensorRole::Output ? problem.acc_bits : tensor.elem_bits;
    return (bits + 7) / 8;
}

void validate_fit(const AcceleratorIR &ir, const Architecture &arch) {
    if (arch.levels.size() < 3)
        throw UserError("architecture " + arch.name + " has " + std::to_string(arch.levels.size()) +
                        " memory levels; it needs at least DRAM, an on-chip buffer and the PE "
                        "registers");
    NestAnalysis nest = analyze(ir);
    std::vector<Footprint> footprints;
    int64_t register_bytes = 0;
    for (const TensorAccess &t : nest.tensors) {
        int64_t bytes = onchip_element_bytes(ir.problem, *t.tensor);
        footprints.push_back({t.tensor->name.c_str(), buffer_level(arch, *t.buffer),
                              t.buffer->words() * bytes});
        register_bytes += bytes;
    }
    footprints.push_back({"PE registers", int(arch.levels.size()) - 1, register_bytes});
    std::string error =
        fit_error(arch, nest.rows, nest.cols, footprints.data(), int(footprints.size()));
    if (!error.empty()) throw UserError(error);
}

}  // namespace tessera::ir
