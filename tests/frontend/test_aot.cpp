// tessera_conv2d compiled ahead of time for the CPU by add_halide_library runs and agrees with the
// JIT reference.
#include "Layers.h"
#include "Reference.h"
#include "conv_aot.h"

#include <catch2/catch.hpp>

using namespace tessera;

TEST_CASE("AOT-compiled conv2d generator equals the JIT reference", "[aot]") {
    ir::LayerSpec l;  // the PARAMS of add_halide_library(conv_aot ...)
    l.type = "conv";
    l.N = 1, l.C = 5, l.K = 6, l.H = 9, l.W = 9, l.R = 3, l.S = 3, l.stride = 2, l.pad = 1;
    auto t = gen::random_tensors(l, 42);
    Halide::Runtime::Buffer<int8_t> out(gen::output_shape(l));
    REQUIRE(conv_aot(t.input, t.weights, t.bias, out) == 0);
    const auto ref = gen::run_reference(l, t);
    int mismatches = 0;
    out.for_each_element([&](const int *pos) { mismatches += out(pos) != ref(pos); });
    REQUIRE(mismatches == 0);
}
