// The simulation watchdog: a run is bounded by twice the model's cycles plus a margin, so a design
// that does not finish (here: configured for a layer far longer than the one the model prices)
// FAILs quickly with a message naming the bound, instead of running for hours. And the harness
// refuses a DRAM layout outside the 32-bit address space before allocating anything. The build
// cache keeps failed builds' logs and the Verilator runtime a later build links, and serves short
// runs quick builds.
#include "sim/verilator/Harness.h"
#include "sim/verilator/Simulate.h"

#include "Lower.h"
#include "Networks.h"
#include "UserError.h"
#include "rtl_backend/DesignSpec.h"
#include "rtl_backend/LayerConfig.h"
#include "rtl_backend/RtlGenerator.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace tessera;
using Catch::Matchers::Contains;

TEST_CASE("a run that does not finish by the watchdog FAILs naming the bound", "[sim][watchdog]") {
    ScheduleRequest req;
    req.dataflow = "ws";
    req.rows = req.cols = 4;
    const ir::AcceleratorIR small = lower_to_ir(parse_inline_layer("conv:C=4,K=4,H=4,W=4,R=1,S=1"), req);
    // ~20x the work of the 50k-cycle margin: the RTL runs it for millions of cycles.
    const ir::AcceleratorIR large = lower_to_ir(parse_inline_layer("conv:C=4,K=4,H=160,W=160,R=3,S=3,pad=1"), req);
    const ir::Architecture arch = ir::default_architecture();
    const rtl::RtlDesign rtl = rtl::generate_rtl(rtl::design_for({small, large}, arch));
    const vsim::VerilatedDesign design = vsim::VerilatedDesign::build(rtl);
    // The small layer's IR (so the model, the tensors and the watchdog are the small layer's) with
    // the large layer's registers.
    rtl::LayerConfig config = rtl::configure_layer(rtl.spec, rtl.registers, large);
    config.dram = rtl::configure_layer(rtl.spec, rtl.registers, small).dram;
    vsim::SimOptions options;
    const auto outcome = vsim::simulate_layers(design, {{small, config, 0}}, arch, options).at(0);
    CHECK_FALSE(outcome.completed);
    CHECK(outcome.watchdog_cycles == vsim::watchdog_cycles(outcome.cycles_model));
    CHECK(outcome.cycles_measured <= outcome.watchdog_cycles + 2);
    CHECK_THAT(vsim::failure_summary(outcome), Contains("did not finish within " +
                                                        std::to_string(outcome.watchdog_cycles) + " cycles"));
}

TEST_CASE("a DRAM layout outside 0..2^31-1 words is refused before the simulator allocates it", "[sim][watchdog]") {
    ScheduleRequest req;
    req.dataflow = "ws";
    req.rows = req.cols = 4;
    const ir::AcceleratorIR ir = lower_to_ir(parse_inline_layer("conv:C=4,K=4,H=4,W=4,R=1,S=1"), req);
    const rtl::RtlDesign rtl = rtl::generate_rtl(rtl::design_for({ir}, ir::default_architecture()));
    rtl::LayerConfig config = rtl::configure_layer(rtl.spec, rtl.registers, ir);
    vsim::LayerTensors t;
    t.input.resize(size_t(config.dram.input.words()));
    t.weight.resize(size_t(config.dram.weight.words()));
    t.bias.resize(size_t(config.dram.bias.words()));
    config.dram.output.base = -4294967296LL;
    CHECK_THROWS_WITH(vsim::job_words({config}, {t}, 1000), Contains("is outside 0..2147483647"));
    config.dram.output.base = 1LL << 40;
    CHECK_THROWS_AS(vsim::job_words({config}, {t}, 1000), UserError);
}

