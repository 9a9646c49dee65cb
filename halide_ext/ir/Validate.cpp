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

bool double_buffered(const Architecture &arch, const Buffer &buffer) {
    return arch.levels[size_t(buffer_level(arch, buffer))].double_buffered && !buffer.single_buffered;
}

bool double_buffered(const Architecture &arch, const TensorAccess &access, size_t j) {
    const Stage &stage = access.stages[j];
    switch (stage.kind) {
    case StageKind::Dram: return false;
    case StageKind::Register: return arch.levels.back().double_buffered;
    default:
        // An accumulation block below the output's DRAM-fed tile (a per-PE accumulator file, an
        // inner shared block) keeps one copy: its drains and reloads stall the array
        // (docs/hardware.md, "Prefetched tiles"); a level's double buffering is its operand
        // tiles' and the output's DRAM-fed tile's. A DRAM-fed accumulator file has one copy too.
        if (access.role == TensorRole::Output && (j >= 2 || stage.kind == StageKind::PerPe)) return false;
        return double_buffered(arch, *stage.buffer);
    }
}

int buffer_level(const Architecture &arch, const Buffer &buffer) {
    for (size_t i = 0; i < arch.levels.size(); ++i) {
        if (arch.levels[i].name != buffer.level) continue;
        if (i == 0)
            throw UserError("buffer of " + buffer.tensor + " is placed at level " + buffer.level +
                            ", which is architecture " + arch.name +
                            "'s outermost level (DRAM); on-chip buffers go on a level inside it "
                            "(levels: " + level_names(arch) + ")");
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
    auto copies = [](const Footprint &f) { return f.double_buffered ? 2 : 1; };
    // A per-PE level that holds one word of a tensor (MemoryLevel::holds_one_word: a register, as
    // Timeloop's weight_reg) holds one element of it, whatever the element's width.
    for (int i = 0; i < count; ++i) {
        const Footprint &f = footprints[i];
        const MemoryLevel &m = arch.levels[size_t(f.level)];
        if (f.role < 0 || !arch.is_per_pe(size_t(f.level)) || !m.holds_one_word(f.role) || f.words <= 1) continue;
        return "per-PE level " + m.name + " of architecture " + arch.name + " holds one word of " + f.what +
               " per PE (a register), the mapping's per-PE tile needs " + std::to_string(f.words) +
               " words; compute the tile at a loop inside which " + f.what + " does not change";
    }
    // A partitioned level: each tensor's tile against its own partition.
    for (int i = 0; i < count; ++i) {
        const Footprint &f = footprints[i];
        const MemoryLevel &m = arch.levels[size_t(f.level)];
        if (f.role < 0 || m.tensor_bytes[f.role] <= 0) continue;
        const int64_t used = copies(f) * f.bytes, have = m.tensor_bytes[f.role];
        const bool per_pe = arch.is_per_pe(size_t(f.level));
        if (used > have)
            return std::string(per_pe ? "per-PE level " : "level ") + m.name + " of architecture " + arch.name +
                   " holds " + std::to_string(have) + " B of " + f.what + (per_pe ? " per PE" : "") +
                   " (its partition), the mapping's " + (per_pe ? "per-PE " : "") + "tile needs " +
                   std::to_string(used) + " B (" + std::to_string(used - have) + " B too many" +
                   (copies(f) == 2 ? ", double buffered" : "") + "); compute the tile at an inner loop or "
                   "make its loops smaller";
    }
    auto partitioned = [&](const Footprint &f) {
        return f.role >= 0 && arch.levels[size_t(f.level)].tensor_bytes[f.role] > 0;
    };
    for (int i = 0; i < count; ++i) {
        const int level = footprints[i].level;
        auto counted = [&](const Footprint &f) { return f.level == level && !partitioned(f); };
        if (!counted(footprints[i])) continue;
        bool first_on_level = true;
        for (int j = 0; j < i; ++j) first_on_level &= !counted(footprints[j]);
        const MemoryLevel &m = arch.levels[size_t(level)];
        if (!first_on_level || m.size_bytes <= 0) continue;
        // The tensors without a partition share what the partitions leave.
        const int64_t have = m.size_bytes - m.tensor_bytes[0] - m.tensor_bytes[1] - m.tensor_bytes[2];
        int64_t used = 0;
        bool doubled = false;
        for (int j = i; j < count; ++j)
            if (counted(footprints[j])) {
                used += copies(footprints[j]) * footprints[j].bytes;
                doubled |= copies(footprints[j]) == 2;
            }
        if (used <= have) continue;
        std::string held;
        for (int j = i; j < count; ++j)
            if (counted(footprints[j]))
                held += (held.empty() ? "" : " + ") + std::string(footprints[j].what) + " " +
                        std::to_string(footprints[j].bytes) + " B";
        return "level " + m.name + " of architecture " + arch.name + " overflows by " +
               std::to_string(used - have) + " B: it holds " + std::to_string(have) +
               (have < m.size_bytes ? " B besides its partitions" : " B") + ", the mapping needs " + std::to_string(used) + " B (" + held +
               (doubled ? ", double buffered" : "") +
               "); use smaller tiles or a larger " + m.name;
    }
    return {};
}

std::string preload_error(const Architecture &arch, const std::string &tensor, int64_t block) {
    return "architecture " + arch.name + "'s " + interconnect_name(arch.interconnect) + " array (skew " +
           std::to_string(arch.array_skew()) + " cycles) preloads " + tensor + " into each PE, which " +
           "the mapping reloads every " + std::to_string(block) + " cycles; keep " + tensor +
           " in the PEs across at least " + std::to_string(arch.array_skew()) +
           " iterations (a mapping where it is stationary longer) or use \"interconnect\": \"broadcast\"";
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
    NestAnalysis nest = analyze(ir, &arch);
    std::vector<Footprint> footprints;
    for (const TensorAccess &t : nest.tensors) {
        const int64_t bytes = onchip_element_bytes(ir.problem, *t.tensor);
        for (size_t j = 0; j < t.stages.size(); ++j) {
            const Stage &s = t.stages[j];
            if (s.kind == StageKind::Dram) continue;
            const int level = s.kind == StageKind::Register ? int(arch.levels.size()) - 1
                                                            : buffer_level(arch, *s.buffer);
            footprints.push_back({t.tensor->name.c_str(), level, s.words() * bytes,
                                  int(t.role), double_buffered(arch, t, j), s.words()});
        }
    }
    std::string error =
        fit_error(arch, nest.rows, nest.cols, footprints.data(), int(footprints.size()));
    if (!error.empty()) throw UserError(error);
    // A pipelined array preloads per-PE operands (the model's Model::pipeline_error says the same).
    for (const TensorAccess &t : nest.tensors) {
        if (t.role == TensorRole::Output || t.shared_on_rows || t.shared_on_cols || arch.array_skew() == 0)
            continue;
        if (nest.rows == 1 || nest.cols == 1) continue;
        if (t.stages.back().kind == StageKind::PerPe) continue;  // per-PE files: a delay line per PE
        const int64_t block = temporal_product(nest, t.stationary_from, int(ir.mapping.loops.size()));
        if (block < arch.array_skew()) throw UserError(preload_error(arch, t.tensor->name, block));
    }
}

}  // namespace tessera::ir
