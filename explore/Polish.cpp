#include "Polish.h"

#include <algorithm>
#include <functional>

namespace tessera::explore::detail {

namespace {

// Calls `visit` with every neighbour of p (not yet checked against the space).
void neighbours(const SpaceInfo &info, const Constraints &c, const std::vector<std::vector<int64_t>> &values,
                const Point &p, const std::function<void(const Point &)> &visit) {
    const int nd = info.dims(), n_out = info.output_dims();
    const bool per_pe = !info.rf_level.empty();
    // Bands of a dim's factor: 0 GLB, 1 RF, 2 lanes (spatial dims only); the DRAM band is what
    // the others leave.
    auto band = [](Point &q, int d, int b) -> int64_t & {
        return (b == 0 ? q.f.glb : b == 1 ? q.f.rf : q.f.lane)[size_t(d)];
    };
    auto bands_of = [&](int d) {
        std::vector<int> b{0};
        if (per_pe) b.push_back(1);
        if (is_spatial(p, d)) b.push_back(2);
        return b;
    };
    for (int d = 0; d < nd; ++d) {
        for (int b : bands_of(d))
            for (int64_t v : values[size_t(d)]) {
                Point q = p;
                if (band(q, d, b) == v) continue;
                band(q, d, b) = v;
                visit(q);
            }
        // A prime factor from one band to another; -1 is the DRAM band.
        std::vector<int> bs = bands_of(d);
        bs.push_back(-1);
        for (int from : bs)
            for (int to : bs) {
                if (from == to) continue;
                for (int64_t prime : {2, 3, 5, 7}) {
                    Point q = p;
                    if (from >= 0) {
                        if (band(q, d, from) % prime) continue;
                        band(q, d, from) /= prime;
                    }
                    if (to >= 0) {
                        const int64_t y = band(q, d, to) * prime;
                        if (!std::binary_search(values[size_t(d)].begin(), values[size_t(d)].end(), y)) continue;
                        band(q, d, to) = y;
                    }
                    visit(q);
                }
            }
    }
    for (int t = 0; t < 2; ++t)
        for (int at = 0; at <= nd; ++at)
            if (at != p.s.glb_at[t]) {
                Point q = p;
                q.s.glb_at[t] = at;
                visit(q);
            }
    if (per_pe)
        for (int t = 0; t < 3; ++t)
            for (int at = -1; at <= nd; ++at)
                if (at != p.s.rf_at[t]) {
                    Point q = p;
                    q.s.rf_at[t] = at;
                    visit(q);
                }
    if (info.buffering_choice)
        for (int t = 0; t < 3; ++t) {
            Point q = p;
            q.s.single[t] = !q.s.single[t];
            visit(q);
        }
    if (!info.reg_level.empty())
        for (int t = 0; t < 3; ++t) {
            Point q = p;
            q.s.reg[t] = !q.s.reg[t];
            visit(q);
        }
    // A per-PE tile straight from (to) DRAM, or from its shared tile; a tensor without one gets
    // one there at each position (the tile alone rarely pays, without the shared one it may).
    if (per_pe)
        for (int t = 0; t < 3; ++t) {
            Point q = p;
            q.s.from_dram[t] = !q.s.from_dram[t];
            if (p.s.rf_at[t] >= 0) {
                visit(q);
                continue;
            }
            for (int at = 0; at <= nd; ++at) {
                q.s.rf_at[t] = at;
                visit(q);
            }
        }
    if (info.shared_levels.size() > 1) {
        for (int t = 0; t < 3; ++t)
            for (int l = 0; l < int(info.shared_levels.size()); ++l)
                if (l != p.s.level[t]) {
                    Point q = p;
                    q.s.level[t] = l;
                    visit(q);
                }
        for (int t = 0; t < 2; ++t)
            for (int at = -1; at < nd; ++at)
                if (at != p.s.outer_at[t]) {
                    Point q = p;
                    q.s.outer_at[t] = at;
                    visit(q);
                }
        for (int at = -1; at <= nd; ++at)
            if (at != p.s.output_inner_at) {
                Point q = p;
                q.s.output_inner_at = at;
                visit(q);
            }
    }
    // A DRAM-band loop moved to another place among the loops of its kind (output or reduction),
    // the shared tiles staying inside the loops they were inside, as is and with all of its dim
    // in the DRAM band (its GLB and RF factors 1). A tile size and the loop order outside it then
    // change together: e.g. a stride-2 layer's 14-row tile becomes one row per step of a DRAM
    // loop inside the filter's tile, which single changes reach only through worse mappings.
    for (int d = 0; d < nd; ++d)
        for (bool to_dram : {false, true}) {
            if (to_dram && p.f.glb[size_t(d)] == 1 && p.f.rf[size_t(d)] == 1) continue;
            const auto &order = p.s.dram_order;
            const size_t from = size_t(std::find(order.begin(), order.end(), d) - order.begin());
            const size_t lo = info.is_reduction(d) ? size_t(n_out) : 0, hi = info.is_reduction(d) ? size_t(nd) : size_t(n_out);
            for (size_t to = lo; to < hi; ++to) {
                if (to == from && !to_dram) continue;
                Point q = p;
                if (to_dram) q.f.glb[size_t(d)] = q.f.rf[size_t(d)] = 1;
                // Each tile's anchor: the innermost loop outside it (none: outermost).
                auto anchor = [&](int at) { return at > 0 ? order[size_t(at - 1)] : -1; };
                const int glb_anchor[2] = {anchor(p.s.glb_at[0]), anchor(p.s.glb_at[1])};
                const int outer_anchor[2] = {anchor(p.s.outer_at[0]), anchor(p.s.outer_at[1])};
                auto &o = q.s.dram_order;
                o.erase(o.begin() + long(from));
                o.insert(o.begin() + long(to), d);
                auto at_of = [&](int loop) {
                    return loop < 0 ? 0 : int(std::find(o.begin(), o.end(), loop) - o.begin()) + 1;
                };
                for (int t = 0; t < 2; ++t) {
                    q.s.glb_at[t] = at_of(glb_anchor[t]);
                    if (p.s.outer_at[t] >= 0) q.s.outer_at[t] = at_of(outer_anchor[t]);
                }
                visit(q);
            }
        }
    // Two loops of one band exchanged (the DRAM band keeps output dims outside reduction dims).
    auto swaps = [&](std::vector<int> Structure::*order, size_t lo, size_t n) {
        for (size_t i = lo; i < lo + n; ++i)
            for (size_t j = i + 1; j < lo + n; ++j) {
                Point q = p;
                std::swap((q.s.*order)[i], (q.s.*order)[j]);
                visit(q);
            }
    };
    swaps(&Structure::dram_order, 0, size_t(n_out));
    swaps(&Structure::dram_order, size_t(n_out), size_t(nd - n_out));
    swaps(&Structure::glb_order, 0, size_t(nd));
    if (per_pe && c.rf_order.empty()) swaps(&Structure::rf_order, 0, size_t(nd));
}

}  // namespace

void polish(const SpaceInfo &info, const Constraints &c, Evaluator &ev, const std::vector<std::vector<int64_t>> &values,
            const Point &start, int max_sweeps, Progress &progress) {
    const int64_t evaluated_before = ev.evaluated;
    Candidate cur;
    if (within_space(info, start) && ev.eval(start, cur)) {
        for (int sweep = 0; sweep < max_sweeps; ++sweep) {
            Candidate best = cur;
            neighbours(info, c, values, cur.point, [&](const Point &n) {
                if (!within_space(info, n)) return;
                Point q = n;
                normalize(info, c, q);
                Candidate nc;
                if (ev.eval(q, nc) && nc.score < best.score) best = nc;
            });
            if (!(best.score < cur.score)) break;
            cur = best;
            progress.improve(cur.score);
        }
    }
    progress.evaluated += ev.evaluated - evaluated_before;
}

}  // namespace tessera::explore::detail
