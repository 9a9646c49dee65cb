#include "Model.h"

#include "LevelEnergy.h"
#include "TileCoverage.h"
#include "ir/Analysis.h"
#include "ir/Timing.h"
#include "ir/Validate.h"

#include <algorithm>
#include <stdexcept>

namespace tessera::model {

const char *operand_name(Operand o) {
    switch (o) {
    case Operand::I: return "I";
    case Operand::W: return "W";
    case Operand::O: return "O";
    case Operand::B: return "B";
    }
    return "?";
}

const char *bound_name(Bound b) {
    switch (b) {
    case Bound::Compute: return "compute";
    case Bound::Buffer: return "buffer bandwidth";
    case Bound::DRAM: return "DRAM bandwidth";
    }
    return "?";
}

const char *delivery_name(DeliveryKind k) {
    switch (k) {
    case DeliveryKind::None: return "none";
    case DeliveryKind::Unicast: return "unicast";
    case DeliveryKind::Multicast: return "multicast";
    case DeliveryKind::Broadcast: return "broadcast";
    case DeliveryKind::Reduction: return "reduction";
    }
    return "?";
}

Blocking Blocking::of(const ir::Mapping &mapping) {
    Blocking b;
    for (const auto &l : mapping.loops) {
        b.extent.push_back(l.extent);
        b.stride.push_back(l.stride);
    }
    return b;
}

namespace {

// Words of a level per element `bits` wide: wider elements (partial sums) cost several words.
double words_per_element(int bits, const ir::MemoryLevel &level) {
    int word = std::max(1, level.word_bits);
    return double((bits + word - 1) / word);
}

int64_t product(const std::vector<int> &loops, const int64_t *extent) {
    int64_t p = 1;
    for (int l : loops) p *= extent[l];
    return p;
}

int64_t ceil_cycles(double words, double per_cycle) {
    double c = words / per_cycle;
    int64_t i = int64_t(c);
    return i + (double(i) < c);
}

}  // namespace

Model::Model(const ir::AcceleratorIR &ir, const ir::Architecture &arch)
    : problem_(ir.problem), arch_(arch), ir_blocking_(Blocking::of(ir.mapping)) {
    if (arch_.levels.size() < 3)
        throw std::runtime_error("architecture " + arch_.name + " has " +
                                 std::to_string(arch_.levels.size()) +
                                 " memory levels; it needs DRAM, an on-chip buffer and registers");
    const ir::NestAnalysis nest = ir::analyze(ir);
    run_from_ = nest.run_from;
    const auto &loops = ir.mapping.loops;
    const int n = int(loops.size());
    row_loop_ = nest.row_loop;
    col_loop_ = nest.col_loop;
    for (const auto &l : loops) {
        kinds_.push_back(l.kind);
        int d = 0;
        while (problem_.dims[d].name != l.dim) ++d;  // analyze() checked the dim exists
        loop_dim_.push_back(d);
    }
    covered_.resize(problem_.dims.size());
    dim_span_.resize(problem_.dims.size());
    odometer_.resize(n);
    level_words_.resize(arch_.levels.size());
    const int dram = 0, rf = int(arch_.levels.size()) - 1;

    size_t max_coords = 0;
    for (int i = 0; i < 3; ++i) {
        const ir::TensorAccess &a = nest.tensors[i];
        TensorPlan &t = plans_[i];
        t.operand = Operand(i);  // analyze() orders the tensors I, W, O
        t.name = a.tensor->name;
        t.at = a.buffer_at;
        t.coords = int(a.tensor->index.size());
        max_coords = std::max(max_coords, size_t(t.coords));
        t.coeff.resize(size_t(n) * t.coords);
        for (int l = 0; l < n; ++l)
            for (int c = 0; c < t.coords; ++c)
                t.coeff[l * t.coords + c] = a.tensor->index[c].coeff(loops[l].dim);
        for (int c = 0; c < t.coords; ++c) {
            t.offset.push_back(a.tensor->index[c].offset);
            for (const auto &d : problem_.dims) t.dim_coeff.push_back(a.tensor->index[c].coeff(d.name));
        }
        t.shape = a.tensor->shape;
        t.ir_box = a.box;
        t.box.resize(t.coords);
        t.outer_of_coord.resize(t.coords);
        for (int l = 0; l < n; ++l) {
            bool temporal = loops[l].kind == ir::LoopKind::Temporal;
            (l < t.at ? t.outer : t.inner).push_back(l);
            if (temporal && l < a.stationary_from && !a.depends[l]) t.reuse_breaking.push_back(l);
            if (!temporal && a.depends[l]) t.spatial_deps.push_back(l);
            if (l >= t.at) continue;
            int moved = 0;
            for (int c = 0; c < t.coords; ++c)
                if (t.coeff[l * t.coords + c] != 0) {
                    t.outer_of_coord[c].push_back(l);
                    ++moved;
                }
            (moved ? t.outer_moving_any : t.outer_moving_none).push_back(l);
            if (moved > 1) t.factorizes = false;
        }
        for (const auto &d : problem_.dims) {
            bool depends = false;
            for (int c = 0; c < t.coords; ++c) depends |= a.tensor->index[c].coeff(d.name) != 0;
            if (depends) t.valid_words *= d.extent;
        }
        t.onchip_bytes = ir::onchip_element_bytes(problem_, *a.tensor);
        int buffer = ir::buffer_level(arch_, *a.buffer);
        int onchip_bits = int(t.onchip_bytes * 8);
        int dram_bits = t.operand == Operand::O ? problem_.post.out_bits : a.tensor->elem_bits;
        t.levels[int(Place::DRAM)] = dram;
        t.levels[int(Place::Buffer)] = buffer;
        t.levels[int(Place::RF)] = rf;
        for (int p = 0; p < kPlaces; ++p) {
            const ir::MemoryLevel &m = arch_.levels[t.levels[p]];
            double w = words_per_element(p == int(Place::DRAM) ? dram_bits : onchip_bits, m);
            t.read_pj[p] = w * read_pj(m);
            t.write_pj[p] = w * write_pj(m);
        }
        t.dram_words_per_element = words_per_element(dram_bits, arch_.levels[dram]);
        t.double_buffered = arch_.levels[buffer].double_buffered;
    }
    base_.resize(max_coords);
    if (problem_.post.bias) {
        bias_words_ = problem_.layer.K;
        bias_dram_words_ = words_per_element(problem_.acc_bits, arch_.levels[dram]);
        bias_read_pj_ = bias_dram_words_ * read_pj(arch_.levels[dram]);
    }
}

const Estimate &Model::evaluate() {
    return run(ir_blocking_.extent.data(), ir_blocking_.stride.data(), false);
}

const Estimate &Model::evaluate(const Blocking &b) {
    const size_t n = kinds_.size();
    if (b.extent.size() != n || b.stride.size() != n)
        throw std::invalid_argument("blocking has " + std::to_string(b.extent.size()) +
                                    " loops, the mapping " + std::to_string(n));
    std::fill(covered_.begin(), covered_.end(), 1);
    for (size_t l = 0; l < n; ++l) {
        if (b.extent[l] < 1 || b.stride[l] < 1)
            throw std::invalid_argument("blocking: loop " + std::to_string(l) +
                                        " needs extent and stride >= 1");
        covered_[loop_dim_[l]] += (b.extent[l] - 1) * b.stride[l];
    }
    for (size_t d = 0; d < covered_.size(); ++d)
        if (covered_[d] < problem_.dims[d].extent)
            throw std::invalid_argument("blocking: the loops of dim " + problem_.dims[d].name +
                                        " reach " + std::to_string(covered_[d]) + " of " +
                                        std::to_string(problem_.dims[d].extent));
    return run(b.extent.data(), b.stride.data(), true);
}

int64_t Model::coordinate_coverage(const TensorPlan &t, int c, const int64_t *extent,
                                   const int64_t *stride) {
    const std::vector<int> &moving = t.outer_of_coord[c];
    const int64_t box = t.box[c], shape = t.shape[c];
    if (moving.empty()) return overlap(t.offset[c], box, shape);
    // Closed form over the last moving loop, enumeration over the others (rarely any).
    const int last = moving.back();
    const int64_t step = t.coeff[last * t.coords + c] * stride[last];
    const size_t m = moving.size() - 1;
    for (size_t i = 0; i < m; ++i) odometer_[i] = 0;
    int64_t sum = 0;
    for (;;) {
        int64_t base = t.offset[c];
        for (size_t i = 0; i < m; ++i)
            base += t.coeff[moving[i] * t.coords + c] * stride[moving[i]] * odometer_[i];
        sum += overlap_sum(base, step, extent[last], box, shape);
        size_t i = m;
        while (i > 0 && ++odometer_[i - 1] == extent[moving[i - 1]]) odometer_[--i] = 0;
        if (i == 0) break;
    }
    return sum;
}

int64_t Model::in_shape_box_positions(const TensorPlan &t, const int64_t *extent,
                                      const int64_t *stride) {
    int64_t total = product(t.outer_moving_none, extent);
    if (t.factorizes) {
        for (int c = 0; c < t.coords; ++c) total *= coordinate_coverage(t, c, extent, stride);
        return total;
    }
    // Some outer loop moves two coordinates: enumerate the tiles.
    const std::vector<int> &moving = t.outer_moving_any;
    const size_t m = moving.size();
    for (size_t i = 0; i < m; ++i) odometer_[i] = 0;
    int64_t sum = 0;
    for (;;) {
        int64_t inside = 1;
        for (int c = 0; c < t.coords; ++c) {
            int64_t base = t.offset[c];
            for (size_t i = 0; i < m; ++i)
                base += t.coeff[moving[i] * t.coords + c] * stride[moving[i]] * odometer_[i];
            inside *= overlap(base, t.box[c], t.shape[c]);
        }
        sum += inside;
        size_t i = m;
        while (i > 0 && ++odometer_[i - 1] == extent[moving[i - 1]]) odometer_[--i] = 0;
        if (i == 0) break;
    }
    return total * sum;
}

void Model::count_tensor(TensorPlan &t, const int64_t *extent, const int64_t *stride,
                         bool derive_boxes, TensorEstimate &out) {
    if (derive_boxes) {
        // As Halide's bounds inference: each dim spans its loops inside the buffer, clamped to
        // its extent (tail lanes are guarded off); a coordinate spans its dims' affine sum.
        std::fill(dim_span_.begin(), dim_span_.end(), 1);
        for (int l : t.inner) dim_span_[loop_dim_[l]] += stride[l] * (extent[l] - 1);
        const size_t dims = dim_span_.size();
        for (int c = 0; c < t.coords; ++c) {
            int64_t span = 1;
            for (size_t d = 0; d < dims; ++d)
                span += t.dim_coeff[c * dims + d] *
                        (std::min(dim_span_[d], problem_.dims[d].extent) - 1);
            t.box[c] = span;
        }
    } else {
        for (int c = 0; c < t.coords; ++c) t.box[c] = t.ir_box[c];
    }
    int64_t box_words = 1;
    for (int c = 0; c < t.coords; ++c) box_words *= t.box[c];
    const int64_t tiles = product(t.outer, extent);
    const int64_t pes = est_.mapped_pes;
    const int64_t fanout = pes / product(t.spatial_deps, extent);
    // One buffer read per valid lane group per visit; a visit repeats for every iteration of a
    // loop the tensor ignores outside its stationary run.
    const int64_t visits = t.valid_words * product(t.reuse_breaking, extent);
    const int64_t macs = est_.macs;
    out.tiles = tiles;
    out.box_words = box_words;
    for (int p = 0; p < kPlaces; ++p) out.at[p].level = t.levels[p];
    LevelAccess &dram = out.at[int(Place::DRAM)];
    LevelAccess &buffer = out.at[int(Place::Buffer)];
    LevelAccess &rf = out.at[int(Place::RF)];
    Delivery &array = out.array;
    array.fanout = fanout;
    if (t.operand == Operand::O) {
        dram.updates = t.valid_words;
        buffer.updates = visits;                  // one write per accumulation block
        buffer.reads = visits - t.valid_words;    // resumed blocks read their partial sum
        buffer.drains = t.valid_words;
        rf.reads = macs;
        rf.updates = macs;
        array.kind = fanout > 1 ? DeliveryKind::Reduction : DeliveryKind::Unicast;
        array.reductions = visits * (fanout - 1);
        array.hops = array.reductions;
    } else {
        dram.reads = in_shape_box_positions(t, extent, stride);
        buffer.fills = tiles * box_words;
        buffer.reads = visits;
        rf.fills = visits * fanout;
        rf.reads = macs;
        array.kind = fanout == 1     ? DeliveryKind::Unicast
                     : fanout == pes ? DeliveryKind::Broadcast
                                     : DeliveryKind::Multicast;
        (fanout == 1 ? array.unicasts : array.multicasts) = visits;
        array.hops = visits * (fanout - 1);
    }
}

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Runs r in [lo, hi] with period | (r + shift).
int64_t multiples_in(int64_t lo, int64_t hi, int64_t period, int64_t shift) {
    if (hi < lo) return 0;
    return floor_div(hi + shift, period) - floor_div(lo - 1 + shift, period);
}

// A transfer that overlaps compute runs (docs/hardware.md, "Cycles"): a drain of the output tile the
// previous run ended (runs r >= 1 with period | r), or a fill of the tile the next run starts (runs
// r <= R-2 with period | r+1). `period`: runs per tile of the tensor.
struct OverlappedJob {
    int64_t period = 1;
    int64_t cycles = 0;
    bool drain = false;
};

// Runs in [0, runs) where every job of `mask` overlaps. The periods are products of the same
// loops' extents inward from each buffer, so of two periods one divides the other: a drain
// (period | r) and a fill (period | r+1) coincide only where one of the periods is 1.
int64_t runs_with_all(const OverlappedJob *jobs, int n, unsigned mask, int64_t runs) {
    int64_t lo = 0, hi = runs - 1, drain_period = 0, fill_period = 0;
    for (int j = 0; j < n; ++j) {
        if (!(mask >> j & 1u)) continue;
        if (jobs[j].drain) {
            lo = 1;
            drain_period = std::max(drain_period, jobs[j].period);
        } else {
            hi = runs - 2;
            fill_period = std::max(fill_period, jobs[j].period);
        }
    }
    if (drain_period == 0) return multiples_in(lo, hi, std::max<int64_t>(fill_period, 1), 1);
    if (fill_period == 0 || fill_period == 1) return multiples_in(lo, hi, drain_period, 0);
    if (drain_period == 1) return multiples_in(lo, hi, fill_period, 1);
    return 0;
}

// Sum over runs of the cycles the overlapped transfers take beyond `run_cycles` (the runs wait for
// them): every subset of jobs, counted exactly by inclusion-exclusion over runs_with_all.
int64_t prefetch_stall(const OverlappedJob *jobs, int n, int64_t runs, int64_t run_cycles) {
    int64_t at_least[8] = {0};
    const unsigned all = (1u << n) - 1;
    for (unsigned m = 1; m <= all; ++m) at_least[m] = runs_with_all(jobs, n, m, runs);
    int64_t stall = 0;
    for (unsigned s = 1; s <= all; ++s) {
        int64_t busy = 0;
        for (int j = 0; j < n; ++j)
            if (s >> j & 1u) busy += jobs[j].cycles;
        if (busy <= run_cycles) continue;
        int64_t exactly = 0;  // runs where the jobs of s overlap and no other
        for (unsigned t = s; t <= all; t = (t + 1) | s) {
            const int extra = __builtin_popcount(t & ~s);
            exactly += (extra % 2 ? -1 : 1) * at_least[t];
            if (t == all) break;
        }
        stall += exactly * (busy - run_cycles);
    }
    return stall;
}

}  // namespace

