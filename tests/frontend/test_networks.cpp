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

// A transposed conv (ONNX ConvTranspose) in a CSV row or an inline spec runs as its sub-pixel conv
// (ir/SubPixel.h): FSRCNN's 9x9 stride-2 deconvolution, written as the node is, gives the bundled
// fsrcnn CSV's `deconv` row (4 phases of 5x5 taps).
TEST_CASE("deconv rows and specs are their sub-pixel convs", "[networks]") {
    const ir::LayerSpec bundled = find_layer(load_network("fsrcnn"), "deconv", "fsrcnn");
    const std::string path = "/tmp/tessera_deconv.csv";
    {
        std::ofstream csv(path);
        csv << "network,layer,type,N,C,K,H_in,W_in,R,S,stride_h,stride_w,pad_h,pad_w,groups,P_out,Q_out,MACs\n"
            << "fsrcnn,deconv,deconv,1,56,1,540,960,9,9,2,2,4,4,1,1080,1920,2351462400\n"
            << "unet,up1,deconv,1,1024,512,28,28,2,2,2,2,0,0,1,56,56,\n";
    }
    const auto layers = load_network(path);
    REQUIRE(layers.size() == 2);
    ir::LayerSpec a = layers[0], b = bundled;
    a.bias = b.bias, a.relu = b.relu;
    CHECK(a == b);
    CHECK(layers[0].type == "conv");
    // U-Net's 2x2 stride-2 up-convolution: each output pixel is one tap of one phase.
    CHECK(layers[1].K == 2048);
    CHECK(layers[1].R == 1);
    CHECK(layers[1].out_h() == 28);
    CHECK(layers[1].macs() == int64_t(1) * 1024 * 512 * 28 * 28 * 4);
    {
        std::ofstream csv(path);  // a MACs column that is not the deconv's own count
        csv << "network,layer,type,N,C,K,H_in,W_in,R,S,stride_h,stride_w,pad_h,pad_w,groups,P_out,Q_out,MACs\n"
            << "fsrcnn,deconv,deconv,1,56,1,540,960,9,9,2,2,4,4,1,1080,1920,2903040000\n";
    }
    REQUIRE_THROWS_WITH(load_network(path), Catch::Matchers::Contains("but the deconv gives 2351462400"));
    {
        std::ofstream csv(path);  // an output 3 rows past the full result: output padding 3 >= stride
        csv << "network,layer,type,N,C,K,H_in,W_in,R,S,stride_h,stride_w,pad_h,pad_w,groups,P_out,Q_out,MACs\n"
            << "fsrcnn,deconv,deconv,1,56,1,540,960,9,9,2,2,4,4,1,1082,1920,\n";
    }
    REQUIRE_THROWS_WITH(load_network(path), Catch::Matchers::Contains(":2: deconv output padding 3 (rows) must be 0..1"));
    std::remove(path.c_str());
    ir::LayerSpec spec = parse_inline_layer("deconv:C=56,K=1,H=540,W=960,R=9,S=9,stride=2,pad=4,output_padding=1");
    spec.name = b.name, spec.bias = b.bias, spec.relu = b.relu;
    CHECK(spec == b);
    // A grouped deconv is a grouped sub-pixel conv: 4 phases per output channel, groups kept.
    const ir::LayerSpec grouped = parse_inline_layer("deconv:C=4,K=6,H=5,W=5,R=3,S=3,stride=2,pad=1,groups=2");
    CHECK(grouped.groups == 2);
    CHECK(grouped.K == 24);
    CHECK(grouped.R == 2);
    REQUIRE_THROWS_WITH(parse_inline_layer("deconv:C=4,K=4,H=5,W=5,R=3,S=3,stride=2,groups=3"),
                        Catch::Matchers::Contains("deconv groups=3 must divide C=4 and K=4"));
    REQUIRE_THROWS_WITH(parse_inline_layer("conv:C=4,K=4,H=5,W=5,R=3,S=3,output_padding=1"),
                        Catch::Matchers::Contains("unknown key 'output_padding'"));
}
