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

namespace {

// A double-buffered memory holds two banks; the bank is the address's low bit, so the two banks
// together are exactly 2 x depth words (no rounding to a power of two, no adder on the address).
std::string word_index(const std::string &addr, const std::string &bank, bool two_banks) {
    return two_banks ? "{" + addr + ", " + bank + "}" : addr;
}

std::string operand_buffer(const std::string &name, const std::string &doc, int64_t depth, int addr_bits,
                           int width, int64_t ports, bool two_banks) {
    std::ostringstream o;
    o << "// " << doc << ": " << (two_banks ? "2 banks x " : "") << depth << " words x " << width
      << " bits, 1 write port (DMA), " << ports << " read port" << (ports > 1 ? "s" : "") << ".\n";
    if (two_banks)
        o << "// The DMA fills write_bank while the array reads read_bank (the controller keeps them apart).\n";
    o << "module " << name << " (\n"
      << "  input  logic clk,\n"
      << "  input  logic write_enable,\n"
      << "  input  logic [" << addr_bits << "-1:0] write_addr,\n"
      << "  input  logic [" << width << "-1:0] write_data,\n"
      << (two_banks ? "  input  logic write_bank,\n  input  logic read_bank,\n" : "")
      << "  input  logic [" << ports << "-1:0] read_enable,\n"
      << "  input  logic [" << ports * addr_bits << "-1:0] read_addr,\n"
      << "  output logic [" << ports * width << "-1:0] read_data\n"
      << ");\n"
      << "  logic [" << width << "-1:0] mem [0:" << (two_banks ? 2 : 1) * depth << "-1];\n"
      << "  always_ff @(posedge clk)\n"
      << "    if (write_enable) mem[" << word_index("write_addr", "write_bank", two_banks)
      << "] <= write_data;\n"
      // Each port's read register is its slice of read_data (no per-port wires to concatenate:
      // Verilator would copy the wide vector once per port every cycle).
      << "  for (genvar p = 0; p < " << ports << "; p++) begin : read_port\n"
      << "    always_ff @(posedge clk)\n"
      << "      if (read_enable[p]) read_data[p*" << width << " +: " << width << "] <= mem["
      << word_index("read_addr[p*" + std::to_string(addr_bits) + " +: " + std::to_string(addr_bits) + "]",
                    "read_bank", two_banks)
      << "];\n"
      << "  end\n"
      << "endmodule\n";
    return o.str();
}

std::string output_buffer(const DesignSpec &d) {
    const int64_t go = d.output.groups(d.rows, d.cols);
    const int ob = output_addr_bits(d), acc = d.acc_bits;
    const bool two_banks = d.output_double_buffered;
    const std::string port_addr = "[p*" + std::to_string(ob) + " +: " + std::to_string(ob) + "]";
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
    o << "module tessera_output_glb (\n"
      << "  input  logic clk,\n"
      << (two_banks ? "  input  logic bank,\n" : "")
      << "  input  logic [" << go << "-1:0] write_enable,\n"
      << "  input  logic [" << go * ob << "-1:0] write_addr,\n"
      << "  input  logic [" << go * acc << "-1:0] write_data,\n"
      << "  input  logic [" << go << "-1:0] read_enable,\n"
      << "  input  logic [" << go * ob << "-1:0] read_addr,\n"
      << "  input  logic drain_read,\n"
      << (two_banks ? "  input  logic drain_bank,\n" : "")
      << "  input  logic [" << ob << "-1:0] drain_addr,\n"
      << (two_banks ? "  output logic [" + std::to_string(acc) + "-1:0] drain_data,\n" : "")
      << "  output logic [" << go * acc << "-1:0] read_data\n"
      << ");\n"
      << "  logic [" << acc << "-1:0] mem [0:" << (two_banks ? 2 : 1) * d.output_depth << "-1];\n"
      // One process per write port: the ports never write the same word in a cycle (distinct
      // output elements), and separate processes leave Yosys no write priorities to resolve
      // (with one process, opt_mem_priority takes many minutes for 256 ports).
      << "  for (genvar p = 0; p < " << go << "; p++) begin : write_port\n"
      << "    always_ff @(posedge clk)\n"
      << "      if (write_enable[p]) mem[" << word_index("write_addr" + port_addr, "bank", two_banks)
      << "] <= write_data[p*" << acc << " +: " << acc << "];\n"
      << "  end\n";
    int first_psum_port = 0;
    if (two_banks) {
        o << "  always_ff @(posedge clk)\n"
          << "    if (drain_read) drain_data <= mem[{drain_addr, drain_bank}];\n";
    } else {
        o << "  always_ff @(posedge clk)\n"
          << "    if (read_enable[0] || drain_read)\n"
          << "      read_data[0 +: " << acc << "] <= mem[drain_read ? drain_addr : read_addr[0 +: " << ob
          << "]];\n";
        first_psum_port = 1;
    }
    if (go > first_psum_port)
        o << "  for (genvar p = " << first_psum_port << "; p < " << go << "; p++) begin : read_port\n"
          << "    always_ff @(posedge clk)\n"
          << "      if (read_enable[p]) read_data[p*" << acc << " +: " << acc << "] <= mem["
          << word_index("read_addr" + port_addr, "bank", two_banks) << "];\n"
          << "  end\n";
    o << "endmodule\n";
    return o.str();
}

}  // namespace

Modules emit_buffers(const DesignSpec &d) {
    return {{"tessera_input_glb",
             operand_buffer("tessera_input_glb", "Input global buffer (tile of I, halo included)", d.input_depth,
                            input_addr_bits(d), d.input_bits, d.input.groups(d.rows, d.cols),
                            d.input_double_buffered)},
            {"tessera_weight_glb",
             operand_buffer("tessera_weight_glb", "Weight global buffer (tile of W)", d.weight_depth,
                            weight_addr_bits(d), d.weight_bits, d.weight.groups(d.rows, d.cols),
                            d.weight_double_buffered)},
            {"tessera_bias_table",
             operand_buffer("tessera_bias_table", "Bias table (int32 per output channel)", d.bias_depth,
                            bias_addr_bits(d), d.acc_bits, 1, false)},
            {"tessera_output_glb", output_buffer(d)}};
}

}  // namespace tessera::rtl
