// The search as work units (explore::UnitRunner, the mechanism `explore --mpi` uses): units run in
// any order, in any grouping, and through the byte encoding that travels between MPI ranks, merge
// to the same result as the ordinary threaded search.
#include "Distributed.h"
#include "Lower.h"
#include "Search.h"
#include "ir/ArchitectureJson.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>

using namespace tessera;
using namespace tessera::explore;

namespace {

SpaceInfo small_conv() {
    ir::LayerSpec l;
    l.type = "conv";
    l.C = 8, l.K = 8, l.H = 8, l.W = 8, l.R = 3, l.S = 3;
    ScheduleRequest req;
    req.rows = 1, req.cols = 4, req.spatial = "K", req.buffer_bytes = 1 << 20;
    ir::Architecture a = ir::default_architecture();
    a.rows = 4, a.cols = 4;
    for (auto &level : a.levels) {
        if (level.name == "GLB") level.size_bytes = 4096;
        if (level.name == "RF") level.size_bytes = 64, level.per_pe = true;
    }
    return space_info(lower_to_ir(l, req).problem, a);
}

SpaceInfo small_fc() {
    ir::LayerSpec l;
    l.type = "fc";
    l.N = 2, l.C = 4, l.K = 4;
    ScheduleRequest req;
    req.rows = 1, req.cols = 4, req.spatial = "K", req.buffer_bytes = 1 << 20;
    ir::Architecture arch = ir::default_architecture();
    arch.rows = 2, arch.cols = 4;
    return space_info(lower_to_ir(l, req).problem, arch);
}

bool same(const Candidate &a, const Candidate &b) {
    return a.point.s == b.point.s && a.point.f == b.point.f && a.energy_pj == b.energy_pj &&
           a.cycles == b.cycles && a.score == b.score;
}

void check_same(const SearchResult &x, const SearchResult &y) {
    CHECK(x.found == y.found);
    CHECK(x.optimal == y.optimal);
    CHECK(x.evaluated == y.evaluated);
    CHECK(same(x.best, y.best));
    REQUIRE(x.pareto.size() == y.pareto.size());
    for (size_t i = 0; i < x.pareto.size(); ++i) CHECK(same(x.pareto[i], y.pareto[i]));
    REQUIRE(x.top.size() == y.top.size());
    for (size_t i = 0; i < x.top.size(); ++i) CHECK(same(x.top[i], y.top[i]));
}

// Runs the units last first, each result through the encoding (as a remote rank's would travel).
std::vector<UnitResult> reversed_and_encoded(int n, const std::function<UnitResult(int)> &run_unit) {
    std::vector<UnitResult> out(static_cast<size_t>(n));
    for (int u = n - 1; u >= 0; --u) out[size_t(u)] = decode_units(encode_units({run_unit(u)})).at(0);
    return decode_units(encode_units(out));
}

}  // namespace

TEST_CASE("explore units: annealing chains run anywhere merge to the threaded result", "[explore][mpi]") {
    const SpaceInfo info = small_conv();
    SearchOptions a;
    a.mode = "anneal", a.anneal_steps = 1500, a.chains = 5, a.threads = 2, a.seed = 7;
    SearchOptions b = a;
    b.threads = 1;
    b.run_units = reversed_and_encoded;
    const SearchResult x = search(info, a), y = search(info, b);
    REQUIRE(x.found);
    CHECK(!x.pareto.empty());
    check_same(x, y);
}

// The progress line (on a terminal) must not hold the threaded units back: a search runs its
// units in several rounds of milliseconds each, and waiting out a fixed half-second sleep per
// round made `explore` on a terminal 13 times slower than into a pipe (6.2 s against 0.5 s for
// ResNet-50's CB2a_2). The result is the same with or without the line, and the rounds do not
// each last half a second (the bound is loose: the search itself takes milliseconds).
TEST_CASE("explore units: the progress line does not hold the threaded units back", "[explore]") {
    const SpaceInfo info = small_conv();
    SearchOptions quiet;
    quiet.mode = "anneal", quiet.anneal_steps = 300, quiet.chains = 8, quiet.threads = 2, quiet.seed = 3;
    SearchOptions shown = quiet;
    shown.progress = true;
    const auto start = std::chrono::steady_clock::now();
    const SearchResult with_line = search(info, shown);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    check_same(search(info, quiet), with_line);
    CHECK(seconds < 2.0);
}

