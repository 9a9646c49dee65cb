// The wirings one design for a network may take, and the searches constrained to one
// (explore/NetworkDesign.cpp).
#include "DesignWiring.h"

#include "DesignDescription.h"
#include "SearchState.h"
#include "UserError.h"

#include <algorithm>
#include <map>
#include <set>

namespace tessera::explore {

namespace {

// A point of the spatial choice with every axis loop present (2 lanes each: the choice's dims have
// extents above 1), as the array's wiring sees it.
Point wired_point(const SpaceInfo &info, const std::vector<int> &rows, const std::vector<int> &cols) {
    Point p = plain_point(info, rows, cols);
    for (int d : rows) p.f.lane[size_t(d)] = 2;
    for (int d : cols) p.f.lane[size_t(d)] = 2;
    return p;
}

}  // namespace

rtl::DesignSpec design_of(const SpaceInfo &info, const Point &p) {
    return rtl::design_for({build_ir(info, p, false)}, info.arch);
}

SearchOptions options_on(const rtl::DesignSpec &design, const SpaceInfo &info, const SearchOptions &opt) {
    SearchOptions o = opt;
    o.progress = false;
    // (The lambdas outlive this call: they hold the addresses of the caller's design and layer.)
    const rtl::DesignSpec *d = &design;
    const SpaceInfo *space = &info;
    o.constraints.spatial_allowed = [d, space](const std::vector<int> &rows, const std::vector<int> &cols) {
        return rtl::why_not_wired(*d, build_ir(*space, wired_point(*space, rows, cols), false)).empty();
    };
    o.constraints.start_pe_tiles = (design.input_pe_depth > 0 ? 1 : 0) | (design.weight_pe_depth > 0 ? 2 : 0) |
                                   (design.output_pe_depth > 0 ? 4 : 0);
    // The design's shared buffers: the level of each tensor's DMA-fed one (the output's) or
    // array-facing one (an operand's), and which tensors have two.
    auto shared_index = [&](int level) {
        if (level < 0) return -1;
        const auto &names = info.shared_levels;
        const auto at = std::find(names.begin(), names.end(), info.arch.levels[size_t(level)].name);
        return at == names.end() ? -1 : int(at - names.begin());
    };
    o.constraints.start_levels[0] = shared_index(design.input_level);
    o.constraints.start_levels[1] = shared_index(design.weight_level);
    o.constraints.start_levels[2] = shared_index(design.output_staged() ? design.output_outer_level : design.output_level);
    o.constraints.start_two_levels = (design.input_outer_depth > 0 ? 1 : 0) | (design.weight_outer_depth > 0 ? 2 : 0) |
                                     (design.output_staged() ? 4 : 0);
    o.constraints.start_from_dram =
        (design.input_dram_fed ? 1 : 0) | (design.weight_dram_fed ? 2 : 0) | (design.output_dram_fed ? 4 : 0);
    o.constraints.start_registers = (design.input_register_level ? 1 : 0) | (design.weight_register_level ? 2 : 0) |
                                    (design.output_register_level ? 4 : 0);
    o.constraints.row_lanes = design.row_radix;
    o.constraints.col_lanes = design.col_radix;
    o.constraints.accept = [d, space](const Point &p) {
        return rtl::why_not_same_kind(*d, build_ir(*space, p, false)).empty();
    };
    return o;
}

bool has_wired_choice(const rtl::DesignSpec &design, const SpaceInfo &info, const SearchOptions &opt) {
    return !detail::spatial_choices(info, options_on(design, info, opt).constraints, 1).empty();
}

std::optional<rtl::DesignSpec> plain_wiring(const SpaceInfo &info, const detail::SpatialChoice &choice) {
    try {
        return design_of(info, wired_point(info, choice.rows, choice.cols));
    } catch (const UserError &) {
        return std::nullopt;  // e.g. a pipelined array that cannot take the wiring
    }
}

std::string layers_without_common_wiring(const std::vector<SpaceInfo> &spaces, const std::vector<size_t> &first,
                                         const SearchOptions &opt) {
    for (size_t i = 0; i < spaces.size(); ++i)
        for (size_t j = i + 1; j < spaces.size(); ++j) {
            if (first[i] != i || first[j] != j) continue;
            bool common = false;
            for (const detail::SpatialChoice &choice : detail::spatial_choices(spaces[i], opt.constraints)) {
                const auto wiring = plain_wiring(spaces[i], choice);
                if ((common = wiring && has_wired_choice(*wiring, spaces[j], opt))) break;
            }
            if (!common) return spaces[i].problem.layer.name + " and " + spaces[j].problem.layer.name;
        }
    return {};
}

std::vector<std::pair<size_t, rtl::DesignSpec>> choice_wirings(const std::vector<SpaceInfo> &spaces,
                                                               const std::vector<size_t> &first,
                                                               const SearchOptions &opt) {
    constexpr size_t kWirings = 16;
    struct Choice {
        size_t layer;
        detail::SpatialChoice choice;
        rtl::DesignSpec wiring;
        std::string text;
    };
    std::vector<Choice> choices;
    std::map<std::string, std::set<size_t>> takers;  // wiring -> layers with a choice wired so
    for (size_t i = 0; i < spaces.size(); ++i) {
        if (first[i] != i) continue;
        for (const detail::SpatialChoice &choice : detail::spatial_choices(spaces[i], opt.constraints)) {
            const auto wiring = plain_wiring(spaces[i], choice);
            if (!wiring) continue;
            Choice c{i, choice, *wiring, describe_wiring(*wiring)};
            takers[c.text].insert(i);
            choices.push_back(std::move(c));
        }
    }
    std::stable_sort(choices.begin(), choices.end(), [&](const Choice &a, const Choice &b) {
        return takers[a.text].size() > takers[b.text].size();
    });
    std::vector<std::pair<size_t, rtl::DesignSpec>> out;
    std::set<std::string> tried;
    for (const Choice &c : choices) {
        if (out.size() == kWirings) break;
        if (!tried.insert(c.text).second) continue;
        bool every = true;
        for (size_t j = 0; j < spaces.size() && every; ++j)
            every = j == c.layer || first[j] != j || has_wired_choice(c.wiring, spaces[j], opt);
        if (!every) continue;
        SearchOptions own = opt;
        own.progress = false;
        own.restarts = 1;
        own.anneal_steps = std::max<int64_t>(100, opt.anneal_steps / 4);
        own.chains = std::max(1, opt.chains / 4);
        own.constraints.spatial_fixed = true;
        own.constraints.row_dims = c.choice.rows, own.constraints.col_dims = c.choice.cols;
        const SearchResult r = search(spaces[c.layer], own);
        if (r.found) out.emplace_back(c.layer, design_of(spaces[c.layer], r.best.point));
    }
    return out;
}

}  // namespace tessera::explore
