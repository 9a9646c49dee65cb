// The post-op unit on the drain path: bias, ReLU, requantize. Bit-exact with ir::PostOp and the
// Halide generators: int32 arithmetic (wrapping), round half up, arithmetic shift, saturation;
// in designs with fixed-point requantization (quantized layers) also the 64-bit product with a
// multiplier, rounding ties up or to even, the output zero point and uint8 saturation.
#include "Emitters.h"
#include "SvText.h"

namespace tessera::rtl {

namespace {

// out = saturate(round(v * multiplier / 2^shift) + out_zero_point), 64-bit intermediates; a
// multiplier of 0 selects the shift-only result. Matches generators/Layers.cpp post_op.
const char *kFixedPoint = R"(
  // Fixed-point requantization (multiplier != 0).
  logic signed [63:0] product, quotient, remainder_bits, half, rounded, with_zero_point;
  logic round_up;
  assign product = {{(64-${AB}){rectified[${AB}-1]}}, rectified} * $signed({32'd0, multiplier});
  assign half = shift == 6'd0 ? '0 : 64'sd1 <<< (shift - 6'd1);
  assign quotient = product >>> shift;
  assign remainder_bits = product - (quotient <<< shift);
  assign round_up = shift != 6'd0 && (remainder_bits > half || (remainder_bits == half &&
                                      (!round_even || quotient[0])));
  assign rounded = quotient + (round_up ? 64'sd1 : 64'sd0);
  assign with_zero_point = rounded + {{48{out_zero_point[15]}}, out_zero_point};
  logic [${OB}-1:0] requantized;
  assign requantized = out_unsigned
      ? (with_zero_point > 64'sd${UMAX} ? ${OB}'d${UMAX} : with_zero_point < 64'sd0 ? '0 : with_zero_point[${OB}-1:0])
      : (with_zero_point > 64'sd${MAX} ? ${OB}'sd${MAX}
         : with_zero_point < -64'sd${MINMAG} ? -${OB}'sd${MAX} - ${OB}'sd1 : with_zero_point[${OB}-1:0]);
  assign result = multiplier == 32'd0 ? shift_only : requantized;
)";

}  // namespace

std::string emit_post_op(const DesignSpec &d) {
    const bool fp = d.fixed_point_requant;
    return fill(R"(// v = acc (+ bias); v = max(v, 0) if relu; out = clamp((v + 2^(shift-1)) >>> shift) to int${OB}
// (no rounding term when shift is 0).${FP_DOC}
module tessera_post_op (
  input  logic signed [${AB}-1:0] acc,
  input  logic signed [${AB}-1:0] bias,
  input  logic bias_enable,
  input  logic relu_enable,
  input  logic [5:0] shift,${FP_PORTS}
  output logic signed [${OB}-1:0] result
);
  logic signed [${AB}-1:0] biased, rectified, rounding, rounded32, shifted;
  logic signed [${OB}-1:0] shift_only;
  assign biased = acc + (bias_enable ? bias : '0);
  assign rectified = relu_enable && biased < 0 ? '0 : biased;
  assign rounding = shift == 6'd0 ? '0 : ${AB}'sd1 <<< (shift - 6'd1);
  assign rounded32 = rectified + rounding;
  assign shifted = rounded32 >>> shift;
  assign shift_only = shifted > ${AB}'sd${MAX} ? ${OB}'sd${MAX}
                    : shifted < -${AB}'sd${MINMAG} ? -${OB}'sd${MAX} - ${OB}'sd1
                    : shifted[${OB}-1:0];
${FP_BODY}endmodule
)",
                {{"AB", std::to_string(d.acc_bits)},
                 {"OB", std::to_string(d.out_bits)},
                 {"MAX", std::to_string((int64_t(1) << (d.out_bits - 1)) - 1)},
                 {"UMAX", std::to_string((int64_t(1) << d.out_bits) - 1)},
                 {"MINMAG", std::to_string(int64_t(1) << (d.out_bits - 1))},
                 {"FP_DOC", fp ? "\n// With a multiplier: out = clamp(round(v * multiplier / 2^shift) + out_zero_point) to\n"
                                 "// int or uint; ties round up, or to even if round_even."
                               : ""},
                 {"FP_PORTS", fp ? "\n  input  logic [31:0] multiplier,\n  input  logic round_even,\n"
                                   "  input  logic signed [15:0] out_zero_point,\n  input  logic out_unsigned,"
                               : ""},
                 {"FP_BODY", fp ? fill(kFixedPoint, {{"AB", std::to_string(d.acc_bits)},
                                                     {"OB", std::to_string(d.out_bits)},
                                                     {"MAX", std::to_string((int64_t(1) << (d.out_bits - 1)) - 1)},
                                                     {"UMAX", std::to_string((int64_t(1) << d.out_bits) - 1)},
                                                     {"MINMAG", std::to_string(int64_t(1) << (d.out_bits - 1))}})
                                : "  assign result = shift_only;\n"}});
}

}  // namespace tessera::rtl
