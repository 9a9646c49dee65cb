// A user's own layer generator, built as a plugin: a GEMM with its hardware schedule in
// schedule(), written with Halide and tessera::hw only. `tessera lower --plugin` loads it.
#include "HardwareSchedule.h"

#include <Halide.h>

using namespace Halide;
namespace hw = tessera::hw;

class UserGemm : public Generator<UserGemm> {
public:
    GeneratorParam<int> M{"M", 24}, N{"N", 20}, K{"K", 36};
    Input<Buffer<int8_t>> a{"a", 2};  // a(k, m)
    Input<Buffer<int8_t>> b{"b", 2};  // b(n, k)
    Output<Buffer<int32_t>> out{"out", 2};

    Var n{"n"}, m{"m"};
    RVar k{"k"};
    Func lhs{"lhs"}, rhs{"rhs"}, acc{"acc"};

    void generate() {
        a.dim(0).set_bounds(0, K).dim(1).set_bounds(0, M);
        b.dim(0).set_bounds(0, N).dim(1).set_bounds(0, K);
        Var i("i"), j("j");
        lhs(i, j) = a(i, j);
        rhs(i, j) = b(i, j);
        RDom rk(Internal::ReductionDomain({{"k", 0, int(K)}}));
        k = rk[0];
        acc(n, m) = 0;
        acc(n, m) += cast<int32_t>(lhs(k, m)) * cast<int32_t>(rhs(n, k));
        out(n, m) = acc(n, m);
        out.bound(n, 0, N).bound(m, 0, M);
    }

    void schedule() {
        Var mt("mt"), ml("ml"), nt("nt"), nl("nl");
        acc.compute_root();
        acc.update().split(m, mt, ml, 8).split(n, nt, nl, 8).reorder(ml, nl, k, nt, mt).unroll(ml).unroll(nl);
        hw::array(acc, ml, nl);
        lhs.in(acc).compute_root();
        rhs.in(acc).compute_root();
    }
};

HALIDE_REGISTER_GENERATOR(UserGemm, user_gemm)
