#include "Search.h"

#include "UserError.h"
#include "ir/Json.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>

namespace tessera::explore {

double score_of(Objective o, double energy, int64_t cycles) {
    switch (o) {
    case Objective::Energy: return energy + 1e-9 * double(cycles);  // ties: fewer cycles
    case Objective::Cycles: return double(cycles) + 1e-12 * energy;
    case Objective::Edp: return energy * double(cycles);
    }
    return energy;
}

Objective parse_objective(const std::string &s) {
    if (s == "energy") return Objective::Energy;
    if (s == "cycles") return Objective::Cycles;
    if (s == "edp") return Objective::Edp;
    throw UserError("unknown objective '" + s + "' (use energy, cycles or edp)");
}

namespace {


std::string point_key(const Point &p) {
    std::string k = p.s.key();
    for (size_t d = 0; d < p.f.glb.size(); ++d)
        k += std::to_string(p.f.glb[d]) + "." + std::to_string(p.f.lane[d]) + "." +
             std::to_string(p.f.rf[d]) + ";";
    return k;
}

// Deterministic order: better score first, then the point's key.
bool better(const Candidate &a, const Candidate &b) {
    if (a.score != b.score) return a.score < b.score;
    return point_key(a.point) < point_key(b.point);
}

// Tile values a dim's band may take: its divisors and the powers of two below its extent (the
// latter leave a predicated tail).
std::vector<int64_t> tile_values(int64_t extent) {
    std::vector<int64_t> v;
    for (int64_t i = 1; i <= extent; ++i)
        if (extent % i == 0) v.push_back(i);
    for (int64_t i = 2; i < extent; i *= 2) v.push_back(i);
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

struct SpatialChoice {
    std::vector<int> rows, cols;
};

std::vector<SpatialChoice> spatial_choices(const SpaceInfo &info, const Constraints &c) {
    if (c.spatial_fixed) return {{c.row_dims, c.col_dims}};
    std::vector<std::vector<int>> axes;  // candidate contents of one axis (dims of extent > 1)
    std::vector<int> useful;
    for (int d = 0; d < info.dims(); ++d)
        if (info.extent(d) > 1) useful.push_back(d);
    for (int a : useful) axes.push_back({a});
    for (size_t i = 0; i < useful.size(); ++i)
        for (size_t j = i + 1; j < useful.size(); ++j) axes.push_back({useful[i], useful[j]});
    std::vector<SpatialChoice> out;
    auto disjoint = [](const std::vector<int> &a, const std::vector<int> &b) {
        for (int x : a)
            if (std::find(b.begin(), b.end(), x) != b.end()) return false;
        return true;
    };
    auto allowed = [&](const std::vector<int> &rows, const std::vector<int> &cols) {
        return !c.spatial_allowed || c.spatial_allowed(rows, cols);
    };
    for (const auto &col : axes) {
        if (allowed({}, col)) out.push_back({{}, col});
        if (info.arch.rows > 1)
            for (const auto &row : axes)
                if (disjoint(row, col) && allowed(row, col)) out.push_back({row, col});
    }
    if (out.empty() && useful.empty()) out.push_back({{}, {0}});  // every dim of extent 1: a 1-lane mapping
    return out;
}

struct Evaluator {
    Evaluator(const SpaceInfo &i, Objective o, const Constraints &c)
        : info(i), objective(o), rtl_only(c.rtl_only), accept(c.accept) {}
    const SpaceInfo &info;
    Objective objective;
    // --rtl-only asks rtl_backend; its answer depends on the loop structure alone, except on a
    // pipelined array, where how long operands stay in the PEs (the extents) matters too.
    bool rtl_only;
    bool rtl_per_point = rtl_only && info.arch.skew_tile() > 0;
    const std::function<bool(const Point &)> &accept;
    std::unordered_map<std::string, bool> allowed;  // the rtl_only and accept verdicts per model key
    bool allowed_structure(const std::string &key, const Point &p) {
        if (!rtl_only && !accept) return true;
        auto it = allowed.find(key);
        if (it != allowed.end()) return it->second;
        if (allowed.size() > 200000) allowed.clear();  // bounded memory
        const bool ok = (!rtl_only || rtl_per_point || rtl_generatable(info, p)) && (!accept || accept(p));
        return allowed.emplace(key, ok).first->second;
    }
    // Shared by every model of the search (no copy per model), and one IR rewritten per model.
    std::shared_ptr<const ir::Architecture> arch = std::make_shared<const ir::Architecture>(info.arch);
    std::shared_ptr<const ir::Problem> problem = std::make_shared<const ir::Problem>(info.problem);
    ir::AcceleratorIR scratch = [this] {
        ir::AcceleratorIR ir;
        ir.problem = info.problem;
        return ir;
    }();
    std::unordered_map<std::string, std::unique_ptr<model::Model>> models;
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
            if (models.size() > 2048) models.clear();  // bounded memory
            std::unique_ptr<model::Model> m;
            try {
                if (allowed_structure(key, p)) {
                    build_mapping(info, p, scratch.mapping);
                    m = std::make_unique<model::Model>(scratch, arch, problem);
                }
            } catch (const std::exception &) {
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

Point initial_point(const SpaceInfo &info, const SpatialChoice &sc) { return plain_point(info, sc.rows, sc.cols); }

// ---- Exhaustive: every factor assignment, every order of the loops that are not trivial
// (extent-1 loops keep a canonical place: their order changes nothing), every tile position that
// is not equivalent to another (a position just inside a trivial loop equals the one outside it).
struct Exhaustive {
    const SpaceInfo &info;
    const Constraints &c;
    Evaluator &ev;
    int64_t limit;
    bool aborted = false;
    const std::atomic<bool> *others_aborted = nullptr;  // another spatial choice hit its limit
    std::vector<std::vector<int64_t>> values;
    bool count_only = false;  // count the points (in `counted`) without evaluating them
    int64_t counted = 0;

    bool fits_axis(const Point &p, const std::vector<int> &axis, int64_t size) {
        int64_t prod = 1;
        for (int d : axis) prod *= p.f.lane[size_t(d)];
        return prod <= size;
    }

    void run(const SpatialChoice &sc) {
        Point p = initial_point(info, sc);
        factors(p, 0);
    }

    bool spatial(const Point &p, int d) {
        return std::count(p.s.row_dims.begin(), p.s.row_dims.end(), d) ||
               std::count(p.s.col_dims.begin(), p.s.col_dims.end(), d);
    }

    void factors(Point &p, int d) {
        if (aborted) return;
        if (d == info.dims()) {
            if (fits_axis(p, p.s.row_dims, info.arch.rows) && fits_axis(p, p.s.col_dims, info.arch.cols))
                orders(p);
            return;
        }
        const int64_t e = info.extent(d);
        const auto &v = values[size_t(d)];
        for (int64_t lane : spatial(p, d) ? v : std::vector<int64_t>{1}) {
            if (spatial(p, d) && lane == 1 && e > 1) continue;  // a spatial dim uses its lanes
            for (int64_t rf : v) {
                if (lane * rf > e) break;
                for (int64_t glb : v) {
                    if (lane * rf * glb > e) break;
                    p.f.lane[size_t(d)] = lane, p.f.rf[size_t(d)] = rf, p.f.glb[size_t(d)] = glb;
                    factors(p, d + 1);
                }
            }
        }
    }

    static std::vector<int> nontrivial_first(const std::vector<int> &dims, const std::vector<int64_t> &ext,
                                             std::vector<int> &trivial) {
        std::vector<int> n;
        trivial.clear();
        for (int d : dims) (ext[size_t(d)] > 1 ? n : trivial).push_back(d);
        return n;
    }

    void orders(Point &p) {
        const int nd = info.dims(), n_out = info.output_dims();
        std::vector<int64_t> dram(static_cast<size_t>(nd));
        for (int d = 0; d < nd; ++d) {
            const int64_t tile = p.f.glb[size_t(d)] * p.f.lane[size_t(d)] * p.f.rf[size_t(d)];
            dram[size_t(d)] = (info.extent(d) + tile - 1) / tile;
        }
        std::vector<int> outs, reds, glb_dims, rf_dims, t1, t2, t3, t4;
        for (int d = 0; d < nd; ++d) (info.is_reduction(d) ? reds : outs).push_back(d);
        std::vector<int> o1 = nontrivial_first(outs, dram, t1), o2 = nontrivial_first(reds, dram, t2);
        std::vector<int> all(static_cast<size_t>(nd));
        for (int d = 0; d < nd; ++d) all[size_t(d)] = d;
        std::vector<int> g = nontrivial_first(all, p.f.glb, t3);
        std::vector<int> r = nontrivial_first(all, p.f.rf, t4);
        if (!c.rf_order.empty()) r.clear(), t4 = c.rf_order;
        std::sort(o1.begin(), o1.end()), std::sort(o2.begin(), o2.end());
        std::sort(g.begin(), g.end()), std::sort(r.begin(), r.end());
        do {
            p.s.dram_order = t1;  // trivial output loops outermost, then the nontrivial ones
            p.s.dram_order.insert(p.s.dram_order.end(), o1.begin(), o1.end());
            p.s.dram_order.insert(p.s.dram_order.end(), t2.begin(), t2.end());
            do {
                p.s.dram_order.resize(size_t(n_out + int(t2.size())));
                p.s.dram_order.insert(p.s.dram_order.end(), o2.begin(), o2.end());
                do {
                    p.s.glb_order = g;
                    p.s.glb_order.insert(p.s.glb_order.end(), t3.begin(), t3.end());
                    do {
                        p.s.rf_order = t4;  // trivial RF loops outermost
                        p.s.rf_order.insert(p.s.rf_order.end(), r.begin(), r.end());
                        positions(p, dram);
                        if (aborted) return;
                    } while (std::next_permutation(r.begin(), r.end()));
                } while (std::next_permutation(g.begin(), g.end()));
            } while (std::next_permutation(o2.begin(), o2.end()));
        } while (std::next_permutation(o1.begin(), o1.end()));
    }

    void positions(Point &p, const std::vector<int64_t> &dram) {
        const int nd = info.dims();
        std::vector<int> glb_pos{0}, rf_pos{-1};
        for (int q = 1; q <= nd; ++q)
            if (dram[size_t(p.s.dram_order[size_t(q - 1)])] > 1) glb_pos.push_back(q);
        if (!info.rf_level.empty() && !c.rf_order.empty()) {
            for (int q = 0; q <= nd; ++q) rf_pos.push_back(q);
        } else if (!info.rf_level.empty()) {
            // Inside the trivial RF loops (they are outermost) or inside a nontrivial one.
            int first = 0;
            while (first < nd && p.f.rf[size_t(p.s.rf_order[size_t(first)])] == 1) ++first;
            rf_pos.push_back(first);
            for (int q = first + 1; q <= nd; ++q) rf_pos.push_back(q);
        }
        if (count_only) {
            counted += int64_t(glb_pos.size() * glb_pos.size() * rf_pos.size() * rf_pos.size() * rf_pos.size());
            if (counted > limit) aborted = true;
            return;
        }
        for (int gi : glb_pos)
            for (int gw : glb_pos)
                for (int ri : rf_pos)
                    for (int rw : rf_pos)
                        for (int ro : rf_pos) {
                            p.s.glb_at[0] = gi, p.s.glb_at[1] = gw;
                            p.s.rf_at[0] = ri, p.s.rf_at[1] = rw, p.s.rf_at[2] = ro;
                            Candidate cand;
                            ev.eval(p, cand);
                            if (ev.evaluated > limit || (others_aborted && *others_aborted)) {
                                aborted = true;
                                return;
                            }
                        }
    }
};

// ---- Simulated annealing (one chain): a move changes one choice; worse moves are accepted with
// probability exp(-log(new/old) / T), T cooling geometrically; the chain restarts from its best
// every tenth of its steps.
struct Annealer {
    const SpaceInfo &info;
    const Constraints &c;
    const std::vector<SpatialChoice> &choices;  // what a spatial move may pick (one: lanes only)
    Evaluator &ev;
    std::mt19937_64 rng;
    std::vector<std::vector<int64_t>> values;
    double t0 = 0.3, t1 = 0.002;  // temperature, first and last step

    size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); }

    bool spatial(const Point &p, int d) {
        return std::count(p.s.row_dims.begin(), p.s.row_dims.end(), d) ||
               std::count(p.s.col_dims.begin(), p.s.col_dims.end(), d);
    }

    bool valid(const Point &p) {
        for (int d = 0; d < info.dims(); ++d)  // a spatial dim uses its lanes (as in Exhaustive)
            if (spatial(p, d) && p.f.lane[size_t(d)] == 1 && info.extent(d) > 1) return false;
        for (int d = 0; d < info.dims(); ++d)
            if (p.f.glb[size_t(d)] * p.f.lane[size_t(d)] * p.f.rf[size_t(d)] > info.extent(d)) return false;
        auto axis_ok = [&](const std::vector<int> &axis, int64_t size) {
            int64_t prod = 1;
            for (int d : axis) prod *= p.f.lane[size_t(d)];
            return prod <= size;
        };
        return axis_ok(p.s.row_dims, info.arch.rows) && axis_ok(p.s.col_dims, info.arch.cols);
    }

    // The lane counts of one axis' dims that keep the most of its lanes busy on average (a tail
    // leaves lanes idle), among those that fit what the dims' other bands leave, each at least 2;
    // ties: fewer lanes.
    void fill_axis(Point &p, const std::vector<int> &axis, int64_t size) {
        std::vector<int64_t> best(axis.size(), 1), cur(axis.size(), 1);
        double best_busy = -1;
        std::function<void(size_t, int64_t)> rec = [&](size_t i, int64_t prod) {
            if (i == axis.size()) {
                double busy = 1;
                for (size_t j = 0; j < axis.size(); ++j) {
                    const int64_t e = info.extent(axis[j]);
                    busy *= double(e) / double((e + cur[j] - 1) / cur[j]);
                }
                if (busy > best_busy + 1e-9) best_busy = busy, best = cur;
                return;
            }
            const int d = axis[i];
            const int64_t room = info.extent(d) / (p.f.glb[size_t(d)] * p.f.rf[size_t(d)]);
            for (int64_t v : values[size_t(d)]) {
                if (v * prod > size || v > std::max<int64_t>(1, room)) break;
                if (v == 1 && info.extent(d) > 1) continue;  // a spatial dim uses its lanes (valid())
                cur[i] = v;
                rec(i + 1, prod * v);
            }
        };
        rec(0, 1);
        for (size_t j = 0; j < axis.size(); ++j) p.f.lane[size_t(axis[j])] = best[j];
    }

    void set_spatial(Point &p, const SpatialChoice &sc) {
        for (int d = 0; d < info.dims(); ++d) p.f.lane[size_t(d)] = 1;
        p.s.row_dims = sc.rows, p.s.col_dims = sc.cols;
        fill_axis(p, p.s.row_dims, info.arch.rows);
        fill_axis(p, p.s.col_dims, info.arch.cols);
    }

    bool rf_allowed() const { return !info.rf_level.empty(); }

    // One band's factor of dim d: 0 GLB, 1 RF, 2 lanes.
    int64_t &factor(Point &p, int d, size_t band) {
        return (band == 0 ? p.f.glb : band == 1 ? p.f.rf : p.f.lane)[size_t(d)];
    }

    Point mutate(const Point &cur) {
        Point p = cur;
        const int nd = info.dims(), n_out = info.output_dims();
        switch (pick(rf_allowed() ? 8 : 7)) {
        case 0: {  // a factor, any value
            const int d = int(pick(size_t(nd)));
            const auto &v = values[size_t(d)];
            factor(p, d, pick(spatial(p, d) ? 3 : 2)) = v[pick(v.size())];
            break;
        }
        case 1: case 2: {  // a factor to a neighbouring value
            const int d = int(pick(size_t(nd)));
            const auto &v = values[size_t(d)];
            int64_t &x = factor(p, d, pick(spatial(p, d) ? 3 : 2));
            const size_t i = size_t(std::lower_bound(v.begin(), v.end(), x) - v.begin());
            if (pick(2) && i + 1 < v.size()) x = v[i + 1];
            else if (i > 0) x = v[i - 1];
            break;
        }
        case 3: {  // a prime factor moves from one band of a dim to another (the DRAM band included)
            const int d = int(pick(size_t(nd)));
            const size_t bands = spatial(p, d) ? 4 : 3;  // GLB, RF, DRAM, lanes
            const size_t from = pick(bands), to = (from + 1 + pick(bands - 1)) % bands;
            static const int64_t primes[4] = {2, 3, 5, 7};
            const int64_t q = primes[pick(pick(2) ? 1 : 4)];
            auto band = [](size_t b) { return b == 2 ? size_t(3) : b == 3 ? size_t(2) : b; };
            if (from != 2) {
                int64_t &x = factor(p, d, band(from));
                if (x % q) return cur;
                x /= q;
            }
            if (to != 2) {
                int64_t &y = factor(p, d, band(to));
                const auto &v = values[size_t(d)];
                if (!std::binary_search(v.begin(), v.end(), y * q)) return cur;
                y *= q;
            }
            break;
        }
        case 4: {  // swap two loops of one band
            const size_t band = pick(c.rf_order.empty() ? 3 : 2);
            if (band == 0) {
                const bool out = pick(2) == 0 || n_out == nd;
                const size_t lo = out ? 0 : size_t(n_out), n = out ? size_t(n_out) : size_t(nd - n_out);
                if (n >= 2) std::swap(p.s.dram_order[lo + pick(n)], p.s.dram_order[lo + pick(n)]);
            } else {
                auto &o = band == 1 ? p.s.glb_order : p.s.rf_order;
                std::swap(o[pick(o.size())], o[pick(o.size())]);
            }
            break;
        }
        case 5:  // a GLB tile position
            p.s.glb_at[pick(2)] = int(pick(size_t(nd + 1)));
            break;
        case 6:  // the spatial dims (their lanes filled), or one spatial dim's lanes
            if (choices.size() > 1 && pick(2)) {
                set_spatial(p, choices[pick(choices.size())]);
            } else {
                const auto &axis = pick(2) && !p.s.row_dims.empty() ? p.s.row_dims : p.s.col_dims;
                const int d = axis[pick(axis.size())];
                p.f.lane[size_t(d)] = values[size_t(d)][pick(values[size_t(d)].size())];
            }
            break;
        default:  // a per-PE tile: none or a position
            p.s.rf_at[pick(3)] = int(pick(size_t(nd + 2))) - 1;
        }
        return p;
    }

    // The canonical representative (explore::canonicalize), keeping a user-fixed RF order.
    void normalize(Point &p) {
        if (c.rf_order.empty()) return canonicalize(info, p);
        const std::vector<int> order = p.s.rf_order;
        int at[3] = {p.s.rf_at[0], p.s.rf_at[1], p.s.rf_at[2]};
        canonicalize(info, p);
        p.s.rf_order = order;
        for (int t = 0; t < 3; ++t) p.s.rf_at[t] = at[t];
    }

    // A first point for a spatial choice: its lanes filled, the loop orders shuffled.
    Point start_point(const SpatialChoice &sc) {
        Point p = initial_point(info, sc);
        set_spatial(p, sc);
        std::shuffle(p.s.glb_order.begin(), p.s.glb_order.end(), rng);
        if (c.rf_order.empty()) std::shuffle(p.s.rf_order.begin(), p.s.rf_order.end(), rng);
        else p.s.rf_order = c.rf_order;
        normalize(p);
        return p;
    }

    // Anneals from `start`; returns whether any point was feasible (its best in `best`).
    bool run(Point start, int64_t steps, Progress &progress, Candidate &best) {
        Point cur = start;
        Candidate cc;
        bool have = valid(cur) && ev.eval(cur, cc);
        best = cc;
        int64_t last_report = 0;
        for (int64_t i = 0; i < steps; ++i) {
            const double temp = t0 * std::pow(t1 / t0, double(i) / double(steps));
            if (have && i > 0 && i % (steps / 10 + 1) == 0) cur = best.point, cc = best;
            Point next = mutate(cur);
            if (next.f == cur.f && next.s == cur.s) continue;
            if (!valid(next)) continue;
            normalize(next);
            Candidate nc;
            if (!ev.eval(next, nc)) continue;
            if (!have || nc.score <= cc.score ||
                std::uniform_real_distribution<double>(0, 1)(rng) <
                    std::exp(-std::log(nc.score / cc.score) / temp)) {
                cur = next, cc = nc;
                if (!have || better(nc, best)) best = nc;
                have = true;
            }
            if (ev.evaluated - last_report > 4096) {
                progress.evaluated += ev.evaluated - last_report;
                last_report = ev.evaluated;
                if (have) progress.improve(best.score);
            }
        }
        progress.evaluated += ev.evaluated - last_report;
        return have;
    }
};

void merge(SearchResult &r, const std::vector<UnitResult> &units) {
    std::vector<Candidate> all_pareto, all_top;
    for (const auto &u : units) {
        r.evaluated += u.evaluated;
        all_pareto.insert(all_pareto.end(), u.pareto.begin(), u.pareto.end());
        all_top.insert(all_top.end(), u.top.begin(), u.top.end());
    }
    std::sort(all_top.begin(), all_top.end(), better);
    std::map<std::pair<double, int64_t>, bool> seen;  // one row per cost
    for (const auto &c : all_top)
        if (!seen[{c.energy_pj, c.cycles}] && r.top.size() < Evaluator::kTop)
            seen[{c.energy_pj, c.cycles}] = true, r.top.push_back(c);
    std::sort(all_pareto.begin(), all_pareto.end(), [](const Candidate &a, const Candidate &b) {
        if (a.energy_pj != b.energy_pj) return a.energy_pj < b.energy_pj;
        if (a.cycles != b.cycles) return a.cycles < b.cycles;
        return point_key(a.point) < point_key(b.point);
    });
    for (const auto &c : all_pareto)
        if (r.pareto.empty() || c.cycles < r.pareto.back().cycles) r.pareto.push_back(c);
    r.found = !r.top.empty();
    if (r.found) r.best = r.top.front();
}

}  // namespace

std::vector<size_t> first_identical(const std::vector<ir::Problem> &problems) {
    std::map<std::string, size_t> first;
    std::vector<size_t> out;
    for (size_t i = 0; i < problems.size(); ++i) {
        nlohmann::json key = ir::to_json(problems[i].layer);
        key.erase("name");
        out.push_back(first.emplace(key.dump(), i).first->second);
    }
    return out;
}

model::Estimate evaluate_point(const SpaceInfo &info, const Point &p, std::string *fit_error) {
    model::Model m(build_ir(info, p), info.arch);
    model::Estimate e = m.evaluate(blocking_of(info, p));
    if (fit_error) *fit_error = m.fit_error();
    return e;
}

SearchResult search(const SpaceInfo &info, const SearchOptions &opt) {
    const auto start = std::chrono::steady_clock::now();
    const Constraints &c = opt.constraints;
    if (c.spatial_fixed) {
        if (!c.row_dims.empty() && info.arch.rows == 1)
            throw UserError("--spatial maps a row axis but the architecture's array has one row; "
                            "give one axis (e.g. --spatial K)");
    }
    const std::vector<SpatialChoice> choices = spatial_choices(info, c);
    std::vector<std::vector<int64_t>> values;
    for (int d = 0; d < info.dims(); ++d) values.push_back(tile_values(info.extent(d)));
    const int threads = std::max(1, opt.threads);
    Progress progress;
    SearchResult r;
    if (choices.empty()) return r;  // no spatial choice is allowed: nothing found

    // Runs the work units (job(j, evaluator) returns whether unit j aborted), each with its own
    // evaluator: units share nothing, so opt.run_units may run them anywhere.
    auto run_pool = [&](int jobs, auto &&job) {
        const std::function<UnitResult(int)> run_unit = [&](int j) {
            Evaluator ev{info, opt.objective, c};
            UnitResult u;
            u.aborted = job(j, ev);
            u.evaluated = ev.evaluated, u.pareto = std::move(ev.pareto), u.top = std::move(ev.top);
            return u;
        };
        if (opt.run_units) return opt.run_units(jobs, run_unit);
        std::vector<UnitResult> units(static_cast<size_t>(jobs));
        std::atomic<int> next{0};
        std::atomic<int> done{0};
        std::vector<std::thread> pool;
        for (int t = 0; t < std::min(threads, jobs); ++t)
            pool.emplace_back([&] {
                for (int j; (j = next++) < jobs;) units[size_t(j)] = run_unit(j);
                ++done;
            });
        while (opt.progress && done < int(pool.size())) {
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
            std::lock_guard<std::mutex> lock(progress.mu);
            std::cerr << "\rexplore: " << progress.evaluated.load() << " mappings evaluated, best "
                      << (progress.best < 0 ? std::string("-") : std::to_string(progress.best))
                      << "   " << std::flush;
        }
        for (auto &t : pool) t.join();
        if (opt.progress) std::cerr << "\r" << std::string(70, ' ') << "\r" << std::flush;
        return units;
    };

    bool exhaustive = opt.mode == "exhaustive" || opt.mode == "auto";
    if (opt.mode != "auto" && opt.mode != "exhaustive" && opt.mode != "anneal")
        throw UserError("unknown --search '" + opt.mode + "' (use auto, exhaustive or anneal)");
    if (opt.mode == "auto") {  // count the space first (no model): exhaustive only if it is small
        Evaluator counter{info, opt.objective, c};
        Exhaustive ex{info, c, counter, opt.exhaustive_limit, false, nullptr, values};
        ex.count_only = true;
        for (const auto &choice : choices) {
            ex.run(choice);
            if (ex.aborted) break;
        }
        exhaustive = !ex.aborted;
    }
    if (exhaustive) {
        std::atomic<bool> aborted{false};
        // The limit applies to the whole space: each spatial choice gets its share.
        const int64_t per_choice = std::max<int64_t>(1, opt.exhaustive_limit / int64_t(choices.size()));
        auto units = run_pool(int(choices.size()), [&](int j, Evaluator &ev) {
            if (aborted) return true;
            Exhaustive ex{info, c, ev, per_choice, false, &aborted, values};
            ex.run(choices[size_t(j)]);
            progress.evaluated += ev.evaluated;
            if (ex.aborted) aborted = true;
            return ex.aborted;
        });
        for (const auto &u : units) aborted = aborted || u.aborted;  // units run elsewhere included
        if (!aborted) {
            merge(r, units);
            r.optimal = r.found;
        } else if (opt.mode == "exhaustive") {
            throw UserError("the space has more than " + std::to_string(opt.exhaustive_limit) +
                            " mappings; use --search anneal (or auto) or raise --exhaustive-limit");
        } else {
            exhaustive = false;
        }
    }
    if (!exhaustive) {
        // Phase 1, successive halving over the spatial choices: every choice anneals briefly from
        // its own first point (its lanes filled); the better half continues from its best point
        // with twice the steps, and so on until `chains` choices are left. Half the budget.
        // Phase 2: the chains anneal from the best points of the choices left, their spatial moves
        // among those choices. Every unit's candidates count in the result.
        const int64_t budget = int64_t(opt.chains) * opt.anneal_steps;
        const size_t keep = size_t(std::max(1, opt.chains));
        int rounds = 1;
        for (size_t n = choices.size(); n > keep; n = (n + 1) / 2) ++rounds;
        std::vector<UnitResult> units;
        std::vector<size_t> alive(choices.size());
        for (size_t j = 0; j < alive.size(); ++j) alive[j] = j;
        std::vector<std::optional<Candidate>> best_of(choices.size());
        for (int round = 0;; ++round) {
            const int64_t steps = std::max<int64_t>(30, budget / 2 / rounds / int64_t(alive.size()));
            auto screened = run_pool(int(alive.size()), [&](int j, Evaluator &ev) {
                const size_t choice = alive[size_t(j)];
                const std::vector<SpatialChoice> one{choices[choice]};
                Annealer a{info, c, one, ev,
                           std::mt19937_64(opt.seed * 1000003ULL + 7919ULL * (choice + 1) + 104729ULL * uint64_t(round)),
                           values};
                a.t0 = 0.05;
                const Point start = best_of[choice] ? best_of[choice]->point : a.start_point(one[0]);
                Candidate best;
                a.run(start, steps, progress, best);
                return false;
            });
            for (size_t j = 0; j < alive.size(); ++j)
                for (const Candidate &cand : screened[j].top)
                    if (!best_of[alive[j]] || better(cand, *best_of[alive[j]])) best_of[alive[j]] = cand;
            units.insert(units.end(), screened.begin(), screened.end());
            // Rank: choices with a feasible point by their best, then the others in order.
            std::stable_sort(alive.begin(), alive.end(), [&](size_t x, size_t y) {
                if (!best_of[x] || !best_of[y]) return best_of[x].has_value() && !best_of[y].has_value();
                return better(*best_of[x], *best_of[y]);
            });
            if (alive.size() <= keep) break;
            alive.resize(std::max(keep, (alive.size() + 1) / 2));
        }
        std::vector<SpatialChoice> kept;
        for (size_t j : alive) kept.push_back(choices[j]);
        const int64_t chain_steps = std::max<int64_t>(1, opt.anneal_steps / 2);
        auto chains = run_pool(opt.chains, [&](int j, Evaluator &ev) {
            Annealer a{info, c, kept, ev, std::mt19937_64(opt.seed * 1000003ULL + uint64_t(j)), values};
            a.t0 = 0.1;
            const size_t choice = alive[size_t(j) % alive.size()];
            const Point start = best_of[choice] ? best_of[choice]->point : a.start_point(choices[choice]);
            Candidate best;
            a.run(start, chain_steps, progress, best);
            return false;
        });
        units.insert(units.end(), chains.begin(), chains.end());
        merge(r, units);
        r.optimal = false;
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

}  // namespace tessera::explore
