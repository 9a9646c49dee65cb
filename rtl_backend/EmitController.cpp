// The controller: the phase sequencer of docs/hardware.md, "Execution". It loads the bias table,
// then walks the loop nest: at a tile start it has the DMA refill the input and weight buffers,
// then issues one compute iteration per cycle until the innermost tile ends, lets the pipeline
// flush, and has the DMA drain a finished output tile through the post-op to DRAM.
#include "Emitters.h"
#include "SvText.h"
#include "ir/Timing.h"

#include <sstream>

namespace tessera::rtl {

static_assert(kComputePipelineDepth == ir::kTiming.compute_overhead,
              "Timing.h compute_overhead must be the pipeline flush the controller waits for");

std::string emit_controller(const DesignSpec &d) {
    const int T = d.loops, lb = d.loop_bits();
    return fill(R"(// Phase sequencer. Per-iteration flags (issue stage of the compute pipeline):
//   load_input / load_weight: the operand's stationary block starts (PE registers reload)
//   block_start / block_end:  the output's accumulation block starts / ends
//   block_first:              first visit of the block's output words (start from 0, no psum read)
module tessera_controller (
  input  logic clk,
  input  logic rst,
  input  logic start,
  input  logic bias_enable,
  input  logic [${LB}-1:0] run_from,
  input  logic [${LB}-1:0] input_tile_from, weight_tile_from, output_tile_from,
  input  logic [${LB}-1:0] input_stationary_from, weight_stationary_from, output_stationary_from,
  input  logic [${T}-1:0] loop_psum_window,
  // loop nest
  input  logic [${T}-1:0] at_zero,
  input  logic [${T}:0] zero_from,
  input  logic [${T}:0] last_from,
  output logic restart,             // loop nest and address generators back to iteration 0
  output logic advance,             // step to the next iteration
  // DMA
  output logic dma_start,           // one-cycle pulse; channel valid while the phase lasts
  output logic [1:0] dma_channel,   // 0 input fill, 1 weight fill, 2 output drain, 3 bias load
  input  logic dma_done,
  output logic output_tile_done,    // this iteration completes an output tile (latch its base)
  // compute issue stage
  output logic issue,
  output logic load_input,
  output logic load_weight,
  output logic block_start,
  output logic block_first,
  output logic block_end,
  output logic busy,
  output logic done
);
  localparam logic [2:0] IDLE = 3'd0, SETUP = 3'd1, DMA = 3'd2, COMPUTE = 3'd3, FLUSH = 3'd4,
                         FINISH = 3'd5;
  logic [2:0] state;
  logic [1:0] channel;
  logic drain_pending;   // the last compute run ended an output tile
  logic nest_done;       // the last iteration has been issued
  logic [1:0] flush_count;

  logic fill_input_needed, fill_weight_needed, run_ends;
  assign fill_input_needed = zero_from[input_tile_from];
  assign fill_weight_needed = zero_from[weight_tile_from];
  assign run_ends = last_from[run_from];

  assign busy = state != IDLE;
  assign restart = state == IDLE && start;
  assign issue = state == COMPUTE;
  assign advance = issue;
  assign load_input = zero_from[input_stationary_from];
  assign load_weight = zero_from[weight_stationary_from];
  assign block_start = zero_from[output_stationary_from];
  assign block_end = last_from[output_stationary_from];
  assign block_first = &(at_zero | ~loop_psum_window);
  assign output_tile_done = issue && last_from[output_tile_from];
  assign dma_channel = channel;

  // What a new tile starts with: refill the input buffer, else the weight buffer, else compute.
  logic [2:0] tile_state;
  logic [1:0] tile_channel;
  always_comb begin
    tile_state = fill_input_needed || fill_weight_needed ? DMA : COMPUTE;
    tile_channel = fill_input_needed ? 2'd0 : 2'd1;
  end

  always_ff @(posedge clk) begin
    dma_start <= 1'b0;
    if (rst) begin
      state <= IDLE;
      done <= 1'b0;
    end else begin
      case (state)
        IDLE:
          if (start) begin
            state <= SETUP;
            done <= 1'b0;
            nest_done <= 1'b0;
            drain_pending <= 1'b0;
          end
        SETUP:
          if (bias_enable) begin
            state <= DMA; channel <= 2'd3; dma_start <= 1'b1;
          end else begin
            state <= tile_state; channel <= tile_channel; dma_start <= tile_state == DMA;
          end
        DMA:
          if (dma_done)
            case (channel)
              2'd0:  // input filled
                if (fill_weight_needed) begin
                  channel <= 2'd1; dma_start <= 1'b1;
                end else state <= COMPUTE;
              2'd1: state <= COMPUTE;  // weight filled
              default:  // bias loaded or output drained
                if (nest_done) state <= FINISH;
                else begin
                  state <= tile_state; channel <= tile_channel; dma_start <= tile_state == DMA;
                end
            endcase
        COMPUTE:
          if (run_ends) begin
            state <= FLUSH;
            flush_count <= 2'd${FLUSH_LAST};
            drain_pending <= last_from[output_tile_from];
            nest_done <= last_from[0];
          end
        FLUSH:
          if (flush_count != 2'd0) flush_count <= flush_count - 2'd1;
          else if (drain_pending) begin
            state <= DMA; channel <= 2'd2; dma_start <= 1'b1;
          end else if (nest_done) state <= FINISH;
          else begin
            state <= tile_state; channel <= tile_channel; dma_start <= tile_state == DMA;
          end
        FINISH: begin
          state <= IDLE;
          done <= 1'b1;
        end
        default: state <= IDLE;
      endcase
    end
  end
endmodule
)",
                {{"LB", std::to_string(lb)},
                 {"T", std::to_string(T)},
                 {"FLUSH_LAST", std::to_string(kComputePipelineDepth - 1)}});
}

}  // namespace tessera::rtl
