// ONNX import: ResNet-50 written with python3-onnx's helper API imports as exactly the bundled
// resnet50 CSV's layers (shapes, strides, pads, groups; names are the nodes'); a small quantized
// CNN imports with its element types, zero points, requantization and real weights; bad input
// gets one line naming the file, node or attribute.
#include "Lower.h"
#include "Networks.h"
#include "UserError.h"
#include "interop/OnnxImport.h"
#include "sim/verilator/LayerData.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace tessera;
namespace fs = std::filesystem;

namespace {

std::string model(const std::string &name) {
    const fs::path path = fs::path(MODELS_DIR) / (name + ".onnx");
    if (!fs::exists(path)) {
        const std::string python = fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        const std::string cmd = python + " " + MAKE_MODELS + " " + MODELS_DIR;
        REQUIRE(std::system(cmd.c_str()) == 0);
    }
    return path.string();
}

}  // namespace

TEST_CASE("ResNet-50 from ONNX equals the bundled CSV layer by layer", "[onnx][import]") {
    const interop::OnnxImport imported = interop::import_onnx(model("resnet50"));
    const std::vector<ir::LayerSpec> csv = load_network("resnet50");
    REQUIRE(imported.layers.size() == csv.size());
    for (size_t i = 0; i < csv.size(); ++i) {
        ir::LayerSpec a = imported.layers[i], b = csv[i];
        INFO(a.name << " vs " << b.name);
        CHECK(a.name == b.name);  // the generator script names nodes as the CSV does
        CHECK(a.type == b.type);
        CHECK(a.macs() == b.macs());
        // Shape and window only: bias / relu are the CSV's defaults, not the model's.
        a.bias = b.bias, a.relu = b.relu;
        CHECK(a == b);
    }
    CHECK(imported.skipped == std::vector<std::string>{"Relu x49", "MaxPool", "Add x16", "GlobalAveragePool", "Flatten"});
    // Every layer lowers (the CLI's --onnx path runs the same function).
    ScheduleRequest req;
    req.dataflow = "ws";
    for (const auto &l : {imported.layers.front(), imported.layers[1], imported.layers.back()})
        CHECK(lower_to_ir(l, req).problem.macs() == l.macs());
}

TEST_CASE("FSRCNN from ONNX, its ConvTranspose included, equals the bundled CSV layer by layer", "[onnx][import]") {
    // The CSV models the 9x9 stride-2 deconvolution as its sub-pixel conv (4 phases of 5x5
    // taps); the importer derives the same layer from the ConvTranspose node.
    const interop::OnnxImport imported = interop::import_onnx(model("fsrcnn"));
    const std::vector<ir::LayerSpec> csv = load_network("fsrcnn");
    REQUIRE(imported.layers.size() == csv.size());
    for (size_t i = 0; i < csv.size(); ++i) {
        ir::LayerSpec a = imported.layers[i], b = csv[i];
        INFO(a.name << " vs " << b.name);
        CHECK(a.name == b.name);
        CHECK(a.macs() == b.macs());
        a.bias = b.bias, a.relu = b.relu;
        CHECK(a == b);
        CHECK(imported.sub_pixel[i].has_value() == (a.name == "deconv"));
    }
    const ir::SubPixel &deconv = *imported.sub_pixel.back();
    CHECK(deconv.t.out[0] == 1080);
    CHECK(deconv.t.out[1] == 1920);
    CHECK(imported.notes.size() == 1);
    CHECK_THROWS_WITH(interop::import_onnx(model("bad_deconv_group")),
                      Catch::Contains("ONNX node up (ConvTranspose): attribute 'group'=3 does not divide X's 4 channels"));
    CHECK_THROWS_WITH(interop::import_onnx(model("bad_deconv_scalar_w")),
                      Catch::Contains("ONNX node deconv_scalar_w (ConvTranspose): W has 0 dims"));
    CHECK_THROWS_WITH(interop::import_onnx(model("bad_deconv_computed_w")),
                      Catch::Contains("ONNX node deconv_computed_w (ConvTranspose): W has 1 dims"));
    CHECK_THROWS_WITH(interop::import_onnx(model("bad_matmul_scalar_b")),
                      Catch::Contains("ONNX node matmul_scalar_b (MatMul): input B is a scalar"));
    CHECK_THROWS_WITH(interop::import_onnx(model("bad_deconv_strides")),
                      Catch::Contains("K x stride_y x stride_x (the sub-pixel conv's channels) = 20000000000 is outside"));
}

