#include "SearchState.h"

#include <algorithm>

namespace tessera::explore::detail {

std::string point_key(const Point &p) {
    std::string k = p.s.key();
    for (size_t d = 0; d < p.f.glb.size(); ++d)
        k += std::to_string(p.f.glb[d]) + "." + std::to_string(p.f.lane[d]) + "." +
             std::to_string(p.f.rf[d]) + ";";
    return k;
}

bool better(const Candidate &a, const Candidate &b) {
    if (a.score != b.score) return a.score < b.score;
    return point_key(a.point) < point_key(b.point);
}

std::vector<int64_t> tile_values(int64_t extent) {
    std::vector<int64_t> v;
    for (int64_t i = 1; i <= extent; ++i)
        if (extent % i == 0) v.push_back(i);
    for (int64_t i = 2; i < extent; i *= 2) v.push_back(i);
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

bool is_spatial(const Point &p, int d) {
    return std::count(p.s.row_dims.begin(), p.s.row_dims.end(), d) ||
           std::count(p.s.col_dims.begin(), p.s.col_dims.end(), d);
}

bool within_space(const SpaceInfo &info, const Point &p) {
    for (int d = 0; d < info.dims(); ++d) {
        if (is_spatial(p, d) && p.f.lane[size_t(d)] == 1 && info.extent(d) > 1) return false;
        if (p.f.glb[size_t(d)] * p.f.lane[size_t(d)] * p.f.rf[size_t(d)] > info.extent(d)) return false;
    }
    auto axis_ok = [&](const std::vector<int> &axis, int64_t size) {
        int64_t prod = 1;
        for (int d : axis) prod *= p.f.lane[size_t(d)];
        return prod <= size;
    };
    return axis_ok(p.s.row_dims, info.arch.rows) && axis_ok(p.s.col_dims, info.arch.cols);
}

bool lanes_within(const Constraints &c, const Point &p) {
    auto axis_ok = [&](const std::vector<int> &axis, const std::vector<int64_t> &limit) {
        if (limit.empty()) return true;
        if (axis.size() != limit.size()) return false;
        for (size_t i = 0; i < axis.size(); ++i)
            if (p.f.lane[size_t(axis[i])] > limit[i]) return false;
        return true;
    };
    return axis_ok(p.s.row_dims, c.row_lanes) && axis_ok(p.s.col_dims, c.col_lanes);
}

void normalize(const SpaceInfo &info, const Constraints &c, Point &p) {
    if (c.rf_order.empty()) return canonicalize(info, p);
    const std::vector<int> order = p.s.rf_order;
    const int at[3] = {p.s.rf_at[0], p.s.rf_at[1], p.s.rf_at[2]};
    canonicalize(info, p);
    p.s.rf_order = order;
    for (int t = 0; t < 3; ++t) p.s.rf_at[t] = at[t];
}

std::vector<SpatialChoice> spatial_choices(const SpaceInfo &info, const Constraints &c, size_t at_most) {
    if (c.spatial_fixed) return {{c.row_dims, c.col_dims}};
    std::vector<std::vector<int>> axes;  // candidate contents of one axis (dims of extent > 1)
    std::vector<int> useful;
    for (int d = 0; d < info.dims(); ++d)
        if (info.extent(d) > 1) useful.push_back(d);
    for (int a : useful) axes.push_back({a});
    for (size_t i = 0; i < useful.size(); ++i)
        for (size_t j = i + 1; j < useful.size(); ++j) axes.push_back({useful[i], useful[j]});
    std::vector<SpatialChoice> out;
    auto disjoint = [](const std::vector<int> &a, const std::vector<int> &b) {
        for (int x : a)
            if (std::find(b.begin(), b.end(), x) != b.end()) return false;
        return true;
    };
    auto allowed = [&](const std::vector<int> &rows, const std::vector<int> &cols) {
        return !c.spatial_allowed || c.spatial_allowed(rows, cols);
    };
    for (const auto &col : axes) {
        if (out.size() >= at_most) break;
        if (allowed({}, col)) out.push_back({{}, col});
        if (info.arch.rows > 1)
            for (const auto &row : axes)
                if (out.size() < at_most && disjoint(row, col) && allowed(row, col)) out.push_back({row, col});
    }
    if (out.empty() && useful.empty()) out.push_back({{}, {0}});  // every dim of extent 1: a 1-lane mapping
    return out;
}

}  // namespace tessera::explore::detail
