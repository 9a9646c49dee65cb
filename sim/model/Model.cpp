#include "Model.h"

#include "LevelEnergy.h"
#include "ModelMath.h"
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
    case Bound::DramStalls: return "DRAM stalls";
    case Bound::OnchipStalls: return "on-chip stalls";
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
    b.assign(mapping);
    return b;
}

void Blocking::assign(const ir::Mapping &mapping) {
    extent.clear();
    stride.clear();
    for (const auto &l : mapping.loops) {
        extent.push_back(l.extent);
        stride.push_back(l.stride);
    }
}

Model::Model(const ir::AcceleratorIR &ir, const ir::Architecture &arch)
    : Model(ir, std::make_shared<const ir::Architecture>(arch),
            std::make_shared<const ir::Problem>(ir.problem)) {}

Model::Model(const ir::AcceleratorIR &ir, std::shared_ptr<const ir::Architecture> arch,
             std::shared_ptr<const ir::Problem> problem)
    : problem_ptr_(std::move(problem)), arch_ptr_(std::move(arch)), problem_(*problem_ptr_),
      arch_(*arch_ptr_) {
    if (arch_.levels.size() < 3)
        throw std::runtime_error("architecture " + arch_.name + " has " +
                                 std::to_string(arch_.levels.size()) +
                                 " memory levels; it needs DRAM, an on-chip buffer and registers");
    rebuild(ir);
}

// Every member a plan sets is reset here; vectors are cleared or resized, never replaced, so
// that a rebuilt model keeps their storage.
void Model::rebuild(const ir::AcceleratorIR &ir) {
    const ir::NestAnalysis nest = ir::analyze(ir, &arch_);
    row_loops_.assign(nest.row_loops.begin(), nest.row_loops.end());
    col_loops_.assign(nest.col_loops.begin(), nest.col_loops.end());
    const auto &loops = ir.mapping.loops;
    const size_t n = loops.size();
    ir_blocking_.assign(ir.mapping);
    kinds_.clear();
    loop_dim_.clear();
    for (const auto &l : loops) {
        kinds_.push_back(l.kind);
        int d = 0;
        while (problem_.dims[size_t(d)].name != l.dim) ++d;  // analyze() checked the dim exists
        loop_dim_.push_back(d);
    }
    covered_.resize(problem_.dims.size());
    dim_span_.resize(problem_.dims.size());
    odometer_.resize(n);
    start_extent_.reserve(n);
    start_stride_.reserve(n);
    level_words_.resize(arch_.levels.size());

    size_t max_coords = 0;
    for (int i = 0; i < 3; ++i) {
        plan_tensor(plans_[i], nest.tensors[size_t(i)], ir);
        plans_[i].operand = Operand(i);  // analyze() orders the tensors I, W, O
        max_coords = std::max(max_coords, size_t(plans_[i].coords));
    }
    base_.resize(max_coords);
    bias_words_ = 0;
    bias_dram_words_ = bias_read_pj_ = 0;
    if (problem_.post.bias) {
        bias_words_ = bias_table_words(problem_);
        bias_dram_words_ = words_per_element(problem_.acc_bits, arch_.levels[0]);
        bias_read_pj_ = bias_word_read_pj(problem_, arch_.levels[0]);
    }
    rows_ = cols_ = 1;
    run_from_ = 0;
    pipeline_error_.clear();
}

