#include "ArchitectureOption.h"

#include "Presets.h"
#include "UserError.h"
#include "ir/ArchitectureJson.h"
#include "ir/Limits.h"

#ifdef TESSERA_WITH_YAML
#include "interop/TimeloopArchitecture.h"
#endif

namespace tessera::cli {

void size_presets_for(const ir::Architecture &arch, LayerSelection &sel) {
    ScheduleRequest budgets;
    fit_presets_to(arch, budgets);
    sel.buffer_bytes = budgets.buffer_bytes;
    sel.scratchpad_level = budgets.scratchpad_level;
    sel.shared_level = budgets.shared_level;
    sel.pipelined_array = budgets.pipelined_array;
    for (int t = 0; t < 3; ++t) sel.scratchpad_bytes[t] = budgets.scratchpad_bytes[t];
    for (int t = 0; t < 3; ++t) sel.buffer_tensor_bytes[t] = budgets.buffer_tensor_bytes[t];
    sel.level_names.clear();
    for (const auto &level : arch.levels) {
        interop::LevelName name{level.name, level.per_pe};
        for (int t = 0; t < 3; ++t) name.register_of[t] = level.per_pe && level.holds_one_word(t);
        sel.level_names[level.name] = name;
        for (const auto &alias : level.aliases) sel.level_names[alias] = name;
    }
}

ir::Architecture read_architecture(const std::string &file_or_name) {
#ifdef TESSERA_WITH_YAML
    if (interop::is_timeloop_architecture(file_or_name)) return interop::read_timeloop_architecture(file_or_name);
#endif
    return ir::load_architecture(file_or_name);
}

ir::Architecture select_architecture(const std::string &arch_name,
                                     const boost::program_options::variables_map &vm, LayerSelection &sel) {
    ir::Architecture arch = read_architecture(arch_name);
    if (vm["array"].defaulted()) {
        sel.array = std::to_string(arch.rows) + "x" + std::to_string(arch.cols);
    } else {
        const ScheduleRequest req = schedule_request(sel);  // parses --array
        ir::check_array_limits(req.rows, req.cols, "--array");
        if (arch_name == "default") {
            arch.rows = req.rows;
            arch.cols = req.cols;
        } else if (req.rows > arch.rows || req.cols > arch.cols) {
            throw UserError("--array " + sel.array + " is larger than architecture " + arch.name + "'s " +
                            std::to_string(arch.rows) + "x" + std::to_string(arch.cols) +
                            " array; give a smaller --array or an architecture with a larger array");
        }
    }
    size_presets_for(arch, sel);
    return arch;
}

const char *const kInterconnectHelp =
    "array interconnect in place of the architecture's: broadcast | systolic | hybrid:T (Gemmini-like "
    "T x T combinational tiles, pipeline registers between them; docs/hardware.md, \"Interconnect\")";

void apply_interconnect(ir::Architecture &arch, const std::string &choice) {
    const std::string form = "; give broadcast, systolic or hybrid:T (e.g. hybrid:4)";
    if (choice == "broadcast" || choice == "systolic") {
        arch.interconnect = choice == "broadcast" ? ir::Interconnect::Broadcast : ir::Interconnect::Systolic;
        arch.tile = 1;
        return;
    }
    if (choice.rfind("hybrid:", 0) != 0) throw UserError("--interconnect '" + choice + "' is not an interconnect" + form);
    const std::string t = choice.substr(7);
    if (t.empty() || t.size() > 6 || t.find_first_not_of("0123456789") != std::string::npos || std::stoll(t) < 1 ||
        std::stoll(t) > ir::kMaxArraySide)
        throw UserError("--interconnect '" + choice + "': the tile T must be an integer 1.." +
                        std::to_string(ir::kMaxArraySide) + form);
    arch.interconnect = ir::Interconnect::Hybrid;
    arch.tile = std::stoll(t);
}

}  // namespace tessera::cli
