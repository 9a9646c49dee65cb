// The model's DRAM reads of a tensor's DRAM-fed tiles (docs/hardware.md, "How the DRAM reads are
// computed"): the in-shape words of every tile, per coordinate in closed form where the outer loops
// factorize; for per-PE tiles fed from DRAM, of every valid lane group's tile, as a product of one
// sum per group of loops that share a dim or a coordinate.
#include "Model.h"

#include "ModelMath.h"
#include "TileCoverage.h"

#include <algorithm>
#include <array>

namespace tessera::model {

int64_t Model::coordinate_coverage(const TensorPlan &t, int c, const int64_t *extent,
                                   const int64_t *stride) {
    const std::vector<int> &moving = t.outer_of_coord[c];
    const int64_t box = t.stages[1].box[size_t(c)], shape = t.shape[size_t(c)];
    if (moving.empty()) return overlap(t.offset[c], box, shape);
    // Closed form over the last moving loop, enumeration over the others (rarely any).
    const int last = moving.back();
    const int64_t step = t.coeff[last * t.coords + c] * stride[last];
    const size_t m = moving.size() - 1;
    for (size_t i = 0; i < m; ++i) odometer_[i] = 0;
    int64_t sum = 0;
    for (;;) {
        int64_t base = t.offset[c];
        for (size_t i = 0; i < m; ++i)
            base += t.coeff[moving[i] * t.coords + c] * stride[moving[i]] * odometer_[i];
        sum += overlap_sum(base, step, extent[last], box, shape);
        size_t i = m;
        while (i > 0 && ++odometer_[i - 1] == extent[moving[i - 1]]) odometer_[--i] = 0;
        if (i == 0) break;
    }
    return sum;
}

bool Model::valid_start(const std::vector<int> &moving, const int64_t *stride) {
    std::fill(dim_span_.begin(), dim_span_.end(), 0);  // scratch: each dim's start
    for (size_t i = 0; i < moving.size(); ++i)
        dim_span_[size_t(loop_dim_[size_t(moving[i])])] += stride[moving[i]] * odometer_[i];
    for (size_t d = 0; d < dim_span_.size(); ++d)
        if (dim_span_[d] >= problem_.dims[d].extent) return false;
    return true;
}

void Model::group_lane_loops(TensorPlan &t, const std::vector<int> &loop_dim) {
    // Coordinates joined by a dim that moves both (an input row by y and r) are one group.
    std::vector<int> group_of(size_t(t.coords), -1);
    std::vector<int> coord_of_loop;
    for (int l : t.outer_moving_any) {
        int c = 0;
        while (t.coeff[size_t(l * t.coords + c)] == 0) ++c;
        coord_of_loop.push_back(c);
    }
    int groups = 0;
    for (size_t i = 0; i < t.outer_moving_any.size(); ++i) {
        const int c = coord_of_loop[i];
        if (group_of[size_t(c)] < 0) group_of[size_t(c)] = groups++;
        // Every coordinate another loop of this dim moves joins c's group.
        for (size_t j = 0; j < t.outer_moving_any.size(); ++j) {
            if (loop_dim[size_t(t.outer_moving_any[j])] != loop_dim[size_t(t.outer_moving_any[i])]) continue;
            const int other = coord_of_loop[j], from = group_of[size_t(other)], to = group_of[size_t(c)];
            if (from < 0) group_of[size_t(other)] = to;
            else if (from != to)
                for (int &g : group_of)
                    if (g == from) g = to;
        }
    }
    t.lane_groups.clear();
    t.unmoved_coords.clear();
    std::vector<int> slot(size_t(groups), -1);
    for (int c = 0; c < t.coords; ++c) {
        const int g = group_of[size_t(c)];
        if (g < 0) {
            t.unmoved_coords.push_back(c);
            continue;
        }
        if (slot[size_t(g)] < 0) slot[size_t(g)] = int(t.lane_groups.size()), t.lane_groups.emplace_back();
        t.lane_groups[size_t(slot[size_t(g)])].coords.push_back(c);
    }
    for (size_t i = 0; i < t.outer_moving_any.size(); ++i)
        t.lane_groups[size_t(slot[size_t(group_of[size_t(coord_of_loop[i])])])].loops.push_back(t.outer_moving_any[i]);
}

int64_t Model::lane_tile_positions(const TensorPlan &t, const int64_t *extent, const int64_t *stride) {
    // The in-shape words of every valid lane group's tile: a product over the groups of loops
    // (group_lane_loops) of each group's sum, the same as enumerating every tile.
    const StagePlan &s = t.stages[1];
    int64_t product = 1;
    for (int c : t.unmoved_coords) product *= overlap(t.offset[size_t(c)], s.box[size_t(c)], t.shape[size_t(c)]);
    const size_t dims = problem_.dims.size();
    for (const TensorPlan::LoopGroup &g : t.lane_groups) {
        const size_t m = g.loops.size();
        // One coordinate moved by the splits of one dim (a weight's k, c, r or s): the starts are
        // the first multiples of the smallest stride when the loops' strides nest densely (each
        // the one below times its extent), so the sum is one clamped arithmetic series.
        const int d = loop_dim_[size_t(g.loops.front())];
        bool one_dim = g.coords.size() == 1 && m <= 16;
        for (size_t i = 1; one_dim && i < m; ++i) one_dim = loop_dim_[size_t(g.loops[i])] == d;
        if (one_dim) {
            std::array<std::pair<int64_t, int64_t>, 16> by_stride;
            for (size_t i = 0; i < m; ++i) by_stride[i] = {stride[g.loops[i]], extent[g.loops[i]]};
            std::sort(by_stride.begin(), by_stride.begin() + long(m));
            bool dense = by_stride[0].first > 0;
            int64_t starts = by_stride[0].second;
            for (size_t i = 1; dense && i < m; ++i) {
                dense = by_stride[i].first == by_stride[i - 1].first * by_stride[i - 1].second;
                starts *= by_stride[i].second;
            }
            if (dense) {
                const int c = g.coords.front();
                const int64_t step = by_stride[0].first, dim_extent = problem_.dims[size_t(d)].extent;
                const int64_t valid = std::min(starts, (dim_extent + step - 1) / step);
                product *= overlap_sum(t.offset[size_t(c)], t.dim_coeff[size_t(c) * dims + size_t(d)] * step, valid,
                                       s.box[size_t(c)], t.shape[size_t(c)]);
                continue;
            }
        }
        for (size_t i = 0; i < m; ++i) odometer_[i] = 0;
        int64_t sum = 0;
        for (;;) {
            if (valid_start(g.loops, stride)) {
                int64_t inside = 1;
                for (int c : g.coords) {
                    int64_t base = t.offset[size_t(c)];
                    for (size_t i = 0; i < m; ++i)
                        base += t.coeff[size_t(g.loops[i] * t.coords + c)] * stride[g.loops[i]] * odometer_[i];
                    inside *= overlap(base, s.box[size_t(c)], t.shape[size_t(c)]);
                }
                sum += inside;
            }
            size_t i = m;
            while (i > 0 && ++odometer_[i - 1] == extent[g.loops[i - 1]]) odometer_[--i] = 0;
            if (i == 0) break;
        }
        product *= sum;
    }
    return product;
}

int64_t Model::in_shape_box_positions(const TensorPlan &t, const int64_t *extent,
                                      const int64_t *stride) {
    // Loops that move no coordinate multiply the reads only where they refill the tile.
    int64_t total = product_before(t.outer_moving_none, extent, t.stages[1].refill_from);
    // DRAM straight into per-PE tiles: a lane group's tile exists when its start is valid in every
    // dim (its combined index below the extent), which is per dim, not per coordinate.
    const bool per_lane = t.stages[1].per_pe();
    if (t.factorizes && !per_lane) {
        for (int c = 0; c < t.coords; ++c) total *= coordinate_coverage(t, c, extent, stride);
        return total;
    }
    if (t.factorizes) return total * lane_tile_positions(t, extent, stride);
    // Some outer loop moves two coordinates, or lanes must be valid: enumerate the tiles.
    const std::vector<int> &moving = t.outer_moving_any;
    const size_t m = moving.size();
    for (size_t i = 0; i < m; ++i) odometer_[i] = 0;
    int64_t sum = 0;
    for (;;) {
        if (!per_lane || valid_start(moving, stride)) {
            int64_t inside = 1;
            for (int c = 0; c < t.coords; ++c) {
                int64_t base = t.offset[c];
                for (size_t i = 0; i < m; ++i)
                    base += t.coeff[moving[i] * t.coords + c] * stride[moving[i]] * odometer_[i];
                inside *= overlap(base, t.stages[1].box[size_t(c)], t.shape[size_t(c)]);
            }
            sum += inside;
        }
        size_t i = m;
        while (i > 0 && ++odometer_[i - 1] == extent[moving[i - 1]]) odometer_[--i] = 0;
        if (i == 0) break;
    }
    return total * sum;
}

}  // namespace tessera::model
