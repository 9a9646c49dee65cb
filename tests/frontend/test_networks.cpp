// Bundled networks and inline specs.
#include "Networks.h"
#include "UserError.h"

#include <catch2/catch.hpp>

using namespace tessera;

TEST_CASE("bundled networks load and their MACs match the shapes", "[networks]") {
    for (const auto &name : bundled_networks()) {
        const auto layers = load_network(name);  // checks the MACs column against the shape
        REQUIRE(!layers.empty());
    }
    REQUIRE(load_network("resnet50").size() == 54);
    const auto l = find_layer(load_network("resnet50"), "Conv1", "resnet50");
    REQUIRE(l.C == 3);
    REQUIRE(l.R == 7);
    REQUIRE(l.stride == 2);
    REQUIRE(l.pad == 3);
    REQUIRE(l.out_h() == 112);
    // A 0-based position names the same layer; one past the end is an error naming the layers.
    REQUIRE(find_layer(load_network("resnet50"), "0", "resnet50").name == "Conv1");
    REQUIRE(find_layer(load_network("resnet50"), "53", "resnet50").name == load_network("resnet50").back().name);
    REQUIRE_THROWS_WITH(find_layer(load_network("resnet50"), "54", "resnet50"),
                        Catch::Matchers::Contains("no layer '54'"));
}

TEST_CASE("inline layer specs", "[networks]") {
    auto l = parse_inline_layer("conv:C=64,K=64,H=56,W=56,R=3,S=3,stride=1,pad=1");
    REQUIRE(l.macs() == 115605504);
    auto dw = parse_inline_layer("dwconv:C=32,H=112,W=112,R=3,S=3,pad=1");
    REQUIRE(dw.groups == 32);
    REQUIRE(dw.K == 32);
    auto fc = parse_inline_layer("fc:N=128,C=784,K=1000");
    REQUIRE(fc.macs() == 100352000);
}
