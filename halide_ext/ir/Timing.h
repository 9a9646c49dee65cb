// Cycle constants of the generated hardware's phases (docs/hardware.md, "Cycles"). The RTL
// generator builds hardware with these latencies and sim/model adds them up; both read them here.
#pragma once

namespace tessera::ir {

struct Timing {
    int dram_latency = 4;       // request accepted -> response valid, in the testbench DRAM model
    int fill_overhead = 3;      // per DMA fill, beyond one cycle per box word and the DRAM latency:
                                // start pulse, response-queue write, completion check
    int drain_overhead = 3;     // per drain, beyond one cycle per box word and the DRAM latency:
                                // start pulse, buffer read stage, completion check
    int compute_overhead = 2;   // per uninterrupted run of compute cycles: the pipeline flush
                                // (rtl_backend kComputePipelineDepth)
    int start_overhead = 2;     // once per layer: setup and finish states of the controller
};

inline constexpr Timing kTiming{};

// A prefetched tile (docs/hardware.md, "Prefetched tiles"): its fill walk, started at the first
// iteration of the tile before it, moves one word per compute iteration of that tile (and per
// cycle the array waits for it); the array starts the tile once the last word has landed, one
// cycle after its read and not in the cycle it is written. A tile of `moves` such cycles after a
// tile of `busy` compute iterations makes the array wait this many cycles.
constexpr long long prefetch_wait(long long moves, long long busy) {
    return moves + 2 > busy ? moves + 2 - busy : 0;
}

}  // namespace tessera::ir
