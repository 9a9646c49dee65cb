#include "LayerConfig.h"

#include "AddressMath.h"
#include "UserError.h"
#include "ir/Analysis.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace tessera::rtl {

int64_t DramTensor::words() const {
    int64_t w = 1;
    for (int64_t e : shape) w *= e;
    return w;
}

namespace {

// The bias word (channel) of an element of `tensor` as a step per tensor coordinate, so that the
// DMA computes it as sum(coordinate x step): the coordinate that is the bias index itself (k, or a
// grouped conv weight's g*K/groups + k), else each plain-dim coordinate's share of it (an output's
// k and g).
std::vector<int64_t> channel_steps(const ir::Problem &prob, const ir::Tensor &tensor) {
    const ir::AffineExpr &channel = prob.post.bias_index;
    std::vector<int64_t> step(tensor.index.size(), 0);
    const auto whole = std::find_if(tensor.index.begin(), tensor.index.end(),
                                    [&](const ir::AffineExpr &e) { return e.terms == channel.terms; });
    if (!channel.terms.empty() && whole != tensor.index.end()) {
        step[size_t(whole - tensor.index.begin())] = 1;
        return step;
    }
    for (size_t t = 0; t < tensor.index.size(); ++t)
        if (tensor.index[t].terms.size() == 1 && tensor.index[t].terms.front().second == 1)
            step[t] = channel.coeff(tensor.index[t].terms.front().first);
    std::map<std::string, int64_t> sum;
    for (size_t t = 0; t < tensor.index.size(); ++t)
        for (const auto &[dim, c] : tensor.index[t].terms) sum[dim] += step[t] * c;
    bool matches = true;
    for (const auto &[dim, c] : channel.terms) matches &= sum[dim] == c;
    for (const auto &[dim, c] : sum) matches &= channel.coeff(dim) == c;
    if (!matches)
        throw UserError("layer " + prob.layer.name + ": the channel of a " + tensor.name + " element is not a sum "
                        "of its coordinates; the DMA's bias and zero-point tables need it");
    return step;
}

int dim_slot(const ir::Problem &p, const std::string &name) {
    for (size_t i = 0; i < p.dims.size(); ++i)
        if (p.dims[i].name == name) return int(i);
    throw std::runtime_error("no dim " + name);
}

// Values of every register of the map, filled field by field.
class Values {
public:
    explicit Values(const RegisterMap &map) : map_(map) {
        for (const auto &f : map.fields) values_[f.name].assign(size_t(f.count), 0);
    }
    void set(const std::string &field, int64_t value, int element = 0) {
        auto it = values_.find(field);
        if (it == values_.end()) throw std::logic_error("no config register " + field);
        it->second.at(size_t(element)) = value;
    }
    void add(const std::string &field, int64_t value, int element) {
        auto it = values_.find(field);
        if (it == values_.end()) throw std::logic_error("no config register " + field);
        it->second.at(size_t(element)) += value;
    }
    bool has(const std::string &field) const { return values_.count(field) != 0; }
    LayerConfig finish(LayerConfig cfg) const {
        for (const auto &f : map_.fields) {
            const auto &v = values_.at(f.name);
            cfg.values.emplace_back(f.name, v);
            for (int i = 0; i < f.count; ++i) {
                uint64_t word = uint64_t(v[size_t(i)]);
                if (f.bits < 64) word &= (uint64_t(1) << f.bits) - 1;
                cfg.writes.emplace_back(f.address + i, uint32_t(word));
            }
        }
        return cfg;
    }

private:
    const RegisterMap &map_;
    std::map<std::string, std::vector<int64_t>> values_;
};

// The digit of each loop of an array axis at `lane`: mixed radix, the outermost loop the most
// significant digit.
// The lanes of an axis the layer uses, each with its (loop, digit) per axis loop: the layer's own
// mixed radix over `used` lanes, or, on a design wired within the axis (DesignSpec::row_radix),
// the design's digits, a lane being off where a digit reaches the layer's extent of that loop (a
// layer without loops on the axis uses lane 0).
std::vector<std::pair<int64_t, std::vector<std::pair<int, int64_t>>>> used_lanes(
    const ir::NestAnalysis &nest, const std::vector<int> &axis, int64_t used, const std::vector<int64_t> &radix) {
    std::vector<int64_t> extents;
    for (int l : axis) extents.push_back(nest.ir->mapping.loops[size_t(l)].extent);
    const std::vector<int64_t> &numbering = radix.empty() ? extents : radix;
    int64_t all = 1;
    for (int64_t r : numbering) all *= r;
    std::vector<std::pair<int64_t, std::vector<std::pair<int, int64_t>>>> lanes;
    for (int64_t lane = 0; lane < (radix.empty() ? used : all); ++lane) {
        const std::vector<int64_t> digits = lane_digits(numbering, lane);
        std::vector<std::pair<int, int64_t>> by_loop;
        bool on = true;
        for (size_t i = 0; i < digits.size(); ++i) {
            if (i < axis.size()) by_loop.emplace_back(axis[i], digits[i]);
            on &= digits[i] < (i < axis.size() ? extents[i] : 1);
        }
        if (on) lanes.emplace_back(lane, by_loop);
    }
    return lanes;
}

// The access as the array sees it: its tile is the innermost shared stage (the DRAM-fed buffer's
// unless the tensor keeps a second shared level inside it).
ir::TensorAccess array_facing(const ir::TensorAccess &a) {
    ir::TensorAccess facing = a;
    const ir::Stage &s = array_facing_stage(a);
    facing.buffer_at = s.at;
    facing.box = s.box;
    return facing;
}

// A walk over `box` (coordinate 0 fastest) through a layout of `strides`: how far the address
// moves when coordinate c increments and the coordinates below it wrap (the DMA's and the fill
// walks' `*_walk` registers); 0 for the coordinates past the box.
int64_t walk_delta(const std::vector<int64_t> &box, const std::vector<int64_t> &strides, int c) {
    if (size_t(c) >= box.size()) return 0;
    int64_t walk = strides[size_t(c)];
    for (int u = 0; u < c; ++u) walk -= (box[size_t(u)] - 1) * strides[size_t(u)];
    return walk;
}

}  // namespace

