// The JSON keys other tools read, the network totals, the table and the SVG chart.
#include "IrBuilder.h"
#include "model/Model.h"
#include "model/Report.h"
#include "model/Svg.h"

#include <catch2/catch.hpp>

#include <sstream>

using namespace tessera;
using namespace tessera::model;
using namespace tessera::model::test;
using Catch::Matchers::Contains;

namespace {

std::vector<LayerResult> two_layers() {
    auto arch = round_architecture();
    auto a = gemm_ir(8, 4, 6, {{"m", 2}, row("m", 4), col("n", 4), {"k", 6}}, {0, 0, 0});
    auto b = gemm_ir(8, 4, 6, {{"m", 2}, {"k", 3}, row("k", 2), col("n", 4), {"m", 4}}, {2, 2, 1});
    return {{"a", Model(a, arch).evaluate()}, {"b<&>", Model(b, arch).evaluate()}};
}

}  // namespace

TEST_CASE("JSON carries the keys other tools read, consistent with the estimate", "[model][report]") {
    auto arch = round_architecture();
    const auto layers = two_layers();
    const Estimate &e = layers[0].estimate;
    auto j = to_json(e, arch);
    CHECK(j["macs"] == e.macs);
    CHECK(j["cycles"] == e.cycles.total);
    CHECK(j["energy_pj"].get<double>() == Approx(e.energy_pj));
    CHECK(j["utilization"].get<double>() == Approx(e.utilization));
    double level_sum = 0;
    int64_t dram_i_reads = -1;
    for (const auto &row : j["levels"]) {
        for (const char *key : {"level", "tensor", "reads", "writes", "energy_pj"})
            CHECK(row.contains(key));
        level_sum += row["energy_pj"].get<double>();
        if (row["level"] == "DRAM" && row["tensor"] == "I") dram_i_reads = row["reads"];
    }
    CHECK(dram_i_reads == 48);
    CHECK(level_sum + e.hop_energy_pj + e.mac_energy_pj + e.leakage_energy_pj ==
          Approx(e.energy_pj));
}

TEST_CASE("network JSON and table total the layers", "[model][report]") {
    auto arch = round_architecture();
    const auto layers = two_layers();
    auto j = network_json("net", layers, arch);
    CHECK(j["layers"].size() == 2);
    CHECK(j["layers"][1]["layer"] == "b<&>");
    CHECK(j["total"]["macs"] == layers[0].estimate.macs + layers[1].estimate.macs);
    CHECK(j["total"]["cycles"] == layers[0].estimate.cycles.total + layers[1].estimate.cycles.total);
    CHECK(j["total"]["energy_pj"].get<double>() ==
          Approx(layers[0].estimate.energy_pj + layers[1].estimate.energy_pj));
    std::ostringstream table;
    print_network_table(table, "net", layers, arch);
    CHECK_THAT(table.str(), Contains("total") && Contains("384"));
    std::ostringstream single;
    print_table(single, "a", layers[0].estimate, arch);
    CHECK_THAT(single.str(), Contains("DRAM") && Contains("multicast") && Contains("pJ/MAC"));
}

// The bound names what most cycles go to: in these small nests the DMA's per-tile latency and
// overheads outlast the few compute cycles, so the single-buffered DRAM transfers bind.
TEST_CASE("the bound is the largest part of the cycles", "[model][report]") {
    const auto layers = two_layers();
    for (const auto &l : layers) {
        const Cycles &c = l.estimate.cycles;
        const int64_t dram_stalls = c.start + c.bias + c.serial_transfers + c.exposed_transfers;
        INFO(l.layer << ": compute " << c.compute << ", DRAM stalls " << dram_stalls << ", on-chip " << c.onchip_transfers);
        CHECK(dram_stalls > c.compute + c.prefetch_stall);
        CHECK(c.bound == Bound::DramStalls);
        CHECK(std::string(bound_name(c.bound)) == "DRAM stalls");
    }
    auto arch = round_architecture();
    const auto j = network_json("net", layers, arch);
    const double pe_cycles = double(arch.rows * arch.cols) *
                             double(layers[0].estimate.cycles.total + layers[1].estimate.cycles.total);
    CHECK(j["total"]["utilization_overall"].get<double>() ==
          Approx(double(j["total"]["macs"].get<int64_t>()) / pe_cycles));
    std::ostringstream table;
    print_network_table(table, "net", layers, arch);
    CHECK_THAT(table.str(), Contains("overall") && Contains("DRAM stalls"));
}

TEST_CASE("SVG: one stacked bar per layer, one segment per non-zero component", "[model][svg]") {
    auto arch = round_architecture();
    const auto layers = two_layers();
    std::ostringstream svg;
    write_energy_svg(svg, "net", layers, arch);
    const std::string s = svg.str();
    CHECK(s.rfind("<svg", 0) == 0);
    CHECK_THAT(s, Contains("</svg>") && Contains("b&lt;&amp;&gt;") && !Contains("b<&>"));
    // Segments: DRAM, GLB, RF, array, MAC per layer (no leakage) -> 10 titled rects.
    size_t segments = 0;
    for (size_t at = s.find("</title></rect>"); at != std::string::npos;
         at = s.find("</title></rect>", at + 1))
        ++segments;
    CHECK(segments == 10);
}
