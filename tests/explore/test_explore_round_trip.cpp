// The winners `tessera explore` writes lower through Halide to what the search scored
// (tools/ExploreRoundTrip.h): a best candidate whose schedule does not is replaced by the
// best-scored ranked mapping that does; when none does, by the one whose lowered schedule scores
// best, with the lowered figures; when none lowers to a fitting mapping, the search's figures stay.
#include "ExploreRoundTrip.h"
#include "Networks.h"
#include "Search.h"
#include "TestLayers.h"
#include "ir/Architecture.h"

#include <catch2/catch.hpp>

using namespace tessera;
using namespace tessera::explore;
using test::problem_of;

namespace {

SearchResult searched(const SpaceInfo &info) {
    SearchOptions o;
    o.mode = "anneal";
    o.threads = 1;
    o.anneal_steps = 300;
    o.chains = 1;
    o.progress = false;
    return search(info, o);
}

}  // namespace

TEST_CASE("explore's winner: kept when it lowers as searched, else the best ranked one that does",
          "[explore]") {
    // (A layer whose short search ends on a mapping without a reduction tail, which Halide may
    // bound more widely than the search: docs/explore.md, "Tails".)
    const ir::LayerSpec layer = parse_inline_layer("conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1");
    const SpaceInfo info = space_info(problem_of(layer), ir::default_architecture());
    SearchResult r = searched(info);
    REQUIRE(r.found);
    REQUIRE(r.top.size() >= 2);
    const Candidate winner = r.best;
    CHECK(cli::lowers_as_searched(layer, info, winner));
    CHECK(cli::keep_winner_that_lowers(layer, info, Objective::Energy, r) == cli::WinnerCheck::Kept);
    CHECK(r.best.energy_pj == winner.energy_pj);

    // A best whose figures its schedule does not give (as a tail tile Halide bounds more widely
    // would): replaced by the best-scored candidate that lowers as searched.
    SearchResult wrong = r;
    wrong.best.energy_pj *= 0.5;
    wrong.best.score *= 0.5;
    wrong.top.front() = wrong.best;
    CHECK_FALSE(cli::lowers_as_searched(layer, info, wrong.best));
    CHECK(cli::keep_winner_that_lowers(layer, info, Objective::Energy, wrong) == cli::WinnerCheck::Replaced);
    CHECK(cli::lowers_as_searched(layer, info, wrong.best));
    CHECK(wrong.best.score >= winner.score);

    // None of the ranked mappings lowers as searched: the one whose lowered schedule scores best
    // is the winner, with the lowered figures (those estimate, compile and simulate see).
    SearchResult off = r;
    for (auto *list : {&off.top, &off.pareto})
        for (Candidate &c : *list) c.cycles += 1;
    off.best.cycles += 1;
    CHECK(cli::keep_winner_that_lowers(layer, info, Objective::Energy, off) == cli::WinnerCheck::Relowered);
    CHECK(cli::lowers_as_searched(layer, info, off.best));
    CHECK(off.best.energy_pj == winner.energy_pj);
    CHECK(off.best.cycles == winner.cycles);

    // No ranked mapping lowers to one that fits (here: checked on an architecture whose GLB holds
    // none of their tiles): the search's best stays.
    ir::Architecture tiny = ir::default_architecture();
    tiny.levels[size_t(tiny.level_index("GLB"))].size_bytes = 1;
    const SpaceInfo on_tiny = space_info(problem_of(layer), tiny);
    SearchResult none = r;
    const Candidate kept = none.best;
    CHECK(cli::keep_winner_that_lowers(layer, on_tiny, Objective::Energy, none) == cli::WinnerCheck::NoneLowers);
    CHECK(none.best.cycles == kept.cycles);
    CHECK(none.best.energy_pj == kept.energy_pj);
}
