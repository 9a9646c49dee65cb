#include "SvgDraw.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tessera::model::svg {

const char *const kColors[10] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
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

static std::string format(const char *fmt, double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

std::string num(double v) { return format("%.1f", v); }
std::string exact(double v) { return format("%.17g", v); }
std::string count_label(double v) { return format("%.3g", v); }

std::string energy_label(double pj) {
    const char *units[] = {"pJ", "nJ", "uJ", "mJ", "J"};
    int u = 0;
    while (pj >= 1000 && u < 4) {
        pj /= 1000;
        ++u;
    }
    return format("%.3g ", pj) + units[u];
}

double nice_ceiling(double v) {
    if (v <= 0) return 1;
    double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * p >= v) return m * p;
    return 10 * p;
}

Axis Axis::fit(double min, double max, double length, bool from_zero) {
    Axis a;
    a.length = length;
    if (min > 0 && max / min > 20) {
        a.log = true;
        a.lo = std::pow(10.0, std::floor(std::log10(min)));
        a.hi = std::pow(10.0, std::ceil(std::log10(max)));
        if (a.hi <= a.lo) a.hi = a.lo * 10;
    } else if (from_zero || max <= 0) {
        a.lo = 0, a.hi = nice_ceiling(max);
    } else {
        const double pad = std::max(0.05 * (max - min), 0.02 * max);
        a.lo = std::max(0.0, min - pad), a.hi = max + pad;
    }
    return a;
}

double Axis::at(double v) const {
    if (log) return length * (std::log10(std::max(v, lo)) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return length * (v - lo) / (hi - lo);
}

std::vector<double> Axis::ticks() const {
    std::vector<double> t;
    if (log) {
        for (double v = lo; v <= hi * 1.0001; v *= 10) t.push_back(v);
    } else {
        for (int i = 0; i <= 5; ++i) t.push_back(lo + (hi - lo) * i / 5);
    }
    return t;
}

void begin(std::ostream &os, double width, double height, const std::string &title) {
    os << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width) << "\" height=\""
       << num(height) << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
    os << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    text(os, 20, 20, title, "font-size=\"14\"");
}

void end(std::ostream &os) { os << "</svg>\n"; }

void line(std::ostream &os, double x1, double y1, double x2, double y2, const std::string &stroke) {
    os << "<line x1=\"" << num(x1) << "\" y1=\"" << num(y1) << "\" x2=\"" << num(x2) << "\" y2=\""
       << num(y2) << "\" stroke=\"" << stroke << "\"/>\n";
}

void text(std::ostream &os, double x, double y, const std::string &s, const std::string &attributes) {
    os << "<text x=\"" << num(x) << "\" y=\"" << num(y) << "\"" << (attributes.empty() ? "" : " ")
       << attributes << ">" << escape(s) << "</text>\n";
}

void legend_entry(std::ostream &os, double x, double y, const std::string &color, const std::string &label) {
    os << "<rect x=\"" << num(x) << "\" y=\"" << num(y - 10) << "\" width=\"12\" height=\"12\" fill=\""
       << color << "\"/>";
    text(os, x + 18, y, label);
}

}  // namespace tessera::model::svg