DramLayout default_dram_layout(const ir::AcceleratorIR &ir) {
    DramLayout l;
    const auto &p = ir.problem;
    l.input = {"I", 0, p.tensor(ir::TensorRole::Input).shape};
    l.weight = {"W", l.input.words(), p.tensor(ir::TensorRole::Weight).shape};
    // Each bias word followed by its channel's requant word and weight zero point, where per channel.
    l.bias = {"B", l.weight.base + l.weight.words(), {p.bias_load_words()}};
    l.output = {"O", l.bias.base + l.bias.words(), p.tensor(ir::TensorRole::Output).shape};
    l.total_words = l.output.base + l.output.words();
    return l;
}

LayerConfig configure_layer(const DesignSpec &d, const RegisterMap &map, const ir::AcceleratorIR &ir,
                            const DramLayout &dram) {
    const std::string why = why_not_fits(d, ir);
    if (!why.empty()) throw UserError("layer " + ir.problem.layer.name + " does not fit design " + d.name + ": " + why);
    const ir::NestAnalysis nest = analyze_on(d, ir);
    const auto &loops = ir.mapping.loops;
    const auto &prob = ir.problem;
    const int pad = d.loops - int(nest.temporal.size());  // unused slots are the outermost
    auto slot_of = [&](int pos) { return pad + temporal_rank(nest, pos); };
    Values v(map);

    // Array dimensions.
    int64_t lane_dims = 0;
    for (const auto &[side, axis, lanes, slots] :
         {std::tuple<std::string, const std::vector<int> *, int64_t, int>{"row", &nest.row_loops, d.rows, d.row_axis_dims},
          {"col", &nest.col_loops, d.cols, d.col_axis_dims}}) {
        const int64_t used = side == "row" ? nest.rows : nest.cols;
        const std::vector<int64_t> &radix = side == "row" ? d.row_radix : d.col_radix;
        v.set(side + "_extent", radix.empty() ? used : lanes);
        for (int l : *axis) lane_dims |= int64_t(1) << dim_slot(prob, loops[size_t(l)].dim);
        if (slots == 0) {  // one loop (or none): lane * stride
            if (axis->empty()) continue;
            const ir::Loop &loop = loops[size_t(axis->front())];
            v.set(side + "_dim", dim_slot(prob, loop.dim));
            if (v.has(side + "_stride")) v.set(side + "_stride", loop.stride);  // absent for one lane
            v.set(side + "_check", 1);
            continue;
        }
        // Lane tables: lane = the axis loops' digits, mixed radix (outermost most significant).
        const auto dims = axis_dims(nest, *axis);
        for (size_t j = 0; j < dims.size(); ++j) {
            v.set(side + "_dim", dim_slot(prob, dims[j]), int(j));
            v.set(side + "_check", 1, int(j));
        }
        for (const auto &[lane, digits] : used_lanes(nest, *axis, used, radix)) {
            if (!radix.empty()) v.set(side + "_lane_active", 1, int(lane));
            for (const auto &[l, digit] : digits) {
                const int j = int(std::find(dims.begin(), dims.end(), loops[size_t(l)].dim) - dims.begin());
                const int element = int(lane) * slots + j;
                v.add(side + "_lane_offset", digit * loops[size_t(l)].stride, element);
            }
        }
    }
    const int64_t all_dims = (int64_t(1) << prob.dims.size()) - 1;
    v.set("mac_dims", all_dims & ~lane_dims);
    const std::pair<const char *, ir::TensorRole> tensors[] = {
        {"input", ir::TensorRole::Input}, {"weight", ir::TensorRole::Weight},
        {"output", ir::TensorRole::Output}};
    const DramTensor *dram_of[] = {&dram.input, &dram.weight, &dram.output};
    for (const auto &[name, role] : tensors) {
        int64_t mask = 0;
        for (size_t i = 0; i < prob.dims.size(); ++i)
            if (prob.tensor(role).uses(prob.dims[i].name)) mask |= int64_t(1) << i;
        v.set(std::string(name) + "_dims", mask & ~lane_dims);
    }

    // Phase positions, as loop slots.
    for (const auto &[name, role] : tensors) {
        const ir::TensorAccess &a = nest.access(role);
        v.set(std::string(name) + "_tile_from", slot_of(a.stages[1].refill_from));
        v.set(std::string(name) + "_stationary_from", slot_of(a.stationary_from));
    }
    v.set("run_from", slot_of(nest.run_from));

    // Post-op.
    v.set("bias_enable", prob.post.bias ? 1 : 0);
    v.set("relu_enable", prob.post.relu ? 1 : 0);
    v.set("shift", prob.post.shift);
    if (d.zero_points()) {
        const ir::Tensor &in = prob.tensor(ir::TensorRole::Input), &wt = prob.tensor(ir::TensorRole::Weight);
        v.set("input_unsigned", in.is_unsigned ? 1 : 0);
        v.set("input_zero_point", in.zero_point);
        v.set("weight_unsigned", wt.is_unsigned ? 1 : 0);
        v.set("weight_zero_point", wt.zero_point);
    }
    if (d.fixed_point_requant) {
        v.set("multiplier", prob.post.multiplier);
        v.set("round_even", prob.post.round_even ? 1 : 0);
        v.set("out_zero_point", prob.post.out_zero_point);
        v.set("out_unsigned", prob.post.out_unsigned ? 1 : 0);
    }
    if (d.channel_requant) v.set("channel_requant", prob.post.per_channel() ? 1 : 0);
    if (d.channel_weight_zero_point) {
        const ir::Tensor &w = prob.tensor(ir::TensorRole::Weight);
        v.set("channel_w_zero_point", w.channel_zero_point.empty() ? 0 : 1);
        if (!w.channel_zero_point.empty()) {
            const std::vector<int64_t> step = channel_steps(prob, w);
            for (size_t t = 0; t < step.size(); ++t) v.set("w_zero_point_step", step[t], int(t));
        }
    }
    // The bias word of an output element, as a step per output coordinate.
    const std::vector<int64_t> bias_step = channel_steps(prob, prob.tensor(ir::TensorRole::Output));
    for (size_t t = 0; t < bias_step.size(); ++t) v.set("bias_step", bias_step[t], int(t));

    for (size_t i = 0; i < prob.dims.size(); ++i) v.set("dim_extent", prob.dims[i].extent, int(i));

    // Loop slots.
    for (int s = 0; s < d.loops; ++s) v.set("loop_extent", 1, s);
    const ir::TensorAccess &oacc = nest.access(ir::TensorRole::Output);
    for (int l : nest.temporal) {
        const int s = slot_of(l);
        v.set("loop_extent", loops[l].extent, s);
        v.set("loop_dim", dim_slot(prob, loops[l].dim), s);
        v.set("loop_stride", loops[l].stride, s);
        // A block revisits its output words when a loop between the output buffer and the block
        // that the output does not depend on has moved on from 0.
        v.set("loop_psum_window",
              l >= oacc.buffer_at && l < oacc.stationary_from && !oacc.depends[size_t(l)] ? 1 : 0, s);
    }

    // Per tensor: address generator deltas, lane steps, DMA tile description.
    for (int x = 0; x < 3; ++x) {
        const std::string name = tensors[x].first;
        const ir::TensorAccess &a = nest.access(tensors[x].second);
        const DramTensor &t = *dram_of[x];
        // The array reads the tensor's innermost shared tile (the inner one of two, EmitStaging.cpp);
        // the DMA fills the outermost.
        // An operand fed from DRAM has no GLB tile: its lane groups' offsets are DRAM addresses
        // and tile bases, which the DMA starts each group's fill from.
        const bool fed = dram_fed(a);  // (why_not_fits: the design's files are DRAM-fed too)
        const auto glb = fed ? std::vector<int64_t>(loops.size(), 0) : glb_steps(nest, array_facing(a));
        const auto tile = tile_steps(nest, a);
        const auto dstride = dense_strides(t.shape);
        const size_t coords = a.box.size();
        std::vector<int64_t> lane_step = glb;
        if (fed)
            for (size_t l = 0; l < loops.size(); ++l)
                for (size_t c = 0; c < coords; ++c) lane_step[l] += tile[l][c] * dstride[c];
        for (int l : nest.temporal) {
            const int s = slot_of(l);
            if (!fed) v.set(name + "_glb_delta", wrap_delta(nest, glb, l), s);
            int64_t addr_delta = 0;
            for (size_t c = 0; c < coords; ++c) {
                std::vector<int64_t> step(loops.size());
                for (size_t j = 0; j < loops.size(); ++j) step[j] = tile[j][c];
                const int64_t delta = wrap_delta(nest, step, l);
                v.set(name + "_base_delta", delta, s * d.coords + int(c));
                addr_delta += delta * dstride[c];
            }
            v.set(name + "_addr_delta", addr_delta, s);
        }
        if (v.has(name + "_row_step") && nest.row_loop >= 0) v.set(name + "_row_step", lane_step[nest.row_loop]);
        if (v.has(name + "_col_step") && nest.col_loop >= 0) v.set(name + "_col_step", lane_step[nest.col_loop]);
        // Lane tables: the address offset of each lane group, sum of the loops' steps x digit, at
        // the group's leading lane (the digits of the loops the tensor ignores are 0 there); fed
        // from DRAM, also each group's tile base offset per coordinate.
        const TensorPorts &p = x == 0 ? d.input : x == 1 ? d.weight : d.output;
        for (const auto &[side, axis, used] :
             {std::tuple<std::string, const std::vector<int> *, int64_t>{"row", &nest.row_loops, nest.rows},
              {"col", &nest.col_loops, nest.cols}}) {
            const bool offsets = v.has(name + "_" + side + "_offset"), bases = v.has(name + "_" + side + "_coord");
            if (!offsets && !bases) continue;
            const bool rows = side == "row";
            for (const auto &[lane, digits] : used_lanes(nest, *axis, used, rows ? d.row_radix : d.col_radix)) {
                if (!(rows ? row_lead(p, d, lane) : col_lead(p, d, lane))) continue;
                const int group = int(rows ? row_group(p, d, lane) : col_group(p, d, lane));
                for (const auto &[l, digit] : digits) {
                    if (offsets) v.add(name + "_" + side + "_offset", digit * lane_step[size_t(l)], group);
                    if (bases)
                        for (size_t c = 0; c < coords; ++c)
                            v.add(name + "_" + side + "_coord", digit * tile[size_t(l)][c], group * d.coords + int(c));
                }
            }
        }
        int64_t init_addr = t.base;
        for (int c = 0; c < d.coords; ++c) {
            const bool used = size_t(c) < coords;
            const int64_t box = used ? a.box[c] : 1;
            v.set(name + "_box", box, c);
            v.set(name + "_shape", used ? t.shape[c] : 1, c);
            v.set(name + "_walk_delta", walk_delta(a.box, dstride, c), c);
            const int64_t offset = used ? a.tensor->index[c].offset : 0;
            v.set(name + "_init_base", offset, c);
            if (used) init_addr += offset * dstride[c];
        }
        v.set(name + "_init_addr", init_addr);
    }
    // Two shared levels: the inner tile's first word in the outer buffer moves with the loops
    // between the two tiles (the loops inside the inner tile are at 0 when it is copied); the copy
    // walks the inner box (coordinate 0 fastest) through the outer buffer's layout.
    for (int x = 0; x < 3; ++x) {
        const ir::TensorAccess &a = nest.access(tensors[x].second);
        if (outer_tile_words(a) == 0) continue;
        const std::string name = tensors[x].first;
        const ir::Stage &inner = array_facing_stage(a);
        auto outer_step = glb_steps(nest, a);
        for (size_t l = size_t(inner.at); l < outer_step.size(); ++l) outer_step[l] = 0;
        for (int l : nest.temporal) v.set(name + "_outer_delta", wrap_delta(nest, outer_step, l), slot_of(l));
        v.set(name + "_stage_from", slot_of(inner.refill_from));
        v.set(name + "_stage_words", inner.words());
        const auto outer_strides = box_strides(a.box);
        for (int c = 0; c < d.coords; ++c) {
            const bool used = size_t(c) < inner.box.size();
            v.set(name + "_stage_box", used ? inner.box[size_t(c)] : 1, c);
            v.set(name + "_stage_walk", walk_delta(inner.box, outer_strides, c), c);
        }
        if (x == 2) v.set("output_stage_cycles", inner.words() * d.output_stage_element_cycles);
        if (v.has(name + "_stage_next_from")) {
            // A prefetched inner tile: the next one is one step of its loop on, in the same outer tile.
            const int l = stage_prefetch_loop(d, nest, a, array_facing_index(a));
            v.set(name + "_stage_next_from", slot_of(l >= 0 ? l : inner.refill_from));
            v.set(name + "_stage_next_step", l >= 0 ? outer_step[size_t(l)] : 0);
        }
    }
    // Per-PE files: the file address runs over the loops inside the per-PE tile; a fill walks the
    // tile's box (coordinate 0 fastest) from the GLB address of its first word.
    const int64_t pe_depth[] = {d.input_pe_depth, d.weight_pe_depth, d.output_pe_depth};
    for (int x = 0; x < 3; ++x) {
        if (pe_depth[x] == 0) continue;
        const std::string name = tensors[x].first;
        const ir::TensorAccess &a = nest.access(tensors[x].second);
        const ir::Stage &pe = *pe_file_stage(a);
        // The PE register reloads from the file every MAC, or, under a one-word register level,
        // where that level is refilled; an output file takes every MAC's sum (no register blocks:
        // the GLB sees only the file's drains and reloads).
        v.set(name + "_stationary_from", has_register_level(a) ? slot_of(a.stages.back().refill_from) : d.loops);
        if (x == 2) {
            // A file's block resumes from the GLB's partial sums unless it is the first visit of
            // its outputs: every reduction loop between the outermost output tile and it is at 0.
            for (int l : nest.temporal)
                v.set("loop_psum_window", l >= a.buffer_at && l < pe.refill_from && !a.depends[size_t(l)] ? 1 : 0,
                      slot_of(l));
            // A block of the register level reads its file's word unless it is the first visit of
            // its output (the word holds no sum yet): every reduction loop between the outermost
            // output tile and the block at 0, the model's first visits.
            if (d.output_register_level)
                for (int l : nest.temporal)
                    v.set("loop_register_window",
                          l >= ir::output_tile_from(a) && l < a.stages.back().refill_from && !a.depends[size_t(l)] ? 1 : 0,
                          slot_of(l));
            const ir::Tensor &o = prob.tensor(ir::TensorRole::Output);
            for (size_t c = 0; c < o.index.size() && !dram_fed(a); ++c)  // (the walk's drain predication)
                v.set("output_pe_coord_dim", dim_slot(prob, o.index[c].terms.front().first), int(c));
        }
        if (!dram_fed(a)) {
            v.set(name + "_pe_from", slot_of(pe.refill_from));
            v.set(name + "_pe_words", pe.words());
        }
        const auto pe_strides = box_strides(pe.box), glb_strides = box_strides(array_facing(a).box);
        std::vector<int64_t> step(loops.size(), 0);
        for (size_t l = size_t(pe.at); l < loops.size(); ++l)
            for (size_t c = 0; c < pe_strides.size(); ++c) step[l] += a.coord_step[l][c] * pe_strides[c];
        for (int l : nest.temporal) v.set(name + "_pe_delta", wrap_delta(nest, step, l), slot_of(l));
        if (dram_fed(a)) continue;  // the DMA fills the files, walking the tile's box (<t>_box)
        for (int c = 0; c < d.coords; ++c) {
            const bool used = size_t(c) < pe.box.size();
            v.set(name + "_pe_box", used ? pe.box[size_t(c)] : 1, c);
            v.set(name + "_pe_walk", walk_delta(pe.box, glb_strides, c), c);
        }
        if (v.has(name + "_pe_next_from")) {
            // The next tile of a prefetch is one step of its loop on (the loops inside are at 0
            // at both tiles' first iterations), in the same shared tile: its GLB address step.
            const int l = stage_prefetch_loop(d, nest, a, pe_file_index(a));
            v.set(name + "_pe_next_from", slot_of(l >= 0 ? l : pe.refill_from));
            v.set(name + "_pe_next_step", l >= 0 ? glb_steps(nest, array_facing(a))[size_t(l)] : 0);
        }
    }
    // Bias table: a one-dimensional tile of K words.
    const int64_t k = std::max<int64_t>(1, dram.bias.words());
    for (int c = 0; c < d.coords; ++c) {
        v.set("bias_box", c == 0 ? k : 1, c);
        v.set("bias_shape", c == 0 ? k : 1, c);
        v.set("bias_walk_delta", c == 0 ? 1 : 0, c);
    }
    v.set("bias_init_addr", dram.bias.base);

    LayerConfig cfg;
    cfg.layer = prob.layer.name;
    cfg.dram = dram;
    return v.finish(std::move(cfg));
}

