// The DMA: moves one tile per job between DRAM and a buffer, walking the tile's box with
// coordinate 0 fastest (docs/hardware.md, Fill and Drain). One walk step per cycle.
//   fill (input, weight, bias): an in-shape position is a DRAM read whose response is written to
//     the buffer; an out-of-shape position (padding) writes 0 without a DRAM read. Writes land in
//     walk order (a tag FIFO remembers each position's buffer address and whether it is padding).
//   drain (output): an in-shape position reads the output buffer, passes the post-op and is written
//     to DRAM; other positions are skipped.
// The DRAM port is valid/ready request, response with fixed order; writes are acknowledged too.
// A job's tile base and DRAM address are latched when it starts: a fill takes its tensor's current
// tile (or, a prefetch, the next run's tile the address generator latched), a drain the output
// tile that finished last (latched when it finished, so the array may already work on the next).
// A job ends when every response is in and at least SETTLE cycles passed since the last step, which
// makes a job take exactly box_words + dram_latency + 3 cycles when the DRAM answers in
// dram_latency cycles (Timing.h: fill_overhead, drain_overhead); a drain of a pipelined array's
// files straight to DRAM takes its skew longer (drain_stage).
#include "Emitters.h"
#include "SvText.h"

#include <algorithm>
#include <sstream>

