#include "FusionSvg.h"

#include <algorithm>
#include <iomanip>

namespace tessera::model {

namespace {

std::string escaped(const std::string &s) {
    std::string out;
    for (char c : s) {
        if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '&') out += "&amp;";
        else if (c == '"') out += "&quot;";
        else out += c;
    }
    return out;
}

}  // namespace

void write_fusion_svg(std::ostream &out, const std::string &title, const std::vector<std::string> &layers,
                      const std::vector<double> &lbl, const std::vector<double> &df) {
    const size_t n = layers.size();
    const double bar = 10, gap = 8, left = 70, top = 40, height = 300;
    const double width = left + double(n) * (2 * bar + gap) + 40;
    double peak = 1e-9;
    for (size_t i = 0; i < n; ++i) peak = std::max({peak, lbl[i], df[i]});
    out << std::fixed << std::setprecision(1);
    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << top + height + 150
        << "\" font-family=\"sans-serif\" font-size=\"10\">\n";
    out << "<text x=\"" << left << "\" y=\"18\" font-size=\"14\">" << escaped(title)
        << ": energy per layer (uJ), layer by layer vs depth first</text>\n";
    out << "<rect x=\"" << left << "\" y=\"24\" width=\"10\" height=\"10\" fill=\"#999\"/><text x=\"" << left + 14
        << "\" y=\"33\">layer by layer</text><rect x=\"" << left + 110 << "\" y=\"24\" width=\"10\" height=\"10\" "
        << "fill=\"#2a7\"/><text x=\"" << left + 124 << "\" y=\"33\">depth first</text>\n";
    for (int t = 0; t <= 4; ++t) {
        const double y = top + height - height * t / 4.0;
        out << "<line x1=\"" << left - 4 << "\" y1=\"" << y << "\" x2=\"" << width - 30 << "\" y2=\"" << y
            << "\" stroke=\"#ddd\"/><text x=\"4\" y=\"" << y + 3 << "\">" << std::setprecision(2)
            << peak * t / 4.0 * 1e-6 << "</text>\n" << std::setprecision(1);
    }
    for (size_t i = 0; i < n; ++i) {
        const double x = left + double(i) * (2 * bar + gap);
        const double h1 = height * lbl[i] / peak, h2 = height * df[i] / peak;
        out << "<rect x=\"" << x << "\" y=\"" << top + height - h1 << "\" width=\"" << bar << "\" height=\"" << h1
            << "\" fill=\"#999\"><title>" << escaped(layers[i]) << " layer by layer: " << lbl[i] * 1e-6
            << " uJ</title></rect>\n";
        out << "<rect x=\"" << x + bar << "\" y=\"" << top + height - h2 << "\" width=\"" << bar << "\" height=\""
            << h2 << "\" fill=\"#2a7\"><title>" << escaped(layers[i]) << " depth first: " << df[i] * 1e-6
            << " uJ</title></rect>\n";
        out << "<text transform=\"translate(" << x + bar << "," << top + height + 8 << ") rotate(60)\">"
            << escaped(layers[i].size() > 24 ? layers[i].substr(layers[i].size() - 24) : layers[i]) << "</text>\n";
    }
    out << "</svg>\n";
}

}  // namespace tessera::model
