// The per-layer configuration of a generated design: where the layer's tensors live in DRAM and
// the value of every config register (what a driver writes before starting the layer).
#pragma once

#include "RegisterMap.h"
#include "ir/AcceleratorIR.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace tessera::rtl {

// DRAM holds one element per 32-bit word (int8 sign-extended, bias int32), each tensor dense in
// Halide order (coordinate 0 fastest) from its base word address.
struct DramTensor {
    std::string name;             // I, W, B, O
    int64_t base = 0;             // word address
    std::vector<int64_t> shape;   // Halide order
    int64_t words() const;
};

struct DramLayout {
    DramTensor input, weight, bias, output;
    int64_t total_words = 0;
};

DramLayout default_dram_layout(const ir::AcceleratorIR &);

struct LayerConfig {
    std::string layer;
    DramLayout dram;
    std::vector<std::pair<std::string, std::vector<int64_t>>> values;  // field -> element values
    std::vector<std::pair<int, uint32_t>> writes;                      // (address, word), in map order
};

// Throws UserError naming the reason if the layer does not fit the design.
LayerConfig configure_layer(const DesignSpec &, const RegisterMap &, const ir::AcceleratorIR &,
                            const DramLayout &);
inline LayerConfig configure_layer(const DesignSpec &d, const RegisterMap &m,
                                   const ir::AcceleratorIR &ir) {
    return configure_layer(d, m, ir, default_dram_layout(ir));
}

nlohmann::json to_json(const LayerConfig &);
LayerConfig layer_config_from_json(const nlohmann::json &);  // throws std::runtime_error

}  // namespace tessera::rtl
