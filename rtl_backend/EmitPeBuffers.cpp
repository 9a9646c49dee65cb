// Per-PE files of an operand (docs/rtl.md, "Per-PE tiles"): every lane group of the tensor keeps
// its own tile, all addressed by one shared address generator because the PEs run in lockstep.
//   tessera_<t>_pe_address: the file address of the current iteration, sum over the loops inside
//     the per-PE tile of index x step, kept incrementally like the GLB address (per-loop deltas).
//   tessera_<t>_pe_fill: the fill walk. While the array stalls, it walks the tile's box (coordinate 0
//     fastest), one word per cycle: a GLB address offset (added to every lane group's GLB address)
//     and, one cycle later when the GLB read data arrives, the file address it is written at.
//   tessera_<t>_pe_files: the files, one per lane group: a write port (the fill) and a read port
//     (one word per MAC, into the PE's operand register).
// The output's accumulator files (docs/rtl.md, "Per-PE accumulator files") are in the PEs
// (EmitPE.cpp), one per PE; they share the address generator and the walk, which both reloads a
// block's partial sums from the GLB and drains the files to it.
#include "Emitters.h"
#include "SvText.h"

#include <sstream>
#include <tuple>

namespace tessera::rtl {

namespace {

}  // namespace

std::string emit_running_address(const DesignSpec &d, const std::string &module, const std::string &doc,
                                 const std::string &prefix, int pb) {
    const int T = d.loops;
    std::ostringstream o;
    o << "// " << doc << "\n"
      << "module " << module << " (\n"
      << "  input  logic clk,\n"
      << "  input  logic restart,\n"
      << "  input  logic advance,\n"
      << "  input  logic [" << T << "-1:0] increments,\n"
      << "  input  logic [" << T * pb << "-1:0] " << prefix << "_delta,\n"
      << "  output logic [" << pb << "-1:0] " << prefix << "_addr\n"
      << ");\n"
      << "  logic [" << pb << "-1:0] step;\n"
      << "  always_comb begin\n"
      << "    step = '0;\n"
      << "    for (int l = 0; l < " << T << "; l++)\n"
      << "      if (increments[l]) step = " << prefix << "_delta[l*" << pb << " +: " << pb << "];\n"
      << "  end\n"
      << "  always_ff @(posedge clk)\n"
      << "    if (restart || (advance && increments == '0)) " << prefix << "_addr <= '0;\n"
      << "    else if (advance) " << prefix << "_addr <= " << prefix << "_addr + step;\n"
      << "endmodule\n";
    return o.str();
}

std::string emit_fill_walk(const DesignSpec &d, const std::string &module, const std::string &doc, int pb, int ab,
                           bool drains, bool paced) {
    const int C = d.coords, ib = d.index_bits;
    std::ostringstream o;
    o << "// " << doc << "\n"
      << "module " << module << " (\n"
      << "  input  logic clk,\n"
      << "  input  logic rst,\n"
      << "  input  logic start,                 // one-cycle pulse: walk from the next cycle on\n"
      << "  input  logic [" << pb + 1 << "-1:0] words,\n"
      << "  input  logic [" << C * ib << "-1:0] box,\n"
      << "  input  logic [" << C * ab << "-1:0] walk,\n"
      << (paced ? "  input  logic go,                    // the walk may read this cycle\n"
                  "  output logic busy,                  // words left to read or to write\n"
                : "")
      << "  output logic reading,               // a GLB read of every valid lane group this cycle\n"
      << "  output logic [" << ab << "-1:0] read_offset,\n"
      << "  output logic writing,               // the word read last cycle lands in the files\n"
      << "  output logic [" << pb << "-1:0] write_addr" << (drains ? "," : "") << "\n";
    // An accumulator file is also drained by the same walk: the files are read at read_index and,
    // one cycle later, the GLB is written at write_offset (position: the box position, for the
    // drain's predication).
    if (drains)
        o << "  output logic [" << pb << "-1:0] read_index,\n"
          << "  output logic [" << ab << "-1:0] write_offset,\n"
          << "  output logic [" << C * ib << "-1:0] write_position\n";
    o << ");\n"
      << "  logic [" << pb + 1 << "-1:0] left;\n"
      << "  logic [" << pb << "-1:0] next_addr;\n"
      << "  logic [" << C * ib << "-1:0] position, next_position;\n"
      << "  logic [" << ab << "-1:0] step;\n"
      << "  logic carry;\n"
      << (paced ? "  assign reading = left != '0 && go;\n  assign busy = left != '0 || writing;\n"
                : "  assign reading = left != '0;\n")
      << "  // The next box position; the GLB address moves by the walk delta of the lowest coordinate\n"
      << "  // that does not wrap (as the DMA's walk).\n"
      << "  always_comb begin\n"
      << "    carry = 1'b1;\n"
      << "    step = '0;\n"
      << "    next_position = position;\n"
      << "    for (int c = 0; c < " << C << "; c++)\n"
      << "      if (carry) begin\n"
      << "        if (position[c*" << ib << " +: " << ib << "] + 1'b1 == box[c*" << ib << " +: " << ib << "])\n"
      << "          next_position[c*" << ib << " +: " << ib << "] = '0;\n"
      << "        else begin\n"
      << "          next_position[c*" << ib << " +: " << ib << "] = position[c*" << ib << " +: " << ib << "] + 1'b1;\n"
      << "          step = walk[c*" << ab << " +: " << ab << "];\n"
      << "          carry = 1'b0;\n"
      << "        end\n"
      << "      end\n"
      << "  end\n"
      << (drains ? "  assign read_index = next_addr;\n" : "")
      << "  always_ff @(posedge clk) begin\n"
      << "    writing <= !rst && reading;\n"
      << "    write_addr <= next_addr;\n"
      << (drains ? "    write_offset <= read_offset;\n    write_position <= position;\n" : "")
      << "    if (rst) left <= '0;\n"
      << "    else if (start) begin\n"
      << "      left <= words;\n"
      << "      next_addr <= '0;\n"
      << "      read_offset <= '0;\n"
      << "      position <= '0;\n"
      << "    end else if (reading) begin\n"
      << "      left <= left - 1'b1;\n"
      << "      next_addr <= next_addr + 1'b1;\n"
      << "      read_offset <= read_offset + step;\n"
      << "      position <= next_position;\n"
      << "    end\n"
      << "  end\n"
      << "endmodule\n";
    return o.str();
}

namespace {

// The lane group a DMA job moves (`<t>_dma_group`, one-hot): `addr_out` = `addr` plus the group's
// DRAM offset (the lanes module's row address, which includes `addr` there, plus its column
// offset), `base_out` = `base` plus the group's coordinate offsets (`<t>_row_coord`,
// `<t>_col_coord`) per coordinate. With no group picked, `base` and `addr`.
std::string group_select(const DesignSpec &d, const std::string &t, const TensorPorts &p, const std::string &base,
                         const std::string &addr, const std::string &base_out, const std::string &addr_out) {
    const std::string GC = std::to_string(lane_cols(p, d)), C = std::to_string(d.coords);
    std::string row_coord, col_coord, col_addr;
    if (p.depends_on_rows) row_coord = "\n            + cfg_" + t + "_row_coord[((g / " + GC + ") * " + C + " + c) * 32 +: 32]";
    if (p.depends_on_cols) {
        col_coord = "\n            + cfg_" + t + "_col_coord[((g % " + GC + ") * " + C + " + c) * 32 +: 32]";
        col_addr = " + " + t + "_col_offset[(g % " + GC + ") * 32 +: 32]";
    }
    const std::string base_of_c = base == "'0" ? "32'd0" : base + "[c*32 +: 32]";
    return fill(R"(  // The DMA job's lane group: its DRAM address and tile base.
  always_comb begin
    ${BASE_OUT} = ${BASE};
    ${ADDR_OUT} = ${ADDR};
    for (int g = 0; g < ${G}; g++)
      if (${T}_dma_group[g]) begin
        ${ADDR_OUT} = ${T}_row_addr[(g / ${GC}) * 32 +: 32]${COL_ADDR};
        for (int c = 0; c < ${C}; c++)
          ${BASE_OUT}[c*32 +: 32] = ${BASE_C}${ROW_COORD}${COL_COORD};
      end
  end
)",
                {{"T", t}, {"G", std::to_string(lane_groups(p, d))}, {"GC", GC}, {"C", C}, {"BASE", base},
                 {"ADDR", addr}, {"BASE_OUT", base_out}, {"ADDR_OUT", addr_out}, {"BASE_C", base_of_c},
                 {"ROW_COORD", row_coord}, {"COL_COORD", col_coord}, {"COL_ADDR", col_addr}});
}

// Per-PE files of an operand that keeps no shared tile (DesignSpec::dram_fed): the DMA fills them,
// one job per valid lane group (the controller's `<t>_dma_group`, one-hot), starting at the
// group's DRAM address (the lanes module's address, in DRAM words) and tile base (the tile's plus
// the group's `<t>_row_coord` / `<t>_col_coord`); each DMA write lands in that group's file at the
// walk's linear position. The MAC reads them as files filled from a GLB.
void dram_fed_files(const DesignSpec &d, const std::string &t, const TensorPorts &p, int64_t g, int pb, int bits,
                    OnChipFillWiring &w) {
    const std::string G = std::to_string(g), C32 = std::to_string(d.coords * 32);
    w.controller_ports += "\n    ." + t + "_groups_valid(" + t + "_group_valid), ." + t + "_dma_group(" + t + "_dma_group),";
    w.declarations += "  logic [" + G + "-1:0] " + t + "_dma_group;\n  logic [" + std::to_string(pb) + "-1:0] " + t +
                      "_pe_addr;\n  logic [" + C32 + "-1:0] " + t + "_group_base;\n  logic [31:0] " + t +
                      "_group_addr;\n";
    w.instances += fill(R"(  // ${T}: per-PE files filled from DRAM by the DMA, one lane group per job; read once per MAC.
  logic [${G}-1:0] ${T}_pe_read;
  logic [${G}*${BITS}-1:0] ${T}_pe_words;
  assign ${T}_pe_read = {${G}{issue && load_${T}}} & ${T}_group_valid;
  tessera_${T}_pe_address ${T}_pe_address (
    .clk(clk), .restart(restart), .advance(advance), .increments(increments),
    .pe_delta(cfg_${T}_pe_delta), .pe_addr(${T}_pe_addr));
  tessera_${T}_pe_files ${T}_pe_files (
    .clk(clk), .write_enable(${T}_dma_group & {${G}{dma_${T}_write}}), .write_addr(dma_write_addr[${PB}-1:0]),
    .write_data({${G}{dma_write_data[${BITS}-1:0]}}), .read_enable(${T}_pe_read), .read_addr(${T}_pe_addr),
    .read_data(${T}_pe_words));
)",
                        {{"T", t}, {"G", G}, {"BITS", std::to_string(bits)}, {"PB", std::to_string(pb)}}) +
                   group_select(d, t, p, t + "_tile_base", t + "_tile_addr", t + "_group_base", t + "_group_addr");
}

