// The fused-group model (sim/model/FusionModel) against a literal walk of the fused loop nest,
// element by element with sets of computed positions, and against hand-derived closed forms.
#include "UserError.h"
#include "ir/FusedGeometry.h"
#include "ir/FusedJson.h"
#include "model/FusionModel.h"
#include "model/LevelEnergy.h"

#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <sstream>

using namespace tessera;

namespace {

struct WalkLayer {
    int64_t macs = 0, outputs = 0, input_reads = 0, cached_reads = 0;
};
struct Walk {
    std::vector<WalkLayer> layers;
    int64_t dram_input_reads = 0, dram_output_writes = 0;
};

using Points = std::set<std::pair<int64_t, int64_t>>;  // (y, x)

// The fused loop nest executed literally: for every tile (rows outer, columns inner) the needed
// positions of every tensor from the output tile back through each window; what is computed is
// what is needed and not kept (recompute: nothing is kept; cache-h: what this tile row computed;
// cache-hv: everything computed so far). Every set a window reads is a box, as Halide's bounds.
Walk walk(const std::vector<ir::LayerSpec> &layers, int64_t th, int64_t tw, ir::Overlap mode) {
    const size_t L = layers.size();
    std::vector<int64_t> H(L + 1), W(L + 1), C(L + 1);
    H[0] = layers[0].H, W[0] = layers[0].W, C[0] = layers[0].C;
    for (size_t l = 0; l < L; ++l) H[l + 1] = layers[l].out_h(), W[l + 1] = layers[l].out_w(), C[l + 1] = layers[l].K;
    Walk w;
    w.layers.resize(L);
    std::vector<Points> kept(L + 1);
    auto window = [&](size_t l, const Points &out) {
        const ir::LayerSpec &s = layers[l];
        Points in;
        for (auto [y, x] : out)
            for (int64_t r = 0; r < s.R; ++r)
                for (int64_t q = 0; q < s.S; ++q) {
                    const int64_t iy = y * s.stride_y() + r * s.dilation_y() - s.pad_y0();
                    const int64_t ix = x * s.stride_x() + q * s.dilation_x() - s.pad_x0();
                    if (iy >= 0 && iy < H[l] && ix >= 0 && ix < W[l]) in.insert({iy, ix});
                }
        // Halide computes (and a DMA moves) the bounding box of what is read: with a stride
        // larger than the kernel the rows in between are inside it too.
        if (in.empty()) return in;
        int64_t y0 = H[l], y1 = -1, x0 = W[l], x1 = -1;
        for (auto [y, x] : in) y0 = std::min(y0, y), y1 = std::max(y1, y), x0 = std::min(x0, x), x1 = std::max(x1, x);
        Points box;
        for (int64_t y = y0; y <= y1; ++y)
            for (int64_t x = x0; x <= x1; ++x) box.insert({y, x});
        return box;
    };
    // Each image of a batch walks the whole tile grid (n outermost); no position of one image is
    // another's, so what is kept starts empty per image.
    for (int64_t image = 0; image < layers[0].N; ++image)
    for (int64_t yo = 0; yo * th < H[L]; ++yo) {
        if (mode != ir::Overlap::CacheHV || yo == 0)
            for (auto &k : kept) k.clear();
        for (int64_t xo = 0; xo * tw < W[L]; ++xo) {
            if (mode == ir::Overlap::Recompute)
                for (auto &k : kept) k.clear();
            std::vector<Points> needed(L + 1), fresh(L + 1);
            for (int64_t y = yo * th; y < std::min(H[L], (yo + 1) * th); ++y)
                for (int64_t x = xo * tw; x < std::min(W[L], (xo + 1) * tw); ++x) needed[L].insert({y, x});
            for (size_t l = L; l-- > 0;) needed[l] = window(l, needed[l + 1]);
            for (size_t t = 0; t <= L; ++t)
                for (auto p : needed[t])
                    if (!kept[t].count(p)) fresh[t].insert(p);
            for (size_t l = 0; l < L; ++l) {
                const ir::LayerSpec &s = layers[l];
                const Points read = window(l, fresh[l + 1]);
                int64_t cached = 0;
                for (auto p : read) cached += fresh[l].count(p) ? 0 : 1;
                WalkLayer &c = w.layers[l];
                c.outputs += int64_t(fresh[l + 1].size()) * s.K;
                c.macs += int64_t(fresh[l + 1].size()) * s.K * (s.C / s.groups) * s.R * s.S;
                c.input_reads += int64_t(read.size()) * s.C;
                c.cached_reads += cached * s.C;
            }
            w.dram_input_reads += int64_t(fresh[0].size()) * C[0];
            w.dram_output_writes += int64_t(fresh[L].size()) * C[L];
            for (size_t t = 0; t <= L; ++t) kept[t].insert(fresh[t].begin(), fresh[t].end());
        }
    }
    return w;
}

model::FusedEstimate estimate(const std::vector<ir::LayerSpec> &layers, int64_t th, int64_t tw, ir::Overlap mode) {
    ir::FusedGroup g;
    g.layers = layers;
    g.tile_h = th, g.tile_w = tw, g.overlap = mode;
    ir::place_group(g, "GLB");
    ir::Architecture arch = ir::default_architecture();
    arch.levels[1].size_bytes = 0;  // the walk has no capacity: unbounded
    return model::evaluate_group(g, std::vector<model::LayerCost>(layers.size()), arch);
}

void require_equal(const model::FusedEstimate &e, const Walk &w) {
    for (size_t l = 0; l < w.layers.size(); ++l) {
        INFO("layer " << l);
        REQUIRE(e.layers[l].macs == w.layers[l].macs);
        REQUIRE(e.layers[l].outputs == w.layers[l].outputs);
        REQUIRE(e.layers[l].onchip_input_reads == w.layers[l].input_reads);
        REQUIRE(e.layers[l].cached_reads == w.layers[l].cached_reads);
    }
    REQUIRE(e.layers.front().dram_input_reads == w.dram_input_reads);
    REQUIRE(e.layers.back().dram_output_writes == w.dram_output_writes);
}

ir::LayerSpec conv(const std::string &name, int64_t C, int64_t K, int64_t H, int64_t W, int64_t R, int64_t stride, int64_t pad) {
    ir::LayerSpec l;
    l.name = name, l.C = C, l.K = K, l.H = H, l.W = W, l.R = l.S = R, l.stride = stride, l.pad = pad;
    return l;
}

const ir::Overlap kModes[] = {ir::Overlap::Recompute, ir::Overlap::CacheH, ir::Overlap::CacheHV};

}  // namespace

