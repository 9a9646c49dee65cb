// The second simulator: one small layer per dataflow runs on Verilator (2-state) and on Icarus
// Verilog (4-state) from the same job; outputs, counters and cycles must agree bit for bit, and no
// X may reach a DRAM write, done/busy, a counter or an output word (run_icarus throws if one does).
#include "sim/verilator/Harness.h"
#include "sim/verilator/Icarus.h"
#include "sim/verilator/LayerData.h"
#include "sim/verilator/Simulate.h"

#include "Lower.h"
#include "Networks.h"
#include "Reference.h"
#include "SimulateLayers.h"
#include "model/Model.h"
#include "rtl_backend/DesignSpec.h"
#include "rtl_backend/LayerConfig.h"
#include "rtl_backend/RtlGenerator.h"

#include <catch2/catch.hpp>

using namespace tessera;

namespace {

void cross_check(const std::string &layer_text, const ScheduleRequest &req, const ir::Architecture &arch,
                 const std::string &dataflow) {
    const ir::LayerSpec layer = parse_inline_layer(layer_text);
    const ir::AcceleratorIR ir = lower_to_ir(layer, req);
    const rtl::RtlDesign rtl = rtl::generate_rtl(rtl::design_for({ir}, arch));
    const rtl::LayerConfig config = rtl::configure_layer(rtl.spec, rtl.registers, ir);
    const vsim::LayerTensors tensors =
        vsim::dram_tensors(vsim::layer_tensors(vsim::TensorSource{7, ""}, layer, 0), layer);
    const int64_t model_cycles = model::Model(ir, rtl::generated_architecture(arch)).evaluate().cycles.total;
    const uint64_t bound = vsim::watchdog_cycles(model_cycles);

    vsim::BuildOptions build;
    build.cycles_ahead = uint64_t(model_cycles);
    const vsim::VerilatedDesign verilated = vsim::VerilatedDesign::build(rtl, build);
    const vsim::LayerResult v = verilated.run({config}, {tensors}, bound).at(0);
    const vsim::LayerResult i = vsim::run_icarus(rtl, {config}, {tensors}, bound).at(0);
    INFO(dataflow << " " << layer_text);
    REQUIRE(v.completed);
    REQUIRE(i.completed);
    CHECK(i.testbench_cycles == v.testbench_cycles);
    CHECK(i.counters == v.counters);
    CHECK(i.output == v.output);
    // And both are right: Halide's JIT result of the same layer and tensors.
    const auto reference = gen::run_reference(layer, vsim::layer_tensors(vsim::TensorSource{7, ""}, layer, 0));
    CHECK(std::vector<int8_t>(reference.data(), reference.data() + reference.number_of_elements()) == v.output);
}

void cross_check(const std::string &layer_text, const std::string &dataflow, int64_t rows, int64_t cols) {
    ScheduleRequest req;
    req.dataflow = dataflow;
    req.rows = rows;
    req.cols = cols;
    cross_check(layer_text, req, ir::default_architecture(), dataflow);
}

}  // namespace

