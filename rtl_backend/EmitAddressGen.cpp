// Address generators from the affine index functions, one per tensor. Each keeps running values
// that move by a per-loop delta (configured per layer) when that loop increments:
//   glb_addr  = sum over loops inside the buffer of index * glb_step   (GLB address of lane 0)
//   tile_base = offset + sum over loops outside the buffer of index * coord_step (per coordinate)
//   tile_addr = DRAM address of tile_base in the dense tensor layout
// The delta of a loop already subtracts what the loops inside it added before wrapping to 0.
// A double-buffered operand's generator also latches, when a compute run starts, where its next
// tile will be (prefetch_base / prefetch_addr: the current tile moved by the delta of the slot that
// steps when the run ends), for the DMA to fill while the array computes.
#include "Emitters.h"
#include "SvText.h"

#include <sstream>

namespace tessera::rtl {

namespace {

// The deltas of the loop slot a one-hot vector selects (none: 0); glb_step is optional.
std::string select_deltas(const DesignSpec &d, const std::string &one_hot, const std::string &glb_step, int ab,
                          const std::string &base_step, const std::string &addr_step) {
    const int T = d.loops, C = d.coords;
    std::ostringstream o;
    o << "  always_comb begin\n";
    if (!glb_step.empty()) o << "    " << glb_step << " = '0;\n";
    o << "    " << base_step << " = '0;\n"
      << "    " << addr_step << " = '0;\n"
      << "    for (int l = 0; l < " << T << "; l++)\n"
      << "      if (" << one_hot << "[l]) begin\n";
    if (!glb_step.empty()) o << "        " << glb_step << " = glb_delta[l*" << ab << " +: " << ab << "];\n";
    o << "        " << base_step << " = base_delta[l*" << C * 32 << " +: " << C * 32 << "];\n"
      << "        " << addr_step << " = addr_delta[l*32 +: 32];\n"
      << "      end\n"
      << "  end\n";
    return o.str();
}

// base <= tile_base + base_step (per coordinate), addr <= tile_addr + addr_step.
std::string moved_tile(int coords, const std::string &base, const std::string &addr, const std::string &base_step,
                       const std::string &addr_step) {
    std::ostringstream o;
    for (int c = 0; c < coords; ++c) {
        const std::string slice = "[" + std::to_string(c * 32) + " +: 32]";
        o << "      " << base << slice << " <= tile_base" << slice << " + " << base_step << slice << ";\n";
    }
    o << "      " << addr << " <= tile_addr + " << addr_step << ";\n";
    return o.str();
}

// glb: the tensor has a GLB tile (not an operand whose per-PE files DRAM fills).
std::string generator(const DesignSpec &d, const std::string &tensor, int ab, bool prefetch, bool glb = true) {
    const int T = d.loops, C = d.coords;
    std::ostringstream o;
    o << "// Address generator of the " << tensor << " tensor.\n"
      << "module tessera_" << tensor << "_address_generator (\n"
      << "  input  logic clk,\n"
      << "  input  logic restart,\n"
      << "  input  logic advance,\n"
      << "  input  logic [" << T << "-1:0] increments,\n";
    if (glb) o << "  input  logic [" << T * ab << "-1:0] glb_delta,\n";
    o << "  input  logic [" << T * C * 32 << "-1:0] base_delta,\n"
      << "  input  logic [" << T * 32 << "-1:0] addr_delta,\n"
      << "  input  logic [" << C * 32 << "-1:0] init_base,\n"
      << "  input  logic [31:0] init_addr,\n";
    if (glb) o << "  output logic [" << ab << "-1:0] glb_addr,\n";
    o << "  output logic [" << C * 32 << "-1:0] tile_base,\n"
      << "  output logic [31:0] tile_addr" << (prefetch ? ",\n" : "\n");
    if (prefetch)
        o << "  input  logic [" << T << "-1:0] run_step,\n"
          << "  input  logic run_start,\n"
          << "  output logic [" << C * 32 << "-1:0] prefetch_base,\n"
          << "  output logic [31:0] prefetch_addr\n";
    o << ");\n";
    if (glb) o << "  logic [" << ab << "-1:0] glb_step;\n";
    o << "  logic [" << C * 32 << "-1:0] base_step;\n"
      << "  logic [31:0] addr_step;\n"
      << select_deltas(d, "increments", glb ? "glb_step" : "", ab, "base_step", "addr_step")
      << "  always_ff @(posedge clk)\n"
      << "    if (restart || (advance && increments == '0)) begin\n"
      << (glb ? "      glb_addr <= '0;\n" : "")
      << "      tile_base <= init_base;\n"
      << "      tile_addr <= init_addr;\n"
      << "    end else if (advance) begin\n"
      << (glb ? "      glb_addr <= glb_addr + glb_step;\n" : "")
      << moved_tile(C, "tile_base", "tile_addr", "base_step", "addr_step")
      << "    end\n";
    if (prefetch) {
        o << "\n  // Where the next tile is: the slot that steps at the end of this run moves the base.\n"
          << "  logic [" << C * 32 << "-1:0] run_base_step;\n"
          << "  logic [31:0] run_addr_step;\n"
          << select_deltas(d, "run_step", "", ab, "run_base_step", "run_addr_step")
          << "  always_ff @(posedge clk)\n"
          << "    if (run_start) begin\n"
          << moved_tile(C, "prefetch_base", "prefetch_addr", "run_base_step", "run_addr_step")
          << "    end\n";
    }
    o << "endmodule\n";
    return o.str();
}

}  // namespace

Modules emit_address_generators(const DesignSpec &d) {
    return {{"tessera_input_address_generator",
             generator(d, "input", input_addr_bits(d), d.input_double_buffered, !d.input_dram_fed)},
            {"tessera_weight_address_generator",
             generator(d, "weight", weight_addr_bits(d), d.weight_double_buffered, !d.weight_dram_fed)},
            {"tessera_output_address_generator", generator(d, "output", output_addr_bits(d), false, !d.output_dram_fed)}};
}

}  // namespace tessera::rtl
