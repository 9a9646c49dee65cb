// Layers and mappings for the RTL tests, built directly as accelerator IR: the problem of a conv,
// depthwise conv or fc layer (dims, tensors, post-op as docs/hardware.md describes them) and a
// loop nest given loop by loop, with buffer boxes computed from the loops they cover.
#pragma once

#include "ir/AcceleratorIR.h"

#include <string>
#include <vector>

namespace tessera::rtl::test {

ir::LayerSpec conv(const std::string &name, int64_t C, int64_t K, int64_t H, int64_t W, int64_t R,
                   int64_t stride = 1, int64_t pad = 0);
ir::LayerSpec dwconv(const std::string &name, int64_t C, int64_t H, int64_t W, int64_t R,
                     int64_t stride = 1, int64_t pad = 0);
ir::LayerSpec fc(const std::string &name, int64_t C, int64_t K, int64_t N = 1);

ir::Problem make_problem(const ir::LayerSpec &);

struct LoopSpec {
    std::string dim;
    int64_t extent;
    int64_t stride = 1;
    ir::LoopKind kind = ir::LoopKind::Temporal;
};

// Buffers of I, W, O at loop positions at_i, at_w, at_o.
ir::AcceleratorIR make_ir(const ir::LayerSpec &, const std::vector<LoopSpec> &loops, int at_i,
                          int at_w, int at_o, const std::string &schedule);

// A two-level tiling: every dim d is split into (outer temporal, extent ceil(E/f)) and (inner,
// extent f) where f = the factor given for d (1 if absent); the array dims' inner loops go on the
// rows / cols; `order` lists temporal loops outermost first by name ("ko", "x", ...: "<dim>o" is
// an outer loop, "<dim>" alone an inner temporal loop). Buffers at `tile_at` ("ko" etc. name the
// loop the buffers sit at; "" = all tensors whole on chip).
struct Tiling {
    std::string row_dim, col_dim;   // "" for none
    int64_t rows = 1, cols = 1;
    std::vector<std::string> order; // temporal loops, outermost first
    std::vector<std::pair<std::string, int64_t>> factors;  // inner extents of temporal splits
    std::string input_at, weight_at, output_at;            // loop names; "" = position 0
};
ir::AcceleratorIR tiled_ir(const ir::LayerSpec &, const Tiling &);

}  // namespace tessera::rtl::test
