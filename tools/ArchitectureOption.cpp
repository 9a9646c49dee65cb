#include "ArchitectureOption.h"

#include "UserError.h"
#include "ir/ArchitectureJson.h"
#include "ir/Limits.h"

namespace tessera::cli {

ir::Architecture select_architecture(const std::string &arch_name,
                                     const boost::program_options::variables_map &vm, LayerSelection &sel) {
    ir::Architecture arch = ir::load_architecture(arch_name);
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
    if (const ir::MemoryLevel *glb = arch.level("GLB")) sel.buffer_bytes = glb->tile_budget_bytes();
    return arch;
}

}  // namespace tessera::cli
