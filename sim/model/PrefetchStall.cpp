#include "PrefetchStall.h"

#include <algorithm>

namespace tessera::model {

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Runs r in [lo, hi] with period | (r + shift).
int64_t multiples_in(int64_t lo, int64_t hi, int64_t period, int64_t shift) {
    if (hi < lo) return 0;
    return floor_div(hi + shift, period) - floor_div(lo - 1 + shift, period);
}

// Runs in [0, runs) where every job of `mask` overlaps. The periods are products of the same
// loops' extents inward from each buffer, so of two periods one divides the other: a drain
// (period | r) and a fill (period | r+1) coincide only where one of the periods is 1.
int64_t runs_with_all(const OverlappedJob *jobs, int n, unsigned mask, int64_t runs) {
    int64_t lo = 0, hi = runs - 1, drain_period = 0, fill_period = 0;
    for (int j = 0; j < n; ++j) {
        if (!(mask >> j & 1u)) continue;
        if (jobs[j].drain) {
            lo = 1;
            drain_period = std::max(drain_period, jobs[j].period);
        } else {
            hi = runs - 2;
            fill_period = std::max(fill_period, jobs[j].period);
        }
    }
    if (drain_period == 0) return multiples_in(lo, hi, std::max<int64_t>(fill_period, 1), 1);
    if (fill_period == 0 || fill_period == 1) return multiples_in(lo, hi, drain_period, 0);
    if (drain_period == 1) return multiples_in(lo, hi, fill_period, 1);
    return 0;
}

// Every run `run_cycles` long: every subset of jobs, counted exactly by inclusion-exclusion over
// runs_with_all.
int64_t uniform_runs(const OverlappedJob *jobs, int n, int64_t runs, int64_t run_cycles) {
    int64_t at_least[8] = {0};
    const unsigned all = (1u << n) - 1;
    for (unsigned m = 1; m <= all; ++m) at_least[m] = runs_with_all(jobs, n, m, runs);
    int64_t stall = 0;
    for (unsigned s = 1; s <= all; ++s) {
        int64_t busy = 0;
        for (int j = 0; j < n; ++j)
            if (s >> j & 1u) busy += jobs[j].cycles;
        if (busy <= run_cycles) continue;
        int64_t exactly = 0;  // runs where the jobs of s overlap and no other
        for (unsigned t = s; t <= all; t = (t + 1) | s) {
            const int extra = __builtin_popcount(t & ~s);
            exactly += (extra % 2 ? -1 : 1) * at_least[t];
            if (t == all) break;
        }
        stall += exactly * (busy - run_cycles);
    }
    return stall;
}

// Digit values d in [0, e) of one loop under the class's conditions.
int64_t digit_values(int64_t e, bool zero, bool nonzero, bool last, bool not_last) {
    if ((zero && nonzero) || (last && not_last)) return 0;
    if (zero) return (last && e != 1) || (not_last && e == 1) ? 0 : 1;
    if (last) return nonzero && e == 1 ? 0 : 1;
    int64_t c = e - (nonzero ? 1 : 0) - (not_last ? 1 : 0);
    if (nonzero && not_last && e == 1) c += 1;  // the one value was taken away twice
    return std::max<int64_t>(c, 0);
}

// Closed form of prefetch_stall_by_run over classes of runs. Everything a run's wait depends on
// is a condition on its digits of one of three kinds: "the loops from p on are all at 0" (a drain
// is due: period | r; a spanning tile starts), "all at their last value" (a fill is due: period |
// r+1; a spanning tile ends), "a loop before q that resumes partial sums is not at 0". Each is
// monotone in p (q), so a run's conditions follow from three numbers: z, the first loop from which
// all are 0; a, the first from which all are last; m, the first resuming loop not at 0 (R: none).
// The runs of one (z, a, m) are counted loop by loop (the digits are independent). False where a
// job's period is not a run count of inner loops (then the caller goes run by run).
bool by_class(const OverlappedJob *jobs, int n, const int64_t *extent, int R, int64_t run_cycles,
              const RunStalls &stalls, int64_t &stall) {
    std::vector<int64_t> inner(size_t(R) + 1, 1);  // inner[p]: runs per step of loop p-1
    for (int l = R - 1; l >= 0; --l) inner[size_t(l)] = inner[size_t(l) + 1] * extent[l];
    int from[8];
    for (int j = 0; j < n; ++j) {
        from[j] = -1;
        for (int p = 0; p <= R && from[j] < 0; ++p)
            if (inner[size_t(p)] == jobs[j].period) from[j] = p;
        if (from[j] < 0) return false;
    }
    bool resume_matters = stalls.resumed > 0;
    for (const auto &s : stalls.spanning) resume_matters |= s.output && s.start > 0;
    stall = 0;
    for (int z = 0; z <= R; ++z)
        for (int a = 0; a <= R; ++a) {
            int64_t busy = 0;  // drains need r >= 1 (z > 0), fills r <= runs - 2 (a > 0)
            for (int j = 0; j < n; ++j)
                if (jobs[j].drain ? z > 0 && z <= from[j] : a > 0 && a <= from[j]) busy += jobs[j].cycles;
            if (busy <= run_cycles) continue;
            for (int m = resume_matters ? 0 : R; m <= R; ++m) {
                if (m < R && !stalls.resumes[size_t(m)]) continue;
                int64_t count = 1;
                for (int l = 0; l < R && count; ++l) {
                    const bool resumes = resume_matters && stalls.resumes[size_t(l)];
                    count *= digit_values(extent[l], l >= z || (resumes && l < m), l == z - 1 || (resume_matters && l == m),
                                          l >= a, l == a - 1);
                }
                if (count == 0) continue;
                int64_t onchip = stalls.each_run + (m < R ? stalls.resumed : 0);
                for (const RunStalls::Spanning &s : stalls.spanning) {
                    if (z <= s.from && (!s.output || m < s.from)) onchip += s.start;
                    if (a <= s.from) onchip += s.end;
                }
                stall += count * std::max<int64_t>(0, busy - run_cycles - onchip);
            }
        }
    return true;
}

}  // namespace

