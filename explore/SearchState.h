// The search's shared machinery, internal to explore/ (Search.cpp, Anneal.cpp): the evaluator
// (models per loop structure, a memo of points, the Pareto front and the ranked list), the
// deterministic order of candidates, the tile values of a band and the spatial choices.
#pragma once

#include "Search.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tessera::explore::detail {

// A point's identity (structure and factors), for memos and tie-breaking.
std::string point_key(const Point &p);

// Deterministic order: better score first, then the point's key.
bool better(const Candidate &a, const Candidate &b);

// Tile values a dim's band may take: its divisors and the powers of two below its extent (the
// latter leave a predicated tail).
std::vector<int64_t> tile_values(int64_t extent);

struct SpatialChoice {
    std::vector<int> rows, cols;
};

// The spatial mappings the constraints allow: one or two dims per axis.
std::vector<SpatialChoice> spatial_choices(const SpaceInfo &info, const Constraints &c, size_t at_most = SIZE_MAX);

inline Point initial_point(const SpaceInfo &info, const SpatialChoice &sc) { return plain_point(info, sc.rows, sc.cols); }

// Is dim d on an array axis of the point?
bool is_spatial(const Point &p, int d);
// Inside the space: every spatial dim uses its lanes, no dim's on-chip tile exceeds its extent,
// each axis' lanes fit the array.
bool within_space(const SpaceInfo &info, const Point &p);
// Each axis's lanes within the constraints' lane limits (Constraints::row_lanes), if any.
bool lanes_within(const Constraints &c, const Point &p);
// The canonical representative (explore::canonicalize), keeping a user-fixed RF order.
void normalize(const SpaceInfo &info, const Constraints &c, Point &p);

// Models a search's evaluators rebuild for new loop structures (Model::rebuild) instead of
// allocating new ones, which was most of a search's time: one pool per running work unit, for one
// layer on one architecture, which the models share (no copy per model).
struct ModelPool {
    explicit ModelPool(const SpaceInfo &info)
        : arch(std::make_shared<const ir::Architecture>(info.arch)),
          problem(std::make_shared<const ir::Problem>(info.problem)) {}
    std::shared_ptr<const ir::Architecture> arch;
    std::shared_ptr<const ir::Problem> problem;
    std::vector<std::unique_ptr<model::Model>> spare;
    static constexpr size_t kMaxSpare = 512;
};

struct Evaluator {
    // Without a pool, the evaluator keeps its own.
    Evaluator(const SpaceInfo &i, Objective o, const Constraints &c, ModelPool *shared = nullptr)
        : info(i), objective(o), rtl_only(c.rtl_only), no_bypass(c.no_bypass), accept(c.accept), constraints(c),
          pool(shared ? *shared : own_pool.emplace(info)) {}
    ~Evaluator() {
        for (auto &entry : models)
            if (entry.second && pool.spare.size() < ModelPool::kMaxSpare) pool.spare.push_back(std::move(entry.second));
    }
    Evaluator(const Evaluator &) = delete;
    Evaluator &operator=(const Evaluator &) = delete;
    const SpaceInfo &info;
    Objective objective;
    // --rtl-only asks rtl_backend; its answer depends on the loop structure alone, except on a
    // pipelined array, where how long operands stay in the PEs (the extents) matters too.
    bool rtl_only;
    bool rtl_per_point = rtl_only && info.arch.skew_tile() > 0;
    bool no_bypass;  // Constraints::no_bypass (Structure::from_dram is part of the model key)
    const std::function<bool(const Point &)> &accept;
    const Constraints &constraints;  // (its lane limits are asked per point: lanes_within)
    std::unordered_map<std::string, bool> allowed;  // the rtl_only and accept verdicts per model key
    bool allowed_structure(const std::string &key, const Point &p) {
        if (!rtl_only && !accept && !no_bypass) return true;
        auto it = allowed.find(key);
        if (it != allowed.end()) return it->second;
        if (allowed.size() > 200000) allowed.clear();  // bounded memory
        const bool bypasses = p.s.from_dram[0] || p.s.from_dram[1] || p.s.from_dram[2];
        const bool ok = !(no_bypass && bypasses) && (!rtl_only || rtl_per_point || rtl_generatable(info, p)) &&
                        (!accept || accept(p));
        return allowed.emplace(key, ok).first->second;
    }
    std::optional<ModelPool> own_pool;
    ModelPool &pool;
    // One IR rewritten per model.
    ir::AcceleratorIR scratch = [this] {
        ir::AcceleratorIR ir;
        ir.problem = info.problem;
        return ir;
    }();
    // The models of recent loop structures (a few hundred: a search rarely returns to older ones).
    std::unordered_map<std::string, std::unique_ptr<model::Model>> models;
    static constexpr size_t kMaxModels = 256;
    int64_t evaluated = 0;
    std::vector<Candidate> pareto, top;
    static constexpr size_t kTop = 10;