// The output's accumulator files drained straight to DRAM (DesignSpec::output_dram_fed): the
// DMA drains one lane group per job (the controller's `output_dma_group`, one-hot), among the
// groups valid at the tile's first iteration, from the finished tile's base and DRAM address (the
// DMA latches them) plus the group's offsets (`output_row_coord` / `output_col_coord`, and the
// lanes module's address with a zero base). The files are read at the DMA's position, only the
// drained group's PEs (a read clears the word), and the group's sum goes through the post-op.
void drained_to_dram(const DesignSpec &d, int64_t g, OnChipFillWiring &w) {
    const std::string G = std::to_string(g), C32 = std::to_string(d.coords * 32),
                      PB = std::to_string(pe_addr_bits(d.output_pe_depth));
    w.controller_ports += "\n    .output_groups_valid(output_tile_groups_valid), .output_dma_group(output_dma_group),";
    w.declarations += "  logic [" + G + "-1:0] output_dma_group, output_tile_groups_valid;\n"
                      "  logic [" + PB + "-1:0] output_pe_addr, c1_output_pe_addr;\n"
                      "  logic [" + C32 + "-1:0] output_group_coord;\n  logic [31:0] output_group_offset;\n"
                      "  logic [" + std::to_string(d.acc_bits) + "-1:0] output_drain_sum;\n";
    w.instances += std::string(R"(  // output: per-PE accumulator files (in the PEs), drained straight to DRAM by the DMA, one
  // lane group per job, among the groups valid at the tile's first iteration.
  tessera_output_pe_address output_pe_address (
    .clk(clk), .restart(restart), .advance(advance), .increments(increments),
    .pe_delta(cfg_output_pe_delta), .pe_addr(output_pe_addr));
  always_ff @(posedge clk) begin
    c1_output_pe_addr <= output_pe_addr;
    if (issue && zero_from[cfg_output_tile_from]) output_tile_groups_valid <= output_group_valid;
  end
)") +
                   // The DMA adds the offsets to the finished tile's base and address it latched.
                   group_select(d, "output", d.output, "'0", "'0", "output_group_coord", "output_group_offset");
}

