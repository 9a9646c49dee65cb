// Per-tensor lane groups: the GLB address and validity of each group of PEs that shares one word
// of the tensor. Address = the generator's lane-0 address + row * row_step + col * col_step, for the
// array dimensions the tensor depends on (the others share the word).
#include "Emitters.h"
#include "SvText.h"

#include <sstream>

namespace tessera::rtl {

namespace {

std::string lane_groups(const DesignSpec &d, const std::string &tensor, const TensorPorts &p, int ab) {
    const int64_t gr = p.depends_on_rows ? d.rows : 1, gc = p.depends_on_cols ? d.cols : 1;
    std::ostringstream o;
    o << "// Lane groups of the " << tensor << " tensor: " << gr << " x " << gc << ".\n"
      << "module tessera_" << tensor << "_lanes (\n"
      << "  input  logic [" << ab << "-1:0] glb_addr,\n";
    if (p.depends_on_rows)
        o << "  input  logic [" << ab << "-1:0] row_step,\n"
          << "  input  logic [" << d.rows << "-1:0] row_valid,\n";
    if (p.depends_on_cols)
        o << "  input  logic [" << ab << "-1:0] col_step,\n"
          << "  input  logic [" << d.cols << "-1:0] col_valid,\n";
    o << "  input  logic other_valid,\n"
      << "  output logic [" << gr * gc * ab << "-1:0] group_addr,\n"
      << "  output logic [" << gr * gc << "-1:0] group_valid\n"
      << ");\n";
    for (int64_t r = 0; r < gr; ++r) {
        o << "  logic [" << ab << "-1:0] row_offset_" << r << ";\n";
        if (r == 0)
            o << "  assign row_offset_0 = glb_addr;\n";
        else
            o << "  assign row_offset_" << r << " = row_offset_" << r - 1 << " + row_step;\n";
    }
    for (int64_t r = 0; r < gr; ++r)
        for (int64_t c = 0; c < gc; ++c) {
            const int64_t g = r * gc + c;
            const std::string n = "group_" + std::to_string(g);
            o << "  logic [" << ab << "-1:0] " << n << "_addr;\n";
            if (c == 0)
                o << "  assign " << n << "_addr = row_offset_" << r << ";\n";
            else
                o << "  assign " << n << "_addr = group_" << g - 1 << "_addr + col_step;\n";
        }
    // The packed outputs are written in one block: as separate assigns, Verilator chains them into
    // one concatenation per group (quadratic copying of the wide vector every cycle).
    o << "  always_comb begin\n";
    for (int64_t r = 0; r < gr; ++r)
        for (int64_t c = 0; c < gc; ++c) {
            const int64_t g = r * gc + c;
            o << "    group_addr[" << g * ab << " +: " << ab << "] = group_" << g << "_addr;\n"
              << "    group_valid[" << g << "] = other_valid";
            if (p.depends_on_rows) o << " & row_valid[" << r << "]";
            if (p.depends_on_cols) o << " & col_valid[" << c << "]";
            o << ";\n";
        }
    o << "  end\n";
    return o.str() + "endmodule\n";
}

}  // namespace

Modules emit_lane_groups(const DesignSpec &d) {
    return {{"tessera_input_lanes", lane_groups(d, "input", d.input, input_addr_bits(d))},
            {"tessera_weight_lanes", lane_groups(d, "weight", d.weight, weight_addr_bits(d))},
            {"tessera_output_lanes", lane_groups(d, "output", d.output, output_addr_bits(d))}};
}

}  // namespace tessera::rtl
