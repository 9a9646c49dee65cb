// ONNX's own node tests (Debian's libonnx-testdata): each model with its test_data_set_0 inputs is
// imported (the inputs become the layer's tensors and quantization parameters), run through
// Halide's JIT and compared with output_0.pb exactly, then run on the generated RTL, which must
// match Halide bit for bit with counters equal to the model's (so it reproduces the expected
// output too). docs/onnx.md lists the cases that cannot run and why.
#include "Reference.h"
#include "SimulateLayers.h"
#include "interop/OnnxImport.h"
#include "sim/verilator/LayerData.h"
#include "sim/verilator/Npy.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

using namespace tessera;
namespace fs = std::filesystem;

namespace {

struct NodeRun {
    ir::LayerSpec layer;
    gen::LayerTensors tensors;
    std::optional<ir::SubPixel> sub_pixel;  // a ConvTranspose: how its output interleaves
};

NodeRun import_node_test(const std::string &name) {
    const fs::path dir = fs::path(ONNX_NODE_TESTS) / name;
    std::vector<std::string> inputs;
    for (int i = 0; fs::exists(dir / "test_data_set_0" / ("input_" + std::to_string(i) + ".pb")); ++i)
        inputs.push_back((dir / "test_data_set_0" / ("input_" + std::to_string(i) + ".pb")).string());
    const interop::OnnxImport imported = interop::import_onnx((dir / "model.onnx").string(), inputs);
    REQUIRE(imported.layers.size() == 1);
    NodeRun run{imported.layers[0], gen::random_tensors(imported.layers[0], 1), imported.sub_pixel[0]};
    run.layer.name = name;  // the nodes are all called y: one design runs several of them
    const interop::OnnxTensors &t = imported.tensors[0];
    REQUIRE(t.input.size() == size_t(run.tensors.input.number_of_elements()));
    REQUIRE(t.weights.size() == size_t(run.tensors.weights.number_of_elements()));
    std::copy(t.input.begin(), t.input.end(), run.tensors.input.data());
    std::copy(t.weights.begin(), t.weights.end(), run.tensors.weights.data());
    if (run.layer.bias) {
        REQUIRE(t.bias.size() == size_t(run.tensors.bias.number_of_elements()));
        std::copy(t.bias.begin(), t.bias.end(), run.tensors.bias.data());
    }
    return run;
}

// Halide's output equals output_0.pb, element for element (uint8 outputs compared as uint8).
void check_halide(const std::string &name, const NodeRun &run) {
    std::vector<int64_t> shape;
    const std::vector<int64_t> expected = interop::read_tensor_file(
        (fs::path(ONNX_NODE_TESTS) / name / "test_data_set_0" / "output_0.pb").string(), shape);
    std::vector<int32_t> out = gen::reference_outputs(run.layer, run.tensors);
    if (run.sub_pixel) out = ir::transposed_output(*run.sub_pixel, run.layer, out);
    REQUIRE(out.size() == expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        const int64_t got = run.layer.y_uint8 ? int64_t(uint8_t(out[i])) : int64_t(out[i]);
        INFO(name << " element " << i);
        REQUIRE(got == expected[i]);
    }
}

// The same tensors on the RTL (through the .npy path a user would take): bit-exact with Halide.
void check_rtl(const std::vector<NodeRun> &runs, const std::string &dataflow) {
    // One directory per process: ctest runs the test cases side by side.
    const fs::path npy = fs::temp_directory_path() /
                         ("tessera_onnx_nodes_" + dataflow + "_" + std::to_string(::getpid()));
    std::vector<ir::AcceleratorIR> irs;
    for (const auto &r : runs) {
        const fs::path d = npy / vsim::layer_file_stem(r.layer.name);
        fs::create_directories(d);
        auto shape = [](const auto &b) {
            std::vector<int64_t> s;
            for (int i = 0; i < b.dimensions(); ++i) s.push_back(b.dim(i).extent());
            return vsim::numpy_shape(s);
        };
        vsim::write_npy((d / "input.npy").string(), shape(r.tensors.input),
                        std::vector<int8_t>(r.tensors.input.data(), r.tensors.input.data() + r.tensors.input.number_of_elements()));
        vsim::write_npy((d / "weights.npy").string(), shape(r.tensors.weights),
                        std::vector<int8_t>(r.tensors.weights.data(), r.tensors.weights.data() + r.tensors.weights.number_of_elements()));
        ScheduleRequest s;
        s.dataflow = dataflow;
        s.rows = s.cols = 4;
        irs.push_back(lower_to_ir(r.layer, s));
    }
    const ir::Architecture arch = ir::default_architecture();
    const rtl::RtlDesign rtl = rtl::generate_rtl(rtl::design_for(irs, arch));
    std::vector<vsim::SimLayer> layers;
    for (size_t i = 0; i < irs.size(); ++i)
        layers.push_back({irs[i], rtl::configure_layer(rtl.spec, rtl.registers, irs[i]), i});
    vsim::BuildOptions build;
    build.cycles_ahead = vsim::modelled_cycles(irs, arch);
    const vsim::VerilatedDesign design = vsim::VerilatedDesign::build(rtl, build);
    vsim::SimOptions options;
    options.tensors.npy_dir = npy.string();
    options.array_pes = rtl.spec.rows * rtl.spec.cols;
    const auto outcomes = vsim::simulate_layers(design, layers, arch, options);
    CHECK(vsim::test::failed_layers(outcomes) == "");
    fs::remove_all(npy);
}

}  // namespace

