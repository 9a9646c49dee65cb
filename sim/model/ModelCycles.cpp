// The model's cycle count (docs/hardware.md, "Cycles"): the DRAM transfers of the DRAM-fed
// buffers run by run (the double-buffered overlap: PrefetchStall.cpp), the on-chip transfers of
// deeper tiles, compute, and the buffer-bandwidth bound.
#include "Model.h"

#include "ModelMath.h"
#include "ir/Timing.h"
#include "ir/Validate.h"

#include <algorithm>

namespace tessera::model {

void Model::count_cycles(const int64_t *loop_extent) {
    const ir::Timing &timing = ir::kTiming;
    const ir::MemoryLevel &dram = arch_.levels[0];
    const double dram_bw = dram.bandwidth();
    const int64_t latency = arch_.dram_latency_cycles;
    Cycles &cy = est_.cycles;
    // Runs are the iterations of the temporal loops above run_from. A per-PE tile DRAM fills may
    // refill inside the array's loops (the only tile that can), whose lanes run at once: they
    // count as extent 1 for the runs (the rare case copies the extents).
    const int64_t *extent = loop_extent;
    std::vector<int64_t> temporal_extent;
    for (int l = 0; l < run_from_; ++l)
        if (kinds_[size_t(l)] != ir::LoopKind::Temporal) {
            temporal_extent.assign(loop_extent, loop_extent + kinds_.size());
            for (size_t j = 0; j < kinds_.size(); ++j)
                if (kinds_[j] != ir::LoopKind::Temporal) temporal_extent[j] = 1;
            extent = temporal_extent.data();
            break;
        }
    int64_t runs = 1;
    for (int l = 0; l < run_from_; ++l) runs *= extent[l];
    cy.runs = runs;
    // A pipelined (systolic, hybrid) array flushes its skew on top of the broadcast pipeline at
    // the end of every run (docs/hardware.md, "Interconnect"); consecutive blocks inside a run
    // overlap, so nothing else is added.
    cy.array_skew = arch_.array_skew();
    if (cy.array_skew) pipeline_error_ = pipeline_error(loop_extent);
    const int64_t flush = timing.compute_overhead + cy.array_skew;
    cy.compute = est_.temporal_iterations + runs * flush;
    cy.start = timing.start_overhead;
    // The DMA moves one element per request, a 32-bit bias or int32 output (y_int32) included
    // (its energy still counts every DRAM word it spans).
    if (bias_words_)
        cy.bias = ceil_cycles(double(bias_words_), dram_bw) + latency + timing.fill_overhead;
    OverlappedJob jobs[3];
    int overlapped = 0;
    for (const TensorPlan &t : plans_) {
        const TensorEstimate &te = est_.tensors[int(t.operand)];
        int64_t overhead = t.operand == Operand::O ? timing.drain_overhead : timing.fill_overhead;
        // Per-PE accumulator files drained straight to DRAM answer a pipelined array's drain reads
        // its skew late (EmitSystolicArray.cpp): every such drain job waits that much longer.
        if (t.operand == Operand::O && t.dram_fed) overhead += cy.array_skew;
        int64_t per_tile = ceil_cycles(double(te.box_words), dram_bw) + latency + overhead;
        if (t.double_buffered) {
            // The first fill (the last drain) has no run to hide behind.
            cy.exposed_transfers += per_tile;
            cy.overlapped_transfers += (te.tiles - 1) * per_tile;
            if (te.tiles > 1) jobs[overlapped++] = {runs / te.tiles, per_tile, t.operand == Operand::O};
        } else {
            cy.serial_transfers += te.tiles * per_tile;
        }
    }
    cy.onchip_transfers = onchip_transfer_cycles(loop_extent);
    const int64_t run_cycles = est_.temporal_iterations / runs + flush;
    if (overlapped == 0 || cy.onchip_transfers == 0) {
        cy.prefetch_stall = prefetch_stall(jobs, overlapped, extent, run_from_, runs, run_cycles, nullptr);
    } else {
        // The DMA's overlapped jobs also run while the array stalls for on-chip transfers inside
        // the run (per-PE fills, copies between shared levels, drains): each run gives them its
        // compute and those stalls.
        const RunStalls stalls = run_stalls(extent);
        cy.prefetch_stall = prefetch_stall(jobs, overlapped, extent, run_from_, runs, run_cycles, &stalls);
    }
    // Busiest shared on-chip level (per-PE levels are ports of their own and never bind).
    std::fill(level_words_.begin(), level_words_.end(), 0.0);
    for (const TensorPlan &t : plans_) {
        const TensorEstimate &te = est_.tensors[int(t.operand)];
        for (size_t j = 1; j < t.stages.size(); ++j) {
            if (t.stages[j].per_pe()) continue;
            const LevelAccess &a = te.at[j];
            level_words_[size_t(a.level)] +=
                double(a.total_reads() + a.total_writes()) * t.stages[j].words_per_element;
        }
    }
    for (size_t l = 1; l < arch_.levels.size() && !arch_.is_per_pe(l); ++l) {
        double bound = level_words_[l] / arch_.levels[l].bandwidth();
        if (bound > cy.buffer_bound) {
            cy.buffer_bound = bound;
            cy.buffer_bound_level = int(l);
        }
    }
    const int64_t dram_stalls = cy.start + cy.bias + cy.serial_transfers + cy.exposed_transfers;
    const int64_t stalled = dram_stalls + cy.onchip_transfers;
    cy.pipeline = stalled + cy.compute + cy.prefetch_stall;
    int64_t steady = cy.compute + cy.prefetch_stall;
    cy.bound = cy.overlapped_transfers > cy.compute ? Bound::DRAM : Bound::Compute;
    int64_t buffer_cycles = ceil_cycles(cy.buffer_bound, 1.0);
    if (buffer_cycles > steady) {
        steady = buffer_cycles;
        cy.bound = Bound::Buffer;
    }
    cy.total = stalled + steady;
    // Stalls outlasting the steady part bind instead: a single-buffered fill or drain the array
    // waits for is the layer's limit as much as a bandwidth is.
    if (std::max(dram_stalls, cy.onchip_transfers) > steady)
        cy.bound = dram_stalls >= cy.onchip_transfers ? Bound::DramStalls : Bound::OnchipStalls;
}


std::string Model::pipeline_error(const int64_t *extent) const {
    const int64_t skew = arch_.array_skew();
    if (skew == 0) return {};
    for (const TensorPlan &t : plans_) {
        if (t.operand == Operand::O) continue;
        bool on_rows = false, on_cols = false;
        for (int l : t.spatial_deps) {
            on_rows |= kinds_[size_t(l)] == ir::LoopKind::SpatialRow;
            on_cols |= kinds_[size_t(l)] == ir::LoopKind::SpatialCol;
        }
        if (!on_rows || !on_cols) continue;
        // Per-PE files feed each PE through a delay line of its skew, any word any cycle.
        if (t.stages.back().kind == ir::StageKind::PerPe) continue;
        // A per-PE operand reloads once per stationary block: the temporal loops from its PE
        // stage inward.
        int64_t block = 1;
        for (size_t l = size_t(t.stages.back().at); l < kinds_.size(); ++l)
            if (kinds_[l] == ir::LoopKind::Temporal) block *= extent[l];
        if (block < skew)
            return ir::preload_error(arch_, t.name, block);
    }
    return {};
}

bool Model::loads_in_pipeline(const TensorPlan &t, size_t j) const {
    const StagePlan &c = t.stages[j];
    return ir::loads_in_pipeline(c.kind, est_.tensors[int(t.operand)].at[j].box_words, t.stages[j - 1].per_pe(),
                                 j + 1 == t.stages.size());
}

Model::OnchipJob Model::onchip_job(const TensorPlan &t, size_t j) const {
    // A shared tile moves at its parent level's bandwidth, a per-PE tile one word per cycle into
    // every lane group at once. An output block's drain first waits: on a per-PE accumulator
    // file, for a pipelined array's skew (its drained sums leave the array that late); on a
    // shared inner block, for the compute pipeline's (and the skew's) last writes into it.
    const ir::Timing &timing = ir::kTiming;
    const StagePlan &c = t.stages[j], &p = t.stages[j - 1];
    const TensorEstimate &te = est_.tensors[int(t.operand)];
    const bool output = t.operand == Operand::O;
    const double words = double(te.at[j].box_words) * c.words_per_element;
    const int64_t move = c.per_pe() ? te.at[j].box_words : ceil_cycles(words, arch_.levels[size_t(p.level)].bandwidth());
    OnchipJob job;
    job.move = move;
    job.cycles = move + (output ? timing.drain_overhead : timing.fill_overhead);
    job.drain_wait = !output ? 0 : c.per_pe() ? arch_.array_skew() : timing.compute_overhead + arch_.array_skew();
    return job;
}

bool Model::prefetched(const TensorPlan &t, size_t j) const {
    if (j < 2) return false;
    const StagePlan &c = t.stages[j];
    return ir::prefetched(c.double_buffered, c.kind, t.stages[j - 1].kind, loads_in_pipeline(t, j));
}

int Model::prefetch_loop(const TensorPlan &t, size_t j, const int64_t *extent) const {
    if (!prefetched(t, j)) return -1;
    return ir::prefetch_loop([&](int l) { return kinds_[size_t(l)] == ir::LoopKind::Temporal; },
                             [&](int l) { return extent[l]; }, run_from_, t.stages[j - 1].refill_from,
                             t.stages[j].refill_from);
}

int64_t Model::prefetched_visit_stalls(const TensorPlan &t, size_t j, const int64_t *extent, int64_t visits,
                                       const OnchipJob &job) const {
    // `visits` consecutive visits (of one run, or of the whole nest): the ones that move the
    // prefetch loop waited only for what their fill outlasts the tile before them (ir::prefetch_wait);
    // the others (the loop is back at 0) fill while the array waits, as a single copy does.
    const int l = prefetch_loop(t, j, extent);
    if (l < 0) return visits * job.cycles;
    const int64_t waited = visits / extent[l];
    const int64_t tiles = product_before(t.stages[j].outer, extent, t.stages[j].refill_from);
    const int64_t busy = est_.temporal_iterations / tiles;  // compute iterations of one visit
    return waited * job.cycles + (visits - waited) * ir::prefetch_wait(job.move, busy);
}

RunStalls Model::run_stalls(const int64_t *extent) const {
    RunStalls out;
    out.resumes.assign(size_t(run_from_), 0);
    for (const TensorPlan &t : plans_) {
        const bool output = t.operand == Operand::O;
        // A visit resumes partial sums unless every reduction loop from the outermost output tile
        // to it is at 0 (first_visit_tiles).
        if (output)
            for (int l = 0; l < run_from_; ++l) out.resumes[size_t(l)] = resumes(t, l);
        for (size_t j = 2; j < t.stages.size(); ++j) {
            const StagePlan &c = t.stages[j];
            if (loads_in_pipeline(t, j) || (c.double_buffered && !prefetched(t, j))) continue;
            const OnchipJob transfer = onchip_job(t, j);
            const int64_t job = transfer.cycles;
            if (c.refill_from >= run_from_) {
                int64_t visits = 1, firsts = 1;
                for (int l : c.outer)
                    if (l >= run_from_ && l < c.refill_from) visits *= extent[l], firsts *= resumes(t, l) ? 1 : extent[l];
                if (!output) {
                    out.each_run += prefetched_visit_stalls(t, j, extent, visits, transfer);
                } else {
                    out.each_run += visits * (job + transfer.drain_wait) + (visits - firsts) * job;
                    out.resumed += firsts * job;
                }
            } else {
                out.spanning.push_back({c.refill_from, job, output ? job + transfer.drain_wait : 0, output});
            }
        }
    }
    return out;
}

int64_t Model::onchip_transfer_cycles(const int64_t *extent) const {
    // Transfers below the DRAM-fed buffer other than the register operand loads (which ride the
    // compute pipeline: ir::loads_in_pipeline), each onchip_job's cycles. They stall the array, except that a tile on a
    // double-buffered level fills during the compute of the tile before it (docs/hardware.md).
    int64_t stall = 0;
    for (const TensorPlan &t : plans_) {
        const bool output = t.operand == Operand::O;
        for (size_t j = 2; j < t.stages.size(); ++j) {
            const StagePlan &c = t.stages[j];
            if (loads_in_pipeline(t, j)) continue;
            const int64_t tiles = product_before(c.outer, extent, c.refill_from);  // visits in time (lane groups in parallel)
            const OnchipJob transfer = onchip_job(t, j);
            const int64_t job = transfer.cycles;
            int64_t jobs = tiles;
            if (output) jobs += tiles - first_visit_tiles(t, c, extent);  // + resumed reloads
            if (prefetched(t, j)) {
                stall += prefetched_visit_stalls(t, j, extent, tiles, transfer);
            } else if (c.double_buffered && tiles > 0) {
                // (An operand's tile under a per-PE file on a double-buffered level: an estimate
                // the generated RTL does not build, docs/hardware.md.)
                const int64_t busy = est_.temporal_iterations / tiles;
                stall += job + (jobs - 1) * std::max<int64_t>(0, job - busy);
            } else {
                stall += jobs * job;
            }
            stall += tiles * transfer.drain_wait;  // each drain of an output block
        }
    }
    return stall;
}

}  // namespace tessera::model