    // Points already evaluated (annealing revisits many): their result without the model.
    std::unordered_map<std::string, std::pair<bool, Candidate>> seen;

    // False if the point does not fit (or is not executable).
    bool eval(const Point &p, Candidate &out) {
        std::string pk = point_key(p);
        auto hit = seen.find(pk);
        if (hit != seen.end()) {
            if (hit->second.first) out = hit->second.second;
            return hit->second.first;
        }
        if (!lanes_within(constraints, p)) return false;
        if (seen.size() > 100000) seen.clear();  // bounded memory
        auto &slot = seen[std::move(pk)];
        slot.first = eval_model(p, slot.second);
        if (slot.first) out = slot.second;
        return slot.first;
    }

    bool eval_model(const Point &p, Candidate &out) {
        const std::string key = model_key(info, p);
        auto it = models.find(key);
        if (it == models.end()) {
            if (models.size() > kMaxModels) {
                for (auto &entry : models)
                    if (entry.second) pool.spare.push_back(std::move(entry.second));
                models.clear();
            }
            std::unique_ptr<model::Model> m;
            try {
                if (allowed_structure(key, p)) {
                    build_mapping(info, p, scratch.mapping);
                    if (pool.spare.empty()) {
                        m = std::make_unique<model::Model>(scratch, pool.arch, pool.problem);
                    } else {
                        m = std::move(pool.spare.back());
                        pool.spare.pop_back();
                        m->rebuild(scratch);
                    }
                }
            } catch (const std::exception &) {
                if (m) pool.spare.push_back(std::move(m));  // unusable until rebuilt
            }
            it = models.emplace(key, std::move(m)).first;
        }
        if (!it->second || (rtl_per_point && !rtl_generatable(info, p))) return false;
        ++evaluated;
        const model::Estimate *e = nullptr;
        try {
            e = &it->second->evaluate(blocking_of(info, p));
        } catch (const std::exception &) {
            return false;
        }
        if (!it->second->fit_error().empty()) return false;
        out.point = p;
        out.energy_pj = e->energy_pj;
        out.cycles = e->cycles.total;
        out.score = score_of(objective, out.energy_pj, out.cycles);
        record(out);
        return true;
    }

    void record(const Candidate &c) {
        // Pareto front: drop if dominated, else insert and drop what it dominates.
        for (const auto &q : pareto)
            if (q.energy_pj <= c.energy_pj && q.cycles <= c.cycles) goto top_list;
        pareto.erase(std::remove_if(pareto.begin(), pareto.end(),
                                    [&](const Candidate &q) {
                                        return c.energy_pj <= q.energy_pj && c.cycles <= q.cycles;
                                    }),
                     pareto.end());
        pareto.push_back(c);
    top_list:
        if (top.size() == kTop && !better(c, top.back())) return;
        // Mappings of equal cost are one row of the table (they differ in loops that change nothing).
        for (const auto &q : top)
            if (q.energy_pj == c.energy_pj && q.cycles == c.cycles) {
                if (better(c, q)) {
                    const_cast<Candidate &>(q) = c;
                    std::sort(top.begin(), top.end(), better);
                }
                return;
            }
        top.push_back(c);
        std::sort(top.begin(), top.end(), better);
        if (top.size() > kTop) top.pop_back();
    }
};

struct Progress {
    std::atomic<int64_t> evaluated{0};
    std::mutex mu;
    double best = -1;
    void improve(double s) {
        std::lock_guard<std::mutex> lock(mu);
        if (best < 0 || s < best) best = s;
    }
};

}  // namespace tessera::explore::detail
