// Prefetched tiles (docs/rtl.md, "Prefetched per-PE files" and "Prefetched inner tiles"): an
// operand's per-PE files, or the inner of its two shared tiles, on a double-buffered level keep two
// copies. At the first iteration of each tile the array switches to the copy its fill wrote, and,
// when the layer's prefetch loop (ir::prefetch_loop) has a next step, the fill walk (the per-PE
// fill, or the inner tile's copy) starts filling the next tile into the other copy from the same
// parent tile: one step of that loop on, whose address is this tile's plus the loop's step (per-PE
// files: predicated on the dims one step on). The walk moves one word per compute iteration (and
// per cycle the array waits for it), so what the array waits at the next tile depends on the two
// tiles alone (ir::prefetch_wait), as the model counts it. A tile the loop does not lead to (the
// loop is back at 0) is filled while the array waits, as a single copy is.
// A unit is one such tile: `<t>_pe` (the files) or `<t>_stage` (the inner tile); the controller's
// signals of a unit are named <unit>_from, <unit>_fill (the walk that stalls the array), ...
#include "Emitters.h"
#include "SvText.h"

#include <sstream>

namespace tessera::rtl {

namespace {

std::vector<std::string> prefetch_units(const DesignSpec &d) {
    std::vector<std::string> u;
    if (d.input_pe_double_buffered) u.push_back("input_pe");
    if (d.weight_pe_double_buffered) u.push_back("weight_pe");
    if (d.input_stage_double_buffered) u.push_back("input_stage");
    if (d.weight_stage_double_buffered) u.push_back("weight_stage");
    return u;
}

}  // namespace

PrefetchControl prefetch_control(const DesignSpec &d) {
    PrefetchControl c;
    const int lb = d.loop_bits();
    const std::vector<std::string> units = prefetch_units(d);
    if (units.empty()) return c;
    c.ports = "  input  logic [" + std::to_string(d.loops) + "-1:0] at_last,\n";
    std::string waits;
    for (const std::string &u : units) {
        c.ports += fill(R"(  input  logic [${LB}-1:0] ${U}_next_from,
  input  logic ${U}_walk_busy,          // the walk has words to read or to write
  output logic ${U}_prefetch,        // the walk starts filling the next tile
  output logic ${U}_prefetching,     // the walk fills the next tile (else this one, the array waiting)
  output logic ${U}_go,              // the walk may read this cycle
  output logic ${U}_read_bank,       // the copy the array reads this iteration
  output logic ${U}_fill_bank,       // the copy the walk writes
)",
                        {{"U", u}, {"LB", std::to_string(lb)}});
        // A tile the prefetch loop moved to was prefetched: the array waits (before any other
        // transfer of this iteration) until its last word has landed.
        c.logic += fill(R"(  logic ${U}_ahead, ${U}_wait, ${U}_copy;
  assign ${U}_ahead = zero_from[${U}_from] && !zero_from[${U}_next_from];
  assign ${U}_wait = state == COMPUTE && ${U}_ahead && ${U}_walk_busy;
  assign ${U}_prefetch = issue && zero_from[${U}_from] && ${U}_next_from != ${U}_from && !at_last[${U}_next_from];
  assign ${U}_go = !${U}_prefetching || issue || ${U}_wait;
  assign ${U}_read_bank = zero_from[${U}_from] ? !${U}_copy : ${U}_copy;
)",
                        {{"U", u}});
        c.ff += fill(R"(      if (state == IDLE && start) begin
        ${U}_copy <= 1'b0;
        ${U}_prefetching <= 1'b0;
      end else if (issue && zero_from[${U}_from]) ${U}_copy <= !${U}_copy;
      if (${U}_fill) begin
        ${U}_prefetching <= 1'b0;
        ${U}_fill_bank <= !${U}_copy;
      end else if (${U}_prefetch) begin
        ${U}_prefetching <= 1'b1;
        ${U}_fill_bank <= ${U}_copy;
      end
)",
                     {{"U", u}});
        waits += (waits.empty() ? "" : " || ") + u + "_wait";
    }
    c.logic += "  logic prefetch_wait, compute_free;  // the array waits for a prefetch; it may do anything else\n"
               "  assign prefetch_wait = " + waits + ";\n"
               "  assign compute_free = state == COMPUTE && !prefetch_wait;\n";
    return c;
}

void add_prefetch_hookups(const std::string &unit, OnChipFillWiring &w) {
    if (w.controller_ports.find(".at_last(") == std::string::npos) w.controller_ports += "\n    .at_last(at_last),";
    w.controller_ports += fill(R"(
    .${U}_next_from(cfg_${U}_next_from), .${U}_walk_busy(${U}_walk_busy), .${U}_prefetch(${U}_prefetch),
    .${U}_prefetching(${U}_prefetching), .${U}_go(${U}_go), .${U}_read_bank(${U}_read_bank),
    .${U}_fill_bank(${U}_fill_bank),)",
                               {{"U", unit}});
    w.declarations += fill("  logic ${U}_prefetch, ${U}_prefetching, ${U}_go, ${U}_walk_busy, ${U}_read_bank, ${U}_fill_bank;\n",
                           {{"U", unit}});
}

