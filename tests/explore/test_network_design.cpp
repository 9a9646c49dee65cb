// One design for a network (explore/NetworkDesign.h): every winner runs on the design, and the
// design's buffers fit the architecture it reports.
#include "DesignSpec.h"
#include "MapSpace.h"
#include "NetworkDesign.h"
#include "TestLayers.h"
#include "ir/ArchitectureJson.h"

#include <catch2/catch.hpp>

#include <functional>

using namespace tessera;
using namespace tessera::explore;
using namespace tessera::test;

namespace {

// The index of the problem dim `name` (k, c, ...) in `info`.
int dim_of(const SpaceInfo &info, const std::string &name) {
    for (int d = 0; d < info.dims(); ++d)
        if (info.problem.dims[size_t(d)].name == name) return d;
    FAIL("no dim " << name);
    return -1;
}

}  // namespace



TEST_CASE("one design: its buffers fit the level it splits, and every ranked mapping of a layer runs on it",
          "[explore][network]") {
    // tests/explore/tiny_network.csv on a 4x4 array with small GLBs: sized for each tensor's
    // largest tile, the design's buffers can take more than the GLB.
    ir::LayerSpec c3 = conv(4, 8, 6, 6, 3, 3);
    c3.pad = 1;
    const std::vector<ir::LayerSpec> layers = {c3, conv(8, 6, 6, 6, 1, 1, 2), fc(1, 12, 5)};
    int split = 0;
    for (int64_t glb_bytes : {512, 448, 384, 320, 256}) {
        ir::Architecture arch = ir::load_architecture(std::string(EXPLORE_DIR) + "/array_4x4_glb384.json");
        const int glb = arch.level_index("GLB");
        REQUIRE(glb > 0);
        arch.levels[size_t(glb)].size_bytes = glb_bytes;
        INFO("GLB " << glb_bytes << " B");
        std::vector<SpaceInfo> spaces;
        std::vector<SearchResult> free;
        SearchOptions o;
        o.mode = "anneal", o.anneal_steps = 300, o.threads = 2;
        o.constraints.rtl_only = true;
        o.constraints.no_bypass = true;  // every tensor keeps a GLB tile (else the outputs skip it: nothing to split)
        for (const auto &l : layers) {
            spaces.push_back(space_info(problem_of(l), arch));
            free.push_back(search(spaces.back(), o));
            REQUIRE(free.back().found);
        }
        const NetworkDesign d = one_design(spaces, free, o);
        split += !d.partitions.empty();
        CHECK(d.arch.levels[size_t(glb)].partitioned() == !d.partitions.empty());
        std::vector<ir::AcceleratorIR> irs;
        for (size_t i = 0; i < layers.size(); ++i) irs.push_back(sized_ir(space_info(spaces[i].problem, d.arch), d.layers[i].best.point));
        const rtl::DesignSpec design = rtl::design_for(irs, d.arch);
        CHECK(design.buffer_bytes_at(glb) <= glb_bytes);
        // Every mapping a layer's result ranks (the written winner may be any of them: the Halide
        // round trip replaces a best that lowers to other counts) runs on the wiring the design
        // was chosen for (that of one layer's own winner, its operands' shared tiles kept or not),
        // and fits.
        const rtl::DesignSpec &wiring = d.kind;
        CHECK(rtl::why_not_wired(wiring, build_ir(spaces[d.wiring_from], free[d.wiring_from].best.point, false)) == "");
        for (size_t i = 0; i < layers.size(); ++i) {
            const SpaceInfo info = space_info(spaces[i].problem, d.arch);
            for (const auto *list : {&d.layers[i].top, &d.layers[i].pareto})
                for (const Candidate &c : *list) {
                    INFO("layer " << i << ", on " << d.wiring);
                    CHECK(rtl::why_not_same_kind(wiring, build_ir(info, c.point, false)) == "");
                    std::string misfit;
                    evaluate_point(info, c.point, &misfit);
                    CHECK(misfit == "");
                }
        }
    }
    CHECK(split > 0);  // the draw exercises the split
}

TEST_CASE("one design keeps only the ranked mappings that run on it", "[explore][network]") {
    // A layer's own search may rank mappings of several wirings; the written winner is one of them
    // (the Halide round trip may replace the best), so those wired otherwise are dropped.
    const ir::Architecture arch = ir::load_architecture(std::string(EXPLORE_DIR) + "/array_4x4.json");
    ir::LayerSpec c3 = conv(4, 8, 6, 6, 3, 3);
    c3.pad = 1;
    const SpaceInfo info = space_info(problem_of(c3), arch);
    auto dim = [&](const std::string &name) { return dim_of(info, name); };
    SearchOptions o;
    o.mode = "anneal", o.anneal_steps = 300, o.threads = 2;
    o.constraints.rtl_only = true;
    o.constraints.spatial_fixed = true;
    o.constraints.row_dims = {dim("k")}, o.constraints.col_dims = {dim("c")};
    SearchResult mixed = search(info, o);
    o.constraints.row_dims = {dim("c")}, o.constraints.col_dims = {dim("k")};
    const SearchResult other = search(info, o);
    REQUIRE(mixed.found);
    REQUIRE(other.found);
    const size_t own = mixed.top.size();
    mixed.top.insert(mixed.top.end(), other.top.begin(), other.top.end());  // ranked below the best
    mixed.pareto.insert(mixed.pareto.end(), other.pareto.begin(), other.pareto.end());
    const NetworkDesign d = one_design({info}, {mixed}, o);
    const rtl::DesignSpec wiring = rtl::design_for({build_ir(info, mixed.best.point, false)}, arch);
    CHECK(d.layers[0].top.size() >= 1);
    CHECK(d.layers[0].top.size() <= own);
    for (const auto *list : {&d.layers[0].top, &d.layers[0].pareto})
        for (const Candidate &c : *list) CHECK(rtl::why_not_same_kind(wiring, build_ir(info, c.point, false)) == "");
}

