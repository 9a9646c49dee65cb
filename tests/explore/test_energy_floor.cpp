// The energy floor (model/EnergyFloor.h): the elements a layer touches, counted exactly; and no
// mapping the model can score, searched or preset, on any architecture, goes below the floor.
#include "Lower.h"
#include "TestLayers.h"
#include "Search.h"
#include "UserError.h"
#include "ir/ArchitectureJson.h"
#include "model/EnergyFloor.h"
#include "model/Model.h"

#include <catch2/catch.hpp>

#include <random>

using namespace tessera;
using test::conv;
using test::problem_of;

namespace {

int64_t touched(const ir::LayerSpec &l, ir::TensorRole role) {
    const ir::Problem p = problem_of(l);
    return model::touched_elements(p, p.tensor(role));
}

}  // namespace

TEST_CASE("energy floor: the elements a layer touches", "[model][floor]") {
    using ir::TensorRole;
    ir::LayerSpec l = conv(3, 5, 7, 9, 1, 1);
    l.stride = 2;  // 1x1 stride 2: rows and columns 0, 2, 4, ...
    CHECK(touched(l, TensorRole::Input) == 3 * 4 * 5);
    CHECK(touched(l, TensorRole::Weight) == 3 * 5);
    CHECK(touched(l, TensorRole::Output) == 5 * 4 * 5);
    l.stride = 3;  // rows 0, 3, 6; columns 0, 3, 6
    CHECK(touched(l, TensorRole::Input) == 3 * 3 * 3);
    ir::LayerSpec p = conv(2, 4, 6, 6, 3, 3);
    p.pad = 1;  // padding positions are not elements
    CHECK(touched(p, TensorRole::Input) == 2 * 6 * 6);
    ir::LayerSpec s = conv(2, 2, 9, 9, 3, 3);
    s.stride = 2;  // 3x3 stride 2 covers every row: 2y + r
    CHECK(touched(s, TensorRole::Input) == 2 * 9 * 9);
    ir::LayerSpec d = conv(1, 1, 10, 10, 2, 2);
    d.dilation = 3, d.stride = 4;  // 4y + 3r, y in {0, 1}, r in {0, 1}: rows 0, 3, 4, 7
    CHECK(touched(d, TensorRole::Input) == 4 * 4);
    ir::LayerSpec g = conv(8, 8, 5, 5, 3, 3);
    g.groups = 4;  // each group reads its own channels: every input channel once
    CHECK(touched(g, TensorRole::Input) == 8 * 5 * 5);
    CHECK(touched(g, TensorRole::Weight) == 8 * 2 * 3 * 3);
}

TEST_CASE("energy floor: no searched or preset mapping goes below it", "[model][floor]") {
    std::mt19937 rng(11);
    auto pick = [&](std::initializer_list<int64_t> v) { return *(v.begin() + rng() % v.size()); };
    std::vector<ir::Architecture> archs = {ir::default_architecture(), ir::load_architecture("eyeriss_16x16"),
                                           ir::load_architecture("four_level"), ir::load_architecture("systolic"),
                                           ir::load_architecture("double_buffered")};
    archs[0].leakage_pj_per_cycle = 3.5;
    archs[0].mac_pj = 0.2;
    int checked = 0;
    for (int draw = 0; draw < 24; ++draw) {
        ir::LayerSpec l;
        const int64_t kind = pick({0, 1, 2});
        if (kind == 0) {
            l = conv(pick({3, 8, 16}), pick({4, 16}), pick({7, 12}), pick({7, 9}), pick({1, 3}), pick({1, 3}));
            l.stride = pick({1, 2}), l.pad = pick({0, 1}), l.dilation = pick({1, 2});
            if (l.C % 2 == 0 && l.K % 2 == 0) l.groups = pick({1, 2});
        } else if (kind == 1) {
            l = conv(8, 8, pick({8, 10}), pick({8, 11}), 3, 3);
            l.groups = 8, l.stride = pick({1, 2}), l.pad = 1;
        } else {
            l.type = "fc";
            l.N = pick({1, 4}), l.C = pick({16, 48}), l.K = pick({8, 20});
        }
        const ir::Architecture &arch = archs[size_t(draw) % archs.size()];
        const ir::Problem problem = problem_of(l);
        const double floor = model::energy_floor(problem, arch).total_pj();
        INFO("draw " << draw << " on " << arch.name);
        REQUIRE(floor > 0);
        const explore::SpaceInfo info = explore::space_info(problem, arch);
        explore::SearchOptions o;
        o.mode = "anneal", o.anneal_steps = 300, o.chains = 2, o.threads = 2, o.polish_sweeps = 2;
        const explore::SearchResult r = explore::search(info, o);
        for (const auto *list : {&r.top, &r.pareto})
            for (const explore::Candidate &c : *list) {
                CHECK(c.energy_pj >= floor * (1 - 1e-12));
                ++checked;
            }
        for (const char *dataflow : {"os", "ws", "is", "rs"}) {
            ScheduleRequest req;
            req.dataflow = dataflow;
            req.rows = arch.rows, req.cols = arch.cols;
            try {
                const ir::AcceleratorIR ir = lower_to_ir(l, req);
                model::Model m(ir, arch);
                CHECK(m.evaluate().energy_pj >= floor * (1 - 1e-12));
                ++checked;
            } catch (const UserError &) {
                // a preset that does not fit this architecture: nothing to compare
            }
        }
    }
    CHECK(checked > 100);
}