TEST_CASE("Icarus Verilog agrees with Verilator bit for bit, without X, on every dataflow", "[sim][icarus]") {
    if (!vsim::icarus_available()) FAIL("iverilog/vvp not found: install Debian's iverilog (tools/bootstrap.sh)");
    SECTION("os") { cross_check("conv:C=3,K=5,H=6,W=7,R=3,S=3,pad=1", "os", 4, 4); }
    SECTION("ws") { cross_check("conv:C=5,K=6,H=5,W=5,R=3,S=3,stride=2,pad=1", "ws", 4, 4); }
    SECTION("is") { cross_check("conv:C=6,K=5,H=5,W=6,R=1,S=1", "is", 4, 4); }
    SECTION("rs") { cross_check("conv:C=3,K=4,H=7,W=6,R=3,S=3", "rs", 3, 4); }
    SECTION("fc") { cross_check("fc:N=3,C=10,K=7", "ws", 4, 4); }
    // Pipelined arrays: Verilator runs their PEs in vector form, Icarus
    // the tessera_pe instances (EmitSystolicArray.cpp), so this also checks the two forms agree.
    SECTION("ws, systolic") {
        ScheduleRequest req;
        req.dataflow = "ws";
        req.rows = req.cols = 4;
        cross_check("conv:C=5,K=6,H=5,W=5,R=3,S=3,stride=2,pad=1", req,
                    vsim::test::pipelined(ir::default_architecture(), 4, 4, 1), "ws, systolic");
    }
    SECTION("os, hybrid") {
        ScheduleRequest req;
        req.dataflow = "os";
        req.rows = req.cols = 4;
        req.pipelined_array = true;  // SCALE-Sim's output stationary, Y,X|K
        cross_check("conv:C=3,K=5,H=6,W=7,R=3,S=3,pad=1", req, vsim::test::pipelined(ir::default_architecture(), 4, 4, 2),
                    "os, hybrid");
    }
    // Accumulator files (this section and the next three): Verilator runs them in vector form too
    // (EmitArray.cpp's files_vector; on the systolic array with each PE's taps of the control
    // line), Icarus the tessera_pe instances with their files. Here the psum files
    // drain into the GLB and reload their partial sums from it (examples/schedules/os_psum_files.sched
    // on 4x4 PEs), with a channel tail (c = 6 in blocks of 4).
    SECTION("psum files") {
        ir::Architecture arch = vsim::test::example_arch("eyeriss_16x16");
        arch.rows = arch.cols = 4;
        cross_check("conv:C=6,K=8,H=6,W=7,R=3,S=3", vsim::test::example_schedule("os_psum_files.sched"), arch,
                    "os_psum_files.sched");
    }
    // Per-PE ifmap files and psum files drained straight to DRAM (no output buffer), a filter
    // block with no valid lane group and a channel tail.
    SECTION("outputs to DRAM") {
        cross_check("conv:C=6,K=12,H=5,W=6,R=3,S=3,pad=1", vsim::test::example_schedule("os_outputs_to_dram.sched"),
                    vsim::test::example_arch("eyeriss_16x16"), "os_outputs_to_dram.sched");
    }
    // The same on a 4x4 systolic array (skew 6): the drained group's index on the skewed control
    // line, the DMA's delayed drain and skid queue, the per-PE files' delay lines, no X out of
    // them (the control line has no reset).
    SECTION("outputs to DRAM, systolic") {
        const ir::Architecture arch = vsim::test::pipelined(vsim::test::example_arch("eyeriss_16x16"), 4, 4, 1);
        cross_check("conv:C=6,K=12,H=5,W=6,R=3,S=3,pad=1", vsim::test::example_schedule("os_outputs_to_dram.sched"),
                    arch, "os_outputs_to_dram.sched, systolic");
    }
    // An output register under the psum files: its blocks start from the files' words (0 where
    // none is written yet: no X from an unwritten word). examples/schedules/os_output_register.sched
    // on 4x4 PEs (Icarus runs that 16x16 design at about 115 cycles/s): a channel tail on 1 of 4
    // row lanes (c = 20 in blocks of 16), a filter tail on 3 of 4 column lanes (k = 6).
    SECTION("output register") {
        const ScheduleRequest s = vsim::test::example_schedule("os_output_register.sched", vsim::test::kOutputRegister4x4);
        ir::Architecture arch = vsim::test::example_arch("eyeriss_registers");
        arch.rows = arch.cols = 4;
        const std::string layer = "conv:C=20,K=6,H=5,W=6,R=3,S=3,pad=1";
        const rtl::DesignSpec design = rtl::design_for({lower_to_ir(parse_inline_layer(layer), s)}, arch);
        CHECK(design.output_register_level);
        CHECK(design.rows * design.cols == 16);
        cross_check(layer, s, arch, s.text_origin);
    }
}