TEST_CASE("constants given as Constant nodes import as initializers do", "[onnx][import][quantized]") {
    // Some exporters write scales, zero points and weights as Constant nodes.
    const interop::OnnxImport a = interop::import_onnx(model("qdq_initializers")),
                              b = interop::import_onnx(model("qdq_constants"));
    REQUIRE(a.layers.size() == 1);
    REQUIRE(b.layers.size() == 1);
    CHECK(a.layers[0] == b.layers[0]);
    CHECK(b.layers[0].channel_multiplier.size() == 6);
    CHECK(b.layers[0].x_zero_point == 120);
    CHECK(b.layers[0].y_zero_point == 128);
    CHECK(b.tensors[0].weights.size() == 6 * 4 * 9);
    CHECK(a.tensors[0].weights == b.tensors[0].weights);
    CHECK(a.tensors[0].bias == b.tensors[0].bias);
}

TEST_CASE("a symbolic batch dimension is 1, other symbolic dimensions are named", "[onnx][import]") {
    const interop::OnnxImport imported = interop::import_onnx(model("symbolic_batch"));
    REQUIRE(imported.layers.size() == 2);
    CHECK(imported.layers[0].N == 1);
    CHECK(imported.layers[0].H == 16);
    CHECK(imported.layers[1].N == 1);
    CHECK(imported.layers[1].C == 8 * 16 * 16);
    REQUIRE(imported.notes.size() == 1);
    CHECK(imported.notes[0].find("'batch_size'") != std::string::npos);
    CHECK_THROWS_WITH(interop::import_onnx(model("symbolic_height")), Catch::Contains("symbolic dimension 'height'"));
}

TEST_CASE("a Gemm after a Reshape to a shape computed in the graph takes its rows from the elements",
          "[onnx][import]") {
    // PyTorch's x.view(x.size(0), -1): libonnx's shape inference leaves the Gemm's input unknown.
    const interop::OnnxImport imported = interop::import_onnx(model("flatten_dynamic"));
    REQUIRE(imported.layers.size() == 2);
    CHECK(imported.layers[1].type == "fc");
    CHECK(imported.layers[1].N == 1);
    CHECK(imported.layers[1].C == 8 * 4 * 4);
    CHECK(imported.layers[1].K == 10);
}

TEST_CASE("a float16 model imports its layers, its tensors left to the seed", "[onnx][import]") {
    const interop::OnnxImport imported = interop::import_onnx(model("conv_fp16"));
    REQUIRE(imported.layers.size() == 1);
    CHECK(imported.layers[0].K == 8);
    CHECK(imported.layers[0].bias);
    CHECK(imported.tensors[0].weights.empty());
    CHECK(imported.tensors[0].bias.empty());
}

TEST_CASE("a small quantized CNN imports with its quantization and weights", "[onnx][import][quantized]") {
    const interop::OnnxImport imported = interop::import_onnx(model("small_qcnn"));
    REQUIRE(imported.layers.size() == 4);
    const ir::LayerSpec &c1 = imported.layers[0], &dw = imported.layers[1], &qdq = imported.layers[2],
                        &mm = imported.layers[3];
    CHECK(c1.name == "qconv1");
    CHECK(c1.x_uint8 == 1);
    CHECK(c1.w_uint8 == 0);
    CHECK(c1.y_uint8 == 1);
    CHECK(c1.x_zero_point == 128);
    CHECK(c1.y_zero_point == 100);
    CHECK(c1.bias);
    // multiplier / 2^shift is exactly the float32 scale x_scale * w_scale / y_scale.
    const float scale = 0.05f * 0.02f / 0.4f;
    CHECK(double(c1.multiplier) / std::ldexp(1.0, c1.requant_shift) == double(scale));
    CHECK(c1.round_even == 1);
    CHECK(dw.type == "dwconv");
    CHECK(dw.groups == 8);
    CHECK(qdq.x_zero_point == 90);
    CHECK(qdq.y_zero_point == 128);
    CHECK(qdq.multiplier > 0);
    CHECK(mm.type == "fc");
    CHECK(mm.C == 256);
    CHECK(mm.K == 10);
    CHECK(mm.w_uint8 == 1);
    CHECK(mm.w_zero_point == 127);
    REQUIRE(imported.tensors.size() == 4);
    CHECK(imported.tensors[0].weights.size() == size_t(8 * 3 * 3 * 3));
    CHECK(imported.tensors[0].bias.size() == 8);
    CHECK(imported.tensors[3].weights.size() == size_t(256 * 10));
    ScheduleRequest req;
    req.rows = req.cols = 4;
    for (const auto &l : imported.layers) CHECK(lower_to_ir(l, req).problem.macs() == l.macs());
}

