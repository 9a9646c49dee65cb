// The layer and schedule flags shared by lower, estimate and compile.
#pragma once

#include "Lower.h"
#include "interop/LoopNest.h"
#include "ir/AcceleratorIR.h"

#include <boost/program_options.hpp>
#include <map>
#include <string>
#include <vector>

namespace tessera::cli {

struct LayerSelection {
    std::string network, layer, generator, plugin, schedule_file, spatial, dataflow, array;
    std::string onnx;                 // --onnx model.onnx: its layers, as a network
    std::string timeloop_mapping, maestro_mapping;  // another tool's mapping as the schedule (interop/)
    std::string timeloop_problem;     // a Timeloop problem YAML as the layer
    std::vector<std::string> params;  // -p key=value for --generator
    int64_t buffer_bytes = 0;         // the architecture's global buffer, for presets (0: default)
    int64_t buffer_tensor_bytes[3] = {0, 0, 0};  // its partitions (ScheduleRequest::buffer_tensor_bytes)
    std::string shared_level = "GLB"; // the level presets tile for (ScheduleRequest::shared_level)
    std::string scratchpad_level;     // the architecture's per-tensor per-PE scratchpads, for `rs`
    int64_t scratchpad_bytes[3] = {0, 0, 0};
    bool pipelined_array = false;     // ScheduleRequest::pipelined_array
    interop::LevelNames level_names;  // the architecture's level names and aliases: imported mappings' targets
};

// Adds --network --layer --generator -p --plugin --schedule --spatial --dataflow --array.
void add_layer_options(boost::program_options::options_description &, LayerSelection &);

struct SelectedLayer {
    ir::LayerSpec layer;
    ir::AcceleratorIR ir;
};

// Parses `args` against `desc` (which should include --help); prints the help and returns false
// when asked for it. A malformed command line is a UserError naming `command`'s --help.
// With `positional` (e.g. "--dir"), a first argument that is not an option is that option's value
// (`tessera simulate DIR [options]`).
bool parse_command_line(const std::vector<std::string> &args,
                        const boost::program_options::options_description &desc,
                        boost::program_options::variables_map &vm, const std::string &command,
                        const std::string &positional = {});

// The layers the flags name (every layer of --network when --layer is absent), lowered to IR.
// Throws UserError on bad flags.
// With --schedule DIR (a directory), each layer's schedule is DIR/<schedule_file_name(name)>.sched,
// the files `tessera explore -o DIR` writes.
std::vector<SelectedLayer> lower_selection(const LayerSelection &);
// The layers of --network or --onnx (exactly one of them given; else a UserError naming `why`, e.g.
// "--fuse needs"), and the name it goes by in reports.
std::vector<ir::LayerSpec> selected_network(const LayerSelection &, const std::string &why);
std::string selected_network_name(const LayerSelection &);
ScheduleRequest schedule_request(const LayerSelection &);

// Prints "note: <text>" on stderr the first time this process is given `text` (commands lower a
// network several times: explore for each preset it compares with).
void note_once(const std::string &text);
// The note for a network file of which some parts are not layers: "PATH: N layers; skipped (WHY): A B".
void note_skipped(const std::string &path, size_t layers, const std::string &why, const std::vector<std::string> &skipped);

// A layer's schedule file name in a schedule directory: "conv:C=8,K=8" -> "conv_C_8_K_8".
std::string schedule_file_name(const std::string &layer);

}  // namespace tessera::cli
