// Layer shapes users pick by name: bundled network CSVs (examples/networks/, the columns of
// ../shared/workloads) or an inline spec such as `conv:C=64,K=64,H=56,W=56,R=3,S=3,stride=1,pad=1`.
#pragma once

#include "ir/AcceleratorIR.h"

#include <string>
#include <optional>
#include <vector>

namespace tessera {

// NAME (resnet18, resnet50, mobilenetv2, vgg16, alexnet, mlp, lstm) or a path to a CSV file.
std::vector<ir::LayerSpec> load_network(const std::string &name_or_path);
// The position of the layer `key` names: its name (column `layer`), else a 0-based row number (a
// layer whose name is a number matches by name first); nullopt if it is neither.
std::optional<size_t> layer_index(const std::vector<ir::LayerSpec> &network, const std::string &key);
// The layer named `layer` (column `layer`), or by 0-based row number.
ir::LayerSpec find_layer(const std::vector<ir::LayerSpec> &network, const std::string &layer,
                         const std::string &network_name);
// conv:..., dwconv:..., fc:N=..,C=..,K=..
ir::LayerSpec parse_inline_layer(const std::string &spec);
std::vector<std::string> bundled_networks();

}  // namespace tessera
