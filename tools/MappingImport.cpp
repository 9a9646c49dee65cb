#include "MappingImport.h"

#include "LayerOptions.h"
#include "UserError.h"
#include "interop/LoopNest.h"
#if __has_include("interop/MaestroMapping.h")
#include "interop/MaestroMapping.h"
#define TESSERA_WITH_MAESTRO 1
#endif
#ifdef TESSERA_WITH_YAML
#include "interop/TimeloopMapping.h"
#endif

namespace tessera::cli {

namespace {

[[noreturn]] void no_yaml(const std::string &what) {
    throw UserError(what + ": this tessera was built without YAML support; install libyaml-cpp-dev "
                    "(tools/bootstrap.sh does) and rebuild");
}

}  // namespace

bool imports_mapping(const LayerSelection &sel) {
    return !sel.timeloop_mapping.empty() || !sel.maestro_mapping.empty();
}

std::string imported_schedule(const LayerSelection &sel, const ir::Problem &problem) {
    if (!sel.timeloop_mapping.empty()) {
#ifdef TESSERA_WITH_YAML
        return interop::timeloop_schedule(sel.timeloop_mapping, problem, sel.level_names);
#else
        no_yaml("--timeloop-mapping " + sel.timeloop_mapping);
#endif
    }
#ifdef TESSERA_WITH_MAESTRO
    const ScheduleRequest req = schedule_request(sel);  // --array: the PEs the clusters divide
    return interop::maestro_schedule(sel.maestro_mapping, problem, req.rows * req.cols, req.rows);
#else
    throw UserError("--maestro-mapping is not built yet");
#endif
}

bool mapping_layer(const LayerSelection &sel, ir::LayerSpec &layer) {
#ifdef TESSERA_WITH_MAESTRO
    if (!sel.maestro_mapping.empty()) {
        if (!interop::has_maestro_layer(sel.maestro_mapping)) return false;
        layer = interop::read_maestro_layer(sel.maestro_mapping);
        return true;
    }
#endif
#ifdef TESSERA_WITH_YAML
    if (!sel.timeloop_problem.empty()) {
        layer = interop::read_timeloop_problem(sel.timeloop_problem);
        return true;
    }
    if (sel.timeloop_mapping.empty() || !interop::has_timeloop_problem(sel.timeloop_mapping)) return false;
    layer = interop::read_timeloop_problem(sel.timeloop_mapping);
    return true;
#else
    if (!sel.timeloop_problem.empty()) no_yaml("--timeloop-problem " + sel.timeloop_problem);
    return false;
#endif
}

bool maestro_network(const std::string &network, std::vector<ir::LayerSpec> &layers) {
    const auto dot = network.rfind('.');
    if (dot == std::string::npos || network.substr(dot) != ".m") return false;
#ifdef TESSERA_WITH_MAESTRO
    const interop::MaestroNetwork net = interop::read_maestro_network(network);
    note_skipped(network, net.layers.size(), "Types Tessera does not run", net.skipped);
    layers = net.layers;
    return true;
#else
    throw UserError("--network " + network + ": MAESTRO files are not built yet");
#endif
}

std::string emit_mapping(const ir::AcceleratorIR &ir, const std::string &format) {
    if (format == "timeloop") {
#ifdef TESSERA_WITH_YAML
        return interop::timeloop_yaml(ir);
#else
        no_yaml("--emit timeloop");
#endif
    }
#ifdef TESSERA_WITH_MAESTRO
    if (format == "maestro") return interop::maestro_text(ir);
#endif
    throw UserError("--emit " + format + ": unknown format (timeloop, maestro)");
}

}  // namespace tessera::cli
