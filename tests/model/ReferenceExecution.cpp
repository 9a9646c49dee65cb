#include "ReferenceExecution.h"

#include "LoopIndex.h"
#include "ir/Analysis.h"

#include <functional>
#include <vector>

namespace tessera::model::test {

namespace {

struct Walker {
    const ir::AcceleratorIR &ir;
    const ir::NestAnalysis nest;
    const std::vector<ir::Loop> &loops;

    explicit Walker(const ir::AcceleratorIR &i)
        : ir(i), nest(ir::analyze(i)), loops(i.mapping.loops) {}

    bool valid(const Index &idx, const ir::Tensor *t) const { return valid_index(ir, idx, t); }
    bool temporal_at(const Index &idx, int from, bool last) const {
        for (int l : nest.temporal)
            if (l >= from && idx[l] != (last ? loops[l].extent - 1 : 0)) return false;
        return true;
    }
    // Calls f for every combination of the spatial loops in `which` (others stay as in idx).
    void lanes(Index idx, const std::vector<int> &which, const std::function<void(const Index &)> &f,
               size_t i = 0) const {
        if (i == which.size()) return f(idx);
        for (int64_t v = 0; v < loops[which[i]].extent; ++v) {
            idx[which[i]] = v;
            lanes(idx, which, f, i + 1);
        }
    }
    std::vector<int> spatial(const ir::TensorAccess *a, bool dependent) const {
        std::vector<int> out;
        for (int l : {nest.row_loop, nest.col_loop})
            if (l >= 0 && (!a || a->depends[l] == dependent)) out.push_back(l);
        return out;
    }
    // Does the DRAM-fed tile of `a` change at this iteration (`prev`: the one before, null at the
    // first)? At its first inner iteration, when a loop above it that moves it has moved.
    bool new_tile(const ir::TensorAccess &a, const Index *prev, const Index &idx) const {
        if (!temporal_at(idx, a.buffer_at, false)) return false;
        if (!prev) return true;
        for (int l : nest.temporal)
            if (l < a.buffer_at && a.depends[l] && (*prev)[l] != idx[l]) return true;
        return false;
    }
    // In-shape box positions of the tile that starts at this iteration.
    int64_t box_in_shape(const ir::TensorAccess &a, const Index &idx) const {
        return tile_in_shape(a, a.buffer_at, a.box, idx);
    }
};

}  // namespace

Events execute(const ir::AcceleratorIR &ir) {
    Walker w(ir);
    Events ev;
    const auto &loops = ir.mapping.loops;
    const int64_t pes = w.nest.rows * w.nest.cols;
    const ir::TensorAccess &out = w.nest.access(ir::TensorRole::Output);
    Index idx(loops.size(), 0), prev = idx;
    for (bool first_iteration = true;; first_iteration = false) {
        const Index *before = first_iteration ? nullptr : &prev;
        bool fills = false;
        for (const auto &a : w.nest.tensors) fills |= w.new_tile(a, before, idx);
        if (fills) ++ev.fill_points;
        for (ir::TensorRole role : {ir::TensorRole::Input, ir::TensorRole::Weight}) {
            const ir::TensorAccess &a = w.nest.access(role);
            OperandEvents &e = role == ir::TensorRole::Input ? ev.I : ev.W;
            if (w.new_tile(a, before, idx)) {
                e.dram_reads += w.box_in_shape(a, idx);
                e.glb_writes += a.buffer->words();
            }
            if (w.temporal_at(idx, a.stationary_from, false)) {
                int64_t fanout = pes / a.groups;
                w.lanes(idx, w.spatial(&a, true), [&](const Index &lane) {
                    if (!w.valid(lane, a.tensor)) return;
                    ++e.glb_reads;
                    e.rf_writes += fanout;
                    e.hops += fanout - 1;
                });
            }
        }
        const int64_t out_fanout = pes / out.groups;
        if (w.temporal_at(idx, out.stationary_from, false)) {
            bool first = true;
            for (int l : w.nest.temporal)
                if (l >= out.buffer_at && l < out.stationary_from && !out.depends[l])
                    first &= idx[l] == 0;
            w.lanes(idx, w.spatial(&out, true), [&](const Index &lane) {
                if (w.valid(lane, out.tensor) && !first) ++ev.O.psum_reads;
            });
        }
        w.lanes(idx, w.spatial(nullptr, true), [&](const Index &pe) {
            if (!w.valid(pe, nullptr)) return;
            ++ev.macs;
            ++ev.I.rf_reads;
            ++ev.W.rf_reads;
            ++ev.O.rf_reads;
            ++ev.O.rf_writes;
        });
        if (w.temporal_at(idx, out.stationary_from, true)) {
            w.lanes(idx, w.spatial(&out, true), [&](const Index &lane) {
                if (!w.valid(lane, out.tensor)) return;
                ++ev.O.glb_writes;
                ev.O.reductions += out_fanout - 1;
            });
        }
        if (w.temporal_at(idx, out.buffer_at, true)) {
            int64_t drained = w.box_in_shape(out, idx);
            ev.O.drain_reads += drained;
            ev.O.dram_writes += drained;
        }
        // Next temporal iteration, innermost fastest.
        prev = idx;
        int i = int(w.nest.temporal.size()) - 1;
        for (; i >= 0; --i) {
            int l = w.nest.temporal[i];
            if (++idx[l] < loops[l].extent) break;
            idx[l] = 0;
        }
        if (i < 0) break;
    }
    return ev;
}

}  // namespace tessera::model::test
