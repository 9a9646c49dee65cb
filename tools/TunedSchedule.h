// The file `tessera explore --fusion -o FILE` writes: per fused group a header
// "# fused group: FIRST .. LAST, tile HxW, overlap MODE", the group's schedule statements, then
// each layer's own mapping ("# L<i> = NAME, inside a tile:" and its schedule). compile --fuse reads
// the group statements of every group (the fused RTL runs its own datapath inside a tile, so the
// layer mappings are informational there).
#pragma once

#include <string>
#include <vector>

namespace tessera::cli {

struct TunedGroup {
    std::string first, last;  // layer names
    std::string statements;   // the group's schedule (header line included)
};

// The fused groups of a tuner file, in order; empty if `text` has no "# fused group:" header.
std::vector<TunedGroup> tuned_groups(const std::string &text);

}  // namespace tessera::cli
