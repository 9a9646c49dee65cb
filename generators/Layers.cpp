#include "Layers.h"

#include "UserError.h"

namespace tessera::gen {

using namespace Halide;

namespace {

bool is_fc(const ir::LayerSpec &s) { return s.type == "fc"; }

Region full_region(const std::vector<int> &shape) {
    Region r;
    for (int e : shape) r.push_back(Range(0, e));
    return r;
}

// Integer-exact requantization: round half up by adding 2^(shift-1), arithmetic shift, saturate.
Expr post_op(const ir::LayerSpec &spec, Expr v, Expr bias_k) {
    if (spec.bias) v += bias_k;
    if (spec.relu) v = max(v, 0);
    int shift = spec.effective_shift();
    if (shift > 0) v = (v + (1 << (shift - 1))) >> shift;
    return cast<int8_t>(clamp(v, -128, 127));
}

}  // namespace

void validate(const ir::LayerSpec &s) {
    auto positive = [&](const char *key, int64_t v) {
        if (v < 1)
            throw UserError("layer " + s.name + ": " + key + "=" + std::to_string(v) +
                            " must be at least 1");
    };
    if (s.type != "conv" && s.type != "dwconv" && s.type != "fc")
        throw UserError("layer " + s.name + ": unknown type '" + s.type +
                        "' (use conv, dwconv or fc)");
    positive("N", s.N);
    positive("C", s.C);
    positive("K", s.K);
    positive("H", s.H);
    positive("W", s.W);
    positive("R", s.R);
    positive("S", s.S);
    positive("stride", s.stride);
    positive("stride_w", s.stride_x());
    positive("dilation", s.dilation);
    positive("dilation_w", s.dilation_x());
    positive("groups", s.groups);
    for (const auto &[key, v] : {std::pair<const char *, int64_t>{"pad", s.pad}, {"pad_bottom", s.pad_y1()},
                                 {"pad_left", s.pad_x0()}, {"pad_right", s.pad_x1()}})
        if (v < 0) throw UserError("layer " + s.name + ": " + key + " must not be negative");
    if (s.type == "fc" && (s.H != 1 || s.W != 1 || s.R != 1 || s.S != 1 || s.groups != 1 ||
                           !s.plain_geometry() || s.pad != 0))
        throw UserError("layer " + s.name + ": fc takes only N, C and K (H=W=R=S=1, groups=1, "
                        "no stride, pad or dilation)");
    if (s.C % s.groups != 0 || s.K % s.groups != 0)
        throw UserError("layer " + s.name + ": groups=" + std::to_string(s.groups) +
                        " must divide C=" + std::to_string(s.C) + " and K=" + std::to_string(s.K));
    if (s.type == "dwconv" && !(s.groups == s.C && s.K == s.C))
        throw UserError("layer " + s.name + ": dwconv needs groups = C = K (write a grouped "
                        "conv as conv:...,groups=G)");
    if (s.out_h() < 1 || s.out_w() < 1)
        throw UserError("layer " + s.name + ": the kernel is larger than the padded input");
    if (s.requant_shift > 30)
        throw UserError("layer " + s.name + ": requantize shift must be 0..30");
}

int input_dims(const ir::LayerSpec &s) { return is_fc(s) ? 2 : 4; }
int output_dims(const ir::LayerSpec &s) { return int(output_shape(s).size()); }

std::vector<int> input_shape(const ir::LayerSpec &s) {
    if (is_fc(s)) return {int(s.C), int(s.N)};
    return {int(s.W), int(s.H), int(s.C), int(s.N)};
}

std::vector<int> weight_shape(const ir::LayerSpec &s) {
    if (is_fc(s)) return {int(s.C), int(s.K)};
    return {int(s.S), int(s.R), int(s.C / s.groups), int(s.K)};
}

std::vector<int> output_shape(const ir::LayerSpec &s) {
    if (is_fc(s)) return {int(s.K), int(s.N)};
    // A grouped conv's channel is (k within the group, group): the same memory as (K) channels.
    if (s.grouped())
        return {int(s.out_w()), int(s.out_h()), int(s.K / s.groups), int(s.groups), int(s.N)};
    return {int(s.out_w()), int(s.out_h()), int(s.K), int(s.N)};
}

void define_layer(const ir::LayerSpec &spec, LayerFuncs &f, const Func &input, const Func &weights,
                  const Func &bias) {
    validate(spec);
    // RVars named exactly c, r, s (innermost first: s, r, c) so schedules can name them.
    std::vector<Internal::ReductionVariable> rvars;
    Var &x = f.x, &y = f.y, &k = f.k, &n = f.n;
    Func &output = f.output;
    if (is_fc(spec)) {
        Var ic("c");
        f.ifmap(ic, n) = input(ic, n);
        f.filter(ic, k) = weights(ic, k);
        rvars = {{"c", 0, int(spec.C)}};
        RDom rd{Internal::ReductionDomain(rvars)};
        f.c = rd[0];
        f.acc(k, n) = 0;
        f.acc(k, n) += cast<int32_t>(f.ifmap(f.c, n)) * cast<int32_t>(f.filter(f.c, k));
        output(k, n) = post_op(spec, f.acc(k, n), bias(k));
        output.bound(k, 0, int(spec.K)).bound(n, 0, int(spec.N));
        return;
    }
    Func clamped = BoundaryConditions::constant_exterior(input, cast<int8_t>(0),
                                                         full_region(input_shape(spec)));
    Var ix("x"), iy("y"), ic("c"), in("n");
    f.ifmap(ix, iy, ic, in) = clamped(ix, iy, ic, in);
    // Input coordinates of output (x, y) and window tap (s, r): stride, dilation and the leading
    // pad of each axis (the trailing pad only sets the output extent).
    const int sy = int(spec.stride_y()), sx = int(spec.stride_x()), dy = int(spec.dilation_y()),
              dx = int(spec.dilation_x()), py = int(spec.pad_y0()), px = int(spec.pad_x0());
    auto in_x = [&]() { return x * sx + f.s * dx - px; };
    auto in_y = [&]() { return y * sy + f.r * dy - py; };
    Var fs("s"), fr("r"), fc("c");
    if (spec.depthwise()) {
        rvars = {{"s", 0, int(spec.S)}, {"r", 0, int(spec.R)}};
        RDom rd{Internal::ReductionDomain(rvars)};
        f.s = rd[0];
        f.r = rd[1];
        f.filter(fs, fr, k) = weights(fs, fr, 0, k);
        f.acc(x, y, k, n) = 0;
        f.acc(x, y, k, n) += cast<int32_t>(f.ifmap(in_x(), in_y(), k, n)) *
                             cast<int32_t>(f.filter(f.s, f.r, k));
    } else {
        const int cg = int(spec.C / spec.groups), kg = int(spec.K / spec.groups);
        rvars = {{"s", 0, int(spec.S)}, {"r", 0, int(spec.R)}, {"c", 0, cg}};
        RDom rd{Internal::ReductionDomain(rvars)};
        f.s = rd[0];
        f.r = rd[1];
        f.c = rd[2];
        f.filter(fs, fr, fc, k) = weights(fs, fr, fc, k);
        if (spec.grouped()) {
            // Group g's outputs k (of K/groups) read its inputs c (of C/groups): every index stays
            // an affine function of the loop variables.
            Var &g = f.g;
            f.acc(x, y, k, g, n) = 0;
            f.acc(x, y, k, g, n) += cast<int32_t>(f.ifmap(in_x(), in_y(), g * cg + f.c, n)) *
                                    cast<int32_t>(f.filter(f.s, f.r, f.c, g * kg + k));
            output(x, y, k, g, n) = post_op(spec, f.acc(x, y, k, g, n), bias(g * kg + k));
            output.bound(x, 0, int(spec.out_w()))
                .bound(y, 0, int(spec.out_h()))
                .bound(k, 0, kg)
                .bound(g, 0, int(spec.groups))
                .bound(n, 0, int(spec.N));
            return;
        }
        f.acc(x, y, k, n) = 0;
        f.acc(x, y, k, n) += cast<int32_t>(f.ifmap(in_x(), in_y(), f.c, n)) *
                             cast<int32_t>(f.filter(f.s, f.r, f.c, k));
    }
    output(x, y, k, n) = post_op(spec, f.acc(x, y, k, n), bias(k));
    output.bound(x, 0, int(spec.out_w()))
        .bound(y, 0, int(spec.out_h()))
        .bound(k, 0, int(spec.K))
        .bound(n, 0, int(spec.N));
}

}  // namespace tessera::gen
