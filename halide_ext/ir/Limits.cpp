#include "Limits.h"

#include "UserError.h"

#include <initializer_list>

namespace tessera::ir {

namespace {

// The product of `factors`, or nothing once it passes `limit` (so it never overflows).
std::optional<int64_t> bounded_product(std::initializer_list<int64_t> factors, int64_t limit) {
    int64_t p = 1;
    for (int64_t f : factors) {
        const auto next = checked_mul(p, f);
        if (!next || *next > limit) return std::nullopt;
        p = *next;
    }
    return p;
}

}  // namespace

std::optional<int64_t> checked_mul(int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
    return r;
}

void check_layer_limits(const LayerSpec &l) {
    const std::string where = "layer " + l.name + ": ";
    const std::pair<const char *, int64_t> fields[] = {
        {"N", l.N}, {"C", l.C}, {"K", l.K}, {"H", l.H}, {"W", l.W}, {"R", l.R}, {"S", l.S},
        {"stride", l.stride}, {"pad", l.pad}, {"groups", l.groups}};
    for (const auto &[key, v] : fields)
        if (v > kMaxExtent)
            throw UserError(where + key + "=" + std::to_string(v) + " is over the largest extent " +
                            std::to_string(kMaxExtent) + " (docs/limits.md)");
    // Fields up to 2^20 keep these sums and quotients exact in int64.
    const int64_t p = l.out_h(), q = l.out_w();
    if (p > kMaxExtent || q > kMaxExtent)
        throw UserError(where + "an output of " + std::to_string(p) + "x" + std::to_string(q) +
                        " is over the largest extent " + std::to_string(kMaxExtent) + " (docs/limits.md)");
    if (p < 1 || q < 1) return;  // the caller reports the kernel being larger than the input
    const int64_t words_limit = kMaxDramWords;
    const auto input = bounded_product({l.N, l.C, l.H, l.W}, words_limit);
    const auto weights = bounded_product({l.K, l.C / l.groups, l.R, l.S}, words_limit);
    const auto output = bounded_product({l.N, l.K, p, q}, words_limit);
    if (!input || !weights || !output || *input + *weights + l.K + *output > words_limit)
        throw UserError(where + "its tensors (input " + std::to_string(l.N) + "x" + std::to_string(l.C) +
                        "x" + std::to_string(l.H) + "x" + std::to_string(l.W) + ", weights, output) " +
                        "need more than " + std::to_string(words_limit) +
                        " DRAM words, the 32-bit DRAM address limit (docs/limits.md); use a smaller shape");
    if (!bounded_product({l.N, l.K, p, q, l.R, l.S, l.C / l.groups}, kMaxMacs))
        throw UserError(where + "more than " + std::to_string(kMaxMacs) +
                        " (2^48) multiply-accumulates, the limit of the model's counts (docs/limits.md)");
}

void check_array_limits(int64_t rows, int64_t cols, const std::string &what) {
    if (rows < 1 || cols < 1)
        throw UserError(what + " " + std::to_string(rows) + "x" + std::to_string(cols) +
                        " needs at least one row and one column");
    if (rows > kMaxArraySide || cols > kMaxArraySide || rows * cols > kMaxArrayPes)
        throw UserError(what + " " + std::to_string(rows) + "x" + std::to_string(cols) +
                        " is over the largest array (" + std::to_string(kMaxArraySide) + " per side, " +
                        std::to_string(kMaxArrayPes) + " PEs; docs/limits.md)");
}

}  // namespace tessera::ir
