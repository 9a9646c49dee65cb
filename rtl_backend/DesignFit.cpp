// Whether a layer runs on a design, and why not (one line naming the resource or the construct):
// what the generated RTL builds of the IR, the wiring of the array, the sizes of buffers, files
// and registers.
#include "DesignSpec.h"

#include "AddressMath.h"
#include "UserError.h"
#include "ir/Analysis.h"
#include "ir/Validate.h"

#include <algorithm>
#include <sstream>
#include <tuple>

namespace tessera::rtl {

namespace {

std::string kinds(const TensorPorts &p) {
    return std::string(p.row_loops ? "some-row-loops" : p.depends_on_rows ? "per-row" : "shared-rows") + "/" +
           (p.col_loops ? "some-col-loops" : p.depends_on_cols ? "per-col" : "shared-cols");
}

std::string lanes_text(const std::vector<int64_t> &extents) {
    if (extents.empty()) return "1";
    std::string text;
    for (int64_t e : extents) text += (text.empty() ? "" : " x ") + std::to_string(e);
    return text;
}

// An array dimension a layer leaves at extent 1 accepts either connection kind.
bool compatible(bool design_dep, bool layer_dep, bool layer_uses_dim) {
    return !layer_uses_dim || design_dep == layer_dep;
}

}  // namespace

// What of the general mapping IR the generated hardware does not build yet (docs/rtl.md): the
// model estimates these mappings; compile names the construct.
std::string not_generated(const ir::NestAnalysis &nest) {
    for (const auto &t : nest.tensors) {
        // DRAM may fill an operand's per-PE files directly, and the output's files may drain
        // straight to DRAM (the DMA, one job per lane group), between compute runs (the runs end
        // at the files' refill position, inside the array's loops or not: ir::NestAnalysis::run_from).
        // The files must be the tensor's only per-PE level but for a register under them.
        if (dram_fed(t)) {
            const std::string keep = ": keep a tile of " + t.tensor->name + " on a shared level, or estimate this "
                                     "mapping with the model";
            // (A one-word register level under the file is the PE's register, filled from the file.)
            if (t.stages.size() > 2 + size_t(has_register_level(t)))
                return "keeps " + t.tensor->name + " at two per-PE levels fed from DRAM; the generated RTL fills one "
                       "per-PE file per tensor from DRAM" + keep;
        }
        // A one-word register level under a per-PE file is the PE register (has_register_level);
        // any other second per-PE level would be a second file.
        int per_pe = 0;
        for (const auto &s : t.stages) per_pe += s.kind == ir::StageKind::PerPe;
        if (per_pe - int(has_register_level(t)) > 1)
            return "keeps " + t.tensor->name + " at " + std::to_string(per_pe) + " per-PE levels; the "
                   "generated RTL has one per-PE file per tensor (and a one-word register level under it) "
                   "so far: estimate this mapping with the model";
        // A drain writes every (valid) position of the file's box, into the GLB or DRAM: the box
        // must hold only the PE's own outputs, with no coordinates of other lanes between them
        // (they would be overwritten with this file's empty words).
        const ir::Stage *output_file = t.role == ir::TensorRole::Output ? pe_file_stage(t) : nullptr;
        if (output_file) {
            const ir::Stage &file = *output_file;
            int64_t positions = 1;
            for (int l : nest.temporal)
                if (l >= file.at && t.depends[size_t(l)]) positions *= nest.ir->mapping.loops[size_t(l)].extent;
            if (file.words() > positions)
                return "drains " + t.tensor->name + "'s per-PE files from a box of " + std::to_string(file.words()) +
                       " words that holds " + std::to_string(positions) + " of the PE's outputs (an array loop "
                       "strides between them); the generated RTL drains files whose box is their own outputs: split "
                       "the dim so that the array takes its outer part and the file its inner part, or estimate "
                       "this mapping with the model";
        }
        // The drain of a per-PE accumulator file masks the positions past a dim's extent by
        // predicating each position's dims: every output coordinate must be one dim.
        if (output_file)
            for (const auto &e : t.tensor->index)
                if (e.terms.size() != 1 || e.terms.front().second != 1)
                    return "keeps a per-PE accumulator file of " + t.tensor->name + ", whose coordinates "
                           "are not one dim each; the generated RTL drains such files only for outputs "
                           "indexed by plain dims: estimate this mapping with the model";
        // A second shared stage is copied from the first by a walk (EmitStaging.cpp): an operand's
        // filled, the output's drained and reloaded.
        const int shared = shared_stages(t);
        if (shared > 2)
            return "keeps " + t.tensor->name + " at " + std::to_string(shared) +
                   " shared on-chip levels; the generated RTL keeps a tensor at one or two so far: "
                   "estimate this mapping with the model";
    }
    return {};
}

std::string why_not_fits(const DesignSpec &d, const ir::AcceleratorIR &ir) {
    ir::NestAnalysis nest;
    try {
        nest = analyze_on(d, ir);
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
    const auto row_dims = axis_dims(nest, nest.row_loops), col_dims = axis_dims(nest, nest.col_loops);
    const std::tuple<const char *, const std::vector<int> *, size_t, int> tables[] = {
        {"rows", &nest.row_loops, row_dims.size(), d.row_axis_dims},
        {"columns", &nest.col_loops, col_dims.size(), d.col_axis_dims}};
    for (const auto &[side, axis, dims, slots] : tables) {
        if (axis->size() > 1 && slots == 0)
            return "maps " + std::to_string(axis->size()) + " loops to the " + side + ", the design's " +
                   side + " take one loop (compile it together with this layer to get lane tables)";
        if (slots > 0 && int(dims) > slots)
            return "its " + std::string(side) + " span " + std::to_string(dims) + " dims, the design's lane "
                   "tables " + std::to_string(slots);
    }
    if (std::string no = why_not_same_kind(d, nest); !no.empty()) return no;
    if (int(nest.temporal.size()) > d.loops) {
        why << "has " << nest.temporal.size() << " temporal loops, the controller has " << d.loops;
        return why.str();
    }
    if (int(ir.problem.dims.size()) > d.dims) {
        why << "has " << ir.problem.dims.size() << " dims, the design has " << d.dims;
        return why.str();
    }
    const ir::TensorRole roles[] = {ir::TensorRole::Input, ir::TensorRole::Weight, ir::TensorRole::Output};
    const std::pair<const char *, int64_t> pe_depth[] = {
        {"input", d.input_pe_depth}, {"weight", d.weight_pe_depth}, {"output", d.output_pe_depth}};
    for (int i = 0; i < 3; ++i) {
        const int64_t words = pe_tile_words(nest.access(roles[i]));
        if (words > pe_depth[i].second)
            return std::string("its per-PE ") + pe_depth[i].first + " tile needs " + std::to_string(words) +
                   " words, the per-PE file holds " + std::to_string(pe_depth[i].second);
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
        const int64_t outer = outer_tile_words(a), outer_depth = i == 0   ? d.input_outer_depth
                                                              : i == 1 ? d.weight_outer_depth
                                                                       : d.output_outer_depth;
        if (outer > outer_depth) {
            why << "its outer " << depth[i].first << " tile needs " << outer << " words, the outer "
                << depth[i].first << " buffer holds " << outer_depth;
            return why.str();
        }
        int64_t words = dram_fed(a) ? 0 : array_facing_stage(a).words();
        if (words > depth[i].second) {
            why << "its " << depth[i].first << " tile needs " << words << " words, the "
                << depth[i].first << " buffer holds " << depth[i].second << " (short by "
                << words - depth[i].second << ")";
            return why.str();
        }
    }
    if (ir.problem.post.bias && ir.problem.bias_words() > d.bias_depth) {
        why << "has " << ir.problem.bias_words() << " output channels, the bias table holds " << d.bias_depth;
        return why.str();
    }
    const int64_t largest = largest_extent(ir);
    if (largest >= (int64_t(1) << (d.index_bits - 2))) {
        why << "an extent of " << largest << " needs more than the design's " << d.index_bits
            << "-bit index registers";
        return why.str();
    }
    // A per-PE accumulator file adds in one cycle (read, add, write back): no psum hazard.
    if (d.output_pe_depth == 0 && back_to_back_psum(nest))
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
    if (ir.problem.post.per_channel() && !d.channel_requant)
        return "it requantizes per output channel, the design's post-op per layer";
    if (!wt.channel_zero_point.empty() && !d.channel_weight_zero_point)
        return "its weights have a zero point per output channel, the design's weight fills one per layer";
    // A pipelined array preloads unicast operands kept in no per-PE file (EmitSystolicArray.cpp):
    // a word must stay in the PEs for the array's skew. Per-PE files (with a register under them
    // or not) have a delay line per PE instead.
    if (!d.skew_tile) return "";
    for (const auto &[name, ports, role] : {std::tuple{"input", &d.input, ir::TensorRole::Input},
                                            std::tuple{"weight", &d.weight, ir::TensorRole::Weight}}) {
        if (!ports->depends_on_rows || !ports->depends_on_cols || pe_tile_words(nest.access(role)) > 0) continue;
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

std::string why_not_wired(const DesignSpec &d, const ir::NestAnalysis &nest) {
    const std::pair<const char *, const TensorPorts *> tensors[] = {
        {"input", &d.input}, {"weight", &d.weight}, {"output", &d.output}};
    const ir::TensorRole roles[] = {ir::TensorRole::Input, ir::TensorRole::Weight,
                                    ir::TensorRole::Output};
    for (int i = 0; i < 3; ++i) {
        const TensorPorts p = ports_in(nest, roles[i]), &w = *tensors[i].second;
        if (!compatible(w.depends_on_rows, p.depends_on_rows, nest.rows > 1) ||
            !compatible(w.depends_on_cols, p.depends_on_cols, nest.cols > 1) ||
            (nest.rows > 1 && (p.row_loops != w.row_loops || p.row_slots != w.row_slots)) ||
            (nest.cols > 1 && (p.col_loops != w.col_loops || p.col_slots != w.col_slots)))
            return "its " + std::string(tensors[i].first) + " meets the array as " + kinds(p) +
                   ", the design wires it " + kinds(w) + " (different spatial mapping)";
    }
    // Lane groups within an axis are wired for the design's lanes of that axis: a layer's loops there
    // sit at the design's digits, each within the design's extent (or it has none there).
    const std::tuple<const char *, const std::vector<int64_t> *, const std::vector<int> *> axes[] = {
        {"rows", &d.row_radix, &nest.row_loops}, {"columns", &d.col_radix, &nest.col_loops}};
    for (const auto &[side, radix, loops] : axes) {
        if (radix->empty() || loops->empty()) continue;
        std::vector<int64_t> extents;
        for (int l : *loops) extents.push_back(nest.ir->mapping.loops[size_t(l)].extent);
        bool within = extents.size() == radix->size();
        for (size_t i = 0; within && i < extents.size(); ++i) within = extents[i] <= (*radix)[i];
        if (!within)
            return std::string("its ") + side + " are lanes of " + lanes_text(extents) + ", the design's " + side +
                   " lanes of " + lanes_text(*radix) + " (a tensor of the design depends on some of those loops " +
                   "only: its lane groups are wired for them, a layer's loops there must fit them one by one; " +
                   "compile this layer with its own design)";
    }
    return {};
}

std::string why_not_same_kind(const DesignSpec &d, const ir::NestAnalysis &nest) {
    if (std::string no = why_not_wired(d, nest); !no.empty()) return no;
    // Per tensor, what the design's PEs and buffers are: every layer on it has the same.
    struct Kind {
        const char *name;
        ir::TensorRole role;
        int64_t pe_depth, outer_depth;  // a per-PE file; an outer buffer (two shared levels)
        int level, outer_level;         // the levels of its buffers (the array-facing one, the outer one)
        bool twice, once;               // double buffered; kept single on a double-buffered level
        bool register_level;            // a one-word register level under the per-PE file
        bool dram_fed;                  // DRAM fills the per-PE files (no shared buffer)
    };
    const Kind kinds[] = {
        {"input", ir::TensorRole::Input, d.input_pe_depth, d.input_outer_depth, d.input_level, d.input_outer_level,
         d.input_double_buffered, d.input_single_buffered, d.input_register_level, d.input_dram_fed},
        {"weight", ir::TensorRole::Weight, d.weight_pe_depth, d.weight_outer_depth, d.weight_level,
         d.weight_outer_level, d.weight_double_buffered, d.weight_single_buffered, d.weight_register_level,
         d.weight_dram_fed},
        {"output", ir::TensorRole::Output, d.output_pe_depth, d.output_outer_depth, d.output_level,
         d.output_outer_level, d.output_double_buffered, d.output_single_buffered, d.output_register_level,
         d.output_dram_fed}};
    const std::string same = " (compile the layers with the same kind of mapping together)";
    for (int i = 0; i < 3; ++i) {
        const Kind &k = kinds[i];
        const ir::TensorAccess &a = nest.access(k.role);
        const std::string name = k.name;
        const int64_t words = pe_tile_words(a);
        if ((words > 0) != (k.pe_depth > 0))
            return "its " + name + (words > 0 ? " has" : " has no") + " per-PE tile, the design's PEs read the " + name +
                   " from " + (k.pe_depth > 0 ? "per-PE files" : "one register") + same;
        if (dram_fed(a) != k.dram_fed)
            return "its " + name + (k.dram_fed ? " keeps a" : " keeps no") + " tile on a shared level, the design " +
                   (i < 2 ? "fills its " + name + " per-PE files " : "drains its " + name + " per-PE files ") +
                   (k.dram_fed ? (i < 2 ? "from DRAM" : "to DRAM") : (i < 2 ? "from a shared buffer" : "to a shared buffer")) +
                   same;
        for (const auto &[what, layer, design] :
             {std::tuple<const char *, bool, bool>{" per-PE files are ", pe_file_prefetched(d, a),
                                                   i == 0 ? d.input_pe_double_buffered : d.weight_pe_double_buffered},
              {" inner tiles are ", inner_tile_prefetched(d, a),
               i == 0 ? d.input_stage_double_buffered : d.weight_stage_double_buffered}})
            if (i < 2 && layer != design)
                return "its " + name + what + (layer ? "double" : "single") + " buffered, the design's are " +
                       (layer ? "single" : "double") + " buffered (compile the layers with the same buffering together)";
        if (has_register_level(a) != k.register_level)
            return "its " + name + (k.register_level ? " has no" : " has a") + " one-word register level under its "
                   "per-PE file, the design's " + (k.register_level ? "has" : "has none") + same;
        // A tensor at two shared levels has an outer buffer and the copy (or drain) walk.
        const int64_t outer = outer_tile_words(a);
        if ((outer > 0) != (k.outer_depth > 0))
            return "its " + name + (outer > 0 ? " keeps" : " does not keep") + " tiles at two shared levels, the design's " +
                   name + " buffers " + (outer > 0 ? "are one" : "are two") + same;
        // Each buffer is a memory of one level: the layer's tiles sit on the levels of the
        // design's buffers (the model prices them there).
        const std::tuple<const char *, int, const ir::Buffer *> buffers[] = {
            {"", k.level, array_facing_stage(a).buffer}, {"outer ", k.outer_level, outer > 0 ? a.stages[1].buffer : nullptr}};
        for (const auto &[which, level, b] : buffers) {
            if (level < 0 || size_t(level) >= d.levels.size()) continue;
            if (b && b->level != d.levels[size_t(level)].name)
                return "its " + std::string(which) + name + " tile is on " + b->level + ", the design's " + which + name +
                       " buffer on " + d.levels[size_t(level)].name + same;
        }
        const bool single = a.buffer->single_buffered;
        if ((single && k.twice) || (!single && k.once))
            return "its " + name + " buffer is " + (single ? "single" : "double") + " buffered, the design's is " +
                   (single ? "double" : "single") + " buffered (compile the layers with the same buffering together)";
    }
    return {};
}

std::string why_not_wired(const DesignSpec &d, const ir::AcceleratorIR &ir) { return why_not_wired(d, analyze_on(d, ir)); }

std::string why_not_same_kind(const DesignSpec &d, const ir::AcceleratorIR &ir) {
    return why_not_same_kind(d, analyze_on(d, ir));
}

std::vector<std::string> overflowing_levels(const DesignSpec &d, const ir::Architecture &arch) {
    std::vector<std::string> over;
    const char *tensors[3] = {"input", "weight", "output"};
    for (size_t level = 1; level < arch.levels.size(); ++level) {
        const ir::MemoryLevel &m = arch.levels[level];
        if (arch.is_per_pe(level) || m.size_bytes <= 0) continue;
        const int64_t bytes = d.buffer_bytes_at(int(level));
        if (bytes > m.size_bytes)
            over.push_back("the design's buffers on " + m.name + " total " + std::to_string(bytes) + " bytes, the " +
                           "architecture's " + m.name + " " + std::to_string(m.size_bytes) + " (each buffer is sized "
                           "for the largest tile of any layer; one layer's tiles fit; explore --network --rtl-only "
                           "splits the level per tensor so that the design fits)");
        for (int t = 0; t < 3; ++t) {
            const int64_t tiles = d.buffer_bytes_at(int(level), t) - (t == 2 ? d.bias_table_bytes() : 0);
            if (m.tensor_bytes[t] > 0 && tiles > m.tensor_bytes[t])
                over.push_back("the design's " + std::string(tensors[t]) + " buffers on " + m.name + " take " +
                               std::to_string(tiles) + " bytes, its part " + std::to_string(m.tensor_bytes[t]));
        }
    }
    return over;
}

std::string why_not_generated(const ir::AcceleratorIR &layer, const ir::Architecture &arch) {
    try {
        return why_not_fits(design_for({layer}, arch), layer);
    } catch (const std::exception &e) {
        return e.what();
    }
}

}  // namespace tessera::rtl
