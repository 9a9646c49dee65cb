#include "RegisterMap.h"

#include <stdexcept>
#include <tuple>

namespace tessera::rtl {

const std::vector<std::string> &counter_names() {
    static const std::vector<std::string> names = {
        "cycles",          "macs",
        "I.dram_reads",    "I.glb_writes",  "I.glb_reads",  "I.rf_writes", "I.rf_reads",
        "W.dram_reads",    "W.glb_writes",  "W.glb_reads",  "W.rf_writes", "W.rf_reads",
        "O.glb_writes",    "O.glb_reads",   "O.rf_reads",   "O.rf_writes", "O.dram_writes",
        "B.dram_reads",
        // An operand at two shared levels (EmitStaging.cpp): its inner buffer, written by the copy
        // from the outer (DRAM-fed) one, read by the array; glb_* then count the outer buffer.
        "I.inner_writes", "I.inner_reads", "W.inner_writes", "W.inner_reads",
        // The output at two shared levels: its inner buffer, accumulated in by the array, drained
        // into the outer one and reloaded from it; glb_* then count the outer buffer.
        "O.inner_writes", "O.inner_reads",
        // An operand's per-PE file under which a one-word register level sits (DesignSpec::
        // register_levels): rf_* then count the register level (loads, one read per MAC), spad_*
        // the file (its fills, its reads into the register).
        "I.spad_writes", "I.spad_reads", "W.spad_writes", "W.spad_reads",
        // The output's accumulator file under which a one-word register level sits: rf_* count the
        // register (one read and update per MAC), spad_* the file (the register's write backs and
        // the reloads; the register's reads of resumed sums and the drains).
        "O.spad_writes", "O.spad_reads"};
    return names;
}

int design_counter_count(const DesignSpec &d) {
    const int all = int(counter_names().size());
    // The inner_* counters exist where a tensor is at two shared levels, the spad_* ones (after
    // them) where a tensor has a register level under its per-PE file.
    if (d.register_levels()) return all;
    return d.staged() || d.output_staged() ? all - 6 : all - 12;
}

const RegisterField *RegisterMap::find(const std::string &name) const {
    for (const auto &f : fields)
        if (f.name == name) return &f;
    return nullptr;
}

const RegisterField &RegisterMap::field(const std::string &name) const {
    if (const RegisterField *f = find(name)) return *f;
    throw std::runtime_error("no config register '" + name + "'");
}

int input_addr_bits(const DesignSpec &d) { return bits_for(d.input_depth); }
int weight_addr_bits(const DesignSpec &d) { return bits_for(d.weight_depth); }
int input_outer_addr_bits(const DesignSpec &d) { return bits_for(d.input_outer_depth); }
int weight_outer_addr_bits(const DesignSpec &d) { return bits_for(d.weight_outer_depth); }
int output_outer_addr_bits(const DesignSpec &d) { return bits_for(d.output_outer_depth); }
int output_stage_cycle_bits(const DesignSpec &d) {
    return bits_for(d.output_depth * d.output_stage_element_cycles + 1);
}
int output_dram_side_addr_bits(const DesignSpec &d) {
    // Accumulator files drained straight to DRAM: the DMA's position is the files' address.
    if (d.output_dram_fed) return bits_for(d.output_pe_depth);
    return d.output_staged() ? output_outer_addr_bits(d) : output_addr_bits(d);
}
int output_addr_bits(const DesignSpec &d) { return bits_for(d.output_depth); }
int lane_addr_bits(const DesignSpec &d, int role) {
    if ((role == 0 && d.input_dram_fed) || (role == 1 && d.weight_dram_fed) || (role == 2 && d.output_dram_fed)) return 32;
    return role == 0 ? input_addr_bits(d) : role == 1 ? weight_addr_bits(d) : output_addr_bits(d);
}
int bias_addr_bits(const DesignSpec &d) { return bits_for(d.bias_depth); }
int bias_fill_bits(const DesignSpec &d) {
    return bits_for(d.bias_load_stride() * d.bias_depth);
}

RegisterMap register_map(const DesignSpec &d) {
    RegisterMap map;
    int next = 1;  // 0 is the control register
    auto add = [&](const std::string &name, int count, int bits, const std::string &doc) {
        map.fields.push_back({name, count, bits, next, doc});
        next += count;
    };
    const int ib = d.index_bits, db = d.dim_bits(), lb = d.loop_bits();
    const int T = d.loops, D = d.dims, C = d.coords;

    // An axis of one loop: lane l is at l * stride of the axis dim. An axis with lane tables
    // (several loops, mixed radix): per lane and dim slot, the lane's offset in that dim.
    for (const auto &[side, lanes, slots] : {std::tuple<std::string, int64_t, int>{"row", d.rows, d.row_axis_dims},
                                             {"col", d.cols, d.col_axis_dims}}) {
        const std::string axis = side == "row" ? "rows" : "columns";
        add(side + "_extent", 1, ib, "array " + axis + " this layer uses (lanes beyond are off)");
        // Lanes wired within the axis (DesignSpec::row_radix): a layer's lanes sit at the design's
        // digits, so the lanes it uses need not be the first ones.
        if (!(side == "row" ? d.row_radix : d.col_radix).empty())
            add(side + "_lane_active", int(lanes), 1, "1: the layer uses this " + side + " lane (its digits are "
                                                          "below the layer's loop extents)");
        if (slots == 0) {
            add(side + "_dim", 1, db, "dim slot of the " + side + " loop");
            if (lanes > 1) add(side + "_stride", 1, ib, "dim index step per " + side + " lane");
            add(side + "_check", 1, 1, "1: " + side + " lanes are predicated on the " + side + " dim (0 if no " +
                                           side + " loop)");
        } else {
            add(side + "_dim", slots, db, "dim slot of each dim the " + side + " loops walk (outermost first)");
            add(side + "_check", slots, 1, "1: " + side + " lanes are predicated on that dim");
            add(side + "_lane_offset", int(lanes) * slots, ib,
                "per " + side + " lane and dim: the lane's dim index offset (mixed radix of the " + side +
                    " loops' digits; lane-major)");
        }
    }
    add("mac_dims", 1, D, "dims checked on the temporal index alone (all but the lane dims)");
    add("input_dims", 1, D, "the input's dims, lane dims excluded (operand-load predication)");
    add("weight_dims", 1, D, "the weight's dims, lane dims excluded");
    add("output_dims", 1, D, "the output's dims, lane dims excluded");
    add("run_from", 1, lb, "innermost buffer slot: a compute run ends when slots >= it are last");
    add("input_tile_from", 1, lb, "loop slot of the input buffer (refill when slots >= it are 0)");
    add("weight_tile_from", 1, lb, "loop slot of the weight buffer");
    add("output_tile_from", 1, lb, "loop slot of the output buffer (drain when slots >= it are last)");
    add("input_stationary_from", 1, lb, "input register reload when slots >= it are 0");
    add("weight_stationary_from", 1, lb, "weight register reload when slots >= it are 0");
    add("output_stationary_from", 1, lb, "accumulation block: slots >= it");
    add("bias_enable", 1, 1, "post-op adds bias[k]");
    add("relu_enable", 1, 1, "post-op clamps at 0");
    add("shift", 1, 6, "requantize: arithmetic right shift with round-half-up");
    if (d.zero_points()) {
        add("input_unsigned", 1, 1, "input elements are uint8 (else int8)");
        add("input_zero_point", 1, 16, "subtracted from each input element at fill (signed)");
        add("weight_unsigned", 1, 1, "weight elements are uint8 (else int8)");
        add("weight_zero_point", 1, 16, "subtracted from each weight element at fill (signed)");
    }
    if (d.fixed_point_requant) {
        add("multiplier", 1, 32, "requantize: fixed-point multiplier (0: shift only)");
        add("round_even", 1, 1, "requantize: round ties to even (else up)");
        add("out_zero_point", 1, 16, "requantize: added after rounding (signed)");
        add("out_unsigned", 1, 1, "requantize: saturate to uint8 (else int8)");
    }
    if (d.channel_requant)
        add("channel_requant", 1, 1, "requantize: multiplier and shift per channel from the bias table "
                                     "(bias load interleaves bias and requant words)");
    if (d.channel_weight_zero_point) {
        add("channel_w_zero_point", 1, 1, "weight fills subtract the element's channel's zero point from the bias "
                                          "table (bias load interleaves it after the bias and requant words)");
        add("w_zero_point_step", C, bias_addr_bits(d), "weight's channel step per weight coordinate "
                                                       "(channel = sum coord * step)");
    }
    add("bias_step", C, bias_addr_bits(d), "bias index step per output coordinate (bias[sum coord * step])");
    add("dim_extent", D, ib, "extent of each dim slot");
    add("loop_extent", T, ib, "extent of each temporal loop slot (outermost first; unused: 1)");
    add("loop_dim", T, db, "dim slot of each loop");
    add("loop_stride", T, ib, "dim index step of each loop");
    add("loop_psum_window", T, 1, "1: the loop is between the output buffer and its stationary "
                                  "block (a block is a first visit when these are all 0)");
    if (d.output_register_level)
        add("loop_register_window", T, 1, "1: the loop is between the output's outermost tile and its register "
                                          "level's tile and the output ignores it (the register starts from 0, "
                                          "without reading its file, when these are all 0)");
    const char *tensors[] = {"input", "weight", "output"};
    const int abits[] = {input_addr_bits(d), weight_addr_bits(d), output_addr_bits(d)};
    const TensorPorts *ports[] = {&d.input, &d.weight, &d.output};
    const bool fed[] = {d.input_dram_fed, d.weight_dram_fed, d.output_dram_fed};
    for (int x = 0; x < 3; ++x) {
        std::string t = tensors[x];
        if (!fed[x]) add(t + "_glb_delta", T, abits[x], "GLB address change when the loop increments");
        add(t + "_base_delta", T * C, 32, "tile base coordinate change per loop (loop-major)");
        add(t + "_addr_delta", T, 32, "tile DRAM address change per loop");
        // Lane groups of an operand fed from DRAM (DesignSpec::dram_fed) start at their own DRAM
        // address and tile base: the DMA fills each group's files from there.
        const int lb = lane_addr_bits(d, x);
        const std::string space = fed[x] ? "DRAM" : "GLB";
        const int64_t groups[] = {lane_rows(*ports[x], d), lane_cols(*ports[x], d)};
        for (int side = 0; side < 2; ++side) {
            const std::string s = side == 0 ? "row" : "col", lane = side == 0 ? "row" : "column";
            if (!(side == 0 ? ports[x]->depends_on_rows : ports[x]->depends_on_cols)) continue;
            if ((side == 0 ? d.row_axis_dims : d.col_axis_dims) == 0)
                add(t + "_" + s + "_step", 1, lb, space + " address step per " + lane + " lane");
            else add(t + "_" + s + "_offset", int(groups[side]), lb, space + " address offset of each " + lane + " lane group");
            if (fed[x])
                add(t + "_" + s + "_coord", int(groups[side]) * C, 32,
                    "tile base coordinate offset of each " + lane + " lane group (group-major)");
        }
    }
    // Per-PE files (EmitPeBuffers.cpp): where a tile starts, the file address walk, the fill walk.
    const int64_t pe_depth[] = {d.input_pe_depth, d.weight_pe_depth, d.output_pe_depth};
    for (int x = 0; x < 3; ++x) {
        if (pe_depth[x] == 0) continue;
        const std::string t = tensors[x];
        const int pb = bits_for(pe_depth[x]);
        add(t + "_pe_delta", T, pb, "per-PE file address change when the loop increments");
        if (fed[x]) continue;  // the DMA fills the files, as it fills a buffer (<t>_tile_from, <t>_box)
        add(t + "_pe_from", 1, lb, "loop slot of the per-PE tile (refill when slots >= it are 0)");
        add(t + "_pe_words", 1, pb + 1, "words of the per-PE tile (one fill cycle each)");
        add(t + "_pe_box", C, ib, "per-PE tile extent per coordinate (unused: 1)");
        add(t + "_pe_walk", C, abits[x], "GLB address change when the fill's box coordinate increments");
        if ((x == 0 && d.input_pe_double_buffered) || (x == 1 && d.weight_pe_double_buffered)) {
            add(t + "_pe_next_from", 1, lb, "loop slot the prefetch follows (the next tile: that slot + 1; "
                                            "= " + t + "_pe_from: no prefetch)");
            add(t + "_pe_next_step", 1, abits[x], "GLB address change from a tile to the next one the prefetch fills");
        }
        if (x == 2)
            add("output_pe_coord_dim", C, db, "dim slot of each output coordinate (drain predication)");
    }
    // Two shared levels of a tensor (EmitStaging.cpp): the inner tile's position in the outer
    // buffer and the copy's walk.
    const int64_t outer_depth[] = {d.input_outer_depth, d.weight_outer_depth, d.output_outer_depth};
    for (int x = 0; x < 3; ++x) {
        if (outer_depth[x] == 0) continue;
        const std::string t = tensors[x];
        const int ob = bits_for(outer_depth[x]);
        add(t + "_stage_from", 1, lb, "loop slot of the inner tile (copied from the outer buffer when slots >= it are 0)");
        add(t + "_stage_words", 1, abits[x] + 1, "words of the inner tile (one copy cycle each)");
        add(t + "_outer_delta", T, ob, "outer-buffer address of the inner tile: change when the loop increments");
        add(t + "_stage_box", C, ib, "inner tile extent per coordinate (unused: 1)");
        add(t + "_stage_walk", C, ob, "outer-buffer address change when the copy's box coordinate increments");
        if ((x == 0 && d.input_stage_double_buffered) || (x == 1 && d.weight_stage_double_buffered)) {
            add(t + "_stage_next_from", 1, lb, "loop slot the inner tile's prefetch follows (= " + t +
                                               "_stage_from: no prefetch)");
            add(t + "_stage_next_step", 1, ob, "outer-buffer address change from an inner tile to the next one");
        }
        if (x == 2)
            add("output_stage_cycles", 1, output_stage_cycle_bits(d),
                "cycles a drain or reload holds the array: the inner block's words at the outer level's port");
    }
    const char *channels[] = {"input", "weight", "output", "bias"};
    for (const char *ch : channels) {
        std::string c = ch;
        add(c + "_box", C, ib, "DMA box extent per coordinate (unused: 1)");
        add(c + "_shape", C, ib, "tensor shape per coordinate (unused: 1)");
        add(c + "_walk_delta", C, 32, "DRAM address change when the box coordinate increments");
        add(c + "_init_base", C, 32, "tile base coordinate of the first iteration (signed)");
        add(c + "_init_addr", 1, 32, "DRAM address of that base (may point outside the tensor)");
    }
    if (next >= kRegCounterBase) throw std::runtime_error("register map overflows the config space");
    return map;
}

}  // namespace tessera::rtl
