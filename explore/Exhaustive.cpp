#include "Exhaustive.h"

#include "ir/Analysis.h"
#include "ir/Validate.h"

#include <algorithm>

namespace tessera::explore::detail {

namespace {

// Every factor assignment, every order of the loops that are not trivial (extent-1 loops keep a
// canonical place: their order changes nothing), every tile position that is not equivalent to
// another (a position just inside a trivial loop equals the one outside it).
struct Exhaustive {
    const SpaceInfo &info;
    const Constraints &c;
    Evaluator &ev;
    int64_t limit;
    bool aborted = false;
    const std::atomic<bool> *others_aborted = nullptr;  // another spatial choice hit its limit
    const std::vector<std::vector<int64_t>> &values;
    bool count_only = false;  // count the points (in `counted`) without evaluating them
    int64_t counted = 0;

    // Capacity-monotone bound (docs/explore.md, "Algorithms"): with one shared level, each
    // tensor's tile there holds at least the box of every band inside the DRAM loops (the tile at
    // its innermost position: ir::box_of_spans of the bands' spans), and a box only grows with a
    // factor or with an outer position. When those boxes alone do not fit the level (ir::fit_error,
    // the model's rule), no loop order or tile position of the factors fits: they are skipped
    // before the model sees them. With a per-PE level an operand may keep no shared tile at all
    // (Structure::from_dram, its per-PE tile as small as one word): only the output's counts then,
    // and when it overflows, only points whose output files drain straight to DRAM remain.
    bool bound = true;  // SearchOptions::capacity_bound
    int shared_level = -1;  // -1: no bound (several shared levels)
    bool output_overflows = false;  // the factors' smallest shared tiles overflow (per-PE level: the output's)

    bool overflows_shared(const Point &p) const {
        if (!bound || shared_level < 0) return false;
        std::vector<int64_t> span(size_t(info.dims()));
        for (int d = 0; d < info.dims(); ++d)
            span[size_t(d)] = p.f.glb[size_t(d)] * p.f.lane[size_t(d)] * p.f.rf[size_t(d)];
        ir::Footprint tiles[3];
        int n = 0;
        for (ir::TensorRole role : {ir::TensorRole::Input, ir::TensorRole::Weight, ir::TensorRole::Output}) {
            if (role != ir::TensorRole::Output && !info.rf_level.empty()) continue;
            const ir::Tensor &t = info.problem.tensor(role);
            int64_t words = 1;
            for (int64_t e : ir::box_of_spans(info.problem, t, span)) words *= e;
            // One copy: the search may keep any tile single (Structure::single).
            tiles[n++] = {t.name.c_str(), shared_level, words * ir::onchip_element_bytes(info.problem, t), int(role), false};
        }
        return !ir::fit_error(info.arch, 1, 1, tiles, n).empty();
    }

    // Dominance (docs/explore.md, "Algorithms"): a tensor's tile just inside a nontrivial loop
    // whose dim its index does not use holds the same box as the tile just outside that loop, and
    // is filled (and its words moved) once per iteration of it instead of once: never less energy
    // or fewer cycles. Such positions are skipped. Off under --rtl-only and a user `accept`, whose
    // verdicts depend on the structure: the dominating point might be refused.
    bool dominance = true;  // SearchOptions::dominance_pruning
    std::vector<bool> uses[3];  // uses[t][d]: tensor t (I, W, O) has dim d in its index

    void index_uses() {
        int t = 0;
        for (ir::TensorRole role : {ir::TensorRole::Input, ir::TensorRole::Weight, ir::TensorRole::Output}) {
            const ir::Tensor &tensor = info.problem.tensor(role);
            uses[t].assign(size_t(info.dims()), false);
            for (int d = 0; d < info.dims(); ++d) uses[t][size_t(d)] = tensor.uses(info.problem.dims[size_t(d)].name);
            ++t;
        }
    }

    // Tensor t's tile at position q of a band (inside its first q loops): dominated?
    bool dominated(int t, int q, const std::vector<int> &order, const std::vector<int64_t> &extent) const {
        if (!dominance || q <= 0) return false;
        const int d = order[size_t(q - 1)];
        return extent[size_t(d)] > 1 && !uses[t][size_t(d)];
    }

