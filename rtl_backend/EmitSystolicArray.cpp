// The pipelined PE array (ir::Interconnect Systolic and Hybrid; docs/hardware.md, "Interconnect").
// The array is cut into tiles of T x T PEs (T = 1: systolic). PE (r, c) works on an iteration
// skew(r, c) = r/T + c/T cycles after PE (0, 0): every PE does what the broadcast array's PE does
// (same tessera_pe), only later, so outputs and counters are the broadcast array's and the cycle
// count grows by one flush of skew() cycles per compute run.
//   - A shared operand enters at the array's edge, delayed there by its row (column) tile index, and
//     is forwarded PE to PE: combinationally inside a tile, through a register between tiles. A
//     tensor on some of an axis's loops only gives each lane of that axis its lane group's word
//     (multicast), each PE its group's word when it depends on both axes.
//   - A per-PE (unicast) operand is written into the PE's preload register when the buffer reads
//     it; the PE's operand register takes it when the skewed load reaches the PE (the TPU's weight
//     double buffer). ir::validate_fit rejects mappings that reload it faster than that. A unicast
//     operand read from per-PE files (a new word any cycle) runs through a delay line of the PE's
//     skew instead.
//   - A reduced output is summed along a chain of registered adders, one stage per skew level (per
//     tile along a reduced axis; a group on some of an axis's loops only may skip levels); the sums
//     (and per-PE accumulators) leave through de-skew registers so that every output lane group's
//     sum is valid skew() cycles after the broadcast array's: the top delays its output path by
//     that much (EmitTop.cpp).
//   - Control (block start, MAC predication, the per-PE operands' load; with accumulator files the
//     clear, drain and file addresses) travels down one shared delay line that each PE taps at its
//     skew. A reload's partial sum reaches its lane group's first PE through a delay line of that
//     PE's skew. Drains therefore read every PE at its skew and the sums leave skew() cycles late;
//     the top delays the drain's GLB writes by as much (EmitTop.cpp). A drain straight to DRAM
//     reads one lane group's PEs (the group's index travels the line too) and the DMA takes the
//     sums as late (EmitDma.cpp).
//   - For Verilator the PEs run in vector form (EmitArray.cpp's pe_vector, or files_vector with
//     each PE's taps of the control line) and every per-PE delay line is one ring of the array's
//     words (Writer::skewed);
//     synthesis and Icarus see tessera_pe instances and register chains.
#include "Emitters.h"
#include "SvText.h"

#include <map>
#include <sstream>
#include <vector>

namespace tessera::rtl {

namespace {

struct Writer {
    const DesignSpec &d;
    std::ostringstream decl, comb, ff;
    int64_t a(int64_t r) const { return r / d.skew_tile; }  // row tile
    int64_t b(int64_t c) const { return c / d.skew_tile; }  // column tile
    static std::string at(int64_t r, int64_t c) { return std::to_string(r) + "_" + std::to_string(c); }

    static std::string logic(int bits, const std::string &name) {
        return "  logic " + (bits > 1 ? "[" + std::to_string(bits) + "-1:0] " : std::string()) + name + ";\n";
    }
    // A register of `bits` fed by `from`, declared in `to_decl`, written in `to_ff`; returns its name.
    static std::string reg_in(std::ostream &to_decl, std::ostream &to_ff, const std::string &name, int bits,
                              const std::string &from) {
        to_decl << logic(bits, name);
        to_ff << "    " << name << " <= " << from << ";\n";
        return name;
    }
    std::string reg(const std::string &name, int bits, const std::string &from) {
        return reg_in(decl, ff, name, bits, from);
    }
    // `from` delayed by `k` registers named name_d1 .. name_dk, in the given streams.
    static std::string chain_in(std::ostream &to_decl, std::ostream &to_ff, const std::string &name, int bits,
                                std::string from, int64_t k) {
        for (int64_t j = 1; j <= k; ++j) from = reg_in(to_decl, to_ff, name + "_d" + std::to_string(j), bits, from);
        return from;
    }
    std::string delayed(const std::string &name, int bits, const std::string &from, int64_t k) {
        return chain_in(decl, ff, name, bits, from, k);
    }

