// The analytical model's prediction of each RTL performance counter (rtl::counter_names()), read
// off a model::Estimate as docs/hardware.md ("Where the model's names map to these counters")
// says, and the reverse: an Estimate holding measured counters, priced as the model prices them.
#pragma once

#include "ir/Architecture.h"
#include "model/Estimate.h"

#include <cstdint>
#include <map>
#include <string>

namespace tessera::vsim {

// Every counter of rtl::counter_names(). "cycles" is the model's Cycles::pipeline: docs/hardware.md's
// formula, overlapped transfers included, without the buffer-bandwidth bound the model adds for
// architecture studies (the generated buffers have a read port per lane group and never bind).
std::map<std::string, int64_t> model_counters(const model::Estimate &);

// `model` with its counts replaced by the measured counters and its energy recomputed from them:
// each access is priced per element as the model priced that tensor at that level (read and write
// apart), hops follow from the measured operand reads and register writes, MACs and leakage from
// the measured MACs and cycles. A count the model predicts as zero adds no energy (that case is a
// counter mismatch and fails anyway). Throws std::out_of_range if a counter is missing.
model::Estimate measured_estimate(const model::Estimate &model,
                                  const std::map<std::string, uint64_t> &measured,
                                  const ir::Architecture &arch);

}  // namespace tessera::vsim
