// The processing element: one multiply-accumulate per cycle, with a register per operand that keeps
// the stationary operand between loads from the global buffer.
#include "Emitters.h"
#include "SvText.h"

namespace tessera::rtl {

std::string emit_pe(const DesignSpec &d) {
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
