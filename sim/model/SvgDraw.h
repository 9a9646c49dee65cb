// Drawing helpers shared by Tessera's SVG charts (estimate's energy breakdown, explore's Pareto
// front and per-layer comparison): plain text SVG, no libraries.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace tessera::model::svg {

extern const char *const kColors[10];

std::string escape(const std::string &);  // XML text and attribute values
std::string num(double);                  // a coordinate (one decimal)
std::string exact(double);                // a data value that round-trips (%.17g), for tools and tests
std::string energy_label(double pj);      // "12.3 nJ"
std::string count_label(double);          // "1.23e+06"
double nice_ceiling(double);              // 1, 2 or 5 times a power of ten, at or above

// A value axis mapped onto [0, length] pixels: from zero (bars), or around the data (points);
// logarithmic by decades when the values span more than 20x.
struct Axis {
    double lo = 0, hi = 1, length = 1;
    bool log = false;
    static Axis fit(double min, double max, double length, bool from_zero);
    double at(double v) const;          // pixels from the axis origin
    std::vector<double> ticks() const;  // values to label
};

// <svg> with a white background and a title line; end() closes it.
void begin(std::ostream &, double width, double height, const std::string &title);
void end(std::ostream &);
void line(std::ostream &, double x1, double y1, double x2, double y2, const std::string &stroke);
void text(std::ostream &, double x, double y, const std::string &s, const std::string &attributes = "");
// A colour swatch and its label (legends).
void legend_entry(std::ostream &, double x, double y, const std::string &color, const std::string &label);

}  // namespace tessera::model::svg
