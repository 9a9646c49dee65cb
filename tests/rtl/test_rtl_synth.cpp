// Yosys accepts the generated designs; the PE stays within the cell budget (issue: <= 800 cells
// per int8 PE with Yosys's generic gates).
#include "TestDesigns.h"

#include "Lower.h"
#include "Networks.h"
#include "ir/Architecture.h"
#include "rtl_backend/RtlGenerator.h"
#include "rtl_backend/Synth.h"

#include <catch2/catch.hpp>

namespace ir = tessera::ir;
namespace rtl = tessera::rtl;
using namespace tessera::rtl::test;

TEST_CASE("Yosys synthesizes a 4x4 design: memories stay memories, PE within budget", "[rtl][synth]") {
    const TestDesign &td = test_design("ws_ck_4x4");
    const rtl::RtlDesign d = rtl::generate_rtl(td.spec());
    const rtl::SynthReport r = rtl::synthesize(d);
    const rtl::ModuleStats &top = r.modules.at(d.top);
    CHECK(r.modules.at("tessera_pe").flops == 8 + 8 + 32);  // two operand registers, accumulator
    CHECK(r.cells_per_pe() <= 800);
    // The buffers are memories, not flops: their bits are all memory bits.
    const rtl::DesignSpec &s = d.spec;
    CHECK(r.modules.at("tessera_input_glb").memory_bits == s.input_depth * s.input_bits);
    // ... and their only flops are the read-data registers, one word per read port.
    CHECK(r.modules.at("tessera_input_glb").flops == rtl::lane_groups(s.input, s) * s.input_bits);
    CHECK(r.modules.at("tessera_output_glb").memory_bits == s.output_depth * s.acc_bits);
    CHECK(top.total_memory_bits >= (s.input_depth * s.input_bits + s.weight_depth * s.weight_bits +
                                    s.output_depth * s.acc_bits + s.bias_depth * s.acc_bits));
    CHECK(r.modules.at("tessera_array").instances.at("tessera_pe") == 16);
}

TEST_CASE("Yosys synthesizes a double-buffered 4x4 design: two banks per buffer, still memories", "[rtl][synth]") {
    const TestDesign &td = test_design("ws_ck_4x4_double_buffered");
    const rtl::RtlDesign d = rtl::generate_rtl(td.spec());
    const rtl::SynthReport r = rtl::synthesize(d);
    const rtl::DesignSpec &s = d.spec;
    REQUIRE(s.input_double_buffered);
    CHECK(r.modules.at("tessera_input_glb").memory_bits == 2 * s.input_depth * s.input_bits);
    CHECK(r.modules.at("tessera_weight_glb").memory_bits == 2 * s.weight_depth * s.weight_bits);
    CHECK(r.modules.at("tessera_output_glb").memory_bits == 2 * s.output_depth * s.acc_bits);
    CHECK(r.modules.at("tessera_input_glb").flops == rtl::lane_groups(s.input, s) * s.input_bits);
    // The drain has a read port of its own (it runs while the array accumulates in the other bank).
    CHECK(r.modules.at("tessera_output_glb").flops == (rtl::lane_groups(s.output, s) + 1) * s.acc_bits);
    CHECK(r.cells_per_pe() <= 800);
}

TEST_CASE("Yosys synthesizes the 16x16 ResNet-18 weight-stationary design", "[rtl][synth][slow]") {
    tessera::ScheduleRequest request;
    request.dataflow = "ws";
    std::vector<ir::AcceleratorIR> network;
    for (const auto &layer : tessera::load_network("resnet18")) network.push_back(tessera::lower_to_ir(layer, request));
    const rtl::RtlDesign d = rtl::generate_rtl(rtl::design_for(network, ir::default_architecture(), "resnet18_ws"));
    const rtl::SynthReport r = rtl::synthesize(d);
    CHECK(r.pes == 256);
    CHECK(r.modules.at("tessera_array").instances.at("tessera_pe") == 256);
    CHECK(r.cells_per_pe() <= 800);
    WARN("16x16: " << r.modules.at(d.top).total_cells << " cells, " << r.cells_per_pe() << " per PE, "
                   << r.array_cells_per_pe() << " per PE with reduction trees, " << r.seconds << " s");
}