TEST_CASE("explore units: exhaustive spatial choices run anywhere merge to the threaded result", "[explore][mpi]") {
    const SpaceInfo info = small_fc();
    SearchOptions a;
    a.mode = "exhaustive", a.threads = 2;
    SearchOptions b = a;
    b.run_units = reversed_and_encoded;
    const SearchResult x = search(info, a), y = search(info, b);
    REQUIRE(x.optimal);
    check_same(x, y);
}

TEST_CASE("explore units: an aborted unit makes auto fall back to annealing wherever it ran", "[explore][mpi]") {
    const SpaceInfo info = small_fc();
    SearchOptions a;
    a.mode = "auto", a.anneal_steps = 500, a.chains = 3, a.threads = 2;
    REQUIRE(search(info, a).optimal);  // small enough: exhaustive
    SearchOptions b = a;
    b.run_units = [](int n, const std::function<UnitResult(int)> &run_unit) {
        auto out = reversed_and_encoded(n, run_unit);
        if (n > 3) out[0].aborted = true;  // as if unit 0 went over its share on another rank
        return out;
    };
    const SearchResult y = search(info, b);
    CHECK(!y.optimal);  // the exhaustive phase was discarded
    CHECK(y.found);
}

TEST_CASE("explore units: the encoding is exact", "[explore][mpi]") {
    UnitResult u;
    u.evaluated = 123456789012345, u.aborted = true;
    Candidate c;
    c.point.s.row_dims = {1}, c.point.s.col_dims = {2, 3}, c.point.s.dram_order = {0, 1, 2, 3};
    c.point.s.glb_order = {3, 2, 1, 0}, c.point.s.rf_order = {0, 2, 1, 3};
    c.point.s.glb_at[0] = 2, c.point.s.rf_at[2] = 4, c.point.s.single[1] = true, c.point.s.output_inner_at = 1;
    c.point.f.glb = {1, 2, 3, 4}, c.point.f.lane = {1, 8, 2, 3}, c.point.f.rf = {5, 1, 1, 7};
    c.energy_pj = 0.1 + 0.2, c.cycles = int64_t(1) << 40, c.score = 1e300;
    u.pareto = {c, c}, u.top = {c};
    const auto back = decode_units(encode_units({u, UnitResult{}}));
    REQUIRE(back.size() == 2);
    CHECK(back[0].evaluated == u.evaluated);
    CHECK(back[0].aborted);
    REQUIRE(back[0].pareto.size() == 2);
    CHECK(same(back[0].pareto[1], c));
    CHECK(same(back[0].top.at(0), c));
    CHECK(back[1].pareto.empty());
    CHECK_THROWS(decode_units(encode_units({u}).substr(0, 40)));
}

TEST_CASE("explore units: static blocks per rank, then stealing from the largest block", "[explore][mpi]") {
    WorkPlan plan(10, 3);  // blocks 0-2, 3-5, 6-9
    CHECK(plan.next(0) == 0);
    CHECK(plan.next(2) == 6);
    CHECK(plan.next(0) == 1);
    CHECK(plan.next(0) == 2);
    CHECK(plan.next(0) == 5);  // own block empty: ranks 1 and 2 hold three each; the first's last
    CHECK(plan.next(1) == 3);
    CHECK(plan.next(0) == 9);  // rank 2's block is now the largest
    std::vector<int> rest;
    for (int u; (u = plan.next(2)) >= 0;) rest.push_back(u);
    std::sort(rest.begin(), rest.end());
    CHECK(rest == std::vector<int>{4, 7, 8});
    CHECK(plan.next(1) == -1);
    WorkPlan stopped(4, 2);
    stopped.stop = true;
    CHECK(stopped.next(0) == -1);
    WorkPlan more_ranks(2, 5);  // ranks without a block steal
    CHECK(more_ranks.next(0) == 0);  // blocks: rank 2 {0}, rank 4 {1}
    CHECK(more_ranks.next(4) == 1);
    CHECK(more_ranks.next(2) == -1);
}
