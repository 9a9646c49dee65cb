#include "SimReport.h"

#include "model/Report.h"

#include <iomanip>
#include <sstream>

namespace tessera::vsim {

namespace {

std::string percent(double x, int digits = 1) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(digits) << 100.0 * x << "%";
    return o.str();
}

std::string signed_percent(double x) { return (x >= 0 ? "+" : "") + percent(x, 2); }

std::string si(double x, const char *unit) {
    std::ostringstream o;
    o << std::fixed << std::setprecision(x >= 100e6 ? 0 : 2);
    if (x >= 1e9) o << x / 1e9 << " G" << unit;
    else if (x >= 1e6) o << x / 1e6 << " M" << unit;
    else if (x >= 1e3) o << x / 1e3 << " k" << unit;
    else o << x << " " << unit;
    return o.str();
}

// The glb_* counters count each tensor's DRAM-fed on-chip buffer, whichever shared level the
// schedule put it at: name the levels when one is not the GLB (a tensor bypassing it).
void print_buffer_levels(std::ostream &out, const model::Estimate &e, const ir::Architecture &arch) {
    const char *names[] = {"I", "W", "O"};
    std::string where;
    bool other = false;
    for (int o = 0; o < 3; ++o) {
        const model::TensorEstimate &t = e.tensors[size_t(o)];
        std::string levels;
        for (int s = 1; s < t.stages; ++s) {
            const int level = t.at[size_t(s)].level;
            if (t.at[size_t(s)].per_pe || level < 0 || size_t(level) >= arch.levels.size()) continue;
            const std::string &name = arch.levels[size_t(level)].name;
            other |= name != "GLB" || !levels.empty();
            levels += (levels.empty() ? "" : " then inner_* at ") + name;
        }
        if (!levels.empty()) where += std::string(where.empty() ? "" : ", ") + names[o] + " at " + levels;
    }
    if (other) out << "  (glb_* count each tensor's DRAM-fed on-chip buffer: " << where << ")\n";
}

}  // namespace

double cycles_per_second(const LayerOutcome &o) {
    return o.sim_seconds > 0 ? double(o.cycles_measured) / o.sim_seconds : 0;
}

double macs_per_second(const LayerOutcome &o) {
    return o.sim_seconds > 0 ? double(o.measured.macs) / o.sim_seconds : 0;
}

void print_layer(std::ostream &out, const LayerOutcome &o, const ir::Architecture &arch) {
    out << "layer " << o.layer << ": " << (o.pass() ? "PASS" : "FAIL") << "\n";
    if (!o.completed) out << "  the accelerator did not finish (cycle limit or DRAM fault)\n";
    out << "  outputs      " << o.output.describe() << " (" << o.output.elements
        << " values against Halide's JIT result)\n";
    out << "  cycles       " << o.cycles_measured << " measured, " << o.cycles_model << " model ("
        << (o.dram_stall_percent ? "not compared: DRAM refused " + std::to_string(o.dram_stall_percent) + " % of requests"
            : int64_t(o.cycles_measured) == o.cycles_model ? std::string("equal")
            : signed_percent(o.cycle_error()) + (o.cycle_tolerance > 0 ? ", tolerance " + percent(o.cycle_tolerance, 0)
                                                                       : std::string(", must be equal")))
        << ")\n";
    if (o.model.cycles.total != o.cycles_model)
        out << "               the architecture's buffer bandwidth bound makes it "
            << o.model.cycles.total << " (the generated buffers do not have it)\n";
    out << "  utilization  " << percent(o.utilization()) << " of " << o.pes
        << " PEs over the measured cycles; " << percent(o.computing_utilization()) << " while computing\n";
    out << "  simulation   " << std::fixed << std::setprecision(2) << o.sim_seconds << " s: "
        << si(cycles_per_second(o), "cycles/s") << ", " << si(macs_per_second(o), "MAC/s") << " simulated\n";
    out << "  " << std::left << std::setw(14) << "counter" << std::right << std::setw(16) << "measured"
        << std::setw(16) << "model" << "\n";
    for (const auto &c : o.counters)
        out << "  " << std::left << std::setw(14) << c.counter << std::right << std::setw(16) << c.measured
            << std::setw(16) << c.model << (c.equal() ? "" : "   MISMATCH") << "\n";
    print_buffer_levels(out, o.model, arch);
    out << "  energy       " << std::setprecision(4) << std::defaultfloat << o.measured.energy_pj
        << " pJ from the measured counts (model " << o.model.energy_pj << " pJ), "
        << std::setprecision(3) << o.measured.pj_per_mac() << " pJ/MAC:";
    for (const auto &[component, pj] : model::energy_by_component(o.measured, arch))
        if (pj > 0) out << " " << component << " " << std::setprecision(4) << pj;
    out << "\n";
    if (!o.trace_file.empty()) out << "  trace        " << o.trace_file << "\n";
    out << std::defaultfloat;
}

