#include "Svg.h"

#include "SvgDraw.h"

#include <algorithm>

namespace tessera::model {

using namespace svg;

void write_energy_svg(std::ostream &os, const std::string &title,
                      const std::vector<LayerResult> &layers, const ir::Architecture &arch) {
    const double bar = 18, gap = 6, left = 80, top = 40, plot_h = 300, label_h = 150;
    const double legend_w = 140;
    const double plot_w = std::max(200.0, double(layers.size()) * (bar + gap) + gap);
    const double width = left + plot_w + legend_w, height = top + plot_h + label_h;
    double largest = 0;
    std::vector<std::vector<std::pair<std::string, double>>> parts;
    for (const auto &l : layers) {
        parts.push_back(energy_by_component(l.estimate, arch));
        largest = std::max(largest, l.estimate.energy_pj);
    }
    const Axis axis = Axis::fit(0, largest, plot_h, true);  // stacked segments: linear from zero
    const double scale = plot_h / axis.hi;

    begin(os, width, height, title + " - energy by memory level on " + arch.name);
    for (double v : axis.ticks()) {
        const double y = top + plot_h - axis.at(v);
        line(os, left, y, left + plot_w, y, "#ddd");
        text(os, left - 6, y + 4, energy_label(v), "text-anchor=\"end\"");
    }
    for (size_t i = 0; i < layers.size(); ++i) {
        double x = left + gap + double(i) * (bar + gap), y = top + plot_h;
        for (size_t c = 0; c < parts[i].size(); ++c) {
            double h = parts[i][c].second * scale;
            if (h <= 0) continue;
            y -= h;
            os << "<rect x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\"" << num(bar)
               << "\" height=\"" << num(h) << "\" fill=\"" << kColors[c % 10] << "\"><title>"
               << escape(layers[i].layer) << " " << escape(parts[i][c].first) << ": "
               << energy_label(parts[i][c].second) << "</title></rect>\n";
        }
        double lx = x + bar / 2, ly = top + plot_h + 8;
        text(os, lx, ly, layers[i].layer, "transform=\"rotate(60 " + num(lx) + " " + num(ly) + ")\"");
    }
    line(os, left, top + plot_h, left + plot_w, top + plot_h, "black");
    if (!parts.empty())
        for (size_t c = 0; c < parts[0].size(); ++c)
            legend_entry(os, left + plot_w + 16, top + 10 + double(c) * 18, kColors[c % 10], parts[0][c].first);
    end(os);
}

}  // namespace tessera::model
