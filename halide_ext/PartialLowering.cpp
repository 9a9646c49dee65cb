#include "PartialLowering.h"

namespace tessera {

using namespace Halide;
using namespace Halide::Internal;

namespace {

void guard_tails(Function &f) {
    auto guard = [](std::vector<Split> &splits) {
        for (Split &s : splits)
            if (s.is_split()) s.tail = TailStrategy::GuardWithIf;
    };
    guard(f.definition().schedule().splits());
    for (size_t i = 0; i < f.updates().size(); ++i) guard(f.update(int(i)).schedule().splits());
}

}  // namespace

PartiallyLowered lower_partially(const Func &output) {
    // Mirrors the start of Halide 14's lower() (src/Lower.cpp).
    std::vector<Function> outputs;
    std::map<std::string, Function> env;
    std::tie(outputs, env) = deep_copy({output.function()}, build_environment({output.function()}));
    const Target target = get_host_target()
                              .without_feature(Target::AVX512_SapphireRapids)
                              .with_feature(Target::NoAsserts)
                              .with_feature(Target::NoBoundsQuery)
                              .with_feature(Target::NoRuntime);
    for (Function &f : outputs) Func(f).compute_root().store_root();
    for (auto &entry : env) {
        guard_tails(entry.second);
        entry.second.lock_loop_levels();
    }
    env = wrap_func_calls(env);
    std::vector<std::string> order;
    std::vector<std::vector<std::string>> fused_groups;
    std::tie(order, fused_groups) = realization_order(outputs, env);
    bool any_memoized = false;
    Stmt s = schedule_functions(outputs, fused_groups, env, target, any_memoized);
    FuncValueBounds func_bounds = compute_function_value_bounds(order, env);
    s = bounds_inference(s, outputs, order, fused_groups, env, func_bounds, target);
    s = sliding_window(s, env);
    s = uniquify_variable_names(s);
    s = simplify(s, false);
    s = allocation_bounds_inference(s, env, func_bounds);
    s = remove_undef(s);
    s = simplify(s);
    return {s, env};
}

}  // namespace tessera