void Model::plan_tensor(TensorPlan &t, const ir::TensorAccess &a, const ir::AcceleratorIR &ir) {
    const auto &loops = ir.mapping.loops;
    const int n = int(loops.size());
    const size_t dims = problem_.dims.size();
    t.name = a.tensor->name;
    t.at = a.buffer_at;
    t.dram_fed = ir::dram_fed(a);
    t.coords = int(a.tensor->index.size());
    t.offset.clear();
    t.dim_coeff.clear();
    for (int c = 0; c < t.coords; ++c) {
        t.offset.push_back(a.tensor->index[size_t(c)].offset);
        for (const auto &d : problem_.dims) t.dim_coeff.push_back(a.tensor->index[size_t(c)].coeff(d.name));
    }
    t.coeff.resize(size_t(n) * size_t(t.coords));
    for (int l = 0; l < n; ++l)
        for (int c = 0; c < t.coords; ++c)
            t.coeff[size_t(l * t.coords + c)] = t.dim_coeff[size_t(c) * dims + size_t(loop_dim_[size_t(l)])];
    t.shape.assign(a.tensor->shape.begin(), a.tensor->shape.end());
    t.outer_of_coord.resize(size_t(t.coords));
    for (auto &v : t.outer_of_coord) v.clear();
    t.depends.clear();
    t.spatial_deps.clear();
    t.outer_moving_none.clear();
    t.outer_moving_any.clear();
    t.factorizes = true;
    for (int l = 0; l < n; ++l) {
        bool temporal = loops[size_t(l)].kind == ir::LoopKind::Temporal;
        t.depends.push_back(a.depends[size_t(l)]);
        if (!temporal && a.depends[size_t(l)]) t.spatial_deps.push_back(l);
        if (l >= t.at) continue;
        int moved = 0;
        for (int c = 0; c < t.coords; ++c)
            if (t.coeff[size_t(l * t.coords + c)] != 0) {
                t.outer_of_coord[size_t(c)].push_back(l);
                ++moved;
            }
        // Above a DRAM-fed per-PE tile, a spatial loop the tensor ignores spans one lane
        // group: its lanes share the words DRAM sends once.
        if (!temporal && !moved) continue;
        (moved ? t.outer_moving_any : t.outer_moving_none).push_back(l);
        if (moved > 1) t.factorizes = false;
    }
    t.valid_words = 1;
    for (size_t d = 0; d < dims; ++d) {
        bool depends = false;
        for (int c = 0; c < t.coords; ++c) depends |= t.dim_coeff[size_t(c) * dims + d] != 0;
        if (depends) t.valid_words *= problem_.dims[d].extent;
    }
    t.lane_groups.clear();
    t.unmoved_coords.clear();
    if (t.factorizes) group_lane_loops(t, loop_dim_);
    t.onchip_bytes = ir::onchip_element_bytes(problem_, *a.tensor);
    t.stages.resize(a.stages.size());
    for (size_t j = 0; j < a.stages.size(); ++j) {
        const ir::Stage &s = a.stages[j];
        plan_stage(t, t.stages[j], a, j, loops);
        t.stages[j].parent_at = j ? t.stages[j - 1].at : 0;
        t.stages[j].buffer_index = s.buffer ? int(s.buffer - ir.mapping.buffers.data()) : -1;
    }
    // A DRAM-fed per-PE tile is moved lane group by lane group while the array waits.
    t.double_buffered = t.stages[1].double_buffered && !t.stages[1].per_pe();
}

