// Shared by the RTL simulation tests: generate a design for some layers, build it once with
// Verilator, run a layer on it and compare with a reference.
#pragma once

#include "HandMappings.h"
#include "HalideReference.h"
#include "rtl_backend/LayerConfig.h"
#include "rtl_backend/RtlGenerator.h"
#include "sim/verilator/Harness.h"

#include <string>
#include <vector>

namespace tessera::rtl::test {

struct DesignUnderTest {
    RtlDesign rtl;
    vsim::VerilatedDesign sim;
};

// Generates and builds (cached) a design, for runs of `cycles_ahead` cycles in all (0: unknown;
// vsim::BuildOptions::cycles_ahead).
DesignUnderTest build_design(const DesignSpec &spec, uint64_t cycles_ahead = 0);
// ... sized for `layers` on the default architecture.
DesignUnderTest build_design(const std::vector<ir::AcceleratorIR> &layers, const std::string &name);

vsim::LayerTensors to_tensors(const LayerData &);

// `verilator --lint-only -Wall` on the design's files, with each form of the PE array (Verilator's
// vector form, and +define+TESSERA_PE_INSTANCES); returns the warnings ("" if clean). `top` lints
// one module of the design (and what it instantiates) instead of the whole design.
std::string lint(const RtlDesign &, const std::string &top = "");

}  // namespace tessera::rtl::test