TEST_CASE("ONNX node test test_qlinearconv: Halide and RTL reproduce the expected output", "[onnx][nodes]") {
    const NodeRun run = import_node_test("test_qlinearconv");
    CHECK(run.layer.x_uint8 == 1);
    CHECK(run.layer.x_zero_point == 132);
    CHECK(run.layer.w_zero_point == 255);
    CHECK(run.layer.y_zero_point == 123);
    check_halide("test_qlinearconv", run);
    check_rtl({run}, "os");
}

TEST_CASE("ONNX node test test_qlinearmatmul_2D: Halide and RTL reproduce the expected output",
          "[onnx][nodes]") {
    const NodeRun run = import_node_test("test_qlinearmatmul_2D");
    check_halide("test_qlinearmatmul_2D", run);
    check_rtl({run}, "os");
}

TEST_CASE("ONNX node tests ConvInteger / MatMulInteger: int32 outputs reproduced", "[onnx][nodes]") {
    // These nodes output the int32 accumulator: the layers are y_int32 (no requantization), and
    // the design writes 32-bit outputs.
    std::vector<NodeRun> convs, matmuls;
    for (const char *name : {"test_basic_convinteger", "test_convinteger_with_padding",
                             "test_convinteger_without_padding", "test_matmulinteger"}) {
        INFO(name);
        NodeRun run = import_node_test(name);
        CHECK(run.layer.y_int32 == 1);
        CHECK(run.layer.effective_shift() == 0);
        check_halide(name, run);
        (run.layer.type == "fc" ? matmuls : convs).push_back(run);
    }
    check_rtl(convs, "os");
    check_rtl(matmuls, "os");
}

TEST_CASE("ONNX node tests of float Conv with integer-valued data run as integer layers",
          "[onnx][nodes]") {
    // Inputs 0..34, weights 1, outputs 12..252: exact as uint8 outputs of an integer layer
    // (multiplier 1, shift 0). Covers padding, strides, asymmetric pads and auto_pad SAME_UPPER.
    std::vector<NodeRun> runs;
    for (const char *name : {"test_basic_conv_with_padding", "test_basic_conv_without_padding",
                             "test_conv_with_strides_padding", "test_conv_with_strides_no_padding",
                             "test_conv_with_strides_and_asymmetric_padding", "test_conv_with_autopad_same"}) {
        INFO(name);
        NodeRun run = import_node_test(name);
        run.layer.multiplier = 1, run.layer.requant_shift = 0, run.layer.y_uint8 = 1;
        check_halide(name, run);
        runs.push_back(run);
    }
    check_rtl(runs, "os");
}

TEST_CASE("ONNX node test test_qlinearmatmul_3D (a batched matmul): Halide and RTL reproduce it",
          "[onnx][nodes]") {
    const NodeRun run = import_node_test("test_qlinearmatmul_3D");
    CHECK(run.layer.batch == 2);
    check_halide("test_qlinearmatmul_3D", run);
    check_rtl({run}, "os");
}

TEST_CASE("ONNX node tests of float ConvTranspose run as sub-pixel convs", "[onnx][nodes]") {
    // Integer-valued data as for the float Conv tests: the sub-pixel conv's output, interleaved
    // (depth to space), equals output_0.pb. Covers strides 3x2, pads, output_padding,
    // output_shape (a negative total pad: one row more than the full result), auto_pad
    // SAME_UPPER, dilations and the 1-D node.
    std::vector<NodeRun> runs;
    for (const char *name : {"test_convtranspose", "test_convtranspose_1d", "test_convtranspose_autopad_same",
                             "test_convtranspose_dilations", "test_convtranspose_kernel_shape",
                             "test_convtranspose_output_shape", "test_convtranspose_pad", "test_convtranspose_pads",
                             "test_convtranspose_with_kernel"}) {
        INFO(name);
        NodeRun run = import_node_test(name);
        REQUIRE(run.sub_pixel);
        CHECK(run.layer.type == "conv");
        CHECK(run.layer.K == run.sub_pixel->t.K * run.sub_pixel->phases());
        run.layer.multiplier = 1, run.layer.requant_shift = 0, run.layer.y_uint8 = 1;
        check_halide(name, run);
        runs.push_back(run);
    }
    check_rtl(runs, "os");
}

TEST_CASE("ONNX node tests without a layer are refused with one line", "[onnx][nodes]") {
    CHECK_THROWS_WITH(import_node_test("test_convtranspose_3d"),
                      Catch::Contains("only 1-D and 2-D transposed convolutions"));
}
