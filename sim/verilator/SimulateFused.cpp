#include "SimulateFused.h"

#include "FusedPipeline.h"
#include "Simulate.h"
#include "UserError.h"
#include "model/FusedCycles.h"
#include "model/Model.h"
#include "rtl_backend/FusedRegisters.h"
#include "rtl_backend/Process.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <unistd.h>

namespace tessera::vsim {

namespace fs = std::filesystem;

namespace {

int64_t dram_words_of(const model::Estimate &e) {
    int64_t w = 0;
    for (const auto &t : e.tensors)
        if (t.stages > 0) w += t.at[0].total_reads() + t.at[0].total_writes();
    return w;
}

// The job of the shared testbench (testbench/tb_main.cpp): DRAM image, register writes, start,
// run, counters, output dump.
std::vector<uint32_t> fused_job(const ir::FusedGroup &g, const rtl::FusedConfig &c,
                                const GroupTensors &t, uint64_t max_cycles, size_t counters) {
    std::vector<uint32_t> job{0x314A5354u};
    auto load = [&](int64_t base, const std::vector<int32_t> &words) {
        job.push_back(2);
        job.push_back(uint32_t(base));
        job.push_back(uint32_t(words.size()));
        for (int32_t w : words) job.push_back(uint32_t(w));
    };
    const auto &layers = g.layers;
    std::vector<int32_t> input(size_t(c.dram.input_words));
    const ir::LayerSpec &first = layers.front();
    for (int64_t n = 0; n < first.N; ++n)
        for (int64_t ch = 0; ch < first.C; ++ch)
            for (int64_t y = 0; y < first.H; ++y)
                for (int64_t x = 0; x < first.W; ++x)
                    input[size_t(((n * first.C + ch) * first.H + y) * first.W + x)] = t.input(int(x), int(y), int(ch), int(n));
    load(c.dram.input_base, input);
    for (size_t l = 0; l < layers.size(); ++l) {
        const ir::LayerSpec &s = layers[l];
        const int64_t cg = s.C / s.groups;
        const auto &wb = t.layers[l].weights;
        std::vector<int32_t> w;
        for (int64_t k = 0; k < s.K; ++k)
            for (int64_t ch = 0; ch < cg; ++ch)
                for (int64_t r = 0; r < s.R; ++r)
                    for (int64_t q = 0; q < s.S; ++q) w.push_back(wb(int(q), int(r), int(ch), int(k)));
        load(c.dram.weight_base[l], w);
        if (s.bias) {
            // The bias table's entries (ir::fused_bias_entries), 4 little-endian bytes each: the
            // bias, then with per-channel requantization the requant word {shift, multiplier}.
            std::vector<int32_t> bytes;
            auto entry = [&](uint32_t v) {
                for (int b = 0; b < 4; ++b) bytes.push_back(int32_t((v >> (8 * b)) & 0xff));
            };
            for (int64_t k = 0; k < s.K; ++k) {
                entry(uint32_t(t.layers[l].bias(int(k))));
                if (!s.channel_multiplier.empty())
                    entry(uint32_t(s.channel_shift[size_t(k)]) << 26 | uint32_t(s.channel_multiplier[size_t(k)]));
            }
            load(c.dram.bias_base[l], bytes);
        }
    }
    load(c.dram.output_base, std::vector<int32_t>(size_t(c.dram.output_words), 0));
    for (const auto &[addr, value] : c.writes) job.insert(job.end(), {1u, uint32_t(addr), value});
    job.insert(job.end(), {1u, uint32_t(rtl::kFusedRegControl), 1u});
    job.insert(job.end(), {3u, uint32_t(std::min<uint64_t>(max_cycles, 0xffffffffu))});
    for (size_t i = 0; i < counters; ++i) {
        job.insert(job.end(), {4u, uint32_t(rtl::kFusedRegCounterBase + 2 * i)});
        job.insert(job.end(), {4u, uint32_t(rtl::kFusedRegCounterBase + 2 * i + 1)});
    }
    job.insert(job.end(), {5u, uint32_t(c.dram.output_base), uint32_t(c.dram.output_words)});
    job.push_back(0);
    return job;
}


}  // namespace

FusedModel fused_model(ir::FusedGroup &g, const ir::Architecture &arch) {
    FusedModel m;
    std::vector<model::LayerCost> costs;
    for (const auto &ir : g.layer_irs) {
        model::Model single(ir, arch);
        const model::Estimate e = single.evaluate();
        costs.push_back(model::layer_cost(e, ir, arch));
        m.layer_by_layer_dram.push_back(dram_words_of(e));
        m.layer_by_layer_dram_words += m.layer_by_layer_dram.back();
    }
    m.fused = model::evaluate_group(g, costs, arch);
    return m;
}

bool FusedOutcome::counters_match() const {
    for (const auto &c : counters)
        if (!c.equal()) return false;
    return !counters.empty();
}

bool FusedOutcome::cycles_within_tolerance() const {
    if (cycles_model <= 0) return false;
    if (dram_stall_percent > 0) return completed;  // the model's DRAM is always ready
    const double err = std::fabs(double(cycles_measured) - double(cycles_model)) / double(cycles_model);
    return err <= cycle_tolerance + 1e-12;
}

uint64_t modelled_fused_cycles(const rtl::FusedDesignSpec &d, std::vector<ir::FusedGroup> groups,
                               const ir::Architecture &arch) {
    uint64_t cycles = 0;
    for (ir::FusedGroup &g : groups) {
        fused_model(g, arch);  // sets the group's weights_level, as simulate_fused does
        cycles += uint64_t(std::max<int64_t>(model::fused_rtl_cycles(g, d.lanes, d.dram_latency), 0));
    }
    return cycles;
}

FusedOutcome simulate_fused(const VerilatedDesign &v, const rtl::FusedDesignSpec &d, ir::FusedGroup g,
                            const rtl::FusedConfig &c, const ir::Architecture &arch, const FusedSimOptions &o) {
    rtl::check_fits(d, g, c);
    FusedOutcome out;
    out.group = c.group;
    out.cycle_tolerance = o.cycle_tolerance;
    out.dram_stall_percent = o.dram_stall_percent;
    out.model = fused_model(g, arch);
    out.cycles_model = model::fused_rtl_cycles(g, d.lanes, d.dram_latency);
    GroupTensors tensors = random_group_tensors(g.layers, o.seed);
    for (size_t l = 0; l < g.layers.size(); ++l)
        if (o.given.count(g.layers[l].name)) {
            apply_given(o.given, g.layers[l], tensors.layers[l]);
            out.given_layers.push_back(g.layers[l].name);
        }
    const size_t fields = rtl::fused_counter_fields().size();
    const size_t counters = 1 + size_t(d.max_layers) * fields;
    const uint64_t max_cycles = watchdog_cycles(out.cycles_model, o.dram_stall_percent);
    const JobRun run = v.with_dram_stalls(o.dram_stall_percent).run_job(fused_job(g, c, tensors, max_cycles, counters));
    const std::vector<uint32_t> &words = run.words;
    out.sim_seconds = run.seconds;
    // Halide's fused pipeline runs while nothing else is left to wait for.
    const Halide::Runtime::Buffer<int8_t> ref = run_fused(g, tensors);
    size_t pos = 0;
    auto take = [&]() -> uint32_t {
        if (pos >= words.size()) throw std::runtime_error("fused simulator result truncated");
        return words[pos++];
    };
    out.completed = take() == 1;
    out.cycles_measured = take();
    out.cycles_measured |= uint64_t(take()) << 32;
    std::vector<uint64_t> cnt(counters);
    for (auto &x : cnt) {
        const uint64_t lo = take(), hi = take();
        x = lo | (hi << 32);
    }
    // The design's cycle counter (busy cycles) is what the model counts.
    out.cycles_measured = cnt[0];
    const ir::LayerSpec &last = g.layers.back();
    out.output_words = c.dram.output_words;
    for (int64_t n = 0; n < last.N; ++n)
        for (int64_t k = 0; k < last.K; ++k)
            for (int64_t y = 0; y < last.out_h(); ++y)
                for (int64_t x = 0; x < last.out_w(); ++x) {
                    const int8_t rtl = int8_t(int32_t(take()));
                    const int8_t hal = ref(int(x), int(y), int(k), int(n));
                    out.output.push_back(rtl);
                    if (rtl != hal && out.mismatches++ == 0)
                        out.first_mismatch = (last.N > 1 ? "n=" + std::to_string(n) + " " : std::string()) + "k=" +
                                             std::to_string(k) + " y=" + std::to_string(y) + " x=" + std::to_string(x) +
                                             ": rtl " + std::to_string(rtl) + ", halide " + std::to_string(hal);
                }
    for (size_t l = 0; l < g.layers.size(); ++l) {
        const model::FusedLayerCounts &m = out.model.fused.layers[l];
        const std::pair<const char *, int64_t> model_values[] = {
            {"macs", m.macs},
            {"onchip_output_writes", m.onchip_output_writes},
            {"onchip_input_reads", m.onchip_input_reads},
            {"cached_reads", m.cached_reads},
            {"dram_input_reads", m.dram_input_reads},
            {"onchip_input_fills", m.onchip_input_fills},
            {"dram_weight_reads", m.dram_weight_reads},
            {"onchip_weight_fills", m.onchip_weight_fills},
            {"dram_output_writes", m.dram_output_writes},
            {"residual_reads", m.residual_reads}};
        for (size_t f = 0; f < fields; ++f) {
            const std::string &name = rtl::fused_counter_fields()[f];
            int64_t model = -1;
            for (const auto &[n, value] : model_values)
                if (name == n) model = value;
            const uint64_t measured = cnt[1 + l * fields + f];
            out.counters.push_back({g.layers[l].name, name, measured, model});
            if (name == "dram_input_reads" || name == "dram_weight_reads" || name == "dram_output_writes")
                out.dram_words_measured += measured;
        }
        // The model's `outputs` is the same event as its on-chip output writes.
        out.counters.push_back({g.layers[l].name, "outputs", cnt[1 + l * fields + 1], m.outputs});
    }
    return out;
}

std::string fused_report(const FusedOutcome &o) {
    std::ostringstream s;
    s << "fused group " << o.group << ": output "
      << (o.bit_exact() ? "bit-exact" : !o.completed ? "NOT COMPLETED" : "MISMATCH") << " vs Halide's fused pipeline ("
      << o.output_words << " words";
    if (o.mismatches) s << ", " << o.mismatches << " differ, first " << o.first_mismatch;
    s << ")\n";
    s << std::left << std::setw(24) << "layer" << std::setw(22) << "counter" << std::right << std::setw(14) << "rtl"
      << std::setw(14) << "model" << "\n";
    for (const auto &c : o.counters)
        s << std::left << std::setw(24) << c.layer.substr(0, 23) << std::setw(22) << c.counter << std::right
          << std::setw(14) << c.measured << std::setw(14) << c.model << (c.equal() ? "" : "   DIFFERS") << "\n";
    s << "cycles: rtl " << o.cycles_measured << ", model " << o.cycles_model;
    if (o.dram_stall_percent)
        s << " (not compared: DRAM refused " << o.dram_stall_percent << " % of requests)\n";
    else
        s << " (tolerance " << std::setprecision(3) << 100 * o.cycle_tolerance << "%)"
          << (o.cycles_within_tolerance() ? "" : "   OUT OF TOLERANCE") << "\n";
    const int64_t lbl = o.model.layer_by_layer_dram_words;
    s << "DRAM words: fused rtl " << o.dram_words_measured << ", fused model " << o.model.fused.dram_words
      << " | layer by layer (model, same mappings) " << lbl;
    if (o.dram_words_measured > 0 && lbl > 0) {
        const double r = double(lbl) / double(o.dram_words_measured);
        s << ": " << std::fixed << std::setprecision(2) << (r >= 1 ? r : 1 / r) << "x "
          << (r >= 1 ? "less" : "more") << " traffic fused";
    }
    s << "\n" << (o.pass() ? "PASS" : "FAIL") << "\n";
    return s.str();
}

}  // namespace tessera::vsim
