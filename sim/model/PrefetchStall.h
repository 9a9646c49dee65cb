// The cycles runs wait for the DMA's overlapped transfers (docs/hardware.md, "Cycles"): while the
// array computes run r, the DMA drains the output tile run r-1 finished and fills the operand
// tiles run r+1 starts; a run whose jobs take longer than it waits for them. Counted over the runs
// in closed form, never run by run where a closed form is exact.
#pragma once

#include <cstdint>
#include <vector>

namespace tessera::model {

// A transfer that overlaps compute runs: a drain of the output tile the previous run ended (runs
// r >= 1 with period | r), or a fill of the tile the next run starts (runs r <= R-2 with period |
// r+1). `period`: runs per tile of the tensor.
struct OverlappedJob {
    int64_t period = 1;
    int64_t cycles = 0;
    bool drain = false;
};

// The single-buffered on-chip transfers inside runs (Model::onchip_transfer_cycles), as the cycles
// they stall the array in a run: the time that run gives a DMA job overlapping it beyond its
// compute. A stage whose tiles change inside runs stalls every run alike (`each_run`, plus
// `resumed` where a reduction loop before run_from is not at 0: its first visits resume
// too); one whose tiles span runs (refill_from < run_from) stalls the runs where a tile
// starts (`start`: a fill, or the reload of a block that is not a first visit) or ends
// (`end`: a drain).
struct RunStalls {
    int64_t each_run = 0, resumed = 0;
    struct Spanning {
        int from = 0;
        int64_t start = 0, end = 0;
        bool output = false;
    };
    std::vector<Spanning> spanning;
    std::vector<char> resumes;  // per loop before run_from: Model::resumes for the output
};

// Sum over the `runs` runs (each `run_cycles` of compute) of the cycles the overlapped jobs take
// beyond the run, the on-chip stalls of each run (`stalls`; nullptr: none) counting as run time.
// The runs are the odometer of the loops before `run_from` (`extent`).
int64_t prefetch_stall(const OverlappedJob *jobs, int n, const int64_t *extent, int run_from, int64_t runs,
                       int64_t run_cycles, const RunStalls *stalls);

// The same sum taken run by run (the definition; tests compare the two).
int64_t prefetch_stall_by_run(const OverlappedJob *jobs, int n, const int64_t *extent, int run_from, int64_t runs,
                              int64_t run_cycles, const RunStalls &stalls);

}  // namespace tessera::model