TEST_CASE("two 3x3 layers: every overlap mode equals the reference walk", "[fusion]") {
    const std::vector<ir::LayerSpec> chain = {conv("a", 2, 3, 8, 8, 3, 1, 1), conv("b", 3, 4, 8, 8, 3, 1, 1)};
    for (ir::Overlap mode : kModes)
        for (auto [th, tw] : std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {2, 2}, {4, 4}, {3, 5}, {8, 8}, {8, 2}}) {
            INFO(ir::to_string(mode) << " tile " << th << "x" << tw);
            require_equal(estimate(chain, th, tw, mode), walk(chain, th, tw, mode));
        }
}

TEST_CASE("two 3x3 layers: hand-derived closed forms", "[fusion]") {
    // n x n, pad 1, tile T dividing n (m = n / T tiles per axis): along an axis the middle tensor's
    // rows needed sum to n + 2(m - 1) (one halo row each side of every inner tile boundary), the
    // input's to n + 4(m - 1). Recompute pays both axes, cache-h the rows only, cache-hv neither.
    const int64_t n = 8, C0 = 2, K0 = 3, K1 = 4;
    const std::vector<ir::LayerSpec> chain = {conv("a", C0, K0, n, n, 3, 1, 1), conv("b", K0, K1, n, n, 3, 1, 1)};
    struct Case {
        int64_t T;
        ir::Overlap mode;
    };
    for (Case c : {Case{4, ir::Overlap::Recompute}, Case{2, ir::Overlap::CacheH}, Case{4, ir::Overlap::CacheHV},
                   Case{2, ir::Overlap::Recompute}}) {
        const int64_t m = n / c.T, mid = n + 2 * (m - 1), in = n + 4 * (m - 1);
        int64_t mid_area = n * n, in_area = n * n;
        if (c.mode == ir::Overlap::Recompute) mid_area = mid * mid, in_area = in * in;
        if (c.mode == ir::Overlap::CacheH) mid_area = mid * n, in_area = in * n;
        INFO(ir::to_string(c.mode) << " T=" << c.T);
        const model::FusedEstimate e = estimate(chain, c.T, c.T, c.mode);
        REQUIRE(e.layers[0].macs == K0 * C0 * 9 * mid_area);
        REQUIRE(e.layers[0].recompute_macs == K0 * C0 * 9 * (mid_area - n * n));
        REQUIRE(e.layers[1].macs == K1 * K0 * 9 * n * n);
        REQUIRE(e.layers[0].dram_input_reads == C0 * in_area);
        REQUIRE(e.layers[1].dram_output_writes == K1 * n * n);
        REQUIRE(e.tiles == m * m);
    }
    // The closed form's numbers written out for T = 4, recompute: rows 5 + 5 of the middle tensor.
    REQUIRE(estimate(chain, 4, 4, ir::Overlap::Recompute).layers[0].macs == 3 * 2 * 9 * 100);
}

