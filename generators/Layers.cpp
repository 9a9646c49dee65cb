#include "Layers.h"

#include "UserError.h"
#include "ir/Limits.h"

#include <tuple>

namespace tessera::gen {

using namespace Halide;

namespace {

bool is_fc(const ir::LayerSpec &s) { return s.type == "fc"; }

// The items of a comma-separated generator parameter ("a,b,c").
std::vector<std::string> comma_items(const std::string &text) {
    std::vector<std::string> items;
    for (size_t at = 0; at < text.size();) {
        const size_t end = std::min(text.find(',', at), text.size());
        items.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    return items;
}

Region full_region(const std::vector<int> &shape) {
    Region r;
    for (int e : shape) r.push_back(Range(0, e));
    return r;
}

// Integer-exact requantization. Shift only: round half up by adding 2^(shift-1), arithmetic
// shift, saturate to int8 (32-bit arithmetic). With a multiplier: the 64-bit product v * M,
// rounded by the shift (ties up, or to even), plus the output zero point, saturated to int8 or
// uint8. A uint8 result is returned as its byte (int8 bits): buffers hold raw bytes. Per-channel
// requantization reads M and the shift of `channel` (the bias word's index) from constant tables.
Expr post_op(const ir::LayerSpec &spec, Expr v, const Func &bias, const Expr &channel) {
    if (spec.bias) v += bias(channel);
    if (spec.relu) v = max(v, 0);
    if (spec.y_int32) return cast<int32_t>(v);
    const int shift = spec.effective_shift();
    if (spec.multiplier == 0) {
        if (shift > 0) v = (v + (1 << (shift - 1))) >> shift;
        return cast<int8_t>(clamp(v, -128, 127));
    }
    const Expr one = Expr(int64_t(1)), zero = Expr(int64_t(0));
    Expr m = Expr(int64_t(spec.multiplier)), sh = Expr(int64_t(shift));
    if (!spec.channel_multiplier.empty()) {
        const int channels = int(spec.channel_multiplier.size());
        // Unique names: a fused pipeline embeds one pair of tables per per-channel layer.
        Buffer<int64_t> mt(channels, Internal::unique_name("channel_multiplier")),
            st(channels, Internal::unique_name("channel_shift"));
        for (int i = 0; i < channels; ++i)
            mt(i) = spec.channel_multiplier[size_t(i)], st(i) = spec.channel_shift[size_t(i)];
        m = mt(channel);
        sh = st(channel);
    }
    Expr p = cast<int64_t>(v) * m;
    // Ties: with shift 0 there is no remainder; (half is 0 and r is 0, so nothing rounds up).
    const Expr half = select(sh > zero, one << max(sh - one, zero), zero);
    const Expr q = p >> sh, r = p - (q << sh);
    const Expr up = spec.round_even ? (r > half || (r == half && sh > zero && (q & one) == one))
                                    : (sh > zero && r >= half);
    p = q + select(up, one, zero);
    p = p + Expr(int64_t(spec.y_zero_point));
    const Expr lo = Expr(int64_t(spec.y_uint8 ? 0 : -128)), hi = Expr(int64_t(spec.y_uint8 ? 255 : 127));
    return cast<int8_t>(clamp(p, lo, hi));  // uint8 128..255 wrap to their bytes
}

// An operand as the MAC reads it: the element widened to int32 minus its zero point (left out
// when zero).
Expr operand(const Expr &element, int64_t zero_point) {
    Expr wide = cast<int32_t>(element);
    return zero_point ? wide - int32_t(zero_point) : wide;
}

// A weight as the MAC reads it: per-channel zero points come from a constant table indexed by
// the weight's output channel (the bias word's index), else operand().
Expr weight_operand(const ir::LayerSpec &spec, const Expr &element, const Expr &channel) {
    if (spec.channel_w_zero_point.empty()) return operand(element, spec.w_zero_point);
    const int channels = int(spec.channel_w_zero_point.size());
    // A unique name: a pipeline may embed several layers' tables.
    Buffer<int32_t> table(channels, Internal::unique_name("channel_w_zero_point"));
    for (int i = 0; i < channels; ++i) table(i) = int32_t(spec.channel_w_zero_point[size_t(i)]);
    return cast<int32_t>(element) - table(channel);
}

// A stored byte as its element: uint8 tensors are held as raw bytes in int8 buffers.
Expr element(const Expr &byte, bool is_unsigned) { return is_unsigned ? reinterpret(UInt(8), byte) : byte; }

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
    positive("batch", s.batch);
    if (s.batch != 1 && s.type != "fc") throw UserError("layer " + s.name + ": batch is for fc (a batched matmul)");
    for (const auto &[key, v] : {std::pair<const char *, int64_t>{"pad", s.pad}, {"pad_bottom", s.pad_y1()},
                                 {"pad_left", s.pad_x0()}, {"pad_right", s.pad_x1()}})
        if (v < 0) throw UserError("layer " + s.name + ": " + key + " must not be negative");
    if (s.type == "fc" && (s.H != 1 || s.W != 1 || s.R != 1 || s.S != 1 || s.groups != 1 ||
                           !s.plain_geometry() || s.pad != 0))
        throw UserError("layer " + s.name + ": fc takes only N, C and K (H=W=R=S=1, groups=1, "
                        "no stride, pad or dilation)");
    ir::check_layer_limits(s);
    if (s.C % s.groups != 0 || s.K % s.groups != 0)
        throw UserError("layer " + s.name + ": groups=" + std::to_string(s.groups) +
                        " must divide C=" + std::to_string(s.C) + " and K=" + std::to_string(s.K));
    if (s.type == "dwconv" && !(s.groups == s.C && s.K == s.C))
        throw UserError("layer " + s.name + ": dwconv needs groups = C = K (write a grouped "
                        "conv as conv:...,groups=G)");
    if (s.out_h() < 1 || s.out_w() < 1)
        throw UserError("layer " + s.name + ": the kernel is larger than the padded input");
    if (s.multiplier == 0 && (s.requant_shift > 30 || s.requant_shift < -1))
        throw UserError("layer " + s.name + ": requantize shift must be 0..30");
    for (const auto &[key, v] : {std::pair<const char *, int64_t>{"x_uint8", s.x_uint8},
                                 {"w_uint8", s.w_uint8}, {"y_uint8", s.y_uint8}, {"round_even", s.round_even},
                                 {"y_int32", s.y_int32}})
        if (v != 0 && v != 1) throw UserError("layer " + s.name + ": " + key + " must be 0 or 1");
    // A zero point is an element value: 0..255 for uint8 elements, -128..127 for int8.
    auto check_zero_point = [&](const std::string &what, int64_t v, int64_t is_u8) {
        if (v < (is_u8 ? 0 : -128) || v > (is_u8 ? 255 : 127))
            throw UserError("layer " + s.name + ": " + what + std::to_string(v) + " is outside " +
                            (is_u8 ? "uint8 (0..255)" : "int8 (-128..127)"));
    };
    for (const auto &[key, v, is_u8] :
         {std::tuple<const char *, int64_t, int64_t>{"x_zero_point", s.x_zero_point, s.x_uint8},
          {"w_zero_point", s.w_zero_point, s.w_uint8}, {"y_zero_point", s.y_zero_point, s.y_uint8}})
        check_zero_point(std::string(key) + "=", v, is_u8);
    if (s.multiplier < 0 || s.multiplier > 0x7fffffff)
        throw UserError("layer " + s.name + ": multiplier must be 1..2^31-1 (0: shift only)");
    if (s.multiplier == 0 && (s.y_zero_point || s.y_uint8 || s.round_even))
        throw UserError("layer " + s.name + ": y_zero_point, y_uint8 and round_even need a "
                        "requantization multiplier (multiplier=M,shift=S)");
    if (s.y_int32 && (s.multiplier || s.requant_shift > 0 || s.y_uint8 || s.y_zero_point || s.round_even ||
                      !s.channel_multiplier.empty()))
        throw UserError("layer " + s.name + ": y_int32 outputs the accumulator unrequantized; drop multiplier, "
                        "shift, y_uint8, y_zero_point and round_even (or drop y_int32)");
    if (s.multiplier != 0 && (s.requant_shift < 0 || s.requant_shift > 62))
        throw UserError("layer " + s.name + ": a multiplier needs shift=0..62");
    if (!s.channel_multiplier.empty() || !s.channel_shift.empty()) {
        const std::string where = "layer " + s.name + ": per-channel requantization ";
        if (s.channel_multiplier.size() != size_t(s.K) || s.channel_shift.size() != size_t(s.K))
            throw UserError(where + "needs one multiplier and one shift per output channel (" + std::to_string(s.K) +
                            "), found " + std::to_string(s.channel_multiplier.size()) + " and " +
                            std::to_string(s.channel_shift.size()));
        if (s.multiplier == 0) throw UserError(where + "needs multiplier= set (nonzero)");
        if (!s.bias)
            throw UserError(where + "loads its table with the bias: give the layer a bias (zeros if it has none)");
        for (size_t i = 0; i < s.channel_multiplier.size(); ++i)
            if (s.channel_multiplier[i] < 1 || s.channel_multiplier[i] >= (int64_t(1) << 26) ||
                s.channel_shift[i] < 0 || s.channel_shift[i] > 62)
                throw UserError(where + "of channel " + std::to_string(i) + ": multiplier " +
                                std::to_string(s.channel_multiplier[i]) + " / 2^" + std::to_string(s.channel_shift[i]) +
                                " is outside 1..2^26-1 / 0..62");
    }
    if (!s.channel_w_zero_point.empty()) {
        const std::string where = "layer " + s.name + ": per-channel weight zero points ";
        if (s.channel_w_zero_point.size() != size_t(s.K))
            throw UserError(where + "need one per output channel (" + std::to_string(s.K) + "), found " +
                            std::to_string(s.channel_w_zero_point.size()));
        if (s.w_zero_point != 0) throw UserError(where + "replace w_zero_point: drop w_zero_point=");
        if (!s.bias)
            throw UserError(where + "load their table with the bias: give the layer a bias (zeros if it has none)");
        for (size_t i = 0; i < s.channel_w_zero_point.size(); ++i)
            check_zero_point("the weight zero point of channel " + std::to_string(i) + ": ", s.channel_w_zero_point[i],
                             s.w_uint8);
    }
}

std::string channel_w_zero_point_text(const ir::LayerSpec &s) {
    std::string t;
    for (size_t i = 0; i < s.channel_w_zero_point.size(); ++i)
        t += (i ? "," : "") + std::to_string(s.channel_w_zero_point[i]);
    return t;
}

void parse_channel_w_zero_point(const std::string &text, ir::LayerSpec &s) {
    s.channel_w_zero_point.clear();
    for (const std::string &item : comma_items(text)) {
        try {
            size_t used = 0;
            s.channel_w_zero_point.push_back(std::stoll(item, &used));
            if (used != item.size()) throw std::invalid_argument(item);
        } catch (const std::exception &) {
            throw UserError("channel_w_zero_point: '" + item + "' is not an integer (e.g. 128,131,127)");
        }
    }
}

std::string channel_requant_text(const ir::LayerSpec &s) {
    std::string t;
    for (size_t i = 0; i < s.channel_multiplier.size() && i < s.channel_shift.size(); ++i)
        t += (i ? "," : "") + std::to_string(s.channel_multiplier[i]) + "/" + std::to_string(s.channel_shift[i]);
    return t;
}

void parse_channel_requant(const std::string &text, ir::LayerSpec &s) {
    s.channel_multiplier.clear();
    s.channel_shift.clear();
    for (const std::string &item : comma_items(text)) {
        const size_t slash = item.find('/');
        try {
            size_t used_m = 0, used_s = 0;
            if (slash == std::string::npos) throw std::invalid_argument(item);
            const int64_t m = std::stoll(item.substr(0, slash), &used_m);
            const int64_t sh = std::stoll(item.substr(slash + 1), &used_s);
            if (used_m != slash || used_s != item.size() - slash - 1) throw std::invalid_argument(item);
            s.channel_multiplier.push_back(m);
            s.channel_shift.push_back(sh);
        } catch (const std::exception &) {
            throw UserError("channel_requant: '" + item + "' is not multiplier/shift (e.g. 1234567/30)");
        }
    }
}

int input_dims(const ir::LayerSpec &s) { return int(input_shape(s).size()); }
int output_dims(const ir::LayerSpec &s) { return int(output_shape(s).size()); }

std::vector<int> input_shape(const ir::LayerSpec &s) {
    if (is_fc(s)) return s.batch > 1 ? std::vector<int>{int(s.C), int(s.N), int(s.batch)} : std::vector<int>{int(s.C), int(s.N)};
    return {int(s.W), int(s.H), int(s.C), int(s.N)};
}

std::vector<int> weight_shape(const ir::LayerSpec &s) {
    if (is_fc(s)) return s.batch > 1 ? std::vector<int>{int(s.C), int(s.K), int(s.batch)} : std::vector<int>{int(s.C), int(s.K)};
    return {int(s.S), int(s.R), int(s.C / s.groups), int(s.K)};
}

std::vector<int> output_shape(const ir::LayerSpec &s) {
    if (is_fc(s)) return s.batch > 1 ? std::vector<int>{int(s.K), int(s.N), int(s.batch)} : std::vector<int>{int(s.K), int(s.N)};
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
    auto x_operand = [&](const Expr &e) { return operand(e, spec.x_zero_point); };
    auto w_operand = [&](const Expr &e, const Expr &channel) { return weight_operand(spec, e, channel); };
    auto x_element = [&](const Expr &e) { return element(e, spec.x_uint8); };
    auto w_element = [&](const Expr &e) { return element(e, spec.w_uint8); };
    if (is_fc(spec)) {
        Var ic("c");
        rvars = {{"c", 0, int(spec.C)}};
        RDom rd{Internal::ReductionDomain(rvars)};
        f.c = rd[0];
        if (spec.batch > 1) {  // one matrix product per batch b, each with its own weights
            Var &b = f.b;
            f.ifmap(ic, n, b) = x_element(input(ic, n, b));
            f.filter(ic, k, b) = w_element(weights(ic, k, b));
            f.acc(k, n, b) = 0;
            f.acc(k, n, b) += x_operand(f.ifmap(f.c, n, b)) * w_operand(f.filter(f.c, k, b), k);
            output(k, n, b) = post_op(spec, f.acc(k, n, b), bias, k);
            output.bound(k, 0, int(spec.K)).bound(n, 0, int(spec.N)).bound(b, 0, int(spec.batch));
            return;
        }
        f.ifmap(ic, n) = x_element(input(ic, n));
        f.filter(ic, k) = w_element(weights(ic, k));
        f.acc(k, n) = 0;
        f.acc(k, n) += x_operand(f.ifmap(f.c, n)) * w_operand(f.filter(f.c, k), k);
        output(k, n) = post_op(spec, f.acc(k, n), bias, k);
        output.bound(k, 0, int(spec.K)).bound(n, 0, int(spec.N));
        return;
    }
    // Padding is the input's zero point (a real zero), as the byte the buffer holds.
    Func clamped = BoundaryConditions::constant_exterior(
        input, cast<int8_t>(Expr(int(int8_t(uint8_t(spec.x_zero_point))))), full_region(input_shape(spec)));
    Var ix("x"), iy("y"), ic("c"), in("n");
    f.ifmap(ix, iy, ic, in) = x_element(clamped(ix, iy, ic, in));
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
        f.filter(fs, fr, k) = w_element(weights(fs, fr, 0, k));
        f.acc(x, y, k, n) = 0;
        f.acc(x, y, k, n) += x_operand(f.ifmap(in_x(), in_y(), k, n)) *
                             w_operand(f.filter(f.s, f.r, k), k);
    } else {
        const int cg = int(spec.C / spec.groups), kg = int(spec.K / spec.groups);
        rvars = {{"s", 0, int(spec.S)}, {"r", 0, int(spec.R)}, {"c", 0, cg}};
        RDom rd{Internal::ReductionDomain(rvars)};
        f.s = rd[0];
        f.r = rd[1];
        f.c = rd[2];
        f.filter(fs, fr, fc, k) = w_element(weights(fs, fr, fc, k));
        if (spec.grouped()) {
            // Group g's outputs k (of K/groups) read its inputs c (of C/groups): every index stays
            // an affine function of the loop variables.
            Var &g = f.g;
            f.acc(x, y, k, g, n) = 0;
            f.acc(x, y, k, g, n) += x_operand(f.ifmap(in_x(), in_y(), g * cg + f.c, n)) *
                                    w_operand(f.filter(f.s, f.r, f.c, g * kg + k), g * kg + k);
            output(x, y, k, g, n) = post_op(spec, f.acc(x, y, k, g, n), bias, g * kg + k);
            output.bound(x, 0, int(spec.out_w()))
                .bound(y, 0, int(spec.out_h()))
                .bound(k, 0, kg)
                .bound(g, 0, int(spec.groups))
                .bound(n, 0, int(spec.N));
            return;
        }
        f.acc(x, y, k, n) = 0;
        f.acc(x, y, k, n) += x_operand(f.ifmap(in_x(), in_y(), f.c, n)) *
                             w_operand(f.filter(f.s, f.r, f.c, k), k);
    }
    output(x, y, k, n) = post_op(spec, f.acc(x, y, k, n), bias, k);
    output.bound(x, 0, int(spec.out_w()))
        .bound(y, 0, int(spec.out_h()))
        .bound(k, 0, int(spec.K))
        .bound(n, 0, int(spec.N));
}

}  // namespace tessera::gen
