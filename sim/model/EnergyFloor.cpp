#include "EnergyFloor.h"

#include "LevelEnergy.h"
#include "ModelMath.h"
#include "ir/Validate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>
#include <vector>

namespace tessera::model {

namespace {

// Enumerations above this many points fall back to a weaker (still valid) lower bound.
constexpr int64_t kMaxEnumeration = int64_t(1) << 26;

// Distinct in-shape points of the coordinates `coords` over the dims `dims` (every combination of
// the dims' indices), or -1 when there are too many combinations to enumerate.
int64_t distinct_points(const ir::Problem &problem, const ir::Tensor &tensor, const std::vector<int> &coords,
                        const std::vector<int> &dims) {
    int64_t combos = 1;
    for (int d : dims) {
        combos *= problem.dims[size_t(d)].extent;
        if (combos > kMaxEnumeration) return -1;
    }
    std::vector<std::vector<int64_t>> coeff(coords.size());
    int64_t space = 1;
    for (size_t c = 0; c < coords.size(); ++c) {
        for (int d : dims) coeff[c].push_back(tensor.index[size_t(coords[c])].coeff(problem.dims[size_t(d)].name));
        if (space <= kMaxEnumeration) space *= std::max<int64_t>(1, tensor.shape[size_t(coords[c])]);
    }
    const bool dense = space <= kMaxEnumeration;
    std::vector<char> seen(dense ? size_t(space) : 0, 0);
    std::unordered_set<int64_t> sparse;
    std::vector<int64_t> at(dims.size(), 0);
    int64_t count = 0;
    for (int64_t i = 0; i < combos; ++i) {
        int64_t linear = 0;
        bool inside = true;
        for (size_t c = 0; c < coords.size() && inside; ++c) {
            const int t = coords[c];
            int64_t v = tensor.index[size_t(t)].offset;
            for (size_t k = 0; k < dims.size(); ++k) v += coeff[c][k] * at[k];
            inside = v >= 0 && v < tensor.shape[size_t(t)];
            linear = linear * tensor.shape[size_t(t)] + v;
        }
        if (inside) {
            if (dense) {
                count += !seen[size_t(linear)];
                seen[size_t(linear)] = 1;
            } else {
                count += sparse.insert(linear).second;
            }
        }
        for (size_t k = 0; k < dims.size(); ++k) {  // next combination, mixed radix
            if (++at[k] < problem.dims[size_t(dims[k])].extent) break;
            at[k] = 0;
        }
    }
    return count;
}

}  // namespace

int64_t touched_elements(const ir::Problem &problem, const ir::Tensor &tensor) {
    const int coords = int(tensor.index.size()), ndims = int(problem.dims.size());
    auto uses = [&](int c, int d) { return tensor.index[size_t(c)].coeff(problem.dims[size_t(d)].name) != 0; };
    // Coordinates that share a dim are counted together; independent groups multiply.
    std::vector<int> group(static_cast<size_t>(coords));
    for (int c = 0; c < coords; ++c) group[size_t(c)] = c;
    bool merged = true;
    while (merged) {
        merged = false;
        for (int a = 0; a < coords; ++a)
            for (int b = a + 1; b < coords; ++b)
                for (int d = 0; d < ndims && group[size_t(a)] != group[size_t(b)]; ++d)
                    if (uses(a, d) && uses(b, d)) {
                        const int from = group[size_t(b)], to = group[size_t(a)];
                        for (int &g : group) g = g == from ? to : g;
                        merged = true;
                    }
    }
    int64_t total = 1;
    for (int g = 0; g < coords; ++g) {
        std::vector<int> members, dims;
        for (int c = 0; c < coords; ++c)
            if (group[size_t(c)] == g) members.push_back(c);
        if (members.empty()) continue;
        for (int d = 0; d < ndims; ++d)
            for (int c : members)
                if (uses(c, d)) {
                    dims.push_back(d);
                    break;
                }
        int64_t n = distinct_points(problem, tensor, members, dims);
        if (n < 0) {  // too many to enumerate: the best single coordinate is still a lower bound
            n = 1;
            for (int c : members) {
                std::vector<int> own;
                for (int d : dims)
                    if (uses(c, d)) own.push_back(d);
                n = std::max(n, distinct_points(problem, tensor, {c}, own));
            }
        }
        total *= n;
    }
    return total;
}

EnergyFloor energy_floor(const ir::Problem &problem, const ir::Architecture &arch) {
    EnergyFloor f;
    if (arch.levels.empty()) return f;
    const double macs = double(problem.macs());
    const ir::MemoryLevel &dram = arch.levels.front();
    for (const ir::Tensor &t : problem.tensors) {
        const int role = int(t.role);
        const bool output = t.role == ir::TensorRole::Output;
        const double touched = double(touched_elements(problem, t));
        const int onchip_bits = int(ir::onchip_element_bytes(problem, t) * 8);
        const double dram_words = touched * words_per_element(dram_element_bits(problem, t), dram);
        f.dram_pj += dram_words * (output ? write_pj(dram) : read_pj(dram));
        // No shared level term: a tensor may bypass every shared level (DRAM feeding an operand's
        // per-PE tiles, the output's per-PE files draining to DRAM), so no shared traffic is certain.
        // The PE reads every MAC's operands (and its partial sum, written back) from some per-PE
        // level, into which each touched I and W element is filled at least once: the cheapest.
        double per_pe = std::numeric_limits<double>::infinity();
        for (size_t i = 1; i < arch.levels.size(); ++i) {
            if (!arch.is_per_pe(i)) continue;
            const ir::MemoryLevel priced = priced_for(arch.levels[i], role);
            const double words = words_per_element(onchip_bits, arch.levels[i]);
            per_pe = std::min(per_pe, output ? macs * words * (read_pj(priced) + write_pj(priced))
                                             : macs * words * read_pj(priced) + touched * words * write_pj(priced));
        }
        if (per_pe != std::numeric_limits<double>::infinity()) f.per_pe_pj += per_pe;
    }
    f.dram_pj += double(bias_table_words(problem)) * bias_word_read_pj(problem, dram);
    f.mac_pj = macs * arch.mac_pj;
    // The fewest cycles: every PE busy on every one of them.
    f.leakage_pj = std::ceil(macs / double(std::max<int64_t>(1, arch.rows * arch.cols))) * arch.leakage_pj_per_cycle;
    return f;
}

}  // namespace tessera::model
