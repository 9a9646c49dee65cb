#include "SimulateLayers.h"

#include "ir/Architecture.h"
#include "rtl_backend/DesignSpec.h"
#include "rtl_backend/RtlGenerator.h"

#include <algorithm>
#include <cmath>
#include <iostream>

namespace tessera::vsim::test {

std::vector<LayerOutcome> simulate_on_one_design(const std::vector<LayerRequest> &requests,
                                                 const ir::Architecture &arch, uint64_t seed) {
    std::vector<ir::AcceleratorIR> irs;
    for (const auto &r : requests) irs.push_back(lower_to_ir(r.layer, r.schedule));
    const rtl::RtlDesign rtl = rtl::generate_rtl(rtl::design_for(irs, arch));
    std::cerr << "building the " << rtl.spec.rows << "x" << rtl.spec.cols << " design..." << std::endl;
    const VerilatedDesign design = VerilatedDesign::build(rtl);
    std::vector<SimLayer> layers;
    for (size_t i = 0; i < irs.size(); ++i)
        layers.push_back({irs[i], rtl::configure_layer(rtl.spec, rtl.registers, irs[i]), i});
    SimOptions options;
    options.tensors.seed = seed;
    options.progress = &std::cerr;
    options.array_pes = rtl.spec.rows * rtl.spec.cols;
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

}  // namespace tessera::vsim::test
