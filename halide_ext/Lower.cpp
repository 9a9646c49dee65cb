#include "Lower.h"

#include "ExtractLoopNest.h"
#include "ExtractProblem.h"
#include "LayerGenerators.h"
#include "PartialLowering.h"
#include "Presets.h"
#include "ScheduleText.h"
#include "UserError.h"
#include "ir/Analysis.h"

#include <Halide.h>
#include <dlfcn.h>
#include <iostream>

namespace tessera {

using namespace Halide;
using namespace Halide::Internal;

namespace {

// GeneratorBase::build_pipeline() (generate + schedule, no compilation) is protected; GenGen
// reaches it as a friend. Naming it through a derived class is the standard way in.
struct GeneratorAccess : GeneratorBase {
    static Pipeline build(GeneratorBase &g) { return (g.*(&GeneratorAccess::build_pipeline))(); }
};

struct BuiltPipeline {
    std::unique_ptr<GeneratorBase> generator;  // owns the Inputs the Funcs read
    Func output;
};

BuiltPipeline build_generator(const std::string &name, const std::map<std::string, std::string> &params) {
    const auto known = GeneratorRegistry::enumerate();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
        std::string names;
        for (const auto &n : known) names += " " + n;
        throw UserError("unknown generator '" + name + "' (registered:" + names +
                        "; load others with --plugin FILE.so)");
    }
    BuiltPipeline b;
    try {
        b.generator = GeneratorRegistry::create(
            name, GeneratorContext(get_host_target().without_feature(Target::AVX512_SapphireRapids)));
        GeneratorParamsMap values;
        for (const auto &[k, v] : params) values[k] = v;
        b.generator->set_generator_param_values(values);
        Pipeline p = GeneratorAccess::build(*b.generator);
        if (p.outputs().size() != 1)
            throw UserError("generator " + name + " has " + std::to_string(p.outputs().size()) +
                            " outputs; a layer has one");
        b.output = p.outputs()[0];
    } catch (const CompileError &e) {
        throw UserError("generator " + name + ": " + halide_error_line(e.what()));
    }
    return b;
}

// The names a schedule may use: every Func of the pipeline, the accumulator's variables.
ScheduleSymbols layer_symbols(const Func &output) {
    ScheduleSymbols sym;
    auto env = find_transitive_calls(output.function());
    env[output.name()] = output.function();
    // Halide suffixes names reused in one process (acc$1); schedules use the names as written.
    for (const auto &[name, f] : env) sym.funcs.emplace(name.substr(0, name.find('$')), Func(f));
    sym.funcs.emplace("output", output);
    const MacStage mac = find_mac_stage(output.function());
    for (const std::string &v : mac.acc.args()) sym.vars.emplace(v, VarOrRVar(Var(v)));
    for (const auto &rv : mac.acc.updates()[0].schedule().rvars())
        sym.vars.emplace(rv.var, VarOrRVar(RVar(rv.var)));
    return sym;
}

std::map<std::string, std::string> generator_params(const ir::LayerSpec &l) {
    std::map<std::string, std::string> p = {{"N", std::to_string(l.N)}, {"C", std::to_string(l.C)},
                                            {"K", std::to_string(l.K)}, {"has_bias", l.bias ? "true" : "false"},
                                            {"relu", l.relu ? "true" : "false"},
                                            {"shift", std::to_string(l.requant_shift)},
                                            {"schedule", "none"}};
    if (l.quantized() || l.y_zero_point || l.y_uint8 || l.round_even || l.y_int32)
        for (const char *key : {"x_uint8", "w_uint8", "y_uint8", "x_zero_point", "w_zero_point",
                                "y_zero_point", "multiplier", "round_even", "y_int32"})
            p[key] = std::to_string(*ir::LayerSpec(l).quant_field(key));
    if (!l.channel_multiplier.empty()) p["channel_requant"] = gen::channel_requant_text(l);
    if (!l.channel_w_zero_point.empty()) p["channel_w_zero_point"] = gen::channel_w_zero_point_text(l);
    if (l.type == "fc" && l.batch != 1) p["batch"] = std::to_string(l.batch);
    if (l.type != "fc") {
        for (const auto &[k, v] : std::map<std::string, int64_t>{{"H", l.H}, {"W", l.W}, {"R", l.R},
                                                                  {"S", l.S}, {"stride", l.stride},
                                                                  {"pad", l.pad}, {"groups", l.groups}})
            p[k] = std::to_string(v);
        if (!l.plain_geometry())
            for (const char *key : {"stride_w", "pad_bottom", "pad_left", "pad_right", "dilation", "dilation_w"})
                p[key] = std::to_string(*ir::LayerSpec(l).shape_field(key));
    }
    return p;
}

const char *generator_for(const ir::LayerSpec &l) { return l.type == "fc" ? "tessera_fc" : "tessera_conv2d"; }

}  // namespace

