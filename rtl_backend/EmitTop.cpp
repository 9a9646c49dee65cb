// The top module: config port, controller, loop nest, address generators, predication, buffers,
// PE array, DMA with post-op, counters, and the compute pipeline registers between them:
//   issue (C0): the controller's iteration; operand buffer reads for the lane groups that load
//   C1: operands reach the PEs (registers + bypass), MAC; partial-sum reads for blocks that end
//   C2: accumulators summed per output lane group (+ partial sum) and written to the output buffer
#include "Emitters.h"
#include "SvText.h"

#include <map>
#include <sstream>
#include <tuple>

namespace tessera::rtl {

std::string emit_top(const DesignSpec &d, const RegisterMap &map) {
    const int64_t gi = lane_groups(d.input, d), gw = lane_groups(d.weight, d),
                  go = lane_groups(d.output, d);
    const int iab = input_addr_bits(d), wab = weight_addr_bits(d), oab = output_addr_bits(d),
              bab = bias_addr_bits(d), fb = dma_fill_bits(d);
    const int ab = kRegAddressBits, acc = d.acc_bits;
    // Lanes in use: to the predication, the counters and (where an operand is shared) the array.
    const bool row_active_used = d.lanes_in_use_on_rows(), col_active_used = d.lanes_in_use_on_cols();
    const bool prefetch = d.prefetches();
    // An output register level: the controller's first-visit flag of its blocks, to the counters.
    const std::string register_ports =
        d.output_register_level ? " .loop_register_window(cfg_loop_register_window), .register_first(register_first)," : "";
    // Lane validity of the tensors on some of an axis's loops only (EmitPredication.cpp).
    std::string partial_decls, partial_ports;
    for (const PartialLaneValid &v : partial_lane_valids(d)) {
        partial_decls += "  logic [" + std::to_string(v.lanes) + "-1:0] " + v.name + ";\n";
        partial_ports += " ." + v.name + "(" + v.name + "),";
    }
    const std::string c32 = std::to_string(d.coords * 32);
    // Double buffering: bank selects, the prefetch path and the drain's bank.
    std::string bank_decls, ctrl_banks, dma_banks;
    if (prefetch) {
        bank_decls += "  logic [" + std::to_string(d.loops) + ":0] run_last_from;\n  logic [" +
                      std::to_string(d.loops) + "-1:0] run_step;\n  logic dma_prefetch, run_start;\n";
        dma_banks += "\n    .prefetch(dma_prefetch),";
    }
    for (const auto &[t, on] : {std::pair<std::string, bool>{"input", d.input_double_buffered},
                                {"weight", d.weight_double_buffered}}) {
        if (!on) continue;
        bank_decls += "  logic " + t + "_bank;\n  logic [" + c32 + "-1:0] " + t + "_prefetch_base;\n  logic [31:0] " +
                      t + "_prefetch_addr;\n";
        ctrl_banks += " ." + t + "_bank(" + t + "_bank),";
        dma_banks += " ." + t + "_prefetch_base(" + t + "_prefetch_base),\n    ." + t + "_prefetch_addr(" + t +
                     "_prefetch_addr),";
    }
    if (d.output_dram_fed)
        dma_banks += "\n    .output_group_coord(output_group_coord), .output_group_offset(output_group_offset),";
    if (d.output_double_buffered) {
        bank_decls += "  logic output_bank, dma_output_read_bank;\n  logic [" + std::to_string(acc) +
                      "-1:0] output_drain_data;\n";
        ctrl_banks += " .output_bank(output_bank),";
        dma_banks += "\n    .output_bank(output_bank), .output_read_bank(dma_output_read_bank),";
    }
    // Per-PE files (EmitPeBuffers.cpp): the GLB read port of such an operand serves the fill walk;
    // the PE registers load from the files, one word per MAC. Inner-tile copies (EmitStaging.cpp).
    auto pe_file = [&](const std::string &t) { return t == "input" ? d.input_pe_depth > 0 : t == "weight" && d.weight_pe_depth > 0; };
    auto fed = [&](const std::string &t) {
        return t == "input" ? d.input_dram_fed : t == "weight" ? d.weight_dram_fed : d.output_dram_fed;
    };
    // Accumulator files the walk drains into (and reloads from) the output GLB.
    const bool acc_file = d.output_pe_walk();
    // The output register's block in the files' PEs, whether the files drain to the GLB or DRAM.
    const std::string register_block =
        d.output_register_level ? ".block_start(c1_issue && c1_block_start), .block_end(c1_issue && c1_block_end),\n    " : "";
    OnChipFillWiring fills = pe_file_wiring(d);
    add_staging_wiring(d, fills);
    const std::string &ctrl_pe = fills.controller_ports, &counter_pe = fills.counter_ports, &pe_files = fills.instances;
    bank_decls += fills.declarations;
    if (d.pe_prefetches()) bank_decls += "  logic [" + std::to_string(d.loops) + "-1:0] at_last;\n";
    std::ostringstream o;
    o << "// Accelerator top. Ports: config (write registers, read status and counters) and DRAM\n"
      << "// (valid/ready requests, in-order responses; reads return data, writes an acknowledge).\n"
      << "module " << d.name << " (\n"
      << "  input  logic clk,\n"
      << "  input  logic rst,\n"
      << "  input  logic cfg_write,\n"
      << "  input  logic [" << ab << "-1:0] cfg_addr,\n"
      << "  input  logic [31:0] cfg_wdata,\n"
      << "  output logic [31:0] cfg_rdata,\n"
      << "  output logic mem_req_valid,\n"
      << "  input  logic mem_req_ready,\n"
      << "  output logic mem_req_write,\n"
      << "  output logic [31:0] mem_req_addr,\n"
      << "  output logic [31:0] mem_req_wdata,\n"
      << "  input  logic mem_rsp_valid,\n"
      << "  input  logic [31:0] mem_rsp_data,\n"
      << "  output logic busy,\n"
      << "  output logic done\n"
      << ");\n";
    // Config registers.
    o << "\n  // ---- configuration registers ----\n  logic start;\n";
    for (const auto &f : map.fields)
        o << "  logic [" << f.count * f.bits << "-1:0] cfg_" << f.name << ";\n";
    o << "  tessera_config_regs config_regs (\n"
      << "    .clk(clk), .cfg_write(cfg_write), .cfg_addr(cfg_addr), .cfg_wdata(cfg_wdata), .start(start)";
    for (const auto &f : map.fields) o << ",\n    .cfg_" << f.name << "(cfg_" << f.name << ")";
    o << "\n  );\n";

    o << fill(R"(
  // ---- loop nest and controller ----
  logic restart, advance, issue, load_input, load_weight, block_start, block_first, block_end;${REGISTER_DECL}
  logic [${T}-1:0] at_zero, increments;
  logic [${T}:0] zero_from, last_from;
  logic [${DIB}-1:0] dim_index;
  logic dma_start, dma_done, output_tile_done;
  logic [1:0] dma_channel;
${BANK_DECLS}  tessera_loop_nest loop_nest (
    .clk(clk), .restart(restart), .advance(advance), .loop_extent(cfg_loop_extent),
    .loop_stride(cfg_loop_stride), .loop_dim(cfg_loop_dim), .at_zero(at_zero),
    .zero_from(zero_from), .last_from(last_from), .increments(increments),${NEST_RUN}${NEST_LAST} .dim_index(dim_index));
  tessera_controller controller (
    .clk(clk), .rst(rst), .start(start), .bias_enable(cfg_bias_enable), .run_from(cfg_run_from),
    .input_tile_from(cfg_input_tile_from), .weight_tile_from(cfg_weight_tile_from),
    .output_tile_from(cfg_output_tile_from), .input_stationary_from(cfg_input_stationary_from),
    .weight_stationary_from(cfg_weight_stationary_from),
    .output_stationary_from(cfg_output_stationary_from), .loop_psum_window(cfg_loop_psum_window),
    .at_zero(at_zero), .zero_from(zero_from), .last_from(last_from),${CTRL_RUN} .restart(restart),
    .advance(advance), .dma_start(dma_start), .dma_channel(dma_channel),${CTRL_PREFETCH} .dma_done(dma_done),
    .output_tile_done(output_tile_done),${CTRL_BANKS}${CTRL_PE}${CTRL_REGISTER} .issue(issue), .load_input(load_input),
    .load_weight(load_weight), .block_start(block_start), .block_first(block_first),
    .block_end(block_end), .busy(busy), .done(done));

  // ---- address generators ----
${GLB_ADDRS}  logic [${C32}-1:0] input_tile_base, weight_tile_base, output_tile_base;
  logic [31:0] input_tile_addr, weight_tile_addr, output_tile_addr;
)",
              {{"T", std::to_string(d.loops)},
               {"BANK_DECLS", bank_decls},
               {"NEST_RUN", prefetch ? " .run_from(cfg_run_from), .run_last_from(run_last_from),\n    .run_step(run_step)," : ""},
               {"NEST_LAST", d.pe_prefetches() ? " .at_last(at_last)," : ""},
               {"CTRL_RUN", prefetch ? " .run_last_from(run_last_from)," : ""},
               {"CTRL_PREFETCH", prefetch ? "\n    .dma_prefetch(dma_prefetch), .run_start(run_start)," : ""},
               {"CTRL_BANKS", ctrl_banks},
               {"CTRL_PE", ctrl_pe},
               {"CTRL_REGISTER", register_ports},
               {"REGISTER_DECL", d.output_register_level ? "\n  logic register_first;" : ""},
               {"DIB", std::to_string(d.dims * d.index_bits)},
               {"GLB_ADDRS", (fed("input") ? "" : "  logic [" + std::to_string(iab) + "-1:0] input_glb_addr;\n") +
                                         (fed("weight") ? "" : "  logic [" + std::to_string(wab) + "-1:0] weight_glb_addr;\n") +
                                         (fed("output") ? "" : "  logic [" + std::to_string(oab) + "-1:0] output_glb_addr;\n")},
               {"OAB", std::to_string(oab)},
               {"C32", std::to_string(d.coords * 32)}});
    for (const auto &[t, prefetches] : {std::pair<const char *, bool>{"input", d.input_double_buffered},
                                        {"weight", d.weight_double_buffered}, {"output", false}})
        o << fill(R"(  tessera_${T}_address_generator ${T}_address_generator (
    .clk(clk), .restart(restart), .advance(advance), .increments(increments),${GLB_DELTA} .base_delta(cfg_${T}_base_delta),
    .addr_delta(cfg_${T}_addr_delta), .init_base(cfg_${T}_init_base),
    .init_addr(cfg_${T}_init_addr),${GLB_ADDR} .tile_base(${T}_tile_base),
    .tile_addr(${T}_tile_addr)${PREFETCH});
)",
                  {{"T", t},
                   // An operand whose per-PE files DRAM fills has no GLB address.
                   {"GLB_DELTA", fed(t) ? "" : std::string("\n    .glb_delta(cfg_") + t + "_glb_delta),"},
                   {"GLB_ADDR", fed(t) ? "" : std::string(" .glb_addr(") + t + "_glb_addr),"},
                   {"PREFETCH", prefetches ? std::string(",\n    .run_step(run_step), .run_start(run_start), .prefetch_base(") +
                                                 t + "_prefetch_base),\n    .prefetch_addr(" + t + "_prefetch_addr)"
                                           : ""}});

    const std::string predication = fill(R"(
  // ---- predication ----
${ROW_ACTIVE_DECL}  logic [${ROWS}-1:0] row_valid;
${COL_ACTIVE_DECL}  logic [${COLS}-1:0] col_valid;
${PARTIAL_DECLS}  logic mac_other_valid, input_other_valid, weight_other_valid, output_other_valid;
  tessera_predication predication (
    .dim_index(dim_index), .dim_extent(cfg_dim_extent), .row_extent(cfg_row_extent),${ROW_STRIDE}
    .row_dim(cfg_row_dim), .row_check(cfg_row_check), .col_extent(cfg_col_extent),${COL_STRIDE}
    .col_dim(cfg_col_dim),
    .col_check(cfg_col_check), .mac_dims(cfg_mac_dims), .input_dims(cfg_input_dims),
    .weight_dims(cfg_weight_dims), .output_dims(cfg_output_dims),${PRED_ROW_ACTIVE}
    .row_valid(row_valid),${PRED_COL_ACTIVE} .col_valid(col_valid),${PARTIAL_PORTS}
    .mac_other_valid(mac_other_valid), .input_other_valid(input_other_valid),
    .weight_other_valid(weight_other_valid), .output_other_valid(output_other_valid));
)",
              {{"ROWS", std::to_string(d.rows)},
               {"COLS", std::to_string(d.cols)},
               {"PARTIAL_DECLS", partial_decls},
               {"PARTIAL_PORTS", partial_ports},
               {"ROW_ACTIVE_DECL", row_active_used ? "  logic [" + std::to_string(d.rows) + "-1:0] row_active;\n" : ""},
               {"COL_ACTIVE_DECL", col_active_used ? "  logic [" + std::to_string(d.cols) + "-1:0] col_active;\n" : ""},
               {"PRED_ROW_ACTIVE", row_active_used ? " .row_active(row_active)," : ""},
               {"ROW_STRIDE", d.row_axis_dims > 0 ? "\n    .row_lane_offset(cfg_row_lane_offset)," +
                                                       std::string(d.row_radix.empty() ? "" : " .row_lane_active(cfg_row_lane_active),")
                              : d.rows > 1           ? "\n    .row_stride(cfg_row_stride),"
                                                     : ""},
               {"COL_STRIDE", d.col_axis_dims > 0 ? "\n    .col_lane_offset(cfg_col_lane_offset)," +
                                                       std::string(d.col_radix.empty() ? "" : " .col_lane_active(cfg_col_lane_active),")
                              : d.cols > 1           ? "\n    .col_stride(cfg_col_stride),"
                                                     : ""},
               {"PRED_COL_ACTIVE", col_active_used ? " .col_active(col_active)," : ""}});
    o << predication;
    // The drain of the accumulator files predicates each position: the same predication on the
    // dims of the drained block plus the position's box coordinates.
    if (acc_file) {
        o << predication_copy(d, predication, "drain_", "output_drain_dims", "of the accumulator files' drain");
        // What the drain does not read of its predication, and the register path's pipeline flags.
        std::string unused = "drain_mac_other_valid, drain_input_other_valid, drain_weight_other_valid";
        if (!d.output.depends_on_rows || d.output.row_loops) unused += ", drain_row_valid";
        if (!d.output.depends_on_cols || d.output.col_loops) unused += ", drain_col_valid";
        for (const PartialLaneValid &v : partial_lane_valids(d))
            if (v.name.rfind("output_", 0) != 0) unused += ", drain_" + v.name;
        if (row_active_used) unused += ", drain_row_active";
        if (col_active_used) unused += ", drain_col_active";
        if (d.output.depends_on_cols) unused += ", output_drain_col_offset";
        unused += ", c1_block_start, c1_block_end, c1_block_first, c1_output_valid, c1_output_row_addr";
        o << "  logic unused_by_drain;\n  assign unused_by_drain = ^{" << unused << "};\n";
    }

    auto lanes = [&](const std::string &t, const TensorPorts &p, int64_t g, int bits) {
        std::ostringstream s;
        s << "  logic [" << lane_rows(p, d) * bits << "-1:0] " << t << "_row_addr;\n";
        if (p.depends_on_cols) s << "  logic [" << lane_cols(p, d) * bits << "-1:0] " << t << "_col_offset;\n";
        s << "  logic [" << g << "-1:0] " << t << "_group_valid;\n"
          << "  tessera_" << t << "_lanes " << t << "_lanes (\n"
          // The drain of files to DRAM adds the groups' offsets to the finished tile's address.
          << "    .glb_addr(" << (t == "output" && fed(t) ? std::string("32'd0") : fed(t) ? t + "_tile_addr" : t + "_glb_addr")
          << (!fed(t) && (pe_file(t) || (t == "output" && acc_file)) ? " + " + t + "_fill_offset" : "") << "),\n";
        // An axis with lane tables gives an address offset per lane instead of a step.
        if (p.depends_on_rows)
            s << "    ." << (d.row_axis_dims > 0 ? "row_offset" : "row_step") << "(cfg_" << t
              << (d.row_axis_dims > 0 ? "_row_offset" : "_row_step") << "), .row_valid(" << lane_valid_of(p, t, "row")
              << "),\n";
        if (p.depends_on_cols)
            s << "    ." << (d.col_axis_dims > 0 ? "col_offset_table" : "col_step") << "(cfg_" << t
              << (d.col_axis_dims > 0 ? "_col_offset" : "_col_step") << "), .col_valid(" << lane_valid_of(p, t, "col")
              << "),\n";
        s << "    .other_valid(" << t << "_other_valid), .row_addr(" << t << "_row_addr),";
        if (p.depends_on_cols) s << " .col_offset(" << t << "_col_offset),";
        s << "\n    .group_valid(" << t << "_group_valid));\n";
        return s.str();
    };
    // Prefetched per-PE files read the GLB at this tile's lanes or the next one's (EmitPrefetch.cpp).
    auto operand_lanes = [&](const std::string &t, const TensorPorts &p, int64_t g, int bits, bool prefetched) {
        return prefetched ? prefetch_lanes(d, t, predication, lanes(t, p, g, bits), bits) : lanes(t, p, g, bits);
    };
    o << "\n  // ---- lane groups (one GLB word per group) ----\n"
      << operand_lanes("input", d.input, gi, lane_addr_bits(d, 0), d.input_pe_double_buffered)
      << operand_lanes("weight", d.weight, gw, lane_addr_bits(d, 1), d.weight_pe_double_buffered)
      << lanes("output", d.output, go, lane_addr_bits(d, 2));
    if (acc_file) {  // the drain's lane groups: the drained block's GLB address and predication
        std::vector<std::pair<std::string, std::string>> exact = {
            {" output_lanes (", " output_drain_lanes ("},
            {"output_glb_addr + output_fill_offset", "output_tile_glb + output_drain_offset"}};
        for (const char *sig : {"output_row_addr", "output_col_offset", "output_group_valid"}) {
            const std::string to = std::string("output_drain_") + (sig + 7);
            exact.push_back({std::string(" ") + sig + ";", " " + to + ";"});
            exact.push_back({std::string("(") + sig + ")", "(" + to + ")"});
        }
        o << renamed(lanes("output", d.output, go, oab),
                     {"row_valid", "col_valid", "output_row_valid", "output_col_valid", "output_other_valid"}, "drain_",
                     exact);
    }

    const std::string rest = R"(
  // ---- DMA (fills, drain with post-op, bias load) ----
  logic dma_input_write, dma_weight_write, dma_bias_write, dma_output_read, dma_bias_read;
  logic [${FB}-1:0] dma_write_addr;
  logic [31:0] dma_write_data;
  logic [${DOAB}-1:0] dma_output_read_addr;
  logic [${BAB}-1:0] dma_bias_read_addr;
  logic [${ACC}-1:0] bias_read_data;${REQUANT_WIRE}