// `for (genvar <index> = 0; <index> < count; ...)` around `body`, which names the iteration `index`
// (it is indented for one loop). Verilator unrolls one generate loop to about 3,000 iterations at
// most (three times 16 x its default --unroll-count: "Loop unrolling took too long"), so a larger
// count, one file per PE of a 64x125 array, is split into blocks of 1,024 with the same index.
std::string generate_for_each(const std::string &index, int64_t count, const std::string &label,
                              const std::string &body) {
    constexpr int64_t kBlock = 1024;
    std::ostringstream o;
    if (count <= kBlock) {
        o << "  for (genvar " << index << " = 0; " << index << " < " << count << "; " << index << "++) begin : "
          << label << "\n" << body << "  end\n";
        return o.str();
    }
    o << "  for (genvar block = 0; block < " << (count + kBlock - 1) / kBlock << "; block++) begin : " << label
      << "_block\n"
      << "  for (genvar lane = 0; lane < " << kBlock << "; lane++) begin : " << label << "\n"
      << "  if (block * " << kBlock << " + lane < " << count << ") begin : present\n"
      << "    localparam int " << index << " = block * " << kBlock << " + lane;\n"
      << body << "  end\n  end\n  end\n";
    return o.str();
}

std::string files(const DesignSpec &d, const std::string &t, const TensorPorts &p, int64_t depth, int pb,
                  int bits, bool banked) {
    const int64_t g = lane_groups(p, d);
    std::ostringstream o;
    o << "// Per-PE files of the " << t << " tensor: " << g << " lane groups x " << depth << " words"
      << (banked ? ", twice (the array reads one copy while the prefetch fills the other)" : "") << ".\n"
      << "module tessera_" << t << "_pe_files (\n"
      << "  input  logic clk,\n"
      << "  input  logic [" << g << "-1:0] write_enable,\n"
      << "  input  logic [" << pb << "-1:0] write_addr,\n"
      << (banked ? "  input  logic write_bank,\n" : "")
      << "  input  logic [" << g * bits << "-1:0] write_data,\n"
      << "  input  logic [" << g << "-1:0] read_enable,\n"
      << "  input  logic [" << pb << "-1:0] read_addr,\n"
      << (banked ? "  input  logic read_bank,\n" : "")
      << "  output logic [" << g * bits << "-1:0] read_data\n"
      << ");\n";
    // A copy's words follow the other's: word a of copy 1 is at depth + a.
    std::string write_at = "write_addr", read_at = "read_addr";
    if (banked) {
        const std::string D = std::to_string(pb + 1) + "'d" + std::to_string(depth), W = std::to_string(pb + 1);
        o << "  logic [" << pb + 1 << "-1:0] write_index, read_index;\n"
          << "  assign write_index = write_bank ? " << W << "'(write_addr) + " << D << " : " << W << "'(write_addr);\n"
          << "  assign read_index = read_bank ? " << W << "'(read_addr) + " << D << " : " << W << "'(read_addr);\n";
        write_at = "write_index", read_at = "read_index";
    }
    // One file per generate block: Verilator does not take a delayed write to an array in a
    // procedural loop it does not unroll (more than 64 lane groups).
    const std::string file = std::string("    logic [") + std::to_string(bits) + "-1:0] mem [" +
                             std::to_string(banked ? 2 * depth : depth) + "];\n" +
                             "    logic [" + std::to_string(bits) + "-1:0] word;\n" +
                             "    always_ff @(posedge clk) begin\n" +
                             "      if (write_enable[i]) mem[" + write_at + "] <= write_data[i*" +
                             std::to_string(bits) + " +: " + std::to_string(bits) + "];\n" +
                             "      if (read_enable[i]) word <= mem[" + read_at + "];\n" +
                             "    end\n" +
                             "    assign read_data[i*" + std::to_string(bits) + " +: " + std::to_string(bits) +
                             "] = word;\n";
    o << generate_for_each("i", g, "group", file) << "endmodule\n";
    return o.str();
}

}  // namespace

