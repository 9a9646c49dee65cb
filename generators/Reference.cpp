#include "Reference.h"

#include "Layers.h"

#include <random>
#include <stdexcept>

namespace tessera::gen {

using namespace Halide;

LayerTensors random_tensors(const ir::LayerSpec &spec, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> byte(-128, 127), bias(-(1 << 15), (1 << 15) - 1);
    LayerTensors t{Runtime::Buffer<int8_t>(input_shape(spec)),
                   Runtime::Buffer<int8_t>(weight_shape(spec)),
                   Runtime::Buffer<int32_t>(int(spec.K))};
    t.input.for_each_value([&](int8_t &v) { v = int8_t(byte(rng)); });
    t.weights.for_each_value([&](int8_t &v) { v = int8_t(byte(rng)); });
    t.bias.for_each_value([&](int32_t &v) { v = bias(rng); });
    return t;
}

namespace {

// Realizes the layer into `out` (int8, or int32 for y_int32).
template <typename T>
void realize_reference(const ir::LayerSpec &spec, const LayerTensors &t, Runtime::Buffer<T> &out) {
    ImageParam input(Int(8), input_dims(spec), "input"), weights(Int(8), int(weight_shape(spec).size()), "weights"),
        bias(Int(32), 1, "bias");
    LayerFuncs f;
    f.output = Func("output");
    define_layer(spec, f, input, weights, bias);
    f.acc.compute_at(f.output, spec.type == "fc" ? f.n : f.y);
    // Views of the caller's memory, no copies.
    input.set(Buffer<int8_t>(*t.input.raw_buffer()));
    weights.set(Buffer<int8_t>(*t.weights.raw_buffer()));
    bias.set(Buffer<int32_t>(*t.bias.raw_buffer()));
    // Halide 14's host detection may claim AVX512-FP16 on AMD EPYC; its JIT code then dies with
    // SIGILL (../shared/TOOLCHAIN.md).
    const Target target = get_jit_target_from_environment().without_feature(Target::AVX512_SapphireRapids);
    Buffer<T> view(*out.raw_buffer());
    f.output.realize(view, target);
}

}  // namespace

Runtime::Buffer<int8_t> run_reference(const ir::LayerSpec &spec, const LayerTensors &t) {
    if (spec.y_int32) throw std::invalid_argument("run_reference: layer " + spec.name + " has int32 outputs");
    Runtime::Buffer<int8_t> out(output_shape(spec));
    realize_reference(spec, t, out);
    return out;
}

std::vector<int32_t> reference_outputs(const ir::LayerSpec &spec, const LayerTensors &t) {
    if (spec.y_int32) {
        Runtime::Buffer<int32_t> out(output_shape(spec));
        realize_reference(spec, t, out);
        return std::vector<int32_t>(out.data(), out.data() + out.number_of_elements());
    }
    const Runtime::Buffer<int8_t> out = run_reference(spec, t);
    return std::vector<int32_t>(out.data(), out.data() + out.number_of_elements());
}

}  // namespace tessera::gen
