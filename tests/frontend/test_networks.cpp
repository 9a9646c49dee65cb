// Bundled networks and inline specs.
#include "Networks.h"
#include "UserError.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

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

// ZigZag's ONNX-derived AlexNet (shared workloads, variants/) labels its grouped convs `gconv`.
TEST_CASE("a CSV's gconv rows are grouped convs", "[networks]") {
    const std::string path = "/tmp/tessera_gconv.csv";
    {
        std::ofstream csv(path);
        csv << "network,layer,type,N,C,K,H_in,W_in,R,S,stride_h,stride_w,pad_h,pad_w,groups,P_out,Q_out,MACs\n"
            << "alexnet_grouped,Op4,gconv,1,96,256,26,26,5,5,1,1,2,2,2,26,26,207667200\n";
    }
    const auto layers = load_network(path);
    std::remove(path.c_str());
    REQUIRE(layers.size() == 1);
    REQUIRE(layers[0].type == "conv");
    REQUIRE(layers[0].groups == 2);
    REQUIRE(layers[0].macs() == 207667200);
}

// SCALE-Sim's topologies round the output size up (AlexNet's Conv1: 224 wide, 11x11, stride 4,
// no padding, "55" outputs): the row's P_out is named, not only its MACs.
TEST_CASE("a CSV row whose P_out the shape does not give", "[networks]") {
    const std::string path = "/tmp/tessera_p_out.csv";
    {
        std::ofstream csv(path);
        csv << "network,layer,type,N,C,K,H_in,W_in,R,S,stride_h,stride_w,pad_h,pad_w,groups,P_out,Q_out,MACs\n"
            << "alexnet,Conv1,conv,1,3,96,224,224,11,11,4,4,0,0,1,55,55,105415200\n";
    }
    REQUIRE_THROWS_WITH(load_network(path), Catch::Matchers::Contains(":2: P_out column says 55 but") &&
                                                Catch::Matchers::Contains("give 54"));
    {
        std::ofstream csv(path);  // the padding SCALE-Sim assumes, at the bottom and right
        csv << "network,layer,type,N,C,K,H_in,W_in,R,S,stride_h,stride_w,pad_h,pad_w,pad_bottom,pad_right,groups,P_out,Q_out,MACs\n"
            << "alexnet,Conv1,conv,1,3,96,224,224,11,11,4,4,0,0,3,3,1,55,55,105415200\n";
    }
    const auto layers = load_network(path);
    std::remove(path.c_str());
    REQUIRE(layers.at(0).out_h() == 55);
    REQUIRE(layers.at(0).out_w() == 55);
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
