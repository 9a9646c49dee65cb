#include "Affine.h"

namespace tessera {

using namespace Halide;
using namespace Halide::Internal;

namespace {

using Terms = std::map<std::string, int64_t>;

void add_scaled(Terms &into, const Terms &from, int64_t scale) {
    for (const auto &[v, c] : from) into[v] += c * scale;
}

std::optional<int64_t> constant_of(const Terms &t) {
    for (const auto &[v, c] : t)
        if (!v.empty() && c != 0) return std::nullopt;
    auto it = t.find("");
    return it == t.end() ? 0 : it->second;
}

std::optional<Terms> terms_of(const Expr &e) {
    if (const auto *imm = e.as<IntImm>()) return Terms{{"", imm->value}};
    if (const auto *imm = e.as<UIntImm>()) return Terms{{"", int64_t(imm->value)}};
    if (const auto *v = e.as<Variable>()) return Terms{{v->name, 1}};
    if (const auto *c = e.as<Cast>()) {
        if (!c->type.is_int() && !c->type.is_uint()) return std::nullopt;
        return terms_of(c->value);
    }
    if (const auto *a = e.as<Add>()) {
        auto l = terms_of(a->a), r = terms_of(a->b);
        if (!l || !r) return std::nullopt;
        add_scaled(*l, *r, 1);
        return l;
    }
    if (const auto *s = e.as<Sub>()) {
        auto l = terms_of(s->a), r = terms_of(s->b);
        if (!l || !r) return std::nullopt;
        add_scaled(*l, *r, -1);
        return l;
    }
    if (const auto *m = e.as<Mul>()) {
        auto l = terms_of(m->a), r = terms_of(m->b);
        if (!l || !r) return std::nullopt;
        if (auto k = constant_of(*r)) {
            Terms out;
            add_scaled(out, *l, *k);
            return out;
        }
        if (auto k = constant_of(*l)) {
            Terms out;
            add_scaled(out, *r, *k);
            return out;
        }
        return std::nullopt;
    }
    if (const auto *c = e.as<Call>()) {
        // promise_clamped(x, ...) and likely(x) are x as far as the index is concerned.
        if ((c->is_intrinsic(Call::promise_clamped) || c->is_intrinsic(Call::likely) ||
             c->is_intrinsic(Call::likely_if_innermost)) &&
            !c->args.empty())
            return terms_of(c->args[0]);
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::map<std::string, int64_t>> linear_terms(const Expr &e) {
    auto t = terms_of(e);
    if (!t) return std::nullopt;
    Terms clean;
    for (const auto &[v, c] : *t)
        if (c != 0) clean[v] = c;
    return clean;
}

ir::AffineExpr to_affine(const std::map<std::string, int64_t> &terms) {
    ir::AffineExpr e;
    for (const auto &[v, c] : terms) {
        if (v.empty()) e.offset = c;
        else if (c != 0) e.terms.emplace_back(v, c);
    }
    return e;
}

}  // namespace tessera