nlohmann::json to_json(const LayerConfig &cfg) {
    using nlohmann::json;
    auto tensor = [](const DramTensor &t) { return json{{"base", t.base}, {"shape", t.shape}}; };
    json registers = json::object();
    for (const auto &[name, values] : cfg.values)
        registers[name] = values.size() == 1 ? json(values[0]) : json(values);
    json writes = json::array();
    for (const auto &[addr, word] : cfg.writes) writes.push_back({addr, word});
    return {{"layer", cfg.layer},
            {"dram",
             {{"word_bits", 32},
              {"I", tensor(cfg.dram.input)},
              {"W", tensor(cfg.dram.weight)},
              {"B", tensor(cfg.dram.bias)},
              {"O", tensor(cfg.dram.output)},
              {"total_words", cfg.dram.total_words}}},
            {"registers", registers},
            {"writes", writes},
            {"start", {{"address", kRegControl}, {"value", 1}}}};
}

LayerConfig layer_config_from_json(const nlohmann::json &j) {
    try {
        LayerConfig cfg;
        cfg.layer = j.at("layer").get<std::string>();
        auto tensor = [&](const char *name) {
            const auto &t = j.at("dram").at(name);
            return DramTensor{name, t.at("base").get<int64_t>(), t.at("shape").get<std::vector<int64_t>>()};
        };
        cfg.dram.input = tensor("I");
        cfg.dram.weight = tensor("W");
        cfg.dram.bias = tensor("B");
        cfg.dram.output = tensor("O");
        cfg.dram.total_words = j.at("dram").at("total_words").get<int64_t>();
        for (const auto &[name, value] : j.at("registers").items())
            cfg.values.emplace_back(name, value.is_array() ? value.get<std::vector<int64_t>>()
                                                           : std::vector<int64_t>{value.get<int64_t>()});
        for (const auto &w : j.at("writes")) cfg.writes.emplace_back(w.at(0).get<int>(), w.at(1).get<uint32_t>());
        return cfg;
    } catch (const nlohmann::json::exception &e) {
        throw std::runtime_error(std::string("layer config JSON: ") + e.what());
    }
}

}  // namespace tessera::rtl