ir::AcceleratorIR lower_scheduled(const Func &output, const ir::LayerSpec &layer,
                                  const std::string &schedule_text) {
    PartiallyLowered lowered;
    try {
        lowered = lower_partially(output);
    } catch (const CompileError &e) {
        throw UserError("Halide rejects the schedule: " + halide_error_line(e.what()));
    }
    // TESSERA_DUMP_STMT=1 shows the partially lowered loop nest the extraction reads.
    if (const char *dump = getenv("TESSERA_DUMP_STMT"); dump && *dump == '1')
        std::cerr << lowered.stmt << "\n";
    ir::AcceleratorIR ir;
    ir.problem = extract_problem(output, layer);
    ir.mapping = extract_loop_nest(lowered, ir.problem);
    ir.mapping.schedule = schedule_text;
    try {
        ir::analyze(ir);  // the contract's own checks (buffers, reductions)
    } catch (const std::runtime_error &e) {
        throw UserError(e.what());
    }
    return ir;
}

ir::AcceleratorIR lower_to_ir(const ir::LayerSpec &layer, const ScheduleRequest &request) {
    gen::validate(layer);
    BuiltPipeline built = build_generator(generator_for(layer), generator_params(layer));
    ScheduleSymbols symbols = layer_symbols(built.output);
    const std::string text = request.text.empty() ? preset_schedule(layer, request) : request.text;
    const std::string origin = request.text.empty() ? "preset" : request.text_origin;
    apply_schedule_text(text, origin, symbols);
    // docs/schedules.md's first rule: the accumulator is placed (its Realize is the output buffer).
    LoopLevel acc_level = symbols.funcs.at("acc").function().schedule().compute_level();
    acc_level.lock();
    if (acc_level.is_inlined())
        throw UserError(origin + ": acc is never computed; place it, e.g. acc.compute_at(output, n) or "
                        "acc.compute_root() (docs/schedules.md)");
    try {
        return lower_scheduled(built.output, layer, text);
    } catch (const UserError &e) {
        throw UserError(origin + ": " + e.what());  // a whole-schedule error: name the schedule
    }
}

ir::AcceleratorIR lower_generator(const std::string &name,
                                  const std::map<std::string, std::string> &params,
                                  const ScheduleRequest &request, bool has_schedule) {
    if (name == "tessera_conv2d" || name == "tessera_fc") {
        ir::LayerSpec layer = gen::spec_from_params(name, params);
        return lower_to_ir(layer, request);
    }
    BuiltPipeline built = build_generator(name, params);
    ir::LayerSpec layer;
    layer.name = name;
    layer.type = "generator";
    layer.bias = params.count("has_bias") && params.at("has_bias") == "true";
    layer.relu = params.count("relu") && params.at("relu") == "true";
    layer.requant_shift = 0;
    if (params.count("shift")) {
        const std::string &v = params.at("shift");
        if (v.empty() || v.size() > 2 || v.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(v) > 30)
            throw UserError("generator param shift=" + v + ": use 0..30");
        layer.requant_shift = std::stoi(v);
    }
    std::string text;
    if (has_schedule) {
        if (request.text.empty())
            throw UserError("presets need a built-in layer; give generator " + name +
                            " a --schedule file or a schedule() of its own");
        ScheduleSymbols symbols = layer_symbols(built.output);
        apply_schedule_text(request.text, request.text_origin, symbols);
        text = request.text;
    }
    return lower_scheduled(built.output, layer, text);
}

void load_generator_plugin(const std::string &path) {
    if (!dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL))
        throw UserError("cannot load plugin " + path + ": " + dlerror());
}

}  // namespace tessera
