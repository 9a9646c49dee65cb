// Simulation speed (docs/simulate.md, "Speed"): a 16x16 (or --array N, or a list N,M,...) int8
// design on a ResNet-18 3x3 layer, Verilator build time and peak memory (a fresh build into a
// temporary cache) and simulated cycles and MACs per second of the simulator process
// (single-threaded: one core), per second of its CPU time and of wall time (on a loaded machine
// the two differ), and its peak memory. Prints figures; not a test.
//   build/bench/sim_bench [--dataflow ws|os] [--layer NAME] [--array N[,N...]] [--interconnect KIND] [--cached]
//                         [--repeat N]   (the simulation N times, default 3: the best CPU time counts)
//                         [--schedule FILE] [--arch FILE|NAME]   (a schedule text instead of the
//                         dataflow preset, on an architecture of yours: per-PE designs)
//   KIND: broadcast | systolic | hybrid:T (docs/hardware.md, "Interconnect")
//   NAME: a ResNet-18 layer, or an inline spec (conv:C=64,K=64,H=28,W=28,R=3,S=3,pad=1)
//   build/bench/sim_bench --array 16,32,64 --interconnect systolic   # one table row per size
#include "DriverArgs.h"
#include "Lower.h"
#include "Networks.h"
#include "Reference.h"
#include "ir/Architecture.h"
#include "ir/ArchitectureJson.h"
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
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace tessera;

namespace {

// One row of the summary printed after all sizes.
struct Row {
    int64_t side = 0;
    double build_s = -1, build_mb = 0, cycles = 0, cpu_s = 0, wall_s = 0, sim_mb = 0;
    bool pass = false;
};

struct BenchOptions {
    std::string dataflow = "ws", layer_name = "/layer1/layer1.0/conv1/Conv", interconnect = "broadcast";
    std::string schedule_file, arch;  // empty: the dataflow preset, the default architecture
    bool cached = false;
    int repeat = 3;
};

std::string read_text(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

int bench_one(const BenchOptions &o, int64_t side, Row &row) {
    row.side = side;
    try {
        const ir::LayerSpec layer = o.layer_name.find(':') != std::string::npos
                                        ? parse_inline_layer(o.layer_name)
                                        : find_layer(load_network("resnet18"), o.layer_name, "resnet18");
        ScheduleRequest req;
        req.dataflow = o.dataflow;
        if (!o.schedule_file.empty()) req.text = read_text(o.schedule_file);
        req.rows = req.cols = side;
        ir::Architecture arch = o.arch.empty() ? ir::default_architecture() : ir::load_architecture(o.arch);
        arch.rows = arch.cols = side;
        if (o.interconnect == "systolic") arch.interconnect = ir::Interconnect::Systolic;
        else if (o.interconnect.rfind("hybrid:", 0) == 0) {
            arch.interconnect = ir::Interconnect::Hybrid;
            arch.tile = std::max<int64_t>(1, std::atoll(o.interconnect.c_str() + 7));
        } else if (o.interconnect != "broadcast") {
            return std::fprintf(stderr, "sim_bench: unknown --interconnect %s\n", o.interconnect.c_str()), 2;
        }
        const ir::AcceleratorIR ir = lower_to_ir(layer, req);
        const rtl::RtlDesign rtl = rtl::generate_rtl(rtl::design_for({ir}, arch));
        const rtl::LayerConfig config = rtl::configure_layer(rtl.spec, rtl.registers, ir);

        vsim::BuildOptions build;
        const std::string fresh = (std::filesystem::temp_directory_path() /
                                   ("tessera-sim-bench-" + std::to_string(getpid()))).string();
        if (!o.cached) build.cache_dir = fresh;
        std::fprintf(stderr, "building the %lldx%lld %s design with Verilator (-j%d)...\n",
                     static_cast<long long>(rtl.spec.rows), static_cast<long long>(rtl.spec.cols),
                     o.schedule_file.empty() ? o.dataflow.c_str() : o.schedule_file.c_str(), build.jobs);
        const vsim::VerilatedDesign design = vsim::VerilatedDesign::build(rtl, build);
        const gen::LayerTensors tensors = vsim::layer_tensors({}, layer, 0);
        std::fprintf(stderr, "simulating %s (%lld MACs)...\n", layer.name.c_str(), static_cast<long long>(ir.problem.macs()));
        // Best of `repeat` runs by CPU time (a shared machine only ever slows a run down); each
        // run is checked.
        const auto reference = gen::run_reference(layer, tensors);
        const std::vector<int8_t> expected(reference.data(), reference.data() + reference.number_of_elements());
        vsim::LayerResult r;
        double slowest_cpu = 0;
        bool all_exact = true;
        for (int i = 0; i < o.repeat; ++i) {
            vsim::LayerResult run = design.run(config, vsim::dram_tensors(tensors, layer));
            all_exact = all_exact && run.completed &&
                        vsim::compare_outputs(run.output, expected, ir.problem.tensor(ir::TensorRole::Output)).bit_exact();
            slowest_cpu = std::max(slowest_cpu, run.cpu_seconds);
            if (i == 0 || run.cpu_seconds < r.cpu_seconds) r = std::move(run);
        }
        const vsim::OutputCheck check =
            vsim::compare_outputs(r.output, expected, ir.problem.tensor(ir::TensorRole::Output));
        if (!o.cached) std::filesystem::remove_all(fresh);

        const double cycles = double(r.counters.at("cycles")), macs = double(r.counters.at("macs"));
        row = {side, design.from_cache() ? -1 : design.build_seconds(), design.build_peak_rss_kb() / 1024.0, cycles,
               r.cpu_seconds, r.seconds, r.peak_rss_kb / 1024.0, all_exact};
        std::printf("sim_bench: %s, %s on a %lldx%lld int8 %s design%s%s\n", layer.name.c_str(),
                    o.schedule_file.empty() ? o.dataflow.c_str() : o.schedule_file.c_str(),
                    static_cast<long long>(rtl.spec.rows), static_cast<long long>(rtl.spec.cols), o.interconnect.c_str(),
                    o.arch.empty() ? "" : ", architecture ", o.arch.c_str());
        if (design.from_cache()) std::printf("Verilator build        (from the cache)\n");
        if (!design.from_cache())
            std::printf("Verilator build        %.1f s (-j%d), largest process %.0f MB\n", design.build_seconds(),
                        build.jobs, design.build_peak_rss_kb() / 1024.0);
        std::printf("simulated              %.0f cycles, %.0f MACs in %.2f s CPU, %.2f s wall (%s)\n", cycles, macs,
                    r.cpu_seconds, r.seconds, check.describe().c_str());
        std::printf("cycles per CPU second  %.3f M   (target 1 M on one core; best of %d runs, slowest %.3f M)\n",
                    cycles / r.cpu_seconds / 1e6, o.repeat, cycles / slowest_cpu / 1e6);
        std::printf("cycles per wall second %.3f M\n", cycles / r.seconds / 1e6);
        std::printf("MACs per CPU second    %.1f M\n", macs / r.cpu_seconds / 1e6);
        std::printf("simulator memory       %.0f MB peak resident\n", r.peak_rss_kb / 1024.0);
        std::fflush(stdout);
        return row.pass ? 0 : 1;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "sim_bench: error: %s\n", e.what());
        return 1;
    }
}

}  // namespace

