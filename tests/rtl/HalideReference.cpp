#include "HalideReference.h"

#include "Reference.h"

namespace tessera::rtl::test {

namespace {

template <typename T>
std::vector<T> flat(const Halide::Runtime::Buffer<T> &b) {
    return std::vector<T>(b.data(), b.data() + b.number_of_elements());
}

}  // namespace

LayerData halide_layer_data(const ir::LayerSpec &spec, uint64_t seed) {
    const gen::LayerTensors t = gen::random_tensors(spec, seed);
    LayerData d;
    d.input = flat(t.input);
    d.weight = flat(t.weights);
    if (spec.bias) d.bias = flat(t.bias);
    d.expected = flat(gen::run_reference(spec, t));
    return d;
}

}  // namespace tessera::rtl::test
