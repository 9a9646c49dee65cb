#include "Analysis.h"

#include "Architecture.h"

#include <algorithm>
#include <stdexcept>

namespace tessera::ir {

namespace {

[[noreturn]] void reject(const std::string &msg) { throw std::runtime_error(msg); }

// Is `b` a per-PE tile? The architecture's level says so; without one, its position does. Either
// way it must agree with where the buffer sits relative to the spatial loops.
bool classify_per_pe(const NestAnalysis &nest, const Buffer &b, const Architecture *arch,
                     const std::vector<Loop> &loops) {
    const bool inside = nest.last_spatial >= 0 && b.at > nest.last_spatial;
    const bool between = nest.first_spatial >= 0 && b.at > nest.first_spatial && !inside;
    if (between)
        reject("buffer of " + b.tensor + " at " + b.level + " is placed between spatial loops " +
               loops[size_t(nest.first_spatial)].name + " and " +
               loops[size_t(nest.last_spatial)].name +
               ": a tile is either above the whole PE array (compute_at outside every unrolled "
               "loop) or inside it (below every unrolled loop)");
    if (!arch) return inside;
    const int level = arch->level_index(b.level);
    if (level < 0) return inside;  // the model and validate_fit name the missing level
    const bool per_pe = arch->is_per_pe(size_t(level));
    if (inside && !per_pe)
        reject("buffer of " + b.tensor + " is placed inside the PE array (below spatial loop " +
               loops[size_t(nest.last_spatial)].name + ") but level " + b.level +
               " is shared: a loop inside the array needs a per-PE level to hold its tile; "
               "put the tile on a per_pe level or compute_at a loop above the unrolled loops");
    if (!inside && per_pe && nest.last_spatial >= 0)
        reject("buffer of " + b.tensor + " is on per-PE level " + b.level +
               " but placed above the PE array (at loop " + std::to_string(b.at) +
               "): compute_at a loop below every unrolled loop, or use a shared level");
    return per_pe;
}

TensorAccess analyze_tensor(const AcceleratorIR &ir, const NestAnalysis &nest, const Tensor &t,
                            const Architecture *arch) {
    const auto &loops = ir.mapping.loops;
    TensorAccess a;
    a.role = t.role;
    a.tensor = &t;
    a.coord_step.assign(loops.size(), std::vector<int64_t>(t.index.size(), 0));
    a.depends.assign(loops.size(), false);
    for (size_t l = 0; l < loops.size(); ++l) {
        for (size_t c = 0; c < t.index.size(); ++c) {
            int64_t coeff = t.index[c].coeff(loops[l].dim);
            if (coeff < 0)
                reject("tensor " + t.name + " has a negative coefficient for dim " + loops[l].dim +
                       ": only non-negative affine accesses are supported");
            a.coord_step[l][c] = coeff * loops[l].stride;
            if (coeff != 0) a.depends[l] = true;
        }
    }
    a.stationary_from = int(loops.size());
    for (int i = int(nest.temporal.size()) - 1; i >= 0; --i) {
        int l = nest.temporal[size_t(i)];
        if (a.depends[size_t(l)]) break;
        a.stationary_from = l;
    }
    for (size_t l = 0; l < loops.size(); ++l) {
        if (loops[l].kind == LoopKind::Temporal || !a.depends[l]) continue;
        a.groups *= loops[l].extent;
    }
    a.fanout = nest.rows * nest.cols / a.groups;
    a.shared_on_rows = std::none_of(nest.row_loops.begin(), nest.row_loops.end(),
                                    [&](int l) { return a.depends[size_t(l)]; });
    a.shared_on_cols = std::none_of(nest.col_loops.begin(), nest.col_loops.end(),
                                    [&](int l) { return a.depends[size_t(l)]; });

    // The chain: DRAM, the buffers outermost first, the PE stage.
    std::vector<int64_t> extent;
    for (const Loop &loop : loops) extent.push_back(loop.extent);
    a.stages.push_back(Stage{});
    for (const auto &b : ir.mapping.buffers) {
        if (b.tensor != t.name) continue;
        // The output's own tile on the architecture's outermost level (hw::level(acc, "DRAM")) is
        // no on-chip tile: the output bypasses the shared levels, its per-PE accumulator files
        // (the next buffer) drain straight to DRAM, as Timeloop's simple_output_stationary.
        if (arch && a.stages.size() == 1 && off_chip_output_tile(ir, b, arch)) continue;
        if (b.at < 0 || b.at > int(loops.size()))
            reject("buffer of " + t.name + " is placed at loop " + std::to_string(b.at) +
                   ", outside the nest");
        if (b.box.size() != t.index.size())
            reject("buffer of " + t.name + " has " + std::to_string(b.box.size()) +
                   " box dims, tensor has " + std::to_string(t.index.size()));
        const Stage &prev = a.stages.back();
        if (prev.buffer && b.at < prev.at)
            reject("buffers of " + t.name + " at " + prev.buffer->level + " and " + b.level +
                   " are listed outermost first but " + b.level + " is placed at an outer loop");
        if (prev.buffer && prev.buffer->level == b.level)
            reject("tensor " + t.name + " keeps two tiles at level " + b.level +
                   "; give each level one tile of a tensor");
        if (arch && prev.buffer && arch->level_index(b.level) >= 0 &&
            arch->level_index(b.level) < arch->level_index(prev.buffer->level))
            reject("buffers of " + t.name + " at " + prev.buffer->level + " and " + b.level +
                   " are nested in the reverse order of the architecture's levels; an inner loop's "
                   "tile goes on an inner level");
        Stage s;
        s.kind = classify_per_pe(nest, b, arch, loops) ? StageKind::PerPe : StageKind::Shared;
        if (s.kind == StageKind::Shared && prev.kind == StageKind::PerPe)
            reject("tensor " + t.name + " has a shared tile at " + b.level + " inside its per-PE tile at " +
                   prev.buffer->level);
        s.buffer = &b;
        s.at = b.at;
        s.refill_from = tile_refill_from(nest.temporal, a.depends, extent.data(), prev.at, b.at);
        s.box = b.box;
        a.stages.push_back(s);
    }
    if (a.stages.size() == 1 && arch && t.role == TensorRole::Output)
        reject("the output keeps no on-chip tile: its tile is on " + arch->levels[0].name +
               ", the outermost level, without a per-PE accumulator file (hw::accumulator(acc, loop, \"RF\")) "
               "below the array to hold its partial sums; add one, or put the output's tile on a shared level");
    if (a.stages.size() == 1)
        reject("tensor " + t.name + " has no on-chip buffer: place an in() wrapper (compute_at) "
               "or use a preset");
    // A tensor that bypasses every shared level moves between DRAM and its per-PE tiles directly
    // (Timeloop's eyeriss_like sends the weights so): the model counts it (docs/hardware.md,
    // "Stages"); the generated RTL feeds the array from a shared buffer and refuses it.
    a.buffer = a.stages[1].buffer;
    a.buffer_at = a.stages[1].at;
    a.box = a.buffer->box;
    for (int l = 0; l < a.buffer_at && a.stages[1].kind == StageKind::Shared; ++l)
        if (loops[size_t(l)].kind != LoopKind::Temporal)
            reject("buffer of " + t.name + " is placed inside spatial loop " + loops[size_t(l)].name +
                   ": buffers must enclose the PE array");
    // Without a per-PE tile the MAC reads a register the stationarity rule fills.
    if (a.stages.back().kind != StageKind::PerPe) {
        Stage reg;
        reg.kind = StageKind::Register;
        // It reloads whenever the loops from stationary_from are all at 0 (docs/hardware.md),
        // which may be outside the buffer feeding it: the value stays across that buffer's
        // refills of the same words.
        reg.at = a.stationary_from;
        reg.refill_from = a.stationary_from;
        reg.box.assign(t.index.size(), 1);
        a.stages.push_back(reg);
    }
    return a;
}

}  // namespace

int64_t Stage::words() const {
    int64_t w = 1;
    for (int64_t e : box) w *= e;
    return w;
}

const TensorAccess &NestAnalysis::access(TensorRole role) const {
    for (const auto &t : tensors)
        if (t.role == role) return t;
    throw std::runtime_error("no tensor with that role");
}

int tile_refill_from(const std::vector<int> &temporal, const std::vector<bool> &depends,
                     const int64_t *extent, int parent_at, int at) {
    int from = at;
    for (auto l = temporal.rbegin(); l != temporal.rend(); ++l) {
        if (*l >= at) continue;
        if (*l < parent_at || (depends[size_t(*l)] && extent[*l] > 1)) break;
        from = *l;
    }
    return from;
}

bool loads_in_pipeline(StageKind kind, int64_t words, bool parent_per_pe, bool last) {
    if (kind == StageKind::Register) return true;
    return kind == StageKind::PerPe && last && parent_per_pe && words == 1;
}

bool loads_in_pipeline(const TensorAccess &a, size_t j) {
    if (j == 0 || j >= a.stages.size()) return false;
    const Stage &s = a.stages[j];
    return loads_in_pipeline(s.kind, s.words(), a.stages[j - 1].per_pe(), j + 1 == a.stages.size());
}

bool dram_fed(const TensorAccess &a) { return a.stages.size() > 1 && a.stages[1].kind == StageKind::PerPe; }

bool prefetched(bool double_buffered, StageKind kind, StageKind parent, bool in_pipeline) {
    return double_buffered && (kind == StageKind::PerPe || kind == StageKind::Shared) && parent == StageKind::Shared &&
           !in_pipeline;
}

int prefetch_loop(const NestAnalysis &nest, const TensorAccess &a, size_t j) {
    const auto &loops = nest.ir->mapping.loops;
    return prefetch_loop([&](int l) { return loops[size_t(l)].kind == LoopKind::Temporal; },
                         [&](int l) { return loops[size_t(l)].extent; }, nest.run_from, a.stages[j - 1].refill_from,
                         a.stages[j].refill_from);
}

int64_t temporal_product(const NestAnalysis &nest, int from, int to) {
    int64_t p = 1;
    for (int l : nest.temporal)
        if (l >= from && l < to) p *= nest.ir->mapping.loops[size_t(l)].extent;
    return p;
}

std::vector<int64_t> tile_box(const Problem &problem, const Tensor &tensor, const Mapping &mapping,
                              int at, bool per_pe) {
    std::vector<int64_t> span(problem.dims.size(), 1);
    for (size_t l = size_t(std::max(at, 0)); l < mapping.loops.size(); ++l) {
        const Loop &loop = mapping.loops[l];
        if (per_pe && loop.kind != LoopKind::Temporal) continue;
        for (size_t d = 0; d < problem.dims.size(); ++d)
            if (problem.dims[d].name == loop.dim) span[d] += loop.stride * (loop.extent - 1);
    }
    return box_of_spans(problem, tensor, span);
}

std::vector<int64_t> box_of_spans(const Problem &problem, const Tensor &tensor, const std::vector<int64_t> &span) {
    std::vector<int64_t> box;
    for (const auto &c : tensor.index) {
        int64_t extent = 1;
        for (size_t d = 0; d < problem.dims.size(); ++d)
            extent += c.coeff(problem.dims[d].name) * (std::min(span[d], problem.dims[d].extent) - 1);
        box.push_back(extent);
    }
    return box;
}

int64_t valid_starts(const std::vector<int64_t> &extent, const std::vector<int64_t> &stride,
                     int64_t dim_extent) {
    // Allocation-free: the model calls this per stage and dim in every evaluation.
    constexpr size_t kMax = 16;
    const size_t n = extent.size();
    if (n == 0) return 1;
    if (n > kMax) throw std::runtime_error("more than 16 loops over one dim");
    size_t order[kMax];
    for (size_t i = 0; i < n; ++i) {  // insertion sort by stride
        size_t j = i;
        while (j > 0 && stride[order[j - 1]] > stride[i]) {
            order[j] = order[j - 1];
            --j;
        }
        order[j] = i;
    }
    // Nested splits (each stride the previous loop's span) select start, start + s, ... evenly.
    bool nested = true;
    int64_t span = stride[order[0]], count = 1;
    for (size_t i = 0; i < n; ++i) {
        if (stride[order[i]] != span) nested = false;
        span = stride[order[i]] * extent[order[i]];
        count *= extent[order[i]];
    }
    if (nested) {
        const int64_t step = stride[order[0]];
        return std::min(count, (dim_extent + step - 1) / step);
    }
    // Otherwise enumerate the larger strides and count the smallest in closed form.
    int64_t total = 0, idx[kMax] = {0};
    for (;;) {
        int64_t base = 0;
        for (size_t i = 1; i < n; ++i) base += idx[i] * stride[order[i]];
        const int64_t s = stride[order[0]], e = extent[order[0]];
        if (base < dim_extent) total += std::min(e, (dim_extent - base + s - 1) / s);
        size_t i = 1;
        while (i < n && ++idx[i] == extent[order[i]]) idx[i++] = 0;
        if (i >= n) break;
    }
    return total;
}

int output_tile_from(const TensorAccess &output) {
    const Stage &tile = output.stages[1];
    return output_tile_from(tile.kind == StageKind::PerPe, tile.at, tile.refill_from);
}

bool off_chip_output_tile(const AcceleratorIR &ir, const Buffer &b, const Architecture *arch) {
    if (b.tensor != ir.problem.tensor(TensorRole::Output).name) return false;
    return arch ? arch->level_index(b.level) == 0 : b.level == "DRAM";
}

NestAnalysis analyze(const AcceleratorIR &ir, const Architecture *arch) {
    NestAnalysis nest;
    nest.ir = &ir;
    const auto &loops = ir.mapping.loops;
    for (size_t l = 0; l < loops.size(); ++l) {
        const Loop &loop = loops[l];
        ir.problem.dim(loop.dim);  // throws for an unknown dim
        if (loop.extent < 1) reject("loop " + loop.name + " has extent " + std::to_string(loop.extent));
        if (loop.stride < 1) reject("loop " + loop.name + " has stride " + std::to_string(loop.stride));
        switch (loop.kind) {
        case LoopKind::Temporal:
            nest.temporal.push_back(int(l));
            nest.temporal_iterations *= loop.extent;
            continue;
        case LoopKind::SpatialRow:
            nest.row_loops.push_back(int(l));
            nest.rows *= loop.extent;
            break;
        case LoopKind::SpatialCol:
            nest.col_loops.push_back(int(l));
            nest.cols *= loop.extent;
            break;
        }
        if (nest.first_spatial < 0) nest.first_spatial = int(l);
        nest.last_spatial = int(l);
    }
    if (nest.row_loops.size() == 1) nest.row_loop = nest.row_loops[0];
    if (nest.col_loops.size() == 1) nest.col_loop = nest.col_loops[0];
    for (TensorRole role : {TensorRole::Input, TensorRole::Weight, TensorRole::Output}) {
        nest.tensors.push_back(analyze_tensor(ir, nest, ir.problem.tensor(role), arch));
        const TensorAccess &a = nest.tensors.back();
        nest.run_from = std::max(nest.run_from, a.stages[1].refill_from);
        for (const Stage &s : a.stages) nest.has_per_pe_buffers |= s.kind == StageKind::PerPe;
    }

    const TensorAccess &out = nest.access(TensorRole::Output);
    // Output tiles partition the output: a loop outside its tile moves it by at least the tile's
    // span along that dim, else neighbouring tiles overlap and outputs would be drained twice.
    // Per-PE accumulator files fed by DRAM (the output bypasses the shared levels) hold their
    // tiles from their refill position on: the whole array's tile is the one DRAM sees.
    const int out_tile_at = output_tile_from(out);
    for (int l : nest.temporal) {
        if (l >= out_tile_at || !out.depends[size_t(l)] || loops[size_t(l)].extent == 1) continue;
        int64_t span = 1;
        for (size_t i = size_t(out_tile_at); i < loops.size(); ++i)
            if (loops[i].dim == loops[size_t(l)].dim) span += loops[i].stride * (loops[i].extent - 1);
        if (loops[size_t(l)].stride < span)
            reject("loop " + loops[size_t(l)].name + " (stride " + std::to_string(loops[size_t(l)].stride) +
                   ") outside the output tile moves it by less than the tile spans along " +
                   loops[size_t(l)].dim + " (" + std::to_string(span) +
                   "): output tiles would overlap; put the larger-stride loop outside");
    }
    for (int l : nest.temporal)
        if (l < out_tile_at && !out.depends[size_t(l)] && loops[size_t(l)].extent > 1)
            reject(out.stages[1].kind == StageKind::PerPe
                       ? "the output's per-PE accumulator files, fed by DRAM, are drained inside reduction loop " +
                             loops[size_t(l)].name + ": partial sums would travel to DRAM; put that loop below the "
                             "output loops the files hold, or keep the output's tile on a shared level"
                       : "output buffer is placed inside reduction loop " + loops[size_t(l)].name +
                             ": partial sums would travel to DRAM; place the output tile outside every "
                             "reduction loop");
    return nest;
}

}  // namespace tessera::ir