int main(int argc, char **argv) {
    BenchOptions o;
    std::vector<int64_t> sides;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--dataflow") && i + 1 < argc) o.dataflow = argv[++i];
        else if (!std::strcmp(argv[i], "--layer") && i + 1 < argc) o.layer_name = argv[++i];
        else if (!std::strcmp(argv[i], "--schedule") && i + 1 < argc) o.schedule_file = argv[++i];
        else if (!std::strcmp(argv[i], "--arch") && i + 1 < argc) o.arch = argv[++i];
        else if (!std::strcmp(argv[i], "--array") && i + 1 < argc) {
            std::stringstream list(argv[++i]);
            for (std::string item; std::getline(list, item, ',');) sides.push_back(int64_t(driver::whole_number("--array", item.c_str())));
        } else if (!std::strcmp(argv[i], "--interconnect") && i + 1 < argc) o.interconnect = argv[++i];
        else if (!std::strcmp(argv[i], "--cached")) o.cached = true;
        else if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) o.repeat = int(driver::whole_number("--repeat", argv[++i]));
        else
            return std::fprintf(stderr, "usage: sim_bench [--dataflow ws|os] [--layer NAME|SPEC] [--array N[,N...]] "
                                        "[--interconnect broadcast|systolic|hybrid:T] [--cached] [--repeat N] "
                                        "[--schedule FILE] [--arch FILE|NAME]\n"),
                   2;
    }
    if (sides.empty()) sides.push_back(16);
    if (o.repeat < 1 || o.repeat > 100) return std::fprintf(stderr, "sim_bench: --repeat N takes 1..100\n"), 2;
    for (int64_t side : sides)
        if (side < 1 || side > 256) return std::fprintf(stderr, "sim_bench: --array N takes 1..256\n"), 2;
    std::vector<Row> rows;
    int status = 0;
    for (int64_t side : sides) {
        rows.emplace_back();
        status |= bench_one(o, side, rows.back());
    }
    if (rows.size() > 1) {
        std::printf("\narray    build s  build MB       cycles  Mcycles/CPU s  Mcycles/wall s  sim MB  result\n");
        for (const Row &r : rows) {
            if (r.cycles == 0) {
                std::printf("%3lldx%-3lld  error\n", static_cast<long long>(r.side), static_cast<long long>(r.side));
                continue;
            }
            std::printf("%3lldx%-3lld %8.1f %9.0f %12.0f %14.3f %15.3f %7.0f  %s\n", static_cast<long long>(r.side),
                        static_cast<long long>(r.side), r.build_s, r.build_mb, r.cycles, r.cycles / r.cpu_s / 1e6,
                        r.cycles / r.wall_s / 1e6, r.sim_mb, r.pass ? "bit-exact" : "FAIL");
        }
    }
    return status;
}
