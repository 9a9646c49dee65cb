// The emitted Verilog: deterministic, lint-clean, and (golden files) unchanged unless regenerated.
// Regenerate the golden files with TESSERA_REGENERATE_GOLDEN=1 (then review the diff).
#include "SimSupport.h"
#include "TestDesigns.h"

#include "Lower.h"
#include "Networks.h"
#include "ir/Architecture.h"
#include "ir/ArchitectureJson.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ir = tessera::ir;
namespace rtl = tessera::rtl;
using namespace tessera::rtl::test;

TEST_CASE("generation is deterministic", "[rtl][emit]") {
    for (const auto &td : test_designs()) {
        rtl::DesignSpec spec = td.spec();
        rtl::RtlDesign a = rtl::generate_rtl(spec), b = rtl::generate_rtl(spec);
        CHECK(a.files == b.files);
    }
}

TEST_CASE("every test design passes verilator --lint-only -Wall", "[rtl][lint]") {
    for (const auto &td : test_designs()) {
        INFO("design " << td.name);
        rtl::RtlDesign d = rtl::generate_rtl(td.spec());
        CHECK(lint(d) == "");
    }
    for (const auto &[spec, layers_of] : mixed_buffering_designs()) {
        INFO("design " << spec.name);
        CHECK(lint(rtl::generate_rtl(spec)) == "");
    }
}

TEST_CASE("emitted Verilog matches the golden files", "[rtl][golden]") {
    namespace fs = std::filesystem;
    const fs::path golden = fs::path(TESSERA_SOURCE_DIR) / "tests" / "rtl" / "golden";
    const bool regenerate = std::getenv("TESSERA_REGENERATE_GOLDEN") != nullptr;
    for (const auto &td : golden_designs()) {
        rtl::RtlDesign d = rtl::generate_rtl(td.spec());
        const fs::path dir = golden / td.name;
        if (regenerate) {
            fs::remove_all(dir);
            rtl::write_rtl(d, dir.string());
        }
        for (const auto &[name, text] : d.files) {
            INFO("golden file " << (dir / name).string() << " (TESSERA_REGENERATE_GOLDEN=1 rewrites it)");
            std::ifstream in(dir / name, std::ios::binary);
            REQUIRE(in);
            std::stringstream s;
            s << in.rdbuf();
            CHECK(s.str() == text);
        }
    }
}

TEST_CASE("the 16x16 ResNet-18 ws and os designs, single and double buffered, pass verilator --lint-only -Wall",
          "[rtl][lint]") {
    ir::Architecture double_buffered = ir::default_architecture();
    double_buffered.levels[1].double_buffered = true;
    for (const ir::Architecture &arch : {ir::default_architecture(), double_buffered}) {
        for (const std::string dataflow : {"ws", "os"}) {
            tessera::ScheduleRequest request;
            request.dataflow = dataflow;
            request.buffer_bytes = arch.levels[1].tile_budget_bytes();
            std::vector<ir::AcceleratorIR> network;
            for (const auto &layer : tessera::load_network("resnet18"))
                network.push_back(tessera::lower_to_ir(layer, request));
            rtl::RtlDesign d = rtl::generate_rtl(rtl::design_for(network, arch, "resnet18_" + dataflow));
            INFO("dataflow " << dataflow << ", double buffered " << arch.levels[1].double_buffered);
            CHECK(d.spec.rows == 16);
            CHECK(d.spec.output_double_buffered == arch.levels[1].double_buffered);
            CHECK(lint(d) == "");
        }
    }
}

// Pipelined arrays write their PEs in two forms too (vector for Verilator, instances for the
// rest): both lint clean, with operands shared along an axis (ws, os), held in preload registers
// (weights per PE), and read from per-PE files (the inputs of two example schedules).
TEST_CASE("systolic and hybrid designs pass verilator --lint-only -Wall in both PE forms", "[rtl][lint]") {
    const auto layer = tessera::parse_inline_layer("conv:C=12,K=10,H=9,W=9,R=3,S=3,pad=1");
    for (const int64_t tile : {1, 2}) {
        ir::Architecture arch = ir::default_architecture();
        arch.rows = arch.cols = 8;
        arch.interconnect = tile == 1 ? ir::Interconnect::Systolic : ir::Interconnect::Hybrid;
        arch.tile = tile;
        for (const std::string dataflow : {"ws", "os"}) {
            tessera::ScheduleRequest request;
            request.dataflow = dataflow;
            request.rows = request.cols = 8;
            rtl::RtlDesign d = rtl::generate_rtl(rtl::design_for({tessera::lower_to_ir(layer, request)}, arch));
            INFO(dataflow << " on tiles of " << tile);
            CHECK(d.spec.skew_tile == tile);
            CHECK(lint(d) == "");
        }
        // Per-PE files: the inputs' (both examples) reach each PE through a ring or a chain.
        const std::string src = TESSERA_SOURCE_DIR;
        ir::Architecture eyeriss = ir::load_architecture(src + "/examples/arch/eyeriss_16x16.json");
        eyeriss.rows = eyeriss.cols = 4;
        eyeriss.interconnect = arch.interconnect;
        eyeriss.tile = tile;
        for (const char *schedule : {"os_outputs_to_dram", "ws_scratchpads"}) {
            std::ifstream in(src + "/examples/schedules/" + schedule + ".sched");
            std::stringstream text;
            text << in.rdbuf();
            tessera::ScheduleRequest request;
            request.text = text.str();
            rtl::RtlDesign d = rtl::generate_rtl(rtl::design_for({tessera::lower_to_ir(layer, request)}, eyeriss));
            INFO(schedule << " on tiles of " << tile);
            CHECK(d.spec.input_pe_depth > 0);
            CHECK(lint(d) == "");
        }
    }
}