int pe_addr_bits(int64_t depth) { return bits_for(depth); }

Modules emit_pe_buffers(const DesignSpec &d) {
    Modules m;
    const std::tuple<const char *, const TensorPorts *, int64_t, int, int> tensors[] = {
        {"input", &d.input, d.input_pe_depth, input_addr_bits(d), d.input_bits},
        {"weight", &d.weight, d.weight_pe_depth, weight_addr_bits(d), d.weight_bits},
        {"output", &d.output, d.output_pe_depth, output_addr_bits(d), d.acc_bits}};
    for (const auto &[t, p, depth, ab, bits] : tensors) {
        if (depth == 0) continue;
        const int pb = pe_addr_bits(depth);
        const std::string T = t;
        m.push_back({"tessera_" + T + "_pe_address",
                     emit_running_address(d, "tessera_" + T + "_pe_address",
                                          "Per-PE file address of the " + T + " tensor (shared by every lane group).", "pe", pb)});
        const bool fed = (T == "input" && d.input_dram_fed) || (T == "weight" && d.weight_dram_fed) ||
                         (T == "output" && d.output_dram_fed);
        const bool prefetched = (T == "input" && d.input_pe_double_buffered) || (T == "weight" && d.weight_pe_double_buffered);
        if (!fed)  // files the DMA fills from (drains to) DRAM have no walk
            m.push_back({"tessera_" + T + "_pe_fill",
                     emit_fill_walk(d, "tessera_" + T + "_pe_fill",
                                    "Fill walk of the " + T + " tensor's per-PE tiles: one box word per cycle.", pb, ab,
                                    T == "output", prefetched)});
        // The accumulator files are in the PEs (EmitPE.cpp): each PE adds into its own.
        if (std::string(t) == "output") continue;
        m.push_back({std::string("tessera_") + t + "_pe_files", files(d, t, *p, depth, pb, bits, prefetched)});
    }
    return m;
}

