// The PE array: rows x cols PEs whose interconnect follows the connection kinds in the spec.
// Per operand, PE (r, c) takes the word of its lane group: a tensor shared along a dimension gets
// one word per group broadcast to every PE along it; one that depends on both gets a word per PE.
// The output's accumulators are summed by an adder tree along the dimensions it does not depend on.
#include "Emitters.h"
#include "SvText.h"

#include <algorithm>
#include <functional>
#include <sstream>
#include <vector>

namespace tessera::rtl {

int64_t group_of(const TensorPorts &p, const DesignSpec &d, int64_t r, int64_t c) {
    return row_group(p, d, r) * lane_cols(p, d) + col_group(p, d, c);
}

bool reload_lead(const DesignSpec &d, int64_t r, int64_t c) {
    return row_lead(d.output, d, r) && col_lead(d.output, d, c);
}

namespace {

std::string pe_name(int64_t r, int64_t c) {
    return "r" + std::to_string(r) + "_c" + std::to_string(c);
}

std::string describe(const TensorPorts &p, bool output) {
    if (p.row_loops || p.col_loops)
        return output ? "summed over the lanes of the axis loops it ignores (a segmented reduction)"
                      : "one word per group of lanes that differ only in axis loops it ignores (multicast)";
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


// The wiring of PE (r, c): its lane group per tensor and its operand load enables.
struct PeWiring {
    int64_t r = 0, c = 0, input_group = 0, weight_group = 0, output_group = 0;
    std::string load_input, load_weight, mac_enable;
    bool lead = false;  // the first PE of its output lane group along the reduced dims
};

std::vector<PeWiring> pe_wiring(const DesignSpec &d) {
    std::vector<PeWiring> pes;
    for (int64_t r = 0; r < d.rows; ++r)
        for (int64_t c = 0; c < d.cols; ++c) {
            PeWiring p;
            p.r = r, p.c = c;
            p.input_group = group_of(d.input, d, r, c);
            p.weight_group = group_of(d.weight, d, r, c);
            p.output_group = group_of(d.output, d, r, c);
            p.load_input = "input_load[" + std::to_string(p.input_group) + "]";
            if (d.shared_on_rows(d.input)) p.load_input += " & row_active[" + std::to_string(r) + "]";
            if (d.shared_on_cols(d.input)) p.load_input += " & col_active[" + std::to_string(c) + "]";
            p.load_weight = "weight_load[" + std::to_string(p.weight_group) + "]";
            if (d.shared_on_rows(d.weight)) p.load_weight += " & row_active[" + std::to_string(r) + "]";
            if (d.shared_on_cols(d.weight)) p.load_weight += " & col_active[" + std::to_string(c) + "]";
            p.mac_enable = "mac_other_valid & mac_row_valid[" + std::to_string(r) + "] & mac_col_valid[" +
                           std::to_string(c) + "]";
            // The group's partial sum is reloaded into its first PE along the reduced dimensions.
            p.lead = reload_lead(d, r, c);
            pes.push_back(p);
        }
    return pes;
}

// One block, not one assign per group: Verilator would chain those into wide concatenations.
std::string output_sums(const DesignSpec &d, const std::vector<PeWiring> &pes,
                        const std::function<std::string(size_t)> &acc_of) {
    std::vector<std::vector<std::string>> members(size_t(lane_groups(d.output, d)));
    for (size_t i = 0; i < pes.size(); ++i) members[size_t(pes[i].output_group)].push_back(acc_of(i));
    std::ostringstream o;
    o << "  // Output lane groups: sum of the accumulators of their PEs.\n"
      << "  always_comb begin\n";
    for (size_t g = 0; g < members.size(); ++g)
        o << "    output_sums[" << int64_t(g) * d.acc_bits << " +: " << d.acc_bits
          << "] = " << balanced_sum(members[g]) << ";\n";
    o << "  end\n";
    return o.str();
}

// A broadcast array's PE's file controls: every PE shares the addresses; a drain straight to DRAM
// reads one lane group, a reload writes its group's lead.
FileTaps broadcast_file_taps(const DesignSpec &d, const PeWiring &p) {
    const std::string g = std::to_string(p.output_group);
    return {"clear", "acc_addr", "drain_read" + (d.output_dram_fed ? "[" + g + "]" : std::string()), "drain_addr",
            p.lead ? "reload_write[" + g + "]" : "1'b0", "reload_addr",
            "reload_data[" + std::to_string(p.output_group * d.acc_bits) + " +: " + std::to_string(d.acc_bits) + "]",
            "block_start", "block_end"};
}

// The array as tessera_pe instances (EmitPE.cpp) and their adder trees.
std::string pe_instances(const DesignSpec &d, const std::vector<PeWiring> &pes, bool files) {
    std::ostringstream o;
    for (const PeWiring &p : pes) {
        const std::string n = pe_name(p.r, p.c);
        o << "  logic signed [" << d.acc_bits << "-1:0] acc_" << n << ";\n"
          << "  tessera_pe pe_" << n << " (\n"
          << "    .clk(clk),\n"
          << "    .load_input(" << p.load_input << "),\n"
          << "    .input_word(input_words[" << p.input_group * d.input_bits << " +: " << d.input_bits << "]),\n"
          << "    .load_weight(" << p.load_weight << "),\n"
          << "    .weight_word(weight_words[" << p.weight_group * d.weight_bits << " +: " << d.weight_bits << "]),\n"
          << "    " << (files ? file_ports(d, broadcast_file_taps(d, p)) : ".block_start(block_start),\n")
          << "    .mac_enable(" << p.mac_enable << "),\n";
        o << "    .acc(acc_" << n << ")\n"
          << "  );\n";
    }
    o << output_sums(d, pes, [&](size_t i) { return "acc_" + pe_name(pes[i].r, pes[i].c); });
    return o.str();
}

}  // namespace

namespace {

// The vector form's per-PE operand taps (unpacked arrays, one assign per PE) and operand
// registers; the loop body that follows computes input_next[p] and weight_next[p].
std::string vector_operands(const DesignSpec &d, const std::vector<PeTaps> &taps, bool one_start) {
    const std::string P = std::to_string(taps.size()), IB = std::to_string(d.input_bits),
                      WB = std::to_string(d.weight_bits);
    std::ostringstream o;
    o << "  logic signed [" << IB << "-1:0] pe_input_word [" << P << "];\n"
      << "  logic signed [" << WB << "-1:0] pe_weight_word [" << P << "];\n"
      << "  logic pe_load_input [" << P << "], pe_load_weight [" << P << "], pe_mac_enable [" << P << "];\n"
      << (one_start ? "" : "  logic pe_block_start [" + P + "];\n");
    for (size_t i = 0; i < taps.size(); ++i) {
        const PeTaps &t = taps[i];
        o << "  assign pe_input_word[" << i << "] = " << t.input_word << ";\n"
          << "  assign pe_weight_word[" << i << "] = " << t.weight_word << ";\n"
          << "  assign pe_load_input[" << i << "] = " << t.load_input << ";\n"
          << "  assign pe_load_weight[" << i << "] = " << t.load_weight << ";\n"
          << "  assign pe_mac_enable[" << i << "] = " << t.mac_enable << ";\n";
        if (!one_start) o << "  assign pe_block_start[" << i << "] = " << t.block_start << ";\n";
    }
    o << "  logic signed [" << IB << "-1:0] input_reg [" << P << "], input_next [" << P << "];\n"
      << "  logic signed [" << WB << "-1:0] weight_reg [" << P << "], weight_next [" << P << "];\n";
    return o.str();
}

// The operand registers' blocking writes (inside an always_ff loop over p, after every read of
// this cycle's values).
const char *kOperandRegisterWrites = "      input_reg[p] = input_next[p];\n"
                                     "      weight_reg[p] = weight_next[p];\n";

const char *kOperandsNext = "      input_next[p] = pe_load_input[p] ? pe_input_word[p] : input_reg[p];\n"
                            "      weight_next[p] = pe_load_weight[p] ? pe_weight_word[p] : weight_reg[p];\n";

}  // namespace

std::string pe_vector(const DesignSpec &d, const std::vector<PeTaps> &taps) {
    const std::string P = std::to_string(taps.size()), AB = std::to_string(d.acc_bits);
    // One block_start for the whole array (broadcast) stays a scalar; a pipelined array's PEs
    // each tap theirs from the skewed control line.
    bool one_start = true;
    for (const PeTaps &t : taps) one_start = one_start && t.block_start == taps.front().block_start;
    std::ostringstream o;
    o << vector_operands(d, taps, one_start);
    const std::string start = one_start ? taps.front().block_start : "pe_block_start[p]";
    o << "  logic signed [" << AB << "-1:0] acc [" << P << "], acc_next [" << P << "];\n"
      << "  // tessera_pe: a load feeds the same cycle's multiply (bypass); acc restarts at block_start.\n"
      << "  always_comb\n"
      << "    for (int unsigned p = 0; p < " << P << "; p++) begin\n"
      << kOperandsNext
      << "      acc_next[p] = (" << start << " ? '0 : acc[p]) +\n"
      << "                    (pe_mac_enable[p] ? " << AB << "'(input_next[p] * weight_next[p]) : '0);\n"
      << "    end\n"
      << "  // acc (the array's output) by delayed assignment; the operand registers, which only this\n"
      << "  // module reads, by blocking writes in a loop after it: Verilator keeps that as a loop (it\n"
      << "  // splits a delayed write of a whole array into one statement per PE).\n"
      << "  always_ff @(posedge clk) begin\n"
      << "    acc <= acc_next;\n"
      << "    // verilator lint_off BLKSEQ\n"
      << "    for (int unsigned p = 0; p < " << P << "; p++) begin\n"
      << kOperandRegisterWrites
      << "    end\n"
      << "    // verilator lint_on BLKSEQ\n"
      << "  end\n";
    return o.str();
}

std::string vector_form_guard() {
    return "`ifdef VERILATOR\n`ifndef TESSERA_PE_INSTANCES\n`define TESSERA_VECTOR_ARRAY\n`endif\n`endif\n";
}

namespace {

// A broadcast array's PEs tap their lane groups' words directly.
std::vector<PeTaps> broadcast_taps(const DesignSpec &d, const std::vector<PeWiring> &pes) {
    std::vector<PeTaps> taps;
    for (const PeWiring &p : pes)
        taps.push_back({"input_words[" + std::to_string(p.input_group * d.input_bits) + " +: " +
                            std::to_string(d.input_bits) + "]",
                        "weight_words[" + std::to_string(p.weight_group * d.weight_bits) + " +: " +
                            std::to_string(d.weight_bits) + "]",
                        p.load_input, p.load_weight, "block_start", p.mac_enable});
    return taps;
}

// The broadcast array's PEs in vector form.
std::string broadcast_pe_vector(const DesignSpec &d, const std::vector<PeWiring> &pes) {
    return pe_vector(d, broadcast_taps(d, pes)) + output_sums(d, pes, [](size_t i) { return "acc[" + std::to_string(i) + "]"; });
}

}  // namespace

std::string file_ports(const DesignSpec &d, const FileTaps &f) {
    return (d.output_register_level ? ".block_start(" + f.block_start + "), .block_end(" + f.block_end + "),\n    "
                                    : std::string()) +
           ".clear(" + f.clear + "), .acc_addr(" + f.acc_addr + "), .drain_read(" + f.drain_read +
           "), .drain_addr(" + f.drain_addr + "),\n    .reload_write(" + f.reload_write + "), .reload_addr(" +
           f.reload_addr + "),\n    .reload_data(" + f.reload_data + "),\n";
}

namespace {

// A signal of the files' vector form: the expression itself where every PE taps the same one
// (a broadcast array's shared addresses), else a per-PE array `pe_<name>[p]` with one assign per PE.
std::string per_pe_signal(std::ostringstream &o, const std::string &name, const std::string &type,
                          const std::vector<std::string> &of_pe) {
    if (std::all_of(of_pe.begin(), of_pe.end(), [&](const std::string &t) { return t == of_pe.front(); }))
        return "(" + of_pe.front() + ")";
    o << "  " << type << " pe_" << name << " [" << of_pe.size() << "];\n";
    for (size_t i = 0; i < of_pe.size(); ++i) o << "  assign pe_" << name << "[" << i << "] = " << of_pe[i] << ";\n";
    return "pe_" + name + "[p]";
}

}  // namespace

// The PEs with accumulator files (EmitPE.cpp's tessera_pe with a file) in vector form: file[a][p]
// is word a of PE p's file, live[a][p] whether it holds a sum (else it reads as 0). The comb loop
// computes what the PE's statements read (the stored word, the product, the drained word) from the
// state before the edge; the clocked loop then makes the PE's writes in its order (accumulate,
// drain, reload), so where two hit one word the later one wins, as with the PE's delayed writes.
std::string files_vector(const DesignSpec &d, const std::vector<PeTaps> &taps, const std::vector<FileTaps> &files) {
    const std::string P = std::to_string(taps.size()), AB = std::to_string(d.acc_bits),
                      DEPTH = std::to_string(d.output_pe_depth), PA = std::to_string(pe_addr_bits(d.output_pe_depth));
    const bool reg = d.output_register_level;
    std::ostringstream o;
    o << vector_operands(d, taps, true);  // (the files' blocks are the FileTaps')
    auto field = [&](const std::string &name, const std::string &type, std::string FileTaps::*member) {
        std::vector<std::string> of_pe;
        for (const FileTaps &f : files) of_pe.push_back(f.*member);
        return per_pe_signal(o, name, type, of_pe);
    };
    const std::string addr_type = "logic [" + PA + "-1:0]";
    const std::string clear = field("clear", "logic", &FileTaps::clear),
                      acc_addr = field("acc_addr", addr_type, &FileTaps::acc_addr),
                      drain_read = field("drain_read", "logic", &FileTaps::drain_read),
                      drain_addr = field("drain_addr", addr_type, &FileTaps::drain_addr),
                      reload_write = field("reload_write", "logic", &FileTaps::reload_write),
                      reload_addr = field("reload_addr", addr_type, &FileTaps::reload_addr),
                      reload_data = field("reload_data", "logic signed [" + AB + "-1:0]", &FileTaps::reload_data),
                      block_start = reg ? field("sum_start", "logic", &FileTaps::block_start) : "",
                      block_end = reg ? field("sum_end", "logic", &FileTaps::block_end) : "";
    o << "  logic signed [" << AB << "-1:0] file [" << DEPTH << "][" << P << "];\n"
      << "  logic live [" << DEPTH << "][" << P << "];\n"
      << "  logic signed [" << AB << "-1:0] acc [" << P << "], acc_next [" << P << "], stored [" << P
      << "], addend [" << P << "];\n"
      << (reg ? "  logic signed [" + AB + "-1:0] sum [" + P + "], sum_next [" + P + "];\n" : "")
      << "  always_comb\n"
      << "    for (int unsigned p = 0; p < " << P << "; p++) begin\n"
      << kOperandsNext
      << "      stored[p] = live[" << acc_addr << "][p] ? file[" << acc_addr << "][p] : '0;\n"
      << "      addend[p] = pe_mac_enable[p] ? " << AB << "'(input_next[p] * weight_next[p]) : '0;\n"
      << (reg ? "      sum_next[p] = (" + block_start + " ? stored[p] : sum[p]) + addend[p];\n" : "")
      << "      acc_next[p] = " << clear << " || !" << drain_read << " ? acc[p]\n"
      << "                  : live[" << drain_addr << "][p] ? file[" << drain_addr << "][p] : '0;\n"
      << "    end\n"
      << "  // acc (the array's output) by delayed assignment; the state only this block reads (operand\n"
      << "  // registers, files) by blocking writes in a loop over the PEs after it, which Verilator keeps\n"
      << "  // as a loop (it splits a delayed write of a whole array, or a loop of them, into one statement\n"
      << "  // per PE). The values written were computed before the edge (the registers they were\n"
      << "  // computed from are written last).\n"
      << "  always_ff @(posedge clk) begin\n"
      << "    acc <= acc_next;\n"
      << "    // verilator lint_off BLKSEQ\n"
      << "    for (int unsigned p = 0; p < " << P << "; p++) begin\n"
      << "      if (" << clear << ") begin\n"
      << "        for (int unsigned a = 0; a < " << DEPTH << "; a++) live[a][p] = 1'b0;\n"
      << "      end else begin\n";
    if (reg)
        o << "        if (" << block_end << ") begin\n"
          << "          file[" << acc_addr << "][p] = sum_next[p];\n"
          << "          live[" << acc_addr << "][p] = 1'b1;\n"
          << "        end\n";
    else
        o << "        if (pe_mac_enable[p]) begin\n"
          << "          file[" << acc_addr << "][p] = stored[p] + addend[p];\n"
          << "          live[" << acc_addr << "][p] = 1'b1;\n"
          << "        end\n";
    o << "        if (" << drain_read << ") live[" << drain_addr << "][p] = 1'b0;\n"
      << "        if (" << reload_write << ") begin\n"
      << "          file[" << reload_addr << "][p] = " << reload_data << ";\n"
      << "          live[" << reload_addr << "][p] = 1'b1;\n"
      << "        end\n"
      << (reg ? "        sum[p] = sum_next[p];\n" : "")
      << "      end\n"
      << kOperandRegisterWrites
      << "    end\n"
      << "    // verilator lint_on BLKSEQ\n"
      << "  end\n";
    return o.str();
}

namespace {

// The broadcast array's PEs with accumulator files, in vector form.
std::string broadcast_files_vector(const DesignSpec &d, const std::vector<PeWiring> &pes) {
    std::vector<FileTaps> files;
    for (const PeWiring &p : pes) files.push_back(broadcast_file_taps(d, p));
    return files_vector(d, broadcast_taps(d, pes), files) +
           output_sums(d, pes, [](size_t i) { return "acc[" + std::to_string(i) + "]"; });
}

}  // namespace

std::string accumulator_ports(const DesignSpec &d) {
    if (d.output_pe_depth == 0) return "  input  logic block_start,\n";
    // Per-PE accumulator files (EmitPE.cpp); reloads go to one PE per output lane group.
    const int pa = pe_addr_bits(d.output_pe_depth);
    const int64_t go = lane_groups(d.output, d);
    std::ostringstream o;
    o << (d.output_register_level ? "  input  logic block_start, block_end,   // the output register's block\n" : "")
      << "  input  logic clear,\n"
      << "  input  logic [" << pa << "-1:0] acc_addr,\n"
      // Drained straight to DRAM, a lane group at a time: each group's PEs are read (and cleared) alone.
      << (d.output_dram_fed ? "  input  logic [" + std::to_string(go) + "-1:0] drain_read,\n" : "  input  logic drain_read,\n")
      << "  input  logic [" << pa << "-1:0] drain_addr,\n"
      << "  input  logic [" << go << "-1:0] reload_write,\n"
      << "  input  logic [" << pa << "-1:0] reload_addr,\n"
      << "  input  logic [" << go * d.acc_bits << "-1:0] reload_data,\n";
    return o.str();
}

std::string emit_array(const DesignSpec &d) {
    if (d.skew_tile) return emit_systolic_array(d);
    const int64_t gi = lane_groups(d.input, d), gw = lane_groups(d.weight, d),
                  go = lane_groups(d.output, d);
    const bool row_active_used = d.operands_shared_on_rows(), col_active_used = d.operands_shared_on_cols();
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
    o << accumulator_ports(d)
      << "  input  logic mac_other_valid,                 // dims not on the array are valid\n"
      << "  input  logic [" << d.rows << "-1:0] mac_row_valid,\n"
      << "  input  logic [" << d.cols << "-1:0] mac_col_valid,\n"
      << "  output logic [" << go * d.acc_bits << "-1:0] output_sums      // per output lane group\n"
      << ");\n";
    const std::vector<PeWiring> pes = pe_wiring(d);
    const std::string instances = pe_instances(d, pes, files);
    // Two forms of the same array: Verilator simulates the vector form (per-PE state in unpacked
    // arrays updated by one loop, which the C++ compiler vectorizes: about 2x the simulation
    // speed, and a build that does not grow with the PE count), synthesis and other simulators see
    // the PE instances. +define+TESSERA_PE_INSTANCES makes Verilator take the instances too (lint
    // checks both).
    o << vector_form_guard() << "`ifdef TESSERA_VECTOR_ARRAY\n"
      << (files ? broadcast_files_vector(d, pes) : broadcast_pe_vector(d, pes)) << "`else\n"
      << instances << "`endif\n";
    o << "endmodule\n";
    return o.str();
}

}  // namespace tessera::rtl
