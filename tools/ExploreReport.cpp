// What `tessera explore` reports beside its search: the presets' costs on the same layers, the
// --verify runs of the winners in RTL and the --svg charts (docs/explore.md, "Output").
#include "ExploreReport.h"

#include "ArchitectureOption.h"
#include "Commands.h"
#include "Presets.h"
#include "UserError.h"
#include "ir/Validate.h"
#include "model/Model.h"
#include "model/SvgDraw.h"

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

namespace tessera::cli {

namespace fs = std::filesystem;

PresetCosts preset_costs(LayerSelection sel, const ir::Architecture &arch, size_t layers) {
    size_presets_for(arch, sel);
    PresetCosts out;
    for (const char *df : {"os", "ws", "is", "rs"}) {
        sel.dataflow = df;
        std::vector<std::optional<explore::PresetCost>> costs(layers);
        try {
            const auto lowered = lower_selection(sel);
            for (size_t i = 0; i < lowered.size() && i < layers; ++i) try {
                    ir::validate_fit(lowered[i].ir, arch);
                    model::Model m(lowered[i].ir, arch);
                    const model::Estimate &e = m.evaluate();
                    costs[i] = explore::PresetCost{df, e.energy_pj, e.cycles.total};
                } catch (const std::exception &) {
                }
        } catch (const std::exception &) {
        }
        out.emplace_back(df, std::move(costs));
    }
    return out;
}

std::pair<std::string, double> best_preset(const PresetCosts &costs) {
    std::pair<std::string, double> best{"", 0};
    for (const auto &[name, per_layer] : costs) {
        double total = 0;
        bool all = !per_layer.empty();
        for (const auto &c : per_layer) all = all && c, total += c ? c->energy_pj : 0;
        if (all && (best.first.empty() || total < best.second)) best = {name, total};
    }
    return best;
}

// --verify K: `tessera compile` then `tessera simulate` (the same code paths as the commands) of the
// top K mappings (all of which compile generates RTL for: --verify searches as --rtl-only);
// simulate prints every counter beside the model's.
void verify_top(const SelectedLayer &layer, const LayerSelection &sel, const std::string &arch_name,
                const explore::SpaceInfo &info, const explore::SearchResult &r, int k,
                const std::string &base) {
    for (size_t i = 0; i < r.top.size() && i < size_t(k); ++i) {
        const auto &c = r.top[i];
        const fs::path dir = fs::path(base) / "verify" / (schedule_file_name(layer.layer.name) + "_" + std::to_string(i + 1));
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) throw UserError("--verify: cannot create " + dir.string() + " (" + ec.message() + "); give -o DIR");
        const std::string sched = (dir / "schedule.sched").string();
        std::ofstream(sched) << explore::schedule_text(info, c.point);
        // The layer again, as the user named it.
        Args compile = !sel.onnx.empty()               ? Args{"--onnx", sel.onnx, "--layer", layer.layer.name}
                       : !sel.network.empty()          ? Args{"--network", sel.network, "--layer", layer.layer.name}
                       : !sel.timeloop_problem.empty() ? Args{"--timeloop-problem", sel.timeloop_problem}
                                                       : Args{"--layer", sel.layer};
        for (const std::string &a : {std::string("--arch"), arch_name, std::string("--schedule"), sched,
                                     std::string("-o"), (dir / "design").string()})
            compile.push_back(a);
        std::cout << "== verify rank " << i + 1 << " of " << layer.layer.name << ": model " << std::fixed
                  << std::setprecision(0) << c.energy_pj << " pJ, " << c.cycles << " cycles\n" << std::flush;
        run_compile(compile);
        const int rc = run_simulate({(dir / "design").string()});
        std::cout << "== verify rank " << i + 1 << ": " << (rc == 0 ? "PASS" : "FAIL") << "\n";
        if (rc != 0) throw UserError("layer " + layer.layer.name + ": rank " + std::to_string(i + 1) +
                                     " failed in RTL simulation (design in " + dir.string() + ")");
    }
}

// --svg: one layer's Pareto front with the winner and the best preset, or the energy per layer.
void write_svg(const std::string &file, const ir::Architecture &arch, const std::optional<explore::SearchResult> &only,
               const PresetCosts &presets, std::vector<explore::LayerEnergies> layers) {
    std::ofstream out(file);
    if (!out) throw UserError("cannot write " + file + "; check the directory exists");
    const auto best = best_preset(presets);
    if (only) {
        std::optional<explore::PresetCost> preset;
        for (const auto &[name, per_layer] : presets)
            if (name == best.first) preset = per_layer.at(0);
        explore::write_pareto_svg(out, layers.at(0).layer + " on " + arch.name + ": Pareto front (energy x cycles)",
                                  only->pareto, only->best, preset, layers.at(0).floor_pj);
    } else {
        std::vector<std::string> names;
        for (const auto &[name, per_layer] : presets) {
            names.push_back(name);
            for (size_t i = 0; i < layers.size(); ++i)
                layers[i].preset_pj.push_back(per_layer.at(i) ? std::optional<double>(per_layer[i]->energy_pj)
                                                              : std::nullopt);
        }
        double total = 0;
        for (const auto &l : layers) total += l.explore_pj;
        std::string title = "energy by layer on " + arch.name + ": explore " + model::svg::energy_label(total);
        if (!best.first.empty())
            title += ", best preset (" + best.first + ") " + model::svg::energy_label(best.second);
        explore::write_network_svg(out, title, names, layers);
    }
    out.flush();
    if (!out) throw UserError("failed writing " + file + " (disk full or not writable?)");
}

}  // namespace tessera::cli
