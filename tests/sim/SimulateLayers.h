// Shared by the sim tests that run real-shaped layers: lower layers with presets, generate one
// design for all of them, build it (cached) and simulate every layer against Halide and the model.
#pragma once

#include "Lower.h"
#include "ir/Architecture.h"
#include "sim/verilator/Simulate.h"

#include <string>
#include <utility>
#include <vector>

namespace tessera::vsim::test {

struct LayerRequest {
    ir::LayerSpec layer;
    ScheduleRequest schedule;
};

// Every layer on one generated design for `arch`; progress on stderr. `dram_stall_percent`:
// SimOptions::dram_stall_percent (cycles then not compared).
std::vector<LayerOutcome> simulate_on_one_design(const std::vector<LayerRequest> &layers,
                                                 const ir::Architecture &arch = ir::default_architecture(),
                                                 uint64_t seed = 1, int dram_stall_percent = 0);

// "layer: why" for every layer that fails (failure_summary), one per line; "" if all pass. Also
// prints the worst relative cycle difference on stderr.
std::string failed_layers(const std::vector<LayerOutcome> &);

// The measured value of counter `name` in `o`, -1 where simulate does not show it.
int64_t measured(const LayerOutcome &o, const std::string &name);

// An example schedule (examples/schedules/NAME) as a request, its origin named for errors; an
// example architecture (examples/arch/NAME.json).
ScheduleRequest example_schedule(const std::string &name);
// ... with each `from` text replaced by its `to` (each must occur; throws otherwise), e.g. smaller
// split factors for a smaller array.
ScheduleRequest example_schedule(const std::string &name,
                                 const std::vector<std::pair<std::string, std::string>> &edits);
ir::Architecture example_arch(const std::string &name);
// `arch` with a pipelined array of rows x cols PEs: systolic (tile 1) or hybrid of tile x tile PEs.
ir::Architecture pipelined(ir::Architecture arch, int64_t rows, int64_t cols, int64_t tile);

// The edits that fit examples/schedules/os_output_register.sched to 4x4 PEs (rows 4 channel lanes
// of 4 channels in blocks of 16, columns 4 filter lanes of 2 filters in blocks of 8).
inline const std::vector<std::pair<std::string, std::string>> kOutputRegister4x4 = {
    {"split(k, ko, ki, 32)", "split(k, ko, ki, 8)"},
    {"split(c, co, ci, 64)", "split(c, co, ci, 16)"},
    {"split(k, kt, kl, 32)", "split(k, kt, kl, 8)"}};

}  // namespace tessera::vsim::test
