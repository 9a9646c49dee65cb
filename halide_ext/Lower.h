// The front end's entry points: a layer (or a generator) plus a hardware schedule, through Halide's
// scheduling and partial lowering, into the accelerator IR. Lower.cpp reads as the ordered steps.
#pragma once

#include "ir/AcceleratorIR.h"

#include <map>
#include <string>

namespace Halide {
class Func;
}

namespace tessera {

// How the user gave the schedule: a text schedule, or a preset (spatial and/or dataflow).
struct ScheduleRequest {
    std::string spatial;        // preset in Interstellar notation: "C|K", "Y|X", "FY|Y", "K" ...
    std::string dataflow;       // shorthand: os | ws | is | rs (default os)
    int64_t rows = 16, cols = 16;
    int64_t buffer_bytes = 0;   // presets fit their tiles in this; 0: the default architecture's GLB
    // The shared level presets put their tiles at: the architecture's GLB, or its outermost shared
    // level when none is named GLB (a Timeloop architecture's GlobalBuffer).
    std::string shared_level = "GLB";
    // The shared level's partitions, one memory per tensor (I, W, O bytes a tile may use; 0: the
    // tensor shares what the partitions leave of buffer_bytes).
    int64_t buffer_tensor_bytes[3] = {0, 0, 0};
    // The architecture's per-PE scratchpads, one per tensor (I, W, O bytes; Eyeriss's ifmap, filter
    // and psum), when it has them: `rs` then keeps per-PE tiles there (docs/schedules.md).
    std::string scratchpad_level;
    int64_t scratchpad_bytes[3] = {0, 0, 0};
    // The array is pipelined (systolic, hybrid): an operand each PE holds alone must stay there
    // for the skew, so `os` maps a conv's output pixels on the rows and its filters on the
    // columns (SCALE-Sim's output stationary, 'Y,X|K') instead of 'Y|X' (docs/schedules.md).
    bool pipelined_array = false;
    // Do I, W and O tiles of these sizes fit the shared level's `budget` bytes with its partitions?
    bool shared_tiles_fit(int64_t budget, int64_t in, int64_t w, int64_t out) const {
        const int64_t bytes[3] = {in, w, out};
        int64_t rest = budget, shared = 0;
        for (int t = 0; t < 3; ++t) {
            if (buffer_tensor_bytes[t] <= 0) {
                shared += bytes[t];
            } else {
                if (bytes[t] > buffer_tensor_bytes[t]) return false;
                rest -= buffer_tensor_bytes[t];
            }
        }
        return shared <= rest;
    }
    std::string text;           // schedule in Halide syntax (docs/schedules.md); wins if set
    std::string text_origin = "schedule";  // file name for error messages
};

// A built-in layer (conv, dwconv, fc) through its generator. Throws UserError on bad input.
ir::AcceleratorIR lower_to_ir(const ir::LayerSpec &layer, const ScheduleRequest &schedule);

// Any registered generator (built-in, or loaded from a plugin) with params key=value. A generator
// whose own schedule() sets the hardware schedule needs no ScheduleRequest text or preset.
ir::AcceleratorIR lower_generator(const std::string &name,
                                  const std::map<std::string, std::string> &params,
                                  const ScheduleRequest &schedule, bool has_schedule);

// An already scheduled pipeline (e.g. a generator's C++ schedule()) into IR.
ir::AcceleratorIR lower_scheduled(const Halide::Func &output, const ir::LayerSpec &layer,
                                  const std::string &schedule_text);

// Loads a shared library of Halide generators (they register themselves).
void load_generator_plugin(const std::string &path);

}  // namespace tessera
