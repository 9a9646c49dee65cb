// How many model evaluations per second one core does for a ResNet-50 3x3 layer (CB2a_2) whose IR
// is built once and whose blocking (split factors of each dim's temporal loops) varies, as a
// schedule search varies it. Prints figures; not a test.
//   build-model/bench/model_bench [--seconds S] [--dataflow ws|os|is]
#include "DriverArgs.h"
#include "Lower.h"
#include "Networks.h"
#include "ir/Architecture.h"
#include "model/Model.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

using namespace tessera;

namespace {

// A random re-split of every dim: each dim's loops keep their order and kinds; the extent of one
// inner temporal loop changes, strides are recomputed as a mixed radix (smaller-stride loops
// first) and the outermost loop takes whatever count covers the dim.
model::Blocking random_blocking(const ir::AcceleratorIR &ir, std::mt19937 &rng) {
    model::Blocking b = model::Blocking::of(ir.mapping);
    const auto &loops = ir.mapping.loops;
    for (const auto &dim : ir.problem.dims) {
        std::vector<int> of_dim;
        for (int l = 0; l < int(loops.size()); ++l)
            if (loops[l].dim == dim.name) of_dim.push_back(l);
        std::sort(of_dim.begin(), of_dim.end(),
                  [&](int a, int c) { return loops[a].stride > loops[c].stride; });
        if (of_dim.size() < 2 || loops[of_dim[0]].kind != ir::LoopKind::Temporal) continue;
        std::vector<int> temporal_inner;
        for (size_t i = 1; i < of_dim.size(); ++i)
            if (loops[of_dim[i]].kind == ir::LoopKind::Temporal) temporal_inner.push_back(of_dim[i]);
        if (!temporal_inner.empty()) {
            int l = temporal_inner[rng() % temporal_inner.size()];
            int64_t e = 1;
            for (int64_t limit = std::uniform_int_distribution<int64_t>(1, dim.extent)(rng);
                 e * 2 <= limit;)
                e *= 2;
            b.extent[l] = e;
        }
        int64_t stride = 1;
        for (size_t i = of_dim.size(); i-- > 1;) {
            b.stride[of_dim[i]] = stride;
            stride *= b.extent[of_dim[i]];
        }
        b.stride[of_dim[0]] = stride;
        b.extent[of_dim[0]] = (dim.extent + stride - 1) / stride;
    }
    return b;
}

}  // namespace

int main(int argc, char **argv) {
    double seconds = 2.0;
    std::string dataflow = "ws";
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc || (std::strcmp(argv[i], "--seconds") && std::strcmp(argv[i], "--dataflow")))
            return std::fprintf(stderr, "usage: model_bench [--seconds S] [--dataflow ws|os|is|rs]\n"), 2;
        if (!std::strcmp(argv[i], "--seconds")) seconds = driver::positive_number(argv[i], argv[i + 1]);
        else dataflow = argv[i + 1];
    }
    const auto layers = load_network("resnet50");
    const ir::LayerSpec layer = find_layer(layers, "CB2a_2", "resnet50");
    ScheduleRequest request;
    request.dataflow = dataflow;
    const ir::AcceleratorIR ir = lower_to_ir(layer, request);
    const ir::Architecture arch = ir::default_architecture();
    model::Model model(ir, arch);

    std::mt19937 rng(7);
    std::vector<model::Blocking> pool;
    for (int i = 0; i < 1024; ++i) pool.push_back(random_blocking(ir, rng));

    using Clock = std::chrono::steady_clock;
    auto measure = [&](const char *what, auto &&evaluate_one) {
        double sink = 0;
        int64_t n = 0;
        const auto start = Clock::now();
        double elapsed = 0;
        while (elapsed < seconds) {
            for (int i = 0; i < 4096; ++i, ++n) sink += evaluate_one(n);
            elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        }
        std::printf("%-44s %12.0f evaluations/s  (%.3f us each; checksum %.3g)\n", what,
                    double(n) / elapsed, 1e6 * elapsed / double(n), sink);
    };
    std::printf("layer %s (C=%lld K=%lld %lldx%lld, 3x3), dataflow %s, %zu loops, arch %s, one core\n",
                layer.name.c_str(), (long long)layer.C, (long long)layer.K, (long long)layer.H,
                (long long)layer.W, dataflow.c_str(), ir.mapping.loops.size(), arch.name.c_str());
    measure("evaluate() (the IR as lowered)", [&](int64_t) { return model.evaluate().energy_pj; });
    measure("evaluate(blocking), 1024 varied blockings",
            [&](int64_t n) { return model.evaluate(pool[n & 1023]).energy_pj; });
    measure("  ... plus the capacity check (fit_error)", [&](int64_t n) {
        double e = model.evaluate(pool[n & 1023]).energy_pj;
        return model.fit_error().empty() ? e : -e;
    });
    measure("Model construction + evaluate() (per new IR)",
            [&](int64_t) { return model::Model(ir, arch).evaluate().energy_pj; });
    return 0;
}