namespace tessera::rtl {

namespace {

std::string fifo(const std::string &name, int width, int depth_bits, bool with_full) {
    return fill(R"(// First-in first-out queue, ${DEPTH} entries of ${W} bits, head readable without a cycle of delay.
module ${NAME} (
  input  logic clk,
  input  logic rst,
  input  logic push,
  input  logic [${W}-1:0] push_data,
  input  logic pop,
  output logic [${W}-1:0] head,
  output logic empty${FULL_PORT}
);
  logic [${W}-1:0] slots [0:${DEPTH}-1];
  logic [${DB}-1:0] read_ptr, write_ptr;
  logic [${DB}:0] count;
  assign empty = count == '0;
${FULL_ASSIGN}  assign head = slots[read_ptr];
  always_ff @(posedge clk) begin
    if (push) slots[write_ptr] <= push_data;
    if (rst) begin
      read_ptr <= '0;
      write_ptr <= '0;
      count <= '0;
    end else begin
      if (push) write_ptr <= write_ptr + 1'b1;
      if (pop) read_ptr <= read_ptr + 1'b1;
      if (push && !pop) count <= count + 1'b1;
      else if (pop && !push) count <= count - 1'b1;
    end
  end
endmodule
)",
                {{"NAME", name},
                 {"W", std::to_string(width)},
                 {"DEPTH", std::to_string(1 << depth_bits)},
                 {"DB", std::to_string(depth_bits)},
                 {"FULL_PORT", with_full ? ",\n  output logic full" : ""},
                 {"FULL_ASSIGN", with_full ? "  assign full = count == " +
                                                 lit(depth_bits + 1, int64_t(1) << depth_bits) + ";\n"
                                           : ""}});
}

// The drain's write stage: what the template's ${DRAIN_STALL} .. ${RESET_DRAIN} hold. A buffer
// (or a broadcast array's files) answers a drain read the next cycle: the word is the write
// request of the next cycle, held while DRAM is not ready, and reads wait. A pipelined array's
// files drained straight to DRAM answer `lag` (its skew) cycles later (EmitSystolicArray.cpp): the
// read, its DRAM address and its bias index travel `lag` stages to the write stage, and words
// DRAM does not take at once wait in a skid queue of `1 << skid_bits` words; a read waits while
// the words read and not yet written would not fit it, so a DRAM stall loses nothing. With DRAM
// always ready a job takes `lag` cycles longer (docs/hardware.md, Fill and Drain).
std::map<std::string, std::string> drain_stage(int64_t lag, int skid_bits, const std::string &bias_index,
                                               const std::string &wdata, int bias_bits) {
    if (lag == 0)
        return {{"DRAIN_STALL", "  assign stall = request_valid && !mem_req_ready;\n"},
                {"BIAS_READ", "  assign bias_read = output_read;\n  assign bias_read_addr = " + bias_index + ";\n"},
                {"WRITE_VALID", "request_valid"},
                {"WRITE_ADDR", "request_addr"},
                {"WRITE_DATA", wdata},
                {"DRAIN_IDLE", "!request_valid"},
                {"REQUEST_STAGE",
                 "      if (!stall) begin\n        request_valid <= output_read;\n        request_addr <= dram_addr;\n      end\n"},
                {"RESET_DRAIN", ""}};
    const std::string L = std::to_string(lag), BB = std::to_string(bias_bits);
    return {{"DRAIN_STALL",
             "  // The pipelined array's files answer a drain read " + L + " cycles late: the read, its DRAM\n"
             "  // address and bias index wait as long; DRAM stalls fill the skid queue, not the array.\n"
             "  logic read_late;\n  logic [31:0] addr_late;\n  logic [" + BB + "-1:0] bias_index, bias_index_late;\n"
             "  assign bias_index = " + bias_index + ";\n" +
             delay_line("drain_read_late", 1, lag, "output_read", "read_late", true) +
             delay_line("drain_word_late", 32 + bias_bits, lag, "{dram_addr, bias_index}", "{addr_late, bias_index_late}") +
             "  logic [" + std::to_string(skid_bits) + ":0] words_in_flight;  // read, not yet taken by DRAM\n"
             "  logic skid_push, skid_pop, skid_empty, write_valid;\n  logic [63:0] skid_head;\n"
             "  assign stall = words_in_flight >= " + lit(skid_bits + 1, int64_t(1) << skid_bits) + ";\n"
             "  assign write_valid = request_valid || !skid_empty;\n"
             "  assign skid_pop = !skid_empty && mem_req_ready;\n"
             "  assign skid_push = request_valid && !(skid_empty && mem_req_ready);\n"
             "  tessera_dma_skid_fifo skid (.clk(clk), .rst(rst), .push(skid_push), .push_data({request_addr, " + wdata +
                 "}),\n                             .pop(skid_pop), .head(skid_head), .empty(skid_empty));\n"},
            {"BIAS_READ", "  assign bias_read = read_late;\n  assign bias_read_addr = bias_index_late;\n"},
            {"WRITE_VALID", "write_valid"},
            {"WRITE_ADDR", "(skid_empty ? request_addr : skid_head[63:32])"},
            {"WRITE_DATA", "skid_empty ? " + wdata + " : skid_head[31:0]"},
            {"DRAIN_IDLE", "words_in_flight == '0"},
            {"REQUEST_STAGE", "      request_valid <= read_late;\n      request_addr <= addr_late;\n"
                              "      if (output_read && !event_dram_write) words_in_flight <= words_in_flight + 1'b1;\n"
                              "      else if (!output_read && event_dram_write) words_in_flight <= words_in_flight - 1'b1;\n"},
            {"RESET_DRAIN", "\n      words_in_flight <= '0;"}};
}

std::map<std::string, std::string> merged(std::map<std::string, std::string> a,
                                          const std::map<std::string, std::string> &b) {
    a.insert(b.begin(), b.end());
    return a;
}

// The cycles a drain read's word takes beyond one: a pipelined array's skew when its files drain
// straight to DRAM (the model adds as much to every such drain job).
int64_t dma_drain_lag(const DesignSpec &d) { return d.output_dram_fed ? d.skew() : 0; }

}  // namespace

// Width of the buffer address the fill path writes: the widest of input, weight and bias table.
int dma_fill_bits(const DesignSpec &d) {
    // An operand at two shared levels is filled into its outer buffer, one fed from DRAM into its
    // per-PE files.
    return std::max({d.input_dram_fed ? pe_addr_bits(d.input_pe_depth)
                     : d.input_outer_depth > 0 ? input_outer_addr_bits(d) : input_addr_bits(d),
                     d.weight_dram_fed ? pe_addr_bits(d.weight_pe_depth)
                     : d.weight_outer_depth > 0 ? weight_outer_addr_bits(d) : weight_addr_bits(d),
                     bias_fill_bits(d)});
}

// Width of the walk's linear position counter: every buffer address it produces.
int dma_position_bits(const DesignSpec &d) { return std::max(dma_fill_bits(d), output_dram_side_addr_bits(d)); }

