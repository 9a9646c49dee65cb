#include "DesignSpec.h"

#include "UserError.h"
#include "ir/Analysis.h"
#include "ir/Validate.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace tessera::rtl {

int bits_for(int64_t values) {
    int bits = 1;
    while ((int64_t(1) << bits) < values) ++bits;
    return bits;
}

int DesignSpec::loop_bits() const { return bits_for(loops + 1); }
int DesignSpec::dim_bits() const { return bits_for(dims); }

std::vector<int64_t> lane_digits(const std::vector<int64_t> &radix, int64_t lane) {
    std::vector<int64_t> digits(radix.size());
    for (size_t i = radix.size(); i-- > 0;) {
        digits[i] = lane % radix[i];
        lane /= radix[i];
    }
    return digits;
}

namespace {

// A lane's group along one axis and whether it leads it (TensorPorts::row_loops).
struct AxisGroup {
    int64_t group = 0;
    bool lead = true;
};

AxisGroup axis_group(bool depends, uint32_t loops, const std::vector<int64_t> &radix, int64_t lane) {
    if (!depends) return {0, lane == 0};
    if (loops == 0) return {lane, true};
    const std::vector<int64_t> digits = lane_digits(radix, lane);
    AxisGroup g;
    int64_t lanes = 1;
    for (size_t i = 0; i < radix.size(); ++i) {
        if (loops >> i & 1u) g.group = g.group * radix[i] + digits[i];  // the digits it depends on
        else g.lead &= digits[i] == 0;
        lanes *= radix[i];
    }
    // A lane past the axis's wired lanes (a pipelined array is the architecture's size) is in no
    // layer's use: its digits wrap onto a group's, but it never leads it (its validity would
    // stand for the group's).
    if (lane >= lanes) g.lead = false;
    return g;
}

int64_t axis_groups(bool depends, uint32_t loops, const std::vector<int64_t> &radix, int64_t lanes) {
    if (!depends) return 1;
    if (loops == 0) return lanes;
    int64_t groups = 1;
    for (size_t i = 0; i < radix.size(); ++i)
        if (loops >> i & 1u) groups *= radix[i];
    return groups;
}

}  // namespace

int64_t lane_rows(const TensorPorts &p, const DesignSpec &d) {
    return axis_groups(p.depends_on_rows, p.row_loops, d.row_radix, d.rows);
}
int64_t lane_cols(const TensorPorts &p, const DesignSpec &d) {
    return axis_groups(p.depends_on_cols, p.col_loops, d.col_radix, d.cols);
}
int64_t lane_groups(const TensorPorts &p, const DesignSpec &d) { return lane_rows(p, d) * lane_cols(p, d); }
int64_t row_group(const TensorPorts &p, const DesignSpec &d, int64_t r) {
    return axis_group(p.depends_on_rows, p.row_loops, d.row_radix, r).group;
}
int64_t col_group(const TensorPorts &p, const DesignSpec &d, int64_t c) {
    return axis_group(p.depends_on_cols, p.col_loops, d.col_radix, c).group;
}
bool row_lead(const TensorPorts &p, const DesignSpec &d, int64_t r) {
    return axis_group(p.depends_on_rows, p.row_loops, d.row_radix, r).lead;
}
bool col_lead(const TensorPorts &p, const DesignSpec &d, int64_t c) {
    return axis_group(p.depends_on_cols, p.col_loops, d.col_radix, c).lead;
}

namespace {
int64_t buffer_bytes_of(int64_t words, int bits, bool two_banks) {
    return words * ((bits + 7) / 8) * (two_banks ? 2 : 1);
}
}  // namespace

int64_t DesignSpec::buffer_bytes() const {
    return buffer_bytes_of(input_depth, input_bits, input_glb_banked()) +
           buffer_bytes_of(input_outer_depth, input_bits, input_double_buffered) +
           buffer_bytes_of(weight_outer_depth, weight_bits, weight_double_buffered) +
           buffer_bytes_of(weight_depth, weight_bits, weight_glb_banked()) +
           buffer_bytes_of(output_depth, acc_bits, output_glb_banked()) +
           buffer_bytes_of(output_outer_depth, acc_bits, output_double_buffered) + bias_table_bytes();
}

