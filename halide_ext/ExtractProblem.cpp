#include "ExtractProblem.h"

#include "Affine.h"
#include "UserError.h"

#include <set>
#include <sstream>

namespace tessera {

using namespace Halide;
using namespace Halide::Internal;

namespace {

Expr strip_casts(Expr e) {
    while (const auto *c = e.as<Cast>()) e = c->value;
    return e;
}

std::string text(const Expr &e) {
    std::ostringstream s;
    s << e;
    return s.str();
}

int64_t constant(const Expr &e, const std::string &what) {
    Expr simple = e.defined() ? simplify(e) : e;
    if (const int64_t *v = simple.defined() ? as_const_int(simple) : nullptr) return *v;
    throw UserError("non-constant extent: " + what +
                    " is not a constant; give the output fixed bounds (Func::bound) and the "
                    "inputs fixed sizes (dim().set_bounds())");
}

// Finds the first image of a given dimensionality read by an expression, through the Funcs it
// calls (boundary conditions wrap the image in Funcs of the same dimensionality).
class FindImage : public IRGraphVisitor {
public:
    explicit FindImage(size_t dims) : dims(dims) {}
    const Call *image = nullptr;

private:
    size_t dims;
    std::set<std::string> seen;
    using IRGraphVisitor::visit;
    void visit(const Call *c) override {
        if (image) return;
        if (c->call_type == Call::Image && c->args.size() == dims) {
            image = c;
            return;
        }
        IRGraphVisitor::visit(c);
        if (c->call_type == Call::Halide && c->func.defined() && seen.insert(c->name).second)
            for (const Expr &v : Function(c->func).values()) v.accept(this);
    }
};

// Shape of the buffer an operand reads: the extents of that image, or empty if there is none.
std::vector<int64_t> image_shape(const Call *operand) {
    FindImage finder(operand->args.size());
    Expr(operand).accept(&finder);
    std::vector<int64_t> shape;
    if (const Call *c = finder.image) {
        for (size_t i = 0; i < c->args.size(); ++i) {
            Expr ext = c->param.defined() ? c->param.extent_constraint(int(i))
                                          : Expr(c->image.dim(int(i)).extent());
            shape.push_back(constant(ext, "extent of " + c->name + " dim " + std::to_string(i)));
        }
    }
    return shape;
}

// The bias read of the post-op: a one-dimensional int32 image (or its wrapper Func) read by the
// output's definition.
class FindBias : public IRVisitor {
public:
    const Call *bias = nullptr;

private:
    using IRVisitor::visit;
    void visit(const Call *c) override {
        // The image itself, or the Func a generator Input or ImageParam wraps it in.
        if (!bias && (c->call_type == Call::Image || c->call_type == Call::Halide) &&
            c->args.size() == 1 && c->type == Int(32))
            bias = c;
        IRVisitor::visit(c);
    }
};

}  // namespace

namespace {

// A MAC operand with its casts and a constant zero point's subtraction peeled off; a zero point
// read from a constant table (per-channel weight zero points: a Buffer the generator embeds)
// too, which `from_table` reports.
Expr peel_operand(Expr e, int64_t &zero_point, bool &from_table) {
    zero_point = 0;
    from_table = false;
    e = strip_casts(e);
    if (const auto *sub = e.as<Sub>()) {
        const auto *table = strip_casts(sub->b).as<Call>();
        if (const int64_t *z = as_const_int(sub->b)) zero_point = *z, e = strip_casts(sub->a);
        else if (table && table->call_type == Call::Image && table->image.defined())
            from_table = true, e = strip_casts(sub->a);
    }
    if (const auto *add = e.as<Add>())
        if (const int64_t *z = as_const_int(add->b)) zero_point = -*z, e = strip_casts(add->a);
    return e;
}

}  // namespace

bool match_mac(const Expr &update_with_lets, const std::string &acc_name, Expr &a, Expr &b, int64_t *zero_points,
               bool *table_zero_points) {
    // A channel index the weight and its zero-point table share is a CSE let.
    const Expr update = substitute_in_all_lets(update_with_lets);
    const auto *add = update.as<Add>();
    if (!add) return false;
    for (int side = 0; side < 2; ++side) {
        const Expr self = side ? add->b : add->a, term = side ? add->a : add->b;
        const auto *self_call = self.as<Call>();
        const auto *mul = strip_casts(term).as<Mul>();
        if (!self_call || self_call->name != acc_name || !mul) continue;
        int64_t za = 0, zb = 0;
        bool ta = false, tb = false;
        a = peel_operand(mul->a, za, ta);
        b = peel_operand(mul->b, zb, tb);
        if (zero_points) zero_points[0] = za, zero_points[1] = zb;
        if (table_zero_points) table_zero_points[0] = ta, table_zero_points[1] = tb;
        return a.as<Call>() && b.as<Call>();
    }
    return false;
}

MacStage find_mac_stage(const Function &output) {
    std::map<std::string, Function> env = find_transitive_calls(output);
    env[output.name()] = output;
    std::vector<MacStage> found;
    for (const auto &[name, f] : env) {
        if (f.updates().size() != 1 || f.updates()[0].values().size() != 1) continue;
        MacStage m;
        m.acc = f;
        int64_t zero_points[2];
        bool tables[2];
        if (match_mac(f.updates()[0].values()[0], f.name(), m.input_call, m.weight_call, zero_points, tables)) {
            if (tables[0])
                throw UserError("the input's zero point is read from a table; only weights take per-channel "
                                "zero points");
            m.input_zero_point = zero_points[0];
            m.weight_zero_point = zero_points[1];
            m.weight_channel_zero_point = tables[1];
            found.push_back(m);
        }
    }
    if (found.size() != 1)
        throw UserError(found.empty()
                            ? "no multiply-accumulate stage: the pipeline needs one Func defined "
                              "as acc(...) = 0; acc(...) += A(...) * B(...)"
                            : "more than one multiply-accumulate stage: fuse layers in a later "
                              "version; lower one layer at a time");
    return found[0];
}

ir::Problem extract_problem(const Func &output, const ir::LayerSpec &layer) {
    const MacStage mac = find_mac_stage(output.function());
    ir::Problem p;
    p.layer = layer;
    p.acc_bits = mac.acc.output_types()[0].bits();

    // Dims: the accumulator's pure variables (extents from the output's bounds), then its RDom.
    const auto &bounds = output.function().schedule().bounds();
    const std::vector<std::string> pure = mac.acc.args();
    for (auto it = pure.rbegin(); it != pure.rend(); ++it) {
        ir::Dim d{*it, 0, false};
        for (const Bound &b : bounds)
            if (b.var == *it) d.extent = constant(b.extent, "the extent of output dimension " + *it);
        if (d.extent == 0)
            throw UserError("non-constant extent: output dimension " + *it +
                            " has no fixed bound; call output.bound(" + *it + ", 0, extent)");
        p.dims.push_back(d);
    }
    const Definition &update = mac.acc.updates()[0];
    for (size_t i = 0; i < update.args().size(); ++i) {
        const auto *v = update.args()[i].as<Variable>();
        if (!v || v->name != pure[i])
            throw UserError("the accumulation must update " + mac.acc.name() +
                            " at its own pure variables (found " + text(update.args()[i]) + ")");
    }
    const auto &rvars = update.schedule().rvars();
    for (auto it = rvars.rbegin(); it != rvars.rend(); ++it) {
        if (constant(it->min, "the minimum of reduction variable " + it->var) != 0)
            throw UserError("reduction variable " + it->var + " must start at 0");
        p.dims.push_back({it->var, constant(it->extent, "the extent of reduction variable " + it->var),
                          true});
    }
    std::set<std::string> dim_names;
    for (const auto &d : p.dims) dim_names.insert(d.name);

    auto tensor = [&](const Expr &call_expr, const char *name, ir::TensorRole role) {
        const auto *call = call_expr.as<Call>();
        ir::Tensor t;
        t.name = name;
        t.role = role;
        t.elem_bits = call->type.bits();
        t.is_unsigned = call->type.is_uint();
        for (size_t i = 0; i < call->args.size(); ++i) {
            auto terms = linear_terms(call->args[i]);
            bool only_dims = terms.has_value();
            if (terms)
                for (const auto &[v, c] : *terms) only_dims &= v.empty() || dim_names.count(v);
            if (!only_dims)
                throw UserError("non-affine access: index " + std::to_string(i) + " of " +
                                call->name + " is " + text(call->args[i]) +
                                "; only affine functions of the loop variables become address "
                                "generators");
            t.index.push_back(to_affine(*terms));
        }
        t.shape = image_shape(call);
        if (t.shape.size() != t.index.size()) {  // no image behind it: its shape is its index range
            t.shape.clear();
            for (const auto &e : t.index) {
                int64_t hi = e.offset;
                for (const auto &[d, c] : e.terms) hi += c * (p.dim(d).extent - 1);
                t.shape.push_back(hi + 1);
            }
        }
        return t;
    };
    p.tensors.push_back(tensor(mac.input_call, "I", ir::TensorRole::Input));
    p.tensors.back().zero_point = mac.input_zero_point;
    p.tensors.push_back(tensor(mac.weight_call, "W", ir::TensorRole::Weight));
    p.tensors.back().zero_point = mac.weight_zero_point;
    // Per-channel weight zero points: the pipeline reads them from a table indexed by the weight's
    // output channel (generators/Layers.cpp); the values are the layer's, as the requant tables'.
    if (mac.weight_channel_zero_point != !layer.channel_w_zero_point.empty())
        throw UserError(mac.weight_channel_zero_point
                            ? "the weights' zero points come from a table but the layer lists none "
                              "(channel_w_zero_point)"
                            : "the layer lists per-channel weight zero points but the pipeline subtracts none");
    p.tensors.back().channel_zero_point = layer.channel_w_zero_point;
    ir::Tensor out;
    out.name = "O";
    out.role = ir::TensorRole::Output;
    out.elem_bits = p.acc_bits;
    for (const std::string &v : pure) {
        out.index.push_back(to_affine({{v, 1}}));
        out.shape.push_back(p.dim(v).extent);
    }
    p.tensors.push_back(out);

    p.post.bias = layer.bias;
    // The bias word of an output element as the definition reads it (bias(k), or bias(g*K/G + k)).
    FindBias bias;
    // Lets inlined: a per-channel post-op shares the channel index with its tables (a CSE let).
    // The inlined values stay alive while bias.bias points into them.
    std::vector<Expr> values;
    for (const Expr &v : output.function().values()) values.push_back(substitute_in_all_lets(v));
    for (const Expr &v : values) v.accept(&bias);
    if (bias.bias) {
        const auto terms = linear_terms(bias.bias->args[0]);
        bool affine = terms.has_value();
        if (terms)
            for (const auto &[v, c] : *terms) affine &= v.empty() || dim_names.count(v);
        if (!affine)
            throw UserError("non-affine access: the bias index " + text(bias.bias->args[0]) +
                            " is not an affine function of the output's variables");
        p.post.bias_index = to_affine(*terms);
    }
    p.post.relu = layer.relu;
    p.post.shift = layer.effective_shift();
    p.post.out_bits = output.output_types()[0].bits();
    // Requantization by a fixed-point multiplier (quantized layers; 0: the shift alone).
    p.post.multiplier = layer.multiplier;
    p.post.round_even = layer.round_even != 0;
    p.post.out_zero_point = layer.y_zero_point;
    p.post.out_unsigned = layer.y_uint8 != 0;
    p.post.channel_multiplier = layer.channel_multiplier;
    p.post.channel_shift = layer.channel_shift;
    return p;
}

}  // namespace tessera
