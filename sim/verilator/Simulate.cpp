#include "Simulate.h"

#include "ModelCounters.h"
#include "TracedBuild.h"
#include "UserError.h"
#include "Reference.h"
#include "model/Model.h"
#include "rtl_backend/DesignSpec.h"
#include "rtl_backend/RegisterMap.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <iomanip>
#include <sstream>

namespace tessera::vsim {

namespace {

// Sets an environment variable for the lifetime of the scope (the simulator process inherits it).
class ScopedEnv {
public:
    ScopedEnv(const char *name, const std::string &value) : name_(name), active_(!value.empty()) {
        if (active_) setenv(name_, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (active_) unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv &) = delete;
    ScopedEnv &operator=(const ScopedEnv &) = delete;

private:
    const char *name_;
    bool active_;
};

}  // namespace

bool LayerOutcome::counters_match_model() const {
    if (!completed) return false;
    for (const auto &c : counters)
        if (!c.equal()) return false;
    return true;
}

bool LayerOutcome::energy_matches_model() const {
    if (!counters_match_model()) return true;  // the counters' own check fails the layer
    const double priced = measured.energy_pj - measured.leakage_energy_pj;
    const double modelled = model.energy_pj - model.leakage_energy_pj;
    return std::abs(priced - modelled) <= 1e-9 * std::max(1.0, std::abs(modelled));
}

double LayerOutcome::cycle_error() const {
    return cycles_model > 0 ? (double(cycles_measured) - double(cycles_model)) / double(cycles_model) : 0.0;
}

double LayerOutcome::utilization() const {
    return cycles_measured && pes ? double(measured.macs) / (double(pes) * double(cycles_measured)) : 0.0;
}

double LayerOutcome::computing_utilization() const {
    return model.temporal_iterations && pes ? double(model.macs) / (double(pes) * double(model.temporal_iterations)) : 0.0;
}

bool LayerOutcome::cycles_within_tolerance() const {
    return completed && (dram_stall_percent > 0 || std::abs(cycle_error()) <= cycle_tolerance);
}

uint64_t watchdog_cycles(int64_t model_cycles, int dram_stall_percent) {
    const uint64_t bound = 2 * uint64_t(std::max<int64_t>(model_cycles, 0)) + kWatchdogMarginCycles;
    // A request is refused in p % of cycles: DRAM work takes up to 100 / (100 - p) times longer.
    return bound * 100 / uint64_t(100 - std::clamp(dram_stall_percent, 0, 90));
}

void check_dram_stalls(int percent) {
    if (percent < 0 || percent > 90)
        throw UserError("--dram-stalls " + std::to_string(percent) + " is out of range: give a percentage from 0 to 90");
}

std::string failure_summary(const LayerOutcome &o, bool with_cycles) {
    std::ostringstream why;
    if (!o.completed)
        why << "did not finish within " << o.watchdog_cycles << " cycles (the watchdog: twice the model's "
            << o.cycles_model << " cycles plus " << kWatchdogMarginCycles
            << (o.dram_stall_percent ? ", stretched for DRAM stalls" : "") << "); ";
    if (!o.output.bit_exact()) why << "output: " << o.output.describe() << "; ";
    for (const auto &c : o.counters)
        if (!c.equal()) why << c.counter << " rtl " << c.measured << " model " << c.model << "; ";
    if (!o.energy_matches_model())
        why << "energy priced from the counts " << o.measured.energy_pj - o.measured.leakage_energy_pj
            << " pJ, the model's " << o.model.energy_pj - o.model.leakage_energy_pj << " pJ (leakage apart); ";
    if (with_cycles && !o.cycles_within_tolerance())
        why << "cycles rtl " << o.cycles_measured << " model " << o.cycles_model << "; ";
    return why.str();
}

std::string trace_file_for(const std::string &trace_file, const std::string &layer, size_t layers) {
    if (trace_file.empty() || layers <= 1) return trace_file;
    std::filesystem::path p(trace_file);
    return (p.parent_path() / (p.stem().string() + "." + layer_file_stem(layer) + ".fst")).string();
}

uint64_t modelled_cycles(const std::vector<ir::AcceleratorIR> &layers, const ir::Architecture &arch) {
    const ir::Architecture generated = rtl::generated_architecture(arch);
    uint64_t cycles = 0;
    for (const ir::AcceleratorIR &layer : layers) cycles += uint64_t(model::Model(layer, generated).evaluate().cycles.total);
    return cycles;
}

std::vector<LayerOutcome> simulate_layers(const VerilatedDesign &design, const std::vector<SimLayer> &layers,
                                          const ir::Architecture &arch, const SimOptions &options) {
    check_dram_stalls(options.dram_stall_percent);
    const VerilatedDesign stalled = design.with_dram_stalls(options.dram_stall_percent);
    std::vector<LayerOutcome> outcomes;
    for (size_t i = 0; i < layers.size(); ++i) {
        const SimLayer &layer = layers[i];
        const ir::LayerSpec &spec = layer.ir.problem.layer;
        LayerOutcome out;
        out.layer = spec.name;
        out.cycle_tolerance = options.cycle_tolerance;
        out.dram_stall_percent = options.dram_stall_percent;
        out.pes = options.array_pes > 0 ? options.array_pes : arch.rows * arch.cols;
        out.trace_file = trace_file_for(options.trace_file, spec.name, layers.size());
        if (options.progress)
            *options.progress << "[" << i + 1 << "/" << layers.size() << "] " << spec.name << ": "
                              << layer.ir.problem.macs() << " MACs, simulating..." << std::endl;

        const gen::LayerTensors tensors = layer_tensors(options.tensors, spec, layer.index);
        // The simulator runs in its own process; meanwhile this thread computes the reference
        // and the model (two cores: both finish in about the time of the slower).
        LayerResult result;
        {
            ScopedEnv trace(kTraceFileVariable, out.trace_file);
            // The model first: its cycles bound the run (a controller that never finishes FAILs
            // after twice the model's cycles and a margin, instead of running for hours).
            model::Model m(layer.ir, rtl::generated_architecture(arch));
            out.model = m.evaluate();
            out.watchdog_cycles = watchdog_cycles(out.model.cycles.total, options.dram_stall_percent);
            auto simulated = std::async(std::launch::async, [&] {
                return stalled.run({layer.config}, {dram_tensors(tensors, spec)}, out.watchdog_cycles).at(0);
            });
            const std::vector<int32_t> reference = gen::reference_outputs(spec, tensors);
            result = simulated.get();
            const int out_bits = layer.ir.problem.post.out_bits;
            const std::vector<int32_t> measured = out_bits >= 32 ? result.output_words
                : std::vector<int32_t>(result.output.begin(), result.output.end());
            out.output = compare_outputs(measured, reference, layer.ir.problem.tensor(ir::TensorRole::Output));
            if (!options.save_npy_dir.empty())
                save_layer_npy(options.save_npy_dir, spec, tensors, measured, reference, out_bits);
        }
        out.completed = result.completed;
        out.sim_seconds = result.seconds;
        const auto predicted = model_counters(out.model);
        for (const auto &name : rtl::counter_names()) {
            if (name == "cycles") continue;
            // The inner_* counters of an operand at two shared levels and the spad_* ones of a
            // register level under a per-PE file: shown where either counts.
            const bool optional = name.find(".inner_") != std::string::npos || name.find(".spad_") != std::string::npos;
            if (optional && result.counters.at(name) == 0 && predicted.at(name) == 0)
                continue;
            out.counters.push_back({name, result.counters.at(name), predicted.at(name)});
        }
        out.cycles_measured = result.counters.at("cycles");
        out.cycles_model = predicted.at("cycles");
        out.measured = measured_estimate(out.model, result.counters, arch);
        if (options.progress)
            *options.progress << "[" << i + 1 << "/" << layers.size() << "] " << spec.name << ": "
                              << (out.pass() ? "PASS" : "FAIL") << ", " << out.cycles_measured << " cycles in "
                              << std::fixed << std::setprecision(2) << out.sim_seconds << " s"
                              << std::defaultfloat << std::endl;
        outcomes.push_back(std::move(out));
    }
    return outcomes;
}

}  // namespace tessera::vsim
