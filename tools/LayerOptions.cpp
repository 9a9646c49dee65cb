#include "LayerOptions.h"

#include "MappingImport.h"
#include "Networks.h"
#include "UserError.h"

#include <cctype>
#include <filesystem>
#include <set>
#ifdef TESSERA_WITH_ONNX
#include "interop/OnnxImport.h"
#endif

#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

namespace tessera::cli {

namespace po = boost::program_options;

namespace {

// An option given with an empty value would silently mean "not given".
std::function<void(const std::string &)> not_empty(const std::string &option) {
    return [option](const std::string &v) {
        if (v.empty()) throw UserError(option + " needs a value (see --help)");
    };
}

// The layers of an ONNX model (interop/), the ops that are not layers listed once on stderr.
std::vector<ir::LayerSpec> onnx_layers(const std::string &path) {
#ifdef TESSERA_WITH_ONNX
    interop::OnnxImport imported = interop::import_onnx(path);
    note_skipped(path, imported.layers.size(), "not layers", imported.skipped);
    for (const std::string &note : imported.notes) note_once(path + ": " + note);
    return imported.layers;
#else
    throw UserError("--onnx " + path + ": this tessera was built without ONNX support; install "
                    "libonnx-dev and libprotobuf-dev (tools/bootstrap.sh does) and rebuild");
#endif
}

}  // namespace

std::vector<ir::LayerSpec> selected_network(const LayerSelection &sel, const std::string &why) {
    if (!sel.onnx.empty() && !sel.network.empty()) throw UserError("give either --onnx or --network, not both");
    if (sel.network.empty() && sel.onnx.empty())
        throw UserError(why + " --network NAME or --onnx model.onnx (the layers are its rows)");
    if (!sel.onnx.empty()) return onnx_layers(sel.onnx);
    std::vector<ir::LayerSpec> layers;
    if (maestro_network(sel.network, layers)) return layers;
    return load_network(sel.network);
}

void note_once(const std::string &text) {
    static std::set<std::string> noted;
    if (noted.insert(text).second) std::cerr << "note: " << text << "\n";
}

void note_skipped(const std::string &path, size_t layers, const std::string &why, const std::vector<std::string> &skipped) {
    if (skipped.empty()) return;
    std::string note = path + ": " + std::to_string(layers) + " layers; skipped (" + why + "):";
    for (const auto &s : skipped) note += " " + s;
    note_once(note);
}

std::string selected_network_name(const LayerSelection &sel) { return sel.onnx.empty() ? sel.network : sel.onnx; }

namespace {

std::string read_schedule_file(const std::string &path) {
    std::ifstream in(path);
    if (!in) throw UserError("cannot read schedule file " + path);
    std::stringstream text;
    text << in.rdbuf();
    // An empty text would silently mean "use a preset".
    if (text.str().find_first_not_of(" \t\r\n") == std::string::npos)
        throw UserError("schedule file " + path + " is empty; write a schedule "
                        "(docs/schedules.md) or leave out --schedule for a preset");
    return text.str();
}

// --schedule DIR: the layer's own file in it, as `tessera explore -o DIR` names it.
ScheduleRequest layer_schedule_from_directory(const ScheduleRequest &common, const std::string &dir,
                                              const std::string &layer) {
    const std::filesystem::path file = std::filesystem::path(dir) / (schedule_file_name(layer) + ".sched");
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        throw UserError("no schedule in " + dir + " for this layer (expected " + file.string() +
                        "; `tessera explore ... -o " + dir + "` writes one per layer)");
    ScheduleRequest req = common;
    req.text = read_schedule_file(file.string());
    req.text_origin = file.string();
    return req;
}

}  // namespace

std::string schedule_file_name(const std::string &layer) {
    std::string s = layer;
    for (char &ch : s)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-') ch = '_';
    return s;
}

void add_layer_options(po::options_description &desc, LayerSelection &sel) {
    desc.add_options()
        ("network", po::value(&sel.network)->notifier(not_empty("--network")),
         "bundled network (resnet18 resnet50 mobilenetv2 vgg16 alexnet mlp lstm fsrcnn), a CSV path, or a "
         "MAESTRO .m file of several layers (docs/maestro.md; with --maestro-mapping FILE.m, its directives)")
        ("onnx", po::value(&sel.onnx)->notifier(not_empty("--onnx")), "an ONNX model: its Conv, ConvTranspose, QLinearConv, ConvInteger, Gemm, MatMul, "
         "QLinearMatMul, MatMulInteger (and QDQ) nodes as a network (docs/onnx.md)")
        ("layer", po::value(&sel.layer)->notifier(not_empty("--layer")),
         "layer name (or 0-based position) in --network, or inline: conv:C=64,K=64,H=56,W=56,R=3,S=3,stride=1,pad=1 "
         "(keys N C K H W R S batch stride stride_w pad pad_bottom pad_left pad_right dilation dilation_w groups "
         "bias relu shift, quantization x_uint8 w_uint8 y_uint8 x_zero_point w_zero_point y_zero_point "
         "multiplier round_even y_int32 (int32 outputs, not requantized); also fc:N=..,C=..,K=.., dwconv:... and deconv:... with output_padding, a transposed conv)")
        ("generator", po::value(&sel.generator)->notifier(not_empty("--generator")), "a registered Halide generator (tessera_conv2d, "
         "tessera_fc, or one from --plugin)")
        ("param,p", po::value(&sel.params)->composing(), "generator param key=value (repeatable)")
        ("plugin", po::value(&sel.plugin)->notifier(not_empty("--plugin")), "shared library of Halide generators to load")
        ("schedule", po::value(&sel.schedule_file)->notifier(not_empty("--schedule")), "schedule file in Halide syntax (docs/schedules.md), or a directory "
         "holding one per layer, LAYER.sched (what `tessera explore -o DIR` writes)")
        ("spatial", po::value(&sel.spatial)->notifier(not_empty("--spatial")), "preset: loops on the PE array, rows|cols, e.g. 'C|K', "
         "'Y|X', 'FY|Y', or one dim for a 1-D array; several dims on one axis joined by ',', "
         "outermost first: 'C,FX|X' (rows = c x s)")
        ("timeloop-mapping", po::value(&sel.timeloop_mapping)->notifier(not_empty("--timeloop-mapping")),
         "a Timeloop mapping YAML as the schedule (docs/timeloop.md); its problem is the layer when no "
         "--layer/--network is given")
        ("timeloop-problem", po::value(&sel.timeloop_problem)->notifier(not_empty("--timeloop-problem")),
         "a Timeloop problem YAML (problem: instance:; timeloopfe's processed v0.4 problems too) as the "
         "layer, under any schedule source")
        ("maestro-mapping", po::value(&sel.maestro_mapping)->notifier(not_empty("--maestro-mapping")),
         "a MAESTRO mapping (.m: SpatialMap, TemporalMap, Cluster) as the schedule (docs/maestro.md)")
        ("dataflow", po::value(&sel.dataflow)->notifier(not_empty("--dataflow")), "preset shorthand: os | ws | is | rs")
        ("array", po::value(&sel.array)->default_value("16x16"), "PE array ROWSxCOLS for presets");
}

bool parse_command_line(const std::vector<std::string> &args, const po::options_description &desc,
                        po::variables_map &vm, const std::string &command, const std::string &positional) {
    std::vector<std::string> normalized = args;
    if (!positional.empty() && !normalized.empty() && !normalized.front().empty() && normalized.front()[0] != '-')
        normalized.insert(normalized.begin(), positional);
    try {
        po::store(po::command_line_parser(normalized).options(desc).run(), vm);
        po::notify(vm);
    } catch (const po::error &e) {
        throw UserError(std::string(e.what()) + " (see tessera " + command + " --help)");
    }
    if (vm.count("help")) {
        std::cout << desc << "\n";
        return false;
    }
    return true;
}

ScheduleRequest schedule_request(const LayerSelection &sel) {
    ScheduleRequest req;
    req.spatial = sel.spatial;
    req.dataflow = sel.dataflow;
    req.buffer_bytes = sel.buffer_bytes;
    req.scratchpad_level = sel.scratchpad_level;
    req.shared_level = sel.shared_level;
    for (int t = 0; t < 3; ++t) req.scratchpad_bytes[t] = sel.scratchpad_bytes[t];
    for (int t = 0; t < 3; ++t) req.buffer_tensor_bytes[t] = sel.buffer_tensor_bytes[t];
    req.pipelined_array = sel.pipelined_array;
    const auto x = sel.array.find('x');
    try {
        if (x == std::string::npos || sel.array.find_first_not_of("0123456789x") != std::string::npos)
            throw std::invalid_argument(sel.array);
        size_t used_r = 0, used_c = 0;
        req.rows = std::stoll(sel.array.substr(0, x), &used_r);
        req.cols = std::stoll(sel.array.substr(x + 1), &used_c);
        if (used_r != x || used_c != sel.array.size() - x - 1) throw std::invalid_argument(sel.array);
    } catch (const std::exception &) {
        throw UserError("--array '" + sel.array + "' is not ROWSxCOLS (e.g. 16x16)");
    }
    if (!sel.schedule_file.empty()) {
        if (!sel.spatial.empty() || !sel.dataflow.empty())
            throw UserError("give either --schedule or a preset (--spatial/--dataflow), not both");
        std::error_code ec;
        if (std::filesystem::is_directory(sel.schedule_file, ec)) return req;  // per layer: lower_selection
        req.text = read_schedule_file(sel.schedule_file);
        req.text_origin = sel.schedule_file;
    }
    return req;
}

std::vector<SelectedLayer> lower_selection(const LayerSelection &sel) {
    const ScheduleRequest req = schedule_request(sel);
    std::vector<SelectedLayer> out;
    if (!sel.timeloop_problem.empty() && (!sel.layer.empty() || !sel.network.empty() || !sel.onnx.empty() ||
                                          !sel.generator.empty()))
        throw UserError("--timeloop-problem is the layer: give it without --layer/--network/--onnx/--generator");
    if (imports_mapping(sel) && (!req.text.empty() || !sel.spatial.empty() || !sel.dataflow.empty() ||
                                 (!sel.timeloop_mapping.empty() && !sel.maestro_mapping.empty())))
        throw UserError("give one schedule: --schedule, a preset, --timeloop-mapping or --maestro-mapping");
    std::error_code ec;
    const bool schedule_dir = !sel.schedule_file.empty() && std::filesystem::is_directory(sel.schedule_file, ec);
    if (schedule_dir && (imports_mapping(sel) || !sel.generator.empty()))
        throw UserError("--schedule " + sel.schedule_file + " is a directory of per-layer schedules; give a "
                        "schedule file with --generator, --timeloop-mapping or --maestro-mapping");
    auto lower = [&](const ir::LayerSpec &l) {
        try {
            if (schedule_dir) {
                out.push_back({l, lower_to_ir(l, layer_schedule_from_directory(req, sel.schedule_file, l.name))});
                return;
            }
            if (imports_mapping(sel)) {
                // The layer's problem (dims and extents) under any schedule names the mapping's loops.
                ScheduleRequest mapped = req;
                mapped.text = imported_schedule(sel, lower_to_ir(l, ScheduleRequest{}).problem);
                mapped.text_origin = sel.timeloop_mapping.empty() ? sel.maestro_mapping : sel.timeloop_mapping;
                out.push_back({l, lower_to_ir(l, mapped)});
                return;
            }
            out.push_back({l, lower_to_ir(l, req)});
        } catch (const UserError &e) {
            // Name the layer of a network once (the layer checks may have named it already).
            const std::string named = "layer " + l.name + ": ";
            const std::string what = e.what();
            throw UserError((sel.network.empty() && sel.onnx.empty()) || what.rfind(named, 0) == 0 ? what : named + what);
        }
    };
    if (!sel.plugin.empty()) load_generator_plugin(sel.plugin);
    if (!sel.generator.empty()) {
        if (!sel.network.empty() || !sel.layer.empty())
            throw UserError("give either --generator or --network/--layer, not both");
        std::map<std::string, std::string> params;
        for (const auto &p : sel.params) {
            const auto eq = p.find('=');
            if (eq == std::string::npos || eq == 0)
                throw UserError("generator param '" + p + "' is not key=value");
            params[p.substr(0, eq)] = p.substr(eq + 1);
        }
        const bool has_schedule = !req.text.empty() || !sel.spatial.empty() || !sel.dataflow.empty();
        ir::AcceleratorIR ir = lower_generator(sel.generator, params, req, has_schedule);
        out.push_back({ir.problem.layer, ir});
        return out;
    }
    if (!sel.params.empty()) throw UserError("-p/--param goes with --generator");
    if (sel.network.empty() && sel.onnx.empty()) {
        ir::LayerSpec from_mapping;
        if (sel.layer.empty() && mapping_layer(sel, from_mapping)) {
            lower(from_mapping);
            return out;
        }
        if (sel.layer.empty())
            throw UserError("name a layer: --network NAME [--layer L], --layer TYPE:KEY=VALUE,... "
                            "or --generator NAME");
        lower(parse_inline_layer(sel.layer));
        return out;
    }
    const auto network = selected_network(sel, "");
    if (!sel.layer.empty()) lower(find_layer(network, sel.layer, selected_network_name(sel)));
    else
        for (const auto &l : network) lower(l);
    return out;
}

}  // namespace tessera::cli
