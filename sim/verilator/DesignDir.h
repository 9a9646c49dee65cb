// What `tessera compile -o DIR` wrote, read back for simulation: the RTL files in DIR/rtl (as on
// disk, in report.json's order), the top module and DRAM latency from report.json's "design", and
// for each layer its accelerator IR (report.json) and register configuration (DIR/config/*.json).
#pragma once

#include "ir/AcceleratorIR.h"
#include "ir/Architecture.h"
#include "rtl_backend/LayerConfig.h"
#include "rtl_backend/RtlGenerator.h"

#include <optional>
#include <string>
#include <vector>

namespace tessera::vsim {

struct DesignDirLayer {
    std::string name;
    ir::AcceleratorIR ir;
    std::optional<rtl::LayerConfig> config;  // absent if the layer does not fit the design
    std::string does_not_fit;                // compile's reason when it does not
};

struct DesignDir {
    std::string path;
    rtl::RtlDesign design;         // files, top; spec: rows, cols, dram latency, architecture name
    nlohmann::json architecture;   // report.json's "architecture" object, if compile wrote one
    std::vector<DesignDirLayer> layers;  // in report.json's order
};

// Throws UserError naming the file and what is missing or malformed.
DesignDir read_design_dir(const std::string &dir);

// The architecture the design was compiled for: `override_arch` if given (a file, bundled name or
// "default"), else report.json's architecture object, else its architecture name.
ir::Architecture design_architecture(const DesignDir &, const std::string &override_arch);

// Indices into `layers` of the layers `wanted` names (layer name, config file name with or without
// .json, or 0-based position); all layers if `wanted` is empty. Throws UserError listing the
// layers if one does not match, or if a named layer does not fit the design.
std::vector<size_t> select_layers(const DesignDir &, const std::vector<std::string> &wanted);

}  // namespace tessera::vsim
