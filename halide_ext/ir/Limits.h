// The largest shapes every stage can hold, checked once when a layer enters the compiler.
// Halide indexes buffers with 32-bit integers, the generated RTL addresses DRAM with 32-bit signed
// words and holds extents in loop registers, and the model counts accesses in 64-bit integers.
// docs/limits.md lists these limits for users.
#pragma once

#include "AcceleratorIR.h"

#include <cstdint>
#include <optional>
#include <string>

namespace tessera::ir {

// Any one extent, stride, pad or group count of a layer (and its output height and width).
inline constexpr int64_t kMaxExtent = int64_t(1) << 20;
// Words of a layer's tensors in DRAM (input + weights + bias + output): the RTL's DRAM address and
// Halide's buffers are 32-bit signed.
inline constexpr int64_t kMaxDramWords = (int64_t(1) << 31) - 1;
// Multiply-accumulates of one layer: the model's 64-bit access counts (several per MAC, times the
// refetches of each level) stay far from overflow below this.
inline constexpr int64_t kMaxMacs = int64_t(1) << 48;
// PEs of an array (rows x cols) and its side.
inline constexpr int64_t kMaxArraySide = 256;
inline constexpr int64_t kMaxArrayPes = 65536;
// Bytes of one on-chip level.
inline constexpr int64_t kMaxLevelBytes = int64_t(1) << 32;
// Fixed DRAM latency in cycles.
inline constexpr int64_t kMaxDramLatency = 4096;
// Architecture numbers: energies in pJ (per word, MAC, hop or cycle), bandwidth in words per cycle
// (so that cycles = words / bandwidth stays far inside int64), clock in MHz.
inline constexpr double kMaxEnergyPj = 1e6;
inline constexpr double kMinWordsPerCycle = 1.0 / 1024;
inline constexpr double kMaxWordsPerCycle = 1 << 20;
inline constexpr double kMinClockMhz = 1e-3;
inline constexpr double kMaxClockMhz = 1e6;

// a * b, or nothing if it leaves int64.
std::optional<int64_t> checked_mul(int64_t a, int64_t b);

// Throws tessera::UserError naming the first field or product over its limit (fields are
// assumed positive: callers check that first).
void check_layer_limits(const LayerSpec &layer);

// The usable size of an array, or UserError naming the limit.
void check_array_limits(int64_t rows, int64_t cols, const std::string &what);

}  // namespace tessera::ir
