// The model's closed forms against a literal execution of docs/hardware.md (ReferenceExecution)
// on many small random mappings: random layer shapes, splits with tails, loop orders, spatial
// loops and buffer positions. Every count must agree exactly.
#include "IrBuilder.h"
#include "ReferenceExecution.h"
#include "model/Model.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

using namespace tessera;
using namespace tessera::model;
using namespace tessera::model::test;

namespace {

struct RandomMapping {
    std::mt19937 rng;
    explicit RandomMapping(unsigned seed) : rng(seed) {}
    int64_t pick(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); }

    ir::LayerSpec layer() { return random_small_layer(rng); }

    // Split each dim into one or two loops (inner factor need not divide: tails), shuffle, mark up
    // to two loops spatial, then place buffers where ir::analyze accepts them.
    ir::AcceleratorIR mapping(const ir::LayerSpec &l) {
        auto probe = conv_ir(l, {}, {});
        std::vector<L> loops;
        for (const auto &d : probe.problem.dims) {
            int64_t inner = pick(1, d.extent + 1);
            if (inner >= d.extent || pick(0, 1)) {
                loops.push_back({d.name, d.extent});
            } else {
                loops.push_back({d.name, (d.extent + inner - 1) / inner});
                loops.push_back({d.name, inner});
            }
        }
        std::shuffle(loops.begin(), loops.end(), rng);
        int spatial = int(pick(0, 2));
        std::vector<size_t> candidates(loops.size());
        for (size_t i = 0; i < loops.size(); ++i) candidates[i] = i;
        std::shuffle(candidates.begin(), candidates.end(), rng);
        for (int s = 0; s < spatial && s < int(candidates.size()); ++s)
            loops[candidates[s]].kind = s == 0 ? ir::LoopKind::SpatialRow : ir::LoopKind::SpatialCol;
        int first_spatial = int(loops.size()), first_reduction = int(loops.size());
        for (int i = int(loops.size()) - 1; i >= 0; --i) {
            if (loops[i].kind != ir::LoopKind::Temporal) first_spatial = i;
            bool reduction = probe.problem.dim(loops[i].dim).reduction;
            if (reduction && loops[i].extent > 1) first_reduction = i;
        }
        At at;
        at.I = int(pick(0, first_spatial));
        at.W = int(pick(0, first_spatial));
        at.O = int(pick(0, std::min(first_spatial, first_reduction)));
        return conv_ir(l, loops, at);
    }
};

void check_agrees(const ir::AcceleratorIR &ir) {
    const Events ref = execute(ir);
    Model model(ir, round_architecture());
    const Estimate &e = model.evaluate();
    auto access = [&](Operand o, Place p) { return e.tensor(o).at[int(p)]; };
    CHECK(e.macs == ref.macs);
    for (Operand o : {Operand::I, Operand::W}) {
        const OperandEvents &r = o == Operand::I ? ref.I : ref.W;
        INFO("operand " << operand_name(o));
        CHECK(access(o, Place::DRAM).reads == r.dram_reads);
        CHECK(access(o, Place::Buffer).fills == r.glb_writes);
        CHECK(access(o, Place::Buffer).reads == r.glb_reads);
        CHECK(access(o, Place::RF).fills == r.rf_writes);
        CHECK(access(o, Place::RF).reads == r.rf_reads);
        CHECK(e.tensor(o).array.hops == r.hops);
    }
    CHECK(access(Operand::O, Place::Buffer).updates == ref.O.glb_writes);
    CHECK(access(Operand::O, Place::Buffer).reads == ref.O.psum_reads);
    CHECK(access(Operand::O, Place::Buffer).drains == ref.O.drain_reads);
    CHECK(access(Operand::O, Place::DRAM).updates == ref.O.dram_writes);
    CHECK(access(Operand::O, Place::RF).reads == ref.O.rf_reads);
    CHECK(access(Operand::O, Place::RF).updates == ref.O.rf_writes);
    CHECK(e.tensor(Operand::O).array.reductions == ref.O.reductions);
    CHECK(e.cycles.runs == ref.fill_points);
}

}  // namespace

TEST_CASE("model counts equal a literal execution of the hardware contract", "[model][reference]") {
    RandomMapping random(12345);
    int checked = 0;
    for (int i = 0; i < 400; ++i) {
        ir::LayerSpec l = random.layer();
        ir::AcceleratorIR ir = random.mapping(l);
        INFO("case " << i << " layer " << l.type << " C" << l.C << " K" << l.K << " H" << l.H
                     << " W" << l.W << " R" << l.R << " S" << l.S << " stride " << l.stride
                     << " pad " << l.pad);
        check_agrees(ir);
        ++checked;
    }
    CHECK(checked == 400);
}

TEST_CASE("a loop moving two coordinates falls back to enumerating tiles", "[model][reference]") {
    // I(x + s) with x and s fused into one loop is not expressible; instead a tensor whose index
    // mixes two dims in two coordinates: I(m + k, m) for a GEMM-like problem.
    auto ir = gemm_ir(5, 3, 4, {{"m", 3}, {"k", 2}, col("n", 3), {"m", 2}, {"k", 2}}, {2, 2, 1});
    auto &I = ir.problem.tensors[0];
    I.index[0].terms = {{"k", 1}, {"m", 1}};
    I.shape = {7, 5};
    for (auto &b : ir.mapping.buffers)
        if (b.tensor == "I") b.box = {1 + 1 * 1 + 1 * 1, 2};  // k_i 2 + m_i 2 -> 3, m_i 2
    check_agrees(ir);
}