${OUTPUT_READ_DECL}  logic dma_dram_read, dma_buffer_fill, dma_drain_read, dma_dram_write;
  logic [1:0] dma_job;
  tessera_dma dma (
    .clk(clk), .rst(rst), .start(dma_start), .channel(dma_channel), .done(dma_done),
    .box({cfg_bias_box, cfg_output_box, cfg_weight_box, cfg_input_box}),
    .shape({cfg_bias_shape, cfg_output_shape, cfg_weight_shape, cfg_input_shape}),
    .walk_delta({cfg_bias_walk_delta, cfg_output_walk_delta, cfg_weight_walk_delta,
                 cfg_input_walk_delta}),
    .input_base(${INPUT_DMA}_base), .weight_base(${WEIGHT_DMA}_base), .output_base(output_tile_base),
    .bias_base(cfg_bias_init_base), .input_addr(${INPUT_DMA}_addr), .weight_addr(${WEIGHT_DMA}_addr),
    .output_addr(output_tile_addr), .bias_addr(cfg_bias_init_addr),
    .latch_output_tile(output_tile_done),${DMA_BANKS} .bias_step(cfg_bias_step),
    .bias_enable(cfg_bias_enable), .relu_enable(cfg_relu_enable), .shift(cfg_shift),${DMA_QUANT}
    .input_write(dma_input_write), .weight_write(dma_weight_write), .bias_write(dma_bias_write),
    .buffer_write_addr(dma_write_addr), .buffer_write_data(dma_write_data),
    .output_read(dma_output_read), .output_read_addr(dma_output_read_addr),
    .output_read_data(${DRAIN_DATA}), .bias_read(dma_bias_read),
    .bias_read_addr(dma_bias_read_addr), .bias_read_data(bias_read_data),
    .mem_req_valid(mem_req_valid), .mem_req_ready(mem_req_ready), .mem_req_write(mem_req_write),
    .mem_req_addr(mem_req_addr), .mem_req_wdata(mem_req_wdata), .mem_rsp_valid(mem_rsp_valid),
    .mem_rsp_data(mem_rsp_data), .event_dram_read(dma_dram_read),
    .event_buffer_fill(dma_buffer_fill), .event_drain_read(dma_drain_read),
    .event_dram_write(dma_dram_write), .job_channel(dma_job));

  // ---- operand buffers: read at issue for the lane groups whose register reloads ----
