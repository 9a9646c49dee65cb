#include "OutputCheck.h"

#include <sstream>

namespace tessera::vsim {

namespace {

// The name of coordinate t of a tensor: the dim its index reads (outputs index one dim each).
std::string coordinate_name(const ir::Tensor &t, size_t coord) {
    if (coord < t.index.size() && t.index[coord].terms.size() == 1) return t.index[coord].terms[0].first;
    return "d" + std::to_string(coord);
}

}  // namespace

std::string OutputCheck::describe() const {
    if (!error.empty()) return error;
    if (bit_exact()) return "bit-exact";
    std::ostringstream o;
    o << mismatches << " of " << elements << " differ; first at";
    for (const auto &[name, value] : first) o << " " << name << "=" << value;
    o << ": accelerator " << measured << ", Halide " << expected;
    return o.str();
}

OutputCheck compare_outputs(const std::vector<int32_t> &measured, const std::vector<int32_t> &expected,
                            const ir::Tensor &output) {
    OutputCheck c;
    c.elements = int64_t(expected.size());
    if (measured.size() != expected.size()) {
        c.mismatches = 1;
        c.error = "the accelerator returned " + std::to_string(measured.size()) + " elements, Halide " +
                  std::to_string(expected.size());
        return c;
    }
    for (size_t i = 0; i < expected.size(); ++i) {
        if (measured[i] == expected[i]) continue;
        if (c.mismatches++ > 0) continue;
        c.measured = measured[i];
        c.expected = expected[i];
        int64_t rest = int64_t(i);
        std::vector<std::pair<std::string, int64_t>> coords;
        for (size_t t = 0; t < output.shape.size(); ++t) {
            coords.emplace_back(coordinate_name(output, t), rest % output.shape[t]);
            rest /= output.shape[t];
        }
        c.first.assign(coords.rbegin(), coords.rend());
    }
    return c;
}

}  // namespace tessera::vsim