    bool fits_axis(const Point &p, const std::vector<int> &axis, int64_t size) {
        int64_t prod = 1;
        for (int d : axis) prod *= p.f.lane[size_t(d)];
        return prod <= size;
    }

    void run(const SpatialChoice &sc) {
        if (info.shared_levels.size() == 1) shared_level = searched_level(info.arch, false);
        if (c.rtl_only || c.accept) dominance = false;
        index_uses();
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
            if (!fits_axis(p, p.s.row_dims, info.arch.rows) || !fits_axis(p, p.s.col_dims, info.arch.cols)) return;
            output_overflows = overflows_shared(p);
            if (!output_overflows || !info.rf_level.empty()) orders(p);
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
        // Each tensor's shared tile at any shared level (the others bypassed); an operand's tile
        // below the outermost shared level may have a second one, on the level outside it, at a
        // DRAM-band position outside the first (-1: none).
        const int levels = int(info.shared_levels.size());
        const int64_t level_choices = int64_t(levels) * levels * levels;
        std::vector<int> rf_of[3], glb_of[2];  // the positions no other one dominates, per tensor
        for (int t = 0; t < 3; ++t)
            for (int q : rf_pos)
                if (!dominated(t, q, p.s.rf_order, p.f.rf)) rf_of[t].push_back(q);
        for (int t = 0; t < 2; ++t)
            for (int q : glb_pos)
                if (!dominated(t, q, p.s.dram_order, dram)) glb_of[t].push_back(q);
        const int buffering = info.buffering_choice ? 8 : 1;  // Structure::single of I, W, O
        const int registers = info.reg_level.empty() ? 1 : 8;  // Structure::reg of I, W, O
        const int feeds = info.rf_level.empty() || c.no_bypass ? 1 : 8;  // Structure::from_dram of I, W, O
        // The output's inner block (several shared levels, the output not on the innermost): none,
        // or inside the first q nontrivial GLB-band loops (q = 0 only with a nontrivial DRAM
        // reduction loop outside it, else it is the outer tile), unless the position just outside
        // the loop it is inside also exists and that loop is a reduction (dominated: the same block
        // drained and reloaded once per iteration of it).
        std::vector<int> inner_pos{-1};
        if (levels > 1) {
            bool reduction_outside = false;
            for (int i = info.output_dims(); i < nd; ++i) reduction_outside |= dram[size_t(p.s.dram_order[size_t(i)])] > 1;
            for (int q = 0; q <= nd; ++q) {
                if (q > 0 && p.f.glb[size_t(p.s.glb_order[size_t(q - 1)])] == 1) break;  // trivial: innermost
                if (q == 0 && !reduction_outside) continue;
                if (dominated(2, q, p.s.glb_order, p.f.glb) && (q > 1 || reduction_outside)) continue;
                inner_pos.push_back(q);
            }
        }
        if (count_only) {  // an upper bound: every outer position for both operands
            const int64_t outer = (levels > 1 ? int64_t(glb_pos.size() + 1) * int64_t(glb_pos.size() + 1) : 1) *
                                  buffering * (output_overflows ? feeds / 2 : feeds) * int64_t(inner_pos.size());
            // A tensor's per-PE positions, each once more with a register tile where one fits under it.
            int64_t per_pe = 1;
            for (int t = 0; t < 3; ++t) {
                int64_t n = 0;
                for (int q : rf_of[t]) {
                    Point at = p;
                    at.s.rf_at[t] = q;
                    n += 1 + (registers > 1 && q >= 0 && register_position(info, at, t) > q ? 1 : 0);
                }
                per_pe *= n;
            }
            // With an outer tile, a dominated inner position may be the only one outside it.
            const int64_t gi = int64_t((levels > 1 ? glb_pos : glb_of[0]).size());
            const int64_t gw = int64_t((levels > 1 ? glb_pos : glb_of[1]).size());
            counted += gi * gw * per_pe * level_choices * outer;
            if (counted > limit) aborted = true;
            return;
        }
        auto outer_positions = [&](int t, int level, int at) {
            std::vector<int> v{-1};
            if (level > 0)
                for (int q : glb_of[t])
                    if (q < at) v.push_back(q);
            return v;
        };
        // The inner tile's position, unless a dominating one exists: the one just outside its
        // loop (the previous position) must still be inside the outer tile's.
        auto inner_kept = [&](int t, int q, int outer) {
            if (!dominated(t, q, p.s.dram_order, dram)) return true;
            const int prev = *(std::find(glb_pos.begin(), glb_pos.end(), q) - 1);
            return outer >= 0 && prev <= outer;
        };
        for (int64_t lc = 0; lc < level_choices; ++lc)
            for (int gi : glb_pos)
                for (int gw : glb_pos) {
                    const int li = int(lc % levels), lw = int(lc / levels % levels), lo = int(lc / levels / levels);
                    for (int oi : outer_positions(0, li, gi))
                        for (int ow : outer_positions(1, lw, gw)) {
                            if (!inner_kept(0, gi, oi) || !inner_kept(1, gw, ow)) continue;
                            for (int ri : rf_of[0])
                                for (int rw : rf_of[1])
                                    for (int ro : rf_of[2])
                                    for (int inner : inner_pos)
                                    for (int single = 0; single < buffering; ++single)
                                    for (int regs = 0; regs < registers; ++regs)
                                    for (int fed = 0; fed < feeds; ++fed) {
                                        // (one accumulator tile below the output's level, and
                                        // an inner block only on a level inside it)
                                        if (inner >= 0 && (ro >= 0 || lo + 1 >= levels)) continue;
                                        p.s.output_inner_at = inner;
                                        p.s.level[0] = li, p.s.level[1] = lw, p.s.level[2] = lo;
                                        p.s.outer_at[0] = oi, p.s.outer_at[1] = ow;
                                        p.s.glb_at[0] = gi, p.s.glb_at[1] = gw;
                                        p.s.rf_at[0] = ri, p.s.rf_at[1] = rw, p.s.rf_at[2] = ro;
                                        bool canonical = true;
                                        for (int t = 0; t < 3; ++t) {
                                            p.s.single[t] = single >> t & 1;
                                            canonical &= !p.s.single[t] || buffering_matters(info, p, t);
                                        }
                                        for (int t = 0; t < 3; ++t) {
                                            p.s.reg[t] = regs >> t & 1;
                                            canonical &= !p.s.reg[t] || (p.s.rf_at[t] >= 0 &&
                                                                         register_position(info, p, t) > p.s.rf_at[t]);
                                        }
                                        for (int t = 0; t < 2; ++t) {
                                            // DRAM straight into the per-PE tile: the shared tile's
                                            // fields at their first values (canonicalize's)
                                            p.s.from_dram[t] = fed >> t & 1;
                                            canonical &= !p.s.from_dram[t] ||
                                                         (p.s.rf_at[t] >= 0 && p.s.glb_at[t] == glb_pos.front() &&
                                                          p.s.level[t] == 0 && p.s.outer_at[t] < 0 && !p.s.single[t]);
                                        }
                                        // The output's files straight to DRAM (likewise), the only
                                        // way when its smallest shared tile overflows.
                                        p.s.from_dram[2] = fed >> 2 & 1;
                                        canonical &= p.s.from_dram[2] ? p.s.rf_at[2] >= 0 && p.s.level[2] == 0 &&
                                                                            !p.s.single[2] && p.s.output_inner_at < 0
                                                                      : !output_overflows;
                                        if (!canonical) continue;  // the same point as with the bit clear
                                        Candidate cand;
                                        ev.eval(p, cand);
                                        if (ev.evaluated > limit || (others_aborted && *others_aborted)) {
                                            aborted = true;
                                            return;
                                        }
                                    }
                        }
                }
    }
};

}  // namespace

bool enumerate_choice(const SpaceInfo &info, const Constraints &c, Evaluator &ev,
                      const std::vector<std::vector<int64_t>> &values, const SpatialChoice &choice,
                      const ExhaustiveLimits &limits, int64_t &counted) {
    Exhaustive ex{info, c, ev, limits.limit, false, limits.others_aborted, values};
    ex.count_only = limits.count_only;
    ex.bound = limits.capacity_bound;
    ex.dominance = limits.dominance;
    ex.counted = counted;
    ex.run(choice);
    counted = ex.counted;
    return !ex.aborted;
}

}  // namespace tessera::explore::detail
