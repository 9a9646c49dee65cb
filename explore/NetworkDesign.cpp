#include "NetworkDesign.h"

#include "DesignSpec.h"
#include "UserError.h"
#include "model/EnergyFloor.h"

#include <map>
#include <memory>
#include <sstream>

namespace tessera::explore {

namespace {

// The design a layer's winner alone would get: its wiring is what the other layers must match.
rtl::DesignSpec design_of(const SpaceInfo &info, const Point &p) {
    return rtl::design_for({build_ir(info, p, false)}, info.arch);
}

std::string describe(const rtl::DesignSpec &d) {
    const nlohmann::json j = rtl::to_json(d);
    std::ostringstream s;
    s << "rows " << (d.rows > 1 ? d.row_dim : "-") << ", cols " << (d.cols > 1 ? d.col_dim : "-") << ";";
    for (const char *t : {"I", "W", "O"})
        s << " " << t << " " << j["interconnect"][t]["rows"].get<std::string>() << "/"
          << j["interconnect"][t]["cols"].get<std::string>();
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
    s << "; per-PE files: " << (files.empty() ? "none" : files);
    if (!single.empty()) s << "; single buffered: " << single;
    return s.str();
}

// A wiring that fixes both axes constrains the other layers meaningfully; one that leaves an
// axis unused says nothing about it (the layers using it must then match an empty axis).
bool uses_both_axes(const rtl::DesignSpec &d) { return d.rows > 1 && d.cols > 1; }

}  // namespace

NetworkDesign one_design(const std::vector<SpaceInfo> &spaces, const std::vector<SearchResult> &free,
                         const SearchOptions &opt, const std::function<void(const std::string &)> &progress) {
    std::vector<ir::Problem> problems;
    for (const auto &s : spaces) problems.push_back(s.problem);
    const std::vector<size_t> first = first_identical(problems);

    // The candidate designs, in layer order, both-axes ones first; one per distinct wiring and
    // kind of PE (which operands come from per-PE files): a layer whose winner is of another kind
    // may have no mapping of this one.
    std::vector<std::pair<size_t, rtl::DesignSpec>> wirings;
    std::vector<std::string> seen;
    for (int pass = 0; pass < 2; ++pass)
        for (size_t i = 0; i < spaces.size(); ++i) {
            if (first[i] != i || !free[i].found) continue;
            rtl::DesignSpec d = design_of(spaces[i], free[i].best.point);
            if (uses_both_axes(d) != (pass == 0)) continue;
            const std::string w = describe(d);
            if (std::find(seen.begin(), seen.end(), w) != seen.end()) continue;
            seen.push_back(w);
            wirings.emplace_back(i, std::move(d));
        }
    std::vector<int64_t> copies(spaces.size(), 0);  // how many layers share each search
    for (size_t i = 0; i < spaces.size(); ++i) ++copies[first[i]];
    // Lower bounds of a layer on any design: its energy floor (model::energy_floor) and its MACs
    // over all PEs in cycles.
    std::vector<double> floor_pj(spaces.size(), 0);
    std::vector<int64_t> floor_cycles(spaces.size(), 0);
    for (size_t i = 0; i < spaces.size(); ++i) {
        if (first[i] != i) continue;
        const int64_t pes = spaces[i].arch.rows * spaces[i].arch.cols;
        floor_pj[i] = model::energy_floor(spaces[i].problem, spaces[i].arch).total_pj();
        floor_cycles[i] = (spaces[i].problem.macs() + pes - 1) / pes;
    }
    std::unique_ptr<NetworkDesign> best;
    double best_score = 0;
    for (const auto &[from, design] : wirings) {
        NetworkDesign nd;
        nd.wiring = describe(design);
        nd.wiring_from = from;
        nd.layers.resize(spaces.size());
        auto add = [&](size_t i) {
            nd.energy_pj += double(copies[i]) * nd.layers[i].best.energy_pj;
            nd.cycles += copies[i] * nd.layers[i].best.cycles;
        };
        // The layers whose own winner runs on the design first, then the others searched again
        // under it, until the sum with the floors of the layers left already scores no better
        // than the best design's: every score only grows with a layer's share.
        std::vector<size_t> again;
        double floor_left_pj = 0;
        int64_t floor_left_cycles = 0;
        for (size_t i = 0; i < spaces.size(); ++i) {
            if (first[i] != i) continue;
            if (free[i].found && rtl::why_not_same_kind(design, build_ir(spaces[i], free[i].best.point, false)).empty()) {
                nd.layers[i] = free[i], add(i);
            } else {
                again.push_back(i);
                floor_left_pj += double(copies[i]) * floor_pj[i];
                floor_left_cycles += copies[i] * floor_cycles[i];
            }
        }
        std::string dropped;  // why this design lost
        for (size_t i : again) {
            if (best && score_of(opt.objective, nd.energy_pj + floor_left_pj, nd.cycles + floor_left_cycles) >= best_score) {
                dropped = "no better than the best so far before all its layers are searched";
                break;
            }
            floor_left_pj -= double(copies[i]) * floor_pj[i];
            floor_left_cycles -= copies[i] * floor_cycles[i];
            const SpaceInfo &info = spaces[i];
            SearchOptions o = opt;
            o.progress = false;
            o.constraints.spatial_allowed = [&](const std::vector<int> &rows, const std::vector<int> &cols) {
                Point p = plain_point(info, rows, cols);
                for (int d : rows) p.f.lane[size_t(d)] = 2;  // every axis loop present (dims of extent > 1)
                for (int d : cols) p.f.lane[size_t(d)] = 2;
                return rtl::why_not_wired(design, build_ir(info, p, false)).empty();
            };
            o.constraints.start_pe_tiles = (design.input_pe_depth > 0 ? 1 : 0) | (design.weight_pe_depth > 0 ? 2 : 0) |
                                           (design.output_pe_depth > 0 ? 4 : 0);
            o.constraints.accept = [&](const Point &p) {
                return rtl::why_not_same_kind(design, build_ir(info, p, false)).empty();
            };
            nd.layers[i] = search(info, o);
            nd.searched_again.push_back(i);
            if (!nd.layers[i].found) {
                dropped = "layer " + info.problem.layer.name + " has no mapping wired so";
                break;
            }
            add(i);
        }
        if (progress) {
            std::ostringstream line;
            line << "wiring " << nd.wiring << ": ";
            if (dropped.empty()) line << nd.energy_pj << " pJ, " << nd.cycles << " cycles";
            progress(line.str() + dropped);
        }
        if (!dropped.empty()) continue;
        for (size_t i = 0; i < spaces.size(); ++i)
            if (first[i] != i) nd.layers[i] = nd.layers[first[i]];
        const double score = score_of(opt.objective, nd.energy_pj, nd.cycles);
        if (!best || score < best_score) best = std::make_unique<NetworkDesign>(std::move(nd)), best_score = score;
    }
    if (!best)
        throw UserError("no one design runs every layer: each wiring of the array leaves some layer without "
                        "an RTL-generatable mapping; explore the layers one by one (--layer) and compile them "
                        "as separate designs");
    best->wirings_tried = int(wirings.size());
    return *best;
}

}  // namespace tessera::explore
