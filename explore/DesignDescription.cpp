// One design's wiring and kind of PE in words, as explore prints them (explore/NetworkDesign.cpp).
#include "DesignDescription.h"

#include <nlohmann/json.hpp>

#include <sstream>

namespace tessera::explore {

// The array's dims and each tensor's connection along each axis.
std::string describe_wiring(const rtl::DesignSpec &d) {
    const nlohmann::json j = rtl::to_json(d);
    std::ostringstream s;
    // (A pipelined array is the architecture's size: an axis with no loop has lanes but no dim.)
    auto axis = [](int64_t lanes, const std::string &dims) { return lanes > 1 && !dims.empty() ? dims : "-"; };
    s << "rows " << axis(d.rows, d.row_dim) << ", cols " << axis(d.cols, d.col_dim) << ";";
    for (const char *t : {"I", "W", "O"})
        s << " " << t << " " << j["interconnect"][t]["rows"].get<std::string>() << "/"
          << j["interconnect"][t]["cols"].get<std::string>();
    return s.str();
}

// The wiring and the kind of PE.
std::string describe(const rtl::DesignSpec &d) {
    std::ostringstream s;
    s << describe_wiring(d);
    // The PEs' kind (rtl::why_not_same_kind): each operand from a register or a per-PE file; and
    // the tensors kept single on a double-buffered level (hw::single_buffered).
    auto tensors = [](bool i, bool w, bool o) {
        std::string names;
        for (const auto &[t, on] : {std::pair<const char *, bool>{"I", i}, {"W", w}, {"O", o}})
            if (on) names += std::string(names.empty() ? "" : " ") + t;
        return names;
    };
    const std::string files = tensors(d.input_pe_depth > 0, d.weight_pe_depth > 0, d.output_pe_depth > 0);
    const std::string single = tensors(d.input_single_buffered, d.weight_single_buffered, d.output_single_buffered);
    const std::string registers = tensors(d.input_register_level, d.weight_register_level, d.output_register_level);
    const std::string fed = tensors(d.input_dram_fed, d.weight_dram_fed, false);
    s << "; per-PE files: " << (files.empty() ? "none" : files);
    if (!registers.empty()) s << " (registers under them: " << registers << ")";
    std::string moved = fed.empty() ? "" : "from DRAM: " + fed;
    if (d.output_dram_fed) moved += (moved.empty() ? "" : "; ") + std::string("to DRAM: O");
    if (!moved.empty()) s << " (" << moved << ")";
    if (!single.empty()) s << "; single buffered: " << single;
    return s.str();
}

}  // namespace tessera::explore