int64_t DesignSpec::bias_table_bytes() const {
    return buffer_bytes_of(bias_depth, acc_bits, false) +
           (channel_requant ? buffer_bytes_of(bias_depth, 32, false) : 0) +
           (channel_weight_zero_point ? buffer_bytes_of(bias_depth, 16, false) : 0);
}

int64_t DesignSpec::buffer_bytes_at(int level) const {
    return buffer_bytes_at(level, 0) + buffer_bytes_at(level, 1) + buffer_bytes_at(level, 2);
}

int64_t DesignSpec::buffer_bytes_at(int level, int role) const {
    int64_t bytes = 0;
    if (role == 0 && input_level == level) bytes += buffer_bytes_of(input_depth, input_bits, input_glb_banked());
    if (role == 0 && input_outer_level == level) bytes += buffer_bytes_of(input_outer_depth, input_bits, input_double_buffered);
    if (role == 1 && weight_level == level) bytes += buffer_bytes_of(weight_depth, weight_bits, weight_glb_banked());
    if (role == 1 && weight_outer_level == level) bytes += buffer_bytes_of(weight_outer_depth, weight_bits, weight_double_buffered);
    if (role == 2 && output_level == level) bytes += buffer_bytes_of(output_depth, acc_bits, output_glb_banked());
    if (role == 2 && output_outer_level == level) bytes += buffer_bytes_of(output_outer_depth, acc_bits, output_double_buffered);
    if (role == 2 && bias_level == level) bytes += bias_table_bytes();
    return bytes;
}

TensorPorts ports_in(const ir::NestAnalysis &nest, ir::TensorRole role) {
    const ir::TensorAccess &a = nest.access(role);
    TensorPorts p;
    auto any = [&](const std::vector<int> &axis) {
        return std::any_of(axis.begin(), axis.end(), [&](int l) { return bool(a.depends[size_t(l)]); });
    };
    p.depends_on_rows = any(nest.row_loops);
    p.depends_on_cols = any(nest.col_loops);
    // Some of an axis's loops only: which loops, and which of the axis's dim slots.
    auto some = [&](const std::vector<int> &axis, uint32_t &loops, uint32_t &slots) {
        const std::vector<std::string> dims = axis_dims(nest, axis);
        uint32_t all = 0;
        for (size_t i = 0; i < axis.size(); ++i) {
            all |= 1u << i;
            if (!a.depends[size_t(axis[i])]) continue;
            loops |= 1u << i;
            const std::string &dim = nest.ir->mapping.loops[size_t(axis[i])].dim;
            slots |= 1u << (std::find(dims.begin(), dims.end(), dim) - dims.begin());
        }
        if (loops == all) loops = slots = 0;
    };
    some(nest.row_loops, p.row_loops, p.row_slots);
    some(nest.col_loops, p.col_loops, p.col_slots);
    return p;
}

TensorPorts ports_of(const ir::AcceleratorIR &layer, ir::TensorRole role) { return ports_in(ir::analyze(layer), role); }

namespace {

// The design's levels as an architecture: names, per-PE and double-buffered flags, all that the
// analysis and ir::double_buffered read.
ir::Architecture levels_of(const DesignSpec &d) {
    ir::Architecture levels;
    for (const DesignSpec::Level &dl : d.levels) {
        ir::MemoryLevel l;
        l.name = dl.name;
        l.per_pe = dl.per_pe;
        l.double_buffered = dl.double_buffered;
        levels.levels.push_back(l);
    }
    return levels;
}

}  // namespace

ir::NestAnalysis analyze_on(const DesignSpec &d, const ir::AcceleratorIR &layer) {
    if (d.levels.empty()) return ir::analyze(layer);
    const ir::Architecture levels = levels_of(d);
    return ir::analyze(layer, &levels);
}

