// tessera estimate: analytical energy, cycles and access counts of a layer or a whole network.
#include "ArchitectureOption.h"
#include "Commands.h"
#include "LayerOptions.h"
#include "UserError.h"
#include "ir/ArchitectureJson.h"
#include "ir/Validate.h"
#include "model/Model.h"
#include "model/Report.h"
#include "model/Svg.h"

#include <fstream>
#include <iostream>

namespace tessera::cli {

namespace po = boost::program_options;

int run_estimate(const Args &args) {
    if (wants_fusion(args, "--fuse")) return run_estimate_fused(args);  // docs/fusion.md
    LayerSelection sel;
    std::string arch_name = "default", svg_file;
    bool json = false;
    po::options_description desc(
        "tessera estimate: analytical energy, cycles and access counts (docs/estimate.md)\n\n"
        "  tessera estimate --network resnet50 --layer CB2a_2 --dataflow ws\n"
        "  tessera estimate --network mobilenetv2 --arch eyeriss_like --svg energy.svg\n"
        "  tessera estimate --layer fc:N=16,C=1024,K=1000 --arch my_arch.json --json\n"
        "  tessera estimate --network fsrcnn --fuse map1..map4 --tile 16x32 --overlap cache-h   (fused group: --fuse x --help)\n\noptions");
    add_layer_options(desc, sel);
    desc.add_options()
        ("arch", po::value(&arch_name)->default_value(arch_name),
         "architecture: a JSON file, a bundled name (examples/arch/NAME.json) or 'default'")
        ("json", po::bool_switch(&json), "print JSON instead of a table")
        ("svg", po::value(&svg_file), "write the energy breakdown per layer and level as SVG")
        ("help,h", "this help");
    po::variables_map vm;
    if (!parse_command_line(args, desc, vm, "estimate")) return 0;
    const ir::Architecture arch = select_architecture(arch_name, vm, sel);
    const auto selected = lower_selection(sel);

    std::vector<model::LayerResult> results;
    for (const auto &s : selected) {
        try {
            ir::validate_fit(s.ir, arch);
            model::Model m(s.ir, arch);
            results.push_back({s.layer.name, m.evaluate()});
        } catch (const std::exception &e) {
            throw UserError("layer " + s.layer.name + ": " + e.what());
        }
    }
    const bool whole_network = (!sel.network.empty() || !sel.onnx.empty()) && sel.layer.empty();
    const std::string title = whole_network ? (sel.onnx.empty() ? sel.network : sel.onnx) : results.front().layer;
    if (json) {
        nlohmann::json j;
        if (whole_network) {
            j = model::network_json(title, results, arch);
        } else {
            j = model::to_json(results.front().estimate, arch);
            j["layer"] = results.front().layer;
        }
        std::cout << j.dump(2) << "\n";
    } else if (whole_network) {
        model::print_network_table(std::cout, title, results, arch);
    } else {
        model::print_table(std::cout, results.front().layer, results.front().estimate, arch);
    }
    if (!svg_file.empty()) {
        std::ofstream out(svg_file);
        if (!out) throw UserError("cannot write " + svg_file + "; check the directory exists");
        model::write_energy_svg(out, title, results, arch);
        out.close();
        if (!out) throw UserError("failed writing " + svg_file + " (disk full or not writable?)");
    }
    return 0;
}

}  // namespace tessera::cli
