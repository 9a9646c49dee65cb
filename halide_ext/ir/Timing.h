// Cycle constants of the generated hardware's phases (docs/hardware.md, "Cycles"). The RTL
// generator builds hardware with these latencies and sim/model adds them up; both read them here.
#pragma once

namespace tessera::ir {

struct Timing {
    int dram_latency = 4;       // request accepted -> response valid, in the testbench DRAM model
    int fill_overhead = 2;      // per DMA fill, beyond one cycle per box word and the DRAM latency
    int drain_overhead = 2;     // per drain, beyond one cycle per box word and the DRAM latency
    int compute_overhead = 2;   // per uninterrupted run of compute cycles (pipeline fill/flush)
    int start_overhead = 2;     // once per layer (start handshake, done)
};

inline constexpr Timing kTiming{};

}  // namespace tessera::ir
