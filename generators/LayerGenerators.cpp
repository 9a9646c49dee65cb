#include "LayerGenerators.h"

#include "UserError.h"

#include <map>

namespace tessera::gen {

using namespace Halide;

namespace {

// Both built-in layers: a conv (groups = C: depthwise) and an fc; defaults are ResNet-50 CB2a_2.
template <bool FC>
class LayerGenerator : public Generator<LayerGenerator<FC>> {
public:
    template <typename T>
    using GP = GeneratorParam<T>;
    GP<int> N{"N", 1}, C{"C", 64}, K{"K", 64}, H{"H", 56}, W{"W", 56}, R{"R", 3}, S{"S", 3};
    GP<int> stride{"stride", 1}, pad{"pad", 1}, groups{"groups", 1};
    // Per-axis / per-side geometry; -1: as stride, pad, dilation (LayerSpec).
    GP<int> stride_w{"stride_w", -1}, pad_bottom{"pad_bottom", -1}, pad_left{"pad_left", -1},
        pad_right{"pad_right", -1}, dilation{"dilation", 1}, dilation_w{"dilation_w", -1};
    GP<bool> has_bias{"has_bias", true}, relu{"relu", true};
    GP<int> shift{"shift", -1};
    GP<int> batch{"batch", 1};  // fc: a batched matmul
    // Quantization (LayerSpec): uint8 flags, zero points, fixed-point requantization.
    GP<int> x_uint8{"x_uint8", 0}, w_uint8{"w_uint8", 0}, y_uint8{"y_uint8", 0};
    GP<int> x_zero_point{"x_zero_point", 0}, w_zero_point{"w_zero_point", 0}, y_zero_point{"y_zero_point", 0};
    GP<int> multiplier{"multiplier", 0}, round_even{"round_even", 0}, y_int32{"y_int32", 0};
    GP<std::string> channel_requant{"channel_requant", ""};  // per channel: "M/S,M/S,..."
    GP<std::string> channel_w_zero_point{"channel_w_zero_point", ""};  // per channel: "Z,Z,..."
    // "cpu": a plain CPU schedule (AOT / JIT reference); "none": leave the Funcs unscheduled so
    // that tessera applies a hardware schedule (text or preset) to the built pipeline.
    GP<std::string> schedule_kind{"schedule", "cpu"};

    static constexpr int kDims = FC ? 3 : 4;  // fc: (c, n, batch), batch extent 1 unless batched
    GeneratorInput<Buffer<int8_t>> input{"input", kDims};
    GeneratorInput<Buffer<int8_t>> weights{"weights", kDims};
    GeneratorInput<Buffer<int32_t>> bias_in{"bias", 1};
    // Rank from the definition: a grouped conv's output is (x, y, k, g, n). Type too: int8, or int32
    // for y_int32.
    GeneratorOutput<Buffer<>> output{"output"};

    void generate() {
        const ir::LayerSpec s = spec();
        // Fixed sizes make every loop extent a constant.
        fix_bounds(input, input_shape(s));
        fix_bounds(weights, weight_shape(s));
        fix_bounds(bias_in, {int(s.K)});
        f.output = output;
        if (FC && s.batch == 1) {  // a plain fc reads the buffers' batch 0 as 2-D tensors
            Var c("c"), i("i");
            Func in2("input2d"), w2("weights2d");
            in2(c, i) = input(c, i, 0);
            w2(c, i) = weights(c, i, 0);
            define_layer(s, f, in2, w2, bias_in);
            return;
        }
        define_layer(s, f, input, weights, bias_in);
    }

    void schedule() {
        if (std::string(schedule_kind) == "cpu") f.acc.compute_at(f.output, FC ? f.n : f.y);
    }