// On a machine of two shared levels, a tensor kept at both has an outer buffer and a copy walk
// that a tensor kept at one does not: layers of the two kinds do not run on one design, so the
// network's winners all keep each tensor at as many shared levels as the design (before, one
// design for ResNet-18 on four_level ran 3 of its 21 layers).
TEST_CASE("one design on two shared levels: every winner keeps each tensor at the design's levels", "[explore][network]") {
    ir::Architecture arch = ir::load_architecture("four_level");
    arch.rows = arch.cols = 4;
    ir::LayerSpec a = conv(16, 16, 8, 8, 3, 3), b = conv(8, 8, 6, 6, 3, 3);
    a.pad = b.pad = 1;
    SearchOptions o;
    o.mode = "anneal", o.anneal_steps = 300, o.threads = 2;
    o.constraints.rtl_only = true;
    std::vector<SpaceInfo> spaces;
    std::vector<SearchResult> free;
    // Each layer's winner: rows c, columns k, the window and the output plane in the GLB band; the
    // weights in L2 and the GLB (a) or in the GLB alone (b).
    for (const auto &[layer, two_levels] : {std::pair<ir::LayerSpec, bool>{a, true}, {b, false}}) {
        spaces.push_back(space_info(problem_of(layer), arch));
        const SpaceInfo &info = spaces.back();
        const int k = 1, y = 2, x = 3, c = 4, r = 5, s = 6;  // n, k, y, x, c, r, s
        REQUIRE(info.problem.dims[size_t(c)].name == "c");
        Point p = plain_point(info, {c}, {k});
        p.f.lane[size_t(c)] = p.f.lane[size_t(k)] = 4;
        for (int d : {y, x, r, s}) p.f.glb[size_t(d)] = info.extent(d);
        SearchResult res;
        res.found = true;
        p.s.level[0] = p.s.level[1] = p.s.level[2] = 1;
        p.s.outer_at[1] = two_levels ? 0 : -1;
        canonicalize(spaces.back(), p);
        REQUIRE((p.s.outer_at[1] >= 0) == two_levels);
        REQUIRE(rtl_generatable(spaces.back(), p));
        std::string misfit;
        const model::Estimate e = evaluate_point(spaces.back(), p, &misfit);
        REQUIRE(misfit == "");
        res.best = Candidate{p, e.energy_pj, e.cycles.total, score_of(o.objective, e.energy_pj, e.cycles.total)};
        res.top = res.pareto = {res.best};
        free.push_back(res);
    }
    REQUIRE(rtl::why_not_same_kind(rtl::design_for({build_ir(spaces[0], free[0].best.point, false)}, arch),
                                   build_ir(spaces[1], free[1].best.point, false)) != "");
    const NetworkDesign d = one_design(spaces, free, o);
    std::vector<ir::AcceleratorIR> irs;
    for (size_t i = 0; i < spaces.size(); ++i) irs.push_back(sized_ir(space_info(spaces[i].problem, d.arch), d.layers[i].best.point));
    const rtl::DesignSpec design = rtl::design_for(irs, d.arch);
    for (const auto &ir : irs) {
        INFO(ir.problem.layer.name << " on " << d.wiring);
        CHECK(rtl::why_not_fits(design, ir) == "");
    }
}