bool has_register_level(const ir::TensorAccess &a) {
    const size_t last = a.stages.size() - 1;
    return a.stages[last].kind == ir::StageKind::PerPe && ir::loads_in_pipeline(a, last);
}

const ir::Stage *pe_file_stage(const ir::TensorAccess &a) {
    const size_t file = a.stages.size() - (has_register_level(a) ? 2 : 1);
    return a.stages[file].kind == ir::StageKind::PerPe ? &a.stages[file] : nullptr;
}

int64_t pe_tile_words(const ir::TensorAccess &a) {
    const ir::Stage *file = pe_file_stage(a);
    return file ? file->words() : 0;
}

size_t pe_file_index(const ir::TensorAccess &a) { return a.stages.size() - (has_register_level(a) ? 2 : 1); }

size_t array_facing_index(const ir::TensorAccess &a) {
    for (size_t j = a.stages.size(); j-- > 1;)
        if (a.stages[j].kind == ir::StageKind::Shared) return j;
    return 0;
}

bool stage_prefetched(const DesignSpec &d, const ir::TensorAccess &a, size_t j) {
    if (j < 2 || j >= a.stages.size() || d.levels.empty()) return false;
    const ir::Stage &s = a.stages[j];
    return ir::prefetched(ir::double_buffered(levels_of(d), a, j), s.kind, a.stages[j - 1].kind,
                          ir::loads_in_pipeline(a, j));
}

int stage_prefetch_loop(const DesignSpec &d, const ir::NestAnalysis &nest, const ir::TensorAccess &a, size_t j) {
    return stage_prefetched(d, a, j) ? ir::prefetch_loop(nest, a, j) : -1;
}

const ir::Stage &array_facing_stage(const ir::TensorAccess &a) { return a.stages[array_facing_index(a)]; }

int shared_stages(const ir::TensorAccess &a) {
    return int(std::count_if(a.stages.begin(), a.stages.end(),
                             [](const ir::Stage &s) { return s.kind == ir::StageKind::Shared; }));
}

int64_t outer_tile_words(const ir::TensorAccess &a) { return shared_stages(a) == 2 ? a.stages[1].words() : 0; }

std::vector<std::string> axis_dims(const ir::NestAnalysis &nest, const std::vector<int> &axis) {
    std::vector<std::string> dims;
    for (int l : axis) {
        const std::string &dim = nest.ir->mapping.loops[size_t(l)].dim;
        if (std::find(dims.begin(), dims.end(), dim) == dims.end()) dims.push_back(dim);
    }
    return dims;
}

namespace {

// The dims of an axis, outermost digit first: "c,r,s" ("" for none).
std::string joined_dims(const ir::NestAnalysis &nest, const std::vector<int> &axis) {
    std::string joined;
    for (const auto &dim : axis_dims(nest, axis)) joined += (joined.empty() ? "" : ",") + dim;
    return joined;
}

}  // namespace

int64_t largest_extent(const ir::AcceleratorIR &ir) {
    int64_t largest = 1;
    for (const auto &dim : ir.problem.dims) largest = std::max(largest, dim.extent);
    for (const auto &loop : ir.mapping.loops) largest = std::max(largest, loop.extent * loop.stride);
    for (const auto &t : ir.problem.tensors)
        for (int64_t e : t.shape) largest = std::max(largest, e);
    for (const auto &b : ir.mapping.buffers)
        for (int64_t e : b.box) largest = std::max(largest, e);
    return largest;
}

ir::Architecture generated_architecture(const ir::Architecture &arch) {
    ir::Architecture hw = arch;
    if (!hw.levels.empty()) {
        hw.levels.front().words_per_cycle = 1;
        hw.levels.front().banks = 1;
    }
    // A shared level with another shared level inside it feeds it through the inner-tile fill
    // walk, one word per cycle (EmitStaging.cpp).
    for (size_t i = 1; i + 1 < hw.levels.size(); ++i)
        if (!hw.is_per_pe(i) && !hw.is_per_pe(i + 1)) {
            hw.levels[i].words_per_cycle = 1;
            hw.levels[i].banks = 1;
        }
    return hw;
}

