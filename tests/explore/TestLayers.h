// Layers and their problems for the explore tests (built through the real front end).
#pragma once

#include "Lower.h"

namespace tessera::test {

// The problem of a layer: one preset lowering with room for any tile (only the problem is used).
inline ir::Problem problem_of(const ir::LayerSpec &l) {
    ScheduleRequest req;
    req.rows = 1, req.cols = 4;
    req.spatial = "K";
    req.buffer_bytes = 1 << 20;
    return lower_to_ir(l, req).problem;
}

inline ir::LayerSpec conv(int64_t C, int64_t K, int64_t H, int64_t W, int64_t R, int64_t S, int64_t stride = 1) {
    ir::LayerSpec l;
    l.type = "conv";
    l.C = C, l.K = K, l.H = H, l.W = W, l.R = R, l.S = S, l.stride = stride;
    return l;
}

inline ir::LayerSpec fc(int64_t N, int64_t C, int64_t K) {
    ir::LayerSpec l;
    l.type = "fc";
    l.N = N, l.C = C, l.K = K;
    return l;
}

}  // namespace tessera::test
