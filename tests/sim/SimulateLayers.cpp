#include "SimulateLayers.h"

#include "ir/Architecture.h"
#include "ir/ArchitectureJson.h"
#include "rtl_backend/DesignSpec.h"
#include "rtl_backend/RtlGenerator.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace tessera::vsim::test {

std::vector<LayerOutcome> simulate_on_one_design(const std::vector<LayerRequest> &requests,
                                                 const ir::Architecture &arch, uint64_t seed,
                                                 int dram_stall_percent) {
    std::vector<ir::AcceleratorIR> irs;
    for (const auto &r : requests) irs.push_back(lower_to_ir(r.layer, r.schedule));
    const rtl::RtlDesign rtl = rtl::generate_rtl(rtl::design_for(irs, arch));
    std::cerr << "building the " << rtl.spec.rows << "x" << rtl.spec.cols << " design..." << std::endl;
    std::vector<SimLayer> layers;
    for (size_t i = 0; i < irs.size(); ++i)
        layers.push_back({irs[i], rtl::configure_layer(rtl.spec, rtl.registers, irs[i]), i});
    BuildOptions build;
    build.cycles_ahead = modelled_cycles(irs, arch);
    const VerilatedDesign design = VerilatedDesign::build(rtl, build);
    SimOptions options;
    options.tensors.seed = seed;
    options.progress = &std::cerr;
    options.array_pes = rtl.spec.rows * rtl.spec.cols;
    options.dram_stall_percent = dram_stall_percent;
    return simulate_layers(design, layers, arch, options);
}

std::string failed_layers(const std::vector<LayerOutcome> &outcomes) {
    std::string failed;
    double worst = 0;
    for (const auto &o : outcomes) {
        const std::string why = failure_summary(o);
        if (!why.empty()) failed += o.layer + ": " + why + "\n";
        worst = std::max(worst, std::abs(o.cycle_error()));
    }
    std::cerr << outcomes.size() << " layers, worst cycle difference " << 100 * worst << "%\n";
    return failed;
}

int64_t measured(const LayerOutcome &o, const std::string &name) {
    for (const auto &c : o.counters)
        if (c.counter == name) return int64_t(c.measured);
    return -1;
}

ScheduleRequest example_schedule(const std::string &name) {
    std::ifstream in(std::string(TESSERA_SOURCE_DIR) + "/examples/schedules/" + name);
    std::ostringstream text;
    text << in.rdbuf();
    ScheduleRequest s;
    s.text = text.str();
    s.text_origin = name;
    return s;
}

ScheduleRequest example_schedule(const std::string &name,
                                 const std::vector<std::pair<std::string, std::string>> &edits) {
    ScheduleRequest s = example_schedule(name);
    for (const auto &[from, to] : edits) {
        const size_t at = s.text.find(from);
        if (at == std::string::npos) throw std::runtime_error(name + " has no '" + from + "' to edit");
        s.text.replace(at, from.size(), to);
    }
    s.text_origin = name + " (edited)";
    return s;
}

ir::Architecture example_arch(const std::string &name) {
    return ir::load_architecture(std::string(TESSERA_SOURCE_DIR) + "/examples/arch/" + name + ".json");
}

ir::Architecture pipelined(ir::Architecture arch, int64_t rows, int64_t cols, int64_t tile) {
    arch.rows = rows;
    arch.cols = cols;
    arch.interconnect = tile == 1 ? ir::Interconnect::Systolic : ir::Interconnect::Hybrid;
    arch.tile = tile;
    return arch;
}

}  // namespace tessera::vsim::test
