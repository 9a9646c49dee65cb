#include "Json.h"
#include "JsonGet.h"

#include <stdexcept>

namespace tessera::ir {

using nlohmann::json;

namespace {

template <typename T>
T get(const json &j, const char *key) {
    return json_get<T>(j, key, "IR JSON");
}

TensorRole role_from(const std::string &s) {
    if (s == "input") return TensorRole::Input;
    if (s == "weight") return TensorRole::Weight;
    if (s == "output") return TensorRole::Output;
    throw std::runtime_error("IR JSON: unknown tensor role '" + s + "'");
}

LoopKind kind_from(const std::string &s) {
    if (s == "temporal") return LoopKind::Temporal;
    if (s == "spatial_row") return LoopKind::SpatialRow;
    if (s == "spatial_col") return LoopKind::SpatialCol;
    throw std::runtime_error("IR JSON: unknown loop kind '" + s + "'");
}

json affine_to_json(const AffineExpr &e) {
    json terms = json::object();
    for (const auto &[d, c] : e.terms) terms[d] = c;
    return {{"terms", terms}, {"offset", e.offset}};
}

AffineExpr affine_from_json(const json &j) {
    AffineExpr e;
    const json terms = get<json>(j, "terms");  // items() must not outlive what it iterates
    for (const auto &[d, c] : terms.items()) {
        if (!c.is_number_integer()) throw std::runtime_error("IR JSON: coefficient of " + d + " is not an integer");
        e.terms.emplace_back(d, c.get<int64_t>());
    }
    e.offset = get<int64_t>(j, "offset");
    return e;  // nlohmann objects iterate sorted by key, as AffineExpr terms are
}

}  // namespace

json to_json(const LayerSpec &l) {
    return {{"name", l.name},     {"type", l.type},     {"N", l.N},           {"C", l.C},
            {"K", l.K},           {"H", l.H},           {"W", l.W},           {"R", l.R},
            {"S", l.S},           {"stride", l.stride}, {"pad", l.pad},       {"groups", l.groups},
            {"bias", l.bias},     {"relu", l.relu},     {"requant_shift", l.requant_shift},
            // The resolved per-axis geometry (absent in older IR files: the common values hold).
            {"stride_w", l.stride_x()},   {"pad_bottom", l.pad_y1()}, {"pad_left", l.pad_x0()},
            {"pad_right", l.pad_x1()},    {"dilation", l.dilation},   {"dilation_w", l.dilation_x()},
            {"x_uint8", l.x_uint8},       {"w_uint8", l.w_uint8},     {"y_uint8", l.y_uint8},
            {"x_zero_point", l.x_zero_point}, {"w_zero_point", l.w_zero_point},
            {"y_zero_point", l.y_zero_point}, {"multiplier", l.multiplier}, {"round_even", l.round_even},
            {"y_int32", l.y_int32},
            {"batch", l.batch}, {"channel_multiplier", l.channel_multiplier},
            {"channel_shift", l.channel_shift}, {"channel_w_zero_point", l.channel_w_zero_point}};
}

LayerSpec layer_from_json(const json &j) {
    LayerSpec l;
    l.name = get<std::string>(j, "name");
    l.type = get<std::string>(j, "type");
    l.N = get<int64_t>(j, "N");
    l.C = get<int64_t>(j, "C");
    l.K = get<int64_t>(j, "K");
    l.H = get<int64_t>(j, "H");
    l.W = get<int64_t>(j, "W");
    l.R = get<int64_t>(j, "R");
    l.S = get<int64_t>(j, "S");
    l.stride = get<int64_t>(j, "stride");
    l.pad = get<int64_t>(j, "pad");
    l.groups = get<int64_t>(j, "groups");
    l.bias = get<bool>(j, "bias");
    l.relu = get<bool>(j, "relu");
    l.requant_shift = get<int>(j, "requant_shift");
    for (const char *key : {"stride_w", "pad_bottom", "pad_left", "pad_right", "dilation", "dilation_w", "batch"})
        if (j.contains(key)) *l.shape_field(key) = get<int64_t>(j, key);
    for (const char *key : {"x_uint8", "w_uint8", "y_uint8", "x_zero_point", "w_zero_point",
                            "y_zero_point", "multiplier", "round_even", "y_int32"})
        if (j.contains(key)) *l.quant_field(key) = get<int64_t>(j, key);
    if (j.contains("channel_multiplier")) {  // absent in files older than per-channel requantization
        l.channel_multiplier = get<std::vector<int64_t>>(j, "channel_multiplier");
        l.channel_shift = get<std::vector<int64_t>>(j, "channel_shift");
    }
    if (j.contains("channel_w_zero_point"))  // absent in files older than per-channel weight zero points
        l.channel_w_zero_point = get<std::vector<int64_t>>(j, "channel_w_zero_point");
    return l;
}

json to_json(const AcceleratorIR &ir) {
    const Problem &p = ir.problem;
    json dims = json::array();
    for (const auto &d : p.dims)
        dims.push_back({{"name", d.name}, {"extent", d.extent}, {"reduction", d.reduction}});
    json tensors = json::array();
    for (const auto &t : p.tensors) {
        json index = json::array();
        for (const auto &e : t.index) index.push_back(affine_to_json(e));
        tensors.push_back({{"name", t.name},
                           {"role", to_string(t.role)},
                           {"elem_bits", t.elem_bits},
                           {"shape", t.shape},
                           {"unsigned", t.is_unsigned},
                           {"zero_point", t.zero_point},
                           {"channel_zero_point", t.channel_zero_point},
                           {"index", index}});
    }
    json loops = json::array();
    for (const auto &l : ir.mapping.loops)
        loops.push_back({{"dim", l.dim},
                         {"extent", l.extent},
                         {"stride", l.stride},
                         {"kind", to_string(l.kind)},
                         {"name", l.name}});
    json buffers = json::array();
    for (const auto &b : ir.mapping.buffers) {
        buffers.push_back({{"tensor", b.tensor},
                           {"level", b.level},
                           {"at", b.at},
                           {"box", b.box},
                           {"words", b.words()}});
        if (b.single_buffered) buffers.back()["single_buffered"] = true;  // absent: false
    }
    return {{"layer", to_json(p.layer)},
            {"macs", p.macs()},
            {"dims", dims},
            {"tensors", tensors},
            {"post", {{"bias", p.post.bias},
                      {"bias_index", affine_to_json(p.post.bias_index)},
                      {"relu", p.post.relu},
                      {"shift", p.post.shift},
                      {"out_bits", p.post.out_bits},
                      {"multiplier", p.post.multiplier},
                      {"round_even", p.post.round_even},
                      {"out_zero_point", p.post.out_zero_point},
                      {"out_unsigned", p.post.out_unsigned},
                      {"channel_multiplier", p.post.channel_multiplier},
                      {"channel_shift", p.post.channel_shift}}},
            {"acc_bits", p.acc_bits},
            {"array", {{"rows", ir.mapping.array_rows()}, {"cols", ir.mapping.array_cols()}}},
            {"loops", loops},
            {"buffers", buffers},
            {"schedule", ir.mapping.schedule}};
}

AcceleratorIR ir_from_json(const json &j) {
    AcceleratorIR ir;
    Problem &p = ir.problem;
    p.layer = layer_from_json(get<json>(j, "layer"));
    for (const auto &d : get<json>(j, "dims"))
        p.dims.push_back({get<std::string>(d, "name"), get<int64_t>(d, "extent"),
                          get<bool>(d, "reduction")});
    for (const auto &t : get<json>(j, "tensors")) {
        Tensor tensor;
        tensor.name = get<std::string>(t, "name");
        tensor.role = role_from(get<std::string>(t, "role"));
        tensor.elem_bits = get<int>(t, "elem_bits");
        tensor.shape = get<std::vector<int64_t>>(t, "shape");
        for (const auto &e : get<json>(t, "index")) tensor.index.push_back(affine_from_json(e));
        if (t.contains("zero_point")) {
            tensor.is_unsigned = get<bool>(t, "unsigned");
            tensor.zero_point = get<int64_t>(t, "zero_point");
        }
        if (t.contains("channel_zero_point"))
            tensor.channel_zero_point = get<std::vector<int64_t>>(t, "channel_zero_point");
        p.tensors.push_back(std::move(tensor));
    }
    const json post = get<json>(j, "post");
    p.post.bias = get<bool>(post, "bias");
    // Older IR files: the bias is indexed by the channel k.
    p.post.bias_index = post.contains("bias_index") ? affine_from_json(post.at("bias_index"))
                                                    : AffineExpr{{{"k", 1}}, 0};
    p.post.relu = get<bool>(post, "relu");
    p.post.shift = get<int>(post, "shift");
    p.post.out_bits = get<int>(post, "out_bits");
    // Absent in IR files older than quantization: the shift-only post-op.
    if (post.contains("multiplier")) {
        p.post.multiplier = get<int64_t>(post, "multiplier");
        p.post.round_even = get<bool>(post, "round_even");
        p.post.out_zero_point = get<int64_t>(post, "out_zero_point");
        p.post.out_unsigned = get<bool>(post, "out_unsigned");
    }
    if (post.contains("channel_multiplier")) {
        p.post.channel_multiplier = get<std::vector<int64_t>>(post, "channel_multiplier");
        p.post.channel_shift = get<std::vector<int64_t>>(post, "channel_shift");
    }
    p.acc_bits = get<int>(j, "acc_bits");
    for (const auto &l : get<json>(j, "loops"))
        ir.mapping.loops.push_back({get<std::string>(l, "dim"), get<int64_t>(l, "extent"),
                                    get<int64_t>(l, "stride"), kind_from(get<std::string>(l, "kind")),
                                    get<std::string>(l, "name")});
    for (const auto &b : get<json>(j, "buffers")) {
        ir.mapping.buffers.push_back({get<std::string>(b, "tensor"), get<std::string>(b, "level"),
                                      get<int>(b, "at"), get<std::vector<int64_t>>(b, "box")});
        if (b.contains("single_buffered")) ir.mapping.buffers.back().single_buffered = get<bool>(b, "single_buffered");
    }
    ir.mapping.schedule = get<std::string>(j, "schedule");
    return ir;
}

}  // namespace tessera::ir
