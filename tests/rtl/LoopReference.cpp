#include "LoopReference.h"

#include <algorithm>

namespace tessera::rtl::test {

namespace {

int64_t words(const std::vector<int64_t> &shape) {
    int64_t w = 1;
    for (int64_t e : shape) w *= e;
    return w;
}

// Dense offset of an index, -1 if outside the shape (padding).
int64_t offset(const ir::Tensor &t, const std::vector<int64_t> &dim_index,
               const std::vector<ir::Dim> &dims) {
    int64_t off = 0, stride = 1;
    for (size_t c = 0; c < t.index.size(); ++c) {
        int64_t v = t.index[c].offset;
        for (size_t d = 0; d < dims.size(); ++d) v += t.index[c].coeff(dims[d].name) * dim_index[d];
        if (v < 0 || v >= t.shape[c]) return -1;
        off += v * stride;
        stride *= t.shape[c];
    }
    return off;
}

}  // namespace

LayerData random_layer_data(const ir::Problem &p, uint32_t seed) {
    uint32_t state = seed * 2654435761u + 1;
    auto next = [&]() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        return state;
    };
    LayerData d;
    d.input.resize(size_t(words(p.tensor(ir::TensorRole::Input).shape)));
    d.weight.resize(size_t(words(p.tensor(ir::TensorRole::Weight).shape)));
    for (auto &v : d.input) v = int8_t(next() & 0xff);
    for (auto &v : d.weight) v = int8_t(next() & 0xff);
    if (p.post.bias) {
        int64_t k = 1;
        for (const auto &dim : p.dims)
            if (dim.name == "k") k = dim.extent;
        d.bias.resize(size_t(k));
        for (auto &v : d.bias) v = int32_t(next() % 20001) - 10000;
    }
    return d;
}

std::vector<int8_t> loop_reference(const ir::Problem &p, const LayerData &data) {
    const ir::Tensor &in = p.tensor(ir::TensorRole::Input), &wt = p.tensor(ir::TensorRole::Weight),
                     &out = p.tensor(ir::TensorRole::Output);
    std::vector<int32_t> acc(size_t(words(out.shape)), 0);
    std::vector<int64_t> idx(p.dims.size(), 0);
    int k_dim = -1;
    for (size_t d = 0; d < p.dims.size(); ++d)
        if (p.dims[d].name == "k") k_dim = int(d);
    for (bool more = true; more;) {
        int64_t o = offset(out, idx, p.dims), i = offset(in, idx, p.dims), w = offset(wt, idx, p.dims);
        if (i >= 0 && w >= 0) acc[size_t(o)] += int32_t(data.input[size_t(i)]) * int32_t(data.weight[size_t(w)]);
        more = false;  // odometer over the dims, last fastest
        for (size_t d = p.dims.size(); d-- > 0;) {
            if (++idx[d] < p.dims[d].extent) {
                more = true;
                break;
            }
            idx[d] = 0;
        }
    }
    std::vector<int8_t> result(acc.size());
    // The output's k coordinate, for the bias index.
    int k_coord = -1;
    for (size_t c = 0; c < out.index.size(); ++c)
        if (out.index[c].coeff("k") != 0) k_coord = int(c);
    for (size_t o = 0; o < acc.size(); ++o) {
        int64_t rest = int64_t(o), k = 0;
        for (size_t c = 0; c < out.shape.size(); ++c) {
            if (int(c) == k_coord) k = rest % out.shape[c];
            rest /= out.shape[c];
        }
        int32_t v = acc[o];
        if (p.post.bias && k_dim >= 0) v = int32_t(uint32_t(v) + uint32_t(data.bias[size_t(k)]));
        if (p.post.relu) v = std::max(v, 0);
        int32_t rounding = p.post.shift > 0 ? int32_t(1) << (p.post.shift - 1) : 0;
        v = int32_t(uint32_t(v) + uint32_t(rounding)) >> p.post.shift;
        result[o] = int8_t(std::clamp(v, -128, 127));
    }
    return result;
}

}  // namespace tessera::rtl::test
