// `tessera explore --sweep`: the resource-allocation study (docs/explore.md "Resource allocation").
#pragma once

#include "LayerOptions.h"
#include "ResourceSweep.h"

#include <string>
#include <vector>

namespace tessera::cli {

struct SweepOptions {
    bool defaults = false;                 // --sweep: the default size lists
    std::string rf, glb, arrays;           // --sweep-rf, --sweep-glb, --sweep-array lists
    bool hold_throughput = false;          // --hold-throughput
    bool double_buffer = false;            // --sweep-double-buffer
    bool requested() const { return defaults || !rf.empty() || !glb.empty() || !arrays.empty() || double_buffer; }
};

// Parses the lists (sizes in bytes with an optional K or M suffix; shapes RxC); UserError on a
// malformed entry.
explore::SweepSpec parse_sweep(const SweepOptions &);

// Runs the sweep over the selected layers and prints the ranked designs (or JSON with `json`);
// `out_dir` receives the best design's arch.json and each layer's winner on it; `svg_file` the
// chart of the designs' energies (explore::write_sweep_svg).
void run_sweep(const std::vector<SelectedLayer> &layers, const ir::Architecture &base,
               const explore::SweepSpec &spec, const explore::SearchOptions &options, bool json,
               bool progress, int top, const std::string &out_dir, const std::string &svg_file = {});

}  // namespace tessera::cli
