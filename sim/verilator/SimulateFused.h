// A fused group run on the fused-group accelerator (rtl_backend/FusedDesign.h) in Verilator and
// checked three ways: the output bit-exactly against Halide's JIT result of the same fused
// pipeline (FusedPipeline's run_fused), every counter exactly against the fusion model
// (model::evaluate_group), and the cycles against the model's cycles of the fused design
// (fused_cycles) within a stated tolerance. What `tessera simulate` on a fused design, the tests
// and the differential test call.
#pragma once

#include "Harness.h"
#include "LayerData.h"
#include "ir/Architecture.h"
#include "ir/FusedGroup.h"
#include "model/FusionModel.h"
#include "rtl_backend/FusedDesign.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::vsim {

// The fusion model of a group with each layer's cost from the single-layer model of its mapping
// (layer_irs); sets g.weights_level. Also the layer-by-layer DRAM words of the same mappings.
struct FusedModel {
    model::FusedEstimate fused;
    int64_t layer_by_layer_dram_words = 0;
    std::vector<int64_t> layer_by_layer_dram;  // per layer
};
FusedModel fused_model(ir::FusedGroup &g, const ir::Architecture &arch);

struct FusedCounterCheck {
    std::string layer, counter;
    uint64_t measured = 0;
    int64_t model = 0;
    bool equal() const { return model >= 0 && measured == uint64_t(model); }
};

struct FusedOutcome {
    std::string group;
    bool completed = false;
    int64_t output_words = 0, mismatches = 0;
    std::string first_mismatch;                  // "k=.. y=.. x=..: rtl .. halide .."
    std::vector<FusedCounterCheck> counters;
    uint64_t cycles_measured = 0;
    int64_t cycles_model = 0;                    // rtl::fused_cycles of the group
    double cycle_tolerance = 0;
    int dram_stall_percent = 0;                  // DRAM refused this share of requests
    FusedModel model;
    uint64_t dram_words_measured = 0;
    double sim_seconds = 0;
    std::vector<int8_t> output;                  // the RTL's output, n k y x order (x fastest)
    std::vector<std::string> given_layers;       // layers run on given weights (FusedSimOptions::given)
    bool bit_exact() const { return completed && mismatches == 0; }
    bool counters_match() const;
    bool cycles_within_tolerance() const;
    bool pass() const { return bit_exact() && counters_match() && cycles_within_tolerance(); }
};

struct FusedSimOptions {
    uint64_t seed = 1;                           // the input, and weights and biases not given
    double cycle_tolerance = 0;
    int dram_stall_percent = 0;                  // SimOptions::dram_stall_percent: cycles not compared
    std::map<std::string, GivenTensors> given;   // by layer name, e.g. an ONNX model's initializers
};

// The model's cycles of running `groups` on the fused design, summed (BuildOptions::cycles_ahead).
uint64_t modelled_fused_cycles(const rtl::FusedDesignSpec &, std::vector<ir::FusedGroup> groups,
                               const ir::Architecture &);

// Throws UserError when the group does not fit the design, std::runtime_error if the simulator fails.
FusedOutcome simulate_fused(const VerilatedDesign &, const rtl::FusedDesignSpec &, ir::FusedGroup g,
                            const rtl::FusedConfig &, const ir::Architecture &, const FusedSimOptions & = {});

// The report `tessera simulate` prints: output check, counters (RTL | model), cycles, DRAM words
// fused (measured and model) beside layer by layer (model).
std::string fused_report(const FusedOutcome &);

}  // namespace tessera::vsim