DesignSpec design_for(const std::vector<ir::AcceleratorIR> &layers, const ir::Architecture &arch,
                      const std::string &name) {
    if (layers.empty()) throw UserError("no layers to generate a design for");
    DesignSpec d;
    for (size_t i = 0; i < arch.levels.size(); ++i)
        d.levels.push_back({arch.levels[i].name, arch.is_per_pe(i), arch.levels[i].double_buffered});
    std::vector<ir::NestAnalysis> nests;
    for (const auto &l : layers) nests.push_back(analyze_on(d, l));
    for (size_t i = 0; i < layers.size(); ++i) {
        const ir::AcceleratorIR &l = layers[i];
        const ir::NestAnalysis &nest = nests[i];
        if (std::string no = not_generated(nest); !no.empty())
            throw UserError("layer " + l.problem.layer.name + ": the mapping " + no);
        // Transfers below the DRAM-fed buffer (per-PE fills, copies between two shared levels)
        // stall the array, but an operand's per-PE files and inner shared tile on a
        // double-buffered level, filled from a shared tile, prefetch (stage_prefetched); the
        // output's blocks there keep one copy (ir::double_buffered). What else the model would
        // overlap (a tile filled from a second per-PE file, refused above by not_generated) is
        // refused here too, so that no design stalls where its model overlaps.
        for (const auto &t : nest.tensors)
            for (size_t j = 2; j < t.stages.size(); ++j) {
                const ir::Stage &s = t.stages[j];
                if (ir::loads_in_pipeline(t, j) || !s.buffer || !ir::double_buffered(arch, t, j)) continue;
                if (stage_prefetched(d, t, j)) continue;
                throw UserError("layer " + l.problem.layer.name + ": " +
                                (s.kind == ir::StageKind::PerPe ? "per-PE level " : "inner shared level ") +
                                s.buffer->level + " of " + t.tensor->name +
                                " is double buffered; the generated RTL prefetches the operands' per-PE files and "
                                "inner tiles only and moves these tiles while the array stalls: keep the tile "
                                "single (hw::single_buffered), set \"double_buffered\": false on the level, or "
                                "estimate with the model");
            }
    }
    d.name = name;
    d.architecture = arch.name;
    d.dram_latency = arch.dram_latency_cycles;
    // A pipelined array is the architecture's: its skew (the flush the model counts) is the whole
    // array's, whatever part of it a layer uses.
    d.skew_tile = arch.skew_tile();
    if (d.skew_tile) {
        d.rows = arch.rows;
        d.cols = arch.cols;
    }
    // One layer's mapping fixes the interconnect; layers wired otherwise do not run on the design.
    // It is the wiring the most layers share (of those layers, the one using the most PEs, the
    // first such): a network whose few layers map onto more PEs keeps its common wiring.
    auto wire_like = [&](size_t i, DesignSpec &w) {
        const ir::NestAnalysis &shape_nest = nests[i];
        w.input = ports_in(shape_nest, ir::TensorRole::Input);
        w.weight = ports_in(shape_nest, ir::TensorRole::Weight);
        w.output = ports_in(shape_nest, ir::TensorRole::Output);
        w.row_radix.clear(), w.col_radix.clear();
        // A tensor on some of an axis's loops only: the lane groups are wired for the axis's lanes.
        const std::tuple<std::vector<int64_t> *, const std::vector<int> *, uint32_t> axes[] = {
            {&w.row_radix, &shape_nest.row_loops, w.input.row_loops | w.weight.row_loops | w.output.row_loops},
            {&w.col_radix, &shape_nest.col_loops, w.input.col_loops | w.weight.col_loops | w.output.col_loops}};
        for (const auto &[radix, loops, some] : axes) {
            if (!some) continue;
            for (int l : *loops) radix->push_back(layers[i].mapping.loops[size_t(l)].extent);
        }
    };
    auto pes = [&](size_t i) { return layers[i].mapping.array_rows() * layers[i].mapping.array_cols(); };
    size_t shape = 0;
    for (size_t i = 1; i < layers.size(); ++i)
        if (pes(i) > pes(shape)) shape = i;
    if (layers.size() > 1) {
        size_t best_runs = 0;
        std::map<std::vector<int64_t>, size_t> runs_of;  // wirings already counted
        for (size_t i = 0; i < layers.size(); ++i) {
            DesignSpec w = d;
            try {
                wire_like(i, w);
            } catch (const UserError &) {
                continue;  // a pipelined array cannot take this wiring
            }
            std::vector<int64_t> wiring(w.row_radix.begin(), w.row_radix.end());
            wiring.push_back(-1);
            wiring.insert(wiring.end(), w.col_radix.begin(), w.col_radix.end());
            for (const TensorPorts *p : {&w.input, &w.weight, &w.output})
                wiring.insert(wiring.end(), {p->depends_on_rows, p->depends_on_cols, p->row_loops, p->col_loops,
                                             p->row_slots, p->col_slots});
            auto [at, first] = runs_of.emplace(wiring, 0);
            if (first)
                for (size_t j = 0; j < layers.size(); ++j) at->second += why_not_wired(w, nests[j]).empty();
            const size_t runs = at->second;
            if (runs > best_runs || (runs == best_runs && pes(i) > pes(shape))) best_runs = runs, shape = i;
        }
    }
    const ir::NestAnalysis &shape_nest = nests[shape];
    d.row_dim = joined_dims(shape_nest, shape_nest.row_loops);
    d.col_dim = joined_dims(shape_nest, shape_nest.col_loops);
    wire_like(shape, d);
    const auto &first = layers.front().problem;
    d.input_bits = d.input_elem_bits = first.tensor(ir::TensorRole::Input).elem_bits;
    d.weight_bits = d.weight_elem_bits = first.tensor(ir::TensorRole::Weight).elem_bits;
    d.acc_bits = first.acc_bits;
    d.out_bits = first.post.out_bits;
    d.schedule = layers.front().mapping.schedule;
    // Double buffering follows the level each DRAM-fed buffer is placed on, unless the mapping
    // keeps the buffer single.
    for (auto [role, twice, once] : {std::tuple<ir::TensorRole, bool *, bool *>{ir::TensorRole::Input,
                                        &d.input_double_buffered, &d.input_single_buffered},
                                    {ir::TensorRole::Weight, &d.weight_double_buffered, &d.weight_single_buffered},
                                    {ir::TensorRole::Output, &d.output_double_buffered, &d.output_single_buffered}}) {
        const ir::Buffer &b = *shape_nest.access(role).buffer;
        // Per-PE tiles fed from DRAM move lane group by lane group while the array waits.
        *twice = ir::double_buffered(arch, b) && !dram_fed(shape_nest.access(role));
        *once = arch.levels[size_t(ir::buffer_level(arch, b))].double_buffered && b.single_buffered;
    }
    auto level_of = [&](const ir::Stage &stage) {
        return stage.kind == ir::StageKind::Shared ? ir::buffer_level(arch, *stage.buffer) : -1;
    };
    for (auto [role, inner, outer] : {std::tuple<ir::TensorRole, int *, int *>{ir::TensorRole::Input, &d.input_level,
                                                                                &d.input_outer_level},
                                      {ir::TensorRole::Weight, &d.weight_level, &d.weight_outer_level},
                                      {ir::TensorRole::Output, &d.output_level, &d.output_outer_level}}) {
        const ir::TensorAccess &a = shape_nest.access(role);
        *inner = level_of(array_facing_stage(a));
        if (outer && shared_stages(a) == 2) *outer = level_of(a.stages[1]);
    }
    int64_t max_dim = 1;
    for (size_t i = 0; i < layers.size(); ++i) {
        const ir::AcceleratorIR &l = layers[i];
        const ir::NestAnalysis &nest = nests[i];
        // Layers that need another interconnect do not size this design (they do not run on it).
        if (!why_not_wired(d, nest).empty()) continue;
        d.rows = std::max(d.rows, nest.rows);
        d.cols = std::max(d.cols, nest.cols);
        d.loops = std::max(d.loops, int(nest.temporal.size()));
        d.dims = std::max(d.dims, int(l.problem.dims.size()));
        if (nest.row_loops.size() > 1)
            d.row_axis_dims = std::max(d.row_axis_dims, int(axis_dims(nest, nest.row_loops).size()));
        if (nest.col_loops.size() > 1)
            d.col_axis_dims = std::max(d.col_axis_dims, int(axis_dims(nest, nest.col_loops).size()));
        for (const auto &t : l.problem.tensors) d.coords = std::max(d.coords, int(t.shape.size()));
        for (auto [role, depth, fed] : {std::tuple<ir::TensorRole, int64_t *, bool *>{ir::TensorRole::Input, &d.input_depth, &d.input_dram_fed},
                                        {ir::TensorRole::Weight, &d.weight_depth, &d.weight_dram_fed}}) {
            const ir::TensorAccess &a = nest.access(role);
            if (dram_fed(a)) *fed = true;
            else *depth = std::max(*depth, array_facing_stage(a).words());
        }
        d.input_outer_depth = std::max(d.input_outer_depth, outer_tile_words(nest.access(ir::TensorRole::Input)));
        d.weight_outer_depth = std::max(d.weight_outer_depth, outer_tile_words(nest.access(ir::TensorRole::Weight)));
        if (dram_fed(nest.access(ir::TensorRole::Output))) d.output_dram_fed = true;
        else d.output_depth = std::max(d.output_depth, array_facing_stage(nest.access(ir::TensorRole::Output)).words());
        d.output_outer_depth = std::max(d.output_outer_depth, outer_tile_words(nest.access(ir::TensorRole::Output)));
        d.input_pe_depth = std::max(d.input_pe_depth, pe_tile_words(nest.access(ir::TensorRole::Input)));
        d.weight_pe_depth = std::max(d.weight_pe_depth, pe_tile_words(nest.access(ir::TensorRole::Weight)));
        d.input_pe_double_buffered |= pe_file_prefetched(d, nest.access(ir::TensorRole::Input));
        d.weight_pe_double_buffered |= pe_file_prefetched(d, nest.access(ir::TensorRole::Weight));
        d.input_stage_double_buffered |= inner_tile_prefetched(d, nest.access(ir::TensorRole::Input));
        d.weight_stage_double_buffered |= inner_tile_prefetched(d, nest.access(ir::TensorRole::Weight));
        d.input_register_level |= has_register_level(nest.access(ir::TensorRole::Input));
        d.weight_register_level |= has_register_level(nest.access(ir::TensorRole::Weight));
        d.output_register_level |= has_register_level(nest.access(ir::TensorRole::Output));
        d.output_pe_depth = std::max(d.output_pe_depth, pe_tile_words(nest.access(ir::TensorRole::Output)));
        if (l.problem.post.bias) d.bias_depth = std::max(d.bias_depth, l.problem.bias_words());
        d.input_bits = std::max(d.input_bits, l.problem.tensor(ir::TensorRole::Input).operand_bits());
        d.weight_bits = std::max(d.weight_bits, l.problem.tensor(ir::TensorRole::Weight).operand_bits());
        d.fixed_point_requant |= l.problem.post.multiplier != 0;
        d.channel_requant |= l.problem.post.per_channel();
        d.channel_weight_zero_point |= !l.problem.tensor(ir::TensorRole::Weight).channel_zero_point.empty();
        max_dim = std::max(max_dim, largest_extent(l));
        d.layers.push_back(l.problem.layer.name);
    }
    // A DRAM-fed operand has no shared buffer (its layers all are: why_not_same_kind).
    if (d.input_dram_fed) d.input_depth = 0;
    if (d.weight_dram_fed) d.weight_depth = 0;
    if (d.output_dram_fed) d.output_depth = 0;
    d.bias_level = d.output_staged() ? d.output_outer_level : d.output_level;
    if (d.output_dram_fed)
        for (size_t l = 1; l < arch.levels.size() && d.bias_level < 0; ++l)
            if (!arch.is_per_pe(l)) d.bias_level = int(l);
    if (d.output_staged())
        d.output_stage_element_cycles = arch.levels[size_t(d.output_level)].words_per_element(
            int(ir::onchip_element_bytes(first, first.tensor(ir::TensorRole::Output)) * 8));
    // Dim indices run past the extent by at most one tile in a tail; two bits of headroom.
    d.index_bits = std::max(8, bits_for(max_dim + 1) + 2);
    return d;
}

