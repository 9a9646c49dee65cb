// The architecture estimate and compile run on, and how --array relates to it.
#pragma once

#include "LayerOptions.h"
#include "ir/Architecture.h"

#include <boost/program_options.hpp>
#include <string>

namespace tessera::cli {

// The architecture a user names: a bundled name, `default`, a file with Tessera's keys (JSON or
// YAML), or a Timeloop architecture YAML (`architecture:`, docs/timeloop.md).
ir::Architecture read_architecture(const std::string &file_or_name);

// Loads --arch (`arch_name`) with read_architecture. Without --array, presets fill the architecture's array. With --array
// and the default architecture, the default architecture takes that array (as `lower` does); with
// --array and an architecture the user named, a larger array than the architecture's is an error.
// Also sizes the presets for it (size_presets_for).
ir::Architecture select_architecture(const std::string &arch_name,
                                     const boost::program_options::variables_map &vm, LayerSelection &sel);

// Gives presets the architecture's GLB tile budget and per-tensor scratchpads (Presets.h), and
// imported mappings its level names (a Timeloop target that is none of them is a fan-out).
void size_presets_for(const ir::Architecture &arch, LayerSelection &sel);

// --interconnect: "broadcast", "systolic" or "hybrid:T" (tiles of T x T PEs) in place of the
// architecture's own (docs/hardware.md, "Interconnect"). Throws UserError naming the form otherwise.
void apply_interconnect(ir::Architecture &arch, const std::string &choice);

// The help text of --interconnect.
extern const char *const kInterconnectHelp;

}  // namespace tessera::cli