void Model::count_cycles(const int64_t *extent) {
    const ir::Timing &timing = ir::kTiming;
    const ir::MemoryLevel &dram = arch_.levels[0];
    const double dram_bw = dram.bandwidth();
    const int64_t latency = arch_.dram_latency_cycles;
    Cycles &cy = est_.cycles;
    int64_t runs = 1;
    for (int l = 0; l < run_from_; ++l) runs *= extent[l];
    cy.runs = runs;
    cy.compute = est_.temporal_iterations + runs * timing.compute_overhead;
    cy.start = timing.start_overhead;
    // The DMA moves one element per request, a 32-bit bias included (its energy still counts
    // every DRAM word it spans).
    if (bias_words_)
        cy.bias = ceil_cycles(double(bias_words_), dram_bw) + latency + timing.fill_overhead;
    OverlappedJob jobs[3];
    int overlapped = 0;
    for (const TensorPlan &t : plans_) {
        const TensorEstimate &te = est_.tensors[int(t.operand)];
        int overhead = t.operand == Operand::O ? timing.drain_overhead : timing.fill_overhead;
        int64_t per_tile =
            ceil_cycles(double(te.box_words) * t.dram_words_per_element, dram_bw) + latency +
            overhead;
        if (t.double_buffered) {
            // The first fill (the last drain) has no run to hide behind.
            cy.exposed_transfers += per_tile;
            cy.overlapped_transfers += (te.tiles - 1) * per_tile;
            if (te.tiles > 1) jobs[overlapped++] = {runs / te.tiles, per_tile, t.operand == Operand::O};
        } else {
            cy.serial_transfers += te.tiles * per_tile;
        }
    }
    cy.prefetch_stall =
        prefetch_stall(jobs, overlapped, runs, est_.temporal_iterations / runs + timing.compute_overhead);
    // Busiest on-chip level (the per-PE registers are ports of their own and never bind).
    std::fill(level_words_.begin(), level_words_.end(), 0.0);
    for (const TensorPlan &t : plans_) {
        const LevelAccess &a = est_.tensors[int(t.operand)].at[int(Place::Buffer)];
        double per_word = t.onchip_bytes * 8.0;
        const ir::MemoryLevel &m = arch_.levels[a.level];
        level_words_[a.level] += double(a.total_reads() + a.total_writes()) *
                                 words_per_element(int(per_word), m);
    }
    for (size_t l = 1; l + 1 < arch_.levels.size(); ++l) {
        double bound = level_words_[l] / arch_.levels[l].bandwidth();
        if (bound > cy.buffer_bound) {
            cy.buffer_bound = bound;
            cy.buffer_bound_level = int(l);
        }
    }
    const int64_t stalled = cy.start + cy.bias + cy.serial_transfers + cy.exposed_transfers;
    cy.pipeline = stalled + cy.compute + cy.prefetch_stall;
    int64_t steady = cy.compute + cy.prefetch_stall;
    cy.bound = cy.overlapped_transfers > cy.compute ? Bound::DRAM : Bound::Compute;
    int64_t buffer_cycles = ceil_cycles(cy.buffer_bound, 1.0);
    if (buffer_cycles > steady) {
        steady = buffer_cycles;
        cy.bound = Bound::Buffer;
    }
    cy.total = stalled + steady;
}

