#include "ResourceSweep.h"

#include "UserError.h"
#include "ir/ArchitectureJson.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>

namespace tessera::explore {

namespace {

std::string size_text(int64_t bytes) {
    if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes / 1024) + "K";
    return std::to_string(bytes);
}

// A level resized: a level split per tensor keeps its parts' proportions.
void resize(ir::MemoryLevel &level, int64_t bytes) {
    const int64_t old = level.size_bytes;
    level.size_bytes = bytes;
    for (auto &t : level.tensor_bytes)
        if (t > 0 && old > 0) t = std::max<int64_t>(1, t * bytes / old);
}

}  // namespace

std::vector<ir::Architecture> sweep_architectures(const ir::Architecture &base, const SweepSpec &spec) {
    const int rf = searched_level(base, true), glb = searched_level(base, false);
    if (!spec.rf_bytes.empty() && rf < 0)
        throw UserError("--sweep-rf: architecture '" + base.name + "' has no per-PE level to resize");
    if (!spec.glb_bytes.empty() && glb < 0)
        throw UserError("--sweep-glb: architecture '" + base.name + "' has no shared on-chip level to resize");
    const std::vector<int64_t> rfs = spec.rf_bytes.empty() && rf >= 0
                                         ? std::vector<int64_t>{base.levels[size_t(rf)].size_bytes}
                                         : spec.rf_bytes;
    const std::vector<int64_t> glbs = spec.glb_bytes.empty() ? std::vector<int64_t>{base.levels[size_t(glb)].size_bytes}
                                                             : spec.glb_bytes;
    std::vector<std::pair<int64_t, int64_t>> arrays = spec.arrays;
    if (arrays.empty()) arrays.push_back({base.rows, base.cols});
    for (const auto &[r, c] : arrays)
        if (r * c != base.rows * base.cols)
            throw UserError("--sweep-array " + std::to_string(r) + "x" + std::to_string(c) + " has " +
                            std::to_string(r * c) + " PEs; the sweep holds the PE count of '" + base.name +
                            "' (" + std::to_string(base.rows * base.cols) + "): give shapes of that many PEs");
    const bool given = base.levels[size_t(glb)].double_buffered;
    const std::vector<bool> buffering = spec.double_buffering ? std::vector<bool>{given, !given} : std::vector<bool>{given};
    std::vector<ir::Architecture> out;
    for (const auto &[rows, cols] : arrays)
        for (int64_t g : glbs)
            for (bool db : buffering)
            for (size_t i = 0; i < std::max<size_t>(1, rfs.size()); ++i) {
                ir::Architecture a = base;
                a.rows = rows, a.cols = cols;
                resize(a.levels[size_t(glb)], g);
                a.levels[size_t(glb)].double_buffered = db;
                if (rf >= 0) resize(a.levels[size_t(rf)], rfs[i]);
                a.name = base.name + "_" + std::to_string(rows) + "x" + std::to_string(cols) + "_glb" +
                         size_text(g) + (db ? "x2" : "") + (rf >= 0 ? "_rf" + size_text(rfs[i]) : "");
                // The architecture file's own checks (sizes, bandwidths, per-PE levels), one place.
                try {
                    out.push_back(ir::architecture_from_json(ir::to_json(a), "sweep design " + a.name));
                } catch (const std::exception &e) {
                    throw UserError(std::string("the sweep cannot build a design: ") + e.what());
                }
            }
    return out;
}

SweepResult sweep(const std::vector<ir::Problem> &problems, const ir::Architecture &base,
                  const SweepSpec &spec, const SearchOptions &options,
                  const std::function<void(int, int, const DesignResult &)> &on_design) {
    const auto start = std::chrono::steady_clock::now();
    SweepResult result;
    std::vector<ir::Architecture> archs = sweep_architectures(base, spec);
    // The baseline first: its per-layer cycles bound the others under hold_throughput.
    const int rf = searched_level(base, true), glb = searched_level(base, false);
    auto same_design = [&](const ir::Architecture &a) {  // the baseline's sizes and shape
        return a.rows == base.rows && a.cols == base.cols &&
               a.levels[size_t(glb)].size_bytes == base.levels[size_t(glb)].size_bytes &&
               a.levels[size_t(glb)].double_buffered == base.levels[size_t(glb)].double_buffered &&
               (rf < 0 || a.levels[size_t(rf)].size_bytes == base.levels[size_t(rf)].size_bytes);
    };
    archs.erase(std::remove_if(archs.begin(), archs.end(), same_design), archs.end());
    archs.insert(archs.begin(), base);
    const std::vector<size_t> representative = first_identical(problems);

    std::vector<int64_t> baseline_cycles(problems.size(), std::numeric_limits<int64_t>::max());
    for (size_t a = 0; a < archs.size(); ++a) {
        DesignResult d;
        d.arch = archs[a];
        d.rf_bytes = rf >= 0 ? d.arch.levels[size_t(rf)].size_bytes : 0;
        d.glb_bytes = d.arch.levels[size_t(glb)].size_bytes;
        d.glb_double_buffered = d.arch.levels[size_t(glb)].double_buffered;
        d.layers.resize(problems.size());
        d.feasible = true;
        std::map<size_t, LayerChoice> searched;  // representative -> its choice on this design
        for (size_t i = 0; i < problems.size() && d.feasible; ++i) {
            const size_t rep = representative[i];
            auto it = searched.find(rep);
            if (it == searched.end()) {
                SearchResult r;
                try {
                    r = search(space_info(problems[rep], d.arch), options);
                } catch (const UserError &e) {
                    r.found = false;
                }
                ++result.searches;
                LayerChoice choice;
                const bool bounded = spec.hold_throughput && a > 0;
                const int64_t cap = bounded ? baseline_cycles[rep] : std::numeric_limits<int64_t>::max();
                // The Pareto front holds the best point of any objective under any cycle bound.
                for (const Candidate &c : r.pareto)
                    if (c.cycles <= cap && (!choice.found || c.score < choice.best.score))
                        choice.best = c, choice.found = true;
                if (r.found && r.best.cycles <= cap && (!choice.found || r.best.score <= choice.best.score))
                    choice.best = r.best, choice.found = true;
                it = searched.emplace(rep, choice).first;
            }
            d.layers[i] = it->second;
            if (!d.layers[i].found) {
                d.feasible = false;
                d.why_not = "layer " + problems[i].layer.name +
                            (spec.hold_throughput && a > 0 ? " has no mapping as fast as on the baseline"
                                                           : " has no mapping that fits");
                break;
            }
            d.energy_pj += d.layers[i].best.energy_pj;
            d.cycles += d.layers[i].best.cycles;
        }
        if (a == 0)
            for (size_t i = 0; i < problems.size() && d.feasible; ++i)
                baseline_cycles[i] = d.layers[i].best.cycles;
        d.score = score_of(options.objective, d.energy_pj, d.cycles);
        if (on_design) on_design(int(a), int(archs.size()), d);
        result.designs.push_back(std::move(d));
    }
    std::vector<size_t> order(result.designs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
        const auto &a = result.designs[x], &b = result.designs[y];
        if (a.feasible != b.feasible) return a.feasible;
        return a.feasible && a.score < b.score;
    });
    std::vector<DesignResult> ranked;
    for (size_t i : order) {
        if (i == 0) result.baseline = int(ranked.size());
        ranked.push_back(std::move(result.designs[i]));
    }
    result.designs = std::move(ranked);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace tessera::explore