// On a double-buffered level a tensor's shared tile is single or double buffered, and the design
// compile builds for the winners (rtl::design_for) takes one layer's choice. A candidate that keeps
// at the GLB a tensor its own winner drained straight to DRAM left that choice open, so the layers
// searched on it chose both ways and compile refused some (ResNet-18 on double_buffered: 18 of 21
// layers ran). The layers now settle on the design their winners make: every one runs on it.
TEST_CASE("one design on a double-buffered level: the design compile derives runs every winner", "[explore][network]") {
    ir::Architecture arch = ir::load_architecture(std::string(EXPLORE_DIR) + "/array_4x4.json");
    const int glb = arch.level_index("GLB");
    arch.levels[size_t(glb)].double_buffered = true;
    ir::LayerSpec drained = conv(4, 8, 6, 6, 3, 3), single = conv(16, 16, 8, 8, 3, 3), twice = conv(8, 8, 6, 6, 1, 1);
    drained.pad = single.pad = 1;
    const std::vector<ir::LayerSpec> layers = {drained, single, twice};
    std::vector<SpaceInfo> spaces;
    for (const auto &l : layers) spaces.push_back(space_info(problem_of(l), arch));
    SearchOptions o;
    o.mode = "anneal", o.anneal_steps = 300, o.threads = 2;
    o.constraints.rtl_only = true;
    // The layers' own winners: one wiring (rows k, columns c), the operands in registers, the
    // outputs in per-PE files drained to DRAM (the first), kept at the GLB single buffered (the
    // second) or double buffered (the third).
    const std::function<bool(const Point &)> outputs[] = {
        [](const Point &p) { return p.s.dram_feeds(2); },
        [](const Point &p) { return p.s.rf_at[2] >= 0 && !p.s.dram_feeds(2) && p.s.single[2]; },
        [](const Point &p) { return p.s.rf_at[2] >= 0 && !p.s.dram_feeds(2) && !p.s.single[2]; }};
    std::vector<SearchResult> free;
    for (size_t i = 0; i < layers.size(); ++i) {
        SearchOptions own = o;
        own.constraints.spatial_fixed = true;
        own.constraints.row_dims = {dim_of(spaces[i], "k")}, own.constraints.col_dims = {dim_of(spaces[i], "c")};
        own.constraints.start_pe_tiles = 4;
        const auto &keep = outputs[i];
        own.constraints.accept = [keep](const Point &p) { return p.s.rf_at[0] < 0 && p.s.rf_at[1] < 0 && keep(p); };
        free.push_back(search(spaces[i], own));
        REQUIRE(free.back().found);
    }
    const NetworkDesign d = one_design(spaces, free, o);
    std::vector<ir::AcceleratorIR> irs;
    for (size_t i = 0; i < spaces.size(); ++i)
        irs.push_back(sized_ir(space_info(spaces[i].problem, d.arch), d.layers[i].best.point));
    const rtl::DesignSpec design = rtl::design_for(irs, d.arch);
    for (const auto &ir : irs) {
        INFO(ir.problem.layer.name << " on " << d.wiring);
        CHECK(rtl::why_not_fits(design, ir) == "");
    }
}

// A design whose lane groups are wired for its lanes (rtl::DesignSpec::row_radix) runs a layer only
// if the layer's loops on that axis fit them one by one. That depends on the extents, so the search
// asks it per point (Constraints::row_lanes), not per loop structure as `accept`: a layer searched
// again on such a design (tests/explore/lane_groups_network.csv in cli_explore_network.sh) used to
// come back with other lanes, and no candidate design settled.
TEST_CASE("a search under lane limits keeps every axis loop within them", "[explore][network]") {
    ir::LayerSpec l = conv(17, 64, 9, 5, 5, 5);
    l.N = 2;
    const ir::Architecture arch = ir::load_architecture(std::string(EXPLORE_DIR) + "/../../examples/arch/eyeriss_like.json");
    const SpaceInfo info = space_info(problem_of(l), arch);
    SearchOptions o;
    o.mode = "anneal", o.anneal_steps = 400, o.threads = 2;
    o.constraints.spatial_fixed = true;
    o.constraints.row_dims = {dim_of(info, "r"), dim_of(info, "s")};
    o.constraints.col_dims = {dim_of(info, "k"), dim_of(info, "y")};
    const SearchResult free = search(info, o);
    REQUIRE(free.found);
    // Limits the free winner exceeds: one below its lanes on each axis loop that has more than 2.
    const auto lanes = [&](const Point &p, const std::vector<int> &axis) {
        std::vector<int64_t> v;
        for (int d : axis) v.push_back(p.f.lane[size_t(d)]);
        return v;
    };
    o.constraints.row_lanes = lanes(free.best.point, o.constraints.row_dims);
    o.constraints.col_lanes = lanes(free.best.point, o.constraints.col_dims);
    bool tighter = false;
    for (auto *limit : {&o.constraints.row_lanes, &o.constraints.col_lanes})
        for (int64_t &v : *limit)
            if (v > 2) --v, tighter = true;
    REQUIRE(tighter);
    const SearchResult limited = search(info, o);
    REQUIRE(limited.found);
    std::vector<Candidate> all = limited.top;
    all.insert(all.end(), limited.pareto.begin(), limited.pareto.end());
    all.push_back(limited.best);
    for (const Candidate &c : all) {
        const auto rows = lanes(c.point, o.constraints.row_dims), cols = lanes(c.point, o.constraints.col_dims);
        for (size_t i = 0; i < rows.size(); ++i) CHECK(rows[i] <= o.constraints.row_lanes[i]);
        for (size_t i = 0; i < cols.size(); ++i) CHECK(cols[i] <= o.constraints.col_lanes[i]);
    }
    CHECK(limited.best.score >= free.best.score);
}

