// A compiled fused design on disk (`tessera compile --fuse ... -o DIR`): DIR/rtl/*.sv (the design),
// DIR/config/<group>.json (per group: DRAM layout and the driver's register writes), and
// DIR/report.json, whose "fused" object holds the design's structure, the architecture and per
// group its IR (ir::to_json), its config file and the fusion model's estimate.
#pragma once

#include "SimulateFused.h"
#include "ir/Architecture.h"
#include "rtl_backend/FusedDesign.h"

#include <string>
#include <vector>

namespace tessera::vsim {

struct FusedDesignDir {
    rtl::FusedDesignSpec spec;
    rtl::RtlDesign design;                 // files as on disk
    ir::Architecture arch;
    std::vector<ir::FusedGroup> groups;
    std::vector<rtl::FusedConfig> configs;
};

// Writes the directory; returns the files written.
std::vector<std::string> write_fused_design_dir(const std::string &dir, const FusedDesignDir &d,
                                                const std::vector<FusedModel> &models);

// True if DIR/report.json describes a fused design.
bool is_fused_design_dir(const std::string &dir);

// Throws UserError naming the file and what is missing.
FusedDesignDir read_fused_design_dir(const std::string &dir);

}  // namespace tessera::vsim