${INPUT_READS}${WEIGHT_READS}${PE_FILES}${INPUT_GLB}${WEIGHT_GLB}  tessera_bias_table bias_table (
    .clk(clk), .write_enable(dma_bias_write), .write_addr(dma_write_addr[${BFB}-1:0]),
    .write_data(dma_write_data), .read_enable(dma_bias_read), .read_addr(dma_bias_read_addr),
    .read_data(bias_read_data)${BIAS_REQUANT});

  // ---- C1: MAC; partial-sum reads of the blocks that end ----
  logic c1_issue, c1_block_start, c1_block_end, c1_block_first, c1_mac_other_valid;
  logic [${GI}-1:0] c1_input_load;
  logic [${GW}-1:0] c1_weight_load;
  logic [${ROWS}-1:0] c1_row_valid;
  logic [${COLS}-1:0] c1_col_valid;
  logic [${GO}-1:0] c1_output_valid;
  logic [${ORA}-1:0] c1_output_row_addr;
  always_ff @(posedge clk) begin
    c1_issue <= !rst && issue;
    c1_input_load <= ${INPUT_LOAD};
    c1_weight_load <= ${WEIGHT_LOAD};
    c1_block_start <= block_start;
    c1_block_end <= block_end;
    c1_block_first <= block_first;
    c1_mac_other_valid <= mac_other_valid;
    c1_row_valid <= row_valid;
    c1_col_valid <= col_valid;
    c1_output_valid <= output_group_valid;
    c1_output_row_addr <= output_row_addr;
  end
  logic [${GO}*${ACC}-1:0] output_sums;
  tessera_array array (
    .clk(clk), .input_load(c1_input_load), .input_words(${INPUT_WORDS}),
    .weight_load(c1_weight_load), .weight_words(${WEIGHT_WORDS}),${ROW_ACTIVE}${COL_ACTIVE}
    ${ARRAY_BLOCK} .mac_other_valid(c1_issue && c1_mac_other_valid),
    .mac_row_valid(c1_row_valid), .mac_col_valid(c1_col_valid), .output_sums(output_sums));