nlohmann::json to_json(const DesignSpec &d) {
    auto ports = [&](const TensorPorts &p, bool output) {
        auto kind = [&](bool depends, uint32_t some) {
            return some ? (output ? "reduced within the axis" : "multicast within the axis")
                   : depends ? "per-lane" : output ? "reduced" : "shared";
        };
        return nlohmann::json{{"rows", kind(p.depends_on_rows, p.row_loops)},
                              {"cols", kind(p.depends_on_cols, p.col_loops)},
                              {"groups", lane_groups(p, d)}};
    };
    nlohmann::json j = {{"top", d.name},
            {"architecture", d.architecture},
            {"rows", d.rows},
            {"cols", d.cols},
            {"row_dim", d.row_dim},
            {"col_dim", d.col_dim},
            {"interconnect", {{"I", ports(d.input, false)}, {"W", ports(d.weight, false)}, {"O", ports(d.output, true)}}},
            {"axis_lane_tables", {{"rows", d.row_axis_dims}, {"cols", d.col_axis_dims}}},
            {"pipeline", {{"tile", d.skew_tile}, {"skew", d.skew()}}},
            {"loop_slots", d.loops},
            {"dim_slots", d.dims},
            {"index_bits", d.index_bits},
            {"buffers",
             {{"I", {{"words", d.input_depth}, {"bits", d.input_bits}, {"double_buffered", d.input_double_buffered}}},
              {"W", {{"words", d.weight_depth}, {"bits", d.weight_bits}, {"double_buffered", d.weight_double_buffered}}},
              {"O", {{"words", d.output_depth}, {"bits", d.acc_bits}, {"double_buffered", d.output_double_buffered}}},
              {"B", {{"words", d.bias_depth}, {"bits", d.acc_bits}}}}},
            {"per_pe_files", {{"I", d.input_pe_depth}, {"W", d.weight_pe_depth}, {"O", d.output_pe_depth}}},
            {"register_levels", {{"I", d.input_register_level}, {"W", d.weight_register_level}, {"O", d.output_register_level}}},
            {"dram_fed_files", {{"I", d.input_dram_fed}, {"W", d.weight_dram_fed}, {"O", d.output_dram_fed}}},
            {"buffer_bytes", d.buffer_bytes()},
            {"dram_latency", d.dram_latency},
            {"sized_for", d.layers}};
    if (d.input_pe_double_buffered || d.weight_pe_double_buffered)
        j["per_pe_files_double_buffered"] = {{"I", d.input_pe_double_buffered}, {"W", d.weight_pe_double_buffered}};
    if (d.input_stage_double_buffered || d.weight_stage_double_buffered)
        j["inner_tiles_double_buffered"] = {{"I", d.input_stage_double_buffered}, {"W", d.weight_stage_double_buffered}};
    if (!d.row_radix.empty()) j["row_lanes"] = d.row_radix;
    if (!d.col_radix.empty()) j["col_lanes"] = d.col_radix;
    if (d.staged() || d.output_staged())
        j["outer_buffers"] = {{"I", d.input_outer_depth}, {"W", d.weight_outer_depth}, {"O", d.output_outer_depth}};
    return j;
}

}  // namespace tessera::rtl
