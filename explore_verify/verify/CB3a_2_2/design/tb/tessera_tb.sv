// Testbench for tessera_accel: the driver and DRAM model of the Verilator harness, in SystemVerilog.
//   iverilog -g2012 -s tessera_tb -o tb.vvp tb/tessera_tb.sv rtl/*.sv
//   vvp -n tb.vvp +job=job.hex +result=result.hex +latency=4
// Job (one 32-bit hex word per line): 54534a31, then commands
//   1 addr value        write a config register        2 base count words...  load DRAM words
//   3 max_cycles        run until done (result: ok, cycles_lo, cycles_hi)
//   4 addr              read a config register (result: value)
//   5 base count        dump DRAM words (result: the words)                    0  end
// Any X seen on the DRAM port, in a DRAM write, in done/busy or in a read value is reported as a
// line starting "tb: X" (and counted in the final "tb: x_errors N" line).
`timescale 1ns/1ps
module tessera_tb;
  parameter int DRAM_WORDS = 1 << 20;
  logic clk = 1'b1, rst = 1'b1;
  logic cfg_write = 1'b0;
  logic [12-1:0] cfg_addr = '0;
  logic [31:0] cfg_wdata = '0;
  logic [31:0] cfg_rdata;
  logic mem_req_valid, mem_req_write;
  logic mem_req_ready = 1'b1;
  logic [31:0] mem_req_addr, mem_req_wdata;
  logic mem_rsp_valid = 1'b0;
  logic [31:0] mem_rsp_data = '0;
  logic busy, done;

  tessera_accel dut(.clk(clk), .rst(rst), .cfg_write(cfg_write), .cfg_addr(cfg_addr), .cfg_wdata(cfg_wdata),
             .cfg_rdata(cfg_rdata), .mem_req_valid(mem_req_valid), .mem_req_ready(mem_req_ready),
             .mem_req_write(mem_req_write), .mem_req_addr(mem_req_addr), .mem_req_wdata(mem_req_wdata),
             .mem_rsp_valid(mem_rsp_valid), .mem_rsp_data(mem_rsp_data), .busy(busy), .done(done));

  logic [31:0] dram [0:DRAM_WORDS-1];
  longint unsigned dram_size = 0;   // words loaded so far (the harness's DRAM grows as it loads)
  longint unsigned cycle = 0, latency = 4;
  // In-order responses: a request accepted in cycle c is answered in cycle c + latency.
  localparam int QUEUE = 4096;
  longint unsigned rsp_due [0:QUEUE-1];
  logic [31:0] rsp_word [0:QUEUE-1];
  int rsp_head = 0, rsp_tail = 0;
  bit dram_error = 0;
  int x_errors = 0;
  int job, result;

  task automatic x_error(input string what);
    x_errors++;
    if (x_errors <= 10) $display("tb: X %s at cycle %0d", what, cycle);
  endtask

  // One clock cycle, as the harness's tick(): inputs, settle, serve DRAM, rising edge.
  task automatic tick;
    logic [31:0] data;
    mem_req_ready = 1'b1;
    if (rsp_head != rsp_tail && rsp_due[rsp_head % QUEUE] == cycle) begin
      mem_rsp_valid = 1'b1;
      mem_rsp_data = rsp_word[rsp_head % QUEUE];
      rsp_head++;
    end else begin
      mem_rsp_valid = 1'b0;
    end
    clk = 1'b0;
    #1;
    // Before reset has been clocked in, registers are X by design: checks start after reset.
    if (!rst && $isunknown(mem_req_valid)) x_error("on mem_req_valid");
    if (mem_req_valid === 1'b1) begin
      if ($isunknown(mem_req_addr) || $isunknown(mem_req_write)) x_error("on the DRAM request address");
      if (mem_req_write === 1'b1 && $isunknown(mem_req_wdata)) x_error("in a DRAM write");
      data = 32'd0;
      if ($isunknown(mem_req_addr) || mem_req_addr >= dram_size) begin
        if (!dram_error) $display("tb: DRAM access out of range: word %0d (DRAM has %0d)", mem_req_addr, dram_size);
        dram_error = 1;
      end else if (mem_req_write === 1'b1) begin
        dram[mem_req_addr] = mem_req_wdata;
      end else begin
        data = dram[mem_req_addr];
      end
      if (rsp_tail - rsp_head >= QUEUE) $fatal(1, "tb: more than %0d DRAM responses outstanding", QUEUE);
      rsp_due[rsp_tail % QUEUE] = cycle + latency;
      rsp_word[rsp_tail % QUEUE] = data;
      rsp_tail++;
    end
    clk = 1'b1;
    #1;
    cycle++;
  endtask

  function automatic logic [31:0] next_word();
    logic [31:0] w;
    if ($fscanf(job, "%h", w) != 1) $fatal(1, "tb: truncated job file");
    return w;
  endfunction

  task automatic put(input logic [31:0] w);
    if ($isunknown(w)) x_error("in a result word");
    $fdisplay(result, "%h", w);
  endtask

  initial begin
    string job_file, result_file;
    logic [31:0] cmd, a, n, w;
    longint unsigned start, max_cycles, cycles;
    bit ok, running;
    if (!$value$plusargs("job=%s", job_file) || !$value$plusargs("result=%s", result_file))
      $fatal(1, "tb: usage: vvp tb.vvp +job=FILE +result=FILE [+latency=N]");
    if (!$value$plusargs("latency=%d", latency)) latency = 4;
    job = $fopen(job_file, "r");
    result = $fopen(result_file, "w");
    if (job == 0 || result == 0) $fatal(1, "tb: cannot open the job or result file");
    if (next_word() != 32'h314A5354) $fatal(1, "tb: not a job file");
    rst = 1'b1;
    repeat (4) tick();
    rst = 1'b0;
    tick();
    // (Icarus 11 has no break: loops run on flags.)
    cmd = next_word();
    while (cmd != 0) begin
      case (cmd)
        1: begin
          cfg_addr = next_word();
          cfg_wdata = next_word();
          cfg_write = 1'b1;
          tick();
          cfg_write = 1'b0;
        end
        2: begin
          a = next_word();
          n = next_word();
          if (longint'(a) + n > DRAM_WORDS) $fatal(1, "tb: DRAM image beyond DRAM_WORDS=%0d", DRAM_WORDS);
          if (dram_size < longint'(a) + n) begin
            for (longint unsigned i = dram_size; i < longint'(a); i++) dram[i] = '0;
            dram_size = longint'(a) + n;
          end
          for (longint unsigned i = 0; i < n; i++) dram[a + i] = next_word();
        end
        3: begin
          max_cycles = next_word();
          start = cycle;
          ok = 1;
          running = 1;
          tick();
          while (running) begin
            if ($isunknown(done) || $isunknown(busy)) x_error("on done/busy");
            if (done === 1'b1 && busy === 1'b0) begin
              running = 0;
            end else if (cycle - start > max_cycles || dram_error) begin
              ok = 0;
              running = 0;
            end else begin
              tick();
            end
          end
          cycles = cycle - start;
          put(ok);
          put(cycles[31:0]);
          put(cycles[63:32]);
        end
        4: begin
          cfg_addr = next_word();
          clk = 1'b0;
          #1;
          put(cfg_rdata);
        end
        5: begin
          a = next_word();
          n = next_word();
          for (longint unsigned i = 0; i < n; i++) put(longint'(a) + i < dram_size ? dram[a + i] : 32'd0);
        end
        default: $fatal(1, "tb: unknown command %0d", cmd);
      endcase
      cmd = next_word();
    end
    $display("tb: x_errors %0d", x_errors);
    $fclose(result);
    $finish;
  end
endmodule
