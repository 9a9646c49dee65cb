// The config register file behind the config port: one register per RegisterMap element, written
// by the driver (or testbench) before a layer starts. Writing 1 to address 0 starts the layer.
#include "Emitters.h"
#include "SvText.h"

#include <sstream>

namespace tessera::rtl {

std::string emit_config_regs(const DesignSpec &, const RegisterMap &map) {
    const int ab = kRegAddressBits;
    std::ostringstream o;
    o << "// Runtime configuration registers (one design, many layers). Register map: see the\n"
      << "// design's README.md; per-layer values: config/<layer>.json.\n"
      << "module tessera_config_regs (\n"
      << "  input  logic clk,\n"
      << "  input  logic cfg_write,\n"
      << "  input  logic [" << ab << "-1:0] cfg_addr,\n"
      << "  input  logic [31:0] cfg_wdata,\n"
      << "  output logic start";
    for (const auto &f : map.fields)
        o << ",\n  output logic [" << f.count * f.bits << "-1:0] cfg_" << f.name;
    o << "\n);\n";
    o << "  assign start = cfg_write && cfg_addr == " << lit(ab, kRegControl) << " && cfg_wdata[0];\n";
    o << "  always_ff @(posedge clk)\n"
      << "    if (cfg_write)\n"
      << "      case (cfg_addr)\n";
    for (const auto &f : map.fields)
        for (int i = 0; i < f.count; ++i) {
            o << "        " << lit(ab, f.address + i) << ": cfg_" << f.name;
            if (f.count > 1) o << "[" << i * f.bits << " +: " << f.bits << "]";
            o << " <= cfg_wdata" << (f.bits < 32 ? "[" + std::to_string(f.bits - 1) + ":0]" : "")
              << ";\n";
        }
    o << "        default: ;\n"
      << "      endcase\n"
      << "endmodule\n";
    return o.str();
}

}  // namespace tessera::rtl
