#include "TileCoverage.h"

#include <algorithm>

namespace tessera::model {

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

// sum_{i < count} clamp(a + step * i, 0, shape), step > 0: zero while the term is <= 0, shape
// once it is >= shape, an arithmetic series in between.
int64_t clamped_series(int64_t a, int64_t step, int64_t count, int64_t shape) {
    int64_t first_positive = a > 0 ? 0 : std::min(count, floor_div(-a, step) + 1);
    int64_t first_full = a >= shape ? 0 : ceil_div(shape - a, step);
    first_full = std::clamp(first_full, first_positive, count);
    int64_t n = first_full - first_positive;
    int64_t linear = n * a + step * ((first_positive + first_full - 1) * n / 2);
    return linear + (count - first_full) * shape;
}

}  // namespace

int64_t overlap_sum(int64_t base, int64_t step, int64_t count, int64_t box, int64_t shape) {
    // overlap(b) = clamp(b + box) - clamp(b): two clamped series.
    return clamped_series(base + box, step, count, shape) - clamped_series(base, step, count, shape);
}

}  // namespace tessera::model
