// One simulated run of layers on a built accelerator, checked three ways at once: outputs
// bit-exactly against Halide's JIT result of the same layer, every access counter exactly against
// sim/model, cycles against the model within a tolerance. What `tessera simulate`, the
// differential test and the benchmark all call.
#pragma once

#include "Harness.h"
#include "LayerData.h"
#include "OutputCheck.h"
#include "ir/AcceleratorIR.h"
#include "ir/Architecture.h"
#include "model/Estimate.h"
#include "rtl_backend/LayerConfig.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace tessera::vsim {

// A layer as the design runs it: its IR (what the model and the reference read) and its register
// configuration (what the driver writes).
struct SimLayer {
    ir::AcceleratorIR ir;
    rtl::LayerConfig config;
    size_t index = 0;  // position among the design's layers (seeds its random tensors)
};

struct SimOptions {
    TensorSource tensors;
    double cycle_tolerance = 0;  // allowed |measured - model| / model (0: exactly equal)
    std::string save_npy_dir;       // if set: every layer's tensors and outputs as .npy
    std::string trace_file;         // if set (with a traced build): FST waveform of the run
    std::ostream *progress = nullptr;  // one line per layer started and finished
    int64_t array_pes = 0;          // PEs of the simulated design (0: the architecture's)
    // DRAM refuses requests in this share of cycles (0..90 %): outputs and counters must still be
    // the model's, cycles are not compared (the model's DRAM is always ready).
    int dram_stall_percent = 0;
};

struct CounterCheck {
    std::string counter;
    uint64_t measured = 0;
    int64_t model = 0;
    bool equal() const { return model >= 0 && measured == uint64_t(model); }
};

// A run may take at most twice the model's cycles plus this many (DRAM latency, pipeline fill).
inline constexpr uint64_t kWatchdogMarginCycles = 100000;
uint64_t watchdog_cycles(int64_t model_cycles, int dram_stall_percent = 0);
// Throws UserError (one line) unless 0 <= percent <= 90 (SimOptions::dram_stall_percent).
void check_dram_stalls(int percent);

struct LayerOutcome {
    std::string layer;
    bool completed = false;             // reached done within watchdog_cycles, no DRAM fault
    uint64_t watchdog_cycles = 0;       // the run's bound (see watchdog_cycles())
    OutputCheck output;
    std::vector<CounterCheck> counters;  // macs and every access counter (cycles apart)
    uint64_t cycles_measured = 0;
    int64_t cycles_model = 0;
    double cycle_tolerance = 0;
    int dram_stall_percent = 0;          // SimOptions::dram_stall_percent: cycles not compared
    model::Estimate model;               // the analytical model's estimate
    model::Estimate measured;            // the RTL's counts, priced as the model prices them
    double sim_seconds = 0;              // wall time of the simulator process
    int64_t pes = 0;                     // PEs of the design
    std::string trace_file;              // the FST written for this layer, if any

    bool bit_exact() const { return completed && output.bit_exact(); }
    bool counters_match_model() const;
    // The measured counts priced (leakage apart, which follows the measured cycles) give the
    // model's energy: one pricing for both, so with equal counters a difference is a pricing bug.
    bool energy_matches_model() const;
    double cycle_error() const;          // (measured - model) / model
    double utilization() const;          // measured MACs / (PEs x measured cycles)
    double computing_utilization() const;  // MACs / (PEs x temporal iterations): tails, idle PEs
    bool cycles_within_tolerance() const;
    bool pass() const {
        return bit_exact() && counters_match_model() && energy_matches_model() && cycles_within_tolerance();
    }
};

// Why a layer fails, on one line: did not complete, the output check, each counter that differs
// from the model's, the energy priced from equal counts, and (if `with_cycles`) cycles out of
// tolerance; "" if none of them.
std::string failure_summary(const LayerOutcome &, bool with_cycles = true);

// The model's cycles of running `layers` on `arch`'s generated hardware, summed: the length of
// the runs a build serves (BuildOptions::cycles_ahead).
uint64_t modelled_cycles(const std::vector<ir::AcceleratorIR> &layers, const ir::Architecture &);

// Runs each layer in its own simulator process on the one build (so a long run reports progress
// layer by layer); the Halide reference and the model are computed while the simulator runs.
// Throws UserError for bad tensors, std::runtime_error if the simulator itself fails.
std::vector<LayerOutcome> simulate_layers(const VerilatedDesign &, const std::vector<SimLayer> &,
                                          const ir::Architecture &, const SimOptions &);

// The FST file of layer `layer` when `trace_file` is given and `layers` layers run: the file
// itself for one layer, else <stem>.<layer_file_stem>.fst beside it.
std::string trace_file_for(const std::string &trace_file, const std::string &layer, size_t layers);

}  // namespace tessera::vsim
