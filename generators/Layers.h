// The algorithms of Tessera's built-in layers, shared by the Halide generators (conv2d, fc) and
// the JIT reference. Hardware schedules name these Funcs and Vars (docs/schedules.md).
#pragma once

#include "ir/AcceleratorIR.h"

#include <Halide.h>

namespace tessera::gen {

// Names a schedule can use. Conv: output(x, y, k, n) from acc(x, y, k, n) += ifmap(x*stride_x +
// s*dilation_x - pad_left, y*stride_y + r*dilation_y - pad_top, c, n) * filter(s, r, c, k);
// depthwise (groups = C = K) drops c (ifmap's channel is k); a grouped conv (any other groups > 1)
// adds the group g: acc(x, y, k, g, n) += ifmap(.., g*C/groups + c, n) * filter(s, r, c,
// g*K/groups + k) with k < K/groups, c < C/groups; fc: acc(k, n) += ifmap(c, n) * filter(c, k),
// a batched fc (batch > 1) acc(k, n, b) += ifmap(c, n, b) * filter(c, k, b).
struct LayerFuncs {
    Halide::Func ifmap{"ifmap"};    // the input, zero outside its bounds (padding)
    Halide::Func filter{"filter"};  // the weights
    Halide::Func acc{"acc"};        // int32 accumulation: the multiply-accumulate stage
    Halide::Func output;            // post-op (bias, ReLU, requantize) into int8
    Halide::Var x{"x"}, y{"y"}, k{"k"}, n{"n"}, g{"g"}, b{"b"};
    Halide::RVar c{"c"}, r{"r"}, s{"s"};
};

// Dimension order of the tensors as Halide buffers (innermost first).
// conv input (x, y, c, n), weights (s, r, c, k) (c extent C/groups), bias (k),
// output (x, y, k, n), for a grouped conv (x, y, k, g, n) (the same memory); fc input (c, n), weights (c, k), bias (k), output (k, n).
int input_dims(const ir::LayerSpec &);
int output_dims(const ir::LayerSpec &);

// Checks the spec (one-line UserError otherwise) and defines the algorithm into `f`. `output` must
// already name the Func to define (a generator's Output, or a plain Func).
void define_layer(const ir::LayerSpec &spec, LayerFuncs &f, const Halide::Func &input,
                  const Halide::Func &weights, const Halide::Func &bias);

// Input / output buffer extents (innermost first) for `spec`.
std::vector<int> input_shape(const ir::LayerSpec &);
std::vector<int> weight_shape(const ir::LayerSpec &);
std::vector<int> output_shape(const ir::LayerSpec &);

void validate(const ir::LayerSpec &spec);

// Per-channel requantization as one generator param: "M/S,M/S,..." (multiplier / 2^shift per
// output channel), and back; a malformed text is a UserError.
std::string channel_requant_text(const ir::LayerSpec &spec);
void parse_channel_requant(const std::string &text, ir::LayerSpec &spec);
// Per-channel weight zero points as text: "Z,Z,..." (the generator parameter channel_w_zero_point).
std::string channel_w_zero_point_text(const ir::LayerSpec &spec);
void parse_channel_w_zero_point(const std::string &text, ir::LayerSpec &spec);

}  // namespace tessera::gen
