// Every ResNet-18 layer under issue 9's example mappings on examples/arch/eyeriss_16x16.json: one
// design per mapping for every layer it applies to, each layer simulated in Verilator bit-exactly
// against Halide, every counter and the cycles against the model. The mappings:
//   rs      the `rs` preset with scratchpads: eyeriss_rs.sched's form, sized per layer (default)
//   im2col  the preset 'C,FY,FX|K' ws: tpu_im2col.sched's form, channels per row group per layer
//           (default)
//   NAME    examples/schedules/NAME.sched as written (eyeriss_rs, ws_scratchpads, ws_weights_from_dram:
//           for the C = K = 256 conv, ws_registers too, on eyeriss_registers; kc_rows_rf: any conv): a
//           layer it does not fit prints why (the schedule's one-line error)
// --arch NAME runs on examples/arch/NAME.json instead (e.g. output_two_levels on four_level), --arch
// FILE on an architecture file.
// Not a test (tens of minutes); docs/rtl.md, "Per-PE accumulator files", records a run.
//   build/bench/general_mappings_resnet18 [--mapping rs|im2col|NAME] [--arch NAME|FILE] [--layers N]
#include "DriverArgs.h"
#include "Networks.h"
#include "Presets.h"
#include "SimulateLayers.h"
#include "ir/ArchitectureJson.h"
#include "ir/Validate.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

using namespace tessera;
using namespace tessera::vsim;
using namespace tessera::vsim::test;

namespace {

std::string read_text(const std::string &path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Returns the number of layers that failed.
int run(const std::string &schedule, const ir::Architecture &arch, size_t max_layers) {
    const auto t0 = std::chrono::steady_clock::now();
    ScheduleRequest s;
    fit_presets_to(arch, s);
    s.rows = arch.rows, s.cols = arch.cols;
    if (schedule == "rs") {
        s.dataflow = "rs";
    } else if (schedule == "im2col") {
        s.spatial = "C,FY,FX|K", s.dataflow = "ws";
    } else {
        s.text = read_text(std::string(TESSERA_SOURCE_DIR) + "/examples/schedules/" + schedule + ".sched");
        s.text_origin = schedule + ".sched";
    }
    std::vector<LayerRequest> requests;
    for (const ir::LayerSpec &l : load_network("resnet18")) {
        if (requests.size() >= max_layers) break;
        try {
            ir::validate_fit(lower_to_ir(l, s), arch);
            requests.push_back({l, s});
        } catch (const std::exception &e) {
            std::printf("%-16s %-48s NOT APPLICABLE: %s\n", schedule.c_str(), l.name.c_str(), e.what());
        }
    }
    std::fflush(stdout);
    if (requests.empty()) return 0;
    const auto outcomes = simulate_on_one_design(requests, arch);
    int failed = 0;
    for (const auto &o : outcomes) {
        const std::string why = failure_summary(o);
        failed += !why.empty();
        std::printf("%-16s %-48s %s, %llu cycles (model %lld)%s%s\n", schedule.c_str(), o.layer.c_str(),
                    why.empty() ? "PASS" : "FAIL", (unsigned long long)o.cycles_measured,
                    (long long)o.cycles_model, why.empty() ? "" : ": ", why.c_str());
    }
    std::printf("%-16s %zu layers simulated, %d failed, wall %.0f s\n", schedule.c_str(), outcomes.size(), failed,
                seconds_since(t0));
    std::fflush(stdout);
    return failed;
}

}  // namespace

int main(int argc, char **argv) {
    std::vector<std::string> schedules = {"rs", "im2col"};
    size_t max_layers = 1000;
    std::string arch_name = "eyeriss_16x16";
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--mapping") && i + 1 < argc) schedules = {argv[++i]};
        else if (!std::strcmp(argv[i], "--arch") && i + 1 < argc) arch_name = argv[++i];
        else if (!std::strcmp(argv[i], "--layers") && i + 1 < argc) max_layers = size_t(driver::whole_number(argv[i], argv[i + 1])), ++i;
        else
            return std::fprintf(stderr, "usage: general_mappings_resnet18 [--mapping rs|im2col|eyeriss_rs|ws_scratchpads|"
                                        "ws_registers|ws_weights_from_dram|kc_rows_rf|output_two_levels] [--arch NAME|FILE] [--layers N]\n"),
                   2;
    }
    try {
        const auto t0 = std::chrono::steady_clock::now();
        // A bundled name, or an architecture file (e.g. four_level with L2 double buffered).
        const bool file = arch_name.find('/') != std::string::npos || arch_name.find(".json") != std::string::npos;
        const ir::Architecture arch = ir::load_architecture(
            file ? arch_name : std::string(TESSERA_SOURCE_DIR) + "/examples/arch/" + arch_name + ".json");
        int failed = 0;
        for (const auto &s : schedules) failed += run(s, arch, max_layers);
        std::printf("total wall %.0f s, %d layer(s) failed\n", seconds_since(t0), failed);
        return failed ? 1 : 0;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "general_mappings_resnet18: %s\n", e.what());
        return 1;
    }
}
