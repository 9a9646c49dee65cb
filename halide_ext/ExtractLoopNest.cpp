#include "ExtractLoopNest.h"

#include "Affine.h"
#include "ir/Analysis.h"
#include "ExtractProblem.h"
#include "HardwareSchedule.h"
#include "UserError.h"

#include <set>
#include <sstream>

namespace tessera {

using namespace Halide;
using namespace Halide::Internal;

namespace {

struct LoopFrame {
    const For *loop;
    Interval range;      // constant bounds of the loop variable
    int64_t max_extent;  // constant upper bound of the trip count
};

struct RealizeFrame {
    const Realize *realize;
    int depth;                 // number of enclosing loops
    std::vector<int64_t> box;  // constant upper bound of each extent; -1 if none
    std::vector<std::pair<std::string, Expr>> lets;  // lets in scope at the Realize
};

std::string text(const Expr &e) {
    std::ostringstream s;
    s << e;
    return s.str();
}

// Splits "acc.s1.c.ci" into ("acc", 1, "c.ci"); false if the name is not a stage loop.
bool parse_loop_name(const std::string &name, std::string &func, int &stage, std::string &path) {
    for (size_t pos = name.find(".s"); pos != std::string::npos; pos = name.find(".s", pos + 1)) {
        size_t end = pos + 2;
        while (end < name.size() && isdigit(name[end])) ++end;
        if (end == pos + 2 || end >= name.size() || name[end] != '.') continue;
        func = name.substr(0, pos);
        stage = std::stoi(name.substr(pos + 2, end - pos - 2));
        path = name.substr(end + 1);
        return true;
    }
    return false;
}

// Walks the Stmt to the update Provide of the accumulator, remembering what encloses it.
class FindUpdate : public IRVisitor {
public:
    explicit FindUpdate(const std::string &acc) : acc(acc) {}
    std::vector<LoopFrame> loops, found_loops;
    std::vector<RealizeFrame> realizes, found_realizes;
    std::vector<std::pair<std::string, Expr>> lets, found_lets;
    const Provide *provide = nullptr;
    bool inlined_operands = false;
    Scope<Interval> scope;

private:
    std::string acc;
    using IRVisitor::visit;

    Interval bounds(const Expr &e) { return bounds_of_expr_in_scope(e, scope); }

    void visit(const For *op) override {
        // Only the loops around the update must have constant extents (checked there); the
        // loops of wrappers' own production may not.
        Expr max_extent = find_constant_bound(op->extent, Direction::Upper, scope);
        const int64_t *extent = max_extent.defined() ? as_const_int(max_extent) : nullptr;
        Interval min = bounds(op->min);
        Interval range = extent ? Interval(min.min, simplify(min.max + int(*extent) - 1))
                                : Interval::everything();
        loops.push_back({op, range, extent ? *extent : -1});
        ScopedBinding<Interval> bind(scope, op->name, range);
        IRVisitor::visit(op);
        loops.pop_back();
    }

    void visit(const LetStmt *op) override {
        lets.emplace_back(op->name, op->value);
        ScopedBinding<Interval> bind(scope, op->name, bounds(op->value));
        IRVisitor::visit(op);
        lets.pop_back();
    }

    void visit(const Realize *op) override {
        RealizeFrame frame{op, int(loops.size()), {}, lets};
        for (const Range &range : op->bounds) {
            Expr extent = find_constant_bound(range.extent, Direction::Upper, scope);
            const int64_t *v = extent.defined() ? as_const_int(extent) : nullptr;
            frame.box.push_back(v ? *v : -1);
        }
        realizes.push_back(frame);
        IRVisitor::visit(op);
        realizes.pop_back();
    }

