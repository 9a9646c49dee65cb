// Simulation speed (docs/simulate.md, "Speed"): a 16x16 (or --array N) int8 design on a ResNet-18
// 3x3 layer, Verilator build time (a fresh build into a temporary cache) and simulated cycles and
// MACs per second of the simulator process (single-threaded: one core), per second of its CPU time
// and of wall time (on a loaded machine the two differ). Prints figures; not a test.
//   build/bench/sim_bench [--dataflow ws|os] [--layer NAME] [--array N] [--interconnect KIND] [--cached]
//   KIND: broadcast | systolic | hybrid:T (docs/hardware.md, "Interconnect")
#include "Lower.h"
#include "Networks.h"
#include "Reference.h"
#include "ir/Architecture.h"
#include "rtl_backend/DesignSpec.h"
#include "rtl_backend/LayerConfig.h"
#include "rtl_backend/RtlGenerator.h"
#include "sim/verilator/Harness.h"
#include "sim/verilator/LayerData.h"
#include "sim/verilator/OutputCheck.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <unistd.h>

using namespace tessera;

int main(int argc, char **argv) {
    std::string dataflow = "ws", layer_name = "/layer1/layer1.0/conv1/Conv";
    bool cached = false;
    int64_t side = 16;
    std::string interconnect = "broadcast";
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--dataflow") && i + 1 < argc) dataflow = argv[++i];
        else if (!std::strcmp(argv[i], "--layer") && i + 1 < argc) layer_name = argv[++i];
        else if (!std::strcmp(argv[i], "--array") && i + 1 < argc) side = std::atoll(argv[++i]);
        else if (!std::strcmp(argv[i], "--interconnect") && i + 1 < argc) interconnect = argv[++i];
        else if (!std::strcmp(argv[i], "--cached")) cached = true;
        else
            return std::fprintf(stderr, "usage: sim_bench [--dataflow ws|os] [--layer NAME] [--array N] "
                                        "[--interconnect broadcast|systolic|hybrid:T] [--cached]\n"),
                   2;
    if (side < 1 || side > 256) return std::fprintf(stderr, "sim_bench: --array N takes 1..256\n"), 2;
    }
    try {
        const ir::LayerSpec layer = find_layer(load_network("resnet18"), layer_name, "resnet18");
        ScheduleRequest req;
        req.dataflow = dataflow;
        req.rows = req.cols = side;
        ir::Architecture arch = ir::default_architecture();
        arch.rows = arch.cols = side;
        if (interconnect == "systolic") arch.interconnect = ir::Interconnect::Systolic;
        else if (interconnect.rfind("hybrid:", 0) == 0) {
            arch.interconnect = ir::Interconnect::Hybrid;
            arch.tile = std::max<int64_t>(1, std::atoll(interconnect.c_str() + 7));
        } else if (interconnect != "broadcast") {
            return std::fprintf(stderr, "sim_bench: unknown --interconnect %s\n", interconnect.c_str()), 2;
        }
        const ir::AcceleratorIR ir = lower_to_ir(layer, req);
        const rtl::RtlDesign rtl = rtl::generate_rtl(rtl::design_for({ir}, arch));
        const rtl::LayerConfig config = rtl::configure_layer(rtl.spec, rtl.registers, ir);

        vsim::BuildOptions build;
        const std::string fresh = (std::filesystem::temp_directory_path() /
                                   ("tessera-sim-bench-" + std::to_string(getpid()))).string();
        if (!cached) build.cache_dir = fresh;
        std::fprintf(stderr, "building the %lldx%lld %s design with Verilator (-j%d)...\n",
                     static_cast<long long>(rtl.spec.rows), static_cast<long long>(rtl.spec.cols),
                     dataflow.c_str(), build.jobs);
        const vsim::VerilatedDesign design = vsim::VerilatedDesign::build(rtl, build);
        const gen::LayerTensors tensors = vsim::layer_tensors({}, layer, 0);
        std::fprintf(stderr, "simulating %s (%lld MACs)...\n", layer.name.c_str(), static_cast<long long>(ir.problem.macs()));
        const vsim::LayerResult r = design.run(config, vsim::dram_tensors(tensors, layer));
        const auto reference = gen::run_reference(layer, tensors);
        const vsim::OutputCheck check = vsim::compare_outputs(
            r.output, std::vector<int8_t>(reference.data(), reference.data() + reference.number_of_elements()),
            ir.problem.tensor(ir::TensorRole::Output));
        if (!cached) std::filesystem::remove_all(fresh);

        const double cycles = double(r.counters.at("cycles")), macs = double(r.counters.at("macs"));
        std::printf("sim_bench: ResNet-18 %s, %s on a %lldx%lld int8 %s design\n", layer.name.c_str(), dataflow.c_str(),
                    static_cast<long long>(rtl.spec.rows), static_cast<long long>(rtl.spec.cols), interconnect.c_str());
        if (cached) std::printf("Verilator build        %s\n", design.from_cache() ? "(from the cache)" : "");
        if (!design.from_cache()) std::printf("Verilator build        %.1f s (-j%d)\n", design.build_seconds(), build.jobs);
        std::printf("simulated              %.0f cycles, %.0f MACs in %.2f s CPU, %.2f s wall (%s)\n", cycles, macs,
                    r.cpu_seconds, r.seconds, check.describe().c_str());
        std::printf("cycles per CPU second  %.3f M   (target 1 M on one core)\n", cycles / r.cpu_seconds / 1e6);
        std::printf("cycles per wall second %.3f M\n", cycles / r.seconds / 1e6);
        std::printf("MACs per CPU second    %.1f M\n", macs / r.cpu_seconds / 1e6);
        return r.completed && check.bit_exact() ? 0 : 1;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "sim_bench: error: %s\n", e.what());
        return 1;
    }
}
