// The controller: the phase sequencer of docs/hardware.md, "Execution" and "Cycles". It loads the
// bias table, then walks the loop nest run by run. Before a run it has the DMA fill the buffers
// whose tile starts there; the run issues one compute iteration per cycle and lets the pipeline
// flush; a finished output tile is drained through the post-op to DRAM.
//
// Double-buffered tensors (DesignSpec) move their transfers into the run: while the array computes
// run r, the DMA drains the output tile run r-1 finished and fills the operand tiles run r+1 will
// start, into the banks the array is not using. A run then lasts max(compute, those transfers).
// Only the first fill and the last drain of a double-buffered tensor stall the array.
#include "Emitters.h"
#include "SvText.h"
#include "ir/Timing.h"

#include <algorithm>
#include <sstream>
#include <tuple>
#include <utility>

namespace tessera::rtl {

static_assert(kComputePipelineDepth == ir::kTiming.compute_overhead,
              "Timing.h compute_overhead must be the pipeline flush the controller waits for");

std::string emit_controller(const DesignSpec &d) {
    const int T = d.loops, lb = d.loop_bits();
    const bool di = d.input_double_buffered, dw = d.weight_double_buffered, dout = d.output_double_buffered;
    const bool prefetch = d.prefetches();
    const bool banks = prefetch || dout;
    auto flag = [](bool b) { return std::string(b ? "1'b1" : "1'b0"); };

    std::string bank_ports;
    if (di) bank_ports += "  output logic input_bank,             // bank the array reads (the DMA fills the other)\n";
    if (dw) bank_ports += "  output logic weight_bank,\n";
    if (dout) bank_ports += "  output logic output_bank,            // bank the array accumulates in\n";
    std::string bank_reset, bank_toggle;
    if (di) bank_reset += "      input_bank <= 1'b0;\n", bank_toggle += "      if (fill_input_needed) input_bank <= !input_bank;\n";
    if (dw) bank_reset += "      weight_bank <= 1'b0;\n", bank_toggle += "      if (fill_weight_needed) weight_bank <= !weight_bank;\n";
    if (dout) bank_reset += "      output_bank <= 1'b0;\n", bank_toggle += "      if (zero_from[output_tile_from]) output_bank <= !output_bank;\n";

    // Per-PE files (EmitPeBuffers.cpp): before an iteration that starts a per-PE tile, the array
    // stalls while the fill walk moves the tile (input, then weight): one cycle to start, one per
    // word, one for the last word to land and one to resume = words + fill_overhead.
    // An operand at two shared levels (EmitStaging.cpp) copies each inner tile the same way, before
    // the operands' per-PE fills (which read the inner tile).
    const bool pe = d.onchip_fills();
    static_assert(ir::kTiming.fill_overhead == 3, "a per-PE fill stalls words + 3 cycles");
    std::string pe_ports, pe_logic, pe_ff;
    // Prefetched tiles (EmitPrefetch.cpp): the array first waits for a prefetch to land,
    // then starts this iteration's other transfers (compute_free), so each wait is the model's.
    const PrefetchControl prefetch_files = prefetch_control(d);
    const bool pf = !prefetch_files.logic.empty();
    const std::string in_compute = pf ? "compute_free" : "state == COMPUTE";
    // Output blocks the walks drain and reload: the inner of two shared levels (EmitStaging.cpp),
    // whose drain also waits for the pipeline's last writes, and per-PE accumulator files; with
    // both, the inner shared block is the outer of the two (its drains go after the files', its
    // reloads before).
    struct OutputBlock {
        std::string name;    // signal prefix: output_stage or output_pe
        bool files;          // per-PE accumulator files (else the inner shared block)
        std::string amount;  // the transfer's length port: words (files) or cycles at the level's port
        int amount_bits;
        int64_t wait;        // cycles a drain waits before its walk starts
        int64_t cycles;      // the longest transfer, wait included
    };
    std::vector<OutputBlock> blocks;
    if (d.output_staged())
        blocks.push_back({"output_stage", false, "output_stage_cycles", output_stage_cycle_bits(d), output_drain_wait(d),
                          d.output_depth * d.output_stage_element_cycles + output_drain_wait(d)});
    if (d.output_pe_walk())
        blocks.push_back({"output_pe", true, "output_pe_words", bits_for(d.output_pe_depth) + 1, d.skew(),
                          d.output_pe_depth + d.skew()});
    const bool output_blocks = !blocks.empty();
    int64_t block_cycles = 0;
    for (const auto &b : blocks) block_cycles = std::max(block_cycles, b.cycles);
    auto any_block = [&](const std::string &suffix) {
        std::string s;
        for (const auto &b : blocks) s += (s.empty() ? "" : " || ") + b.name + suffix;
        return blocks.size() > 1 ? "(" + s + ")" : s;
    };
    if (pe) {
        const int64_t stage_words = std::max(d.input_outer_depth > 0 ? d.input_depth : 0,
                                             d.weight_outer_depth > 0 ? d.weight_depth : 0);
        const int wb =
            bits_for(std::max({d.input_pe_depth, d.weight_pe_depth, block_cycles, stage_words}) + 3) + 1;
        // A done flag per operand that has per-PE files (it remembers that this iteration's fill ran).
        std::string done_flags;
        if (d.input_fill_walk()) done_flags += ", input_pe_done";
        if (d.weight_fill_walk()) done_flags += ", weight_pe_done";
        pe_ports += prefetch_files.ports;
        pe_ff += prefetch_files.ff;
        pe_logic = prefetch_files.logic + "  logic input_pe_due, weight_pe_due" + done_flags + ", pe_stall;\n" +
                   "  logic pe_after_flush;  // the transfer runs after a run's flush (an accumulator drain)\n"
                   "  logic [" + std::to_string(wb) + "-1:0] pe_count;\n";
        std::string stage_due;  // inner-tile copies due: they go first
        for (const auto &[t, staged, words] :
             {std::tuple<std::string, bool, int64_t>{"input", d.input_outer_depth > 0, d.input_depth},
              {"weight", d.weight_outer_depth > 0, d.weight_depth}}) {
            if (!staged) continue;
            pe_ports += "  input  logic [" + std::to_string(lb) + "-1:0] " + t + "_stage_from,\n"
                        "  input  logic [" + std::to_string(bits_for(words) + 1) + "-1:0] " + t + "_stage_words,\n"
                        "  output logic " + t + "_stage_fill,      // a copy of the inner tile starts\n";
            // A prefetched inner tile (EmitPrefetch.cpp) is not copied while the array waits.
            const bool ahead = t == "input" ? d.input_stage_double_buffered : d.weight_stage_double_buffered;
            pe_logic += "  logic " + t + "_stage_due, " + t + "_stage_done;\n"
                        "  assign " + t + "_stage_due = zero_from[" + t + "_stage_from]" +
                        (ahead ? " && !" + t + "_stage_ahead" : "") + " && !" + t + "_stage_done;\n";
            stage_due += " || " + t + "_stage_due";
            pe_ff += "      if (" + t + "_stage_fill) begin\n"
                     "        pe_count <= " + std::to_string(wb) + "'(" + t + "_stage_words) + 1'b1;\n"
                     "        " + t + "_stage_done <= 1'b1;\n"
                     "      end\n"
                     "      if (issue || state == IDLE) " + t + "_stage_done <= 1'b0;\n";
        }
        // The first copy due starts (input before weight); the per-PE fills wait for the copies.
        // (An output block's drain or reload, sharing pe_count, goes before any of them.)
        const std::string output_first =
            output_blocks ? " && !" + any_block("_drain_pending") + " && !" + any_block("_reload_due") : "";
        if (d.input_outer_depth > 0)
            pe_logic += "  assign input_stage_fill = " + in_compute + output_first + " && input_stage_due;\n";
        if (d.weight_outer_depth > 0)
            pe_logic += "  assign weight_stage_fill = " + in_compute + output_first +
                        (d.input_outer_depth > 0 ? " && !input_stage_due" : "") + " && weight_stage_due;\n";
        const std::string no_stage = stage_due.empty() ? "" : " && !(" + stage_due.substr(4) + ")";
        // Output blocks: after the iteration that ends a block, the array stalls while the walk
        // drains it (per-PE files through the adder trees into the GLB, an inner shared block
        // into the outer one); before the first iteration of a block that is not a first visit,
        // it stalls while the walk reloads the block's partial sums. Each takes its words (or
        // cycles) + fill_overhead, as the model's onchip_transfers. A block that ends a run drains
        // after the run's flush, before the DMA's jobs; a drain that follows another one after
        // the flush starts as that one ends. A drain first waits `wait` cycles (the model's
        // drain_wait): an inner shared block for the pipeline's last writes into it, a pipelined
        // array's files for its skew (their drained sums reach the GLB that much later,
        // EmitTop.cpp), so that nothing reads the buffer before they land.
        for (size_t i = 0; i < blocks.size(); ++i) {
            const OutputBlock &b = blocks[i];
            const std::string drain_extra = b.wait ? " + " + std::to_string(wb) + "'d" + std::to_string(b.wait) : "";
            // Drains go inner block first, reloads outer block first.
            std::string inner_drain_pending, outer_reload_due;
            for (size_t j = i + 1; j < blocks.size(); ++j) inner_drain_pending += " && !" + blocks[j].name + "_drain_pending";
            for (size_t j = 0; j < i; ++j) outer_reload_due += " && !" + blocks[j].name + "_reload_due";
            pe_ports += "  input  logic [" + std::to_string(lb) + "-1:0] " + b.name + "_from,\n"
                        "  input  logic [" + std::to_string(b.amount_bits) + "-1:0] " + b.amount + ",\n"
                        "  output logic " + b.name + "_drain,        // a drain of " +
                        (b.files ? "the accumulator files" : "the inner output block") + " starts\n"
                        "  output logic " + b.name + "_reload,       // a reload of partial sums into " +
                        (b.files ? "them" : "it") + " starts\n"
                        "  output logic " + b.name + "_begin,        // this iteration starts a " +
                        (b.files ? "file " : "") + "block\n";
            // After the flush, the next drain starts in the cycle the one before it ends.
            const std::string chained = i + 1 < blocks.size() ? " ||\n                           (state == PEFILL && pe_count == '0 && pe_after_flush)" : "";
            pe_logic += "  logic " + b.name + "_drain_pending, " + b.name + "_reload_due, " + b.name + "_reload_done;\n"
                        "  assign " + b.name + "_reload_due = zero_from[" + b.name + "_from] && !block_first && !" + b.name + "_reload_done;\n"
                        "  assign " + b.name + "_begin = issue && zero_from[" + b.name + "_from];\n"
                        "  assign " + b.name + "_drain = " + b.name + "_drain_pending" + inner_drain_pending + " &&\n"
                        "                           (" + in_compute + " || (state == FLUSH && flush_count == '0)" + chained + ");\n"
                        "  assign " + b.name + "_reload = " + in_compute + " && !" + any_block("_drain_pending") +
                        outer_reload_due + " && " + b.name + "_reload_due;\n";
            pe_ff += "      if (state == IDLE && start) " + b.name + "_drain_pending <= 1'b0;\n"
                     "      else if (issue && last_from[" + b.name + "_from]) " + b.name + "_drain_pending <= 1'b1;\n"
                     "      else if (" + b.name + "_drain) " + b.name + "_drain_pending <= 1'b0;\n"
                     "      if (" + b.name + "_drain)\n"
                     "        pe_count <= " + std::to_string(wb) + "'(" + b.amount + ") + (state == COMPUTE ? " + std::to_string(wb) + "'d1 : " + std::to_string(wb) + "'d2)" + drain_extra + ";\n"
                     "      if (" + b.name + "_reload) begin\n"
                     "        pe_count <= " + std::to_string(wb) + "'(" + b.amount + ") + 1'b1;\n"
                     "        " + b.name + "_reload_done <= 1'b1;\n"
                     "      end\n"
                     "      if (issue || state == IDLE) " + b.name + "_reload_done <= 1'b0;\n";
        }
        if (output_blocks)
            pe_ff += "      if (" + any_block("_drain") + ") pe_after_flush <= state != COMPUTE;\n"
                     "      else if ((state == COMPUTE && pe_stall) || state == IDLE) pe_after_flush <= 1'b0;\n";
        // Files DRAM fills (DesignSpec::dram_fed) are the DMA's: no fill walk.
        for (const auto &[t, walk, depth] : {std::tuple<std::string, bool, int64_t>{"input", d.input_fill_walk(), d.input_pe_depth},
                                             {"weight", d.weight_fill_walk(), d.weight_pe_depth}}) {
            if (!walk) {
                pe_logic += "  assign " + t + "_pe_due = 1'b0;\n";
                continue;
            }
            pe_ports += "  input  logic [" + std::to_string(lb) + "-1:0] " + t + "_pe_from,\n"
                        "  input  logic [" + std::to_string(bits_for(depth) + 1) + "-1:0] " + t + "_pe_words,\n"
                        "  output logic " + t + "_pe_fill,         // a fill of the per-PE tiles starts\n";
            // A prefetched tile (EmitPrefetch.cpp) is not filled while the array waits.
            const bool ahead = t == "input" ? d.input_pe_double_buffered : d.weight_pe_double_buffered;
            pe_logic += "  assign " + t + "_pe_due = zero_from[" + t + "_pe_from]" + (ahead ? " && !" + t + "_pe_ahead" : "") +
                        " && !" + t + "_pe_done;\n";
            pe_ff += "      if (" + t + "_pe_fill) begin\n"
                     "        pe_count <= " + std::to_string(wb) + "'(" + t + "_pe_words) + 1'b1;\n"
                     "        " + t + "_pe_done <= 1'b1;\n"
                     "      end\n";
        }
        pe_logic += std::string("  assign pe_stall = input_pe_due || weight_pe_due") + stage_due +
                    (output_blocks ? " || " + any_block("_drain_pending") + " || " + any_block("_reload_due") : "") + ";\n";
        if (d.input_fill_walk())
            pe_logic += "  assign input_pe_fill = " + in_compute + output_first + no_stage + " && input_pe_due;\n";
        if (d.weight_fill_walk())
            pe_logic += "  assign weight_pe_fill = " + in_compute + output_first + no_stage + " && !input_pe_due && weight_pe_due;\n";
        if (!output_blocks) pe_logic += "  assign pe_after_flush = 1'b0;\n";
        pe_ff += "      if (state == PEFILL && pe_count != '0) pe_count <= pe_count - 1'b1;\n"
                 + std::string(done_flags.empty() ? "" : "      if (issue || state == IDLE) begin\n") +
                 (d.input_fill_walk() ? "        input_pe_done <= 1'b0;\n" : "") +
                 (d.weight_fill_walk() ? "        weight_pe_done <= 1'b0;\n" : "") +
                 (done_flags.empty() ? "" : "      end\n");
    }
    // Per-PE files DRAM fills or drains to (DesignSpec::dram_fed, output_dram_fed): a fill or
    // drain is one DMA job per valid lane group, back to back as the queued jobs are (each job's
    // cycles, as the model counts the lane groups' tiles); a tile none of whose groups is valid is
    // not moved. The output's groups are those valid at its tile's first iteration (latched then:
    // the nest has moved on when the tile drains).
    std::string group_ports, group_logic, group_pick, group_requeue, group_logic_tail, picked[3];
    std::string stalled_input = "fill_input_needed && (!INPUT_DOUBLE || zero_from[0])",
                stalled_weight = "fill_weight_needed && (!WEIGHT_DOUBLE || zero_from[0])",
                drain_stalls = "drain_pending && (!OUTPUT_DOUBLE || nest_done)";
    for (const auto &[t, fed, ports, job, channel] :
         {std::tuple<std::string, bool, const TensorPorts *, std::string, std::string>{"input", d.input_dram_fed, &d.input, "JOB_INPUT", "2'd0"},
          {"weight", d.weight_dram_fed, &d.weight, "JOB_WEIGHT", "2'd1"},
          {"output", d.output_dram_fed, &d.output, "JOB_DRAIN", "2'd2"}}) {
        if (!fed) continue;
        const std::string G = std::to_string(lane_groups(*ports, d)), bit = channel.substr(3);
        group_ports += "  input  logic [" + G + "-1:0] " + t + "_groups_valid,  // lane groups whose tile is valid\n"
                       "  output logic [" + G + "-1:0] " + t + "_dma_group,     // the group the DMA " +
                       (t == "output" ? "drains" : "fills") + " (one-hot)\n";
        group_logic += "  logic [" + G + "-1:0] " + t + "_groups_left, " + t + "_groups_next, " + t + "_group_pick;\n"
                       "  assign " + t + "_groups_next = enqueue_jobs[" + bit + "] ? " + t +
                       "_groups_valid : " + t + "_groups_left;\n"
                       "  assign " + t + "_group_pick = " + t + "_groups_next & (~" + t + "_groups_next + 1'b1);\n";
        group_pick += "      if (enqueue_jobs[" + bit + "]) " + t + "_groups_left <= " + t + "_groups_valid;\n";
        group_requeue += " | (dma_done && dma_channel == " + channel + " && " + t + "_groups_left != '0 ? " + job + " : 4'b0)";
        group_logic_tail = "  logic [3:0] requeued;  // the channels whose DRAM-fed files have lane groups left\n"
                           "  assign requeued = 4'b0" + group_requeue + ";\n";
        (t == "input" ? stalled_input : t == "weight" ? stalled_weight : drain_stalls) += " && " + t + "_groups_valid != '0";
        picked[std::stoi(bit)] = " " + t + "_dma_group <= " + t + "_group_pick; " + t + "_groups_left <= " + t +
                                 "_groups_next & ~" + t + "_group_pick;";
    }
    return fill(R"(// Phase sequencer. Per-iteration flags (issue stage of the compute pipeline):
//   load_input / load_weight: the operand's stationary block starts (PE registers reload)
//   block_start / block_end:  the output's accumulation block starts / ends
//   block_first:              first visit of the block's output words (start from 0, no psum read)
// Double buffered here: input ${DI}, weight ${DW}, output ${DO}.
module tessera_controller (
  input  logic clk,
  input  logic rst,
  input  logic start,
  input  logic bias_enable,
  input  logic [${LB}-1:0] run_from,
  input  logic [${LB}-1:0] input_tile_from, weight_tile_from, output_tile_from,
  input  logic [${LB}-1:0] input_stationary_from, weight_stationary_from, output_stationary_from,
  input  logic [${T}-1:0] loop_psum_window,
${REGISTER_PORTS}  // loop nest
  input  logic [${T}-1:0] at_zero,
  input  logic [${T}:0] zero_from,
  input  logic [${T}:0] last_from,
${RUN_LAST_PORT}  output logic restart,             // loop nest and address generators back to iteration 0
  output logic advance,             // step to the next iteration
  // DMA
  output logic dma_start,           // one-cycle pulse; channel valid while the job lasts
  output logic [1:0] dma_channel,   // 0 input fill, 1 weight fill, 2 output drain, 3 bias load
${PREFETCH_PORTS}  input  logic dma_done,
  output logic output_tile_done,    // this iteration completes an output tile (latch its base)
${BANK_PORTS}${PE_PORTS}${GROUP_PORTS}  // compute issue stage
  output logic issue,
  output logic load_input,
  output logic load_weight,
  output logic block_start,
  output logic block_first,
  output logic block_end,
  output logic busy,
  output logic done
);
  // BIAS, FILL and DRAIN wait for DMA jobs that stall the array; FLUSH and WAIT end a run (the
  // pipeline drains, then the jobs overlapped with the run finish).
  localparam logic [3:0] IDLE = 4'd0, SETUP = 4'd1, BIAS = 4'd2, FILL = 4'd3, COMPUTE = 4'd4,
                         FLUSH = 4'd5, WAIT = 4'd6, DRAIN = 4'd7, FINISH = 4'd8${PE_STATE};
  // DMA jobs, one bit per channel.
  localparam logic [3:0] JOB_INPUT = 4'b0001, JOB_WEIGHT = 4'b0010, JOB_DRAIN = 4'b0100,
                         JOB_BIAS = 4'b1000;
  localparam logic INPUT_DOUBLE = ${DI}, WEIGHT_DOUBLE = ${DW}, OUTPUT_DOUBLE = ${DO};

  logic [3:0] state, next_state;
  logic drain_pending;   // the last compute run ended an output tile
  logic drain_deferred;  // ... and, double buffered, its drain runs during the next compute run
  logic nest_done;       // the last iteration has been issued
  logic [${FBM}:0] flush_count;

  logic fill_input_needed, fill_weight_needed, run_ends;
  assign fill_input_needed = zero_from[input_tile_from];
  assign fill_weight_needed = zero_from[weight_tile_from];
  assign run_ends = last_from[run_from];

  assign busy = state != IDLE;
  assign restart = state == IDLE && start;
${PE_LOGIC}  assign issue = state == COMPUTE${PE_NO_ISSUE};
  assign advance = issue;
  assign load_input = zero_from[input_stationary_from];
  assign load_weight = zero_from[weight_stationary_from];
  assign block_start = zero_from[output_stationary_from];
  assign block_end = last_from[output_stationary_from];
  assign block_first = &(at_zero | ~loop_psum_window);
${REGISTER_FIRST}  assign output_tile_done = issue && last_from[output_tile_from];

  // ---- DMA job queue: a job starts when the last one is done, bias first, then drain, input,
  // weight. The sequencer below enqueues only while the DMA is idle.
  logic [3:0] queued, enqueue_jobs, candidates;
  logic job_active, dma_idle_after;${EP_DECL}
${GROUP_LOGIC}  assign candidates = enqueue_jobs | (dma_done ? queued : 4'b0)${REQUEUED};
  assign dma_idle_after = !job_active || (dma_done && queued == 4'b0${NOT_REQUEUED});
  always_ff @(posedge clk) begin
    dma_start <= 1'b0;
    if (rst || state == IDLE) begin
      queued <= 4'b0;
      job_active <= 1'b0;
    end else if (candidates != 4'b0) begin
      dma_start <= 1'b1;
      job_active <= 1'b1;
${PREFETCH_LATCH}${GROUP_PICK}      if (candidates[3]) begin dma_channel <= 2'd3; queued <= candidates & ~JOB_BIAS; end
      else if (candidates[2]) begin dma_channel <= 2'd2; queued <= candidates & ~JOB_DRAIN;${OUTPUT_PICKED} end
      else if (candidates[0]) begin dma_channel <= 2'd0; queued <= candidates & ~JOB_INPUT;${INPUT_PICKED} end
      else begin dma_channel <= 2'd1; queued <= candidates & ~JOB_WEIGHT;${WEIGHT_PICKED} end
    end else if (dma_done) job_active <= 1'b0;
  end

  // ---- run boundaries (the nest is at a run's first iteration) ----
  // Fills that stall: single-buffered tiles that start here, and every tile of the first run.
  logic [3:0] stalled_fills, overlapped_jobs;
  logic drain_stalls, window_ends, run_starts;
  logic [3:0] begin_state, end_state;
  assign stalled_fills = {2'b00,
                          ${STALLED_WEIGHT},
                          ${STALLED_INPUT}};
  // Jobs that overlap the run: the drain of the tile the last run finished, and the fills of the
  // tiles the next run starts (there is a next run, and the slots of the tensor's tile wrap).
  assign overlapped_jobs = {1'b0,
                            drain_deferred || (window_ends && OUTPUT_DOUBLE && drain_pending && !nest_done),
                            ${PREFETCH_WEIGHT},
                            ${PREFETCH_INPUT}};
  assign drain_stalls = ${DRAIN_STALLS};
  assign begin_state = stalled_fills != 4'b0 ? FILL : COMPUTE;
  assign end_state = drain_stalls ? DRAIN : nest_done ? FINISH : begin_state;
  assign window_ends = (state == FLUSH || state == WAIT) && next_state != FLUSH && next_state != WAIT;
  assign run_starts = next_state == COMPUTE && state != COMPUTE${PE_NOT_RUN_START};
${RUN_START_ASSIGN}
  always_comb begin
    next_state = state;
    case (state)
      IDLE: if (start) next_state = SETUP;
      SETUP: next_state = bias_enable ? BIAS : begin_state;
      BIAS: if (dma_idle_after) next_state = begin_state;
      FILL: if (dma_idle_after) next_state = COMPUTE;
${PE_COMPUTE}
      FLUSH: if (flush_count == ${FB}'d0) next_state = ${FLUSH_TO_PE}dma_idle_after ? end_state : WAIT;
      WAIT: if (dma_idle_after) next_state = end_state;
      DRAIN: if (dma_idle_after) next_state = nest_done ? FINISH : begin_state;
      FINISH: next_state = IDLE;
      default: next_state = IDLE;
    endcase
  end

  always_comb begin
    enqueue_jobs = 4'b0;
${EP_DEFAULT}    if (next_state != state${PE_NO_ENQUEUE})
      case (next_state)
        BIAS: enqueue_jobs = JOB_BIAS;
        FILL: enqueue_jobs = stalled_fills;
        DRAIN: enqueue_jobs = JOB_DRAIN;
        COMPUTE: begin enqueue_jobs = overlapped_jobs;${EP_SET} end
        default: ;
      endcase
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      state <= IDLE;
      done <= 1'b0;
    end else begin
      state <= next_state;
      if (state == IDLE && start) begin
        done <= 1'b0;
        nest_done <= 1'b0;
        drain_pending <= 1'b0;
        drain_deferred <= 1'b0;
${BANK_RESET}      end
      if (${RUN_END_ISSUE} && run_ends) begin
        flush_count <= ${FB}'d${FLUSH_LAST};
        drain_pending <= last_from[output_tile_from];
        nest_done <= last_from[0];
      end
      if (state == FLUSH && flush_count != ${FB}'d0) flush_count <= flush_count - ${FB}'d1;
      if (run_starts) drain_deferred <= 1'b0;
      else if (window_ends) drain_deferred <= OUTPUT_DOUBLE && drain_pending && !nest_done;
      if (state == FINISH) done <= 1'b1;
${PE_FF}    end
${BANK_TOGGLE}  end
endmodule
)",
                {{"LB", std::to_string(lb)},
                 {"T", std::to_string(T)},
                 {"DI", flag(di)},
                 {"DW", flag(dw)},
                 {"DO", flag(dout)},
                 // A pipelined array adds its skew to the flush (EmitSystolicArray.cpp).
                 {"FLUSH_LAST", std::to_string(kComputePipelineDepth - 1 + d.skew())},
                 {"FB", std::to_string(std::max(2, bits_for(kComputePipelineDepth + d.skew())))},
                 {"FBM", std::to_string(std::max(2, bits_for(kComputePipelineDepth + d.skew())) - 1)},
                 {"RUN_LAST_PORT", prefetch ? "  input  logic [" + std::to_string(T) +
                                                  ":0] run_last_from,  // slots in [l, run_from) are last\n"
                                            : ""},
                 {"PREFETCH_PORTS", prefetch ? "  output logic dma_prefetch,        // the fill is for the next run's tile\n"
                                               "  output logic run_start,           // a compute run starts (prefetch bases latch)\n"
                                             : ""},
                 {"PREFETCH_LATCH", prefetch ? "      if (enqueue_jobs != 4'b0) dma_prefetch <= enqueue_prefetch;\n" : ""},
                 {"PREFETCH_WEIGHT", dw ? "!run_last_from[0] && run_last_from[weight_tile_from]" : "1'b0"},
                 {"PREFETCH_INPUT", di ? "!run_last_from[0] && run_last_from[input_tile_from]" : "1'b0"},
                 {"BANK_PORTS", bank_ports},
                 {"EP_DECL", prefetch ? "\n  logic enqueue_prefetch;  // the jobs enqueued now overlap a run" : ""},
                 {"EP_DEFAULT", prefetch ? "    enqueue_prefetch = 1'b0;\n" : ""},
                 {"EP_SET", prefetch ? " enqueue_prefetch = 1'b1;" : ""},
                 {"RUN_START_ASSIGN", prefetch ? "  assign run_start = run_starts;\n" : ""},
                 {"BANK_RESET", bank_reset},
                 {"PE_PORTS", pe_ports},
                 // An output register level under the accumulator files: its block (block_start ..
                 // block_end) starts from 0 where it is the first visit of its output.
                 {"REGISTER_PORTS", d.output_register_level ? "  input  logic [" + std::to_string(T) +
                                                                  "-1:0] loop_register_window,\n"
                                                                  "  output logic register_first,    // the register block "
                                                                  "starts from 0 (no file read)\n"
                                                            : ""},
                 {"REGISTER_FIRST", d.output_register_level ? "  assign register_first = &(at_zero | ~loop_register_window);\n" : ""},
                 {"PE_STATE", pe ? ", PEFILL = 4'd9" : ""},
                 {"PE_LOGIC", pe_logic},
                 {"PE_NO_ISSUE", pe ? std::string(" && !pe_stall") + (pf ? " && !prefetch_wait" : "") : ""},
                 {"PE_NOT_RUN_START", pe ? " && (state != PEFILL || pe_after_flush)" : ""},
                 {"FLUSH_TO_PE", output_blocks ? any_block("_drain_pending") + " ? PEFILL : " : ""},
                 {"PE_COMPUTE", pe ? std::string("      COMPUTE: if (") + (pf ? "prefetch_wait) next_state = COMPUTE; else if (" : "") +
                                         "pe_stall) next_state = PEFILL; else if (run_ends) next_state = FLUSH;\n"
                                     "      PEFILL: if (pe_count == '0" + (blocks.size() > 1 ? " && !" + blocks.front().name + "_drain" : std::string()) +
                                     ") next_state = !pe_after_flush ? COMPUTE : dma_idle_after ? end_state : WAIT;"
                                   : "      COMPUTE: if (run_ends) next_state = FLUSH;"},
                 {"PE_NO_ENQUEUE", pe ? " && (state != PEFILL || pe_after_flush)" : ""},
                 {"RUN_END_ISSUE", pe ? "issue" : "state == COMPUTE"},
                 {"PE_FF", pe_ff},
                 {"GROUP_PORTS", group_ports},
                 {"GROUP_LOGIC", group_logic + group_logic_tail},
                 // A fill of DRAM-fed files has lane groups left: its channel's next job.
                 {"REQUEUED", group_requeue.empty() ? "" : " | requeued"},
                 {"NOT_REQUEUED", group_requeue.empty() ? "" : " && requeued == 4'b0"},
                 {"GROUP_PICK", group_pick},
                 {"INPUT_PICKED", picked[0]},
                 {"WEIGHT_PICKED", picked[1]},
                 {"OUTPUT_PICKED", picked[2]},
                 {"DRAIN_STALLS", drain_stalls},
                 {"STALLED_INPUT", stalled_input},
                 {"STALLED_WEIGHT", stalled_weight},
                 {"BANK_TOGGLE", banks ? "    if (!rst && run_starts) begin\n" + bank_toggle + "    end\n" : ""}});
}

}  // namespace tessera::rtl
