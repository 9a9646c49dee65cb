#include "ExploreSweep.h"

#include "ExploreSvg.h"

#include "UserError.h"
#include "ir/ArchitectureJson.h"

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace tessera::cli {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> split(const std::string &text) {
    std::vector<std::string> parts;
    std::stringstream ss(text);
    for (std::string p; std::getline(ss, p, ',');) parts.push_back(p);
    return parts;
}

int64_t parse_bytes(const std::string &option, const std::string &text) {
    size_t used = 0;
    int64_t v = -1;
    try {
        v = std::stoll(text, &used);
    } catch (const std::exception &) {
        used = 0;
    }
    const std::string suffix = text.substr(used);
    const int64_t scale = suffix.empty() ? 1 : suffix == "K" ? 1024 : suffix == "M" ? 1024 * 1024 : 0;
    if (used == 0 || scale == 0 || v < 1 || v > (int64_t(1) << 32) / scale)
        throw UserError(option + ": '" + text + "' is not a size (bytes from 1 to 4G, e.g. 512, 64K, 1M)");
    return v * scale;
}

std::string size_text(int64_t bytes) {
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) return std::to_string(bytes >> 20) + " MB";
    if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KB";
    return std::to_string(bytes) + " B";
}

nlohmann::json design_json(const explore::DesignResult &d) {
    nlohmann::json j = {{"arch", d.arch.name},
                        {"rows", d.arch.rows},
                        {"cols", d.arch.cols},
                        {"rf_bytes", d.rf_bytes},
                        {"glb_bytes", d.glb_bytes},
                        {"glb_double_buffered", d.glb_double_buffered},
                        {"feasible", d.feasible}};
    if (d.feasible) {
        j["energy_pj"] = d.energy_pj;
        j["cycles"] = d.cycles;
    } else {
        j["why_not"] = d.why_not;
    }
    return j;
}

}  // namespace

explore::SweepSpec parse_sweep(const SweepOptions &o) {
    explore::SweepSpec s;
    s.hold_throughput = o.hold_throughput;
    s.double_buffering = o.double_buffer;
    if (o.defaults) {
        // Interstellar's range: RF 16 B .. 1 KB, GLB 32 KB .. 512 KB (its energy tables' sizes).
        s.rf_bytes = {16, 32, 64, 128, 256, 512, 1024};
        s.glb_bytes = {32 << 10, 64 << 10, 128 << 10, 256 << 10, 512 << 10};
    }
    if (!o.rf.empty()) {
        s.rf_bytes.clear();
        for (const auto &p : split(o.rf)) s.rf_bytes.push_back(parse_bytes("--sweep-rf", p));
    }
    if (!o.glb.empty()) {
        s.glb_bytes.clear();
        for (const auto &p : split(o.glb)) s.glb_bytes.push_back(parse_bytes("--sweep-glb", p));
    }
    for (const auto &p : split(o.arrays)) {
        const auto x = p.find('x');
        int64_t r = 0, c = 0;
        try {
            size_t ur = 0, uc = 0;
            r = std::stoll(p.substr(0, x), &ur);
            c = std::stoll(p.substr(x + 1), &uc);
            if (ur != x || x + 1 + uc != p.size()) r = 0;
        } catch (const std::exception &) {
            r = 0;
        }
        if (x == std::string::npos || r < 1 || c < 1 || r > 4096 || c > 4096)
            throw UserError("--sweep-array: '" + p + "' is not an array shape (ROWSxCOLS, e.g. 8x32)");
        s.arrays.push_back({r, c});
    }
    return s;
}

