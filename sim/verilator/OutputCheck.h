// Bit-exact comparison of an accelerator's output with the reference, reporting where they first
// differ in the tensor's own coordinate names (n, k, y, x), outermost first.
#pragma once

#include "ir/AcceleratorIR.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tessera::vsim {

struct OutputCheck {
    int64_t elements = 0;
    int64_t mismatches = 0;  // also counts a size difference as one mismatch
    std::string error;       // set when the sizes differ
    // First differing element: coordinates (outermost first) and the two values.
    std::vector<std::pair<std::string, int64_t>> first;
    int64_t measured = 0, expected = 0;

    bool bit_exact() const { return mismatches == 0; }
    std::string describe() const;  // "bit-exact" or "412 of 802816 differ; first at n=0 k=3 ..."
};

// `measured` and `expected` are dense in Halide order of `output`'s shape.
OutputCheck compare_outputs(const std::vector<int32_t> &measured, const std::vector<int32_t> &expected,
                            const ir::Tensor &output);
// int8 outputs.
inline OutputCheck compare_outputs(const std::vector<int8_t> &measured, const std::vector<int8_t> &expected,
                                   const ir::Tensor &output) {
    return compare_outputs(std::vector<int32_t>(measured.begin(), measured.end()),
                           std::vector<int32_t>(expected.begin(), expected.end()), output);
}

}  // namespace tessera::vsim
