// The PE array: rows x cols PEs whose interconnect follows the connection kinds in the spec.
// Per operand, PE (r, c) takes the word of its lane group: a tensor shared along a dimension gets
// one word per group broadcast to every PE along it; one that depends on both gets a word per PE.
// The output's accumulators are summed by an adder tree along the dimensions it does not depend on.
#include "Emitters.h"
#include "SvText.h"

#include <sstream>
#include <vector>

namespace tessera::rtl {

namespace {

int64_t group_of(const TensorPorts &p, const DesignSpec &d, int64_t r, int64_t c) {
    return (p.depends_on_rows ? r : 0) * (p.depends_on_cols ? d.cols : 1) + (p.depends_on_cols ? c : 0);
}

std::string pe_name(int64_t r, int64_t c) {
    return "r" + std::to_string(r) + "_c" + std::to_string(c);
}

// Balanced sum so the tree depth is log2(terms).
std::string adder_tree(const std::vector<std::string> &terms, size_t from, size_t to) {
    if (to - from == 1) return terms[from];
    size_t mid = from + (to - from) / 2;
    return "(" + adder_tree(terms, from, mid) + " + " + adder_tree(terms, mid, to) + ")";
}

std::string describe(const TensorPorts &p, bool output) {
    if (output) {
        if (p.depends_on_rows && p.depends_on_cols) return "one accumulator per PE (output stationary)";
        if (!p.depends_on_rows && !p.depends_on_cols) return "all PEs reduced into one word";
        return p.depends_on_rows ? "reduced along each row (adder tree over the columns)"
                                 : "reduced down each column (adder tree over the rows)";
    }
    if (p.depends_on_rows && p.depends_on_cols) return "one word per PE (unicast)";
    if (!p.depends_on_rows && !p.depends_on_cols) return "one word broadcast to every PE";
    return p.depends_on_rows ? "one word per row, broadcast along the row"
                             : "one word per column, broadcast down the column";
}

}  // namespace

std::string emit_array(const DesignSpec &d) {
    if (d.skew_tile) return emit_systolic_array(d);
    const int64_t gi = d.input.groups(d.rows, d.cols), gw = d.weight.groups(d.rows, d.cols),
                  go = d.output.groups(d.rows, d.cols);
    const bool row_active_used = !d.input.depends_on_rows || !d.weight.depends_on_rows;
    const bool col_active_used = !d.input.depends_on_cols || !d.weight.depends_on_cols;
    std::ostringstream o;
    o << "// PE array, " << d.rows << " rows x " << d.cols << " columns.\n"
      << "//   input:  " << describe(d.input, false) << " (" << gi << " lane groups)\n"
      << "//   weight: " << describe(d.weight, false) << " (" << gw << " lane groups)\n"
      << "//   output: " << describe(d.output, true) << " (" << go << " lane groups)\n"
      << "// Lane group g of a tensor: g = (row index if it depends on rows) * (columns if it depends\n"
      << "// on columns) + (column index if it depends on columns).\n";
    o << "module tessera_array (\n"
      << "  input  logic clk,\n"
      << "  input  logic [" << gi << "-1:0] input_load,          // per input lane group\n"
      << "  input  logic [" << gi * d.input_bits << "-1:0] input_words,\n"
      << "  input  logic [" << gw << "-1:0] weight_load,         // per weight lane group\n"
      << "  input  logic [" << gw * d.weight_bits << "-1:0] weight_words,\n";
    if (row_active_used)
        o << "  input  logic [" << d.rows << "-1:0] row_active,    // rows this layer uses\n";
    if (col_active_used)
        o << "  input  logic [" << d.cols << "-1:0] col_active,    // columns this layer uses\n";
    const bool files = d.output_pe_depth > 0;
    const int pa = files ? pe_addr_bits(d.output_pe_depth) : 0;
    if (files)  // per-PE accumulator files (EmitPE.cpp); reloads go to one PE per output lane group
        o << "  input  logic clear,\n"
          << "  input  logic [" << pa << "-1:0] acc_addr,\n"
          << "  input  logic drain_read,\n"
          << "  input  logic [" << pa << "-1:0] drain_addr,\n"
          << "  input  logic [" << go << "-1:0] reload_write,\n"
          << "  input  logic [" << pa << "-1:0] reload_addr,\n"
          << "  input  logic [" << go * d.acc_bits << "-1:0] reload_data,\n";
    else
        o << "  input  logic block_start,\n";
    o << ""
      << "  input  logic mac_other_valid,                 // dims not on the array are valid\n"
      << "  input  logic [" << d.rows << "-1:0] mac_row_valid,\n"
      << "  input  logic [" << d.cols << "-1:0] mac_col_valid,\n"
      << "  output logic [" << go * d.acc_bits << "-1:0] output_sums      // per output lane group\n"
      << ");\n";
    std::vector<std::vector<std::string>> members(go);
    for (int64_t r = 0; r < d.rows; ++r)
        for (int64_t c = 0; c < d.cols; ++c) {
            const std::string n = pe_name(r, c);
            const int64_t i = group_of(d.input, d, r, c), w = group_of(d.weight, d, r, c);
            std::string load_i = "input_load[" + std::to_string(i) + "]";
            if (!d.input.depends_on_rows) load_i += " & row_active[" + std::to_string(r) + "]";
            if (!d.input.depends_on_cols) load_i += " & col_active[" + std::to_string(c) + "]";
            std::string load_w = "weight_load[" + std::to_string(w) + "]";
            if (!d.weight.depends_on_rows) load_w += " & row_active[" + std::to_string(r) + "]";
            if (!d.weight.depends_on_cols) load_w += " & col_active[" + std::to_string(c) + "]";
            o << "  logic signed [" << d.acc_bits << "-1:0] acc_" << n << ";\n"
              << "  tessera_pe pe_" << n << " (\n"
              << "    .clk(clk),\n"
              << "    .load_input(" << load_i << "),\n"
              << "    .input_word(input_words[" << i * d.input_bits << " +: " << d.input_bits << "]),\n"
              << "    .load_weight(" << load_w << "),\n"
              << "    .weight_word(weight_words[" << w * d.weight_bits << " +: " << d.weight_bits << "]),\n"
              << (files ? "" : "    .block_start(block_start),\n")
              << "    .mac_enable(mac_other_valid & mac_row_valid[" << r << "] & mac_col_valid[" << c
              << "]),\n";
            const int64_t og = group_of(d.output, d, r, c);
            // The group's partial sum is reloaded into its first PE along the reduced dimensions.
            const bool lead = (d.output.depends_on_rows || r == 0) && (d.output.depends_on_cols || c == 0);
            if (files)
                o << "    .clear(clear), .acc_addr(acc_addr), .drain_read(drain_read), .drain_addr(drain_addr),\n"
                  << "    .reload_write(" << (lead ? "reload_write[" + std::to_string(og) + "]" : std::string("1'b0"))
                  << "), .reload_addr(reload_addr),\n"
                  << "    .reload_data(reload_data[" << og * d.acc_bits << " +: " << d.acc_bits << "]),\n";
            o << "    .acc(acc_" << n << ")\n"
              << "  );\n";
            members[group_of(d.output, d, r, c)].push_back("acc_" + n);
        }
    // One block, not one assign per group: Verilator would chain those into wide concatenations.
    o << "  // Output lane groups: sum of the accumulators of their PEs.\n"
      << "  always_comb begin\n";
    for (int64_t g = 0; g < go; ++g)
        o << "    output_sums[" << g * d.acc_bits << " +: " << d.acc_bits
          << "] = " << adder_tree(members[g], 0, members[g].size()) << ";\n";
    o << "  end\nendmodule\n";
    return o.str();
}

}  // namespace tessera::rtl