OnChipFillWiring pe_file_wiring(const DesignSpec &d) {
    OnChipFillWiring w;
    std::string &ctrl_pe = w.controller_ports, &counter_pe = w.counter_ports, &pe_files = w.instances,
                &pe_decls = w.declarations;
    const int64_t gi = lane_groups(d.input, d), gw = lane_groups(d.weight, d),
                  go = lane_groups(d.output, d);
    const int iab = input_addr_bits(d), wab = weight_addr_bits(d), oab = output_addr_bits(d);
    if (d.output_dram_fed) drained_to_dram(d, go, w);
    if (d.output_pe_walk()) {
        const int pb = pe_addr_bits(d.output_pe_depth);
        const std::string PB = std::to_string(pb), OAB = std::to_string(oab), GO = std::to_string(go),
                          DIB = std::to_string(d.dims * d.index_bits), CIB = std::to_string(d.coords * d.index_bits);
        ctrl_pe += "\n    .output_pe_from(cfg_output_pe_from), .output_pe_words(cfg_output_pe_words),"
                   "\n    .output_pe_drain(output_pe_drain), .output_pe_reload(output_pe_reload),"
                   " .output_pe_begin(output_pe_begin),";
        counter_pe += "\n    .output_pe_begin(output_pe_begin), .output_reload_read(output_reload_read),"
                      " .output_drain_write(output_drain_write),";
        pe_decls += "  logic output_pe_drain, output_pe_reload, output_pe_begin, output_draining;\n"
                    "  logic output_fill_reading, output_fill_writing, output_reload_read, output_drain_write;\n"
                    "  logic [" + OAB + "-1:0] output_fill_offset, output_drain_offset, output_tile_glb;\n"
                    "  logic [" + PB + "-1:0] output_fill_addr, output_pe_addr, c1_output_pe_addr, output_drain_index;\n"
                    "  logic [" + CIB + "-1:0] output_drain_position;\n"
                    "  logic [" + DIB + "-1:0] output_tile_dims, output_drain_dims;\n";
        pe_files += fill(R"(  // output: per-PE accumulator files (in the PEs). One walk reloads a block's partial sums
  // from the GLB (before a block that is not a first visit) or drains the files into it (after a
  // block), a word per cycle; the drain's GLB writes are predicated per position on the dims of
  // the block latched at its first iteration.
  tessera_output_pe_address output_pe_address (
    .clk(clk), .restart(restart), .advance(advance), .increments(increments),
    .pe_delta(cfg_output_pe_delta), .pe_addr(output_pe_addr));
  always_ff @(posedge clk) begin
    c1_output_pe_addr <= output_pe_addr;
    if (output_pe_drain) output_draining <= 1'b1;
    else if (output_pe_reload) output_draining <= 1'b0;
    if (output_pe_begin) begin
      output_tile_dims <= dim_index;
      output_tile_glb <= output_glb_addr;
    end
  end
  tessera_output_pe_fill output_pe_walk (
    .clk(clk), .rst(rst), .start(output_pe_drain || output_pe_reload), .words(cfg_output_pe_words),
    .box(cfg_output_pe_box), .walk(cfg_output_pe_walk), .reading(output_fill_reading),
    .read_offset(output_fill_offset), .writing(output_fill_writing), .write_addr(output_fill_addr),
    .read_index(output_drain_index), .write_offset(output_drain_offset),
    .write_position(output_drain_position));
  assign output_reload_read = output_fill_reading && !output_draining;
  assign output_drain_write = output_fill_writing && output_draining;
  always_comb begin
    output_drain_dims = output_tile_dims;
    for (int c = 0; c < ${C}; c++)
      for (int k = 0; k < ${D}; k++)
        if (cfg_output_pe_coord_dim[c*${DB} +: ${DB}] == ${DB}'(k))
          output_drain_dims[k*${IB} +: ${IB}] = output_drain_dims[k*${IB} +: ${IB}] + output_drain_position[c*${IB} +: ${IB}];
  end
)",
                         {{"C", std::to_string(d.coords)}, {"D", std::to_string(d.dims)},
                          {"DB", std::to_string(d.dim_bits())}, {"IB", std::to_string(d.index_bits)}});
    }
    for (const auto &[t, depth, g, bits, fed, ports] :
         {std::tuple<std::string, int64_t, int64_t, int, bool, const TensorPorts *>{"input", d.input_pe_depth, gi,
                                                                                   d.input_bits, d.input_dram_fed, &d.input},
          {"weight", d.weight_pe_depth, gw, d.weight_bits, d.weight_dram_fed, &d.weight}}) {
        if (depth == 0) continue;
        const int pb = pe_addr_bits(depth), ab = t == "input" ? iab : wab;
        const std::string G = std::to_string(g), PB = std::to_string(pb), AB = std::to_string(ab);
        if (fed) {
            dram_fed_files(d, t, *ports, g, pb, bits, w);
            continue;
        }
        ctrl_pe += "\n    ." + t + "_pe_from(cfg_" + t + "_pe_from), ." + t + "_pe_words(cfg_" + t + "_pe_words), ." + t +
                   "_pe_fill(" + t + "_pe_fill),";
        counter_pe += " ." + t + "_fill_read(" + t + "_fill_reading),";
        pe_decls += "  logic " + t + "_pe_fill, " + t + "_fill_reading, " + t + "_fill_writing;\n  logic [" + AB + "-1:0] " +
                    t + "_fill_offset;\n  logic [" + PB + "-1:0] " + t + "_fill_addr, " + t + "_pe_addr;\n";
        const bool prefetched = t == "input" ? d.input_pe_double_buffered : d.weight_pe_double_buffered;
        if (prefetched) add_prefetch_wiring(d, t, w);
        pe_files += fill(R"(  // ${T}: per-PE files, filled from the GLB read port, read once per MAC.
  logic [${G}-1:0] ${T}_pe_read, ${T}_pe_write;
  logic [${G}*${BITS}-1:0] ${T}_pe_words;
  assign ${T}_pe_read = {${G}{issue && load_${T}}} & ${VALID};
  always_ff @(posedge clk) ${T}_pe_write <= ${T}_read;
  tessera_${T}_pe_address ${T}_pe_address (
    .clk(clk), .restart(restart), .advance(advance), .increments(increments),
    .pe_delta(cfg_${T}_pe_delta), .pe_addr(${T}_pe_addr));
  tessera_${T}_pe_fill ${T}_pe_fill_walk (
    .clk(clk), .rst(rst), .start(${T}_pe_fill${PREFETCH_START}), .words(cfg_${T}_pe_words), .box(cfg_${T}_pe_box),
    .walk(cfg_${T}_pe_walk),${PACE} .reading(${T}_fill_reading), .read_offset(${T}_fill_offset),
    .writing(${T}_fill_writing), .write_addr(${T}_fill_addr));
  tessera_${T}_pe_files ${T}_pe_files (
    .clk(clk), .write_enable(${T}_pe_write & {${G}{${T}_fill_writing}}), .write_addr(${T}_fill_addr),${WRITE_BANK}
    .write_data(${T}_words), .read_enable(${T}_pe_read), .read_addr(${T}_pe_addr),${READ_BANK} .read_data(${T}_pe_words));
)",
                         {{"T", t}, {"G", G}, {"BITS", std::to_string(bits)},
                          // The array reads its lanes of this iteration, whichever tile the walk fills.
                          {"VALID", prefetched ? t + "_now_" + t + "_group_valid" : t + "_group_valid"},
                          {"PREFETCH_START", prefetched ? " || " + t + "_pe_prefetch" : ""},
                          {"PACE", prefetched ? " .go(" + t + "_pe_go), .busy(" + t + "_pe_walk_busy)," : ""},
                          {"WRITE_BANK", prefetched ? " .write_bank(" + t + "_pe_fill_bank)," : ""},
                          {"READ_BANK", prefetched ? " .read_bank(" + t + "_pe_read_bank)," : ""}});
    }
    return w;
}

}  // namespace tessera::rtl
