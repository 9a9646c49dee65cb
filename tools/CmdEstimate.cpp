// tessera estimate: analytical energy, cycles and access counts of a layer or a whole network.
#include "ArchitectureOption.h"
#include "Commands.h"
#include "LayerOptions.h"
#include "UserError.h"
#include "ir/ArchitectureJson.h"
#include "ir/Validate.h"
#include "model/EnergyFloor.h"
#include "model/Model.h"
#include "model/Report.h"
#include "model/Svg.h"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace tessera::cli {

namespace po = boost::program_options;

namespace {

// The same layers on several interconnects: cycles and energy per layer and interconnect. Each
// interconnect lowers the layers again, since presets map for it (os on a pipelined array).
int print_interconnects(LayerSelection sel, const ir::Architecture &base,
                        const std::vector<std::string> &choices, bool json) {
    nlohmann::json rows = nlohmann::json::array();
    std::ostringstream table;
    table << std::left << std::setw(28) << "layer" << " " << std::setw(14) << "interconnect" << std::right
          << std::setw(6) << "skew" << std::setw(14) << "cycles" << std::setw(14) << "energy pJ"
          << std::setw(10) << "pJ/MAC" << "\n";
    std::vector<ir::Architecture> archs;
    std::vector<std::vector<SelectedLayer>> lowered;
    for (const std::string &choice : choices) {
        archs.push_back(base);
        apply_interconnect(archs.back(), choice);
        size_presets_for(archs.back(), sel);
        lowered.push_back(lower_selection(sel));
    }
    for (size_t i = 0; i < lowered.front().size(); ++i)
        for (size_t c = 0; c < choices.size(); ++c) {
            const std::string &choice = choices[c];
            const SelectedLayer &s = lowered[c][i];
            const ir::Architecture &arch = archs[c];
            try {
                ir::validate_fit(s.ir, arch);
                model::Model m(s.ir, arch);
                const model::Estimate &e = m.evaluate();
                table << std::left << std::setw(28) << s.layer.name << " " << std::setw(14) << choice << std::right
                      << std::setw(6) << arch.array_skew() << std::setw(14) << e.cycles.total << std::setw(14)
                      << std::setprecision(4) << e.energy_pj << std::setw(10) << std::setprecision(3)
                      << e.pj_per_mac() << "\n";
                rows.push_back({{"layer", s.layer.name}, {"interconnect", choice}, {"skew", arch.array_skew()},
                                {"cycles", e.cycles.total}, {"energy_pj", e.energy_pj}});
            } catch (const std::exception &e) {
                table << std::left << std::setw(28) << s.layer.name << " " << std::setw(14) << choice
                      << "does not fit: " << e.what() << "\n";
                rows.push_back({{"layer", s.layer.name}, {"interconnect", choice}, {"error", e.what()}});
            }
        }
    if (json) std::cout << nlohmann::json{{"architecture", base.name}, {"interconnects", rows}}.dump(2) << "\n";
    else std::cout << "architecture " << base.name << " (" << base.rows << "x" << base.cols << ")\n" << table.str();
    return 0;
}

}  // namespace

int run_estimate(const Args &args) {
    if (wants_fusion(args, "--fuse")) return run_estimate_fused(args);  // docs/fusion.md
    LayerSelection sel;
    std::string arch_name = "default", svg_file, interconnects;
    bool json = false;
    po::options_description desc(
        "tessera estimate: analytical energy, cycles and access counts (docs/estimate.md)\n\n"
        "  tessera estimate --network resnet50 --layer CB2a_2 --dataflow ws\n"
        "  tessera estimate --network mobilenetv2 --arch eyeriss_like --svg energy.svg\n"
        "  tessera estimate --layer fc:N=16,C=1024,K=1000 --arch my_arch.json --json\n"
        "  tessera estimate --network fsrcnn --fuse map1..map4 --tile 16x32 --overlap cache-h   (fused group: --fuse x --help)\n"
        "  tessera estimate --layer conv:C=64,K=64,H=56,W=56,R=3,S=3,pad=1 --dataflow ws \\\n"
        "      --interconnect broadcast,systolic,hybrid:4        (side by side)\n\noptions");
    add_layer_options(desc, sel);
    desc.add_options()
        ("arch", po::value(&arch_name)->default_value(arch_name),
         "architecture: a JSON (or YAML) file, a Timeloop architecture YAML, a bundled name (examples/arch/NAME.json) or 'default'")
        ("interconnect", po::value(&interconnects),
         (std::string(kInterconnectHelp) + "; several, comma-separated, print the layers on each side by side").c_str())
        ("json", po::bool_switch(&json), "print JSON instead of a table")
        ("svg", po::value(&svg_file), "write the energy breakdown per layer and level as SVG")
        ("help,h", "this help");
    po::variables_map vm;
    if (!parse_command_line(args, desc, vm, "estimate")) return 0;
    ir::Architecture arch = select_architecture(arch_name, vm, sel);
    std::vector<std::string> choices;
    for (size_t from = 0; !interconnects.empty();) {
        const size_t comma = interconnects.find(',', from);
        choices.push_back(interconnects.substr(from, comma - from));
        if (comma == std::string::npos) break;
        from = comma + 1;
    }
    if (choices.size() > 1) return print_interconnects(sel, arch, choices, json);
    if (choices.size() == 1) {
        apply_interconnect(arch, choices.front());
        size_presets_for(arch, sel);  // presets map for the interconnect
    }
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
    const std::string title = whole_network ? selected_network_name(sel) : results.front().layer;
    if (json) {
        nlohmann::json j;
        if (whole_network) {
            j = model::network_json(title, results, arch);
        } else {
            j = model::to_json(results.front().estimate, arch);
            j["layer"] = results.front().layer;
            j["floor_pj"] = model::energy_floor(selected.front().ir.problem, arch).total_pj();
        }
        std::cout << j.dump(2) << "\n";
    } else if (whole_network) {
        model::print_network_table(std::cout, title, results, arch);
    } else {
        const model::Estimate &e = results.front().estimate;
        model::print_table(std::cout, results.front().layer, e, arch);
        // What any mapping of the layer must spend on this architecture (docs/explore.md).
        const double floor_pj = model::energy_floor(selected.front().ir.problem, arch).total_pj();
        std::cout << "energy floor " << std::setprecision(6) << floor_pj << " pJ, " << std::setprecision(4)
                  << floor_pj / double(e.macs) << " pJ/MAC (no mapping on " << arch.name
                  << " goes below it): this mapping is " << std::fixed << std::setprecision(1)
                  << 100.0 * (e.energy_pj / floor_pj - 1) << "% above it\n";
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
