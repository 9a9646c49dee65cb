// The RTL backend's entry point: a DesignSpec in, the SystemVerilog files of one accelerator out.
#pragma once

#include "DesignSpec.h"
#include "RegisterMap.h"

#include <string>
#include <utility>
#include <vector>

namespace tessera::rtl {

struct RtlDesign {
    DesignSpec spec;
    RegisterMap registers;
    std::string top;                                          // top module name
    std::vector<std::pair<std::string, std::string>> files;  // (file name, text), dependency order
};

// Deterministic: the same spec gives byte-identical files.
RtlDesign generate_rtl(const DesignSpec &);

// Writes every file under `dir` (created if needed); returns the paths written.
std::vector<std::string> write_rtl(const RtlDesign &, const std::string &dir);

}  // namespace tessera::rtl