${OUTPUT_PATH}
  // ---- performance counters and config read port ----
  tessera_counters counters (
    .clk(clk), .clear(start), .busy(busy), .done(done), .issue(issue), .load_input(load_input),
    .load_weight(load_weight), .block_end(block_end), .block_first(block_first),
    .mac_other_valid(mac_other_valid), .input_other_valid(input_other_valid),
    .weight_other_valid(weight_other_valid), .output_other_valid(output_other_valid),
    .row_valid(row_valid),${COUNTER_ROW_ACTIVE} .col_valid(col_valid),${COUNTER_COL_ACTIVE}${COUNTER_PARTIAL}
    .dma_channel(dma_job), .dma_dram_read(dma_dram_read),
    .dma_buffer_fill(dma_buffer_fill), .dma_drain_read(dma_drain_read),
    .dma_dram_write(dma_dram_write),${COUNTER_PE}${COUNTER_REGISTER} .read_addr(cfg_addr), .read_data(cfg_rdata));
endmodule
)";
    // Filled twice: the output path's text (a value) has keys of its own.
    const std::map<std::string, std::string> values = {{"GI", std::to_string(gi)},
               {"INPUT_GLB_READ", pe_file("input") ? "input_fill_reading" : "issue && load_input"},
               // DRAM fills such an operand's files a lane group at a time, from the group's start.
               {"INPUT_DMA", d.input_dram_fed ? "input_group" : "input_tile"},
               {"WEIGHT_DMA", d.weight_dram_fed ? "weight_group" : "weight_tile"},
               {"WEIGHT_GLB_READ", pe_file("weight") ? "weight_fill_reading" : "issue && load_weight"},
               {"PE_FILES", pe_files},
               // The array's buffer of an operand at two shared levels is written by the copy.
               {"INPUT_WRITE_A", d.input_outer_depth > 0 ? ".write_enable(input_stage_writing), .write_addr(input_stage_addr)"
                                                : ".write_enable(dma_input_write), .write_addr(dma_write_addr[" + std::to_string(iab) + "-1:0])"},
               {"INPUT_WRITE_D", d.input_outer_depth > 0 ? ".write_data(input_stage_data)"
                                                : ".write_data(dma_write_data[" + std::to_string(d.input_bits) + "-1:0])"},
               {"WEIGHT_WRITE_A", d.weight_outer_depth > 0 ? ".write_enable(weight_stage_writing), .write_addr(weight_stage_addr)"
                                                : ".write_enable(dma_weight_write), .write_addr(dma_write_addr[" + std::to_string(wab) + "-1:0])"},
               {"WEIGHT_WRITE_D", d.weight_outer_depth > 0 ? ".write_data(weight_stage_data)"
                                                : ".write_data(dma_write_data[" + std::to_string(d.weight_bits) + "-1:0])"},
               {"INPUT_LOAD", pe_file("input") ? "input_pe_read" : "input_read"},
               {"WEIGHT_LOAD", pe_file("weight") ? "weight_pe_read" : "weight_read"},
               {"INPUT_WORDS", pe_file("input") ? "input_pe_words" : "input_words"},
               {"WEIGHT_WORDS", pe_file("weight") ? "weight_pe_words" : "weight_words"},
               {"COUNTER_PE", counter_pe},
               {"COUNTER_REGISTER", d.output_register_level ? " .block_start(block_start), .register_first(register_first)," : ""},
               {"O1", d.skew() ? "o1" : "c1"},
               {"DRAIN_ROW_ADDR", d.skew() ? "s_output_drain_row_addr" : "output_drain_row_addr"},
               {"OUTPUT_READ_DECL", fed("output") ? "" : "  logic [" + std::to_string(go) + "*" + std::to_string(acc) + "-1:0] output_read_data;\n"},
               // Files drained to DRAM: the DMA reads the drained group's PEs at its position.
               {"ARRAY_BLOCK", fed("output") ? register_block + ".clear(restart), .acc_addr(c1_output_pe_addr),\n"
                                               "    .drain_read({" + std::to_string(go) + "{dma_output_read}} & output_dma_group), "
                                               ".drain_addr(dma_output_read_addr),\n"
                                               // (a large array's zero reload word is wider than Verilator's
                                               // 8k-bit replication check)
                                               "    .reload_write('0), .reload_addr('0), /* verilator lint_off WIDTHCONCAT */ "
                                               ".reload_data('0), /* verilator lint_on WIDTHCONCAT */"
                             : acc_file ? register_block +
                                          ".clear(restart), .acc_addr(c1_output_pe_addr), .drain_read(output_fill_reading && output_draining),\n"
                                          "    .drain_addr(output_drain_index), .reload_write(reload_write), .reload_addr(output_fill_addr),\n"
                                          "    .reload_data(output_read_data),"
                                        : ".block_start(c1_issue && c1_block_start),"},
               {"OUTPUT_PATH", emit_output_path(d)},
               {"DMA_BANKS", dma_banks},
               {"BFB", std::to_string(bias_fill_bits(d))},
               {"REQUANT_WIRE", std::string(d.channel_requant ? "\n  logic [31:0] requant_read_data;" : "") +
                                    (d.channel_weight_zero_point ? "\n  logic [" + std::to_string(bab) +
                                                                       "-1:0] w_zero_point_addr;\n  logic signed [15:0] w_zero_point_data;"
                                                                 : "")},
               {"BIAS_REQUANT", std::string(d.channel_requant ? ", .channel_requant(cfg_channel_requant), .requant_data(requant_read_data)" : "") +
                                    (d.channel_weight_zero_point ? ",\n    .channel_w_zero_point(cfg_channel_w_zero_point), "
                                                                   ".zero_point_addr(w_zero_point_addr), .zero_point_data(w_zero_point_data)"
                                                                 : "")},
               {"DMA_QUANT", std::string(d.zero_points() ? "\n    .input_unsigned(cfg_input_unsigned), .weight_unsigned(cfg_weight_unsigned),"
                                                           "\n    .input_zero_point(cfg_input_zero_point), .weight_zero_point(cfg_weight_zero_point)," : "") +
                                 (d.fixed_point_requant ? "\n    .multiplier(cfg_multiplier), .round_even(cfg_round_even), "
                                                          ".out_unsigned(cfg_out_unsigned), .out_zero_point(cfg_out_zero_point)," : "") +
                                 (d.channel_requant ? "\n    .channel_requant(cfg_channel_requant), .requant_read_data(requant_read_data)," : "") +
                                 (d.channel_weight_zero_point ? "\n    .channel_w_zero_point(cfg_channel_w_zero_point), .w_zero_point_step(cfg_w_zero_point_step),"
                                                                "\n    .w_zero_point_addr(w_zero_point_addr), .w_zero_point_data(w_zero_point_data),"
                                                              : "")},
               {"ORA", std::to_string(lane_rows(d.output, d) * lane_addr_bits(d, 2))},
               {"INPUT_COLS", d.input.depends_on_cols ? " .col_offset(input_col_offset)," : ""},
               {"WEIGHT_COLS", d.weight.depends_on_cols ? " .col_offset(weight_col_offset)," : ""},
               {"OUTPUT_COLS", d.output.depends_on_cols ? "\n    .col_offset(output_col_offset)," : ""},
               {"DRAIN_DATA", fed("output")             ? "output_drain_sum"
                              : d.output_double_buffered ? "output_drain_data"
                              : d.output_staged()       ? "output_outer_data"
                                                        : "output_read_data[" + std::to_string(acc) + "-1:0]"},
               // The inner of two shared levels is drained and reloaded by the walk (EmitStaging.cpp).
               {"OUTPUT_DRAIN", d.output_staged()
                                    ? ".drain_read(output_stage_drain_read), .drain_addr(output_stage_index),\n"
                                      "    .stage_write(output_stage_reload_write), .stage_write_addr(output_stage_addr),\n"
                                      "    .stage_write_data(output_outer_data),"
                                    : std::string(".drain_read(dma_output_read),") +
                                          (d.output_glb_banked() ? " .drain_bank(dma_output_read_bank),\n    .drain_data(output_drain_data)," : "") +
                                          " .drain_addr(dma_output_read_addr),"},
               {"DOAB", std::to_string(output_dram_side_addr_bits(d))},
               // The inner of two shared tiles, prefetched: the copy writes one bank while the array reads the other.
               {"INPUT_BANKS", d.input_stage_double_buffered ? "\n    .write_bank(input_stage_fill_bank), .read_bank(input_stage_read_bank),"
                               : d.input_glb_banked() ? "\n    .write_bank(!input_bank), .read_bank(input_bank)," : ""},
               {"WEIGHT_BANKS", d.weight_stage_double_buffered ? "\n    .write_bank(weight_stage_fill_bank), .read_bank(weight_stage_read_bank),"
                                : d.weight_glb_banked() ? "\n    .write_bank(!weight_bank), .read_bank(weight_bank)," : ""},
               {"OUTPUT_BANK", d.output_glb_banked() ? " .bank(output_bank)," : ""},
               {"GW", std::to_string(gw)},
               {"GO", std::to_string(go)},
               {"IAB", std::to_string(iab)},
               {"WAB", std::to_string(wab)},
               {"OAB", std::to_string(oab)},
               {"BAB", std::to_string(bab)},
               {"FB", std::to_string(fb)},
               {"ACC", std::to_string(acc)},
               {"IBITS", std::to_string(d.input_bits)},
               {"WBITS", std::to_string(d.weight_bits)},
               {"ROWS", std::to_string(d.rows)},
               {"COLS", std::to_string(d.cols)},
               {"ROW_ACTIVE", d.operands_shared_on_rows() ? "\n    .row_active(row_active)," : ""},
               {"COL_ACTIVE", d.operands_shared_on_cols() ? "\n    .col_active(col_active)," : ""},
               {"COUNTER_ROW_ACTIVE", row_active_used ? " .row_active(row_active)," : ""},
               {"COUNTER_COL_ACTIVE", col_active_used ? " .col_active(col_active)," : ""},
               {"COUNTER_PARTIAL", partial_ports.empty() ? "" : "\n   " + partial_ports}};
    // An operand's GLB and its read port; none where DRAM fills the operand's per-PE files.
    const std::string reads = R"(  logic [${G}*${BITS}-1:0] ${T}_words;
  logic [${G}-1:0] ${T}_read;
  assign ${T}_read = {${G}{${READ}}} & ${T}_group_valid;
)";
    const std::string glb = R"(  tessera_${T}_glb ${T}_glb (
    .clk(clk), ${WRITE_A},${BANKS}
    ${WRITE_D}, .read_enable(${T}_read),
    .read_row_addr(${T}_row_addr),${COLS} .read_data(${T}_words));
)";
    std::map<std::string, std::string> all = values;
    for (const std::string t : {"input", "weight"}) {
        const std::string T = t == "input" ? "INPUT" : "WEIGHT";
        const bool fed = t == "input" ? d.input_dram_fed : d.weight_dram_fed;
        const std::map<std::string, std::string> keys = {
            {"T", t}, {"G", values.at(t == "input" ? "GI" : "GW")}, {"BITS", values.at(t == "input" ? "IBITS" : "WBITS")},
            {"READ", values.at(T + "_GLB_READ")}, {"WRITE_A", values.at(T + "_WRITE_A")},
            {"WRITE_D", values.at(T + "_WRITE_D")}, {"BANKS", values.at(T + "_BANKS")}, {"COLS", values.at(T + "_COLS")}};
        all[T + "_READS"] = fed ? "" : fill(reads, keys);
        all[T + "_GLB"] = fed ? "" : fill(glb, keys);
    }
    o << fill(fill(rest, all), all);
    return o.str();
}

}  // namespace tessera::rtl
