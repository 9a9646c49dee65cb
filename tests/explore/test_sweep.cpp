// The resource-allocation sweep: the designs are the cross product of the lists at the
// architecture's PE count, identical layers share one search, a design's figures are the sums of
// its layers' chosen mappings, and the throughput bound holds layer by layer.
#include "Lower.h"
#include "ResourceSweep.h"
#include "UserError.h"
#include "ir/ArchitectureJson.h"

#include <catch2/catch.hpp>

using namespace tessera;
using namespace tessera::explore;

namespace {

ir::Problem problem_of(const std::string &name, int64_t C, int64_t K, int64_t HW, int64_t R) {
    ir::LayerSpec l;
    l.name = name;
    l.type = "conv";
    l.C = C, l.K = K, l.H = HW, l.W = HW, l.R = R, l.S = R;
    l.pad = R / 2;
    ScheduleRequest req;
    req.rows = 4, req.cols = 4;
    req.buffer_bytes = 1 << 20;
    return lower_to_ir(l, req).problem;
}

// interstellar_baseline (energy by size) on a 4x4 array.
ir::Architecture base_arch() {
    ir::Architecture a = ir::load_architecture("interstellar_baseline");
    a.rows = 4, a.cols = 4;
    return a;
}

SearchOptions quick() {
    SearchOptions o;
    o.mode = "anneal";
    o.anneal_steps = 400;
    o.chains = 2;
    o.threads = 2;
    return o;
}

}  // namespace

TEST_CASE("sweep designs: the cross product at the architecture's PE count") {
    SweepSpec s;
    s.rf_bytes = {64, 512};
    s.glb_bytes = {32768, 131072, 262144};
    s.arrays = {{4, 4}, {2, 8}};
    const auto designs = sweep_architectures(base_arch(), s);
    REQUIRE(designs.size() == 12);
    for (const auto &d : designs) CHECK(d.rows * d.cols == 16);
    CHECK(designs[1].levels[2].size_bytes == 512);
    CHECK(designs[1].levels[1].size_bytes == 32768);
    CHECK(designs[11].rows == 2);
    s.arrays = {{4, 8}};
    CHECK_THROWS_WITH(sweep_architectures(base_arch(), s), Catch::Contains("holds the PE count"));
    s.arrays.clear();
    s.rf_bytes = {0};
    CHECK_THROWS_AS(sweep_architectures(base_arch(), s), UserError);
}

TEST_CASE("sweep: per-design sums, shared searches for identical layers, baseline kept once") {
    const std::vector<ir::Problem> problems = {problem_of("a", 8, 16, 8, 3), problem_of("b", 16, 8, 6, 1),
                                               problem_of("a_again", 8, 16, 8, 3)};
    SweepSpec s;
    s.rf_bytes = {32, 512};  // 512 is the baseline's: that design is the baseline
    s.glb_bytes = {131072};
    const SweepResult r = sweep(problems, base_arch(), s, quick());
    REQUIRE(r.designs.size() == 2);
    REQUIRE(r.baseline >= 0);
    CHECK(r.designs[size_t(r.baseline)].rf_bytes == 512);
    CHECK(r.searches == 2 * 2);  // two distinct layers on the baseline and on one other design
    for (const auto &d : r.designs) {
        REQUIRE(d.feasible);
        double e = 0;
        int64_t c = 0;
        for (const auto &l : d.layers) e += l.best.energy_pj, c += l.best.cycles;
        CHECK(d.energy_pj == Approx(e));
        CHECK(d.cycles == c);
        CHECK(d.layers[0].best.energy_pj == d.layers[2].best.energy_pj);
    }
    CHECK(r.designs[0].score <= r.designs[1].score);
    // A smaller RF costs less per access (energy_by_size): the designs differ.
    CHECK(r.designs[0].energy_pj != r.designs[1].energy_pj);
}

TEST_CASE("sweep --hold-throughput: no layer slower than on the baseline") {
    const std::vector<ir::Problem> problems = {problem_of("a", 8, 16, 8, 3), problem_of("b", 16, 8, 6, 1)};
    SweepSpec s;
    s.rf_bytes = {16, 64};
    s.glb_bytes = {32768, 262144};
    s.hold_throughput = true;
    const SweepResult r = sweep(problems, base_arch(), s, quick());
    const auto &base = r.designs[size_t(r.baseline)];
    REQUIRE(base.feasible);
    for (const auto &d : r.designs)
        if (d.feasible)
            for (size_t i = 0; i < problems.size(); ++i)
                CHECK(d.layers[i].best.cycles <= base.layers[i].best.cycles);
}

// --sweep-double-buffer: the GLB single and double buffered; under the cycles objective the
// overlapped fills win on a layer whose tiles are refilled often, at the price of smaller tiles.
TEST_CASE("sweep --sweep-double-buffer: the GLB both ways, and double buffering pays in cycles") {
    SweepSpec s;
    s.double_buffering = true;
    s.glb_bytes = {32768};
    const auto designs = sweep_architectures(base_arch(), s);
    REQUIRE(designs.size() == 2);
    CHECK_FALSE(designs[0].levels[1].double_buffered);
    CHECK(designs[1].levels[1].double_buffered);
    CHECK(designs[1].name.find("glb32Kx2") != std::string::npos);
    SearchOptions o = quick();
    o.objective = Objective::Cycles;
    const SweepResult r = sweep({problem_of("a", 32, 32, 28, 3)}, base_arch(), s, o);
    REQUIRE(r.designs.size() == 3);  // the baseline (128 KB, single) and the two swept designs
    for (const auto &d : r.designs) REQUIRE(d.feasible);
    const DesignResult *single = nullptr, *doubled = nullptr;
    for (const auto &d : r.designs)
        if (d.glb_bytes == 32768) (d.glb_double_buffered ? doubled : single) = &d;
    REQUIRE(single);
    REQUIRE(doubled);
    CHECK(doubled->cycles < single->cycles);
}