TEST_CASE("random chains (strides, kernels, tails, padding, groups, batches): model equals the walk", "[fusion]") {
    std::mt19937 rng(2026);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    for (int trial = 0; trial < 200; ++trial) {
        std::vector<ir::LayerSpec> chain;
        int64_t H = pick(5, 13), W = pick(5, 13), C = pick(1, 3) * 2;
        const int64_t N = pick(0, 3) == 0 ? 2 : 1;
        const int depth = pick(1, 4);
        for (int l = 0; l < depth; ++l) {
            const int64_t R = std::vector<int64_t>{1, 3, 5}[size_t(pick(0, 2))];
            const int64_t stride = pick(0, 4) == 0 ? 2 : 1, pad = pick(0, int(R / 2));
            ir::LayerSpec s = conv("l" + std::to_string(l), C, pick(1, 3) * 2, H, W, R, stride, pad);
            s.N = N;
            if (pick(0, 3) == 0) s.groups = 2;  // grouped: C and K are even
            if (s.out_h() < 1 || s.out_w() < 1) break;
            chain.push_back(s);
            H = s.out_h(), W = s.out_w(), C = s.K;
        }
        if (chain.empty()) continue;
        const ir::Overlap mode = kModes[pick(0, 2)];
        const int64_t th = pick(1, int(H)), tw = pick(1, int(W));
        std::ostringstream shape;
        for (const auto &l : chain)
            shape << " [N" << l.N << " C" << l.C << " K" << l.K << " g" << l.groups << " " << l.H << "x" << l.W << " R" << l.R
                  << " s" << l.stride << " p" << l.pad << "]";
        INFO("trial " << trial << " " << ir::to_string(mode) << " tile " << th << "x" << tw << shape.str());
        require_equal(estimate(chain, th, tw, mode), walk(chain, th, tw, mode));
    }
}

TEST_CASE("tile types: a large image costs its few classes", "[fusion]") {
    const std::vector<ir::LayerSpec> chain = {conv("a", 1, 8, 540, 960, 3, 1, 1), conv("b", 8, 8, 540, 960, 3, 1, 1)};
    const model::FusedEstimate e = estimate(chain, 16, 16, ir::Overlap::CacheH);
    REQUIRE(e.tiles == 34 * 60);
    REQUIRE(e.tile_types <= 9);
    REQUIRE(e.layers[1].macs == chain[1].macs());
}

