// The front end's one entry point: a layer plus a hardware schedule, through Halide's scheduling
// and partial lowering, into the accelerator IR. Lower.cpp reads as the ordered list of steps.
#pragma once

#include "ir/AcceleratorIR.h"

#include <string>

namespace tessera {

// How the user gave the schedule; exactly one of the three ways.
struct ScheduleRequest {
    std::string spatial;        // preset in Interstellar notation: "C|K", "X|Y", "FY|Y", "K" ...
    std::string dataflow;       // shorthand: os | ws | is | rs
    int64_t rows = 16, cols = 16;
    std::string text;           // schedule in Halide syntax (docs/schedules.md)
    std::string text_origin;    // file name for error messages
};

// Throws tessera::UserError (one line, names the cause and the fix) on bad input.
ir::AcceleratorIR lower_to_ir(const ir::LayerSpec &layer, const ScheduleRequest &schedule);

}  // namespace tessera