    void visit(const Provide *op) override {
        if (op->name != acc || op->values.size() != 1) return;
        Expr a, b;
        if (!match_mac(op->values[0], acc, a, b)) {
            // The update reads acc itself but its operands are no longer Calls: they were inlined.
            if (expr_uses_var(op->values[0], acc) || op->values[0].as<Add>()) inlined_operands = true;
            return;  // (or the initialization)
        }
        if (provide)
            throw UserError("the multiply-accumulate of " + acc +
                            " appears twice in the loop nest (a specialization or rfactor?); "
                            "give it one schedule");
        provide = op;
        for (const LoopFrame &l : loops)
            if (l.max_extent < 0)
                throw UserError("non-constant extent: loop " + l.loop->name + " runs " +
                                text(l.loop->extent) +
                                " times; give the output fixed bounds and the inputs fixed sizes");
        found_loops = loops;
        found_lets = lets;
        found_realizes = realizes;
    }
};

// Stride of each loop variable of a stage within its dim, from the stage's split list.
std::map<std::string, int64_t> split_strides(const Definition &def) {
    std::map<std::string, int64_t> stride;
    for (const Dim &d : def.schedule().dims()) stride[d.var] = 1;
    auto get = [&](const std::string &v) { return stride.count(v) ? stride[v] : int64_t(1); };
    for (const Split &s : def.schedule().splits()) {
        if (s.is_split()) {
            const int64_t *factor = as_const_int(s.factor);
            if (!factor) throw UserError("split of " + s.old_var + " by a non-constant factor");
            stride[s.inner] = get(s.old_var);
            stride[s.outer] = get(s.old_var) * *factor;
        } else if (s.is_rename()) {
            stride[s.outer] = get(s.old_var);
        } else if (s.is_fuse()) {
            stride[s.old_var] = -1;  // marks a fused loop
        }
    }
    return stride;
}

std::string last_component(const std::string &path) {
    const auto dot = path.rfind('.');
    return dot == std::string::npos ? path : path.substr(dot + 1);
}


// The largest value `e` takes over every iteration of `loops` (outermost first), evaluated
// exactly, for bounds Halide leaves symbolic (tails make them piecewise). -1 if not constant.
int64_t max_over_loops(Expr e, const std::vector<std::pair<std::string, Expr>> &lets,
                       const std::vector<LoopFrame> &loops, int depth) {
    // Loop bounds may name lets too (a tail's `max` of an outer loop): substitute them everywhere.
    // and without the `likely` marks of tails, which the simplifier does not fold through.
    auto unlet = [&](Expr x) {
        for (auto it = lets.rbegin(); it != lets.rend(); ++it) x = substitute(it->first, it->second, x);
        return remove_promises(remove_likelies(x));
    };
    e = unlet(e);
    // Only the loops whose index reaches `e` (directly, or through the bounds of such a loop: a
    // tail's extent names the loops outside it) are walked; the others change nothing. Walking
    // every loop made a deep tile's extent cost the whole nest and ran out of budget (a
    // "non-constant extent" for a per-PE tile inside a 2 x 2 x ... nest).
    std::vector<bool> reaches(static_cast<size_t>(depth), false);
    std::vector<Expr> used{e};
    for (bool grew = true; grew;) {
        grew = false;
        for (int l = depth - 1; l >= 0; --l) {
            if (reaches[size_t(l)]) continue;
            const For *f = loops[size_t(l)].loop;
            if (std::none_of(used.begin(), used.end(), [&](const Expr &x) { return expr_uses_var(x, f->name); }))
                continue;
            reaches[size_t(l)] = true;
            used.push_back(unlet(f->min));
            used.push_back(unlet(f->extent));
            grew = true;
        }
    }
    int64_t best = -1, budget = 200000;
    std::map<std::string, Expr> bound;
    std::function<bool(int)> walk = [&](int l) {
        if (--budget < 0) return false;
        while (l < depth && !reaches[size_t(l)]) ++l;
        if (l == depth) {
            const Expr v = simplify(substitute(bound, e));
            const int64_t *c = as_const_int(v);
            if (!c) return false;
            best = std::max(best, *c);
            return true;
        }
        const For *f = loops[l].loop;
        // The simplified Exprs own the constants the pointers point into: keep them alive.
        const Expr min_value = simplify(substitute(bound, unlet(f->min))),
                   extent_value = simplify(substitute(bound, unlet(f->extent)));
        const int64_t *min = as_const_int(min_value), *extent = as_const_int(extent_value);
        if (!min || !extent) return false;
        for (int64_t i = 0; i < *extent; ++i) {
            bound[f->name] = make_const(f->min.type(), *min + i);
            if (!walk(l + 1)) return false;
        }
        bound.erase(f->name);
        return true;
    };
    return walk(0) ? best : -1;
}

// Names of the Funcs an operand call reaches through wrappers (f_in_g(v...) = f(v...)).
std::vector<std::string> wrapper_chain(const std::string &name,
                                       const std::map<std::string, Function> &env) {
    std::vector<std::string> chain{name};
    for (auto it = env.find(name); it != env.end();) {
        const Function &f = it->second;
        if (f.has_update_definition() || f.values().size() != 1) break;
        Expr v = f.values()[0];
        while (const auto *c = v.as<Cast>()) v = c->value;
        const auto *call = v.as<Call>();
        if (!call || call->call_type != Call::Halide || call->args.size() != f.args().size()) break;
        bool same_args = true;
        for (size_t i = 0; i < call->args.size(); ++i) {
            const auto *var = call->args[i].as<Variable>();
            same_args &= var && var->name == f.args()[i];
        }
        if (!same_args) break;
        chain.push_back(call->name);
        it = env.find(call->name);
    }
    return chain;
}

// Checks that an access of the lowered update addresses `tensor` exactly as the IR says: its
// coordinates, in terms of each loop's 0-based index, are the tensor's affine index composed with
// the loops' strides. Anything else (shifted tail tiles, skewed loops) is not a plain blocking.
void check_access(const std::vector<Expr> &args, const ir::Tensor &tensor,
                  const std::vector<ir::Dim> &problem_dims,
                  const std::vector<LoopFrame> &loops, const ir::Mapping &m,
                  const std::vector<std::pair<std::string, Expr>> &lets) {
    // A read straight from a layer's input buffer (no in() wrapper) may carry trailing
    // coordinates of unit extent the tensor does not have (an fc's batch of 1): those must be 0.
    bool extra_nonzero = args.size() < tensor.index.size();
    for (size_t t = tensor.index.size(); t < args.size(); ++t) extra_nonzero |= !is_const_zero(simplify(args[t]));
    if (extra_nonzero)
        throw UserError("the schedule reads tensor " + tensor.name + " with " + std::to_string(args.size()) +
                        " coordinates, the layer's tensor has " + std::to_string(tensor.index.size()) +
                        ": read it through an in() wrapper (compute_at) or use a preset");
    for (size_t t = 0; t < tensor.index.size(); ++t) {
        Expr e = args[t];
        for (auto it = lets.rbegin(); it != lets.rend(); ++it) e = substitute(it->first, it->second, e);
        for (int l = int(loops.size()) - 1; l >= 0; --l)
            e = substitute(loops[l].loop->name,
                           loops[l].loop->min + Variable::make(Int(32), "local." + std::to_string(l)),
                           e);
        e = simplify(remove_likelies(e));
        auto terms = linear_terms(e);
        std::map<std::string, int64_t> expected;
        if (tensor.index[t].offset) expected[""] = tensor.index[t].offset;
        for (size_t l = 0; l < m.loops.size(); ++l) {
            const std::string local = "local." + std::to_string(l);
            // A loop whose only valid index is 0 (its stride reaches the dim's extent) may
            // have been simplified out of the index: ignore it on both sides.
            int64_t dim_extent = 1;
            for (const auto &d : problem_dims) if (d.name == m.loops[l].dim) dim_extent = d.extent;
            if (m.loops[l].stride >= dim_extent) {
                if (terms) terms->erase(local);
                continue;
            }
            int64_t c = tensor.index[t].coeff(m.loops[l].dim) * m.loops[l].stride;
            if (c) expected[local] = c;
        }
        if (!terms || *terms != expected) {
            std::ostringstream msg;
            msg << "the schedule does not block tensor " << tensor.name << " plainly: coordinate "
                << t << " is " << e << " in terms of the loop indices; use split/tile/reorder "
                << "with the default tails (no skew, no shifted tiles)";
            throw UserError(msg.str());
        }
    }
}

// Marks the unrolled loops as rows or columns as hw::array names them. Each axis may hold several
// loops; a loop named but missing has extent 1 (Halide drops such loops) and must still be a loop
// of the update.
void assign_array_axes(ir::Mapping &m, const hw::ArrayTag &tag, const Function &acc) {
    auto names = [](const std::vector<std::string> &v) {
        std::string s;
        for (const auto &n : v) s += (s.empty() ? "" : ", ") + n;
        return s;
    };
    auto listed = [](const std::vector<std::string> &v, const std::string &n) {
        return std::find(v.begin(), v.end(), n) != v.end();
    };
    for (ir::Loop &l : m.loops) {
        if (l.kind == ir::LoopKind::Temporal) continue;
        const std::string v = last_component(l.name);
        if (listed(tag.rows, v)) l.kind = ir::LoopKind::SpatialRow;
        else if (listed(tag.cols, v)) l.kind = ir::LoopKind::SpatialCol;
        else
            throw UserError("loop " + l.name + " is unrolled but hw::array names only " +
                            names(tag.rows) + (tag.rows.empty() ? "" : " (rows) and ") +
                            names(tag.cols) + " (columns): the PE array has two axes; add it to "
                            "one of them or do not unroll it");
    }
    std::set<std::string> update_loops;
    for (const Dim &d : acc.update(0).schedule().dims()) update_loops.insert(last_component(d.var));
    for (const auto *axis : {&tag.rows, &tag.cols})
        for (const std::string &v : *axis) {
            bool found = false;
            for (const ir::Loop &l : m.loops) found |= last_component(l.name) == v;
            if (!found && !update_loops.count(v))
                throw UserError("hw::array names " + v + ", which is not a loop of " + acc.name() +
                                "'s update; split and unroll it first");
            for (const ir::Loop &l : m.loops)
                if (last_component(l.name) == v && l.kind == ir::LoopKind::Temporal)
                    throw UserError("hw::array names " + v + " but it is not unrolled; add .unroll(" +
                                    v + ")");
        }
}

}  // namespace

ir::Mapping extract_loop_nest(const PartiallyLowered &lowered, const ir::Problem &problem) {
    const auto acc_it = std::find_if(lowered.env.begin(), lowered.env.end(), [](const auto &e) {
        Expr a, b;
        return e.second.updates().size() == 1 && e.second.updates()[0].values().size() == 1 &&
               match_mac(e.second.updates()[0].values()[0], e.first, a, b);
    });
    if (acc_it == lowered.env.end()) throw UserError("no multiply-accumulate stage after lowering");
    const Function &acc = acc_it->second;

    FindUpdate finder(acc.name());
    lowered.stmt.accept(&finder);
    if (!finder.provide && finder.inlined_operands)
        throw UserError("the operands of the multiply-accumulate were inlined: give each a buffer, "
                        "e.g. Func ifmap_glb = ifmap.in(acc); ifmap_glb.compute_at(output, xo); "
                        "and the same for filter");
    if (!finder.provide)
        throw UserError("the multiply-accumulate of " + acc.name() +
                        " was not found in the lowered loop nest");

    ir::Mapping m;
    const auto tag = hw::array_tag(acc);
    int unrolled = 0;
    for (const LoopFrame &frame : finder.found_loops) {
        const For *loop = frame.loop;
        std::string func, path;
        int stage = 0;
        if (!parse_loop_name(loop->name, func, stage, path) || !lowered.env.count(func))
            throw UserError("loop " + loop->name + " does not belong to a Func of the pipeline");
        const Function &f = lowered.env.at(func);
        const Definition &def = stage == 0 ? f.definition() : f.update(stage - 1);
        const std::string dim = path.substr(0, path.find('.'));
        const auto strides = split_strides(def);
        const auto stride = strides.find(path);
        if (stride != strides.end() && stride->second < 0)
            throw UserError("loop " + path + " of " + func +
                            " fuses dimensions; a fused loop has no single hardware counter "
                            "stride: fuse only the loops of in() wrappers");
        bool known_dim = false;
        for (const auto &d : problem.dims) known_dim |= d.name == dim;
        if (!known_dim)
            throw UserError("loop " + path + " of " + func + " is not a dimension of the "
                            "multiply-accumulate; a buffer's consumer must iterate the layer's "
                            "dims (x, y, k, n, c, r, s)");
        ir::Loop l;
        l.dim = dim;
        l.extent = frame.max_extent;
        l.stride = stride == strides.end() ? 1 : stride->second;
        l.name = path;
        switch (loop->for_type) {
        case ForType::Serial: l.kind = ir::LoopKind::Temporal; break;
        case ForType::Unrolled: l.kind = ir::LoopKind::SpatialCol; ++unrolled; break;
        default:
            throw UserError("loop " + path + " is " +
                            (loop->for_type == ForType::Vectorized ? "vectorized" : "parallel") +
                            ": it has no hardware meaning here; use unroll() for the PE array");
        }
        m.loops.push_back(l);
    }
    // Which unrolled loops are rows and columns: hw::array says; without it the outer of two
    // unrolled loops is the rows.
    if (tag) {
        assign_array_axes(m, *tag, acc);
    } else if (unrolled > 2) {
        throw UserError(std::to_string(unrolled) +
                        " loops are unrolled but the PE array has two dimensions; name the loops of "
                        "each axis with hw::array(acc, {rows...}, {cols...}) or unroll at most two");
    } else if (unrolled == 2) {
        for (ir::Loop &l : m.loops)
            if (l.kind == ir::LoopKind::SpatialCol) {
                l.kind = ir::LoopKind::SpatialRow;
                break;
            }
    }

    // Every access of the update must be the IR's affine index over these loops.
    Expr in_call, w_call, defined_in, defined_w;
    match_mac(finder.provide->values[0], acc.name(), in_call, w_call);
    // Lowering simplifies the product and may order its factors its own way (x * (w - z) becomes
    // (w - z) * x when only the weights have a zero point): tell the operands apart by the Func
    // they read, as the accumulator's definition names them.
    match_mac(acc.updates()[0].values()[0], acc.name(), defined_in, defined_w);
    if (in_call.as<Call>()->name == defined_w.as<Call>()->name && w_call.as<Call>()->name == defined_in.as<Call>()->name)
        std::swap(in_call, w_call);
    check_access(finder.provide->args, problem.tensor(ir::TensorRole::Output), problem.dims, finder.found_loops,
                 m, finder.found_lets);
    check_access(in_call.as<Call>()->args, problem.tensor(ir::TensorRole::Input), problem.dims,
                 finder.found_loops, m, finder.found_lets);
    check_access(w_call.as<Call>()->args, problem.tensor(ir::TensorRole::Weight), problem.dims,
                 finder.found_loops, m, finder.found_lets);

    // Buffers: the Realize nodes around the update, of the accumulator or of an operand (through
    // its in() wrappers).
    const auto in_chain = wrapper_chain(in_call.as<Call>()->name, lowered.env);
    const auto w_chain = wrapper_chain(w_call.as<Call>()->name, lowered.env);
    auto in = [](const std::vector<std::string> &chain, const std::string &name) {
        return std::find(chain.begin(), chain.end(), name) != chain.end();
    };
    for (RealizeFrame &r : finder.found_realizes) {
        const std::string &name = r.realize->name;
        const char *tensor = name == acc.name() ? "O" : in(in_chain, name) ? "I"
                           : in(w_chain, name)  ? "W" : nullptr;
        if (!tensor) continue;
        ir::Buffer b;
        b.tensor = tensor;
        b.at = r.depth;
        for (size_t i = 0; i < r.box.size(); ++i) {
            if (r.box[i] < 0)
                r.box[i] = max_over_loops(r.realize->bounds[i].extent, r.lets, finder.found_loops, r.depth);
            if (r.box[i] < 0)
                throw UserError("non-constant extent: the buffer of " + name + " has extent " +
                                text(r.realize->bounds[i].extent) + "; give the output fixed bounds");
            b.box.push_back(r.box[i]);
        }
        const auto level = lowered.env.count(name) ? hw::level_tag(lowered.env.at(name)) : std::nullopt;
        int last_spatial = -1;
        for (size_t l = 0; l < m.loops.size(); ++l)
            if (m.loops[l].kind != ir::LoopKind::Temporal) last_spatial = int(l);
        if (!level && last_spatial >= 0 && b.at > last_spatial)
            throw UserError("the buffer of " + name + " is computed inside the PE array (below "
                            "unrolled loop " + m.loops[size_t(last_spatial)].name + "): a per-PE tile; "
                            "name its per-PE level with hw::level(" + name + ", \"RF\")");
        b.level = level ? *level : "GLB";
        b.single_buffered = lowered.env.count(name) && hw::single_buffered_tag(lowered.env.at(name));
        m.buffers.push_back(b);
    }
    // The output's tiles named by hw::accumulator, one per level, outermost first after the
    // accumulator's own buffer (ir::analyze reads a tensor's buffers in that order).
    std::vector<ir::Buffer> accumulators;
    for (const auto &accumulator : hw::accumulator_tags(acc)) {
        int at = -1;
        for (size_t l = 0; l < m.loops.size(); ++l)
            if (last_component(m.loops[l].name) == accumulator.loop) at = int(l) + 1;
        if (at < 0) {
            // Halide drops a loop of extent 1: the file then starts at the outermost loop that
            // the named one would have enclosed (the update's dims list innermost first).
            const auto &dims = acc.update(0).schedule().dims();
            auto named = std::find_if(dims.begin(), dims.end(), [&](const Dim &d) {
                return last_component(d.var) == accumulator.loop;
            });
            if (named != dims.end()) {
                at = int(m.loops.size());
                for (auto d = dims.begin(); d != named; ++d)
                    for (size_t l = 0; l < m.loops.size(); ++l)
                        if (last_component(m.loops[l].name) == last_component(d->var)) at = std::min(at, int(l));
            }
        }
        if (at < 0)
            throw UserError("hw::accumulator names loop " + accumulator.loop + ", which is not a "
                            "loop of " + acc.name() + "'s update (or has extent 1); name a loop "
                            "below the unrolled loops");
        ir::Buffer b;
        b.tensor = "O";
        b.level = accumulator.level;
        b.at = at;
        // The accumulator has no Realize of its own: its box is the one Halide would give. Below
        // the unrolled loops it is each PE's file (without them); above them, a shared tile that
        // holds every PE's partial sums (the inner of two shared levels).
        int last_spatial = -1;
        for (size_t l = 0; l < m.loops.size(); ++l)
            if (m.loops[l].kind != ir::LoopKind::Temporal) last_spatial = int(l);
        b.box = ir::tile_box(problem, problem.tensor(ir::TensorRole::Output), m, at, at > last_spatial);
        accumulators.push_back(b);
    }
    std::stable_sort(accumulators.begin(), accumulators.end(),
                     [](const ir::Buffer &a, const ir::Buffer &b) { return a.at < b.at; });
    m.buffers.insert(m.buffers.end(), accumulators.begin(), accumulators.end());
    return m;
}

}  // namespace tessera
