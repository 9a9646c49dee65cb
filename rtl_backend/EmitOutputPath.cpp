// The output path of the top module between the array's sums and the output GLB: partial sums
// through one register per PE (C1 reads a block's partial sums, C2 adds and writes them back), or
// per-PE accumulator files, reloaded from the GLB and drained into it by the walk.
#include "Emitters.h"
#include "SvText.h"

namespace tessera::rtl {

namespace {

// A pipelined array (EmitSystolicArray.cpp) delivers its output lane groups' sums skew() cycles
// late: the output path's C1 (partial-sum read) and C2 (write) follow C1 by as many cycles.
std::string output_skew(const DesignSpec &d) {
    const int64_t S = d.skew();
    if (S == 0) return "";
    const int64_t go = lane_groups(d.output, d);
    const int64_t ora = lane_rows(d.output, d) * output_addr_bits(d);
    return "  // ---- output path of the pipelined array: C1 delayed by its skew (" + std::to_string(S) +
           " cycles) ----\n"
           "  logic o1_issue, o1_block_end, o1_block_first;\n"
           "  logic [" + std::to_string(go) + "-1:0] o1_output_valid;\n"
           "  logic [" + std::to_string(ora) + "-1:0] o1_output_row_addr;\n" +
           delay_line("output_path", ora + go + 3, S,
                      "{c1_output_row_addr, c1_output_valid, c1_block_first, c1_block_end, !rst && c1_issue}",
                      "{o1_output_row_addr, o1_output_valid, o1_block_first, o1_block_end, o1_issue}");
}

// The drain of accumulator files: its GLB writes. On a pipelined array the drained sums leave the
// array skew() cycles late (EmitSystolicArray.cpp), so the writes follow by as many cycles; the
// controller stalls that much longer per drain (EmitController.cpp), as the model counts.
std::string drain_write(const DesignSpec &d) {
    const int64_t S = d.skew(), go = lane_groups(d.output, d);
    const int64_t ora = lane_rows(d.output, d) * output_addr_bits(d);
    const std::string write = "{" + std::to_string(go) + "{output_drain_write}} & output_drain_group_valid";
    if (S == 0) return "  assign output_write = " + write + ";\n";
    return "  // ---- drain writes of the pipelined array: delayed by its skew (" + std::to_string(S) +
           " cycles) ----\n  logic [" + std::to_string(ora) + "-1:0] s_output_drain_row_addr;\n" +
           delay_line("drain_path", ora + go, S,
                      "{output_drain_row_addr, rst ? " + std::to_string(go) + "'(0) : " + write + "}",
                      "{s_output_drain_row_addr, output_write}");
}

}  // namespace

std::string emit_output_path(const DesignSpec &d) {
    if (d.output_dram_fed)  // no output GLB: the DMA takes the drained lane group's sum
        return R"(  // ---- accumulator files drained straight to DRAM: the drained lane group's sum ----
  always_comb begin
    output_drain_sum = '0;
    for (int g = 0; g < ${GO}; g++)
      if (output_dma_group[g]) output_drain_sum = output_sums[g*${ACC} +: ${ACC}];
  end
  logic unused_output_path;
  assign unused_output_path = ^{c1_block_start, c1_block_end, c1_block_first, c1_output_valid, c1_output_row_addr};
)";
    if (d.output_pe_depth == 0)
        return output_skew(d) + R"(  logic [${GO}-1:0] psum_read;
  assign psum_read = {${GO}{${O1}_issue && ${O1}_block_end && !${O1}_block_first}} & ${O1}_output_valid;
  // ---- C2: reduce, add the partial sum, write the output buffer ----
  logic c2_block_end, c2_block_first;
  logic [${GO}-1:0] c2_output_valid;
  logic [${ORA}-1:0] c2_output_row_addr;
  always_ff @(posedge clk) begin
    c2_block_end <= !rst && ${O1}_issue && ${O1}_block_end;
    c2_block_first <= ${O1}_block_first;
    c2_output_valid <= ${O1}_output_valid;
    c2_output_row_addr <= ${O1}_output_row_addr;
  end
  logic [${GO}-1:0] output_write;
  logic [${GO}*${ACC}-1:0] output_write_data;
  assign output_write = {${GO}{c2_block_end}} & c2_output_valid;
  // One block, not one assign per group: Verilator would chain those into wide concatenations.
  always_comb
    for (int g = 0; g < ${GO}; g++)
      output_write_data[g*${ACC} +: ${ACC}] = output_sums[g*${ACC} +: ${ACC}]
          + (c2_block_first ? '0 : output_read_data[g*${ACC} +: ${ACC}]);
  tessera_output_glb output_glb (
    .clk(clk),${OUTPUT_BANK} .write_enable(output_write), .write_row_addr(c2_output_row_addr),
    .write_data(output_write_data), .read_enable(psum_read), .read_row_addr(${O1}_output_row_addr),${OUTPUT_COLS}
    ${OUTPUT_DRAIN} .read_data(output_read_data));
)";
    return R"(  // ---- accumulator files: reloads (GLB read, then a write into one PE per group) and drains
  // (a read of every PE's file, the adder trees, a GLB write per valid position) ----
  logic [${GO}-1:0] psum_read, reload_write, output_write;
  assign psum_read = {${GO}{output_reload_read}} & output_group_valid;
  always_ff @(posedge clk) reload_write <= rst ? '0 : psum_read;
)" + drain_write(d) + R"(  tessera_output_glb output_glb (
    .clk(clk),${OUTPUT_BANK} .write_enable(output_write), .write_row_addr(${DRAIN_ROW_ADDR}),
    .write_data(output_sums), .read_enable(psum_read), .read_row_addr(output_row_addr),${OUTPUT_COLS}
    ${OUTPUT_DRAIN} .read_data(output_read_data));
)";
}

}  // namespace tessera::rtl