TEST_CASE("a failed Verilator build leaves its log, not a temporary directory, in the cache", "[sim][watchdog]") {
    namespace fs = std::filesystem;
    ScheduleRequest req;
    req.dataflow = "ws";
    req.rows = req.cols = 2;
    const ir::AcceleratorIR ir = lower_to_ir(parse_inline_layer("conv:C=2,K=2,H=3,W=3,R=1,S=1"), req);
    const rtl::RtlDesign rtl = rtl::generate_rtl(rtl::design_for({ir}, ir::default_architecture()));
    const fs::path cache = fs::temp_directory_path() / ("tessera-failed-build-" + std::to_string(getpid()));
    fs::remove_all(cache);
    fs::create_directories(cache);
    // A "Verilator" that states its version and fails every build.
    const fs::path broken = cache / "broken-verilator";
    std::ofstream(broken) << "#!/bin/sh\n[ \"$1\" = --version ] && { echo 'Verilator 5.006'; exit 0; }\nexit 1\n";
    fs::permissions(broken, fs::perms::owner_all);
    vsim::BuildOptions options;
    options.verilator = broken.string();
    options.cache_dir = (cache / "cache").string();
    CHECK_THROWS_WITH(vsim::VerilatedDesign::build(rtl, options), Contains("failed-build.log"));
    int logs = 0;
    for (const auto &e : fs::recursive_directory_iterator(cache / "cache")) {
        CHECK(e.path().string().find(".tmp.") == std::string::npos);
        logs += e.path().string().find(".failed-build.log") != std::string::npos;
    }
    CHECK(logs == 1);
    fs::remove_all(cache);
}

// A run shorter than kQuickBuildCycles gets a quicker build (-O1, Harness.cpp); a build optimized in
// full serves short runs too, a quick one never a long run.
TEST_CASE("a later build links the Verilator runtime the first build kept, and short runs get quick builds",
          "[sim][watchdog]") {
    namespace fs = std::filesystem;
    const fs::path cache = fs::temp_directory_path() / ("tessera-runtime-" + std::to_string(getpid()));
    fs::remove_all(cache);
    const ir::Architecture arch = ir::default_architecture();
    struct Built {
        std::string binary, log;
        bool cached;
    };
    auto build_and_run = [&](const std::string &dataflow, uint64_t cycles_ahead) {
        ScheduleRequest req;
        req.dataflow = dataflow;
        req.rows = req.cols = 2;
        const ir::AcceleratorIR ir = lower_to_ir(parse_inline_layer("conv:C=3,K=2,H=4,W=5,R=3,S=3"), req);
        const rtl::RtlDesign rtl = rtl::generate_rtl(rtl::design_for({ir}, arch));
        vsim::BuildOptions options;
        options.cache_dir = cache.string();
        options.cycles_ahead = cycles_ahead;
        const vsim::VerilatedDesign design = vsim::VerilatedDesign::build(rtl, options);
        const auto config = rtl::configure_layer(rtl.spec, rtl.registers, ir);
        CHECK(vsim::simulate_layers(design, {{ir, config, 0}}, arch, vsim::SimOptions{}).at(0).pass());
        std::ifstream log(fs::path(design.binary()).parent_path() / "build.log");
        return Built{design.binary(),
                     std::string((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>()),
                     design.from_cache()};
    };
    const uint64_t short_run = vsim::kQuickBuildCycles / 2;
    const std::string full_opt = "-O2 -c -o Vdut", quick_opt = "-O1 -c -o Vdut";
    // The first build compiles the runtime and keeps it; a quick build links it.
    const Built ws = build_and_run("ws", 0);
    CHECK_FALSE(ws.cached);
    CHECK(ws.log.find("verilated.cpp") != std::string::npos);
    CHECK(ws.log.find(full_opt) != std::string::npos);
    const Built os_quick = build_and_run("os", short_run);
    CHECK_FALSE(os_quick.cached);
    CHECK(os_quick.log.find("verilated.cpp") == std::string::npos);
    CHECK(os_quick.log.find(quick_opt) != std::string::npos);
    CHECK(os_quick.log.find(full_opt) == std::string::npos);
    // The quick build serves the next short run, not a long one.
    CHECK(build_and_run("os", short_run).cached);
    const Built os_full = build_and_run("os", vsim::kQuickBuildCycles);
    CHECK_FALSE(os_full.cached);
    CHECK(os_full.binary != os_quick.binary);
    CHECK(os_full.log.find(full_opt) != std::string::npos);
    // The full build serves short runs: the quick one is not built again.
    const Built ws_short = build_and_run("ws", short_run);
    CHECK(ws_short.cached);
    CHECK(ws_short.binary == ws.binary);
    int kept = 0;
    for (const auto &e : fs::recursive_directory_iterator(cache)) {
        CHECK(e.path().string().find(".tmp.") == std::string::npos);
        kept += e.path().filename() == "runtime.o";
    }
    CHECK(kept == 1);
    fs::remove_all(cache);
}
