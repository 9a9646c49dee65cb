// An operand kept at two shared on-chip levels (docs/rtl.md, "A tensor at two shared levels"),
// e.g. inputs in an L2 strip and a GLB block of it: the DMA fills the outer (DRAM-fed) buffer as
// it fills any buffer; before an iteration that starts an inner tile, the array stalls while a
// copy walks the inner tile's box, one word per cycle, from the outer buffer into the inner one
// (tessera_<t>_glb, which the array reads as it reads any GLB tile).
//   tessera_<t>_outer:         the outer buffer: a write port (DMA), a read port (the copy)
//   tessera_<t>_outer_address: where the inner tile starts in it, kept incrementally over the loops
//                              between the two tiles (the loops inside the inner tile are at 0
//                              when it is copied)
//   tessera_<t>_stage_fill:    the copy's walk, the per-PE fill walk's mechanism (EmitPeBuffers.cpp)
// A copy stalls words + fill_overhead cycles, as the model's onchip_transfers counts a shared tile
// filled from a shared parent of one word per cycle (generated_architecture).
#include "Emitters.h"
#include "SvText.h"

#include <sstream>
#include <tuple>

namespace tessera::rtl {

namespace {

std::string outer_buffer(const std::string &t, int64_t depth, int ob, int bits) {
    std::ostringstream o;
    o << "// Outer " << t << " buffer (the DRAM-fed tile of two shared levels): " << depth << " words x " << bits
      << " bits, 1 write port (DMA), 1 read port (the inner tile's copy).\n"
      << "module tessera_" << t << "_outer (\n"
      << "  input  logic clk,\n"
      << "  input  logic write_enable,\n"
      << "  input  logic [" << ob << "-1:0] write_addr,\n"
      << "  input  logic [" << bits << "-1:0] write_data,\n"
      << "  input  logic read_enable,\n"
      << "  input  logic [" << ob << "-1:0] read_addr,\n"
      << "  output logic [" << bits << "-1:0] read_data\n"
      << ");\n"
      << "  logic [" << bits << "-1:0] mem [0:" << depth << "-1];\n"
      << "  always_ff @(posedge clk) begin\n"
      << "    if (write_enable) mem[write_addr] <= write_data;\n"
      << "    if (read_enable) read_data <= mem[read_addr];\n"
      << "  end\n"
      << "endmodule\n";
    return o.str();
}

struct Staged {
    std::string t;
    int64_t outer_depth;
    int ob, ab, bits;
};

std::vector<Staged> staged_operands(const DesignSpec &d) {
    std::vector<Staged> out;
    if (d.input_outer_depth > 0)
        out.push_back({"input", d.input_outer_depth, input_outer_addr_bits(d), input_addr_bits(d), d.input_bits});
    if (d.weight_outer_depth > 0)
        out.push_back({"weight", d.weight_outer_depth, weight_outer_addr_bits(d), weight_addr_bits(d), d.weight_bits});
    return out;
}

}  // namespace

Modules emit_staging(const DesignSpec &d) {
    Modules m;
    for (const Staged &s : staged_operands(d)) {
        m.push_back({"tessera_" + s.t + "_outer", outer_buffer(s.t, s.outer_depth, s.ob, s.bits)});
        m.push_back({"tessera_" + s.t + "_outer_address",
                     emit_running_address(d, "tessera_" + s.t + "_outer_address",
                                          "Outer-buffer address of the " + s.t + " tensor's inner tile.", "outer", s.ob)});
        m.push_back({"tessera_" + s.t + "_stage_fill",
                     emit_fill_walk(d, "tessera_" + s.t + "_stage_fill",
                                    "Copy walk of the " + s.t + " tensor's inner tile: one box word per cycle.", s.ab,
                                    s.ob, false)});
    }
    return m;
}

void add_staging_wiring(const DesignSpec &d, OnChipFillWiring &w) {
    // The controller starts each inner tile's copy; the counters count its reads and writes.
    for (const auto &[t, on] : {std::pair<std::string, bool>{"input", d.input_outer_depth > 0},
                                {"weight", d.weight_outer_depth > 0}}) {
        if (!on) continue;
        w.controller_ports += "\n    ." + t + "_stage_from(cfg_" + t + "_stage_from), ." + t + "_stage_words(cfg_" + t +
                   "_stage_words), ." + t + "_stage_fill(" + t + "_stage_fill),";
        w.counter_ports += " ." + t + "_stage_read(" + t + "_stage_reading), ." + t + "_stage_write(" + t + "_stage_writing),";
        w.declarations += "  logic " + t + "_stage_fill;\n";
    }
    w.instances += staging_instances(d);
}

std::string staging_instances(const DesignSpec &d) {
    std::string o;
    for (const Staged &s : staged_operands(d))
        o += fill(R"(  // ${T}: two shared levels; the copy moves each inner tile from the outer buffer into ${T}_glb.
  logic ${T}_stage_reading, ${T}_stage_writing;
  logic [${OB}-1:0] ${T}_outer_origin, ${T}_stage_offset;
  logic [${AB}-1:0] ${T}_stage_addr;
  logic [${BITS}-1:0] ${T}_stage_data;
  tessera_${T}_outer_address ${T}_outer_address (
    .clk(clk), .restart(restart), .advance(advance), .increments(increments),
    .outer_delta(cfg_${T}_outer_delta), .outer_addr(${T}_outer_origin));
  tessera_${T}_stage_fill ${T}_stage_walk (
    .clk(clk), .rst(rst), .start(${T}_stage_fill), .words(cfg_${T}_stage_words), .box(cfg_${T}_stage_box),
    .walk(cfg_${T}_stage_walk), .reading(${T}_stage_reading), .read_offset(${T}_stage_offset),
    .writing(${T}_stage_writing), .write_addr(${T}_stage_addr));
  tessera_${T}_outer ${T}_outer (
    .clk(clk), .write_enable(dma_${T}_write), .write_addr(dma_write_addr[${OB}-1:0]),
    .write_data(dma_write_data[${BITS}-1:0]), .read_enable(${T}_stage_reading),
    .read_addr(${T}_outer_origin + ${T}_stage_offset), .read_data(${T}_stage_data));
)",
                  {{"T", s.t}, {"OB", std::to_string(s.ob)}, {"AB", std::to_string(s.ab)}, {"BITS", std::to_string(s.bits)}});
    return o;
}

}  // namespace tessera::rtl
