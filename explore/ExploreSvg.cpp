#include "ExploreSvg.h"

#include "model/SvgDraw.h"

#include <algorithm>

namespace tessera::explore {

using namespace model::svg;

namespace {

std::string data(double energy_pj, int64_t cycles) {
    return " data-energy-pj=\"" + exact(energy_pj) + "\" data-cycles=\"" + std::to_string(cycles) + "\"";
}

std::string tooltip(const std::string &what, double energy_pj, int64_t cycles) {
    return "<title>" + escape(what + ": " + energy_label(energy_pj) + ", " + std::to_string(cycles) + " cycles") +
           "</title>";
}

}  // namespace

void write_pareto_svg(std::ostream &os, const std::string &title, const std::vector<Candidate> &pareto,
                      const Candidate &best, const std::optional<PresetCost> &preset, double floor_pj) {
    const double left = 90, top = 50, plot_w = 520, plot_h = 360, bottom = 60, legend_w = 200;
    double emin = best.energy_pj, emax = best.energy_pj;
    double cmin = double(best.cycles), cmax = double(best.cycles);
    auto include = [&](double e, int64_t c) {
        emin = std::min(emin, e), emax = std::max(emax, e);
        cmin = std::min(cmin, double(c)), cmax = std::max(cmax, double(c));
    };
    for (const auto &c : pareto) include(c.energy_pj, c.cycles);
    if (preset) include(preset->energy_pj, preset->cycles);
    if (floor_pj > 0) emin = std::min(emin, floor_pj);
    const Axis ex = Axis::fit(cmin, cmax, plot_w, false), ey = Axis::fit(emin, emax, plot_h, false);
    auto px = [&](int64_t c) { return left + ex.at(double(c)); };
    auto py = [&](double e) { return top + plot_h - ey.at(e); };

    begin(os, left + plot_w + legend_w, top + plot_h + bottom, title);
    for (double v : ey.ticks()) {
        line(os, left, py(v), left + plot_w, py(v), "#ddd");
        text(os, left - 6, py(v) + 4, energy_label(v), "text-anchor=\"end\"");
    }
    for (double v : ex.ticks()) {
        line(os, px(int64_t(v)), top, px(int64_t(v)), top + plot_h, "#eee");
        text(os, px(int64_t(v)), top + plot_h + 16, count_label(v), "text-anchor=\"middle\"");
    }
    line(os, left, top + plot_h, left + plot_w, top + plot_h, "black");
    line(os, left, top, left, top + plot_h, "black");
    text(os, left + plot_w / 2, top + plot_h + 40, std::string("cycles") + (ex.log ? " (log scale)" : ""),
         "text-anchor=\"middle\"");
    text(os, 16, top + plot_h / 2, std::string("energy") + (ey.log ? " (log scale)" : ""),
         "transform=\"rotate(-90 16 " + num(top + plot_h / 2) + ")\" text-anchor=\"middle\"");

    // The front as a staircase (ascending energy, descending cycles), then one mark per mapping.
    if (!pareto.empty()) {
        os << "<polyline class=\"front\" fill=\"none\" stroke=\"" << kColors[0] << "\" stroke-opacity=\"0.5\" points=\"";
        for (size_t i = 0; i < pareto.size(); ++i) {
            if (i) os << num(px(pareto[i - 1].cycles)) << "," << num(py(pareto[i].energy_pj)) << " ";
            os << num(px(pareto[i].cycles)) << "," << num(py(pareto[i].energy_pj)) << " ";
        }
        os << "\"/>\n";
    }
    for (size_t i = 0; i < pareto.size(); ++i) {
        const auto &c = pareto[i];
        os << "<circle class=\"pareto\"" << data(c.energy_pj, c.cycles) << " cx=\"" << num(px(c.cycles))
           << "\" cy=\"" << num(py(c.energy_pj)) << "\" r=\"4\" fill=\"" << kColors[0] << "\">"
           << tooltip("Pareto mapping " + std::to_string(i + 1), c.energy_pj, c.cycles) << "</circle>\n";
    }
    os << "<circle class=\"winner\"" << data(best.energy_pj, best.cycles) << " cx=\"" << num(px(best.cycles))
       << "\" cy=\"" << num(py(best.energy_pj)) << "\" r=\"8\" fill=\"none\" stroke=\"" << kColors[3]
       << "\" stroke-width=\"2.5\">" << tooltip("explore's best", best.energy_pj, best.cycles) << "</circle>\n";
    const double lx = left + plot_w + 20;
    if (floor_pj > 0) {
        os << "<line class=\"floor\" data-energy-pj=\"" << exact(floor_pj) << "\" x1=\"" << num(left) << "\" y1=\""
           << num(py(floor_pj)) << "\" x2=\"" << num(left + plot_w) << "\" y2=\"" << num(py(floor_pj))
           << "\" stroke=\"black\" stroke-dasharray=\"6 4\"><title>"
           << escape("energy floor: no mapping goes below " + energy_label(floor_pj)) << "</title></line>\n";
        legend_entry(os, lx, top + 70, "black", "energy floor");
    }
    legend_entry(os, lx, top + 10, kColors[0], "Pareto front (" + std::to_string(pareto.size()) + ")");
    legend_entry(os, lx, top + 30, kColors[3], "explore's best");
    if (preset) {
        const double x = px(preset->cycles), y = py(preset->energy_pj);
        os << "<rect class=\"preset\" data-preset=\"" << escape(preset->name) << "\""
           << data(preset->energy_pj, preset->cycles) << " x=\"" << num(x - 5) << "\" y=\"" << num(y - 5)
           << "\" width=\"10\" height=\"10\" fill=\"" << kColors[1] << "\" transform=\"rotate(45 " << num(x)
           << " " << num(y) << ")\">" << tooltip("best preset (--dataflow " + preset->name + ")", preset->energy_pj, preset->cycles)
           << "</rect>\n";
        legend_entry(os, lx, top + 50, kColors[1], "best preset (" + preset->name + ")");
    }
    end(os);
}

void write_network_svg(std::ostream &os, const std::string &title, const std::vector<std::string> &names,
                       const std::vector<LayerEnergies> &layers) {
    size_t longest = 0;
    for (const auto &l : layers) longest = std::max(longest, l.layer.size());
    const double bar = 5, group_gap = 8, left = 90, top = 50, plot_h = 320, legend_w = 190;
    const double label_h = std::max(80.0, 20 + 5.0 * double(longest));  // rotated 60 degrees, 9 px font
    const double group_w = double(names.size() + 1) * bar + group_gap;
    const double plot_w = std::max(300.0, double(layers.size()) * group_w + group_gap);
    double lo = 0, hi = 0;
    for (const auto &l : layers) {
        auto include = [&](double e) {
            if (e <= 0) return;
            lo = lo == 0 ? e : std::min(lo, e), hi = std::max(hi, e);
        };
        include(l.explore_pj);
        include(l.floor_pj);
        for (const auto &p : l.preset_pj)
            if (p) include(*p);
    }
    const Axis ey = Axis::fit(lo, hi, plot_h, true);
    auto py = [&](double e) { return top + plot_h - ey.at(e); };

    begin(os, left + plot_w + legend_w, top + plot_h + label_h, title);
    for (double v : ey.ticks()) {
        line(os, left, py(v), left + plot_w, py(v), "#ddd");
        text(os, left - 6, py(v) + 4, energy_label(v), "text-anchor=\"end\"");
    }
    text(os, 16, top + plot_h / 2, std::string("energy") + (ey.log ? " (log scale)" : ""),
         "transform=\"rotate(-90 16 " + num(top + plot_h / 2) + ")\" text-anchor=\"middle\"");
    auto bar_at = [&](double x, double e, const char *color, const std::string &cls, const std::string &attrs,
                      const std::string &what) {
        const double y = py(e);
        os << "<rect class=\"" << cls << "\"" << attrs << " data-energy-pj=\"" << exact(e) << "\" x=\"" << num(x)
           << "\" y=\"" << num(y) << "\" width=\"" << num(bar) << "\" height=\"" << num(top + plot_h - y)
           << "\" fill=\"" << color << "\"><title>" << escape(what + ": " + energy_label(e)) << "</title></rect>\n";
    };
    for (size_t i = 0; i < layers.size(); ++i) {
        const auto &l = layers[i];
        const double x0 = left + group_gap + double(i) * group_w;
        const std::string layer_attr = " data-layer=\"" + escape(l.layer) + "\"";
        bar_at(x0, l.explore_pj, kColors[0], "explore", layer_attr, l.layer + " explore");
        for (size_t p = 0; p < names.size() && p < l.preset_pj.size(); ++p)
            if (l.preset_pj[p])
                bar_at(x0 + double(p + 1) * bar, *l.preset_pj[p], kColors[(p + 1) % 10], "preset",
                       layer_attr + " data-preset=\"" + escape(names[p]) + "\"", l.layer + " " + names[p]);
        if (l.floor_pj > 0)
            os << "<line class=\"floor\"" << layer_attr << " data-energy-pj=\"" << exact(l.floor_pj) << "\" x1=\""
               << num(x0 - 1) << "\" y1=\"" << num(py(l.floor_pj)) << "\" x2=\"" << num(x0 + group_w - group_gap + 1)
               << "\" y2=\"" << num(py(l.floor_pj)) << "\" stroke=\"black\" stroke-width=\"1.5\"><title>"
               << escape(l.layer + " energy floor: " + energy_label(l.floor_pj)) << "</title></line>\n";
        const double lx = x0 + group_w / 2, ly = top + plot_h + 8;
        text(os, lx, ly, l.layer, "font-size=\"9\" transform=\"rotate(60 " + num(lx) + " " + num(ly) + ")\"");
    }
    line(os, left, top + plot_h, left + plot_w, top + plot_h, "black");
    const double lx = left + plot_w + 20;
    bool floors = false;
    for (const auto &l : layers) floors = floors || l.floor_pj > 0;
    if (floors) legend_entry(os, lx, top + 30 + 20 * double(names.size()), "black", "energy floor (no mapping below)");
    legend_entry(os, lx, top + 10, kColors[0], "explore's best");
    for (size_t p = 0; p < names.size(); ++p) {
        bool fits = false;
        for (const auto &l : layers) fits = fits || (p < l.preset_pj.size() && l.preset_pj[p]);
        legend_entry(os, lx, top + 30 + 20 * double(p), kColors[(p + 1) % 10],
                     "preset " + names[p] + (fits ? "" : " (fits no layer)"));
    }
    end(os);
}

void write_sweep_svg(std::ostream &os, const std::string &title, const SweepResult &r) {
    std::vector<const DesignResult *> designs;
    for (const auto &d : r.designs)
        if (d.feasible) designs.push_back(&d);
    const double bar = 14, gap = 6, left = 90, top = 50, plot_h = 320, legend_w = 190, label_h = 130;
    const double plot_w = std::max(300.0, double(designs.size()) * (bar + gap) + gap);
    double lo = 0, hi = 0;
    for (const auto *d : designs) lo = lo == 0 ? d->energy_pj : std::min(lo, d->energy_pj), hi = std::max(hi, d->energy_pj);
    const Axis ey = Axis::fit(lo, hi > 0 ? hi : 1, plot_h, true);
    auto py = [&](double e) { return top + plot_h - ey.at(e); };
    begin(os, left + plot_w + legend_w, top + plot_h + label_h, title);
    for (double v : ey.ticks()) {
        line(os, left, py(v), left + plot_w, py(v), "#ddd");
        text(os, left - 6, py(v) + 4, energy_label(v), "text-anchor=\"end\"");
    }
    text(os, 16, top + plot_h / 2, std::string("network energy") + (ey.log ? " (log scale)" : ""),
         "transform=\"rotate(-90 16 " + num(top + plot_h / 2) + ")\" text-anchor=\"middle\"");
    const DesignResult *baseline = r.baseline >= 0 ? &r.designs[size_t(r.baseline)] : nullptr;
    auto bytes = [](int64_t b) {
        return b >= (1 << 20) && b % (1 << 20) == 0 ? std::to_string(b >> 20) + " MB"
               : b >= 1024 && b % 1024 == 0         ? std::to_string(b >> 10) + " KB"
                                                    : std::to_string(b) + " B";
    };
    for (size_t i = 0; i < designs.size(); ++i) {
        const DesignResult &d = *designs[i];
        const std::string array = std::to_string(d.arch.rows) + "x" + std::to_string(d.arch.cols);
        const std::string label = array + ", GLB " + bytes(d.glb_bytes) + (d.glb_double_buffered ? " (2 banks)" : "") +
                                  ", RF " + bytes(d.rf_bytes);
        const char *color = &d == baseline ? kColors[1] : i == 0 ? kColors[3] : kColors[0];
        const std::string cls = &d == baseline ? "baseline" : i == 0 ? "best" : "design";
        const double x = left + gap + double(i) * (bar + gap), y = py(d.energy_pj);
        os << "<rect class=\"" << cls << "\"" << data(d.energy_pj, d.cycles) << " data-rf-bytes=\"" << d.rf_bytes
           << "\" data-glb-bytes=\"" << d.glb_bytes << "\" data-array=\"" << array << "\" x=\"" << num(x)
           << "\" y=\"" << num(y) << "\" width=\"" << num(bar) << "\" height=\"" << num(top + plot_h - y)
           << "\" fill=\"" << color << "\">" << tooltip(label, d.energy_pj, d.cycles) << "</rect>\n";
        const double lx = x + bar / 2, ly = top + plot_h + 8;
        text(os, lx, ly, label, "font-size=\"9\" transform=\"rotate(60 " + num(lx) + " " + num(ly) + ")\"");
    }
    line(os, left, top + plot_h, left + plot_w, top + plot_h, "black");
    const double lx = left + plot_w + 20;
    legend_entry(os, lx, top + 10, kColors[3], "best design");
    legend_entry(os, lx, top + 30, kColors[1], "baseline (the given architecture)");
    legend_entry(os, lx, top + 50, kColors[0], "other designs, by rank");
    end(os);
}

}  // namespace tessera::explore
