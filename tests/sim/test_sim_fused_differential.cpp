// The random differential test of fused groups (issue 12): random chains of 2-3 small conv /
// grouped / depthwise layers (1x1, 3x3, 5x5, stride 1 or 2, with and without bias / ReLU /
// residual, one image or a batch of 2), random
// tiles and overlap modes, all compiled into one design (one Verilator build) and each required
// bit-exact against Halide's fused pipeline with every counter equal to the fusion model and the
// cycles equal to the design's cycle model. ctest runs a bounded number of groups;
// TESSERA_FUSED_CASES=N and TESSERA_FUSED_SEED=S run more (each run builds one design for its groups).
#include "FusedSupport.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

using namespace tessera;

namespace {

uint64_t env_or(const char *name, uint64_t fallback) {
    const char *v = std::getenv(name);
    return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

}  // namespace

TEST_CASE("random fused groups are bit-exact with exact counters and cycles", "[sim][fused][differential]") {
    const uint64_t cases = env_or("TESSERA_FUSED_CASES", 12), seed = env_or("TESSERA_FUSED_SEED", 2026);
    std::vector<ir::FusedGroup> groups;
    for (uint64_t i = 0; i < cases; ++i) groups.push_back(test::random_group(seed * 1000003 + i));
    const auto outcomes = test::run_groups(groups, {ir::default_architecture()}, seed);
    int modes[3] = {0, 0, 0};
    for (size_t i = 0; i < outcomes.size(); ++i) {
        const auto &o = outcomes[i];
        const auto &g = groups[i];
        std::string shape;
        for (const auto &l : g.layers)
            shape += " " + l.type + ":N=" + std::to_string(l.N) + ",C=" + std::to_string(l.C) + ",K=" + std::to_string(l.K) + ",H=" +
                     std::to_string(l.H) + ",W=" + std::to_string(l.W) + ",R=" + std::to_string(l.R) + ",groups=" + std::to_string(l.groups) +
                     ",stride=" + std::to_string(l.stride);
        INFO("case " << i << ": tile " << g.tile_h << "x" << g.tile_w << " " << ir::to_string(g.overlap)
                     << (g.residual ? " residual" : "") << shape << "\n" << vsim::fused_report(o));
        CHECK(o.pass());
        ++modes[int(g.overlap)];
    }
    if (cases >= 12) {  // the bounded run covers every mode
        CHECK(modes[0] > 0);
        CHECK(modes[1] > 0);
        CHECK(modes[2] > 0);
    }
}
