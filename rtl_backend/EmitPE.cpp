// The processing element: one multiply-accumulate per cycle, with a register per operand that keeps
// the stationary operand between loads from the global buffer.
#include "Emitters.h"
#include "SvText.h"

namespace tessera::rtl {

namespace {

// A PE with a per-PE accumulator file (docs/rtl.md, "Per-PE accumulator files"): each MAC adds
// into the word at acc_addr (read, add, write back in one cycle, so back-to-back updates of one
// word need no forwarding). A drain reads a word into `acc` (the array's adder tree sums those)
// and clears it, so every block starts from 0; a reload writes a block's partial sum from the GLB
// into the file (the array does that in one PE per output lane group).
//
// With an output register level under the file (DesignSpec::output_register_level) the PE sums
// into a register across the register's block instead: the block's first MAC starts from the
// file word (0 where it holds no sum yet), its last writes the sum back.
std::string pe_with_file(const DesignSpec &d) {
    const int product_bits = d.input_bits + d.weight_bits;
    const bool reg = d.output_register_level;
    return fill(R"(// Processing element: ${WHAT} (signed ${IB} x ${WB} -> ${AB} bits).
// A load writes the operand register and feeds the same cycle's multiply (bypass).
module tessera_pe (
  input  logic                   clk,
  input  logic                   clear,         // layer start: every word of the file to 0${BLOCK_PORTS}
  input  logic                   load_input,
  input  logic signed [${IB}-1:0]  input_word,
  input  logic                   load_weight,
  input  logic signed [${WB}-1:0]  weight_word,
  input  logic                   mac_enable,    // this PE's lane is valid in every dim (predication)
  input  logic [${PA}-1:0]         acc_addr,      // the file word this MAC adds into
  input  logic                   drain_read,    // acc <= file[drain_addr]; the word is cleared
  input  logic [${PA}-1:0]         drain_addr,
  input  logic                   reload_write,  // file[reload_addr] <= reload_data
  input  logic [${PA}-1:0]         reload_addr,
  input  logic signed [${AB}-1:0] reload_data,
  output logic signed [${AB}-1:0] acc
);
  logic signed [${IB}-1:0] input_reg;
  logic signed [${WB}-1:0] weight_reg;
  logic signed [${IB}-1:0] input_operand;
  logic signed [${WB}-1:0] weight_operand;
  logic signed [${PB}-1:0] product;
  logic signed [${AB}-1:0] file [${DEPTH}];

  assign input_operand  = load_input  ? input_word  : input_reg;
  assign weight_operand = load_weight ? weight_word : weight_reg;
  assign product = input_operand * weight_operand;

  // live[i]: word i holds a sum; a word that is not live reads as 0 (a clear is one vector write,
  // not a loop over the file).
  logic [${DEPTH}-1:0] live;
  logic signed [${AB}-1:0] stored, addend;
  assign stored = live[acc_addr] ? file[acc_addr] : '0;
  assign addend = mac_enable ? {{(${AB}-${PB}){product[${PB}-1]}}, product} : '0;
${SUM_DECL}  always_ff @(posedge clk) begin
    if (load_input)  input_reg  <= input_word;
    if (load_weight) weight_reg <= weight_word;
    if (clear) live <= '0;
    else begin
${ACCUMULATE}
      if (drain_read) begin
        acc <= live[drain_addr] ? file[drain_addr] : '0;
        live[drain_addr] <= 1'b0;
      end
      if (reload_write) begin
        file[reload_addr] <= reload_data;
        live[reload_addr] <= 1'b1;
      end
    end
  end
endmodule
)",
                {{"IB", std::to_string(d.input_bits)},
                 {"WB", std::to_string(d.weight_bits)},
                 {"AB", std::to_string(d.acc_bits)},
                 {"PB", std::to_string(product_bits)},
                 {"PA", std::to_string(pe_addr_bits(d.output_pe_depth))},
                 {"DEPTH", std::to_string(d.output_pe_depth)},
                 {"WHAT", reg ? "sum += input * weight over a register block, file[acc_addr] <-> sum at its ends"
                              : "file[acc_addr] += input * weight"},
                 {"BLOCK_PORTS", reg ? "\n  input  logic                   block_start,   // the register's block starts (issue)\n"
                                       "  input  logic                   block_end,     // ... and ends: sum to the file"
                                     : ""},
                 {"ACCUMULATE", reg ? R"(      sum <= sum_next;
      if (block_end) begin
        file[acc_addr] <= sum_next;
        live[acc_addr] <= 1'b1;
      end)"
                                    : R"(      if (mac_enable) begin
        file[acc_addr] <= stored + addend;
        live[acc_addr] <= 1'b1;
      end)"},
                 {"SUM_DECL", reg ? fill(R"(  // The register level: the block's sum so far (the file word it started from included).
  logic signed [${AB}-1:0] sum, sum_next;
  assign sum_next = (block_start ? stored : sum) + addend;
)", {{"AB", std::to_string(d.acc_bits)}})
                                  : ""}});
}

}  // namespace

std::string emit_pe(const DesignSpec &d) {
    if (d.output_pe_depth > 0) return pe_with_file(d);
    const int product_bits = d.input_bits + d.weight_bits;
    return fill(R"(// Processing element: acc += input * weight (signed ${IB} x ${WB} -> ${AB} bits).
// A load writes the operand register and feeds the same cycle's multiply (bypass), so an operand
// loaded at the start of its stationary block is used at once and then reused from the register.
module tessera_pe (
  input  logic                   clk,
  input  logic                   load_input,    // input register takes input_word this cycle
  input  logic signed [${IB}-1:0]  input_word,
  input  logic                   load_weight,   // weight register takes weight_word this cycle
  input  logic signed [${WB}-1:0]  weight_word,
  input  logic                   block_start,   // first cycle of an accumulation block: start from 0
  input  logic                   mac_enable,    // this PE's lane is valid in every dim (predication)
  output logic signed [${AB}-1:0] acc
);
  logic signed [${IB}-1:0] input_reg;
  logic signed [${WB}-1:0] weight_reg;
  logic signed [${IB}-1:0] input_operand;
  logic signed [${WB}-1:0] weight_operand;
  logic signed [${PB}-1:0] product;
  logic signed [${AB}-1:0] addend;

  assign input_operand  = load_input  ? input_word  : input_reg;
  assign weight_operand = load_weight ? weight_word : weight_reg;
  assign product = input_operand * weight_operand;
  assign addend  = mac_enable ? {{(${AB}-${PB}){product[${PB}-1]}}, product} : '0;

  always_ff @(posedge clk) begin
    if (load_input)  input_reg  <= input_word;
    if (load_weight) weight_reg <= weight_word;
    acc <= (block_start ? '0 : acc) + addend;
  end
endmodule
)",
                {{"IB", std::to_string(d.input_bits)},
                 {"WB", std::to_string(d.weight_bits)},
                 {"AB", std::to_string(d.acc_bits)},
                 {"PB", std::to_string(product_bits)}});
}

}  // namespace tessera::rtl