TEST_CASE("simulate --onnx: a layer runs on the model's own weights and bias", "[onnx][import][simulate]") {
    const interop::OnnxImport imported = interop::import_onnx(model("small_qcnn"));
    vsim::TensorSource source;
    const ir::LayerSpec &conv = imported.layers[0];
    source.given[conv.name] = {imported.tensors[0].weights, imported.tensors[0].bias};
    const gen::LayerTensors t = vsim::layer_tensors(source, conv, 0);
    REQUIRE(size_t(t.weights.number_of_elements()) == imported.tensors[0].weights.size());
    CHECK(std::equal(imported.tensors[0].weights.begin(), imported.tensors[0].weights.end(), t.weights.data()));
    CHECK(std::equal(imported.tensors[0].bias.begin(), imported.tensors[0].bias.end(), t.bias.data()));
    // A layer without given tensors keeps the seed's; given tensors of the wrong size are refused.
    const gen::LayerTensors seeded = vsim::layer_tensors(vsim::TensorSource{}, conv, 0);
    CHECK(!std::equal(seeded.weights.data(), seeded.weights.data() + seeded.weights.number_of_elements(), t.weights.data()));
    source.given[conv.name].weights.pop_back();
    CHECK_THROWS_WITH(vsim::layer_tensors(source, conv, 0), Catch::Contains("do not match the layer's"));
}

TEST_CASE("bad ONNX input: one line naming the file or node", "[onnx][import][errors]") {
    const fs::path bad = fs::temp_directory_path() / "tessera_not_onnx.onnx";
    std::ofstream(bad) << "this is not a protobuf\n\x01\x02";
    CHECK_THROWS_WITH(interop::import_onnx(bad.string()), Catch::Contains("is not an ONNX model"));
    CHECK_THROWS_WITH(interop::import_onnx("/nonexistent.onnx"), Catch::Contains("cannot read ONNX model"));
    int64_t m = 0;
    int s = 0;
    CHECK_THROWS_WITH(interop::fixed_point_scale(-1.0f, "scale of node x", m, s), Catch::Contains("scale of node x"));
    interop::fixed_point_scale(0.75f, "s", m, s);
    CHECK(m == 3);
    CHECK(s == 2);
}

// 1-D convolutions are the 2-D ones of a 1-pixel-high image: strides, pads, dilations and
// kernel_shape with one value (pads two) map onto the width. An opset-6 Gemm's `broadcast` is
// the per-column bias every fc has.
TEST_CASE("1-D convolutions and Gemms of older exporters import", "[onnx][import]") {
    const interop::OnnxImport imported = interop::import_onnx(model("conv1d"));
    REQUIRE(imported.layers.size() == 2);
    const ir::LayerSpec &a = imported.layers[0], &b = imported.layers[1];
    CHECK(a.type == "conv");
    CHECK((a.N == 1 && a.C == 4 && a.K == 6 && a.H == 1 && a.W == 20 && a.R == 1 && a.S == 3));
    CHECK((a.stride == 1 && a.stride_x() == 2 && a.pad == 0 && a.pad_y1() == 0 && a.pad_x0() == 1 && a.pad_x1() == 2));
    CHECK((a.out_h() == 1 && a.out_w() == 11));
    CHECK(imported.tensors[0].weights.size() == 6 * 4 * 3);
    CHECK((b.groups == 2 && b.C == 6 && b.K == 6 && b.S == 5 && b.dilation_x() == 2 && b.dilation == 1));
    CHECK((b.out_h() == 1 && b.out_w() == 11));
    CHECK(a.macs() == 11 * 6 * 4 * 3);
    ScheduleRequest req;
    req.dataflow = "ws";
    CHECK(lower_to_ir(b, req).problem.macs() == b.macs());

    const interop::OnnxImport gemm = interop::import_onnx(model("gemm_broadcast"));
    REQUIRE(gemm.layers.size() == 1);
    CHECK((gemm.layers[0].type == "fc" && gemm.layers[0].N == 3 && gemm.layers[0].C == 8 && gemm.layers[0].K == 10));
    CHECK(gemm.layers[0].bias);
    // beta = 0: C is not read, the fc has no bias; alpha != 1 would scale the integer result.
    const interop::OnnxImport mm = interop::import_onnx(model("gemm_beta0"));
    REQUIRE(mm.layers.size() == 1);
    CHECK((mm.layers[0].type == "fc" && mm.layers[0].C == 8 && mm.layers[0].K == 10 && !mm.layers[0].bias));
    CHECK(mm.tensors[0].bias.empty());
    CHECK_THROWS_WITH(interop::import_onnx(model("bad_gemm_alpha")), Catch::Contains("alpha must be 1"));

    // Invalid 1-D convs: one line each, not libonnx's crash in shape inference.
    CHECK_THROWS_WITH(interop::import_onnx(model("bad_conv_ranks")), Catch::Contains("X has 3 dims, W 4"));
    CHECK_THROWS_WITH(interop::import_onnx(model("bad_conv1d_strides")),
                      Catch::Contains("a 1-D conv's attribute 'strides' needs one value, it has 2"));
}
