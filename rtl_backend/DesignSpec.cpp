#include "DesignSpec.h"

#include "AddressMath.h"
#include "UserError.h"
#include "ir/Analysis.h"
#include "ir/Timing.h"
#include "ir/Validate.h"

#include <algorithm>
#include <sstream>
#include <tuple>

namespace tessera::rtl {

int bits_for(int64_t values) {
    int bits = 1;
    while ((int64_t(1) << bits) < values) ++bits;
    return bits;
}

int DesignSpec::loop_bits() const { return bits_for(loops + 1); }
int DesignSpec::dim_bits() const { return bits_for(dims); }

int64_t DesignSpec::buffer_bytes() const {
    auto bytes = [](int64_t words, int bits, bool two_banks) {
        return words * ((bits + 7) / 8) * (two_banks ? 2 : 1);
    };
    return bytes(input_depth, input_bits, input_double_buffered) +
           bytes(weight_depth, weight_bits, weight_double_buffered) +
           bytes(output_depth, acc_bits, output_double_buffered) + bytes(bias_depth, acc_bits, false);
}

TensorPorts ports_of(const ir::AcceleratorIR &layer, ir::TensorRole role) {
    const ir::NestAnalysis nest = ir::analyze(layer);
    const ir::TensorAccess &a = nest.access(role);
    TensorPorts p;
    p.depends_on_rows = nest.row_loop >= 0 && a.depends[nest.row_loop];
    p.depends_on_cols = nest.col_loop >= 0 && a.depends[nest.col_loop];
    return p;
}

namespace {

std::string kinds(const TensorPorts &p) {
    return std::string(p.depends_on_rows ? "per-row" : "shared-rows") + "/" +
           (p.depends_on_cols ? "per-col" : "shared-cols");
}

std::string loop_dim(const ir::AcceleratorIR &ir, ir::LoopKind kind) {
    for (const auto &l : ir.mapping.loops)
        if (l.kind == kind) return l.dim;
    return "";
}

// An array dimension a layer leaves at extent 1 accepts either connection kind.
bool compatible(bool design_dep, bool layer_dep, bool layer_uses_dim) {
    return !layer_uses_dim || design_dep == layer_dep;
}

// The largest value an index-width register holds: dim and loop extents, tensor shapes, boxes.
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

int64_t output_channels(const ir::AcceleratorIR &ir) { return ir.problem.bias_words(); }

}  // namespace

ir::Architecture generated_architecture(const ir::Architecture &arch) {
    ir::Architecture hw = arch;
    if (!hw.levels.empty()) {
        hw.levels.front().words_per_cycle = 1;
        hw.levels.front().banks = 1;
    }
    return hw;
}

// What of the general mapping IR the generated hardware does not build yet (docs/rtl.md): the
// model estimates these mappings; compile names the construct.
std::string not_generated(const ir::NestAnalysis &nest) {
    if (nest.row_loops.size() > 1 || nest.col_loops.size() > 1)
        return "maps several loops to one array axis (" +
               std::to_string(nest.row_loops.size()) + " on the rows, " +
               std::to_string(nest.col_loops.size()) +
               " on the columns); the generated RTL takes one loop per axis so far: use a preset "
               "with one dim per axis, or estimate this mapping with the model";
    for (const auto &t : nest.tensors) {
        for (const auto &s : t.stages)
            if (s.kind == ir::StageKind::PerPe)
                return "keeps a per-PE tile of " + t.tensor->name + " at " + s.buffer->level +
                       "; the generated RTL has one register per operand per PE so far: estimate "
                       "this mapping with the model, or compute the tile above the unrolled loops";
        if (t.stages.size() > 3)
            return "keeps " + t.tensor->name + " at " + std::to_string(t.stages.size() - 2) +
                   " shared on-chip levels; the generated RTL has one on-chip buffer per tensor so "
                   "far: estimate this mapping with the model";
    }
    return {};
}

std::string why_not_fits(const DesignSpec &d, const ir::AcceleratorIR &ir) {
    ir::NestAnalysis nest;
    try {
        nest = ir::analyze(ir);
    } catch (const std::exception &e) {
        return e.what();
    }
    if (std::string no = not_generated(nest); !no.empty()) return no;
    std::ostringstream why;
    if (nest.rows > d.rows || nest.cols > d.cols) {
        why << "needs a " << nest.rows << "x" << nest.cols << " array, the design has " << d.rows
            << "x" << d.cols;
        return why.str();
    }
    if (nest.rows > 1 && nest.cols > 1 && nest.row_loop >= 0 && nest.col_loop >= 0 &&
        ir.mapping.loops[nest.row_loop].dim == ir.mapping.loops[nest.col_loop].dim)
        return "maps dim " + ir.mapping.loops[nest.row_loop].dim + " to both rows and columns";
    const std::pair<const char *, const TensorPorts *> tensors[] = {
        {"input", &d.input}, {"weight", &d.weight}, {"output", &d.output}};
    const ir::TensorRole roles[] = {ir::TensorRole::Input, ir::TensorRole::Weight,
                                    ir::TensorRole::Output};
    for (int i = 0; i < 3; ++i) {
        TensorPorts p = ports_of(ir, roles[i]);
        if (!compatible(tensors[i].second->depends_on_rows, p.depends_on_rows, nest.rows > 1) ||
            !compatible(tensors[i].second->depends_on_cols, p.depends_on_cols, nest.cols > 1)) {
            why << "its " << tensors[i].first << " meets the array as " << kinds(p)
                << ", the design wires it " << kinds(*tensors[i].second)
                << " (different spatial mapping)";
            return why.str();
        }
    }
    if (int(nest.temporal.size()) > d.loops) {
        why << "has " << nest.temporal.size() << " temporal loops, the controller has " << d.loops;
        return why.str();
    }
    if (int(ir.problem.dims.size()) > d.dims) {
        why << "has " << ir.problem.dims.size() << " dims, the design has " << d.dims;
        return why.str();
    }
    const std::pair<const char *, int64_t> depth[] = {
        {"input", d.input_depth}, {"weight", d.weight_depth}, {"output", d.output_depth}};
    for (int i = 0; i < 3; ++i) {
        const ir::TensorAccess &a = nest.access(roles[i]);
        if (int(a.box.size()) > d.coords) {
            why << "its " << depth[i].first << " has " << a.box.size() << " coordinates, the DMA walks "
                << d.coords;
            return why.str();
        }
        int64_t words = a.buffer->words();
        if (words > depth[i].second) {
            why << "its " << depth[i].first << " tile needs " << words << " words, the "
                << depth[i].first << " buffer holds " << depth[i].second << " (short by "
                << words - depth[i].second << ")";
            return why.str();
        }
    }
    if (ir.problem.post.bias && output_channels(ir) > d.bias_depth) {
        why << "has " << output_channels(ir) << " output channels, the bias table holds " << d.bias_depth;
        return why.str();
    }
    const int64_t largest = largest_extent(ir);
    if (largest >= (int64_t(1) << (d.index_bits - 2))) {
        why << "an extent of " << largest << " needs more than the design's " << d.index_bits
            << "-bit index registers";
        return why.str();
    }
    if (back_to_back_psum(nest))
        return "two consecutive iterations accumulate into the same output word (partial-sum "
               "read-after-write in the pipeline); put an output-independent loop innermost";
    const ir::Tensor &in = ir.problem.tensor(ir::TensorRole::Input);
    const ir::Tensor &wt = ir.problem.tensor(ir::TensorRole::Weight);
    // The output's on-chip element is the accumulator; its DRAM element is the post-op's out_bits.
    if (in.elem_bits != d.input_elem_bits || wt.elem_bits != d.weight_elem_bits ||
        in.operand_bits() > d.input_bits || wt.operand_bits() > d.weight_bits ||
        ir.problem.acc_bits != d.acc_bits || ir.problem.post.out_bits != d.out_bits)
        return "element widths differ from the design's";
    if (ir.problem.post.multiplier != 0 && !d.fixed_point_requant)
        return "it requantizes by a multiplier, the design's post-op by a shift alone";
    // A pipelined array preloads per-PE operands (EmitSystolicArray.cpp): a word must stay in
    // the PEs for the array's skew.
    for (const auto &[name, ports, role] : {std::tuple{"input", &d.input, ir::TensorRole::Input},
                                            std::tuple{"weight", &d.weight, ir::TensorRole::Weight}}) {
        if (!d.skew_tile || !ports->depends_on_rows || !ports->depends_on_cols) continue;
        const int64_t block = ir::temporal_product(nest, nest.access(role).stationary_from,
                                                   int(ir.mapping.loops.size()));
        if (block < d.skew()) {
            why << "its " << name << " reloads into the PEs every " << block << " cycles, the pipelined "
                << "array preloads it " << d.skew() << " cycles ahead (keep it stationary longer)";
            return why.str();
        }
    }
    return "";
}

DesignSpec design_for(const std::vector<ir::AcceleratorIR> &layers, const ir::Architecture &arch,
                      const std::string &name) {
    if (layers.empty()) throw UserError("no layers to generate a design for");
    for (const auto &l : layers)
        if (std::string no = not_generated(ir::analyze(l)); !no.empty())
            throw UserError("layer " + l.problem.layer.name + ": the mapping " + no);
    DesignSpec d;
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
    // The first layer that uses both array dimensions fixes the interconnect; the others must match.
    const ir::AcceleratorIR *shape_from = &layers.front();
    for (const auto &l : layers) {
        if (l.mapping.array_rows() * l.mapping.array_cols() >
            shape_from->mapping.array_rows() * shape_from->mapping.array_cols())
            shape_from = &l;
    }
    d.row_dim = loop_dim(*shape_from, ir::LoopKind::SpatialRow);
    d.col_dim = loop_dim(*shape_from, ir::LoopKind::SpatialCol);
    d.input = ports_of(*shape_from, ir::TensorRole::Input);
    d.weight = ports_of(*shape_from, ir::TensorRole::Weight);
    d.output = ports_of(*shape_from, ir::TensorRole::Output);
    const auto &first = layers.front().problem;
    d.input_bits = d.input_elem_bits = first.tensor(ir::TensorRole::Input).elem_bits;
    d.weight_bits = d.weight_elem_bits = first.tensor(ir::TensorRole::Weight).elem_bits;
    d.acc_bits = first.acc_bits;
    d.out_bits = first.post.out_bits;
    d.schedule = layers.front().mapping.schedule;
    // Double buffering follows the architecture level each buffer is placed on.
    const ir::NestAnalysis shape_nest = ir::analyze(*shape_from);
    auto double_buffered = [&](ir::TensorRole role) {
        return arch.levels[size_t(ir::buffer_level(arch, *shape_nest.access(role).buffer))].double_buffered;
    };
    d.input_double_buffered = double_buffered(ir::TensorRole::Input);
    d.weight_double_buffered = double_buffered(ir::TensorRole::Weight);
    d.output_double_buffered = double_buffered(ir::TensorRole::Output);
    int64_t max_dim = 1;
    for (const auto &l : layers) {
        // Layers that need another interconnect do not size this design (they do not run on it).
        bool same_interconnect = true;
        const ir::TensorRole roles[] = {ir::TensorRole::Input, ir::TensorRole::Weight, ir::TensorRole::Output};
        const TensorPorts *ports[] = {&d.input, &d.weight, &d.output};
        for (int i = 0; i < 3; ++i) {
            const TensorPorts p = ports_of(l, roles[i]);
            same_interconnect = same_interconnect &&
                                compatible(ports[i]->depends_on_rows, p.depends_on_rows, l.mapping.array_rows() > 1) &&
                                compatible(ports[i]->depends_on_cols, p.depends_on_cols, l.mapping.array_cols() > 1);
        }
        if (!same_interconnect) continue;
        const ir::NestAnalysis nest = ir::analyze(l);
        d.rows = std::max(d.rows, nest.rows);
        d.cols = std::max(d.cols, nest.cols);
        d.loops = std::max(d.loops, int(nest.temporal.size()));
        d.dims = std::max(d.dims, int(l.problem.dims.size()));
        for (const auto &t : l.problem.tensors) d.coords = std::max(d.coords, int(t.shape.size()));
        d.input_depth = std::max(d.input_depth, nest.access(ir::TensorRole::Input).buffer->words());
        d.weight_depth = std::max(d.weight_depth, nest.access(ir::TensorRole::Weight).buffer->words());
        d.output_depth = std::max(d.output_depth, nest.access(ir::TensorRole::Output).buffer->words());
        if (l.problem.post.bias) d.bias_depth = std::max(d.bias_depth, output_channels(l));
        d.input_bits = std::max(d.input_bits, l.problem.tensor(ir::TensorRole::Input).operand_bits());
        d.weight_bits = std::max(d.weight_bits, l.problem.tensor(ir::TensorRole::Weight).operand_bits());
        d.fixed_point_requant |= l.problem.post.multiplier != 0;
        max_dim = std::max(max_dim, largest_extent(l));
        d.layers.push_back(l.problem.layer.name);
    }
    // Dim indices run past the extent by at most one tile in a tail; two bits of headroom.
    d.index_bits = std::max(8, bits_for(max_dim + 1) + 2);
    return d;
}

nlohmann::json to_json(const DesignSpec &d) {
    auto ports = [&](const TensorPorts &p, bool output) {
        auto kind = [&](bool depends) { return depends ? "per-lane" : output ? "reduced" : "shared"; };
        return nlohmann::json{{"rows", kind(p.depends_on_rows)},
                              {"cols", kind(p.depends_on_cols)},
                              {"groups", p.groups(d.rows, d.cols)}};
    };
    return {{"top", d.name},
            {"architecture", d.architecture},
            {"rows", d.rows},
            {"cols", d.cols},
            {"row_dim", d.row_dim},
            {"col_dim", d.col_dim},
            {"interconnect", {{"I", ports(d.input, false)}, {"W", ports(d.weight, false)}, {"O", ports(d.output, true)}}},
            {"pipeline", {{"tile", d.skew_tile}, {"skew", d.skew()}}},
            {"loop_slots", d.loops},
            {"dim_slots", d.dims},
            {"index_bits", d.index_bits},
            {"buffers",
             {{"I", {{"words", d.input_depth}, {"bits", d.input_bits}, {"double_buffered", d.input_double_buffered}}},
              {"W", {{"words", d.weight_depth}, {"bits", d.weight_bits}, {"double_buffered", d.weight_double_buffered}}},
              {"O", {{"words", d.output_depth}, {"bits", d.acc_bits}, {"double_buffered", d.output_double_buffered}}},
              {"B", {{"words", d.bias_depth}, {"bits", d.acc_bits}}}}},
            {"buffer_bytes", d.buffer_bytes()},
            {"dram_latency", d.dram_latency},
            {"sized_for", d.layers}};
}

}  // namespace tessera::rtl
