// The designs the RTL tests generate, in one list so that the lint test covers every one of them.
#pragma once

#include "HandMappings.h"
#include "ir/Architecture.h"
#include "rtl_backend/DesignSpec.h"

#include <string>
#include <utility>
#include <vector>

namespace tessera::rtl::test {

struct TestDesign {
    std::string name;
    std::vector<ir::AcceleratorIR> layers;  // the layers it is sized for (and runs in the tests)
    bool double_buffered = false;           // the architecture double-buffers its global buffer

    ir::Architecture architecture() const;  // the default one, double buffered or not
    rtl::DesignSpec spec() const;           // rtl::design_for(layers, architecture(), name)
};

const std::vector<TestDesign> &test_designs();
const TestDesign &test_design(const std::string &name);
// Designs that double-buffer some tensors only: (spec, the test design whose layers they run).
std::vector<std::pair<rtl::DesignSpec, std::string>> mixed_buffering_designs();
// Small designs whose emitted Verilog is kept as golden files.
std::vector<TestDesign> golden_designs();

}  // namespace tessera::rtl::test
