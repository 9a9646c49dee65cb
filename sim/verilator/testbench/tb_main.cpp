// Testbench for a generated tessera accelerator (compiled with the Verilated top, prefix Vdut).
// It plays the driver and the DRAM: reads a job file of commands (register writes, DRAM loads,
// runs, register reads, DRAM dumps), executes them cycle by cycle and writes the results.
//
// Job file: little-endian uint32 words, "TSJ1", then commands:
//   1 addr value          write a config register (one cycle on the config port)
//   2 base count words... load DRAM words
//   3 max_cycles          run until the design reports done; result: ok, cycles_lo, cycles_hi
//   4 addr                read a config register; result: value
//   5 base count          dump DRAM words; result: the words
//   0                     end
// DRAM model: a request accepted in cycle c is answered (read data or write acknowledge) in cycle
// c + LATENCY, in order. LATENCY is the first argument. DRAM is always ready, unless the optional
// fourth argument STALLS (a percentage, 0..90) makes it refuse requests (mem_req_ready low) in
// that share of cycles, pseudo-randomly with a fixed seed: the design must then lose nothing and
// produce the same outputs and access counts, only later.
#include "Vdut.h"
#include "verilated.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <vector>

namespace {

struct Response {
    uint64_t due;
    uint32_t data;
};

struct Bench {
    Vdut dut;
    std::vector<uint32_t> dram;
    std::deque<Response> responses;
    uint64_t cycle = 0;
    uint64_t latency = 4;
    uint64_t stall_percent = 0;
    uint64_t stall_state = 0x9e3779b97f4a7c15ull;  // xorshift64
    bool dram_error = false;

    bool refuses() {
        if (stall_percent == 0) return false;
        stall_state ^= stall_state << 13;
        stall_state ^= stall_state >> 7;
        stall_state ^= stall_state << 17;
        return stall_state % 100 < stall_percent;
    }

    // One clock cycle: inputs of this cycle are set; evaluate, serve DRAM, clock edge.
    void tick() {
        dut.mem_req_ready = refuses() ? 0 : 1;
        if (!responses.empty() && responses.front().due == cycle) {
            dut.mem_rsp_valid = 1;
            dut.mem_rsp_data = responses.front().data;
            responses.pop_front();
        } else {
            dut.mem_rsp_valid = 0;
        }
        dut.clk = 0;
        dut.eval();
        if (dut.mem_req_valid && dut.mem_req_ready) {
            uint32_t addr = dut.mem_req_addr;
            if (addr >= dram.size()) {
                dram_error = true;
                std::fprintf(stderr, "tb: DRAM access out of range: word %u (DRAM has %zu)\n", addr,
                             dram.size());
            } else if (dut.mem_req_write) {
                dram[addr] = dut.mem_req_wdata;
            }
            uint32_t data = !dut.mem_req_write && addr < dram.size() ? dram[addr] : 0;
            responses.push_back({cycle + latency, data});
        }
        dut.clk = 1;
        dut.eval();
        ++cycle;
    }
};

uint32_t next(FILE *f) {
    uint32_t w;
    if (std::fread(&w, 4, 1, f) != 1) {
        std::fprintf(stderr, "tb: truncated job file\n");
        std::exit(2);
    }
    return w;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s LATENCY JOB RESULT [STALLS]\n", argv[0]);
        return 2;
    }
    Verilated::commandArgs(1, argv);
    Bench b;
    b.latency = std::strtoull(argv[1], nullptr, 10);
    if (argc > 4) b.stall_percent = std::min<uint64_t>(std::strtoull(argv[4], nullptr, 10), 90);
    FILE *job = std::fopen(argv[2], "rb");
    FILE *out = std::fopen(argv[3], "wb");
    if (!job || !out) {
        std::fprintf(stderr, "tb: cannot open job or result file\n");
        return 2;
    }
    auto put = [&](uint32_t w) { std::fwrite(&w, 4, 1, out); };
    if (next(job) != 0x314A5354u) {  // "TSJ1"
        std::fprintf(stderr, "tb: not a job file\n");
        return 2;
    }
    b.dut.cfg_write = 0;
    b.dut.cfg_addr = 0;
    b.dut.cfg_wdata = 0;
    b.dut.rst = 1;
    for (int i = 0; i < 4; ++i) b.tick();
    b.dut.rst = 0;
    b.tick();
    for (;;) {
        uint32_t cmd = next(job);
        if (cmd == 0) break;
        switch (cmd) {
        case 1: {
            b.dut.cfg_addr = next(job);
            b.dut.cfg_wdata = next(job);
            b.dut.cfg_write = 1;
            b.tick();
            b.dut.cfg_write = 0;
            break;
        }
        case 2: {
            uint32_t base = next(job), count = next(job);
            if (b.dram.size() < uint64_t(base) + count) b.dram.resize(uint64_t(base) + count, 0);
            if (count && std::fread(&b.dram[base], 4, count, job) != count) {
                std::fprintf(stderr, "tb: truncated DRAM image\n");
                return 2;
            }
            break;
        }
        case 3: {
            uint64_t max_cycles = next(job), start = b.cycle;
            bool ok = true;
            b.tick();  // the start write's effect
            while (!(b.dut.done && !b.dut.busy)) {
                if (b.cycle - start > max_cycles || b.dram_error) {
                    ok = false;
                    break;
                }
                b.tick();
            }
            uint64_t cycles = b.cycle - start;
            put(ok ? 1 : 0);
            put(uint32_t(cycles));
            put(uint32_t(cycles >> 32));
            break;
        }
        case 4: {
            b.dut.cfg_addr = next(job);
            b.dut.clk = 0;
            b.dut.eval();
            put(b.dut.cfg_rdata);
            break;
        }
        case 5: {
            uint32_t base = next(job), count = next(job);
            for (uint32_t i = 0; i < count; ++i) put(uint64_t(base) + i < b.dram.size() ? b.dram[base + i] : 0);
            break;
        }
        default:
            std::fprintf(stderr, "tb: unknown command %u\n", cmd);
            return 2;
        }
    }
    b.dut.final();
    std::fclose(out);
    return 0;
}