void print_summary(std::ostream &out, const std::vector<LayerOutcome> &outcomes) {
    size_t width = 5, passed = 0;
    for (const auto &o : outcomes) width = std::max(width, o.layer.size());
    out << std::left << std::setw(int(width)) << "layer" << std::right << std::setw(14) << "MACs"
        << std::setw(13) << "cycles" << std::setw(13) << "model" << std::setw(9) << "diff" << std::setw(8)
        << "util" << std::setw(10) << "sim s" << "  result\n";
    int64_t macs = 0, cycles = 0, model_cycles = 0;
    double seconds = 0;
    for (const auto &o : outcomes) {
        out << std::left << std::setw(int(width)) << o.layer << std::right << std::setw(14) << o.measured.macs
            << std::setw(13) << o.cycles_measured << std::setw(13) << o.cycles_model << std::setw(9)
            << signed_percent(o.cycle_error()) << std::setw(8) << percent(o.utilization()) << std::setw(10)
            << std::fixed << std::setprecision(2) << o.sim_seconds << std::defaultfloat << "  "
            << (o.pass() ? "PASS" : "FAIL") << "\n";
        macs += o.measured.macs;
        cycles += int64_t(o.cycles_measured);
        model_cycles += o.cycles_model;
        seconds += o.sim_seconds;
        passed += o.pass();
    }
    out << std::left << std::setw(int(width)) << "total" << std::right << std::setw(14) << macs << std::setw(13)
        << cycles << std::setw(13) << model_cycles << std::setw(9)
        << signed_percent(model_cycles ? double(cycles - model_cycles) / double(model_cycles) : 0) << std::setw(8)
        << "" << std::setw(10) << std::fixed << std::setprecision(2) << seconds << std::defaultfloat << "  "
        << passed << "/" << outcomes.size() << " PASS\n";
}

nlohmann::json to_json(const LayerOutcome &o, const ir::Architecture &arch) {
    nlohmann::json counters = nlohmann::json::object();
    for (const auto &c : o.counters) counters[c.counter] = {{"measured", c.measured}, {"model", c.model}};
    nlohmann::json output = {{"elements", o.output.elements}, {"mismatches", o.output.mismatches}};
    if (!o.output.error.empty()) output["error"] = o.output.error;
    if (!o.output.first.empty()) {
        nlohmann::json at = nlohmann::json::object();
        for (const auto &[name, value] : o.output.first) at[name] = value;
        output["first_mismatch"] = {{"at", at}, {"accelerator", o.output.measured}, {"halide", o.output.expected}};
    }
    nlohmann::json energy = nlohmann::json::object();
    for (const auto &[component, pj] : model::energy_by_component(o.measured, arch)) energy[component] = pj;
    nlohmann::json j = {{"layer", o.layer},
                        {"pass", o.pass()},
                        {"completed", o.completed},
                        {"bit_exact", o.bit_exact()},
                        {"counters_match_model", o.counters_match_model()},
                        {"cycles_measured", o.cycles_measured},
                        {"cycles_model", o.cycles_model},
                        {"cycles_model_architecture", o.model.cycles.total},
                        {"bound", model::bound_name(o.model.cycles.bound)},
                        {"cycle_error", o.cycle_error()},
                        {"cycle_tolerance", o.cycle_tolerance},
                        {"cycles_within_tolerance", o.cycles_within_tolerance()},
                        {"dram_stall_percent", o.dram_stall_percent},
                        {"macs", o.measured.macs},
                        {"utilization", o.utilization()},
                        {"utilization_computing", o.computing_utilization()},
                        {"sim_seconds", o.sim_seconds},
                        {"sim_cycles_per_second", cycles_per_second(o)},
                        {"sim_macs_per_second", macs_per_second(o)},
                        {"energy_pj", o.measured.energy_pj},
                        {"energy_pj_model", o.model.energy_pj},
                        {"energy_matches_model", o.energy_matches_model()},
                        {"energy_by_component", energy},
                        {"output", output},
                        {"counters", counters}};
    if (!o.trace_file.empty()) j["trace"] = o.trace_file;
    return j;
}

nlohmann::json run_json(const std::vector<LayerOutcome> &outcomes, const ir::Architecture &arch) {
    nlohmann::json layers = nlohmann::json::array();
    bool pass = true;
    int64_t cycles = 0, model_cycles = 0, macs = 0;
    for (const auto &o : outcomes) {
        layers.push_back(to_json(o, arch));
        pass = pass && o.pass();
        cycles += int64_t(o.cycles_measured);
        model_cycles += o.cycles_model;
        macs += o.measured.macs;
    }
    return {{"layers", layers}, {"pass", pass}, {"cycles_measured", cycles}, {"cycles_model", model_cycles},
            {"macs", macs}};
}

}  // namespace tessera::vsim
