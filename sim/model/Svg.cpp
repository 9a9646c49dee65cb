#include "Svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tessera::model {

namespace {

const char *const kColors[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                               "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

std::string escape(const std::string &s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

std::string energy_label(double pj) {
    const char *units[] = {"pJ", "nJ", "uJ", "mJ", "J"};
    int u = 0;
    while (pj >= 1000 && u < 4) {
        pj /= 1000;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g %s", pj, units[u]);
    return buf;
}

// A round axis maximum (1, 2 or 5 times a power of ten) at or above v.
double nice_ceiling(double v) {
    if (v <= 0) return 1;
    double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * p >= v) return m * p;
    return 10 * p;
}

}  // namespace

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
    const double axis_max = nice_ceiling(largest);
    const double scale = plot_h / axis_max;

    os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width) << "\" height=\""
       << num(height) << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
    os << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    os << "<text x=\"" << num(left) << "\" y=\"20\" font-size=\"14\">" << escape(title)
       << " - energy by memory level on " << escape(arch.name) << "</text>\n";
    for (int tick = 0; tick <= 5; ++tick) {
        double v = axis_max * tick / 5, y = top + plot_h - v * scale;
        os << "<line x1=\"" << num(left) << "\" y1=\"" << num(y) << "\" x2=\"" << num(left + plot_w)
           << "\" y2=\"" << num(y) << "\" stroke=\"#ddd\"/>\n";
        os << "<text x=\"" << num(left - 6) << "\" y=\"" << num(y + 4)
           << "\" text-anchor=\"end\">" << energy_label(v) << "</text>\n";
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
        os << "<text x=\"" << num(lx) << "\" y=\"" << num(ly) << "\" transform=\"rotate(60 "
           << num(lx) << " " << num(ly) << ")\">" << escape(layers[i].layer) << "</text>\n";
    }
    os << "<line x1=\"" << num(left) << "\" y1=\"" << num(top + plot_h) << "\" x2=\""
       << num(left + plot_w) << "\" y2=\"" << num(top + plot_h) << "\" stroke=\"black\"/>\n";
    if (!parts.empty())
        for (size_t c = 0; c < parts[0].size(); ++c) {
            double y = top + 10 + double(c) * 18, x = left + plot_w + 16;
            os << "<rect x=\"" << num(x) << "\" y=\"" << num(y - 10) << "\" width=\"12\" height=\"12\" fill=\""
               << kColors[c % 10] << "\"/><text x=\"" << num(x + 18) << "\" y=\"" << num(y)
               << "\">" << escape(parts[0][c].first) << "</text>\n";
        }
    os << "</svg>\n";
}

}  // namespace tessera::model
