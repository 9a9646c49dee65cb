// tessera lower: the scheduled loop nest of a layer, as the hardware will run it.
#include "Commands.h"
#include "LayerOptions.h"
#include "MappingImport.h"
#include "ir/Print.h"
#include "UserError.h"
#include "ir/Json.h"

#include <iostream>

namespace tessera::cli {

namespace po = boost::program_options;

int run_lower(const Args &args) {
    if (wants_fusion(args, "--fuse")) return run_lower_fused(args);  // docs/fusion.md
    LayerSelection sel;
    bool json = false;
    std::string emit;
    po::options_description desc(
        "tessera lower: print the scheduled loop nest (accelerator IR) of a layer\n\n"
        "  tessera lower --network resnet50 --layer CB2a_2 --dataflow ws --array 16x16\n"
        "  tessera lower --layer conv:C=3,K=64,H=224,W=224,R=7,S=7,stride=2,pad=3 --spatial 'C|K'\n"
        "  tessera lower --layer fc:N=1,C=1024,K=1000 --schedule my.sched --json\n"
        "  tessera lower --network resnet18 --fuse 1..2 --tile 8x8 --overlap cache-h   (fused group: --fuse x --help)\n"
        "  tessera lower --layer conv:C=64,K=64,H=56,W=56,R=3,S=3,pad=1 --timeloop-mapping map.yaml --emit schedule\n\noptions");
    add_layer_options(desc, sel);
    desc.add_options()("json", po::bool_switch(&json), "print the IR as JSON")
        ("emit", po::value(&emit)->default_value("nest"), "nest (the loop nest) | schedule (the schedule text) | "
         "timeloop (Timeloop mapping + problem YAML, docs/timeloop.md) | maestro (MAESTRO directives, docs/maestro.md)")("help,h", "this help");
    po::variables_map vm;
    if (!parse_command_line(args, desc, vm, "lower")) return 0;
    if (emit != "nest" && emit != "schedule" && emit != "timeloop" && emit != "maestro")
        throw UserError("--emit " + emit + ": unknown format (nest, schedule, timeloop, maestro)");
    if (json && emit != "nest") throw UserError("give either --json or --emit, not both");
    const auto layers = lower_selection(sel);
    if (emit == "schedule" || emit == "timeloop" || emit == "maestro") {
        for (const auto &l : layers) {
            if (layers.size() > 1) std::cout << (emit == "timeloop" ? "# " : "// ") << "layer " << l.layer.name << "\n";
            std::cout << (emit == "schedule" ? l.ir.mapping.schedule : emit_mapping(l.ir, emit));
            if (layers.size() > 1) std::cout << (emit == "timeloop" ? "---\n" : "\n");
        }
        return 0;
    }
    if (json) {
        if (layers.size() == 1) {
            std::cout << ir::to_json(layers[0].ir).dump(2) << "\n";
        } else {
            nlohmann::json all = nlohmann::json::array();
            for (const auto &l : layers) all.push_back(ir::to_json(l.ir));
            std::cout << all.dump(2) << "\n";
        }
        return 0;
    }
    for (const auto &l : layers) std::cout << ir::print_nest(l.ir) << "\n";
    return 0;
}

}  // namespace tessera::cli
