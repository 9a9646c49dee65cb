#include "ReferenceStages.h"

#include "LoopIndex.h"
#include "ir/Analysis.h"
#include "ir/Architecture.h"

#include <functional>

namespace tessera::model::test {

namespace {

struct Walk {
    const ir::AcceleratorIR &ir;
    const ir::NestAnalysis nest;
    const std::vector<ir::Loop> &loops;
    int64_t pes;

    Walk(const ir::AcceleratorIR &i, const ir::Architecture &arch)
        : ir(i), nest(ir::analyze(i, &arch)), loops(i.mapping.loops), pes(nest.rows * nest.cols) {}

    bool valid(const Index &idx, const ir::Tensor *t) const { return valid_index(ir, idx, t); }
    // Every temporal loop from `from` is at its first (last) index.
    bool temporal_at(const Index &idx, int from, bool last) const {
        for (int l : nest.temporal)
            if (l >= from && idx[size_t(l)] != (last ? loops[size_t(l)].extent - 1 : 0)) return false;
        return true;
    }
    // Every temporal loop in [from, to) on a dim the tensor ignores is at 0: the first visit.
    bool first_visit(const ir::TensorAccess &a, const Index &idx, int from, int to) const {
        for (int l : nest.temporal)
            if (l >= from && l < to && !a.depends[size_t(l)] && idx[size_t(l)] != 0) return false;
        return true;
    }
    // f(lane) for every valid lane group of `a` (the spatial loops it depends on).
    void lane_groups(const ir::TensorAccess &a, Index idx, const std::function<void(const Index &)> &f,
                     size_t i = 0) const {
        std::vector<int> which;
        for (size_t l = 0; l < loops.size(); ++l)
            if (loops[l].kind != ir::LoopKind::Temporal && a.depends[l]) which.push_back(int(l));
        std::function<void(size_t)> rec = [&](size_t k) {
            if (k == which.size()) {
                if (valid(idx, a.tensor)) f(idx);
                return;
            }
            for (int64_t v = 0; v < loops[size_t(which[k])].extent; ++v) {
                idx[size_t(which[k])] = v;
                rec(k + 1);
            }
        };
        rec(i);
    }
    int64_t in_shape(const ir::TensorAccess &a, const ir::Stage &s, const Index &idx) const {
        return tile_in_shape(a, s.at, s.box, idx);
    }
    // Does stage c (parent p) take a new tile at iteration `idx` (`prev`: the iteration before,
    // null at the first)? A tile (not a register, whose position already says it) at its first
    // inner iteration, and only when its parent takes a new tile or a loop between the two that
    // moves it has moved since `prev`.
    bool new_tile(const ir::TensorAccess &a, const ir::Stage &c, const ir::Stage &p, const Index *prev,
                  const Index &idx) const {
        if (!temporal_at(idx, c.at, false)) return false;
        if (c.kind == ir::StageKind::Register || !prev || temporal_at(idx, p.at, false)) return true;
        for (int l : nest.temporal)
            if (l >= p.at && l < c.at && a.depends[size_t(l)] && (*prev)[size_t(l)] != idx[size_t(l)])
                return true;
        return false;
    }
};

void operand_events(const Walk &w, const ir::TensorAccess &a, const Index *prev, const Index &idx,
                    TensorStageEvents &ev) {
    const int64_t fanout = w.pes / a.groups;
    for (size_t j = 1; j < a.stages.size(); ++j) {
        const ir::Stage &c = a.stages[j], &p = a.stages[j - 1];
        if (!w.new_tile(a, c, p, prev, idx)) continue;
        StageEvents &child = ev.stages[j], &parent = ev.stages[j - 1];
        const int64_t box = c.words();
        if (!c.per_pe()) {
            parent.reads += j == 1 ? w.in_shape(a, c, idx) : box;
            child.fills += box;
            continue;
        }
        w.lane_groups(a, idx, [&](const Index &lane) {
            // Straight from DRAM: the lane group's tile, in-shape positions only.
            parent.reads += j == 1 ? w.in_shape(a, c, lane) : p.per_pe() ? box * fanout : box;
            child.fills += box * fanout;
            if (!p.per_pe()) ev.hops += box * (fanout - 1);
        });
    }
}

// Starts (before the MACs) or ends (after them) the output's tiles at iteration `idx`: a tile
// ends where the next iteration (`next`, null after the last) starts a new one.
void output_events(const Walk &w, const ir::TensorAccess &a, const Index *prev, const Index &idx,
                   const Index *next, bool end, TensorStageEvents &ev) {
    const int64_t fanout = w.pes / a.groups;
    const size_t last = a.stages.size() - 1;
    // A block is a first visit when every reduction loop from where the outermost output tile
    // holds its sums (a DRAM-drained file's refill position) to the block is at 0.
    const int outermost_tile = a.stages[1].per_pe() ? a.stages[1].refill_from : a.stages[1].at;
    for (size_t j = 1; j < a.stages.size(); ++j) {
        const ir::Stage &c = a.stages[j], &p = a.stages[j - 1];
        if (end ? next && !w.new_tile(a, c, p, &idx, *next) : !w.new_tile(a, c, p, prev, idx)) continue;
        StageEvents &child = ev.stages[j], &parent = ev.stages[j - 1];
        const int64_t box = c.words();
        if (j == 1) {  // the finished outputs go to DRAM
            if (!end) continue;
            if (!c.per_pe()) {
                const int64_t n = w.in_shape(a, c, idx);
                parent.updates += n;
                child.drains += n;
                continue;
            }
            // Per-PE files straight to DRAM: each valid lane group's in-shape words, every PE of
            // the group sending its copy, reduced on the way.
            Index start = idx;
            for (int l : w.nest.temporal)
                if (l >= c.at) start[size_t(l)] = 0;
            w.lane_groups(a, start, [&](const Index &lane) {
                const int64_t n = w.in_shape(a, c, lane);
                parent.updates += n;
                child.drains += n * fanout;
                ev.reductions += n * (fanout - 1);
            });
            continue;
        }
        const bool first = w.first_visit(a, idx, outermost_tile, c.at);
        if (!end && first) continue;
        auto move = [&](int64_t copies) {
            if (end) {
                parent.updates += box * copies;
                if (j != last) child.drains += box * (c.per_pe() ? fanout : 1);
            } else {
                parent.reads += box * copies;
                // A resumed per-PE block's partial sum returns to one PE of its lane group.
                if (j != last) child.fills += box * (c.per_pe() && p.per_pe() ? fanout : 1);
            }
        };
        if (!c.per_pe()) {
            move(1);
            continue;
        }
        // A lane group's block is valid when its start is: judge it with the block's loops at 0.
        Index start = idx;
        for (int l : w.nest.temporal)
            if (l >= c.at) start[size_t(l)] = 0;
        w.lane_groups(a, start, [&](const Index &) {
            move(p.per_pe() ? fanout : 1);
            if (end && !p.per_pe()) ev.reductions += box * (fanout - 1);
        });
    }
}

}  // namespace

StageRun execute_stages(const ir::AcceleratorIR &ir, const ir::Architecture &arch) {
    Walk w(ir, arch);
    StageRun run;
    TensorStageEvents *events[3] = {&run.I, &run.W, &run.O};
    for (int t = 0; t < 3; ++t) events[t]->stages.resize(w.nest.tensors[size_t(t)].stages.size());
    const ir::TensorAccess &out = w.nest.access(ir::TensorRole::Output);
    Index idx(w.loops.size(), 0), prev = idx;
    bool first = true;
    std::vector<int> spatial;
    for (size_t l = 0; l < w.loops.size(); ++l)
        if (w.loops[l].kind != ir::LoopKind::Temporal) spatial.push_back(int(l));
    for (;;) {
        const Index *before = first ? nullptr : &prev;
        operand_events(w, w.nest.tensors[0], before, idx, run.I);
        operand_events(w, w.nest.tensors[1], before, idx, run.W);
        output_events(w, out, before, idx, nullptr, false, run.O);
        std::function<void(size_t, Index &)> pes = [&](size_t k, Index &lane) {
            if (k == spatial.size()) {
                if (!w.valid(lane, nullptr)) return;
                ++run.macs;
                for (TensorStageEvents *e : events) ++e->stages.back().reads;
                ++run.O.stages.back().updates;
                return;
            }
            for (int64_t v = 0; v < w.loops[size_t(spatial[k])].extent; ++v) {
                lane[size_t(spatial[k])] = v;
                pes(k + 1, lane);
            }
        };
        Index lane = idx;
        pes(0, lane);
        Index next = idx;
        int i = int(w.nest.temporal.size()) - 1;
        for (; i >= 0; --i) {
            const int l = w.nest.temporal[size_t(i)];
            if (++next[size_t(l)] < w.loops[size_t(l)].extent) break;
            next[size_t(l)] = 0;
        }
        output_events(w, out, &prev, idx, i < 0 ? nullptr : &next, true, run.O);
        if (i < 0) break;
        prev = idx;
        idx = next;
        first = false;
    }
    return run;
}

}  // namespace tessera::model::test
