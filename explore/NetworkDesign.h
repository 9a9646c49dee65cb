// One design for a network (docs/explore.md, "One design for a network"). The generated
// accelerator wires each tensor to the array one way (per lane, shared or reduced along each
// axis: rtl::why_not_wired), so the layers of a network run on one design only if their mappings
// meet the array the same way. Each layer's own best mapping may not; this picks the wiring whose
// layers, each searched for its best mapping under that wiring, give the network's best objective.
#pragma once

#include "DesignSpec.h"
#include "Search.h"

#include <functional>
#include <string>
#include <vector>

namespace tessera::explore {

struct NetworkDesign {
    std::vector<SearchResult> layers;  // per layer (the input's order): its winner on the design
    std::string wiring;                // how the design meets the array (rtl_backend's words)
    size_t wiring_from = 0;            // the layer whose own winner has that wiring
    // The candidate the layers were searched on: that winner's design, or the same wiring with
    // shared tiles for the operands the winner feeds from DRAM (its kind: rtl::why_not_same_kind),
    // then settled as the design compile derives from the layers' winners (rtl::design_for), which
    // runs every one of them.
    rtl::DesignSpec kind;
    int wirings_tried = 0;
    std::vector<size_t> searched_again;  // layers whose own winner is wired otherwise
    double energy_pj = 0;
    int64_t cycles = 0;
    // The architecture the design is for: the given one, with a shared level split into one memory
    // per tensor (tensor_bytes) where the design's buffers, each sized for its tensor's largest
    // tile of any layer, would overflow it; `partitions` says which ("" if none).
    ir::Architecture arch;
    std::string partitions;
};

// `free[i]` is layer i's search result under `opt` (with opt.constraints.rtl_only: only mappings
// rtl_backend generates). The candidate wirings are those of the free winners. For each, the
// layers whose winner is wired otherwise are searched again among the spatial choices wired that
// way. Identical layers share one search. The winners are scored on the design's architecture
// (NetworkDesign::arch). `progress` (optional) hears one line per wiring.
// Throws UserError when no wiring runs every layer.
// The point's IR with its buffers' boxes (build_ir leaves them to the model; Model::write_boxes
// gives Halide's): what the RTL generator sizes a design's buffers from.
ir::AcceleratorIR sized_ir(const SpaceInfo &, const Point &);

NetworkDesign one_design(const std::vector<SpaceInfo> &spaces, const std::vector<SearchResult> &free,
                         const SearchOptions &opt,
                         const std::function<void(const std::string &)> &progress = {});

}  // namespace tessera::explore
