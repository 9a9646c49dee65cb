// Energy per word of a memory level. A level with an `energy_by_size` table takes its energy from
// the table at its own size, so resizing a buffer changes what each access costs (Interstellar's
// resource-allocation study); otherwise its fixed read/write figures apply.
#pragma once

#include "ir/Architecture.h"

namespace tessera::model {

// pJ per word at `size_bytes`, interpolated linearly in log(size)-log(energy) between the table's
// neighbouring points and extrapolated from the nearest segment; a one-point table scales with the
// square root of capacity. The table must be sorted by capacity with positive entries.
double energy_at_size(const ir::MemoryLevel &level, int64_t size_bytes);

// The per-word energies the model uses: the table's value (for reads and writes alike) when the
// level has a table and a size, else read_pj / write_pj.
double read_pj(const ir::MemoryLevel &level);
double write_pj(const ir::MemoryLevel &level);

// The level as it prices tensor `role`'s (0 I, 1 W, 2 O) elements: a per-PE level that gives the
// tensor its own partition (tensor_bytes) is priced at the partition's size.
ir::MemoryLevel priced_for(const ir::MemoryLevel &level, int role);

}  // namespace tessera::model