void add_prefetch_wiring(const DesignSpec &d, const std::string &t, OnChipFillWiring &w) {
    const int ab = t == "input" ? input_addr_bits(d) : weight_addr_bits(d);
    const int lane_bits = bits_for(d.rows * d.cols + 1) + 1;  // the counters' width of a lane count
    add_prefetch_hookups(t + "_pe", w);
    w.counter_ports += " ." + t + "_fill_groups(" + t + "_fill_groups),";
    const int D = d.dims, ib = d.index_bits, db = d.dim_bits();
    w.declarations += fill(R"(  logic [${AB}-1:0] ${T}_next_glb;    // GLB address of the next tile's first iteration
  logic [${DIB}-1:0] ${T}_next_dims;  // dims at the next tile's first iteration
  logic [${LANE_BITS}-1:0] ${T}_fill_groups;  // lane groups a fill reads this cycle (the counters')
)",
                           {{"T", t}, {"AB", std::to_string(ab)}, {"DIB", std::to_string(D * ib)},
                            {"LANE_BITS", std::to_string(lane_bits)}});
    // The next tile is one step of the prefetch loop on: its dim moves by the loop's stride.
    w.instances += fill(R"(  // ${T}: where the prefetch of the next tile reads, latched as it starts.
  always_ff @(posedge clk)
    if (${T}_pe_prefetch) begin
      ${T}_next_glb <= ${T}_glb_addr + cfg_${T}_pe_next_step;
      for (int k = 0; k < ${D}; k++)
        ${T}_next_dims[k*${IB} +: ${IB}] <= dim_index[k*${IB} +: ${IB}] +
            (cfg_loop_dim[cfg_${T}_pe_next_from*${DB} +: ${DB}] == ${DB}'(k) ? cfg_loop_stride[cfg_${T}_pe_next_from*${IB} +: ${IB}] : '0);
    end
  always_comb begin
    ${T}_fill_groups = '0;
    for (int g = 0; g < ${G}; g++) ${T}_fill_groups = ${T}_fill_groups + ${LANE_BITS}'(${T}_group_valid[g]);
  end
)",
                        {{"T", t}, {"D", std::to_string(D)}, {"IB", std::to_string(ib)}, {"DB", std::to_string(db)},
                         {"G", std::to_string(lane_groups(t == "input" ? d.input : d.weight, d))},
                         {"LANE_BITS", std::to_string(lane_bits)}});
}

std::string prefetch_lanes(const DesignSpec &d, const std::string &t, const std::string &predication,
                           const std::string &lanes, int ab) {
    const TensorPorts &p = t == "input" ? d.input : d.weight;
    std::vector<std::string> outputs = {t + "_row_addr", t + "_group_valid"};
    if (p.depends_on_cols) outputs.push_back(t + "_col_offset");
    // The lanes of this tile (a fill the array waits for) and of the next one (a prefetch).
    const std::string now = renamed(lanes, outputs, t + "_now_", {{" " + t + "_lanes (", " " + t + "_now_lanes ("}});
    std::vector<std::string> valid = {"row_valid", "col_valid", t + "_other_valid"};
    for (const PartialLaneValid &v : partial_lane_valids(d)) valid.push_back(v.name);
    std::string next = renamed(lanes, outputs, t + "_next_",
                               {{" " + t + "_lanes (", " " + t + "_next_lanes ("},
                                {t + "_glb_addr + " + t + "_fill_offset", t + "_next_glb + " + t + "_fill_offset"}});
    next = renamed(next, valid, t + "_next_", {});
    const std::string next_predication =
        predication_copy(d, predication, t + "_next_", t + "_next_dims", "of the " + t + "'s next per-PE tile");
    // The next tile's lanes read some of that predication; the rest is left unread.
    std::string unread;
    for (const std::string &sig : {"row_active", "col_active", "row_valid", "col_valid", "mac_other_valid",
                                   "input_other_valid", "weight_other_valid", "output_other_valid"})
        if (next_predication.find("(" + t + "_next_" + sig + ")") != std::string::npos)
            unread += (unread.empty() ? "" : ", ") + t + "_next_" + sig;
    for (const PartialLaneValid &v : partial_lane_valids(d))
        unread += (unread.empty() ? "" : ", ") + t + "_next_" + v.name;
    std::ostringstream o;
    o << now << next_predication << "  logic unused_" << t << "_next_predication;\n  assign unused_" << t
      << "_next_predication = ^{" << unread << "};\n"
      << next
      << "  logic [" << lane_rows(p, d) * ab << "-1:0] " << t << "_row_addr;\n"
      << "  logic [" << lane_groups(p, d) << "-1:0] " << t << "_group_valid;\n"
      << (p.depends_on_cols ? "  logic [" + std::to_string(lane_cols(p, d) * ab) + "-1:0] " + t + "_col_offset;\n" : "");
    for (const std::string &s : outputs)
        o << "  assign " << s << " = " << t << "_pe_prefetching ? " << t << "_next_" << s << " : " << t << "_now_" << s
          << ";\n";
    return o.str();
}

}  // namespace tessera::rtl
