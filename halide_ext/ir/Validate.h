// Does a mapping fit an architecture? The array must hold the spatial loops and every memory level
// the tiles placed on it (twice, if the level is double buffered). Failures are one line naming
// the level (or array side), what it holds and by how much it overflows.
#pragma once

#include "AcceleratorIR.h"
#include "Analysis.h"
#include "Architecture.h"

#include <cstdint>
#include <string>

namespace tessera::ir {

// Index in arch.levels of the on-chip level that holds `buffer`: named by Buffer::level, not the
// outermost (DRAM). Throws tessera::UserError otherwise.
int buffer_level(const Architecture &arch, const Buffer &buffer);

// Does `buffer` keep two copies of its tile (the next one filled during compute)? When its level
// is double buffered and the mapping does not keep it single (Buffer::single_buffered). The
// model, the fit and rtl_backend all ask this.
bool double_buffered(const Architecture &arch, const Buffer &buffer);
// The same for stage j of a tensor's path: its buffer's answer; the PE register follows the
// innermost level; DRAM has one copy, and so has every output tile below the DRAM-fed one (a
// per-PE accumulator file, or the inner of two shared blocks): an accumulation block drains into
// and reloads from the level above while the array waits (docs/hardware.md, "Prefetched tiles").
bool double_buffered(const Architecture &arch, const TensorAccess &access, size_t j);

// What one tensor keeps at one level: `bytes` of one tile (before double buffering).
struct Footprint {
    const char *what = "";
    int level = 0;
    int64_t bytes = 0;
    int role = -1;  // the tensor (0 I, 1 W, 2 O): on a partitioned level, checked against its partition
    bool double_buffered = false;  // two copies (ir::double_buffered of its stage)
    int64_t words = 0;  // elements of the tile: a level that holds one word of the tensor holds one
};

// Empty if everything fits, else the message. No allocation when it fits (schedule searches call
// this per candidate).
std::string fit_error(const Architecture &arch, int64_t rows, int64_t cols,
                      const Footprint *footprints, int count);

// A pipelined array (systolic, hybrid) preloads a per-PE operand's next word while the PEs still
// use the last one; the word must stay for at least array_skew() cycles. The one-line reason why
// `tensor`, reloaded every `block` cycles, does not.
std::string preload_error(const Architecture &arch, const std::string &tensor, int64_t block);

// Bytes of one element of `tensor` as held on chip (outputs are held as accumulator words).
int64_t onchip_element_bytes(const Problem &problem, const Tensor &tensor);

// The footprints of an IR (one per stage of every tensor's chain below DRAM: its buffers, and its
// PE register when it has no per-PE tile) and the array shape, checked with fit_error. Throws tessera::UserError with its message.
void validate_fit(const AcceleratorIR &ir, const Architecture &arch);

}  // namespace tessera::ir