    // Words that reach each PE (or lane group) its own number of cycles late: an operand's words
    // from per-PE files (a new word any cycle), reloads, the output sums' de-skew. Written in two
    // forms of one circuit: a register chain per word (`chain`, what synthesis and Icarus see),
    // and for Verilator's vector form one ring of all the words, written once a cycle and read
    // `delay[p]` slots back (`ring`: a few hundred operations a cycle instead of one per register
    // of every chain). Returns the delayed words' names, `<name>_tap_<p>`.
    std::vector<std::string> skewed(const std::string &name, int bits, const std::vector<std::string> &from,
                                    const std::vector<int64_t> &delay) {
        const size_t P = from.size();
        int64_t most = 0;
        for (int64_t k : delay) most = std::max(most, k);
        if (most == 0) return from;
        std::vector<std::string> taps(P);
        int64_t slots = 2;  // a power of two, so that the slot index wraps by itself
        while (slots < most) slots *= 2;
        const int at_bits = bits_for(slots);
        const std::string W = std::to_string(int64_t(P) * bits);
        std::ostringstream in;
        ring << "  logic [" << W << "-1:0] " << name << "_ring [" << slots << "], " << name << "_ring_in;\n"
             << "  logic [" << at_bits << "-1:0] " << name << "_ring_at;\n"
             << "  always_ff @(posedge clk) begin\n    " << name << "_ring[" << name << "_ring_at] <= " << name
             << "_ring_in;\n    " << name << "_ring_at <= " << name << "_ring_at + 1'b1;\n  end\n";
        for (size_t p = P; p-- > 0;) in << from[p] << (p ? ", " : "");
        ring << "  assign " << name << "_ring_in = {" << in.str() << "};\n";
        for (size_t p = 0; p < P; ++p) {
            taps[p] = name + "_tap_" + std::to_string(p);
            decl << logic(bits, taps[p]);
            if (delay[p] == 0) {
                comb << "  assign " << taps[p] << " = " << from[p] << ";\n";
                continue;
            }
            ring << "  assign " << taps[p] << " = " << name << "_ring[" << name << "_ring_at - " << at_bits << "'d"
                 << delay[p] % slots << "][" << int64_t(p) * bits << " +: " << bits << "];\n";
            const std::string last = chain_in(chain, chain_ff, name + "_" + std::to_string(p), bits, from[p], delay[p]);
            chain << "  assign " << taps[p] << " = " << last << ";\n";
        }
        return taps;
    }
    std::ostringstream ring, chain, chain_ff;
};

// Per-PE (load, word) of an operand: names of the signals that reach PE (r, c).
struct Delivery {
    std::vector<std::vector<std::string>> load, word;
};

Delivery deliver(Writer &w, const std::string &t, const TensorPorts &p, int bits, int switch_bit, bool files) {
    const DesignSpec &d = w.d;
    Delivery out;
    out.load.assign(size_t(d.rows), std::vector<std::string>(size_t(d.cols)));
    out.word = out.load;
    const std::string B = std::to_string(bits);
    auto group_word = [&](int64_t g) { return t + "_words[" + std::to_string(g * bits) + " +: " + B + "]"; };
    auto group_load = [&](int64_t g) { return t + "_load[" + std::to_string(g) + "]"; };
    if (p.depends_on_rows && p.depends_on_cols && files) {
        // Per-PE files deliver a new word on any iteration: each PE's (load, word) reaches it
        // skew(r, c) cycles late (Writer::skewed) instead of through a preload register.
        std::vector<std::string> loads, words;
        std::vector<int64_t> delay;
        for (int64_t r = 0; r < d.rows; ++r)
            for (int64_t c = 0; c < d.cols; ++c) {
                const int64_t g = group_of(p, d, r, c);
                loads.push_back(group_load(g));
                words.push_back(group_word(g));
                delay.push_back(d.skew_of(r, c));
            }
        const std::vector<std::string> load_taps = w.skewed(t + "_dl", 1, loads, delay),
                                       word_taps = w.skewed(t + "_dw", bits, words, delay);
        for (int64_t r = 0; r < d.rows; ++r)
            for (int64_t c = 0; c < d.cols; ++c) {
                out.load[r][c] = load_taps[size_t(r * d.cols + c)];
                out.word[r][c] = word_taps[size_t(r * d.cols + c)];
            }
        return out;
    }
    if (p.depends_on_rows && p.depends_on_cols) {
        // Preload register per PE; the skewed load moves it into the PE's operand register.
        for (int64_t r = 0; r < d.rows; ++r)
            for (int64_t c = 0; c < d.cols; ++c) {
                const int64_t g = group_of(p, d, r, c), s = d.skew_of(r, c);
                if (s == 0) {
                    out.load[r][c] = group_load(g);
                    out.word[r][c] = group_word(g);
                    continue;
                }
                const std::string pre = t + "_preload_" + Writer::at(r, c);
                w.decl << "  logic [" << B << "-1:0] " << pre << ";\n";
                w.ff << "    if (" << group_load(g) << ") " << pre << " <= " << group_word(g) << ";\n";
                out.load[r][c] = "ctrl_" + std::to_string(s) + "[" + std::to_string(switch_bit) + "]";
                out.word[r][c] = pre;
            }
        return out;
    }
    // Shared: the edge PE of each lane group gets the word delayed by its tile index, then it is
    // forwarded along the axis the tensor does not depend on (both: along row 0, then down).
    for (int64_t r = 0; r < d.rows; ++r)
        for (int64_t c = 0; c < d.cols; ++c) {
            const std::string here = Writer::at(r, c);
            auto forward = [&](int64_t fr, int64_t fc, bool same_tile) {
                if (same_tile) {
                    out.load[r][c] = out.load[fr][fc];
                    out.word[r][c] = out.word[fr][fc];
                } else {
                    out.load[r][c] = w.reg(t + "_fl_" + here, 1, out.load[fr][fc]);
                    out.word[r][c] = w.reg(t + "_fw_" + here, bits, out.word[fr][fc]);
                }
            };
            const bool edge = p.depends_on_rows ? c == 0 : p.depends_on_cols ? r == 0 : r == 0 && c == 0;
            if (edge) {
                // The lane's group: the lane itself, or with the tensor on some of the axis's
                // loops only, the lanes that differ in the loops it ignores (multicast).
                const int64_t g = group_of(p, d, r, c), lane = p.depends_on_rows ? r : p.depends_on_cols ? c : 0;
                const int64_t k = d.skew_of(r, c);
                out.load[r][c] = w.delayed(t + "_el_" + std::to_string(lane), 1, group_load(g), k);
                out.word[r][c] = w.delayed(t + "_ew_" + std::to_string(lane), bits, group_word(g), k);
            } else if (p.depends_on_rows || (!p.depends_on_cols && r == 0)) {
                forward(r, c - 1, w.b(c) == w.b(c - 1));  // along the row
            } else {
                forward(r - 1, c, w.a(r) == w.a(r - 1));  // down the column
            }
        }
    return out;
}

}  // namespace

std::string emit_systolic_array(const DesignSpec &d) {
    Writer w{d, {}, {}, {}};
    const int64_t gi = lane_groups(d.input, d), gw = lane_groups(d.weight, d),
                  go = lane_groups(d.output, d), S = d.skew();
    const bool row_active_used = d.operands_shared_on_rows(), col_active_used = d.operands_shared_on_cols();
    const std::string AB = std::to_string(d.acc_bits);
    const bool files = d.output_pe_depth > 0;
    const int pa = files ? pe_addr_bits(d.output_pe_depth) : 0;
    // Control word: [0] block_start, [1] MAC valid in the dims off the array, [2] / [3] an input /
    // weight load this cycle (per-PE operands), then the rows' and the columns' MAC validity; with
    // accumulator files, from `fc` on: clear, drain_read, acc_addr, drain_addr, reload_addr; with
    // an output register level under the files, from `rb` on: its block_start and block_end (each
    // PE's register block starts and ends at the PE's skew, with its MACs); with files drained
    // straight to DRAM, from `dg` on: the index of the lane group the DMA drains (a drain reads
    // and clears that group's PEs alone).
    const int64_t fc = 4 + d.rows + d.cols;
    const bool reg = files && d.output_register_level;
    const int64_t rb = fc + (files ? 2 + 3 * pa : 0);
    const int64_t dg = rb + (reg ? 2 : 0);
    const int gb = d.output_dram_fed ? bits_for(go) : 0;
    const int64_t cw = dg + gb;
    auto field = [&](const std::string &ctrl, int64_t at, int bits) {
        return ctrl + "[" + std::to_string(at + bits - 1) + ":" + std::to_string(at) + "]";
    };
    std::ostringstream o;
    o << "// Pipelined PE array, " << d.rows << " rows x " << d.cols << " columns in tiles of " << d.skew_tile
      << " x " << d.skew_tile << " PEs (skew " << S << " cycles).\n"
      << "module tessera_array (\n"
      << "  input  logic clk,\n"
      << "  input  logic [" << gi << "-1:0] input_load,\n"
      << "  input  logic [" << gi * d.input_bits << "-1:0] input_words,\n"
      << "  input  logic [" << gw << "-1:0] weight_load,\n"
      << "  input  logic [" << gw * d.weight_bits << "-1:0] weight_words,\n";
    if (row_active_used) o << "  input  logic [" << d.rows << "-1:0] row_active,\n";
    if (col_active_used) o << "  input  logic [" << d.cols << "-1:0] col_active,\n";
    o << accumulator_ports(d)
      << "  input  logic mac_other_valid,\n"
      << "  input  logic [" << d.rows << "-1:0] mac_row_valid,\n"
      << "  input  logic [" << d.cols << "-1:0] mac_col_valid,\n"
      << "  output logic [" << go * d.acc_bits << "-1:0] output_sums   // valid " << S
      << " cycles after the broadcast array's\n"
      << ");\n";
    // Each PE taps the fields it uses; a tap may leave some unread.
    w.decl << "  /* verilator lint_off UNUSEDSIGNAL */\n  logic [" << cw << "-1:0] ctrl_0;\n";
    if (gb) {  // the drained group's index (one-hot drain_read, one group per DMA job)
        w.decl << "  logic [" << gb << "-1:0] drain_group;\n";
        w.comb << "  always_comb begin\n    drain_group = '0;\n    for (int g = 0; g < " << go
               << "; g++)\n      if (drain_read[g]) drain_group = " << gb << "'(g);\n  end\n";
    }
    w.comb << "  assign ctrl_0 = {" << (gb ? "drain_group, " : "") << (reg ? "block_end, block_start, " : "")
           << (files ? std::string("reload_addr, drain_addr, acc_addr, ") + (gb ? "|drain_read" : "drain_read") + ", clear, "
                     : "")
           << "mac_col_valid, mac_row_valid, |weight_load, |input_load, mac_other_valid, "
           << (files ? "1'b0" : "block_start") << "};\n";
    for (int64_t k = 1; k <= S; ++k) w.reg("ctrl_" + std::to_string(k), int(cw), "ctrl_" + std::to_string(k - 1));
    w.decl << "  /* verilator lint_on UNUSEDSIGNAL */\n";

    const Delivery in = deliver(w, "input", d.input, d.input_bits, 2, d.input_pe_depth > 0);
    const Delivery wt = deliver(w, "weight", d.weight, d.weight_bits, 3, d.weight_pe_depth > 0);
    // A reload's partial sum reaches its lane group's first PE along the reduced axes at that
    // PE's skew.
    std::vector<std::string> reload_write_of(size_t(d.rows * d.cols)), reload_data_of(reload_write_of.size());
    if (files) {
        std::vector<int64_t> leads, delay;
        std::vector<std::string> writes, data;
        for (int64_t r = 0; r < d.rows; ++r)
            for (int64_t c = 0; c < d.cols; ++c)
                if (reload_lead(d, r, c)) {
                    const int64_t g = group_of(d.output, d, r, c);
                    leads.push_back(r * d.cols + c);
                    delay.push_back(d.skew_of(r, c));
                    writes.push_back("reload_write[" + std::to_string(g) + "]");
                    data.push_back("reload_data[" + std::to_string(g * d.acc_bits) + " +: " + AB + "]");
                }
        const std::vector<std::string> write_taps = w.skewed("reload_write", 1, writes, delay),
                                       data_taps = w.skewed("reload_data", d.acc_bits, data, delay);
        for (size_t i = 0; i < leads.size(); ++i) {
            reload_write_of[size_t(leads[i])] = write_taps[i];
            reload_data_of[size_t(leads[i])] = data_taps[i];
        }
    }
    std::ostringstream pes;
    std::vector<PeTaps> taps;  // the same PEs in vector form
    std::vector<FileTaps> file_taps;
    for (int64_t r = 0; r < d.rows; ++r)
        for (int64_t c = 0; c < d.cols; ++c) {
            const std::string n = Writer::at(r, c), ctrl = "ctrl_" + std::to_string(d.skew_of(r, c));
            std::string load_i = in.load[r][c], load_w = wt.load[r][c];
            if (d.shared_on_rows(d.input)) load_i += " & row_active[" + std::to_string(r) + "]";
            if (d.shared_on_cols(d.input)) load_i += " & col_active[" + std::to_string(c) + "]";
            if (d.shared_on_rows(d.weight)) load_w += " & row_active[" + std::to_string(r) + "]";
            if (d.shared_on_cols(d.weight)) load_w += " & col_active[" + std::to_string(c) + "]";
            w.decl << "  logic signed [" << AB << "-1:0] acc_" << n << ";\n";
            pes << "  tessera_pe pe_r" << r << "_c" << c << " (.clk(clk), .load_input(" << load_i
                << "), .input_word(" << in.word[r][c] << "),\n    .load_weight(" << load_w << "), .weight_word("
                << wt.word[r][c] << "),\n    ";
            if (files) {
                // (Empty: not its group's reload lead.)
                std::string reload_write = reload_write_of[size_t(r * d.cols + c)],
                            reload_data = reload_data_of[size_t(r * d.cols + c)];
                if (reload_write.empty()) reload_write = "1'b0", reload_data = "'0";
                std::string drain_read = ctrl + "[" + std::to_string(fc + 1) + "]";
                if (gb)
                    drain_read += " && " + field(ctrl, dg, gb) + " == " + std::to_string(gb) + "'d" +
                                  std::to_string(group_of(d.output, d, r, c));
                const FileTaps f{ctrl + "[" + std::to_string(fc) + "]", field(ctrl, fc + 2, pa), drain_read,
                                 field(ctrl, fc + 2 + pa, pa), reload_write, field(ctrl, fc + 2 + 2 * pa, pa),
                                 reload_data, reg ? ctrl + "[" + std::to_string(rb) + "]" : "",
                                 reg ? ctrl + "[" + std::to_string(rb + 1) + "]" : ""};
                file_taps.push_back(f);
                pes << file_ports(d, f) << "    ";
            } else {
                pes << ".block_start(" << ctrl << "[0]), ";
            }
            const std::string mac_enable = ctrl + "[1] & " + ctrl + "[" + std::to_string(4 + r) + "] & " + ctrl +
                                           "[" + std::to_string(4 + d.rows + c) + "]";
            pes << ".mac_enable(" << mac_enable << "), .acc(acc_" << n << "));\n";
            taps.push_back({in.word[r][c], wt.word[r][c], load_i, load_w, files ? "" : ctrl + "[0]", mac_enable});
        }

    // Output lane groups: a PE of skew k holds its block's sum k cycles after the broadcast
    // array's, so a group's accumulators are summed level by level of their skew, the running sum
    // registered from one level to the next (a chain over the tiles of each reduced axis; the
    // lanes of a group on some of an axis's loops may skip levels), then de-skewed to S.
    std::vector<std::map<int64_t, std::vector<std::string>>> levels(static_cast<size_t>(go));
    for (int64_t r = 0; r < d.rows; ++r)
        for (int64_t c = 0; c < d.cols; ++c)
            levels[size_t(group_of(d.output, d, r, c))][d.skew_of(r, c)].push_back("acc_" + Writer::at(r, c));
    std::vector<std::string> carries(static_cast<size_t>(go));
    std::vector<int64_t> deskew(carries.size());
    for (int64_t g = 0; g < go; ++g) {
        const std::string name = "out" + std::to_string(g);
        std::string carry;
        int64_t at = 0;
        for (auto &[k, terms] : levels[size_t(g)]) {
            if (!carry.empty())
                terms.insert(terms.begin(), w.delayed(name + "_q" + std::to_string(k), d.acc_bits, carry, k - at));
            carry = name + "_s" + std::to_string(k);
            w.decl << "  logic signed [" << AB << "-1:0] " << carry << ";\n";
            w.comb << "  assign " << carry << " = " << balanced_sum(terms) << ";\n";
            at = k;
        }
        carries[size_t(g)] = carry;
        deskew[size_t(g)] = S - at;
    }
    const std::vector<std::string> sums = w.skewed("out_deskew", d.acc_bits, carries, deskew);
    w.comb << "  always_comb begin\n";
    for (int64_t g = 0; g < go; ++g)
        w.comb << "    output_sums[" << g * d.acc_bits << " +: " << AB << "] = " << sums[size_t(g)] << ";\n";
    w.comb << "  end\n";
    o << w.decl.str() << w.comb.str() << "  always_ff @(posedge clk) begin\n" << w.ff.str() << "  end\n"
      << vector_form_guard();
    if (!w.chain.str().empty())
        o << "  /* verilator lint_off UNUSEDSIGNAL */\n`ifdef TESSERA_VECTOR_ARRAY\n" << w.ring.str() << "`else\n"
          << w.chain.str() << "  always_ff @(posedge clk) begin\n" << w.chain_ff.str() << "  end\n`endif\n"
          << "  /* verilator lint_on UNUSEDSIGNAL */\n";
    // Verilator simulates the PEs in vector form, as on the broadcast array (EmitArray.cpp); the
    // files' controls are each PE's taps of the skewed control line.
    o << "`ifdef TESSERA_VECTOR_ARRAY\n" << (files ? files_vector(d, taps, file_taps) : pe_vector(d, taps));
    for (int64_t r = 0; r < d.rows; ++r)
        for (int64_t c = 0; c < d.cols; ++c)
            o << "  assign acc_" << Writer::at(r, c) << " = acc[" << r * d.cols + c << "];\n";
    o << "`else\n" << pes.str() << "`endif\n";
    o << "endmodule\n";
    return o.str();
}

}  // namespace tessera::rtl
