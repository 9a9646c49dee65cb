// The three ways to give a schedule agree: the text files in examples/schedules, parsed by
// tessera, give the same IR as the very same text compiled as C++ inside a generator's schedule().
#include "HardwareSchedule.h"
#include "LayerGenerators.h"
#include "Layers.h"
#include "Lower.h"
#include "Networks.h"

#include <Halide.h>
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

using namespace tessera;

namespace {

using namespace Halide;
namespace hw = tessera::hw;

// A layer generator whose schedule() is one of the schedule files, included verbatim as C++.
class ScheduledLayer : public Generator<ScheduledLayer> {
public:
    GeneratorParam<std::string> layer{"layer", ""};
    GeneratorParam<int> which{"which", 0};
    Input<Buffer<int8_t>> input_buf{"input"};  // dimensions set by the input.dim param
    Input<Buffer<int8_t>> weights_buf{"weights"};
    Input<Buffer<int32_t>> bias_buf{"bias", 1};
    Output<Buffer<int8_t>> out{"output"};
    gen::LayerFuncs f;

    void generate() {
        const ir::LayerSpec spec = parse_inline_layer(layer);
        auto fix = [](auto &b, const std::vector<int> &shape) {
            for (size_t i = 0; i < shape.size(); ++i) b.dim(int(i)).set_bounds(0, shape[i]);
        };
        fix(input_buf, gen::input_shape(spec));
        fix(weights_buf, gen::weight_shape(spec));
        fix(bias_buf, {int(spec.K)});
        f.output = out;
        gen::define_layer(spec, f, input_buf, weights_buf, bias_buf);
    }

    void schedule() {
        Func &ifmap = f.ifmap, &filter = f.filter, &acc = f.acc;
        Func output = out;
        Var x = f.x, y = f.y, k = f.k, n = f.n;
        RVar c = f.c, r = f.r, s = f.s;
        (void)x, (void)y, (void)k, (void)n, (void)c, (void)r, (void)s, (void)ifmap, (void)filter;
        switch (int(which)) {
        case 0: {
#include "ws_conv3x3.sched"
        } break;
        case 1: {
#include "os_conv7x7s2.sched"
        } break;
        case 2: {
#include "is_conv1x1.sched"
        } break;
        case 3: {
#include "rs_conv3x3.sched"
        } break;
        default: {
#include "ws_fc_1d.sched"
        }
        }
    }
};

std::string read(const std::string &name) {
    std::ifstream in(std::string(SCHEDULES_DIR) + "/" + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

HALIDE_REGISTER_GENERATOR(ScheduledLayer, test_scheduled_layer)

TEST_CASE("text and C++ forms of a schedule give identical IR", "[schedules]") {
    const std::vector<std::pair<const char *, const char *>> cases = {
        {"ws_conv3x3.sched", "conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1"},
        {"os_conv7x7s2.sched", "conv:C=3,K=8,H=20,W=20,R=7,S=7,stride=2,pad=3"},
        {"is_conv1x1.sched", "conv:C=6,K=5,H=7,W=9,R=1,S=1"},
        {"rs_conv3x3.sched", "conv:C=4,K=6,H=10,W=10,R=3,S=3,pad=1"},
        {"ws_fc_1d.sched", "fc:N=4,C=40,K=20"},
    };
    for (size_t which = 0; which < cases.size(); ++which) {
        const auto &[file, layer] = cases[which];
        INFO(file);
        const std::string dims = std::string(layer).rfind("fc", 0) == 0 ? "2" : "4";
        ScheduleRequest text;
        text.text = read(file);
        const auto from_text = lower_to_ir(parse_inline_layer(layer), text);
        const auto from_cpp = lower_generator(
            "test_scheduled_layer",
            {{"layer", layer}, {"which", std::to_string(which)}, {"input.dim", dims},
             {"weights.dim", dims}, {"output.dim", dims}},
            ScheduleRequest{}, false);
        REQUIRE(from_cpp.mapping.loops == from_text.mapping.loops);
        REQUIRE(from_cpp.mapping.buffers == from_text.mapping.buffers);
        REQUIRE(from_cpp.problem.dims == from_text.problem.dims);
        REQUIRE(from_cpp.problem.tensors == from_text.problem.tensors);
    }
}

TEST_CASE("a preset is schedule text too", "[schedules]") {
    ScheduleRequest preset;
    preset.dataflow = "ws";
    const auto layer = parse_inline_layer("conv:C=32,K=48,H=14,W=14,R=3,S=3,pad=1");
    const auto a = lower_to_ir(layer, preset);
    ScheduleRequest text;
    text.text = a.mapping.schedule;
    const auto b = lower_to_ir(layer, text);
    REQUIRE(a.mapping.loops == b.mapping.loops);
    REQUIRE(a.mapping.buffers == b.mapping.buffers);
}