    LayerFuncs f;

private:
    ir::LayerSpec spec() const {
        ir::LayerSpec s;
        s.type = FC ? "fc" : "conv";  // groups = C = K is depthwise (LayerSpec::depthwise)
        s.name = s.type;
        s.N = N, s.C = C, s.K = K;
        if (FC) s.batch = batch;
        if (!FC) {
            s.H = H, s.W = W, s.R = R, s.S = S, s.stride = stride, s.pad = pad, s.groups = groups;
            s.stride_w = stride_w, s.pad_bottom = pad_bottom, s.pad_left = pad_left;
            s.pad_right = pad_right, s.dilation = dilation, s.dilation_w = dilation_w;
        }
        else s.H = s.W = s.R = s.S = 1, s.pad = 0;
        s.bias = has_bias;
        s.relu = relu;
        s.requant_shift = shift;
        s.x_uint8 = x_uint8, s.w_uint8 = w_uint8, s.y_uint8 = y_uint8;
        s.x_zero_point = x_zero_point, s.w_zero_point = w_zero_point, s.y_zero_point = y_zero_point;
        s.multiplier = multiplier, s.round_even = round_even, s.y_int32 = y_int32;
        parse_channel_requant(channel_requant, s);
        parse_channel_w_zero_point(channel_w_zero_point, s);
        return s;
    }

    template <typename In>
    static void fix_bounds(In &buffer, const std::vector<int> &shape) {
        for (int i = 0; i < buffer.dimensions(); ++i) buffer.dim(i).set_bounds(0, i < int(shape.size()) ? shape[size_t(i)] : 1);
    }
};

using Conv2dGenerator = LayerGenerator<false>;
using FcGenerator = LayerGenerator<true>;

}  // namespace

ir::LayerSpec spec_from_params(const std::string &generator,
                               const std::map<std::string, std::string> &params) {
    ir::LayerSpec s;
    s.type = generator == "tessera_fc" ? "fc" : "conv";
    s.name = generator;
    if (s.type == "conv") s.C = s.K = 64, s.H = s.W = 56, s.R = s.S = 3, s.pad = 1;
    for (const auto &[key, value] : params) {
        if (key == "channel_requant") {
            parse_channel_requant(value, s);
            continue;
        }
        if (key == "channel_w_zero_point") {
            parse_channel_w_zero_point(value, s);
            continue;
        }
        int64_t v;
        try {
            size_t used = 0;
            v = std::stoll(value, &used);
            if (used != value.size()) throw std::invalid_argument(value);
        } catch (const std::exception &) {
            if (key == "has_bias" || key == "relu") {
                if (value != "true" && value != "false")
                    throw UserError("generator param " + key + "=" + value + ": use true or false");
                (key == "has_bias" ? s.bias : s.relu) = value == "true";
                continue;
            }
            throw UserError("generator param " + key + "=" + value + ": not an integer");
        }
        int64_t *field = s.shape_field(key);
        if (!field) field = s.quant_field(key);
        if (field) *field = v;
        else if (key == "shift") {
            if (v < -1 || v > 30) throw UserError("generator param shift=" + value + ": use 0..30 (-1: automatic)");
            s.requant_shift = int(v);
        } else if (key == "has_bias" || key == "relu") {
            if (v != 0 && v != 1) throw UserError("generator param " + key + "=" + value + ": use true or false");
            (key == "has_bias" ? s.bias : s.relu) = v != 0;
        }
        else if (key == "schedule") continue;
        else
            throw UserError("generator " + generator + " has no param '" + key +
                            "' (N C K H W R S stride stride_w pad pad_bottom pad_left pad_right dilation "
                            "dilation_w groups has_bias relu shift x_uint8 w_uint8 y_uint8 "
                            "x_zero_point w_zero_point y_zero_point multiplier round_even y_int32 channel_requant channel_w_zero_point)");
    }
    validate(s);
    return s;
}

}  // namespace tessera::gen

HALIDE_REGISTER_GENERATOR(tessera::gen::Conv2dGenerator, tessera_conv2d)
HALIDE_REGISTER_GENERATOR(tessera::gen::FcGenerator, tessera_fc)
