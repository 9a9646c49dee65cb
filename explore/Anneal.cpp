#include "Anneal.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace tessera::explore::detail {

namespace {

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

    bool spatial(const Point &p, int d) { return is_spatial(p, d); }
    bool valid(const Point &p) { return within_space(info, p) && lanes_within(c, p); }

    // The lane counts of one axis' dims that keep the most of its lanes busy on average (a tail
    // leaves lanes idle), among those that fit what the dims' other bands leave, each at least 2;
    // ties: fewer lanes.
    void fill_axis(Point &p, const std::vector<int> &axis, int64_t size, const std::vector<int64_t> &limit) {
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
                if (limit.size() == axis.size() && v > limit[i]) break;
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
        fill_axis(p, p.s.row_dims, info.arch.rows, c.row_lanes);
        fill_axis(p, p.s.col_dims, info.arch.cols, c.col_lanes);
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
        case 5:  // a GLB tile position, or (several shared levels) the level of a tensor's tile, an
                 // operand's outer tile or the output's inner one, or (a double-buffered level) one
                 // copy of a tensor's tiles or two
            if (info.buffering_choice && pick(3) == 0) {
                const size_t t = pick(3);
                p.s.single[t] = !p.s.single[t];
            } else if (info.shared_levels.size() > 1 && pick(2)) {
                const size_t what = pick(3);
                if (what == 0) p.s.level[pick(3)] = int(pick(info.shared_levels.size()));
                else if (what == 1) p.s.outer_at[pick(2)] = int(pick(size_t(nd + 1))) - 1;  // -1: none
                else p.s.output_inner_at = int(pick(size_t(nd + 2))) - 1;
            } else {
                p.s.glb_at[pick(2)] = int(pick(size_t(nd + 1)));
            }
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
        default:  // a per-PE tile: none or a position, or straight from (to) DRAM or not (an
                  // operand's register tile under it: Polish)
            if (pick(4) == 0) {
                const size_t t = pick(3);
                p.s.from_dram[t] = !p.s.from_dram[t];
                if (p.s.rf_at[t] < 0) p.s.rf_at[t] = int(pick(size_t(nd + 1)));
            } else {
                p.s.rf_at[pick(3)] = int(pick(size_t(nd + 2))) - 1;
            }
        }
        return p;
    }

    void normalize(Point &p) { detail::normalize(info, c, p); }

    // A first point for a spatial choice: its lanes filled, the loop orders shuffled.
    Point start_point(const SpatialChoice &sc) {
        Point p = initial_point(info, sc);
        set_spatial(p, sc);
        std::shuffle(p.s.glb_order.begin(), p.s.glb_order.end(), rng);
        if (c.rf_order.empty()) std::shuffle(p.s.rf_order.begin(), p.s.rf_order.end(), rng);
        else p.s.rf_order = c.rf_order;
        if (rf_allowed())
            for (int t = 0; t < 3; ++t)
                if (c.start_pe_tiles >> t & 1) p.s.rf_at[t] = info.dims();
        for (int t = 0; t < 3; ++t) {
            if (c.start_from_dram >> t & 1) p.s.from_dram[t] = true;
            if (c.start_registers >> t & 1) p.s.reg[t] = true;
        }
        for (int t = 0; t < 3; ++t)
            if (c.start_levels[t] >= 0 && c.start_levels[t] < int(info.shared_levels.size())) p.s.level[t] = c.start_levels[t];
        if (info.shared_levels.size() > 1) {
            for (int t = 0; t < 2; ++t)
                if (c.start_two_levels >> t & 1) p.s.outer_at[t] = 0;
            if (c.start_two_levels & 4) p.s.output_inner_at = 0;
        }
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

}  // namespace

void anneal_chain(const SpaceInfo &info, const Constraints &c, const std::vector<SpatialChoice> &choices,
                  size_t first, Evaluator &ev, uint64_t seed, const std::vector<std::vector<int64_t>> &values,
                  double t0, const std::optional<Point> &start, int64_t steps, Progress &progress) {
    Annealer a{info, c, choices, ev, std::mt19937_64(seed), values};
    a.t0 = t0;
    Candidate best;
    a.run(start ? *start : a.start_point(choices[first]), steps, progress, best);
}

}  // namespace tessera::explore::detail
