// The winners `tessera explore` writes lower through Halide to what the search scored
// (tools/ExploreRoundTrip.h): a best candidate whose schedule does not is replaced by the
// best-scored ranked mapping that does, and none that does leaves the search's figures.
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
    CHECK(cli::keep_winner_that_lowers(layer, info, r) == cli::WinnerCheck::Kept);
    CHECK(r.best.energy_pj == winner.energy_pj);

    // A best whose figures its schedule does not give (as a tail tile Halide bounds more widely
    // would): replaced by the best-scored candidate that lowers as searched.
    SearchResult wrong = r;
    wrong.best.energy_pj *= 0.5;
    wrong.best.score *= 0.5;
    wrong.top.front() = wrong.best;
    CHECK_FALSE(cli::lowers_as_searched(layer, info, wrong.best));
    CHECK(cli::keep_winner_that_lowers(layer, info, wrong) == cli::WinnerCheck::Replaced);
    CHECK(cli::lowers_as_searched(layer, info, wrong.best));
    CHECK(wrong.best.score >= winner.score);

    // None of the ranked mappings lowers as searched: the search's best stays.
    SearchResult none = r;
    for (auto *list : {&none.top, &none.pareto})
        for (Candidate &c : *list) c.cycles += 1;
    none.best.cycles += 1;
    const Candidate kept = none.best;
    CHECK(cli::keep_winner_that_lowers(layer, info, none) == cli::WinnerCheck::NoneLowers);
    CHECK(none.best.cycles == kept.cycles);
}