// The general-mapping designs (docs/rtl.md): per-PE operand files, accumulator files, a register
// level under a file (an operand's, the output's), files DRAM fills (no weight GLB) or drains to (no output GLB), lanes within
// an axis, two shared levels, prefetched files (both operands'; the weights' under a register),
// each from its example schedule on its example architecture.
TEST_CASE("the example schedules' per-PE and multi-level designs pass verilator --lint-only -Wall", "[rtl][lint]") {
    const std::string src = TESSERA_SOURCE_DIR;
    const std::pair<const char *, const char *> examples[] = {
        {"ws_scratchpads", "eyeriss_16x16"},  {"ws_registers", "eyeriss_registers"},
        {"ws_weights_from_dram", "eyeriss_16x16"}, {"kc_rows_rf", "eyeriss_16x16"},
        {"four_level_bypass", "four_level"},  {"output_three_levels", "four_level"},
        {"os_outputs_to_dram", "eyeriss_16x16"}, {"os_output_register", "eyeriss_registers"},
        {"eyeriss_rs", "eyeriss_prefetch"}, {"ws_registers", "eyeriss_prefetch"}};
    const auto layer = tessera::parse_inline_layer("conv:C=20,K=20,H=9,W=9,R=3,S=3,pad=1");
    for (const auto &[schedule, arch_name] : examples) {
        INFO(schedule << " on " << arch_name);
        std::ifstream in(src + "/examples/schedules/" + schedule + ".sched");
        std::stringstream text;
        text << in.rdbuf();
        tessera::ScheduleRequest request;
        request.text = text.str();
        const ir::Architecture arch = ir::load_architecture(src + "/examples/arch/" + arch_name + ".json");
        rtl::RtlDesign d = rtl::generate_rtl(rtl::design_for({tessera::lower_to_ir(layer, request)}, arch, schedule));
        CHECK(lint(d) == "");
    }
}

// One per-PE file per PE of a 64x64 array: 4,096 files, more than Verilator unrolls in one generate
// loop (about 3,000; a 64x125 design on tpu_like failed to build), so they come in blocks.
TEST_CASE("per-PE files of a 64x64 array pass verilator --lint-only -Wall", "[rtl][lint]") {
    const std::string src = TESSERA_SOURCE_DIR;
    ir::Architecture arch = ir::load_architecture(src + "/examples/arch/eyeriss_16x16.json");
    arch.rows = arch.cols = 64;
    std::ifstream in(src + "/examples/schedules/ws_scratchpads.sched");
    std::stringstream text;
    text << in.rdbuf();
    std::string schedule = text.str();
    for (const auto &[from, to] : {std::pair<std::string, std::string>{"split(k, ko, ki, 32)", "split(k, ko, ki, 64)"},
                                   {"split(ci, cl, cp, 4)", "split(ci, cl, cp, 1)"},
                                   {"split(k, kt, kl, 32).split(kl, kl, kp, 2)", "split(k, kt, kl, 64).split(kl, kl, kp, 1)"}}) {
        const size_t at = schedule.find(from);
        REQUIRE(at != std::string::npos);
        schedule.replace(at, from.size(), to);
    }
    tessera::ScheduleRequest request;
    request.text = schedule;
    const auto layer = tessera::parse_inline_layer("conv:C=64,K=64,H=9,W=9,R=3,S=3,pad=1");
    const rtl::RtlDesign d = rtl::generate_rtl(rtl::design_for({tessera::lower_to_ir(layer, request)}, arch, "pe64"));
    const auto weights = std::find_if(d.files.begin(), d.files.end(),
                                      [](const auto &f) { return f.first == "tessera_weight_pe_files.sv"; });
    REQUIRE(weights != d.files.end());
    CHECK(weights->second.find("lane < 1024") != std::string::npos);  // 4,096 files, in blocks
    CHECK(lint(d, "tessera_weight_pe_files") == "");
}