int64_t prefetch_stall_by_run(const OverlappedJob *jobs, int n, const int64_t *extent, int run_from, int64_t runs,
                              int64_t run_cycles, const RunStalls &stalls) {
    // The run's indices, kept as an odometer: `carry` is the loop that moved to reach this run
    // (-1 for run 0), so the loops after it are at 0; `resumed_at` the outermost loop not at 0
    // that makes an output visit a resumed one (RunStalls::resumes), or none.
    std::vector<int64_t> digit(size_t(run_from), 0);
    constexpr int kNone = 1 << 30;
    int carry = -1, resumed_at = kNone;
    int64_t stall = 0;
    for (int64_t r = 0; r < runs; ++r) {
        int next = run_from - 1;  // the loop that moves to the next run (-1: this is the last)
        while (next >= 0 && digit[size_t(next)] + 1 == extent[next]) --next;
        int64_t busy = 0;
        for (int j = 0; j < n; ++j)
            if (jobs[j].drain ? r >= 1 && r % jobs[j].period == 0 : r <= runs - 2 && (r + 1) % jobs[j].period == 0)
                busy += jobs[j].cycles;
        if (busy > run_cycles) {
            int64_t onchip = stalls.each_run + (resumed_at < run_from ? stalls.resumed : 0);
            for (const RunStalls::Spanning &s : stalls.spanning) {
                if (carry < s.from && (!s.output || resumed_at < s.from)) onchip += s.start;
                if (next < s.from) onchip += s.end;
            }
            stall += std::max<int64_t>(0, busy - run_cycles - onchip);
        }
        if (next < 0) break;
        ++digit[size_t(next)];
        for (int l = next + 1; l < run_from; ++l) digit[size_t(l)] = 0;
        if (resumed_at >= next) resumed_at = stalls.resumes[size_t(next)] ? next : kNone;
        carry = next;
    }
    return stall;
}

int64_t prefetch_stall(const OverlappedJob *jobs, int n, const int64_t *extent, int run_from, int64_t runs,
                       int64_t run_cycles, const RunStalls *stalls) {
    if (!stalls) return uniform_runs(jobs, n, runs, run_cycles);
    // Every run stalls at least `each_run`: where that is all (no tile spans runs, no first visit
    // depends on the run), the closed form with it is exact, and where no run waits with it, none
    // does; otherwise by classes of runs.
    const int64_t at_least_each_run = uniform_runs(jobs, n, runs, run_cycles + stalls->each_run);
    if (at_least_each_run == 0 || (stalls->spanning.empty() && stalls->resumed == 0)) return at_least_each_run;
    int64_t stall = 0;
    if (by_class(jobs, n, extent, run_from, run_cycles, *stalls, stall)) return stall;
    return prefetch_stall_by_run(jobs, n, extent, run_from, runs, run_cycles, *stalls);
}

}  // namespace tessera::model
