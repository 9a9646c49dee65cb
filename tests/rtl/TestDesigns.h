// The designs the RTL tests generate, in one list so that the lint test covers every one of them.
#pragma once

#include "HandMappings.h"

#include <string>
#include <vector>

namespace tessera::rtl::test {

struct TestDesign {
    std::string name;
    std::vector<ir::AcceleratorIR> layers;  // the layers it is sized for (and runs in the tests)
};

const std::vector<TestDesign> &test_designs();
const TestDesign &test_design(const std::string &name);
// Small designs whose emitted Verilog is kept as golden files.
std::vector<TestDesign> golden_designs();

}  // namespace tessera::rtl::test
