// Every layer of ResNet-18 on a 16x16 weight-stationary design and on a 16x16 output-stationary
// design, one Verilator build each: bit-exact against Halide, counters equal to the model's,
// cycles within 2%. Hidden ([.resnet18]: about 4 and 15 minutes on this project's machine); run
//   tests/sim/test_sim_resnet18 '[.resnet18]'
// The fc layer of the output-stationary network maps its batch on the array's columns
// (`--spatial N`), the mapping of an fc layer that fits the Y|X interconnect (the os preset's
// N|K needs another one).
#include "Networks.h"
#include "SimulateLayers.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <iostream>

using namespace tessera;
using namespace tessera::vsim;
using namespace tessera::vsim::test;

namespace {

void run_network(const std::string &dataflow) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<LayerRequest> requests;
    for (const ir::LayerSpec &l : load_network("resnet18")) {
        ScheduleRequest s;
        s.dataflow = dataflow;
        if (dataflow == "os" && l.type == "fc") {
            s.dataflow.clear();
            s.spatial = "N";
            s.rows = 1;
        }
        requests.push_back({l, s});
    }
    const auto outcomes = simulate_on_one_design(requests);
    REQUIRE(outcomes.size() == 21);
    CHECK(failed_layers(outcomes) == "");
    std::cerr << "ResNet-18 " << dataflow << ": wall "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
}

}  // namespace

TEST_CASE("ResNet-18 on a 16x16 weight-stationary design", "[.resnet18]") { run_network("ws"); }

TEST_CASE("ResNet-18 on a 16x16 output-stationary design", "[.resnet18]") { run_network("os"); }
