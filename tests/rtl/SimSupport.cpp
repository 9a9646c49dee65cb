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

namespace {

std::string lint_forms(const RtlDesign &design, const std::vector<const char *> &forms) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("tessera-lint-" + std::to_string(getpid()) + "-" + design.top);
    write_rtl(design, dir.string());
    std::string out;
    for (const char *form : forms) {
        std::string cmd = "cd '" + dir.string() + "' && verilator --lint-only -Wall" + form + " --top-module " + design.top;
        for (const auto &f : design.files) cmd += " " + f.first;
        out += run_capture(cmd + " 2>&1");
    }
    fs::remove_all(dir);
    return out;
}

}  // namespace

std::string lint(const RtlDesign &design) {
    // Both forms of the PE array (EmitArray.cpp): Verilator's vector form and the PE instances;
    // the vector form also wired by loops over the PEs, as arrays of more than
    // DesignSpec::tap_loops_above_pes PEs are.
    std::string out = lint_forms(design, {"", " +define+TESSERA_PE_INSTANCES"});
    DesignSpec loops = design.spec;
    loops.tap_loops_above_pes = 0;
    return out + lint_forms(generate_rtl(loops), {""});
}

}  // namespace tessera::rtl::test