TEST_CASE("a tile that does not fit is a one-line error, weights re-fetched when they do not stay", "[fusion]") {
    const std::vector<ir::LayerSpec> chain = {conv("a", 64, 64, 56, 56, 3, 1, 1), conv("b", 64, 64, 56, 56, 3, 1, 1)};
    ir::FusedGroup g;
    g.layers = chain;
    g.tile_h = g.tile_w = 56;
    ir::place_group(g, "GLB");
    const ir::Architecture arch = ir::default_architecture();
    REQUIRE_THROWS_WITH(model::evaluate_group(g, std::vector<model::LayerCost>(2), arch),
                        Catch::Contains("does not fit GLB") && Catch::Contains("use a smaller --tile"));
    g.tile_h = g.tile_w = 8;
    ir::place_group(g, "GLB");
    ir::Architecture small = arch;
    small.levels[1].size_bytes = 40 * 1024;  // buffers fit, 2 x 37 KB of weights do not
    const model::FusedEstimate e = model::evaluate_group(g, std::vector<model::LayerCost>(2), small);
    REQUIRE_FALSE(e.weights_resident);
    REQUIRE(g.weights_level == "DRAM");
    REQUIRE(e.layers[0].dram_weight_reads == (64 * 64 * 9 + 4 * 64) * e.tiles);
}

TEST_CASE("fused group IR: JSON round trip and one-line chain errors", "[fusion]") {
    ir::FusedGroup g;
    g.layers = {conv("a", 2, 3, 8, 8, 3, 1, 1), conv("b", 3, 2, 8, 8, 3, 1, 1)};
    g.residual = true;
    g.tile_h = 4, g.tile_w = 8, g.overlap = ir::Overlap::CacheHV, g.cores = 2;
    ir::place_group(g, "GLB");
    REQUIRE(g.intermediates.size() == 1);
    REQUIRE(g.intermediates[0].store_at == "root");
    REQUIRE(g.schedule.find("L0.store_root().compute_at(L1, xo)") != std::string::npos);
    REQUIRE(ir::fused_group_from_json(ir::to_json(g)) == g);
    ir::FusedGroup bad = g;
    bad.layers[1].C = 5;
    REQUIRE_THROWS_WITH(ir::place_group(bad, "GLB"), Catch::Contains("not consecutive"));
    bad = g;
    bad.layers[1].K = 7;
    REQUIRE_THROWS_WITH(ir::place_group(bad, "GLB"), Catch::Contains("--residual"));
}

TEST_CASE("fused group: the residual add's reads are priced at the activation level", "[fusion]") {
    // Two 3x3 convs K = C: with the residual add, the last layer re-reads one GLB word per output
    // element, and only that changes the energy.
    ir::FusedGroup g;
    g.layers = {conv("a", 8, 8, 16, 16, 3, 1, 1), conv("b", 8, 8, 16, 16, 3, 1, 1)};
    g.tile_h = g.tile_w = 8;
    g.overlap = ir::Overlap::CacheH;
    ir::place_group(g, "GLB");
    const ir::Architecture a = ir::default_architecture();
    const model::FusedEstimate plain = model::evaluate_group(g, std::vector<model::LayerCost>(2), a);
    g.residual = true;
    ir::place_group(g, "GLB");
    const model::FusedEstimate skip = model::evaluate_group(g, std::vector<model::LayerCost>(2), a);
    REQUIRE(skip.layers[1].residual_reads == 8 * 16 * 16);
    const ir::MemoryLevel &glb = *a.level("GLB");
    const double per_word = 8.0 / double(glb.word_bits) * model::read_pj(glb);
    REQUIRE(per_word > 0);
    CHECK(skip.layers[1].energy_pj - plain.layers[1].energy_pj == Approx(per_word * 8 * 16 * 16));
    CHECK(skip.layers[0].energy_pj == plain.layers[0].energy_pj);
}

