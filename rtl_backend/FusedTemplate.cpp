// The SystemVerilog text of the fused-group accelerator's top module (EmitFused.cpp fills its
// ${...} fields): docs/rtl.md, "Fused groups".
#include "FusedTemplate.h"

namespace tessera::rtl {

namespace {

// One step of the output walk (x fastest, then y, then channel), taken by the staging read and
// by the drain write.
const char *kWalkStep = R"(              if (ox + 1 < wk_xhi) ox <= ox + 1;
              else begin
                ox <= wk_xlo;
                if (oy + 1 < wk_yhi) oy <= oy + 1;
                else begin oy <= wk_ylo; oc <= oc + 1; end
              end)";

const char *kFusedTop = R"(// Fused-group accelerator: ${LANES} MAC lanes time-multiplexed across up to ${LMAX} layers.
module ${TOP} (
  input  logic clk,
  input  logic rst,
  input  logic cfg_write,
  input  logic [15:0] cfg_addr,
  input  logic [31:0] cfg_wdata,
  output logic [31:0] cfg_rdata,
  output logic mem_req_valid,
  input  logic mem_req_ready,
  output logic mem_req_write,
  output logic [31:0] mem_req_addr,
  output logic [31:0] mem_req_wdata,
  input  logic mem_rsp_valid,
  /* verilator lint_off UNUSEDSIGNAL */  // a DRAM word holds one int8 element or bias byte
  input  logic [31:0] mem_rsp_data,
  /* verilator lint_on UNUSEDSIGNAL */
  output logic busy,
  output logic done
);
  localparam int LANES = ${LANES};
  localparam int LMAX = ${LMAX};
  localparam int NLF = ${NLF};
  localparam int NTF = ${NTF};
  localparam int NCF = ${NCF};
  localparam int NCNT = 1 + LMAX * NCF;
  localparam int AW = ${AW};
  localparam int WINW = ${WINW};
  localparam int WGW = ${WGW};
  localparam int BW = ${BW};
  localparam int TYN = ${TYN};
  localparam int TXN = ${TXN};
  localparam int FIFO_BITS = 5;
  localparam int YIW = $clog2(2 * TYN);   // tile-table index bits
  localparam int XIW = $clog2(2 * TXN);
  localparam int LB = LANES > 1 ? $clog2(LANES) : 1;

  // ---------------- configuration registers (FusedRegisters.h)
  logic [31:0] g_reg [0:15];
  logic [31:0] l_reg [0:NLF*LMAX-1];
  logic [31:0] t_reg [0:NTF*(LMAX+1)-1];
  logic [31:0] ytab [0:2*TYN-1];
  logic [31:0] xtab [0:2*TXN-1];
  logic [63:0] cnt [0:NCNT-1];

