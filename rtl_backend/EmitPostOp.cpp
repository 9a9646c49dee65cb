// The post-op unit on the drain path: bias, ReLU, requantize. Bit-exact with ir::PostOp and the
// Halide generators: int32 arithmetic (wrapping), round half up, arithmetic shift, saturation.
#include "Emitters.h"
#include "SvText.h"

namespace tessera::rtl {

std::string emit_post_op(const DesignSpec &d) {
    return fill(R"(// v = acc (+ bias); v = max(v, 0) if relu; out = clamp((v + 2^(shift-1)) >>> shift) to int${OB}
// (no rounding term when shift is 0).
module tessera_post_op (
  input  logic signed [${AB}-1:0] acc,
  input  logic signed [${AB}-1:0] bias,
  input  logic bias_enable,
  input  logic relu_enable,
  input  logic [5:0] shift,
  output logic signed [${OB}-1:0] result
);
  logic signed [${AB}-1:0] biased, rectified, rounding, rounded, shifted;
  assign biased = acc + (bias_enable ? bias : '0);
  assign rectified = relu_enable && biased < 0 ? '0 : biased;
  assign rounding = shift == 6'd0 ? '0 : ${AB}'sd1 <<< (shift - 6'd1);
  assign rounded = rectified + rounding;
  assign shifted = rounded >>> shift;
  assign result = shifted > ${AB}'sd${MAX} ? ${OB}'sd${MAX}
                : shifted < -${AB}'sd${MINMAG} ? -${OB}'sd${MAX} - ${OB}'sd1
                : shifted[${OB}-1:0];
endmodule
)",
                {{"AB", std::to_string(d.acc_bits)},
                 {"OB", std::to_string(d.out_bits)},
                 {"MAX", std::to_string((int64_t(1) << (d.out_bits - 1)) - 1)},
                 {"MINMAG", std::to_string(int64_t(1) << (d.out_bits - 1))}});
}

}  // namespace tessera::rtl