TEST_CASE("a batch runs the tile grid per image: counts scale by N, resident weights are fetched once", "[fusion]") {
    std::vector<ir::LayerSpec> one = {conv("a", 8, 16, 20, 20, 3, 1, 1), conv("b", 16, 16, 20, 20, 3, 1, 1)};
    one[1].groups = 4;  // a grouped conv in the chain
    std::vector<ir::LayerSpec> three = one;
    for (auto &l : three) l.N = 3;
    for (ir::Overlap mode : kModes) {
        INFO(ir::to_string(mode));
        const model::FusedEstimate e1 = estimate(one, 8, 6, mode), e3 = estimate(three, 8, 6, mode);
        REQUIRE(e3.tiles == 3 * e1.tiles);
        for (size_t l = 0; l < 2; ++l) {
            REQUIRE(e3.layers[l].macs == 3 * e1.layers[l].macs);
            REQUIRE(e3.layers[l].onchip_input_reads == 3 * e1.layers[l].onchip_input_reads);
            REQUIRE(e3.layers[l].cached_reads == 3 * e1.layers[l].cached_reads);
            REQUIRE(e3.layers[l].recompute_macs == 3 * e1.layers[l].recompute_macs);
            REQUIRE(e3.layers[l].dram_weight_reads == e1.layers[l].dram_weight_reads);  // resident
        }
        REQUIRE(e3.layers[1].macs >= three[1].macs());
        REQUIRE(e3.layers[1].macs == 3 * e1.layers[1].macs);
    }
    REQUIRE(estimate(three, 20, 20, ir::Overlap::Recompute).layers[1].macs == three[1].macs());
    REQUIRE(three[1].macs() == 3 * 16 * (16 / 4) * 9 * 400);
    // Images differ: a batch in a chain that changes N is not consecutive.
    three[1].N = 1;
    ir::FusedGroup bad;
    bad.layers = three;
    REQUIRE_THROWS_WITH(ir::place_group(bad, "GLB"), Catch::Contains("not consecutive") && Catch::Contains("N=3"));
}

TEST_CASE("fused group: words a mapping moves straight between DRAM and the PEs are priced at the activation level", "[fusion]") {
    // Layer a drains its outputs straight to DRAM and layer b reads its inputs straight from DRAM
    // (their mappings keep no GLB tile of them): fused, the intermediate goes through the GLB, so
    // the group pays a GLB write per word a's mapping drains and a GLB read per word b's reads.
    ir::FusedGroup g;
    g.layers = {conv("a", 8, 8, 16, 16, 3, 1, 1), conv("b", 8, 8, 16, 16, 3, 1, 1)};
    g.tile_h = g.tile_w = 16;  // one tile: nothing recomputed
    g.overlap = ir::Overlap::Recompute;
    ir::place_group(g, "GLB");
    const ir::Architecture arch = ir::default_architecture();
    const int glb = int(arch.level("GLB") - arch.levels.data());
    const int rf = int(arch.levels.size()) - 1;
    REQUIRE(arch.levels[size_t(rf)].name != "GLB");
    std::vector<model::LayerCost> kept(2), bypassed(2);
    for (auto &c : kept)
        for (auto &d : c.dram) d.fed_level = glb, d.reads = 1000, d.writes = 0;
    bypassed = kept;
    bypassed[0].dram[2] = {rf, 0, 2048, 8};  // a's outputs: 2,048 words drained to DRAM
    bypassed[1].dram[0] = {rf, 3000, 0, 8};  // b's inputs: 3,000 words read from DRAM
    const model::FusedEstimate base = model::evaluate_group(g, kept, arch);
    const model::FusedEstimate by = model::evaluate_group(g, bypassed, arch);
    const ir::MemoryLevel &level = arch.levels[size_t(glb)];
    const double word = double(level.words_per_element(8));
    CHECK(by.layers[0].energy_pj - base.layers[0].energy_pj == Approx(word * model::write_pj(level) * 2048));
    CHECK(by.layers[1].energy_pj - base.layers[1].energy_pj == Approx(word * model::read_pj(level) * 3000));
    // The group's own input, when the first layer's mapping reads it straight from DRAM, is also
    // written into the GLB once (the fills the group counts); its weights likewise.
    bypassed = kept;
    bypassed[0].dram[0] = {rf, 500, 0, 8};
    bypassed[0].dram[1] = {rf, 700, 0, 8};
    const model::FusedEstimate first = model::evaluate_group(g, bypassed, arch);
    const double expected = word * (model::read_pj(level) * (500 + 700) +
                                    model::write_pj(level) * double(first.layers[0].onchip_input_fills +
                                                                    first.layers[0].onchip_weight_fills));
    REQUIRE(first.layers[0].onchip_input_fills == 8 * 16 * 16);
    CHECK(first.layers[0].energy_pj - base.layers[0].energy_pj == Approx(expected));
    CHECK(first.layers[1].energy_pj == Approx(base.layers[1].energy_pj));
}