void Model::price() {
    Estimate &e = est_;
    double hop_pj = arch_.hop_pj;
    e.energy_pj = 0;
    e.hop_energy_pj = 0;
    for (const TensorPlan &t : plans_) {
        TensorEstimate &te = e.tensors[int(t.operand)];
        for (int p = 0; p < kPlaces; ++p) {
            LevelAccess &a = te.at[p];
            a.read_energy_pj = double(a.total_reads()) * t.read_pj[p];
            a.write_energy_pj = double(a.total_writes()) * t.write_pj[p];
        }
        te.array.energy_pj = double(te.array.hops) * hop_pj;
        e.hop_energy_pj += te.array.energy_pj;
        e.energy_pj += te.energy_pj();
    }
    TensorEstimate &bias = e.tensors[int(Operand::B)];
    bias.at[int(Place::DRAM)].level = bias_words_ ? 0 : -1;
    bias.at[int(Place::DRAM)].reads = bias_words_;
    bias.at[int(Place::DRAM)].read_energy_pj = double(bias_words_) * bias_read_pj_;
    e.energy_pj += bias.energy_pj();
    e.mac_energy_pj = double(e.macs) * arch_.mac_pj;
    e.leakage_energy_pj = double(e.cycles.total) * arch_.leakage_pj_per_cycle;
    e.energy_pj += e.mac_energy_pj + e.leakage_energy_pj;
}

