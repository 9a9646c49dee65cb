// The emitted Verilog: deterministic, lint-clean, and (golden files) unchanged unless regenerated.
// Regenerate the golden files with TESSERA_REGENERATE_GOLDEN=1 (then review the diff).
#include "SimSupport.h"
#include "TestDesigns.h"

#include "Lower.h"
#include "Networks.h"
#include "ir/Architecture.h"

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
