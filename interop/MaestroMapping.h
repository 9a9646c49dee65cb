// MAESTRO mappings (docs/maestro.md): a layer's data-centric directives (TemporalMap, SpatialMap,
// Cluster) into Tessera schedule text, and a lowered Tessera mapping back into directives.
// MAESTRO's dims: K C N, R (filter rows) S (filter columns), Y X (input rows and columns, mapped as
// sliding windows) or Y' X' (output rows and columns); Tessera's k c n r s y x.
#pragma once

#include "LoopNest.h"

#include <string>

namespace tessera::interop {

// The nest of the .m file's layer for `problem`: the outer cluster level's SpatialMap is the
// array's rows (its PE count: the array's rows x cols / the Cluster size), the Cluster's SpatialMap
// its columns; MAESTRO's L2 becomes the global buffer (outputs kept above the first reduction
// loop, inputs and weights for one step of the outer level), its L1 the PEs' registers.
// `rows` (0: unchecked): the array's rows, of pes / rows columns; PEs the mapping puts to work
// beyond them are an error naming the --array MAESTRO's mapping needs.
LoopNest read_maestro_mapping(const std::string &path, const ir::Problem &problem, int64_t pes, int64_t rows = 0);
std::string maestro_schedule(const std::string &path, const ir::Problem &problem, int64_t pes, int64_t rows = 0);

// The .m file's layer (Dimensions, Stride, Type CONV, DSCONV or GEMM; no padding: Y and X are the input's).
bool has_maestro_layer(const std::string &path);
ir::LayerSpec read_maestro_layer(const std::string &path);  // a file of one layer

// Every layer of a .m file (a MAESTRO model or mapping file) as a network; `skipped`: the layers of
// other Types (TRCONV, NGCONV, ...), "NAME (TYPE)".
struct MaestroNetwork {
    std::vector<ir::LayerSpec> layers;
    std::vector<std::string> skipped;
};
MaestroNetwork read_maestro_network(const std::string &path);

// The mapping of `ir` as a MAESTRO .m file (MAESTRO has no buffers: the tiles are not written).
std::string maestro_text(const ir::AcceleratorIR &ir);

}  // namespace tessera::interop