void Model::plan_stage(TensorPlan &t, StagePlan &p, const ir::TensorAccess &a, size_t j,
                       const std::vector<ir::Loop> &loops) {
    const ir::Stage &s = a.stages[j];
    p.kind = s.kind;
    p.at = s.at;
    p.refill_from = s.refill_from;
    p.ir_box.assign(s.box.begin(), s.box.end());
    p.box.assign(s.box.begin(), s.box.end());
    switch (s.kind) {
    case ir::StageKind::Dram: p.level = 0; break;
    case ir::StageKind::Register: p.level = int(arch_.levels.size()) - 1; break;
    default: p.level = ir::buffer_level(arch_, *s.buffer); break;
    }
    p.double_buffered = ir::double_buffered(arch_, a, j);
    p.inner.clear();
    p.outer.clear();
    p.outer_other.clear();
    p.selecting_dims.clear();
    const int n = int(loops.size());
    for (int l = 0; l < n && s.kind != ir::StageKind::Dram; ++l) {
        const bool temporal = loops[size_t(l)].kind == ir::LoopKind::Temporal;
        if (l >= s.at && (temporal || !p.per_pe())) p.inner.push_back(l);
        if (l < s.at && temporal) p.outer.push_back(l);
    }
    size_t selecting_count = 0;
    if (p.per_pe()) {
        // A lane group's tile is selected by the spatial loops and the temporal loops before `at`.
        for (size_t d = 0; d < problem_.dims.size(); ++d) {
            bool depends = false;
            for (int c = 0; c < t.coords; ++c) depends |= t.dim_coeff[size_t(c) * problem_.dims.size() + d] != 0;
            if (depends) {
                if (p.selecting_by_dim.size() <= selecting_count) p.selecting_by_dim.emplace_back();
                p.selecting_by_dim[selecting_count++].clear();
                p.selecting_dims.push_back(int(d));
            }
            for (int l = 0; l < n; ++l) {
                if (loop_dim_[size_t(l)] != int(d)) continue;
                const bool temporal = loops[size_t(l)].kind == ir::LoopKind::Temporal;
                if (depends && (!temporal || l < s.at)) p.selecting_by_dim[selecting_count - 1].push_back(l);
                if (!depends && temporal && l < s.at) p.outer_other.push_back(l);
            }
        }
        std::sort(p.outer_other.begin(), p.outer_other.end());
    }
    p.selecting_by_dim.resize(selecting_count);
    const ir::MemoryLevel &level = arch_.levels[size_t(p.level)];
    const int role = int(a.role);
    // A partitioned level prices each tensor at its own partition's size.
    const ir::MemoryLevel priced = priced_for(level, role);
    const int bits = s.kind == ir::StageKind::Dram ? dram_element_bits(problem_, *a.tensor)
                                                   : int(t.onchip_bytes * 8);
    p.words_per_element = words_per_element(bits, level);
    p.read_pj = p.words_per_element * read_pj(priced);
    p.write_pj = p.words_per_element * write_pj(priced);
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

void Model::derive_box(const TensorPlan &t, StagePlan &s, const int64_t *extent,
                       const int64_t *stride) {
    // As Halide's bounds inference: each dim spans its loops inside the tile, clamped to its
    // extent (tail lanes are guarded off); a coordinate spans its dims' affine sum.
    std::fill(dim_span_.begin(), dim_span_.end(), 1);
    for (int l : s.inner) dim_span_[size_t(loop_dim_[size_t(l)])] += stride[l] * (extent[l] - 1);
    const size_t dims = dim_span_.size();
    for (int c = 0; c < t.coords; ++c) {
        int64_t span = 1;
        for (size_t d = 0; d < dims; ++d)
            span += t.dim_coeff[size_t(c) * dims + d] *
                    (std::min(dim_span_[d], problem_.dims[d].extent) - 1);
        s.box[size_t(c)] = span;
    }
}

int64_t Model::lane_tiles(const StagePlan &s, const int64_t *extent, const int64_t *stride,
                          int only_outer_before) const {
    int64_t n = 1;
    for (size_t i = 0; i < s.selecting_dims.size(); ++i) {
        start_extent_.clear();
        start_stride_.clear();
        for (int l : s.selecting_by_dim[i]) {
            start_extent_.push_back(extent[l]);
            start_stride_.push_back(stride[l]);
        }
        n *= ir::valid_starts(start_extent_, start_stride_,
                              problem_.dims[size_t(s.selecting_dims[i])].extent);
    }
    for (int l : s.outer_other)
        if (l < only_outer_before) n *= extent[l];
    return n;
}

int64_t Model::first_visit_tiles(const TensorPlan &t, const StagePlan &c, const int64_t *extent) const {
    // Tiles of an output stage that visit their outputs first: every loop between the outermost
    // output tile and this stage on a dim the output ignores (a reduction) is at 0. Any other
    // visit resumes from its parent, which holds the current partial sums (reloaded into it from
    // further up when the parent itself resumed).
    int64_t first = 1;
    for (int l : c.outer)
        if (!resumes(t, l)) first *= extent[l];
    return first;
}

void Model::count_tensor(TensorPlan &t, const int64_t *extent, const int64_t *stride,
                         bool derive_boxes, TensorEstimate &out) {
    const int stages = int(t.stages.size());
    const int64_t pes = est_.mapped_pes;
    const int64_t fanout = pes / product(t.spatial_deps, extent);
    const int64_t macs = est_.macs;
    out.stages = stages;
    for (int j = 0; j < stages; ++j) {
        StagePlan &s = t.stages[size_t(j)];
        LevelAccess &a = out.at[size_t(j)];
        a.level = s.level;
        a.per_pe = s.per_pe();
        if (j == 0) continue;
        // A register's box is one word whatever the blocking.
        if (derive_boxes && s.kind != ir::StageKind::Register) derive_box(t, s, extent, stride);
        a.box_words = 1;
        for (int64_t e : s.box) a.box_words *= e;
        if (s.kind != ir::StageKind::Register)
            s.refill_from = ir::tile_refill_from(s.outer, t.depends, extent, s.parent_at, s.at);
        a.tiles = s.per_pe() ? lane_tiles(s, extent, stride, s.refill_from) : product_before(s.outer, extent, s.refill_from);
    }
    out.tiles = out.at[1].tiles;
    out.box_words = out.at[1].box_words;
    Delivery &array = out.array;
    array.fanout = fanout;
    LevelAccess &pe = out.at[size_t(stages - 1)];
    pe.reads = macs;
    if (t.operand == Operand::O) {
        const int outermost_tile = ir::output_tile_from(t.stages[1].per_pe(), t.stages[1].at, t.stages[1].refill_from);
        pe.updates = macs;
        array.kind = fanout > 1 ? DeliveryKind::Reduction : DeliveryKind::Unicast;
        for (int j = stages - 1; j >= 1; --j) {
            const StagePlan &c = t.stages[size_t(j)], &p = t.stages[size_t(j - 1)];
            LevelAccess &child = out.at[size_t(j)], &parent = out.at[size_t(j - 1)];
            if (j == 1) {  // the finished outputs, in-shape positions only
                parent.updates = t.valid_words;
                child.drains = t.valid_words;
                if (c.per_pe()) {  // straight from the PEs: every PE's copy, reduced on the way
                    child.drains = t.valid_words * fanout;
                    array.reductions = t.valid_words * (fanout - 1);
                    array.hops = array.reductions;
                }
                continue;
            }
            // A block of the child ends with its words sent up; it starts from the parent's
            // partial sums unless it is the first visit of those outputs (within the outermost
            // output tile, which encloses every reduction loop).
            const int64_t first = c.per_pe() ? lane_tiles(c, extent, stride, outermost_tile)
                                             : first_visit_tiles(t, c, extent);
            const int64_t copies = c.per_pe() && p.per_pe() ? fanout : 1;
            const int64_t moved = child.tiles * child.box_words * copies;
            const int64_t resumed = (child.tiles - first) * child.box_words * copies;
            parent.updates += moved;
            parent.reads += resumed;
            if (j != stages - 1) {
                // Every PE's words are drained (and summed on the way up); a resumed block's
                // partial sum returns to one PE of its lane group, whose sum it is.
                child.drains += moved * (c.per_pe() ? fanout / copies : 1);
                child.fills += resumed;
            }
            if (c.per_pe() && !p.per_pe()) {
                array.reductions = child.tiles * child.box_words * (fanout - 1);
                array.hops = array.reductions;
            }
        }
    } else {
        pe.reads = macs;
        array.kind = fanout == 1     ? DeliveryKind::Unicast
                     : fanout == pes ? DeliveryKind::Broadcast
                                     : DeliveryKind::Multicast;
        for (int j = 1; j < stages; ++j) {
            const StagePlan &c = t.stages[size_t(j)], &p = t.stages[size_t(j - 1)];
            LevelAccess &child = out.at[size_t(j)], &parent = out.at[size_t(j - 1)];
            const int64_t words = child.tiles * child.box_words;
            if (j == 1) {
                parent.reads = in_shape_box_positions(t, extent, stride);
                child.fills = words;
                if (c.per_pe()) {  // straight onto the array: each lane group's words to its PEs
                    child.fills = words * fanout;
                    (fanout == 1 ? array.unicasts : array.multicasts) += words;
                    array.hops += words * (fanout - 1);
                }
            } else if (!c.per_pe()) {
                parent.reads += words;
                child.fills += words;
            } else if (!p.per_pe()) {  // onto the array: one word per lane group, to fanout PEs
                parent.reads += words;
                child.fills += words * fanout;
                (fanout == 1 ? array.unicasts : array.multicasts) += words;
                array.hops += words * (fanout - 1);
            } else {                   // within each PE
                parent.reads += words * fanout;
                child.fills += words * fanout;
            }
        }
    }
}

void Model::price() {
    Estimate &e = est_;
    double hop_pj = arch_.hop_pj;
    e.energy_pj = 0;
    e.hop_energy_pj = 0;
    for (const TensorPlan &t : plans_) {
        TensorEstimate &te = e.tensors[int(t.operand)];
        for (size_t j = 0; j < t.stages.size(); ++j) {
            LevelAccess &a = te.at[j];
            a.read_energy_pj = double(a.total_reads()) * t.stages[j].read_pj;
            a.write_energy_pj = double(a.total_writes()) * t.stages[j].write_pj;
        }
        te.array.energy_pj = double(te.array.hops) * hop_pj;
        e.hop_energy_pj += te.array.energy_pj;
        e.energy_pj += te.energy_pj();
    }
    TensorEstimate &bias = e.tensors[int(Operand::B)];
    bias.stages = 1;
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
    rows_ = 1;
    cols_ = 1;
    for (int l : row_loops_) rows_ *= extent[l];
    for (int l : col_loops_) cols_ *= extent[l];
    e.mapped_pes = rows_ * cols_;
    e.arch_pes = arch_.rows * arch_.cols;
    run_from_ = 0;
    for (TensorPlan &t : plans_) {
        count_tensor(t, extent, stride, derive_boxes, e.tensors[int(t.operand)]);
        run_from_ = std::max(run_from_, t.stages[1].refill_from);  // as ir::NestAnalysis::run_from
    }
    count_cycles(extent);
    price();
    e.utilization = double(e.macs) / (double(e.arch_pes) * double(e.temporal_iterations));
    e.utilization_overall = double(e.macs) / (double(e.arch_pes) * double(e.cycles.total));
    return e;
}

void Model::write_boxes(ir::Mapping &mapping) const {
    for (const TensorPlan &t : plans_)
        for (const StagePlan &s : t.stages)
            if (s.buffer_index >= 0 && size_t(s.buffer_index) < mapping.buffers.size())
                mapping.buffers[size_t(s.buffer_index)].box = s.box;
}

std::string Model::fit_error() const {
    ir::Footprint footprints[3 * kMaxStages];
    int count = 0;
    for (const TensorPlan &t : plans_) {
        const TensorEstimate &te = est_.tensors[int(t.operand)];
        for (size_t j = 1; j < t.stages.size(); ++j) {
            const StagePlan &s = t.stages[j];
            footprints[count++] = {t.name.c_str(), s.level, te.at[j].box_words * t.onchip_bytes,
                                   int(t.operand), s.double_buffered, te.at[j].box_words};
        }
    }
    std::string error = ir::fit_error(arch_, rows_, cols_, footprints, count);
    return error.empty() ? pipeline_error_ : error;
}

}  // namespace tessera::model
