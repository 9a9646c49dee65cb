#include "NetworkDesign.h"

#include "DesignSpec.h"
#include "UserError.h"

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

    // The candidate wirings, in layer order, both-axes ones first; one per distinct wiring.
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

    std::unique_ptr<NetworkDesign> best;
    double best_score = 0;
    for (const auto &[from, design] : wirings) {
        NetworkDesign nd;
        nd.wiring = describe(design);
        nd.wiring_from = from;
        nd.layers.resize(spaces.size());
        bool all = true;
        for (size_t i = 0; i < spaces.size() && all; ++i) {
            if (first[i] != i) {
                nd.layers[i] = nd.layers[first[i]];
                continue;
            }
            const SpaceInfo &info = spaces[i];
            if (free[i].found && rtl::why_not_same_kind(design, build_ir(info, free[i].best.point, false)).empty()) {
                nd.layers[i] = free[i];
                continue;
            }
            SearchOptions o = opt;
            o.progress = false;
            o.constraints.spatial_allowed = [&](const std::vector<int> &rows, const std::vector<int> &cols) {
                Point p = plain_point(info, rows, cols);
                for (int d : rows) p.f.lane[size_t(d)] = 2;  // every axis loop present (dims of extent > 1)
                for (int d : cols) p.f.lane[size_t(d)] = 2;
                return rtl::why_not_wired(design, build_ir(info, p, false)).empty();
            };
            o.constraints.accept = [&](const Point &p) {
                return rtl::why_not_same_kind(design, build_ir(info, p, false)).empty();
            };
            nd.layers[i] = search(info, o);
            nd.searched_again.push_back(i);
            all = nd.layers[i].found;
        }
        if (progress)
            progress("wiring " + nd.wiring + (all ? "" : ": some layer has no mapping wired so"));
        if (!all) continue;
        for (const auto &r : nd.layers) nd.energy_pj += r.best.energy_pj, nd.cycles += r.best.cycles;
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
