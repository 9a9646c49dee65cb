// Invariants of the model over every layer of ResNet-50 and MobileNetV2, lowered by the real front
// end with the dataflow presets, on the built-in architecture.
#include "Lower.h"
#include "Networks.h"
#include "ir/Architecture.h"
#include "ir/Validate.h"
#include "model/Model.h"
#include "model/Report.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

using namespace tessera;
using namespace tessera::model;

namespace {

// The CSV's own MACs column, in row order (read here, independently of the front end's parser).
std::vector<int64_t> csv_macs(const std::string &network) {
    std::ifstream in(std::string(TESSERA_SOURCE_DIR) + "/examples/networks/" + network + ".csv");
    std::string line, cell;
    std::getline(in, line);
    std::vector<std::string> header;
    for (std::stringstream s(line); std::getline(s, cell, ',');) header.push_back(cell);
    size_t column = 0;
    while (column < header.size() && header[column] != "MACs") ++column;
    std::vector<int64_t> macs;
    while (std::getline(in, line)) {
        std::stringstream s(line);
        for (size_t i = 0; i <= column; ++i) std::getline(s, cell, ',');
        macs.push_back(std::stoll(cell));
    }
    return macs;
}

// Input elements some MAC reads: per coordinate, the in-shape values of out*stride + tap - pad.
int64_t input_footprint(const ir::LayerSpec &l) {
    auto used = [&](int64_t outputs, int64_t taps, int64_t size) {
        std::set<int64_t> rows;
        for (int64_t o = 0; o < outputs; ++o)
            for (int64_t t = 0; t < taps; ++t) {
                int64_t v = o * l.stride + t - l.pad;
                if (v >= 0 && v < size) rows.insert(v);
            }
        return int64_t(rows.size());
    };
    return l.N * l.C * used(l.out_h(), l.R, l.H) * used(l.out_w(), l.S, l.W);
}

void check_network(const std::string &network, const std::string &dataflow) {
    const auto layers = load_network(network);
    const auto macs = csv_macs(network);
    REQUIRE(macs.size() == layers.size());
    const ir::Architecture arch = ir::default_architecture();
    ScheduleRequest request;
    request.dataflow = dataflow;
    for (size_t i = 0; i < layers.size(); ++i) {
        const ir::LayerSpec &l = layers[i];
        INFO(network << " " << l.name << " dataflow " << dataflow);
        const ir::AcceleratorIR ir = lower_to_ir(l, request);
        CHECK_NOTHROW(ir::validate_fit(ir, arch));
        Model model(ir, arch);
        const Estimate e = model.evaluate();
        CHECK(e.macs == macs[i]);
        auto dram = [&](Operand o) { return e.tensor(o).at[int(Place::DRAM)]; };
        CHECK(dram(Operand::I).reads >= input_footprint(l));
        CHECK(dram(Operand::I).reads <= e.tensor(Operand::I).tiles * e.tensor(Operand::I).box_words);
        CHECK(dram(Operand::W).reads >= l.K * (l.C / l.groups) * l.R * l.S);
        CHECK(dram(Operand::O).updates == l.N * l.K * l.out_h() * l.out_w());
        double parts = 0;
        for (const auto &[name, pj] : energy_by_component(e, arch)) parts += pj;
        CHECK(e.energy_pj == Approx(parts).epsilon(1e-12));
        CHECK(e.utilization <= 1.0);
        CHECK(e.cycles.total >= e.cycles.compute);
        CHECK(e.cycles.compute >= e.temporal_iterations);
        CHECK(model.fit_error().empty());
        // The boxes implied by the loops (what a schedule search varies) are the front end's.
        const Estimate derived = model.evaluate(Blocking::of(ir.mapping));
        for (Operand o : {Operand::I, Operand::W, Operand::O})
            CHECK(derived.tensor(o).box_words == e.tensor(o).box_words);
        CHECK(derived.energy_pj == Approx(e.energy_pj));
        // Written back into the buffers, those boxes are Halide's, coordinate by coordinate.
        ir::Mapping rebuilt = ir.mapping;
        for (auto &b : rebuilt.buffers) std::fill(b.box.begin(), b.box.end(), 1);
        model.write_boxes(rebuilt);
        for (size_t b = 0; b < rebuilt.buffers.size(); ++b) CHECK(rebuilt.buffers[b].box == ir.mapping.buffers[b].box);
    }
}

}  // namespace

TEST_CASE("ResNet-50 invariants, every preset dataflow", "[model][networks]") {
    for (const char *dataflow : {"os", "ws", "is"}) check_network("resnet50", dataflow);
}

TEST_CASE("MobileNetV2 invariants, every preset dataflow", "[model][networks]") {
    for (const char *dataflow : {"os", "ws", "is"}) check_network("mobilenetv2", dataflow);
}
