// Tessera's built-in layers as real Halide generators (registered as tessera_conv2d, tessera_fc).
// Usable with add_halide_generator / add_halide_library, and by `tessera --generator`.
#pragma once

#include "Layers.h"

#include <map>
#include <string>

namespace tessera::gen {

// Fills a LayerSpec from generator params given as strings (key=value, keys as in LayerSpec).
ir::LayerSpec spec_from_params(const std::string &generator,
                               const std::map<std::string, std::string> &params);

}  // namespace tessera::gen
