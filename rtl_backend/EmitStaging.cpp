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
// filled from a shared parent of one word per cycle (generated_architecture); with the inner level
// double buffered, the copy of the next inner tile runs during this one's compute instead
// (EmitPrefetch.cpp).
//
// The output at two shared levels (docs/rtl.md, "The output at two shared levels") is the same
// pair of buffers the other way round: the array accumulates in the inner buffer (tessera_output_glb);
// after a block of it ends, the walk drains it into the outer buffer (read the inner word at the
// walk's index, write it one cycle later at the block's origin + offset), and before a block that
// resumes (not a first visit) it reloads the block's partial sums from the outer buffer. The DMA
// drains the outer buffer. The outer buffer's read port serves the reload and the DMA's drain,
// which never overlap (the DMA drains while the array stalls at a run boundary).
#include "Emitters.h"
#include "SvText.h"

#include <sstream>
#include <tuple>

namespace tessera::rtl {

namespace {

// Double buffered (the tensor's DMA-fed tile is: DesignSpec::*_double_buffered), two banks, the bank
// the address's low bit as in the GLB buffers: an operand's DMA fills write_bank while the copy
// reads read_bank; the output's walk drains into and reloads from `bank` while the DMA drains the
// finished tile through a port of its own on drain_bank.
std::string outer_buffer(const std::string &t, int64_t depth, int ob, int bits, bool two_banks, bool output) {
    const bool drain_port = two_banks && output;
    std::ostringstream o;
    o << "// Outer " << t << " buffer (the DRAM-fed tile of two shared levels): " << (two_banks ? "2 banks x " : "")
      << depth << " words x " << bits << " bits, 1 write port (" << (output ? "the walk's drains" : "DMA")
      << "), 1 read port (" << (output ? "the walk's reloads" : "the inner tile's copy")
      << (output && !drain_port ? " and the DMA's drain" : "") << ")" << (drain_port ? ", 1 drain port (DMA)" : "")
      << ".\n"
      << "module tessera_" << t << "_outer (\n"
      << "  input  logic clk,\n"
      << (two_banks ? (output ? "  input  logic bank,\n" : "  input  logic write_bank,\n  input  logic read_bank,\n") : "")
      << "  input  logic write_enable,\n"
      << "  input  logic [" << ob << "-1:0] write_addr,\n"
      << "  input  logic [" << bits << "-1:0] write_data,\n"
      << "  input  logic read_enable,\n"
      << "  input  logic [" << ob << "-1:0] read_addr,\n"
      << (drain_port ? "  input  logic drain_read,\n  input  logic drain_bank,\n  input  logic [" + std::to_string(ob) +
                           "-1:0] drain_addr,\n  output logic [" + std::to_string(bits) + "-1:0] drain_data,\n"
                     : "")
      << "  output logic [" << bits << "-1:0] read_data\n"
      << ");\n"
      << "  logic [" << bits << "-1:0] mem [0:" << (two_banks ? 2 : 1) * depth << "-1];\n"
      << "  always_ff @(posedge clk) begin\n"
      << "    if (write_enable) mem[" << word_index("write_addr", output ? "bank" : "write_bank", two_banks) << "] <= write_data;\n"
      << "    if (read_enable) read_data <= mem[" << word_index("read_addr", output ? "bank" : "read_bank", two_banks) << "];\n"
      << (drain_port ? "    if (drain_read) drain_data <= mem[" + word_index("drain_addr", "drain_bank", true) + "];\n" : "")
      << "  end\n"
      << "endmodule\n";
    return o.str();
}

struct Staged {
    std::string t;
    int64_t outer_depth;
    int ob, ab, bits;
    bool output;  // drained into the outer buffer and reloaded from it
    bool two_banks;
};

std::vector<Staged> staged_tensors(const DesignSpec &d) {
    std::vector<Staged> out;
    if (d.input_outer_depth > 0)
        out.push_back({"input", d.input_outer_depth, input_outer_addr_bits(d), input_addr_bits(d), d.input_bits, false,
                       d.input_double_buffered});
    if (d.weight_outer_depth > 0)
        out.push_back({"weight", d.weight_outer_depth, weight_outer_addr_bits(d), weight_addr_bits(d), d.weight_bits,
                       false, d.weight_double_buffered});
    if (d.output_staged())
        out.push_back({"output", d.output_outer_depth, output_outer_addr_bits(d), output_addr_bits(d), d.acc_bits, true,
                       d.output_double_buffered});
    return out;
}

// The walk starts compute_overhead (+ a pipelined array's skew) cycles after the controller's drain
// pulse, when the array's last partial sums of the block have landed in the inner buffer; the
// controller holds the array that much longer per drain (EmitController.cpp), as the model counts.
std::string output_staging_instances(const DesignSpec &d, const Staged &s) {
    const std::string acc = std::to_string(d.acc_bits);
    return fill(R"(  // output: two shared levels. The walk drains each finished inner block into the outer buffer
  // (at the origin latched at the block's first iteration) and reloads a resumed block's partial
  // sums from it (at the current origin: the nest is at the block's first iteration).
  logic output_stage_reading, output_stage_writing, output_stage_draining;
  logic [${WB}-1:0] output_drain_wait;  // cycles until the drain's walk starts
  logic [${OB}-1:0] output_outer_origin, output_block_origin, output_stage_offset, output_stage_write_offset;
  logic [${C}*${IB}-1:0] output_stage_position;
  tessera_output_outer_address output_outer_address (
    .clk(clk), .restart(restart), .advance(advance), .increments(increments),
    .outer_delta(cfg_output_outer_delta), .outer_addr(output_outer_origin));
  always_ff @(posedge clk) begin
    if (rst) output_drain_wait <= '0;
    else if (output_stage_drain) output_drain_wait <= ${WB}'d${WAIT};
    else if (output_drain_wait != '0) output_drain_wait <= output_drain_wait - 1'b1;
    if (output_stage_begin) output_block_origin <= output_outer_origin;
    if (output_stage_drain) output_stage_draining <= 1'b1;
    else if (output_stage_reload) output_stage_draining <= 1'b0;
  end
  tessera_output_stage_fill output_stage_walk (
    .clk(clk), .rst(rst), .start(output_drain_wait == ${WB}'d1 || output_stage_reload), .words(cfg_output_stage_words),
    .box(cfg_output_stage_box), .walk(cfg_output_stage_walk), .reading(output_stage_reading),
    .read_offset(output_stage_offset), .writing(output_stage_writing), .write_addr(output_stage_addr),
    .read_index(output_stage_index), .write_offset(output_stage_write_offset),
    .write_position(output_stage_position));
  assign output_stage_drain_read = output_stage_reading && output_stage_draining;
  assign output_stage_drain_write = output_stage_writing && output_stage_draining;
  assign output_stage_reload_read = output_stage_reading && !output_stage_draining;
  assign output_stage_reload_write = output_stage_writing && !output_stage_draining;
${OUTER_INSTANCE}
  logic unused_stage_position;
  assign unused_stage_position = ^output_stage_position;
)",
                {{"OUTER_INSTANCE", s.two_banks ? R"(  tessera_output_outer output_outer (
    .clk(clk), .bank(output_bank), .write_enable(output_stage_drain_write),
    .write_addr(output_block_origin + output_stage_write_offset), .write_data(output_read_data[)" + acc + R"(-1:0]),
    .read_enable(output_stage_reload_read), .read_addr(output_outer_origin + output_stage_offset),
    .drain_read(dma_output_read), .drain_bank(dma_output_read_bank), .drain_addr(dma_output_read_addr),
    .drain_data(output_drain_data), .read_data(output_outer_data));
)" : R"(  tessera_output_outer output_outer (
    .clk(clk), .write_enable(output_stage_drain_write), .write_addr(output_block_origin + output_stage_write_offset),
    .write_data(output_read_data[)" + acc + R"(-1:0]), .read_enable(output_stage_reload_read || dma_output_read),
    .read_addr(output_stage_reload_read ? output_outer_origin + output_stage_offset : dma_output_read_addr),
    .read_data(output_outer_data));
)"},
                 {"OB", std::to_string(s.ob)},
                 {"WAIT", std::to_string(output_drain_wait(d))},
                 {"WB", std::to_string(bits_for(output_drain_wait(d) + 1))},
                 {"C", std::to_string(d.coords)},
                 {"IB", std::to_string(d.index_bits)},
                 {"ACC", std::to_string(d.acc_bits)}});
}

}  // namespace

int64_t output_drain_wait(const DesignSpec &d) { return kComputePipelineDepth + d.skew(); }

Modules emit_staging(const DesignSpec &d) {
    Modules m;
    for (const Staged &s : staged_tensors(d)) {
        m.push_back({"tessera_" + s.t + "_outer", outer_buffer(s.t, s.outer_depth, s.ob, s.bits, s.two_banks, s.output)});
        m.push_back({"tessera_" + s.t + "_outer_address",
                     emit_running_address(d, "tessera_" + s.t + "_outer_address",
                                          "Outer-buffer address of the " + s.t + " tensor's inner tile.", "outer", s.ob)});
        const bool prefetched = (s.t == "input" && d.input_stage_double_buffered) ||
                                (s.t == "weight" && d.weight_stage_double_buffered);
        m.push_back({"tessera_" + s.t + "_stage_fill",
                     emit_fill_walk(d, "tessera_" + s.t + "_stage_fill",
                                    "Copy walk of the " + s.t + " tensor's inner tile: one box word per cycle.", s.ab,
                                    s.ob, s.output, prefetched)});
    }
    return m;
}

void add_staging_wiring(const DesignSpec &d, OnChipFillWiring &w) {
    // The controller starts each inner tile's copy; the counters count its reads and writes.
    for (const auto &[t, on, prefetched] :
         {std::tuple<std::string, bool, bool>{"input", d.input_outer_depth > 0, d.input_stage_double_buffered},
          {"weight", d.weight_outer_depth > 0, d.weight_stage_double_buffered}}) {
        if (!on) continue;
        w.controller_ports += "\n    ." + t + "_stage_from(cfg_" + t + "_stage_from), ." + t + "_stage_words(cfg_" + t +
                   "_stage_words), ." + t + "_stage_fill(" + t + "_stage_fill),";
        w.counter_ports += " ." + t + "_stage_read(" + t + "_stage_reading), ." + t + "_stage_write(" + t + "_stage_writing),";
        w.declarations += "  logic " + t + "_stage_fill;\n";
        if (prefetched) add_prefetch_hookups(t + "_stage", w);
    }
    // The output's drains and reloads, as the controller runs a per-PE accumulator file's.
    if (d.output_staged()) {
        w.controller_ports += "\n    .output_stage_from(cfg_output_stage_from), .output_stage_cycles(cfg_output_stage_cycles),"
                              "\n    .output_stage_drain(output_stage_drain), .output_stage_reload(output_stage_reload),"
                              " .output_stage_begin(output_stage_begin),";
        w.counter_ports += "\n    .output_stage_drain_read(output_stage_drain_read), .output_stage_drain_write(output_stage_drain_write),"
                           "\n    .output_stage_reload_read(output_stage_reload_read), .output_stage_reload_write(output_stage_reload_write),";
        w.declarations += "  logic output_stage_drain, output_stage_reload, output_stage_begin;\n"
                          "  logic output_stage_drain_read, output_stage_drain_write, output_stage_reload_read, output_stage_reload_write;\n"
                          "  logic [" + std::to_string(output_addr_bits(d)) + "-1:0] output_stage_index, output_stage_addr;\n"
                          "  logic [" + std::to_string(d.acc_bits) + "-1:0] output_outer_data;\n";
    }
    w.instances += staging_instances(d);
}

std::string staging_instances(const DesignSpec &d) {
    std::string o;
    for (const Staged &s : staged_tensors(d)) {
        if (s.output) {
            o += output_staging_instances(d, s);
            continue;
        }
        // A prefetched inner tile (EmitPrefetch.cpp) is copied from one step of its loop on: the
        // outer buffer's address of the next tile, latched as the prefetch starts.
        const bool prefetched = s.t == "input" ? d.input_stage_double_buffered : d.weight_stage_double_buffered;
        o += fill(R"(  // ${T}: two shared levels; the copy moves each inner tile from the outer buffer into ${T}_glb.
  logic ${T}_stage_reading, ${T}_stage_writing;
  logic [${OB}-1:0] ${T}_outer_origin, ${T}_stage_offset;
  logic [${AB}-1:0] ${T}_stage_addr;
  logic [${BITS}-1:0] ${T}_stage_data;
  tessera_${T}_outer_address ${T}_outer_address (
    .clk(clk), .restart(restart), .advance(advance), .increments(increments),
    .outer_delta(cfg_${T}_outer_delta), .outer_addr(${T}_outer_origin));
${NEXT}  tessera_${T}_stage_fill ${T}_stage_walk (
    .clk(clk), .rst(rst), .start(${T}_stage_fill${PREFETCH_START}), .words(cfg_${T}_stage_words), .box(cfg_${T}_stage_box),
    .walk(cfg_${T}_stage_walk),${PACE} .reading(${T}_stage_reading), .read_offset(${T}_stage_offset),
    .writing(${T}_stage_writing), .write_addr(${T}_stage_addr));
  tessera_${T}_outer ${T}_outer (
    .clk(clk),${BANKS} .write_enable(dma_${T}_write), .write_addr(dma_write_addr[${OB}-1:0]),
    .write_data(dma_write_data[${BITS}-1:0]), .read_enable(${T}_stage_reading),
    .read_addr(${ORIGIN} + ${T}_stage_offset), .read_data(${T}_stage_data));
)",
                  {{"T", s.t}, {"BANKS", s.two_banks ? " .write_bank(!" + s.t + "_bank), .read_bank(" + s.t + "_bank)," : ""},
                   {"OB", std::to_string(s.ob)}, {"AB", std::to_string(s.ab)}, {"BITS", std::to_string(s.bits)},
                   {"NEXT", prefetched ? fill(R"(  logic [${OB}-1:0] ${T}_stage_next_origin;
  always_ff @(posedge clk)
    if (${T}_stage_prefetch) ${T}_stage_next_origin <= ${T}_outer_origin + cfg_${T}_stage_next_step;
)",
                                              {{"T", s.t}, {"OB", std::to_string(s.ob)}})
                                       : ""},
                   {"PREFETCH_START", prefetched ? " || " + s.t + "_stage_prefetch" : ""},
                   {"PACE", prefetched ? " .go(" + s.t + "_stage_go), .busy(" + s.t + "_stage_walk_busy)," : ""},
                   {"ORIGIN", prefetched ? "(" + s.t + "_stage_prefetching ? " + s.t + "_stage_next_origin : " + s.t +
                                               "_outer_origin)"
                                         : s.t + "_outer_origin"}});
    }
    return o;
}

}  // namespace tessera::rtl