  logic [31:0] l_index, t_index;
  assign l_index = (32'(cfg_addr) - 32'h0100) >> 4;
  assign t_index = (32'(cfg_addr) - 32'h0400) >> 5;
  always_ff @(posedge clk) begin
    if (cfg_write) begin
      if (cfg_addr >= 16'h0010 && cfg_addr < 16'h0020) g_reg[cfg_addr[3:0]] <= cfg_wdata;
      if (cfg_addr >= 16'h0100 && cfg_addr < 16'h0100 + 16'(16 * NLF) && 32'(cfg_addr[3:0]) < LMAX)
        l_reg[l_index * LMAX + 32'(cfg_addr[3:0])] <= cfg_wdata;
      if (cfg_addr >= 16'h0400 && cfg_addr < 16'h0400 + 16'(32 * NTF) && 32'(cfg_addr[4:0]) <= LMAX)
        t_reg[t_index * (LMAX + 1) + 32'(cfg_addr[4:0])] <= cfg_wdata;
      if (cfg_addr[15:14] == 2'b01 && 32'(cfg_addr[13:0]) < 2 * TYN) ytab[cfg_addr[YIW-1:0]] <= cfg_wdata;
      if (cfg_addr[15:14] == 2'b10 && 32'(cfg_addr[13:0]) < 2 * TXN) xtab[cfg_addr[XIW-1:0]] <= cfg_wdata;
    end
  end

  logic [31:0] cnt_index;
  assign cnt_index = (32'(cfg_addr) - 32'h0C00) >> 1;
  always_comb begin
    cfg_rdata = 32'd0;
    if (cfg_addr == 16'h0000) cfg_rdata = {30'd0, done, busy};
    else if (cfg_addr >= 16'h0C00 && cnt_index < NCNT)
      cfg_rdata = cfg_addr[0] ? cnt[cnt_index][63:32] : cnt[cnt_index][31:0];
  end

  // ---------------- state
  typedef enum logic [3:0] {
    S_IDLE, S_TILE, S_WLOAD, S_FETCH, S_STAGE, S_STAGE_END, S_COMP, S_COMP_END, S_WRITE,
    S_DRAIN_RD, S_DRAIN_WR, S_WAIT, S_NEXT
  } state_t;
  state_t state, after_wait;
  logic [15:0] ty, tx;          // tile indices
  logic [15:0] image;           // image of the batch
  logic [31:0] in_off, out_off; // DRAM offsets of the image's input and output
  logic [31:0] cl, wl;          // current layer (compute, weight load)
  logic wloaded, winit;
  logic [31:0] wi;              // weight / bias word index
  logic wph;                    // 0: weights, 1: bias bytes
  logic [15:0] oc, oy, ox;      // walk: channel, row, column
  logic [15:0] grp, kb, cy, cx, rc, rr, rs, wp;  // compute loops

  wire [31:0] nl = g_reg[${G_LAYERS}];
  wire [31:0] nt = nl + 1;
  wire [31:0] last_layer = nl - 1;
${LAYER_FIELDS}
  // Tile tables: rows produced / read of tensor t by the current tile.
  wire [31:0] yrow = 32'(ty) * nt, xrow = 32'(tx) * nt;
  function automatic logic [31:0] ytab_at(input logic [31:0] entry, input logic read);
    ytab_at = ytab[(entry << 1) + {31'd0, read}];
  endfunction
  function automatic logic [31:0] xtab_at(input logic [31:0] entry, input logic read);
    xtab_at = xtab[(entry << 1) + {31'd0, read}];
  endfunction
  wire [31:0] yp_in = ytab_at(yrow + cl, 1'b0), yr_in = ytab_at(yrow + cl, 1'b1);
  wire [31:0] xp_in = xtab_at(xrow + cl, 1'b0), xr_in = xtab_at(xrow + cl, 1'b1);
  wire [31:0] yp_out = ytab_at(yrow + cl + 1, 1'b0), xp_out = xtab_at(xrow + cl + 1, 1'b0);
  wire [31:0] yp_0 = ytab_at(yrow, 1'b0), xp_0 = xtab_at(xrow, 1'b0);
  wire [31:0] yp_last = ytab_at(yrow + nl, 1'b0), xp_last = xtab_at(xrow + nl, 1'b0);

  // Tensor fields: region of tensor t in the activation memory.
  function automatic logic [AW-1:0] act_addr(input logic [31:0] t, input logic [15:0] c,
                                              input logic [15:0] y, input logic [15:0] x);
    logic [31:0] base, yb, xb;
    base = t_reg[${T_BASE} * (LMAX + 1) + t];
    yb = t_reg[${T_YBITS} * (LMAX + 1) + t];
    xb = t_reg[${T_XBITS} * (LMAX + 1) + t];
    act_addr = AW'(base + (32'(c) << (yb + xb)) + ((32'(y) & ((32'd1 << yb) - 1)) << xb) +
                   (32'(x) & ((32'd1 << xb) - 1)));
  endfunction
  wire [31:0] h0 = t_reg[${T_HEIGHT} * (LMAX + 1)], w0 = t_reg[${T_WIDTH} * (LMAX + 1)];
  wire [31:0] hl = t_reg[${T_HEIGHT} * (LMAX + 1) + nl], wlst = t_reg[${T_WIDTH} * (LMAX + 1) + nl];

  // ---------------- memories
  logic [7:0] act [0:${ACT_WORDS}-1];
  logic [7:0] win [0:${WIN_WORDS}-1];
  logic [7:0] wmem [0:${WGT_WORDS}-1];
  logic [31:0] bmem [0:${BIAS_WORDS}-1];
  logic act_we;
  logic [AW-1:0] act_wa, act_ra, act_rb;
  logic [7:0] act_wd, act_qa, act_qb;
  always_ff @(posedge clk) begin
    if (act_we) act[act_wa] <= act_wd;
    act_qa <= act[act_ra];
    act_qb <= act[act_rb];
  end

  // ---------------- DRAM requests and the queue of where their responses go
  logic [1:0] q_kind [0:(1<<FIFO_BITS)-1];   // 0 activation, 1 weight, 2 bias byte, 3 write ack
  logic [31:0] q_addr [0:(1<<FIFO_BITS)-1];
  logic [1:0] q_byte [0:(1<<FIFO_BITS)-1];
  logic [31:0] q_layer [0:(1<<FIFO_BITS)-1];
  logic [FIFO_BITS-1:0] q_head, q_tail;
  logic [FIFO_BITS:0] q_count;
  wire q_space = q_count < (FIFO_BITS+1)'((1 << FIFO_BITS) - 1);
  logic push;
  logic [1:0] push_kind;
  logic [31:0] push_addr, push_layer;
  logic [1:0] push_byte;
  wire accepted = mem_req_valid && mem_req_ready;
  wire [1:0] rsp_kind = q_kind[q_head];
  /* verilator lint_off UNUSEDSIGNAL */
  wire [31:0] rsp_addr = q_addr[q_head];
  /* verilator lint_on UNUSEDSIGNAL */
  wire [31:0] rsp_layer = q_layer[q_head];
  wire [1:0] rsp_byte = q_byte[q_head];

  // ---------------- walks (fetch, stage, drain): channel, rows, columns
  logic [15:0] wk_c, wk_ylo, wk_yhi, wk_xlo, wk_xhi;
  always_comb begin
    wk_c = 16'(lf_C);
    wk_ylo = yr_in[15:0]; wk_yhi = yr_in[31:16]; wk_xlo = xr_in[15:0]; wk_xhi = xr_in[31:16];
    if (state == S_FETCH) begin
      wk_c = 16'(l_reg[${L_C} * LMAX]);
      wk_ylo = yp_0[15:0]; wk_yhi = yp_0[31:16]; wk_xlo = xp_0[15:0]; wk_xhi = xp_0[31:16];
    end else if (state == S_DRAIN_RD || state == S_DRAIN_WR) begin
      wk_c = 16'(l_reg[${L_K} * LMAX + last_layer]);
      wk_ylo = yp_last[15:0]; wk_yhi = yp_last[31:16]; wk_xlo = xp_last[15:0]; wk_xhi = xp_last[31:16];
    end
  end
  wire walk_empty = wk_c == 16'd0 || wk_ylo >= wk_yhi || wk_xlo >= wk_xhi;
  wire walk_last = ox + 16'd1 == wk_xhi && oy + 16'd1 == wk_yhi && oc + 16'd1 == wk_c;

  // ---------------- compute: one reduction term per cycle, all lanes
  wire [15:0] lanes_valid = 16'(lf_Lanes) < 16'(lf_Kg) - kb ? 16'(lf_Lanes) : 16'(lf_Kg) - kb;
  wire signed [31:0] iy = $signed(32'(cy) * lf_StrideY + 32'(rr) * lf_DilationY - lf_PadY);
  wire signed [31:0] ix = $signed(32'(cx) * lf_StrideX + 32'(rs) * lf_DilationX - lf_PadX);
  wire in_bounds = iy >= 0 && iy < $signed(lf_H) && ix >= 0 && ix < $signed(lf_W);
  wire [31:0] win_rows = 32'(yr_in[31:16]) - 32'(yr_in[15:0]), win_cols = 32'(xr_in[31:16]) - 32'(xr_in[15:0]);
  wire [31:0] in_channel = 32'(grp) * lf_Cg + 32'(rc);
  /* verilator lint_off UNUSEDSIGNAL */  // addresses are computed in 32 bits, the memory takes the low ones
  wire [31:0] win_ra = (in_channel * win_rows + (32'(iy) - 32'(yr_in[15:0]))) * win_cols +
                       (32'(ix) - 32'(xr_in[15:0]));
  /* verilator lint_on UNUSEDSIGNAL */
  wire [31:0] k_first = 32'(grp) * lf_Kg + 32'(kb);
  wire [31:0] tap = (32'(rc) * lf_R + 32'(rr)) * lf_S + 32'(rs);
  wire last_term = rs + 16'd1 == 16'(lf_S) && rr + 16'd1 == 16'(lf_R) && rc + 16'd1 == 16'(lf_Cg);
  logic issue, first_d, in_bounds_d;        // issue: the term read last cycle is multiplied now
  logic st_valid;                           // stage: the word read last cycle lands in win
  logic [WINW-1:0] st_addr;
  logic [7:0] win_q;
  logic [32*LANES-1:0] acc_flat;           // lane p's accumulator at [32p +: 32]
  always_ff @(posedge clk) begin
    win_q <= win[WINW'(win_ra)];
    first_d <= rc == 16'd0 && rr == 16'd0 && rs == 16'd0;
    in_bounds_d <= in_bounds;
  end
${X_OPERAND}  for (genvar p = 0; p < LANES; p = p + 1) begin : lane
    /* verilator lint_off UNUSEDSIGNAL */
    wire [31:0] w_ra = lf_WeightBase + (k_first + p) * lf_KStride + tap;
    /* verilator lint_on UNUSEDSIGNAL */
    logic [7:0] w_q;
    logic signed [31:0] acc;
${W_OPERAND}    always_ff @(posedge clk) begin
      w_q <= wmem[WGW'(w_ra)];
      if (issue)
        acc <= (first_d ? 32'sd0 : acc) + ${PRODUCT};
    end
    assign acc_flat[32*p +: 32] = acc;
  end

  // Post-op of lane wp, then the residual add on the drain path.
  wire [31:0] k_out = k_first + 32'(wp);
  logic signed [7:0] post_result;
${REQUANT_WORD}  tessera_post_op post (
    .acc($signed(acc_flat[32*wp[LB-1:0] +: 32])), .bias(bmem[BW'(lf_BiasBase + ${BIAS_ENTRY})]), .bias_enable(lf_BiasEnable[0]),
    .relu_enable(lf_Relu[0]), .shift(${SHIFT}),${REQUANT_PORTS} .result(post_result));
  wire signed [8:0] residual_sum = 9'($signed(act_qa)) + 9'($signed(act_qb));
  wire [7:0] drained = g_reg[${G_RESIDUAL}][0]
      ? (residual_sum > 9'sd127 ? 8'd127 : residual_sum < -9'sd128 ? 8'h80 : residual_sum[7:0]) : act_qa;
  logic [31:0] drain_addr;

  // ---------------- datapath control (combinational): memory ports, DRAM request
  always_comb begin
    act_we = 1'b0; act_wa = '0; act_wd = '0;
    act_ra = act_addr(cl, oc, oy, ox);
    act_rb = act_addr(32'd0, oc, oy, ox);
    if (state == S_DRAIN_RD || state == S_DRAIN_WR) act_ra = act_addr(nl, oc, oy, ox);
    if (mem_rsp_valid && rsp_kind == 2'd0) begin
      act_we = 1'b1; act_wa = AW'(rsp_addr); act_wd = mem_rsp_data[7:0];
    end else if (state == S_WRITE) begin
      act_we = 1'b1; act_wa = act_addr(cl + 1, 16'(k_out), cy, cx); act_wd = post_result;
    end
    mem_req_valid = 1'b0; mem_req_write = 1'b0; mem_req_addr = '0; mem_req_wdata = '0;
    push_kind = 2'd0; push_addr = '0; push_byte = '0; push_layer = '0;
    if (state == S_WLOAD && q_space) begin
      mem_req_valid = 1'b1;
      push_layer = wl;
      if (!wph) begin
        mem_req_addr = wl_WeightDram + wi; push_kind = 2'd1; push_addr = wl_WeightBase + wi;
      end else begin
        mem_req_addr = wl_BiasDram + wi; push_kind = 2'd2; push_addr = wl_BiasBase + (wi >> 2);
        push_byte = wi[1:0];
      end
    end else if (state == S_FETCH && !winit && q_space) begin
      mem_req_valid = 1'b1;
      mem_req_addr = g_reg[${G_INPUT_DRAM}] + in_off + (32'(oc) * h0 + 32'(oy)) * w0 + 32'(ox);
      push_kind = 2'd0; push_addr = 32'(act_addr(32'd0, oc, oy, ox));
    end else if (state == S_DRAIN_WR && q_space) begin
      mem_req_valid = 1'b1; mem_req_write = 1'b1; mem_req_addr = drain_addr;
      mem_req_wdata = {{24{drained[7]}}, drained}; push_kind = 2'd3;
    end
    push = accepted;
  end

  // ---------------- sequencing
  always_ff @(posedge clk) begin
    if (rst) begin
      state <= S_IDLE; busy <= 1'b0; done <= 1'b0;
      q_head <= '0; q_tail <= '0; q_count <= '0;
      issue <= 1'b0; st_valid <= 1'b0;
    end else begin
      // Response queue.
      if (push) begin
        q_kind[q_tail] <= push_kind; q_addr[q_tail] <= push_addr; q_byte[q_tail] <= push_byte;
        q_layer[q_tail] <= push_layer; q_tail <= q_tail + 1'b1;
      end
      if (mem_rsp_valid) begin
        q_head <= q_head + 1'b1;
        if (rsp_kind == 2'd0) cnt[1 + ${C_INPUT_FILLS}] <= cnt[1 + ${C_INPUT_FILLS}] + 1;
        if (rsp_kind == 2'd1) begin
          wmem[WGW'(rsp_addr)] <= mem_rsp_data[7:0];
          cnt[1 + rsp_layer * NCF + ${C_WEIGHT_FILLS}] <= cnt[1 + rsp_layer * NCF + ${C_WEIGHT_FILLS}] + 1;
        end
        if (rsp_kind == 2'd2) begin
          bmem[BW'(rsp_addr)][8 * rsp_byte +: 8] <= mem_rsp_data[7:0];
          cnt[1 + rsp_layer * NCF + ${C_WEIGHT_FILLS}] <= cnt[1 + rsp_layer * NCF + ${C_WEIGHT_FILLS}] + 1;
        end
      end
      q_count <= q_count + (push ? 1 : 0) - (mem_rsp_valid ? 1 : 0);
      if (busy) cnt[0] <= cnt[0] + 1;
      issue <= 1'b0;
      st_valid <= 1'b0;

      case (state)
        S_IDLE:
          if (cfg_write && cfg_addr == 16'h0000 && cfg_wdata[0]) begin
            for (int i = 0; i < NCNT; i = i + 1) cnt[i] <= 64'd0;
            busy <= 1'b1; done <= 1'b0; ty <= '0; tx <= '0; wloaded <= 1'b0;
            image <= '0; in_off <= '0; out_off <= '0;
            state <= S_TILE;
          end
        S_TILE: begin
          cl <= '0;
          if (!wloaded || g_reg[${G_RELOAD}][0]) begin
            wloaded <= 1'b1; wl <= '0; wi <= '0; wph <= 1'b0; state <= S_WLOAD;
          end else begin
            winit <= 1'b1; state <= S_FETCH;
          end
        end
        S_WLOAD:
          if (accepted) begin
            cnt[1 + wl * NCF + ${C_WEIGHT_READS}] <= cnt[1 + wl * NCF + ${C_WEIGHT_READS}] + 1;
            if (!wph && wi + 1 < wl_WeightWords) wi <= wi + 1;
            else if (!wph && wl_BiasEnable[0]) begin wph <= 1'b1; wi <= '0; end
            else if (wph && wi + 1 < (4 * wl_K) << wl_ChannelRequant[0]) wi <= wi + 1;
            else begin
              wph <= 1'b0; wi <= '0;
              if (wl + 1 < nl) wl <= wl + 1;
              else begin after_wait <= S_FETCH; state <= S_WAIT; end
            end
          end
        S_FETCH, S_STAGE, S_DRAIN_RD: begin
          if (winit) begin
            winit <= 1'b0; oc <= '0; oy <= wk_ylo; ox <= wk_xlo;
            if (walk_empty) begin
              if (state == S_FETCH) begin after_wait <= S_STAGE; state <= S_WAIT; end
              else if (state == S_STAGE) state <= S_STAGE_END;
              else begin after_wait <= S_NEXT; state <= S_WAIT; end
            end
          end else if (state != S_FETCH || accepted) begin
            if (state == S_FETCH)
              cnt[1 + ${C_INPUT_READS}] <= cnt[1 + ${C_INPUT_READS}] + 1;
            if (state == S_STAGE) begin
              cnt[1 + cl * NCF + ${C_ONCHIP_READS}] <= cnt[1 + cl * NCF + ${C_ONCHIP_READS}] + 1;
              if (!(oy >= yp_in[15:0] && oy < yp_in[31:16] && ox >= xp_in[15:0] && ox < xp_in[31:16]))
                cnt[1 + cl * NCF + ${C_CACHED_READS}] <= cnt[1 + cl * NCF + ${C_CACHED_READS}] + 1;
              st_valid <= 1'b1;
              st_addr <= WINW'((32'(oc) * win_rows + 32'(oy) - 32'(yr_in[15:0])) * win_cols + 32'(ox) - 32'(xr_in[15:0]));
            end
            if (state == S_DRAIN_RD) begin
              if (g_reg[${G_RESIDUAL}][0])
                cnt[1 + last_layer * NCF + ${C_RESIDUAL}] <= cnt[1 + last_layer * NCF + ${C_RESIDUAL}] + 1;
              drain_addr <= g_reg[${G_OUTPUT_DRAM}] + out_off + (32'(oc) * hl + 32'(oy)) * wlst + 32'(ox);
              state <= S_DRAIN_WR;
            end else if (walk_last) begin
              if (state == S_FETCH) begin after_wait <= S_STAGE; state <= S_WAIT; end
              else state <= S_STAGE_END;
            end
            if (state != S_DRAIN_RD) begin
${WALK_STEP}
            end
          end
        end
        S_DRAIN_WR:
          if (accepted) begin
            cnt[1 + last_layer * NCF + ${C_OUTPUT_WRITES}] <= cnt[1 + last_layer * NCF + ${C_OUTPUT_WRITES}] + 1;
            if (walk_last) begin after_wait <= S_NEXT; state <= S_WAIT; end
            else begin
              state <= S_DRAIN_RD;
${WALK_STEP}
            end
          end
        S_STAGE_END: begin
          grp <= '0; kb <= '0; cy <= yp_out[15:0]; cx <= xp_out[15:0];
          rc <= '0; rr <= '0; rs <= '0; wp <= '0;
          if (yp_out[15:0] >= yp_out[31:16] || xp_out[15:0] >= xp_out[31:16]) begin
            // Nothing of this layer's output is new in this tile.
            if (cl + 1 < nl) begin cl <= cl + 1; winit <= 1'b1; state <= S_STAGE; end
            else begin winit <= 1'b1; state <= S_DRAIN_RD; end
          end else state <= S_COMP;
        end
        S_COMP: begin
          issue <= 1'b1;
          cnt[1 + cl * NCF + ${C_MACS}] <= cnt[1 + cl * NCF + ${C_MACS}] + 64'(lanes_valid);
          if (rs + 1 < 16'(lf_S)) rs <= rs + 1;
          else begin
            rs <= '0;
            if (rr + 1 < 16'(lf_R)) rr <= rr + 1;
            else begin rr <= '0; rc <= rc + 1; end
          end
          if (last_term) begin rc <= '0; state <= S_COMP_END; end
        end
        S_COMP_END: state <= S_WRITE;
        S_WRITE: begin
          cnt[1 + cl * NCF + ${C_WRITES}] <= cnt[1 + cl * NCF + ${C_WRITES}] + 1;
          if (wp + 1 < lanes_valid) wp <= wp + 1;
          else begin
            wp <= '0;
            state <= S_COMP;
            if (cx + 1 < xp_out[31:16]) cx <= cx + 1;
            else begin
              cx <= xp_out[15:0];
              if (cy + 1 < yp_out[31:16]) cy <= cy + 1;
              else begin
                cy <= yp_out[15:0];
                if (kb + lanes_valid < 16'(lf_Kg)) kb <= kb + lanes_valid;
                else begin
                  kb <= '0;
                  if (grp + 1 < 16'(lf_Groups)) grp <= grp + 1;
                  else begin
                    grp <= '0;
                    winit <= 1'b1;
                    if (cl + 1 < nl) begin cl <= cl + 1; state <= S_STAGE; end
                    else state <= S_DRAIN_RD;
                  end
                end
              end
            end
          end
        end
        S_WAIT:
          if (q_count == '0) begin
            state <= after_wait;
            winit <= 1'b1;
          end
        S_NEXT: begin
          state <= S_TILE;
          if (32'(tx) + 1 < g_reg[${G_TILES_X}]) tx <= tx + 1;
          else begin
            tx <= '0;
            if (32'(ty) + 1 < g_reg[${G_TILES_Y}]) ty <= ty + 1;
            else begin
              ty <= '0;
              // The batch: the next image's tile grid, with the same tile tables and weights.
              if (32'(image) + 1 < g_reg[${G_IMAGES}]) begin
                image <= image + 1'b1;
                in_off <= in_off + g_reg[${G_INPUT_IMAGE}];
                out_off <= out_off + g_reg[${G_OUTPUT_IMAGE}];
              end else begin state <= S_IDLE; busy <= 1'b0; done <= 1'b1; end
            end
          end
        end
        default: state <= S_IDLE;
      endcase
    end
  end

  // Stage pipeline: the activation word read last cycle lands in the window memory.
  always_ff @(posedge clk) begin
    if (st_valid) win[st_addr] <= act_qa;
  end
endmodule
)";

}  // namespace

const char *fused_walk_step() { return kWalkStep; }
const char *fused_top_template() { return kFusedTop; }

}  // namespace tessera::rtl