const Estimate &Model::run(const int64_t *extent, const int64_t *stride, bool derive_boxes) {
    Estimate &e = est_;
    e = Estimate{};
    e.macs = problem_.macs();
    e.temporal_iterations = 1;
    for (size_t l = 0; l < kinds_.size(); ++l)
        if (kinds_[l] == ir::LoopKind::Temporal) e.temporal_iterations *= extent[l];
    rows_ = row_loop_ >= 0 ? extent[row_loop_] : 1;
    cols_ = col_loop_ >= 0 ? extent[col_loop_] : 1;
    e.mapped_pes = rows_ * cols_;
    e.arch_pes = arch_.rows * arch_.cols;
    for (TensorPlan &t : plans_)
        count_tensor(t, extent, stride, derive_boxes, e.tensors[int(t.operand)]);
    count_cycles(extent);
    price();
    e.utilization = double(e.macs) / (double(e.arch_pes) * double(e.temporal_iterations));
    e.utilization_overall = double(e.macs) / (double(e.arch_pes) * double(e.cycles.total));
    return e;
}

std::string Model::fit_error() const {
    ir::Footprint footprints[4];
    int64_t register_bytes = 0;
    for (int i = 0; i < 3; ++i) {
        const TensorPlan &t = plans_[i];
        const TensorEstimate &te = est_.tensors[int(t.operand)];
        footprints[i] = {t.name.c_str(), t.levels[int(Place::Buffer)],
                         te.box_words * t.onchip_bytes};
        register_bytes += t.onchip_bytes;
    }
    footprints[3] = {"PE registers", int(arch_.levels.size()) - 1, register_bytes};
    return ir::fit_error(arch_, rows_, cols_, footprints, 4);
}

}  // namespace tessera::model
