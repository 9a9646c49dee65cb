// The README.md `tessera compile` writes next to a design: what each file is, how a driver runs a
// layer (register map, DRAM layout, start/done, counters), how to lint, simulate and synthesize.
#pragma once

#include "RtlGenerator.h"

#include <string>
#include <vector>

namespace tessera::rtl {

struct CompiledLayer {
    std::string name;
    std::string config_file;  // config/<file>.json relative to the design dir; empty if it does not fit
    std::string reason;       // why it does not fit
};

std::string design_readme(const RtlDesign &, const std::vector<CompiledLayer> &layers);

// File name for a layer's config: the layer name with path-like characters replaced.
std::string config_file_name(const std::string &layer);

}  // namespace tessera::rtl
