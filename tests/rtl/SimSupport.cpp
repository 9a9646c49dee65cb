#include "SimSupport.h"

#include "ir/Architecture.h"
#include "rtl_backend/Process.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace tessera::rtl::test {

DesignUnderTest build_design(const std::vector<ir::AcceleratorIR> &layers, const std::string &name) {
    return build_design(design_for(layers, ir::default_architecture(), name));
}

DesignUnderTest build_design(const DesignSpec &spec, uint64_t cycles_ahead) {
    RtlDesign rtl = generate_rtl(spec);
    vsim::BuildOptions build;
    build.cycles_ahead = cycles_ahead;
    vsim::VerilatedDesign sim = vsim::VerilatedDesign::build(rtl, build);
    return {std::move(rtl), std::move(sim)};
}

vsim::LayerTensors to_tensors(const LayerData &d) { return {d.input, d.weight, d.bias}; }

std::string lint(const RtlDesign &design, const std::string &top) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("tessera-lint-" + std::to_string(getpid()) + "-" + design.top);
    write_rtl(design, dir.string());
    // Both forms of the PE array (EmitArray.cpp): Verilator's vector form and the PE instances.
    std::string out;
    for (const char *form : {"", " +define+TESSERA_PE_INSTANCES"}) {
        std::string cmd = "cd '" + dir.string() + "' && verilator --lint-only -Wall" + form + " --top-module " + (top.empty() ? design.top : top);
        for (const auto &f : design.files) cmd += " " + f.first;
        out += run_capture(cmd + " 2>&1");
    }
    fs::remove_all(dir);
    return out;
}

}  // namespace tessera::rtl::test