void run_sweep(const std::vector<SelectedLayer> &layers, const ir::Architecture &base,
               const explore::SweepSpec &spec, const explore::SearchOptions &options, bool json,
               bool progress, int top, const std::string &out_dir, const std::string &svg_file) {
    std::vector<ir::Problem> problems;
    for (const auto &l : layers) problems.push_back(l.ir.problem);
    for (size_t i = 1; i < base.levels.size(); ++i)
        if (base.levels[i].energy_by_size.empty() &&
            ((!spec.rf_bytes.empty() && base.is_per_pe(i)) || (!spec.glb_bytes.empty() && !base.is_per_pe(i))) &&
            !json)
            std::cout << "note: level " << base.levels[i].name << " of '" << base.name
                      << "' has no energy_by_size table, so its energy per access does not change with "
                         "its size (see examples/arch/interstellar_baseline.json)\n";
    auto on_design = [&](int i, int n, const explore::DesignResult &d) {
        if (!progress) return;
        std::cerr << "\rsweep: design " << i + 1 << "/" << n << " (" << d.arch.name << ") "
                  << (d.feasible ? "" : "infeasible") << std::string(20, ' ') << std::flush;
    };
    const explore::SweepResult r = explore::sweep(problems, base, spec, options, on_design);
    if (progress) std::cerr << "\r" << std::string(90, ' ') << "\r" << std::flush;
    const explore::DesignResult &baseline = r.designs[size_t(r.baseline)];
    const explore::DesignResult &best = r.designs.front();
    const double factor = best.feasible && baseline.feasible ? baseline.energy_pj / best.energy_pj : 0;
    if (json) {
        nlohmann::json j;
        j["designs"] = nlohmann::json::array();
        for (const auto &d : r.designs) j["designs"].push_back(design_json(d));
        j["baseline"] = design_json(baseline);
        j["best"] = design_json(best);
        j["energy_factor"] = factor;
        j["hold_throughput"] = spec.hold_throughput;
        j["layers"] = layers.size();
        j["searches"] = r.searches;
        j["seconds"] = r.seconds;
        std::cout << j.dump(2) << "\n";
    } else {
        std::cout << "resource sweep over " << layers.size() << " layer(s) on " << r.designs.size()
                  << " designs (" << r.searches << " layer searches, " << std::fixed << std::setprecision(1)
                  << r.seconds << " s)" << (spec.hold_throughput ? ", throughput held at the baseline's" : "")
                  << "\n  rank  array    GLB       RF        energy_pj        cycles\n";
        for (size_t i = 0; i < r.designs.size(); ++i) {
            const auto &d = r.designs[i];
            if (int(i) >= top && int(i) != r.baseline) continue;
            std::cout << "  " << std::setw(4) << i + 1 << "  " << std::setw(7)
                      << (std::to_string(d.arch.rows) + "x" + std::to_string(d.arch.cols)) << "  "
                      << std::setw(8) << (size_text(d.glb_bytes) + (d.glb_double_buffered ? " x2" : "")) << "  "
                      << std::setw(8) << size_text(d.rf_bytes)
                      << "  ";
            if (d.feasible)
                std::cout << std::setw(15) << std::setprecision(0) << d.energy_pj << "  " << std::setw(12) << d.cycles;
            else
                std::cout << "infeasible: " << d.why_not;
            std::cout << (int(i) == r.baseline ? "   (baseline: " + base.name + ")" : "") << "\n";
        }
        if (factor > 0) {
            std::cout << "best design: " << best.arch.name << ", " << std::setprecision(2) << factor
                      << "x less energy";
            // Ranked by cycles or EDP: the figure the ranking used too.
            if (options.objective != explore::Objective::Energy && best.cycles > 0)
                std::cout << " and " << double(baseline.cycles) / double(best.cycles) << "x fewer cycles";
            std::cout << " than the baseline " << base.name << "\n";
        }
        else if (!baseline.feasible)
            std::cout << "the baseline is infeasible: " << baseline.why_not << "\n";
    }
    if (!svg_file.empty()) {
        std::ofstream svg(svg_file);
        if (!svg) throw UserError("cannot write " + svg_file + "; check the directory exists");
        explore::write_sweep_svg(svg, "resource sweep on " + base.name + ": network energy per design" +
                                          (spec.hold_throughput ? " (throughput held)" : ""), r);
    }
    if (!out_dir.empty() && best.feasible) {
        std::ofstream a(fs::path(out_dir) / "arch.json");
        a << ir::to_json(best.arch).dump(2) << "\n";
        if (!a) throw UserError("cannot write " + (fs::path(out_dir) / "arch.json").string());
        for (size_t i = 0; i < layers.size(); ++i) {
            const fs::path file = fs::path(out_dir) / (schedule_file_name(layers[i].layer.name) + ".sched");
            std::ofstream f(file);
            f << explore::schedule_text(explore::space_info(problems[i], best.arch), best.layers[i].best.point);
            if (!f) throw UserError("cannot write " + file.string());
        }
    }
}

}  // namespace tessera::cli
