#include "FusedSupport.h"

#include "FusedLower.h"
#include "Networks.h"
#include "rtl_backend/FusedDesign.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace tessera::test {

namespace {

ScheduleRequest os_preset() {
    ScheduleRequest r;
    r.dataflow = "os";
    return r;
}

}  // namespace

void quantize(std::vector<ir::LayerSpec> &chain, uint64_t seed, bool per_channel) {
    std::mt19937_64 rng(seed);
    auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    // Zero points near the middle of each type's range, as calibrated models have them.
    auto zero_point = [&](int64_t is_unsigned) { return is_unsigned ? pick(100, 155) : pick(-28, 27); };
    int64_t x_uint8 = pick(0, 1), x_zero = zero_point(x_uint8);
    double x_spread = 74;  // standard deviation of a uniformly random byte (layer 0's input)
    for (auto &l : chain) {
        l.x_uint8 = x_uint8, l.x_zero_point = x_zero;
        l.w_uint8 = pick(0, 1);
        l.w_zero_point = zero_point(l.w_uint8);
        l.round_even = pick(0, 1);
        l.y_uint8 = pick(0, 1);
        l.y_zero_point = l.y_uint8 ? pick(118, 138) : pick(-10, 10);
        // Scale the accumulator's spread (terms x x spread x weight spread, and the bias) to about
        // +-40 around the output zero point, so outputs vary and only the tails saturate.
        const double terms = double(l.C / l.groups * l.R * l.S);
        const double acc_spread = std::sqrt(terms * x_spread * x_spread * 78.0 * 78.0 + (l.bias ? 19000.0 * 19000.0 : 0.0));
        l.multiplier = pick(int64_t(1) << 29, (int64_t(1) << 30) - 1);
        l.requant_shift = int(std::lround(std::log2(double(l.multiplier) * acc_spread / 40.0)));
        if (per_channel && pick(0, 1)) {  // ONNX per-axis scales: a multiplier (< 2^26) and shift per channel
            l.bias = true;  // the table rides with the bias
            l.channel_multiplier.clear(), l.channel_shift.clear();
            for (int64_t k = 0; k < l.K; ++k) {
                const int64_t m = pick(int64_t(1) << 24, (int64_t(1) << 26) - 1);
                l.channel_multiplier.push_back(m);
                l.channel_shift.push_back(std::lround(std::log2(double(m) * acc_spread / pick(20, 60))));
            }
        }
        x_uint8 = l.y_uint8, x_zero = l.y_zero_point;  // the next layer reads this layer's output
        x_spread = 40;
    }
}

ir::FusedGroup example_group(const std::string &file, size_t first, size_t last, int64_t tile_h, int64_t tile_w,
                             ir::Overlap overlap, bool residual, int64_t images, uint64_t quantize_seed) {
    auto net = load_network(std::string(TESSERA_SOURCE_DIR) + "/examples/networks/" + file);
    for (auto &l : net) l.N = images;
    if (quantize_seed) quantize(net, quantize_seed);
    return lower_group(net, first, last, tile_h, tile_w, overlap, residual, 1, os_preset(), "GLB");
}

ir::FusedGroup random_group(uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    const size_t L = size_t(pick(2, 3));
    std::vector<ir::LayerSpec> layers;
    int64_t C = pick(1, 6), H = pick(5, 12), W = pick(5, 12);
    const int64_t images = pick(0, 3) == 0 ? 2 : 1;  // a batch now and then
    for (size_t l = 0; l < L; ++l) {
        ir::LayerSpec s;
        s.name = "L" + std::to_string(l);
        s.N = images;
        const int64_t kernel = std::vector<int64_t>{1, 3, 3, 5}[size_t(pick(0, 3))];
        s.R = s.S = kernel;
        s.pad = kernel / 2;
        s.stride = pick(0, 5) == 0 ? 2 : 1;
        s.C = C, s.H = H, s.W = W;
        if (pick(0, 3) == 0) {
            s.type = "dwconv";
            s.K = C, s.groups = C;
        } else if (C % 2 == 0 && pick(0, 3) == 0) {
            s.type = "conv";  // a grouped conv: two groups
            s.groups = 2, s.K = 2 * pick(1, 5);
        } else {
            s.type = "conv";
            s.K = pick(1, 10);
        }
        s.relu = pick(0, 1);
        s.bias = pick(0, 3) != 0;
        if (s.out_h() < 1 || s.out_w() < 1) s.stride = 1;
        layers.push_back(s);
        C = s.K, H = s.out_h(), W = s.out_w();
    }
    const auto &last = layers.back();
    const bool residual = last.K == layers[0].C && last.out_h() == layers[0].H && last.out_w() == layers[0].W &&
                          pick(0, 1) == 1;
    if (!residual && pick(0, 2) == 0) quantize(layers, seed + 1);  // zero points and requantization
    const ir::Overlap mode = std::vector<ir::Overlap>{ir::Overlap::Recompute, ir::Overlap::CacheH,
                                                      ir::Overlap::CacheHV}[size_t(pick(0, 2))];
    // A network of these rows, so the group lowers as the CLI lowers it.
    return lower_group(layers, 0, L - 1, pick(1, last.out_h()), pick(1, last.out_w()), mode, residual, 1,
                       os_preset(), "GLB");
}

std::vector<vsim::FusedOutcome> run_groups(std::vector<ir::FusedGroup> groups, const std::vector<ir::Architecture> &archs,
                                           uint64_t seed, const std::map<std::string, vsim::GivenTensors> &given) {
    const int lanes = 4;
    auto arch_of = [&](size_t i) -> const ir::Architecture & { return archs.size() > i ? archs[i] : archs.front(); };
    std::vector<rtl::FusedConfig> configs;
    for (size_t i = 0; i < groups.size(); ++i) {
        vsim::fused_model(groups[i], arch_of(i));  // sets weights_level, as compile does
        configs.push_back(rtl::fused_config(groups[i], lanes));
    }
    rtl::FusedDesignSpec spec = rtl::fused_design_spec(groups, configs, lanes, int(archs.front().dram_latency_cycles));
    spec.max_layers = std::max(spec.max_layers, 3);
    spec.act_words = std::max<int64_t>(spec.act_words, 16384);
    spec.win_words = std::max<int64_t>(spec.win_words, 4096);
    spec.weight_words = std::max<int64_t>(spec.weight_words, 8192);
    spec.bias_words = std::max<int64_t>(spec.bias_words, 256);
    spec.table_y = std::max<int64_t>(spec.table_y, 256);
    spec.table_x = std::max<int64_t>(spec.table_x, 256);
    vsim::BuildOptions build;
    build.cycles_ahead = vsim::modelled_fused_cycles(spec, groups, archs.front());
    const vsim::VerilatedDesign v = vsim::VerilatedDesign::build(rtl::generate_fused_rtl(spec), build);
    std::vector<vsim::FusedOutcome> out;
    vsim::FusedSimOptions o;
    o.seed = seed;
    o.given = given;
    for (size_t i = 0; i < groups.size(); ++i)
        out.push_back(vsim::simulate_fused(v, spec, groups[i], configs[i], arch_of(i), o));
    return out;
}

}  // namespace tessera::test
