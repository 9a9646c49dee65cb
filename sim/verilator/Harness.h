// Verilator harness for generated accelerators: builds a design once (cached by a content hash of
// the RTL, the testbench and the Verilator flags), then runs any number of layers on it the way a
// driver would: write the layer's config registers, load tensors into the DRAM model, start, wait
// for done, read the outputs and the performance counters.
#pragma once

#include "rtl_backend/LayerConfig.h"
#include "rtl_backend/RtlGenerator.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tessera::vsim {

// Runs shorter than this (the model's cycles of all the runs a build serves) get a quicker build
// that simulates more slowly: about a third less build time, at worst half the simulation speed,
// which pays off below some millions of cycles (Harness.cpp has the figures).
inline constexpr uint64_t kQuickBuildCycles = 2000000;

struct BuildOptions {
    std::string verilator = "verilator";  // binary
    int jobs = 2;                         // parallel C++ compiles
    std::string cache_dir;                // default: $TESSERA_CACHE, else ~/.cache/tessera
    uint64_t cycles_ahead = 0;            // the model's cycles of the runs ahead (0: unknown,
                                          // built for speed); see kQuickBuildCycles
};

// The layer's tensors as the DRAM model holds them (one element per word).
struct LayerTensors {
    std::vector<int8_t> input;    // Halide order of the input tensor's shape
    std::vector<int8_t> weight;
    std::vector<int32_t> bias;    // K words (empty if the post-op has no bias)
};

struct LayerResult {
    bool completed = false;                   // done within the cycle limit, no DRAM fault
    std::vector<int8_t> output;               // Halide order of the output shape (8-bit outputs)
    std::vector<int32_t> output_words;        // the same DRAM words whole (int32 outputs: y_int32)
    std::map<std::string, uint64_t> counters; // counter_names() -> value
    uint64_t testbench_cycles = 0;            // start write to done, as the testbench saw it
    double seconds = 0;                       // wall time of the simulation process
    double cpu_seconds = 0;                   // its user + system CPU time (a loaded machine's
                                              // wall time overstates the simulator's cost)
    int64_t peak_rss_kb = 0;                  // the simulation process's peak resident memory
};

// One run of a simulator binary on a job: the result words, the log's tail, time and memory.
struct JobRun {
    std::vector<uint32_t> words;
    std::string log;
    double seconds = 0, cpu_seconds = 0;
    int64_t peak_rss_kb = 0;
};

class VerilatedDesign {
public:
    // Builds (or finds in the cache) the simulator of `design`. Throws std::runtime_error with the
    // tail of Verilator's log if the build fails.
    static VerilatedDesign build(const rtl::RtlDesign &design, const BuildOptions & = {});

    const std::string &binary() const { return binary_; }
    bool from_cache() const { return from_cache_; }
    double build_seconds() const { return build_seconds_; }
    int64_t build_peak_rss_kb() const { return build_peak_rss_kb_; }  // largest process of the build
    int dram_latency() const { return dram_latency_; }
    // A copy whose runs have DRAM refuse requests in `percent` of cycles (testbench/tb_main.cpp).
    VerilatedDesign with_dram_stalls(int percent) const {
        VerilatedDesign stalled = *this;
        stalled.dram_stall_percent_ = percent;
        return stalled;
    }
    int dram_stall_percent() const { return dram_stall_percent_; }

    // Runs each layer in turn in one simulator process (one DRAM model, reset once).
    std::vector<LayerResult> run(const std::vector<rtl::LayerConfig> &configs,
                                 const std::vector<LayerTensors> &tensors,
                                 uint64_t max_cycles_per_layer = 2000000000ull) const;
    // Runs the simulator on a job (the format of job_words, or another testbench's); throws
    // std::runtime_error with the log's tail if the simulator fails.
    JobRun run_job(const std::vector<uint32_t> &job) const;
    LayerResult run(const rtl::LayerConfig &config, const LayerTensors &tensors) const {
        return run(std::vector<rtl::LayerConfig>{config}, std::vector<LayerTensors>{tensors}).at(0);
    }

private:
    std::string binary_;
    bool from_cache_ = false;
    double build_seconds_ = 0;
    int64_t build_peak_rss_kb_ = 0;
    int dram_latency_ = 4;
    int dram_stall_percent_ = 0;
};

// The job the testbenches read (format in testbench/tb_main.cpp): each layer's tensors loaded,
// its registers written, a run bounded by `max_cycles`, counters read, outputs dumped.
std::vector<uint32_t> job_words(const std::vector<rtl::LayerConfig> &configs,
                                const std::vector<LayerTensors> &tensors, uint64_t max_cycles);
// The testbench's result words for that job, per layer (seconds left 0). Throws
// std::runtime_error (with `log`) if they are truncated.
std::vector<LayerResult> parse_results(const std::vector<uint32_t> &words,
                                       const std::vector<rtl::LayerConfig> &configs, const std::string &log);

// Where built simulators are kept.
std::string cache_root(const BuildOptions &);

}  // namespace tessera::vsim
