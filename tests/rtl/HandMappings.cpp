#include "HandMappings.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace tessera::rtl::test {

namespace {

ir::AffineExpr expr(std::vector<std::pair<std::string, int64_t>> terms, int64_t offset = 0) {
    std::sort(terms.begin(), terms.end());
    return {terms, offset};
}

}  // namespace

ir::LayerSpec conv(const std::string &name, int64_t C, int64_t K, int64_t H, int64_t W, int64_t R,
                   int64_t stride, int64_t pad) {
    ir::LayerSpec l;
    l.name = name;
    l.type = "conv";
    l.C = C, l.K = K, l.H = H, l.W = W, l.R = R, l.S = R, l.stride = stride, l.pad = pad;
    return l;
}

ir::LayerSpec dwconv(const std::string &name, int64_t C, int64_t H, int64_t W, int64_t R,
                     int64_t stride, int64_t pad) {
    ir::LayerSpec l = conv(name, C, C, H, W, R, stride, pad);
    l.type = "dwconv";
    l.groups = C;
    return l;
}

ir::LayerSpec fc(const std::string &name, int64_t C, int64_t K, int64_t N) {
    ir::LayerSpec l;
    l.name = name;
    l.type = "fc";
    l.N = N, l.C = C, l.K = K;
    return l;
}

ir::Problem make_problem(const ir::LayerSpec &l) {
    ir::Problem p;
    p.layer = l;
    p.post.bias = l.bias;
    p.post.relu = l.relu;
    p.post.shift = l.effective_shift();
    auto tensor = [](const std::string &name, ir::TensorRole role, std::vector<int64_t> shape,
                     std::vector<ir::AffineExpr> index) {
        ir::Tensor t;
        t.name = name;
        t.role = role;
        t.shape = std::move(shape);
        t.index = std::move(index);
        return t;
    };
    const int64_t P = l.out_h(), Q = l.out_w(), s = l.stride, pad = l.pad;
    if (l.type == "fc") {
        p.dims = {{"n", l.N, false}, {"k", l.K, false}, {"c", l.C, true}};
        p.tensors = {tensor("I", ir::TensorRole::Input, {l.C, l.N}, {expr({{"c", 1}}), expr({{"n", 1}})}),
                     tensor("W", ir::TensorRole::Weight, {l.C, l.K}, {expr({{"c", 1}}), expr({{"k", 1}})}),
                     tensor("O", ir::TensorRole::Output, {l.K, l.N}, {expr({{"k", 1}}), expr({{"n", 1}})})};
        return p;
    }
    const bool dw = l.type == "dwconv";
    const std::string ch = dw ? "k" : "c";
    p.dims = {{"n", l.N, false}, {"k", l.K, false}};
    if (!dw) p.dims.push_back({"c", l.C, true});
    p.dims.insert(p.dims.end(), {{"y", P, false}, {"x", Q, false}, {"r", l.R, true}, {"s", l.S, true}});
    p.tensors.push_back(tensor("I", ir::TensorRole::Input, {l.W, l.H, l.C, l.N},
                               {expr({{"x", s}, {"s", 1}}, -pad), expr({{"y", s}, {"r", 1}}, -pad),
                                expr({{ch, 1}}), expr({{"n", 1}})}));
    if (dw)
        p.tensors.push_back(tensor("W", ir::TensorRole::Weight, {l.S, l.R, l.K},
                                   {expr({{"s", 1}}), expr({{"r", 1}}), expr({{"k", 1}})}));
    else
        p.tensors.push_back(tensor("W", ir::TensorRole::Weight, {l.S, l.R, l.C, l.K},
                                   {expr({{"s", 1}}), expr({{"r", 1}}), expr({{"c", 1}}), expr({{"k", 1}})}));
    p.tensors.push_back(tensor("O", ir::TensorRole::Output, {Q, P, l.K, l.N},
                               {expr({{"x", 1}}), expr({{"y", 1}}), expr({{"k", 1}}), expr({{"n", 1}})}));
    return p;
}

ir::AcceleratorIR make_ir(const ir::LayerSpec &layer, const std::vector<LoopSpec> &loops, int at_i,
                          int at_w, int at_o, const std::string &schedule) {
    ir::AcceleratorIR ir;
    ir.problem = make_problem(layer);
    for (const auto &l : loops) {
        ir::Loop loop;
        loop.dim = l.dim;
        loop.extent = l.extent;
        loop.stride = l.stride;
        loop.kind = l.kind;
        loop.name = l.dim + (l.stride > 1 ? "o" : "");
        ir.mapping.loops.push_back(loop);
    }
    const int at[] = {at_i, at_w, at_o};
    for (int x = 0; x < 3; ++x) {
        const ir::Tensor &t = ir.problem.tensors[size_t(x)];
        ir::Buffer b;
        b.tensor = t.name;
        b.level = "GLB";
        b.at = at[x];
        for (const auto &e : t.index) {
            int64_t extent = 1;
            for (size_t l = size_t(at[x]); l < loops.size(); ++l)
                extent += (loops[l].extent - 1) * loops[l].stride * e.coeff(loops[l].dim);
            b.box.push_back(extent);
        }
        ir.mapping.buffers.push_back(b);
    }
    ir.mapping.schedule = schedule;
    return ir;
}

ir::AcceleratorIR tiled_ir(const ir::LayerSpec &layer, const Tiling &t) {
    const ir::Problem p = make_problem(layer);
    std::map<std::string, int64_t> factor(t.factors.begin(), t.factors.end());
    std::map<std::string, LoopSpec> temporal;
    std::vector<LoopSpec> spatial;
    for (const auto &d : p.dims) {
        int64_t f = d.name == t.row_dim ? t.rows : d.name == t.col_dim ? t.cols : factor.count(d.name) ? factor[d.name] : 0;
        if (d.name == t.row_dim || d.name == t.col_dim) {
            temporal[d.name + "o"] = {d.name, (d.extent + f - 1) / f, f};
            spatial.push_back({d.name, f, 1,
                               d.name == t.row_dim ? ir::LoopKind::SpatialRow : ir::LoopKind::SpatialCol});
        } else if (f > 0) {
            temporal[d.name + "o"] = {d.name, (d.extent + f - 1) / f, f};
            temporal[d.name] = {d.name, f, 1};
        } else {
            temporal[d.name] = {d.name, d.extent, 1};
        }
    }
    std::sort(spatial.begin(), spatial.end(),
              [](const LoopSpec &a, const LoopSpec &b) { return a.kind < b.kind; });  // row first
    std::vector<LoopSpec> loops;
    std::map<std::string, int> position;
    for (const auto &name : t.order) {
        auto it = temporal.find(name);
        if (it == temporal.end()) throw std::invalid_argument("tiling: no loop '" + name + "'");
        position[name] = int(loops.size());
        loops.push_back(it->second);
        temporal.erase(it);
    }
    if (!temporal.empty()) throw std::invalid_argument("tiling: loop '" + temporal.begin()->first + "' not ordered");
    loops.insert(loops.end(), spatial.begin(), spatial.end());
    auto at = [&](const std::string &name) { return name.empty() ? 0 : position.at(name); };
    std::string schedule = "tiling rows=" + (t.row_dim.empty() ? "-" : t.row_dim) + "x" +
                           std::to_string(t.rows) + " cols=" + (t.col_dim.empty() ? "-" : t.col_dim) +
                           "x" + std::to_string(t.cols) + " order=";
    for (const auto &n : t.order) schedule += n + ",";
    return make_ir(layer, loops, at(t.input_at), at(t.weight_at), at(t.output_at), schedule);
}

}  // namespace tessera::rtl::test
