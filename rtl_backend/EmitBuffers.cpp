// On-chip buffers: one global buffer (GLB) per tensor, sized for the largest tile of any layer the
// design was generated for, plus the bias table. Each is a plain array with synchronous reads so
// that Yosys infers a memory ($mem_v2), not flops.
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

std::string read_ports(int64_t ports, int addr_bits, int width) {
    std::ostringstream o;
    // Each port's read register is its slice of read_data (no per-port wires to concatenate:
    // Verilator would copy the wide vector once per port every cycle).
    o << "  for (genvar p = 0; p < " << ports << "; p++) begin : read_port\n"
      << "    always_ff @(posedge clk)\n"
      << "      if (read_enable[p]) read_data[p*" << width << " +: " << width << "] <= mem[read_addr[p*"
      << addr_bits << " +: " << addr_bits << "]];\n"
      << "  end\n";
    return o.str();
}

std::string single_write_buffer(const std::string &name, const std::string &doc, int64_t depth,
                                int addr_bits, int width, int64_t ports) {
    std::ostringstream o;
    o << "// " << doc << ": " << depth << " words x " << width << " bits, 1 write port (DMA), "
      << ports << " read port" << (ports > 1 ? "s" : "") << ".\n"
      << "module " << name << " (\n"
      << "  input  logic clk,\n"
      << "  input  logic write_enable,\n"
      << "  input  logic [" << addr_bits << "-1:0] write_addr,\n"
      << "  input  logic [" << width << "-1:0] write_data,\n"
      << "  input  logic [" << ports << "-1:0] read_enable,\n"
      << "  input  logic [" << ports * addr_bits << "-1:0] read_addr,\n"
      << "  output logic [" << ports * width << "-1:0] read_data\n"
      << ");\n"
      << "  logic [" << width << "-1:0] mem [0:" << depth << "-1];\n"
      << "  always_ff @(posedge clk)\n"
      << "    if (write_enable) mem[write_addr] <= write_data;\n"
      << read_ports(ports, addr_bits, width) << "endmodule\n";
    return o.str();
}

}  // namespace

Modules emit_buffers(const DesignSpec &d) {
    const int64_t go = d.output.groups(d.rows, d.cols);
    const int ob = output_addr_bits(d);
    Modules modules;
    modules.emplace_back("tessera_input_glb",
                         single_write_buffer("tessera_input_glb", "Input global buffer (tile of I, halo included)",
                                             d.input_depth, input_addr_bits(d), d.input_bits,
                                             d.input.groups(d.rows, d.cols)));
    modules.emplace_back("tessera_weight_glb",
                         single_write_buffer("tessera_weight_glb", "Weight global buffer (tile of W)",
                                             d.weight_depth, weight_addr_bits(d), d.weight_bits,
                                             d.weight.groups(d.rows, d.cols)));
    modules.emplace_back("tessera_bias_table",
                         single_write_buffer("tessera_bias_table", "Bias table (int32 per output channel)",
                                             d.bias_depth, bias_addr_bits(d), d.acc_bits, 1));
    std::ostringstream o;
    o << "// Output global buffer (partial sums of the O tile): " << d.output_depth << " words x "
      << d.acc_bits << " bits, " << go << " write port" << (go > 1 ? "s" : "") << " and " << go
      << " read port" << (go > 1 ? "s" : "") << "\n"
      << "// (one pair per output lane group); read port 0 also serves the drain (never at the same\n"
      << "// time: the drain follows a pipeline flush).\n"
      << "module tessera_output_glb (\n"
      << "  input  logic clk,\n"
      << "  input  logic [" << go << "-1:0] write_enable,\n"
      << "  input  logic [" << go * ob << "-1:0] write_addr,\n"
      << "  input  logic [" << go * d.acc_bits << "-1:0] write_data,\n"
      << "  input  logic [" << go << "-1:0] read_enable,\n"
      << "  input  logic [" << go * ob << "-1:0] read_addr,\n"
      << "  input  logic drain_read,\n"
      << "  input  logic [" << ob << "-1:0] drain_addr,\n"
      << "  output logic [" << go * d.acc_bits << "-1:0] read_data\n"
      << ");\n"
      << "  logic [" << d.acc_bits << "-1:0] mem [0:" << d.output_depth << "-1];\n"
      // One process per write port: the ports never write the same word in a cycle (distinct
      // output elements), and separate processes leave Yosys no write priorities to resolve
      // (with one process, opt_mem_priority takes many minutes for 256 ports).
      << "  for (genvar p = 0; p < " << go << "; p++) begin : write_port\n"
      << "    always_ff @(posedge clk)\n"
      << "      if (write_enable[p]) mem[write_addr[p*" << ob << " +: " << ob << "]] <= write_data[p*"
      << d.acc_bits << " +: " << d.acc_bits << "];\n"
      << "  end\n"
      << "  always_ff @(posedge clk)\n"
      << "    if (read_enable[0] || drain_read)\n"
      << "      read_data[0 +: " << d.acc_bits << "] <= mem[drain_read ? drain_addr : read_addr[0 +: " << ob
      << "]];\n";
    if (go > 1)
        o << "  for (genvar p = 1; p < " << go << "; p++) begin : read_port\n"
          << "    always_ff @(posedge clk)\n"
          << "      if (read_enable[p]) read_data[p*" << d.acc_bits << " +: " << d.acc_bits
          << "] <= mem[read_addr[p*" << ob << " +: " << ob << "]];\n"
          << "  end\n";
    o << "endmodule\n";
    modules.emplace_back("tessera_output_glb", o.str());
    return modules;
}

}  // namespace tessera::rtl