Modules emit_dma(const DesignSpec &d) {
    const int C = d.coords, ib = d.index_bits, pb = dma_position_bits(d);
    const int fifo_bits = bits_for(d.dram_latency + 3);
    const int64_t lag = dma_drain_lag(d);
    const int settle_bits = bits_for(d.dram_latency + 2 + lag), skid_bits = bits_for(lag + 2);
    Modules modules;
    // The response queue cannot overflow: a read is only issued when the tag queue (same depth) has room.
    // A tag: the buffer address and the padding flag, and with per-channel weight zero points the
    // element's output channel (the zero point is looked up when its data pops).
    const int tag_bits = dma_fill_bits(d) + 1 + (d.channel_weight_zero_point ? bias_addr_bits(d) : 0);
    modules.emplace_back("tessera_dma_tag_fifo", fifo("tessera_dma_tag_fifo", tag_bits, fifo_bits, true));
    modules.emplace_back("tessera_dma_data_fifo", fifo("tessera_dma_data_fifo", 32, fifo_bits, false));
    if (lag) modules.emplace_back("tessera_dma_skid_fifo", fifo("tessera_dma_skid_fifo", 64, skid_bits, false));
    std::ostringstream o;
    std::ostringstream coords;  // per-coordinate walk logic
    for (int c = 0; c < C; ++c) {
        const std::string n = std::to_string(c), s32 = "[" + std::to_string(c * 32) + " +: 32]",
                          sib = "[" + std::to_string(c * ib) + " +: " + std::to_string(ib) + "]";
        coords << "  logic [" << ib << "-1:0] walk_" << n << ";\n"
               << "  logic [31:0] coord_" << n << ";\n"
               << "  assign coord_" << n << " = job_base" << s32 << " + {" << 32 - ib << "'d0, walk_"
               << n << "};\n"
               << "  assign in_shape_" << n << " = !coord_" << n << "[31] && coord_" << n << " < {"
               << 32 - ib << "'d0, job_shape" << sib << "};\n"
               << "  assign at_end[" << n << "] = walk_" << n << " == job_box" << sib << " - 1'b1;\n";
    }
    std::ostringstream steps;  // walk counters and DRAM address update
    for (int c = 0; c < C; ++c) {
        const std::string n = std::to_string(c);
        std::string inner = c == 0 ? "1'b1" : "&at_end[" + std::to_string(c - 1) + ":0]";
        steps << "        if (" << inner << ") walk_" << n << " <= at_end[" << n << "] ? '0 : walk_" << n
              << " + 1'b1;\n";
    }
    std::string in_shape_all;
    for (int c = 0; c < C; ++c) in_shape_all += (c ? " && in_shape_" : "in_shape_") + std::to_string(c);
    std::string in_shape_decl;
    for (int c = 0; c < C; ++c) in_shape_decl += (c ? ", in_shape_" : "in_shape_") + std::to_string(c);

    std::string bank_ports;
    if (d.prefetches()) bank_ports += "  input  logic prefetch,             // a fill job takes the next run's tile\n";
    if (d.input_double_buffered)
        bank_ports += "  input  logic [" + std::to_string(C * 32) + "-1:0] input_prefetch_base,\n"
                      "  input  logic [31:0] input_prefetch_addr,\n";
    if (d.weight_double_buffered)
        bank_ports += "  input  logic [" + std::to_string(C * 32) + "-1:0] weight_prefetch_base,\n"
                      "  input  logic [31:0] weight_prefetch_addr,\n";
    if (d.output_double_buffered)
        bank_ports += "  input  logic output_bank,          // bank of the output tile that finishes\n"
                      "  output logic output_read_bank,     // bank the drain reads\n";
    // Accumulator files drained straight to DRAM: each job drains one lane group, whose tile
    // starts at the finished tile's base and DRAM address plus the group's offsets.
    if (d.output_dram_fed)
        bank_ports += "  input  logic [" + std::to_string(C * 32) + "-1:0] output_group_coord,  // the drained group's offsets\n"
                      "  input  logic [31:0] output_group_offset,\n";
    // The channel (bias word) of the walk's current element: sum over coordinates of coordinate x
    // step (LayerConfig's channel_steps), products as wide as the bias table's address.
    auto channel_of_walk = [&](const std::string &steps) {
        const std::string bab = std::to_string(bias_addr_bits(d));
        std::string sum;
        for (int c = 0; c < C; ++c)
            sum += std::string(c ? "\n                        + " : "") + "coord_" + std::to_string(c) + "[" + bab +
                   "-1:0] * " + steps + "[" + std::to_string(c * bias_addr_bits(d)) + " +: " + bab + "]";
        return sum;
    };
    // An output narrower than the DRAM word is sign-extended (int32 outputs fill it).
    const std::string wdata = d.out_bits >= 32 ? std::string("post_op_result")
                                               : "{{(32-" + std::to_string(d.out_bits) + "){post_op_result[" +
                                                     std::to_string(d.out_bits) + "-1]}}, post_op_result}";
    o << fill(R"(// Tile mover between DRAM and the buffers (see the file header for the protocol).
module tessera_dma (
  input  logic clk,
  input  logic rst,
  input  logic start,
  input  logic [1:0] channel,          // 0 input fill, 1 weight fill, 2 output drain, 3 bias load
  output logic done,                   // one-cycle pulse when the job is complete
  // per-channel tile description (config registers)
  input  logic [4*${CIB}-1:0] box,       // channel-major: channel * ${CIB} + coordinate * ${IB}
  input  logic [4*${CIB}-1:0] shape,
  input  logic [4*${C32}-1:0] walk_delta,
  // tile bases: input and weight from their address generators, output latched at tile end
  input  logic [${C32}-1:0] input_base, weight_base, output_base, bias_base,
  input  logic [31:0] input_addr, weight_addr, output_addr, bias_addr,
  input  logic latch_output_tile,
${BANK_PORTS}  // post-op settings
  input  logic [${CBAB}-1:0] bias_step,  // bias index = sum of coordinate * step
  input  logic bias_enable,
  input  logic relu_enable,
  input  logic [5:0] shift,
${QUANT_PORTS}  // buffer write port (fills) and drain read ports
  output logic input_write, weight_write, bias_write,
  output logic [${FB}-1:0] buffer_write_addr,
  output logic [31:0] buffer_write_data,
  output logic output_read,
  output logic [${OAB}-1:0] output_read_addr,
  input  logic [${AB}-1:0] output_read_data,
  output logic bias_read,
  output logic [${BAB}-1:0] bias_read_addr,
  input  logic [${AB}-1:0] bias_read_data,${REQUANT_PORTS}
  // DRAM port
  output logic mem_req_valid,
  input  logic mem_req_ready,
  output logic mem_req_write,
  output logic [31:0] mem_req_addr,
  output logic [31:0] mem_req_wdata,
  input  logic mem_rsp_valid,
  input  logic [31:0] mem_rsp_data,
  // counter events
  output logic event_dram_read,        // a fill read left DRAM (channel tells whose)
  output logic event_buffer_fill,      // a fill position was written to its buffer
  output logic event_drain_read,       // an output word left the output buffer
  output logic event_dram_write,       // an output word was accepted by DRAM
  output logic [1:0] job_channel
);
  localparam logic [${SB}-1:0] SETTLE = ${SETTLE};  // DRAM latency + 1${SETTLE_DRAIN}

  logic running, walking, draining;
  logic [1:0] job;
  logic [${CIB}-1:0] job_box, job_shape;
  logic [${C32}-1:0] job_delta, job_base, start_base, drain_base;
  logic [31:0] drain_addr, dram_addr, start_addr;
  logic [${PB}-1:0] position;
  logic [${SB}-1:0] settle;${FINISHED_BANK}
  logic [${C}-1:0] at_end;
  logic ${IN_SHAPE_DECL};
  logic in_shape, last_step, step;
  logic [${OUTB}:0] writes_outstanding;

  assign job_channel = job;
  assign draining = job == 2'd2;
  assign job_box = box[job*${CIB} +: ${CIB}];
  assign job_shape = shape[job*${CIB} +: ${CIB}];
  assign job_delta = walk_delta[job*${C32} +: ${C32}];
  always_comb
    case (channel)
      2'd0: begin start_base = ${INPUT_BASE}; start_addr = ${INPUT_ADDR}; end
      2'd1: begin start_base = ${WEIGHT_BASE}; start_addr = ${WEIGHT_ADDR}; end
      2'd2: begin start_base = ${DRAIN_BASE}; start_addr = drain_addr${DRAIN_OFFSET}; end
      default: begin start_base = bias_base; start_addr = bias_addr; end
    endcase

${COORDS}  assign in_shape = ${IN_SHAPE_ALL};
  assign last_step = &at_end;

  // DRAM address step: the delta of the innermost coordinate that does not wrap.
  logic [31:0] addr_step;
  always_comb begin
    addr_step = '0;
    for (int c = ${C} - 1; c >= 0; c--)
      if (!at_end[c]) addr_step = job_delta[c*32 +: 32];
  end

  // ---- fill path ------------------------------------------------------------------------------
  logic tag_push, tag_pop, tag_empty, tag_full, data_empty, head_is_padding;
  logic [${TAG_BITS}-1:0] tag_head;
  logic [31:0] data_head;
  logic fill_request;
  assign fill_request = walking && !draining && in_shape && !tag_full;
  assign tag_push = walking && !draining && !tag_full && (!in_shape || mem_req_ready);
  assign head_is_padding = tag_head[${FB}];
  assign tag_pop = !tag_empty && (head_is_padding || !data_empty);
  tessera_dma_tag_fifo tags (.clk(clk), .rst(rst || start), .push(tag_push),
                             .push_data({${TAG_CHANNEL}!in_shape, position[${FB}-1:0]}), .pop(tag_pop), .head(tag_head),
                             .empty(tag_empty), .full(tag_full));
  tessera_dma_data_fifo responses (.clk(clk), .rst(rst || start),
                                   .push(mem_rsp_valid && !draining),
                                   .push_data(mem_rsp_data), .pop(tag_pop && !head_is_padding),
                                   .head(data_head), .empty(data_empty));
  assign buffer_write_addr = tag_head[${FB}-1:0];
${FILL_DATA}
  assign input_write = tag_pop && job == 2'd0;
  assign weight_write = tag_pop && job == 2'd1;
  assign bias_write = tag_pop && job == 2'd3;

  // ---- drain path -----------------------------------------------------------------------------
  // Stage 1 holds the position read from the output buffer last cycle; its DRAM write request
  // carries the post-op of the buffer's (and bias table's) read data.
  logic request_valid;          // stage 1 holds a word to write
  logic [31:0] request_addr;
  logic stall;
  logic signed [${OB}-1:0] post_op_result;
${DRAIN_STALL}  assign output_read = walking && draining && !stall && in_shape;
  assign output_read_addr = position[${OAB}-1:0];
${BIAS_READ}${CHANNEL_REQUANT}  tessera_post_op post_op (.acc(output_read_data), .bias(bias_read_data), .bias_enable(bias_enable),
                           .relu_enable(relu_enable), .shift(${SHIFT}),${POST_QUANT} .result(post_op_result));

  // ---- DRAM port ------------------------------------------------------------------------------
  assign mem_req_valid = fill_request || ${WRITE_VALID};
  assign mem_req_write = ${WRITE_VALID};
  assign mem_req_addr = ${WRITE_VALID} ? ${WRITE_ADDR} : dram_addr;
  assign mem_req_wdata = ${WRITE_DATA};

  assign step = walking && (draining ? !stall : (!tag_full && (!in_shape || mem_req_ready)));
  assign event_dram_read = fill_request && mem_req_ready;
  assign event_buffer_fill = tag_pop;
  assign event_drain_read = output_read;
  assign event_dram_write = ${WRITE_VALID} && mem_req_ready;
  assign done = running && !walking && tag_empty && data_empty && ${DRAIN_IDLE} &&
                writes_outstanding == '0 && ${SETTLED};

  always_ff @(posedge clk) begin
    if (latch_output_tile) begin
      drain_base <= output_base;
      drain_addr <= output_addr;
${LATCH_BANK}    end
    if (rst) begin
      running <= 1'b0;
      walking <= 1'b0;
      request_valid <= 1'b0;
      writes_outstanding <= '0;${RESET_DRAIN}
    end else if (start) begin
      running <= 1'b1;
      walking <= 1'b1;
      job <= channel;
      position <= '0;
      settle <= '0;
      job_base <= start_base;
      dram_addr <= start_addr;
${START_BANK}${RESET_WALK}    end else begin
      if (done) running <= 1'b0;
      if (running && !walking && settle < ${SETTLE_MAX}) settle <= settle + 1'b1;
      if (step) begin
        position <= position + 1'b1;
        dram_addr <= dram_addr + addr_step;
        if (last_step) walking <= 1'b0;
${STEPS}      end
${REQUEST_STAGE}      if (event_dram_write && !(mem_rsp_valid && draining)) writes_outstanding <= writes_outstanding + 1'b1;
      else if (!event_dram_write && mem_rsp_valid && draining) writes_outstanding <= writes_outstanding - 1'b1;
    end
  end
endmodule
)",
              // The drained word's bias: one coordinate (k) with step 1, or for a grouped conv
              // k + (K/groups) * g.
              merged(drain_stage(lag, skid_bits, channel_of_walk("bias_step"), wdata, bias_addr_bits(d)),
              {{"C", std::to_string(C)},
               {"BANK_PORTS", bank_ports},
               {"FINISHED_BANK", d.output_double_buffered ? "\n  logic finished_bank;  // bank of the output tile that finished last" : ""},
               {"INPUT_BASE", d.input_double_buffered ? "prefetch ? input_prefetch_base : input_base" : "input_base"},
               {"INPUT_ADDR", d.input_double_buffered ? "prefetch ? input_prefetch_addr : input_addr" : "input_addr"},
               {"WEIGHT_BASE", d.weight_double_buffered ? "prefetch ? weight_prefetch_base : weight_base" : "weight_base"},
               {"WEIGHT_ADDR", d.weight_double_buffered ? "prefetch ? weight_prefetch_addr : weight_addr" : "weight_addr"},
               {"DRAIN_BASE", [&] {
                    if (!d.output_dram_fed) return std::string("drain_base");
                    std::string sum = "{";
                    for (int c = C; c-- > 0;)
                        sum += "drain_base[" + std::to_string(c * 32) + " +: 32] + output_group_coord[" +
                               std::to_string(c * 32) + " +: 32]" + (c ? ", " : "}");
                    return sum;
                }()},
               {"DRAIN_OFFSET", d.output_dram_fed ? " + output_group_offset" : ""},
               {"LATCH_BANK", d.output_double_buffered ? "      finished_bank <= output_bank;\n" : ""},
               {"START_BANK", d.output_double_buffered ? "      output_read_bank <= finished_bank;\n" : ""},
               {"IB", std::to_string(ib)},
               {"CIB", std::to_string(C * ib)},
               {"C32", std::to_string(C * 32)},
               {"PB", std::to_string(pb)},
               {"FB", std::to_string(dma_fill_bits(d))},
               {"TAG_BITS", std::to_string(dma_fill_bits(d) + 1 + (d.channel_weight_zero_point ? bias_addr_bits(d) : 0))},
               {"TAG_CHANNEL", d.channel_weight_zero_point ? "weight_channel, " : ""},
               {"OAB", std::to_string(output_dram_side_addr_bits(d))},
               {"BAB", std::to_string(bias_addr_bits(d))},
               {"CBAB", std::to_string(C * bias_addr_bits(d))},
               {"AB", std::to_string(d.acc_bits)},
               {"OB", std::to_string(d.out_bits)},
               {"OUTB", std::to_string(fifo_bits + 1)},
               {"SB", std::to_string(settle_bits)},
               {"SETTLE", lit(settle_bits, d.dram_latency + 1)},
               {"SETTLE_DRAIN", lag ? "\n  localparam logic [" + std::to_string(settle_bits) + "-1:0] SETTLE_DRAIN = " +
                                          lit(settle_bits, d.dram_latency + 1 + lag) + ";  // and the drain's skew"
                                    : ""},
               {"SETTLE_MAX", lag ? "SETTLE_DRAIN" : "SETTLE"},
               {"SETTLED", lag ? "settle >= (draining ? SETTLE_DRAIN : SETTLE)" : "settle >= SETTLE"},
               {"COORDS", coords.str()},
               {"QUANT_PORTS", std::string(d.zero_points() ? "  input  logic input_unsigned, weight_unsigned,\n"
                                                             "  input  logic signed [15:0] input_zero_point, weight_zero_point,\n" : "") +
                                   (d.fixed_point_requant ? "  input  logic [31:0] multiplier,\n  input  logic round_even, out_unsigned,\n"
                                                            "  input  logic signed [15:0] out_zero_point,\n" : "")},
               {"REQUANT_PORTS", std::string(d.channel_requant ? "\n  input  logic [31:0] requant_read_data,  // the channel's {shift[5:0], multiplier[25:0]}"
                                                                 "\n  input  logic channel_requant," : "") +
                                     (d.channel_weight_zero_point
                                          ? "\n  input  logic channel_w_zero_point,   // weight fills: the element's channel's zero point"
                                            "\n  input  logic [" + std::to_string(C * bias_addr_bits(d)) + "-1:0] w_zero_point_step,"
                                            "\n  output logic [" + std::to_string(bias_addr_bits(d)) + "-1:0] w_zero_point_addr,"
                                            "\n  input  logic signed [15:0] w_zero_point_data,"
                                          : "")},
               {"CHANNEL_REQUANT", d.channel_requant
                    ? "  // Per-channel requantization: the drained word's multiplier and shift come from the\n"
                      "  // bias table's requant word, read with its bias.\n"
                      "  logic [31:0] post_multiplier;\n  logic [5:0] post_shift;\n"
                      "  assign post_multiplier = channel_requant ? {6'd0, requant_read_data[25:0]} : multiplier;\n"
                      "  assign post_shift = channel_requant ? requant_read_data[31:26] : shift;\n"
                    : ""},
               {"SHIFT", d.channel_requant ? "post_shift" : "shift"},
               {"POST_QUANT", d.fixed_point_requant ? std::string("\n                           .multiplier(") +
                                                          (d.channel_requant ? "post_multiplier" : "multiplier") + "), .round_even(round_even), "
                                                      ".out_zero_point(out_zero_point), .out_unsigned(out_unsigned),"
                                                    : ""},
               {"FILL_DATA", [&] {
                    if (!d.zero_points()) return std::string("  assign buffer_write_data = head_is_padding ? '0 : data_head;");
                    // Quantized operands: the element (uint8 or int8) minus its zero point; padding
                    // stays 0, the zero point's own value after the subtraction.
                    auto element = [&](const std::string &t, int bits) {
                        const std::string b = std::to_string(bits), rest = std::to_string(32 - bits);
                        const std::string zero = t == "weight" && d.channel_weight_zero_point
                                                     ? std::string("weight_fill_zero_point")
                                                     : t + "_zero_point";
                        return "(" + t + "_unsigned ? {" + rest + "'d0, data_head[" + b + "-1:0]} : {{" + rest +
                               "{data_head[" + b + "-1]}}, data_head[" + b + "-1:0]}) - {{16{" + zero +
                               "[15]}}, " + zero + "}";
                    };
                    std::string channel;
                    if (d.channel_weight_zero_point) {
                        // The weight element's output channel, as the bias index: sum of coordinate x step.
                        const std::string bab = std::to_string(bias_addr_bits(d));
                        channel = "  logic [" + bab + "-1:0] weight_channel;\n  assign weight_channel = " +
                                  channel_of_walk("w_zero_point_step");
                        channel += ";\n  assign w_zero_point_addr = tag_head[" +
                                   std::to_string(dma_fill_bits(d) + bias_addr_bits(d)) + " -: " + bab + "];\n"
                                   "  logic signed [15:0] weight_fill_zero_point;\n"
                                   "  assign weight_fill_zero_point = channel_w_zero_point ? w_zero_point_data : weight_zero_point;\n";
                    }
                    return channel + "  // Fills of quantized operands take the element's zero point off.\n"
                           "  logic [31:0] fill_operand;\n"
                           "  always_comb\n    case (job)\n"
                           "      2'd0: fill_operand = " + element("input", d.input_elem_bits) + ";\n"
                           "      2'd1: fill_operand = " + element("weight", d.weight_elem_bits) + ";\n"
                           "      default: fill_operand = data_head;\n    endcase\n"
                           "  assign buffer_write_data = head_is_padding ? '0 : fill_operand;";
                }()},
               {"IN_SHAPE_ALL", in_shape_all},
               {"IN_SHAPE_DECL", in_shape_decl},
               {"STEPS", steps.str()},
               {"RESET_WALK", [&] {
                    std::string s;
                    for (int c = 0; c < C; ++c) s += "      walk_" + std::to_string(c) + " <= '0;\n";
                    return s;
                }()}}));
    modules.emplace_back("tessera_dma", o.str());
    return modules;
}

}  // namespace tessera::rtl
