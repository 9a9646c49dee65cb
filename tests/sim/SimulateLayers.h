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

// Every layer on one generated design for `arch`; progress on stderr.
std::vector<LayerOutcome> simulate_on_one_design(const std::vector<LayerRequest> &layers,
                                                 const ir::Architecture &arch = ir::default_architecture(),
                                                 uint64_t seed = 1);

// "layer: why" for every layer that fails (failure_summary), one per line; "" if all pass. Also
// prints the worst relative cycle difference on stderr.
std::string failed_layers(const std::vector<LayerOutcome> &);

// The measured value of counter `name` in `o`, -1 where simulate does not show it.
int64_t measured(const LayerOutcome &o, const std::string &name);

// An example schedule (examples/schedules/NAME) as a request, its origin named for errors; an
// example architecture (examples/arch/NAME.json).
ScheduleRequest example_schedule(const std::string &name);
ir::Architecture example_arch(const std::string &name);

}  // namespace tessera::vsim::test
