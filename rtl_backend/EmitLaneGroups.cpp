// Per-tensor lane groups: the GLB address and validity of each group of PEs that shares one word
// of the tensor. Address = the generator's lane-0 address + row * row_step + col * col_step, for the
// array dimensions the tensor depends on (the others share the word). The lanes module gives the
// row part (with the lane-0 address) and the column part apart; each buffer read or write port adds
// them where it uses them, under its enable, so a simulator computes an address only for a port
// that reads (a 16x16 per-PE operand would otherwise cost 256 additions every cycle).
#include "Emitters.h"
#include "SvText.h"

#include <functional>
#include <sstream>

namespace tessera::rtl {

namespace {

// The leading lane of each of an axis's groups.
std::vector<int64_t> leading_lanes(int64_t lanes, int64_t groups, const std::function<bool(int64_t)> &lead,
                                   const std::function<int64_t(int64_t)> &group) {
    std::vector<int64_t> leader(size_t(groups), 0);
    for (int64_t lane = 0; lane < lanes; ++lane)
        if (lead(lane)) leader[size_t(group(lane))] = lane;
    return leader;
}

std::string lane_groups(const DesignSpec &d, const std::string &tensor, const TensorPorts &p, int ab) {
    const int64_t gr = lane_rows(p, d), gc = lane_cols(p, d);
    std::ostringstream o;
    o << "// Lane groups of the " << tensor << " tensor: " << gr << " x " << gc << ".\n"
      << "module tessera_" << tensor << "_lanes (\n"
      << "  input  logic [" << ab << "-1:0] glb_addr,\n";
    const bool row_table = d.row_axis_dims > 0 && p.depends_on_rows, col_table = d.col_axis_dims > 0 && p.depends_on_cols;
    if (p.depends_on_rows)
        o << "  input  logic [" << (row_table ? gr * ab : ab) << "-1:0] " << (row_table ? "row_offset" : "row_step")
          << ",\n"
          << "  input  logic [" << d.rows << "-1:0] row_valid,\n";
    if (p.depends_on_cols)
        o << "  input  logic [" << (col_table ? gc * ab : ab) << "-1:0] "
          << (col_table ? "col_offset_table" : "col_step") << ",\n"
          << "  input  logic [" << d.cols << "-1:0] col_valid,\n";
    o << "  input  logic other_valid,\n"
      << "  output logic [" << gr * ab << "-1:0] row_addr,      // glb_addr + row * row_step\n";
    if (p.depends_on_cols)
        o << "  output logic [" << gc * ab << "-1:0] col_offset,    // col * col_step\n";
    o << "  output logic [" << gr * gc << "-1:0] group_valid\n"
      << ");\n";
    // Running sums, one wire each (no multipliers); the packed outputs are written in one block:
    // as separate assigns, Verilator chains them into one concatenation per lane.
    // With lane tables (several loops on the axis), lane r's offset is the table's entry r.
    auto row_term = [&](int64_t r) {
        if (row_table)
            return "glb_addr + row_offset[" + std::to_string(r * ab) + " +: " + std::to_string(ab) + "]";
        return r == 0 ? std::string("glb_addr") : "row_" + std::to_string(r - 1) + " + row_step";
    };
    auto col_term = [&](int64_t c) {
        if (col_table) return "col_offset_table[" + std::to_string(c * ab) + " +: " + std::to_string(ab) + "]";
        return c == 0 ? std::string("'0") : "col_" + std::to_string(c - 1) + " + col_step";
    };
    for (int64_t r = 0; r < gr; ++r)
        o << "  logic [" << ab << "-1:0] row_" << r << ";\n"
          << "  assign row_" << r << " = " << row_term(r) << ";\n";
    if (p.depends_on_cols)
        for (int64_t c = 0; c < gc; ++c)
            o << "  logic [" << ab << "-1:0] col_" << c << ";\n"
              << "  assign col_" << c << " = " << col_term(c) << ";\n";
    o << "  always_comb begin\n";
    for (int64_t r = 0; r < gr; ++r) o << "    row_addr[" << r * ab << " +: " << ab << "] = row_" << r << ";\n";
    if (p.depends_on_cols)
        for (int64_t c = 0; c < gc; ++c)
            o << "    col_offset[" << c * ab << " +: " << ab << "] = col_" << c << ";\n";
    // One slice per lane row, not one bit per group: Verilator turns each single-bit write of a
    // wide vector into a read-modify-write (256 of them per cycle were 19% of a 16x16 WS design's
    // simulation time).
    // A group of several lanes of an axis (the tensor ignores some of its loops) is valid where its
    // leading lane is (row_valid / col_valid check the tensor's dims only).
    const std::vector<int64_t> row_lead_lane = leading_lanes(d.rows, gr, [&](int64_t r) { return row_lead(p, d, r); },
                                                             [&](int64_t r) { return row_group(p, d, r); });
    const std::vector<int64_t> col_lead_lane = leading_lanes(d.cols, gc, [&](int64_t c) { return col_lead(p, d, c); },
                                                             [&](int64_t c) { return col_group(p, d, c); });
    std::string cols = "col_valid";
    if (p.col_loops) {
        cols = "{";
        for (int64_t c = gc; c-- > 0;) cols += "col_valid[" + std::to_string(col_lead_lane[size_t(c)]) + "]" + (c ? ", " : "}");
    }
    for (int64_t r = 0; r < gr; ++r) {
        o << "    group_valid[" << r * gc << " +: " << gc << "] = {" << gc << "{other_valid";
        if (p.depends_on_rows) o << " & row_valid[" << row_lead_lane[size_t(r)] << "]";
        o << "}}";
        if (p.depends_on_cols) o << " & " << cols;
        o << ";\n";
    }
    o << "  end\n";
    // The other lanes of a group within an axis read their leading lane's word.
    if (p.row_loops) o << "  logic unused_row_lanes;\n  assign unused_row_lanes = ^row_valid;\n";
    if (p.col_loops) o << "  logic unused_col_lanes;\n  assign unused_col_lanes = ^col_valid;\n";
    return o.str() + "endmodule\n";
}

}  // namespace


std::string lane_address(const TensorPorts &p, int ab, const std::string &row_addr, const std::string &r,
                         const std::string &c) {
    const std::string w = std::to_string(ab);
    std::string addr = row_addr + "[" + r + "*" + w + " +: " + w + "]";
    if (p.depends_on_cols) addr += " + col_offset[" + c + "*" + w + " +: " + w + "]";
    return addr;
}

Modules emit_lane_groups(const DesignSpec &d) {
    return {{"tessera_input_lanes", lane_groups(d, "input", d.input, lane_addr_bits(d, 0))},
            {"tessera_weight_lanes", lane_groups(d, "weight", d.weight, lane_addr_bits(d, 1))},
            {"tessera_output_lanes", lane_groups(d, "output", d.output, lane_addr_bits(d, 2))}};
}

}  // namespace tessera::rtl
