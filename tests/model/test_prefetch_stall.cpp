// The DMA's overlapped transfers (sim/model/PrefetchStall.h): the closed form over classes of runs
// against the run-by-run definition, on random loop extents, jobs and on-chip stalls.
#include "model/PrefetchStall.h"

#include <catch2/catch.hpp>

#include <random>

using namespace tessera::model;

TEST_CASE("prefetch stall: the closed form over runs equals the run-by-run sum", "[model][cycles]") {
    std::mt19937_64 rng(2026);
    auto below = [&](int64_t n) { return int64_t(rng() % uint64_t(n)); };
    int waited = 0, by_classes = 0;
    for (int round = 0; round < 4000; ++round) {
        const int R = 1 + int(below(6));
        std::vector<int64_t> extent(static_cast<size_t>(R));
        for (auto &e : extent) e = below(4) == 0 ? 1 : 1 + below(5);
        std::vector<int64_t> inner(size_t(R) + 1, 1);
        for (int l = R - 1; l >= 0; --l) inner[size_t(l)] = inner[size_t(l) + 1] * extent[size_t(l)];
        const int64_t runs = inner[0];
        // Up to three jobs, each the runs per tile of a buffer inside some of the run loops.
        OverlappedJob jobs[3];
        const int n = int(below(4));
        for (int j = 0; j < n; ++j)
            jobs[j] = {inner[size_t(below(R + 1))], 1 + below(60), j == 2 || below(3) == 0};
        RunStalls stalls;
        stalls.each_run = below(3) ? 0 : below(10);
        stalls.resumed = below(2) ? 0 : below(15);
        for (int l = 0; l < R; ++l) stalls.resumes.push_back(char(below(2)));
        for (int s = int(below(3)); s > 0; --s)
            stalls.spanning.push_back({int(below(R)), below(20), below(2) ? 0 : below(20), below(2) == 0});
        const int64_t run_cycles = below(40);
        const int64_t definition = prefetch_stall_by_run(jobs, n, extent.data(), R, runs, run_cycles, stalls);
        const int64_t closed = prefetch_stall(jobs, n, extent.data(), R, runs, run_cycles, &stalls);
        INFO("round " << round << ": R " << R << ", runs " << runs << ", jobs " << n);
        REQUIRE(closed == definition);
        waited += definition > 0;
        by_classes += definition > 0 && (!stalls.spanning.empty() || stalls.resumed > 0);
        // Without on-chip stalls: the closed form over periods.
        const RunStalls none{0, 0, {}, std::vector<char>(size_t(R), 0)};
        REQUIRE(prefetch_stall(jobs, n, extent.data(), R, runs, run_cycles, nullptr) ==
                prefetch_stall_by_run(jobs, n, extent.data(), R, runs, run_cycles, none));
    }
    CHECK(waited > 500);
    CHECK(by_classes > 200);
}
