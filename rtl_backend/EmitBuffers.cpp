// On-chip buffers: one global buffer (GLB) per tensor, sized for the largest tile of any layer the
// design was generated for, plus the bias table. Each is a plain array with synchronous reads so
// that Yosys infers a memory ($mem_v2), not flops.
//
// Double buffered (DesignSpec): two banks per buffer, the bank being the word address's low bit.
//
// Ports, honestly: an operand buffer has one read port per lane group of its tensor (groups(X) in
// docs/hardware.md), the output buffer one read-modify-write port pair per output lane group. A
// shared operand needs few ports (16 for a 16x16 C|K array); a unicast one needs a port per PE.
// A silicon implementation would bank these memories by lane; the counters count words either way.
#include "Emitters.h"
#include "SvText.h"

#include <sstream>

namespace tessera::rtl {

std::string word_index(const std::string &addr, const std::string &bank, bool two_banks) {
    return two_banks ? "{" + addr + ", " + bank + "}" : addr;
}

namespace {

// `for` loops over the lane groups (r, c) of a tensor around `body` (which names them r and c).
std::string for_each_lane(const TensorPorts &p, const DesignSpec &d, const std::string &label,
                          const std::string &body) {
    const int64_t gr = lane_rows(p, d), gc = lane_cols(p, d);
    std::ostringstream o;
    o << "  for (genvar r = 0; r < " << gr << "; r++) begin : " << label << "_row\n";
    if (p.depends_on_cols) o << "    for (genvar c = 0; c < " << gc << "; c++) begin : " << label << "_col\n";
    if (!p.depends_on_cols) {
        o << body;
    } else {  // one level deeper
        std::istringstream lines(body);
        for (std::string line; std::getline(lines, line);) o << "  " << line << "\n";
    }
    if (p.depends_on_cols) o << "    end\n";
    o << "  end\n";
    return o.str();
}

// An operand buffer read by lane groups: port (r, c) reads the word at its lane address.
std::string operand_buffer(const DesignSpec &d, const std::string &name, const std::string &doc, int64_t depth,
                           int addr_bits, int width, const TensorPorts &lanes, bool two_banks) {
    const int64_t gr = lane_rows(lanes, d), gc = lane_cols(lanes, d), ports = gr * gc;
    const std::string port = lanes.depends_on_cols ? "r*" + std::to_string(gc) + " + c" : "r";
    const std::string addr = lane_address(lanes, addr_bits, "read_row_addr", "r", "c");
    std::ostringstream o;
    o << "// " << doc << ": " << (two_banks ? "2 banks x " : "") << depth << " words x " << width
      << " bits, 1 write port (DMA), " << ports << " read port" << (ports > 1 ? "s" : "")
      << " (one per lane group).\n";
    if (two_banks)
        o << "// The DMA fills write_bank while the array reads read_bank (the controller keeps them apart).\n";
    o << "module " << name << " (\n"
      << "  input  logic clk,\n"
      << "  input  logic write_enable,\n"
      << "  input  logic [" << addr_bits << "-1:0] write_addr,\n"
      << "  input  logic [" << width << "-1:0] write_data,\n"
      << (two_banks ? "  input  logic write_bank,\n  input  logic read_bank,\n" : "")
      << "  input  logic [" << ports << "-1:0] read_enable,\n"
      << "  input  logic [" << gr * addr_bits << "-1:0] read_row_addr,\n";
    if (lanes.depends_on_cols) o << "  input  logic [" << gc * addr_bits << "-1:0] col_offset,\n";
    o << "  output logic [" << ports * width << "-1:0] read_data\n"
      << ");\n"
      << "  logic [" << width << "-1:0] mem [0:" << (two_banks ? 2 : 1) * depth << "-1];\n"
      << "  always_ff @(posedge clk)\n"
      << "    if (write_enable) mem[" << word_index("write_addr", "write_bank", two_banks)
      << "] <= write_data;\n"
      // Each port's read register is its slice of read_data (no per-port wires to concatenate:
      // Verilator would copy the wide vector once per port every cycle).
      << for_each_lane(lanes, d, "read",
                       "    always_ff @(posedge clk)\n      if (read_enable[" + port + "]) read_data[(" + port +
                           ")*" + std::to_string(width) + " +: " + std::to_string(width) + "] <= mem[" +
                           word_index(addr, "read_bank", two_banks) + "];\n")
      << "endmodule\n";
    return o.str();
}

// The bias table: written by the DMA, read by the drain's post-op.
std::string bias_table(const DesignSpec &d) {
    const int ab = bias_addr_bits(d), w = d.acc_bits;
    std::ostringstream o;
    if (d.bias_load_stride() > 1) {
        // Per-channel tables beside the bias: requant words ({shift, multiplier}) and weight zero
        // points. The bias load walks bias_0, [requant_0], [zero_0], bias_1, ... (the layer's
        // registers say which are there): each write's kind and channel follow the previous
        // write's, restarting at the load's first word (address 0).
        const int fb = bias_fill_bits(d);
        const bool rq = d.channel_requant, zp = d.channel_weight_zero_point;
        o << "// Bias table (int32 per output channel)" << (rq ? ", requant table ({shift[5:0], multiplier[25:0]})" : "")
          << (zp ? ", weight zero points (signed 16 bits, read by the DMA's weight fills)" : "") << ": "
          << d.bias_depth << " words each, 1 write port (DMA), 1 read port (drain).\n"
          << "module tessera_bias_table (\n"
          << "  input  logic clk,\n"
          << (rq ? "  input  logic channel_requant,\n" : "")
          << (zp ? "  input  logic channel_w_zero_point,\n" : "")
          << "  input  logic write_enable,\n"
          << "  input  logic [" << fb << "-1:0] write_addr,\n"
          << "  input  logic [" << w << "-1:0] write_data,\n"
          << "  input  logic read_enable,\n"
          << "  input  logic [" << ab << "-1:0] read_addr,\n"
          << "  output logic [" << w << "-1:0] read_data"
          << (rq ? ",\n  output logic [31:0] requant_data" : "")
          << (zp ? ",\n  input  logic [" + std::to_string(ab) + "-1:0] zero_point_addr,\n"
                   "  output logic signed [15:0] zero_point_data   // combinational" : "")
          << "\n);\n"
          << "  logic [" << w << "-1:0] mem [0:" << d.bias_depth << "-1];\n"
          << (rq ? "  logic [31:0] requant [0:" + std::to_string(d.bias_depth) + "-1];\n" : "")
          << (zp ? "  logic signed [15:0] zero_points [0:" + std::to_string(d.bias_depth) + "-1];\n" : "")
          << "  // kind: 0 bias, 1 requant word, 2 weight zero point\n"
          << "  logic [1:0] kind, last_kind, first_after_bias, final_kind;\n"
          << "  logic [" << ab << "-1:0] channel, last_channel;\n"
          << "  assign first_after_bias = " << (rq ? "channel_requant ? 2'd1 : 2'd2" : "2'd2") << ";\n"
          << "  assign final_kind = " << (zp ? "channel_w_zero_point ? 2'd2 : " : "")
          << (rq ? "channel_requant ? 2'd1 : " : "") << "2'd0;\n"
          << "  always_comb\n"
          << "    if (write_addr == '0) begin kind = 2'd0; channel = '0; end\n"
          << "    else if (last_kind == final_kind) begin kind = 2'd0; channel = last_channel + 1'b1; end\n"
          << "    else begin kind = last_kind == 2'd0 ? first_after_bias : 2'd2; channel = last_channel; end\n"
          << "  always_ff @(posedge clk)\n"
          << "    if (write_enable) begin\n"
          << "      last_kind <= kind;\n"
          << "      last_channel <= channel;\n"
          << "      case (kind)\n"
          << "        2'd0: mem[channel] <= write_data;\n"
          << (rq ? "        2'd1: requant[channel] <= write_data[31:0];\n" : "")
          << (zp ? "        2'd2: zero_points[channel] <= write_data[15:0];\n" : "")
          << "        default: ;\n"
          << "      endcase\n"
          << "    end\n"
          << "  always_ff @(posedge clk)\n"
          << "    if (read_enable) begin\n"
          << "      read_data <= mem[read_addr];\n"
          << (rq ? "      requant_data <= requant[read_addr];\n" : "")
          << "    end\n"
          << (zp ? "  assign zero_point_data = zero_points[zero_point_addr];\n" : "")
          << "endmodule\n";
        return o.str();
    }
    o << "// Bias table (int32 per output channel): " << d.bias_depth << " words x " << w
      << " bits, 1 write port (DMA), 1 read port (drain).\n"
      << "module tessera_bias_table (\n"
      << "  input  logic clk,\n"
      << "  input  logic write_enable,\n"
      << "  input  logic [" << ab << "-1:0] write_addr,\n"
      << "  input  logic [" << w << "-1:0] write_data,\n"
      << "  input  logic read_enable,\n"
      << "  input  logic [" << ab << "-1:0] read_addr,\n"
      << "  output logic [" << w << "-1:0] read_data\n"
      << ");\n"
      << "  logic [" << w << "-1:0] mem [0:" << d.bias_depth << "-1];\n"
      << "  always_ff @(posedge clk)\n"
      << "    if (write_enable) mem[write_addr] <= write_data;\n"
      << "  always_ff @(posedge clk)\n"
      << "    if (read_enable) read_data <= mem[read_addr];\n"
      << "endmodule\n";
    return o.str();
}

std::string output_buffer(const DesignSpec &d) {
    const TensorPorts &lanes = d.output;
    const int64_t gr = lane_rows(lanes, d), gc = lane_cols(lanes, d), go = gr * gc;
    const int ob = output_addr_bits(d), acc = d.acc_bits;
    const bool two_banks = d.output_glb_banked();
    const std::string port = lanes.depends_on_cols ? "r*" + std::to_string(gc) + " + c" : "r";
    const std::string data = "[(" + port + ")*" + std::to_string(acc) + " +: " + std::to_string(acc) + "]";
    const std::string write_addr = word_index(lane_address(lanes, ob, "write_row_addr", "r", "c"), "bank", two_banks);
    const std::string read_addr = word_index(lane_address(lanes, ob, "read_row_addr", "r", "c"), "bank", two_banks);
    std::ostringstream o;
    o << "// Output global buffer (partial sums of the O tile): " << (two_banks ? "2 banks x " : "")
      << d.output_depth << " words x " << acc << " bits, " << go << " write port" << (go > 1 ? "s" : "")
      << " and " << go << " read port" << (go > 1 ? "s" : "") << "\n";
    if (two_banks)
        o << "// (one pair per output lane group) on bank, and a drain read port on drain_bank: the DMA\n"
          << "// drains the finished tile while the array accumulates the next one.\n";
    else
        o << "// (one pair per output lane group); read port 0 also serves the drain (never at the same\n"
          << "// time: the drain follows a pipeline flush).\n";
    // The inner of two shared levels: the walk also writes a resumed block's partial sums into it
    // (while the array stalls) and drains it through read port 0 (EmitStaging.cpp).
    const bool staged = d.output_staged();
    if (staged) o << "// The inner of two shared levels: a reload write port for the walk.\n";
    o << "module tessera_output_glb (\n"
      << "  input  logic clk,\n"
      << (two_banks ? "  input  logic bank,\n" : "")
      << "  input  logic [" << go << "-1:0] write_enable,\n"
      << "  input  logic [" << gr * ob << "-1:0] write_row_addr,\n"
      << "  input  logic [" << go * acc << "-1:0] write_data,\n"
      << "  input  logic [" << go << "-1:0] read_enable,\n"
      << "  input  logic [" << gr * ob << "-1:0] read_row_addr,\n";
    if (lanes.depends_on_cols) o << "  input  logic [" << gc * ob << "-1:0] col_offset,\n";
    o << "  input  logic drain_read,\n"
      << (two_banks ? "  input  logic drain_bank,\n" : "")
      << "  input  logic [" << ob << "-1:0] drain_addr,\n"
      << (two_banks ? "  output logic [" + std::to_string(acc) + "-1:0] drain_data,\n" : "")
      << (staged ? "  input  logic stage_write,\n  input  logic [" + std::to_string(ob) +
                       "-1:0] stage_write_addr,\n  input  logic [" + std::to_string(acc) + "-1:0] stage_write_data,\n"
                 : "")
      << "  output logic [" << go * acc << "-1:0] read_data\n"
      << ");\n"
      << "  logic [" << acc << "-1:0] mem [0:" << (two_banks ? 2 : 1) * d.output_depth << "-1];\n"
      << (staged ? "  always_ff @(posedge clk)\n    if (stage_write) mem[stage_write_addr] <= stage_write_data;\n" : "")
      // One process per write port: the ports never write the same word in a cycle (distinct
      // output elements), and separate processes leave Yosys no write priorities to resolve
      // (with one process, opt_mem_priority takes many minutes for 256 ports).
      << for_each_lane(lanes, d, "write",
                       "    always_ff @(posedge clk)\n      if (write_enable[" + port + "]) mem[" + write_addr +
                           "] <= write_data" + data + ";\n");
    if (two_banks) {
        o << "  always_ff @(posedge clk)\n"
          << "    if (drain_read) drain_data <= mem[{drain_addr, drain_bank}];\n"
          << for_each_lane(lanes, d, "read",
                           "    always_ff @(posedge clk)\n      if (read_enable[" + port + "]) read_data" + data +
                               " <= mem[" + read_addr + "];\n");
    } else {
        // Lane group 0 shares its read port with the drain.
        const std::string first = lanes.depends_on_cols ? "r == 0 && c == 0" : "r == 0";
        o << for_each_lane(lanes, d, "read",
                           "    if (" + first + ") begin : shared_with_drain\n"
                           "      always_ff @(posedge clk)\n"
                           "        if (read_enable[0] || drain_read) read_data[0 +: " + std::to_string(acc) +
                               "] <= mem[drain_read ? drain_addr : " + read_addr + "];\n"
                           "    end else begin : psum\n"
                           "      always_ff @(posedge clk)\n"
                           "        if (read_enable[" + port + "]) read_data" + data + " <= mem[" + read_addr + "];\n"
                           "    end\n");
    }
    o << "endmodule\n";
    return o.str();
}

}  // namespace

Modules emit_buffers(const DesignSpec &d) {
    Modules m;
    // An operand whose per-PE files DRAM fills has no global buffer.
    if (!d.input_dram_fed)
        m.push_back({"tessera_input_glb",
                     operand_buffer(d, "tessera_input_glb", "Input global buffer (tile of I, halo included)",
                                    d.input_depth, input_addr_bits(d), d.input_bits, d.input, d.input_glb_banked())});
    if (!d.weight_dram_fed)
        m.push_back({"tessera_weight_glb",
                     operand_buffer(d, "tessera_weight_glb", "Weight global buffer (tile of W)", d.weight_depth,
                                    weight_addr_bits(d), d.weight_bits, d.weight, d.weight_glb_banked())});
    m.push_back({"tessera_bias_table", bias_table(d)});
    if (!d.output_dram_fed) m.push_back({"tessera_output_glb", output_buffer(d)});
    return m;
}

}  // namespace tessera::rtl
