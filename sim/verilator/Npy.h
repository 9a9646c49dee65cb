// NumPy .npy files (format version 1.0/2.0/3.0) of int8 and int32 arrays, read and written without
// NumPy: how users bring their own tensors to `tessera simulate` and take its outputs away
// (docs/simulate.md). Reads little-endian signed integers ('|i1' '<i1' '<i2' '<i4' '<i8') in C
// order; writes int8 as '|i1' (what numpy.save writes) and int32 as '<i4'.
//
// Layout: a .npy file is C order (last axis fastest). Tessera's tensors are dense in Halide order
// (first coordinate fastest), so the same bytes are the NumPy array whose shape is the Halide
// shape reversed: conv input (x, y, c, n) <-> NumPy (N, C, H, W).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tessera::vsim {

struct NpyArray {
    std::string descr;             // as in the file, e.g. '|i1'
    std::vector<int64_t> shape;    // NumPy order (outermost first)
    std::vector<int64_t> values;   // C order, widened

    int64_t elements() const;
};

// Throws tessera::UserError naming the file if it cannot be read or is not a C-order little-endian
// signed integer array.
NpyArray read_npy(const std::string &path);

// `shape` in NumPy order; values.size() must equal its product. Throws UserError on I/O errors.
void write_npy(const std::string &path, const std::vector<int64_t> &shape,
               const std::vector<int8_t> &values);
void write_npy(const std::string &path, const std::vector<int64_t> &shape,
               const std::vector<int32_t> &values);

// NumPy shape of a tensor given innermost first (Halide order), and back: the reverse.
std::vector<int64_t> numpy_shape(const std::vector<int64_t> &halide_shape);

}  // namespace tessera::vsim
