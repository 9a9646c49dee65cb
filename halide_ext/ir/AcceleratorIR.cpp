#include "AcceleratorIR.h"

#include <stdexcept>

namespace tessera::ir {

int64_t LayerSpec::reduction_size() const { return (C / groups) * R * S; }

int LayerSpec::effective_shift() const {
    if (y_int32) return 0;  // the accumulator itself
    if (requant_shift >= 0) return requant_shift;
    // Keep a random int8 x int8 sum of `reduction_size` terms mostly inside int8 after the shift:
    // its standard deviation grows like sqrt(n) * 2^12.
    int bits = 0;
    while ((int64_t(1) << bits) < reduction_size()) ++bits;
    return 7 + (bits + 1) / 2;
}

int64_t LayerSpec::macs() const { return batch * N * K * out_h() * out_w() * R * S * (C / groups); }

int64_t *LayerSpec::shape_field(const std::string &key) {
    return key == "N" ? &N : key == "C" ? &C : key == "K" ? &K : key == "H" ? &H : key == "W" ? &W
         : key == "R" ? &R : key == "S" ? &S : key == "stride" ? &stride : key == "pad" ? &pad
         : key == "groups" ? &groups : key == "stride_w" ? &stride_w
         : key == "pad_bottom" ? &pad_bottom : key == "pad_left" ? &pad_left
         : key == "pad_right" ? &pad_right : key == "dilation" ? &dilation
         : key == "dilation_w" ? &dilation_w : key == "batch" ? &batch : nullptr;
}

int64_t *LayerSpec::quant_field(const std::string &key) {
    return key == "x_uint8" ? &x_uint8 : key == "w_uint8" ? &w_uint8 : key == "y_uint8" ? &y_uint8
         : key == "x_zero_point" ? &x_zero_point : key == "w_zero_point" ? &w_zero_point
         : key == "y_zero_point" ? &y_zero_point : key == "multiplier" ? &multiplier
         : key == "round_even" ? &round_even : key == "y_int32" ? &y_int32 : nullptr;
}

bool LayerSpec::plain_geometry() const {
    return stride_x() == stride && dilation == 1 && dilation_x() == 1 && pad_y1() == pad &&
           pad_x0() == pad && pad_x1() == pad;
}

bool LayerSpec::operator==(const LayerSpec &o) const {
    return name == o.name && type == o.type && N == o.N && C == o.C && K == o.K && H == o.H &&
           W == o.W && R == o.R && S == o.S && stride == o.stride && pad == o.pad &&
           stride_x() == o.stride_x() && pad_y1() == o.pad_y1() && pad_x0() == o.pad_x0() &&
           pad_x1() == o.pad_x1() && dilation == o.dilation && dilation_x() == o.dilation_x() &&
           x_uint8 == o.x_uint8 && w_uint8 == o.w_uint8 && y_uint8 == o.y_uint8 &&
           x_zero_point == o.x_zero_point && w_zero_point == o.w_zero_point &&
           y_zero_point == o.y_zero_point && multiplier == o.multiplier && round_even == o.round_even && y_int32 == o.y_int32 &&
           groups == o.groups && batch == o.batch && bias == o.bias && relu == o.relu && requant_shift == o.requant_shift &&
           channel_multiplier == o.channel_multiplier && channel_shift == o.channel_shift &&
           channel_w_zero_point == o.channel_w_zero_point;
}

bool Dim::operator==(const Dim &o) const {
    return name == o.name && extent == o.extent && reduction == o.reduction;
}

int64_t AffineExpr::coeff(const std::string &dim) const {
    for (const auto &[name, c] : terms)
        if (name == dim) return c;
    return 0;
}

bool Tensor::uses(const std::string &dim) const {
    for (const auto &e : index)
        if (e.coeff(dim) != 0) return true;
    return false;
}

bool AffineExpr::operator==(const AffineExpr &o) const {
    return terms == o.terms && offset == o.offset;
}

bool Tensor::operator==(const Tensor &o) const {
    return name == o.name && role == o.role && elem_bits == o.elem_bits && shape == o.shape &&
           index == o.index && is_unsigned == o.is_unsigned && zero_point == o.zero_point &&
           channel_zero_point == o.channel_zero_point;
}

bool PostOp::operator==(const PostOp &o) const {
    return bias == o.bias && bias_index == o.bias_index && relu == o.relu && shift == o.shift &&
           out_bits == o.out_bits && multiplier == o.multiplier && round_even == o.round_even &&
           out_zero_point == o.out_zero_point && out_unsigned == o.out_unsigned &&
           channel_multiplier == o.channel_multiplier && channel_shift == o.channel_shift;
}

const Dim &Problem::dim(const std::string &name) const {
    for (const auto &d : dims)
        if (d.name == name) return d;
    throw std::runtime_error("no dimension '" + name + "' in layer " + layer.name);
}

const Tensor &Problem::tensor(TensorRole role) const {
    for (const auto &t : tensors)
        if (t.role == role) return t;
    throw std::runtime_error(std::string("no ") + to_string(role) + " tensor in layer " + layer.name);
}

int64_t Problem::macs() const {
    int64_t m = 1;
    for (const auto &d : dims) m *= d.extent;
    return m;
}

int64_t Problem::bias_load_stride() const {
    return 1 + (post.per_channel() ? 1 : 0) + (tensor(TensorRole::Weight).channel_zero_point.empty() ? 0 : 1);
}

int64_t Problem::bias_words() const {
    if (!post.bias) return 0;
    int64_t last = post.bias_index.offset;
    for (const auto &[d, c] : post.bias_index.terms) last += c * (dim(d).extent - 1);
    return last + 1;
}

bool Problem::operator==(const Problem &o) const {
    return layer == o.layer && dims == o.dims && tensors == o.tensors && post == o.post &&
           acc_bits == o.acc_bits;
}

bool Loop::operator==(const Loop &o) const {
    return dim == o.dim && extent == o.extent && stride == o.stride && kind == o.kind &&
           name == o.name;
}

int64_t Buffer::words() const {
    int64_t w = 1;
    for (int64_t e : box) w *= e;
    return w;
}

bool Buffer::operator==(const Buffer &o) const {
    return tensor == o.tensor && level == o.level && at == o.at && box == o.box &&
           single_buffered == o.single_buffered;
}

// An axis may hold several loops, combined mixed-radix: its size is their product.
static int64_t spatial_extent(const Mapping &m, LoopKind kind) {
    int64_t extent = 1;
    for (const auto &l : m.loops)
        if (l.kind == kind) extent *= l.extent;
    return extent;
}

int64_t Mapping::array_rows() const { return spatial_extent(*this, LoopKind::SpatialRow); }
int64_t Mapping::array_cols() const { return spatial_extent(*this, LoopKind::SpatialCol); }

bool Mapping::operator==(const Mapping &o) const {
    return loops == o.loops && buffers == o.buffers && schedule == o.schedule;
}

bool AcceleratorIR::operator==(const AcceleratorIR &o) const {
    return problem == o.problem && mapping == o.mapping;
}

const char *to_string(TensorRole r) {
    switch (r) {
    case TensorRole::Input: return "input";
    case TensorRole::Weight: return "weight";
    case TensorRole::Output: return "output";
    }
    return "?";
}

const char *to_string(LoopKind k) {
    switch (k) {
    case LoopKind::Temporal: return "temporal";
    case LoopKind::SpatialRow: return "spatial_row";
    case LoopKind::SpatialCol: return "spatial_col";
    }
    return "?";
}

}  // namespace tessera::ir
