// Hand-derived closed forms for the counting rules of docs/hardware.md, one mapping per test:
// GEMM and conv; output-, weight- and input-stationary; 2-level (buffer at 0: whole tensor loaded
// once) and 3-level (tiles refilled from DRAM) hierarchies; and a pair that differs only in loop
// order. Notation as in the doc: tiles(X), box(X), |X|, sf = stationary_from.
#include "IrBuilder.h"
#include "ir/Timing.h"
#include "model/Model.h"

#include <catch2/catch.hpp>

using namespace tessera;
using namespace tessera::model;
using namespace tessera::model::test;
using ir::LayerSpec;

namespace {

const LevelAccess &at(const Estimate &e, Operand o, Place p) { return e.tensor(o).at[int(p)]; }

void check_operand(const Estimate &e, Operand o, int64_t dram, int64_t fills, int64_t glb_reads,
                   int64_t fanout) {
    INFO("operand " << operand_name(o));
    CHECK(at(e, o, Place::DRAM).reads == dram);
    CHECK(at(e, o, Place::Buffer).fills == fills);
    CHECK(at(e, o, Place::Buffer).reads == glb_reads);
    CHECK(at(e, o, Place::RF).fills == glb_reads * fanout);
    CHECK(at(e, o, Place::RF).reads == e.macs);
    CHECK(e.tensor(o).array.fanout == fanout);
    CHECK(e.tensor(o).array.hops == glb_reads * (fanout - 1));
}

void check_output(const Estimate &e, int64_t size, int64_t blocks, int64_t fanout) {
    CHECK(at(e, Operand::O, Place::Buffer).updates == blocks);
    CHECK(at(e, Operand::O, Place::Buffer).reads == blocks - size);
    CHECK(at(e, Operand::O, Place::Buffer).drains == size);
    CHECK(at(e, Operand::O, Place::DRAM).updates == size);
    CHECK(at(e, Operand::O, Place::RF).reads == e.macs);
    CHECK(at(e, Operand::O, Place::RF).updates == e.macs);
    CHECK(e.tensor(Operand::O).array.fanout == fanout);
    CHECK(e.tensor(Operand::O).array.reductions == blocks * (fanout - 1));
}

// conv N=1 C=4 K=4 6x6 input, 3x3, stride 1, pad 1: P = Q = 6, macs = 4*4*36*9 = 5184,
// |I| (iteration space n c y x r s) = 4*36*9 = 1296, |W| = 144, |O| = 144.
LayerSpec small_conv() {
    LayerSpec l;
    l.name = "small";
    l.C = 4;
    l.K = 4;
    l.H = l.W = 6;
    l.R = l.S = 3;
    l.pad = 1;
    return l;
}

// The phase constants of the generated hardware (ir::Timing) and the round architecture's DRAM
// latency: start, DRAM latency, fill and drain overhead per transfer. Compute overheads (2 per
// run) are written into the compute figures below.
const int64_t kStart = ir::kTiming.start_overhead, kLatency = 4,
              kFill = ir::kTiming.fill_overhead, kDrain = ir::kTiming.drain_overhead;
static_assert(ir::kTiming.compute_overhead == 2, "the compute figures below assume 2 per run");

}  // namespace

TEST_CASE("GEMM output stationary, 2-level: every tensor loaded once", "[model][counts]") {
    // M=8 N=4 K=6; loops [m 2 | row m 4 | col n 4 | k 6], all buffers at 0.
    auto ir = gemm_ir(8, 4, 6, {{"m", 2}, row("m", 4), col("n", 4), {"k", 6}}, {0, 0, 0});
    Model model(ir, round_architecture());
    const Estimate &e = model.evaluate();
    CHECK(e.macs == 8 * 4 * 6);
    CHECK(e.temporal_iterations == 2 * 6);
    // I(k, m): DRAM = |I| = M*K; sf = end (k innermost); groups = rows -> fanout = cols = 4.
    check_operand(e, Operand::I, 48, 48, 48, 4);
    // W(n, k): DRAM = N*K = 24; m_o (ignored, outside the stationary run) repeats it: 24*2.
    check_operand(e, Operand::W, 24, 24, 48, 4);
    // O(n, m): k is the stationary run -> blocks = |O| = 32; each PE owns its sum (fanout 1).
    check_output(e, 32, 32, 1);
    CHECK(e.tensor(Operand::I).array.kind == DeliveryKind::Multicast);
    CHECK(e.tensor(Operand::O).array.kind == DeliveryKind::Unicast);
    // Cycles: runs = 1; compute = 12 + 2; fills (words + latency 4 + 2): I 54, W 30; drain 38.
    CHECK(e.cycles.runs == 1);
    CHECK(e.cycles.compute == 14);
    CHECK(e.cycles.total == kStart + (48 + kLatency + kFill) + (24 + kLatency + kFill) + (32 + kLatency + kDrain) + 14);
    // Energy (round architecture, every element one word at every level):
    double I = 48 * 100 + 48 * 12 + 48 * 10 + 192 * 2 + 192 * 1 + 144 * 0.25;
    double W = 24 * 100 + 24 * 12 + 48 * 10 + 192 * 2 + 192 * 1 + 144 * 0.25;
    double O = 32 * 100 + 32 * 12 + 32 * 10 + 192 * 1 + 192 * 2;
    CHECK(e.tensor(Operand::I).energy_pj() == Approx(I));
    CHECK(e.tensor(Operand::W).energy_pj() == Approx(W));
    CHECK(e.tensor(Operand::O).energy_pj() == Approx(O));
    CHECK(e.energy_pj == Approx(I + W + O + 192 * 0.5));
}

TEST_CASE("GEMM weight stationary, 3-level: tiles refilled, partial sums revisited",
          "[model][counts]") {
    // [m 2 | k 3 | row k 2 | col n 4 | m 4]; I, W at 2 (per (m_o, k_o)), O at 1 (per m_o).
    auto ir = gemm_ir(8, 4, 6, {{"m", 2}, {"k", 3}, row("k", 2), col("n", 4), {"m", 4}},
                      {2, 2, 1});
    Model model(ir, round_architecture());
    const Estimate &e = model.evaluate();
    // I: 6 tiles of box k 2 x m 4; DRAM = |I| = 48; groups = k_i (rows) -> fanout 4 (cols).
    check_operand(e, Operand::I, 48, 6 * 8, 48, 4);
    // W: 6 tiles of 2 x 4; m_o is outside and ignored -> DRAM 2*24; sf = m_i; unicast.
    check_operand(e, Operand::W, 48, 6 * 8, 24 * 2, 1);
    // O: 2 tiles of 16; m_i innermost -> no stationary run, k_o breaks it: blocks = 32*3;
    // reduced over the 2 rows.
    check_output(e, 32, 96, 2);
    CHECK(e.tensor(Operand::O).array.kind == DeliveryKind::Reduction);
    // Cycles: runs = 2*3; compute = 24 + 12; I, W fills 6*(8+6); drain 2*(16+6).
    CHECK(e.cycles.compute == 36);
    CHECK(e.cycles.total == kStart + 6 * (8 + kLatency + kFill) + 6 * (8 + kLatency + kFill) + 2 * (16 + kLatency + kDrain) + 36);
}

TEST_CASE("loop order alone changes the counts: an ignored loop outside a used one breaks reuse",
          "[model][counts]") {
    // Same loops, same buffer positions (I at 2, W at 1, O at 0); only the two outer loops swap.
    auto m_outside = gemm_ir(8, 4, 6, {{"m", 2}, {"k", 3}, row("k", 2), col("n", 4), {"m", 4}},
                             {2, 1, 0});
    auto k_outside = gemm_ir(8, 4, 6, {{"k", 3}, {"m", 2}, row("k", 2), col("n", 4), {"m", 4}},
                             {2, 1, 0});
    Model a(m_outside, round_architecture()), b(k_outside, round_architecture());
    const Estimate ea = a.evaluate(), eb = b.evaluate();
    // W ignores m. With m_o outside k_o, W's tile (box k 6 x n 4: all of W) stays across m_o, the
    // loop just above it that does not move it (docs/hardware.md, "Stages"): DRAM = |W| = 24; but
    // m_o sits outside W's stationary run (sf = m_i), so the registers reload: GLB reads 24*2.
    check_operand(ea, Operand::W, 24, 24, 48, 1);
    // With k_o outside, the tile is 2 x 4 per k_o: DRAM = |W| = 24, and the stationary run
    // [m_o, ..., m_i] keeps each weight in its register: GLB reads = |W|.
    check_operand(eb, Operand::W, 24, 3 * 8, 24, 1);
    // I and O do not notice.
    check_operand(ea, Operand::I, 48, 48, 48, 4);
    check_operand(eb, Operand::I, 48, 48, 48, 4);
    check_output(ea, 32, 96, 2);
    check_output(eb, 32, 96, 2);
    CHECK(ea.energy_pj > eb.energy_pj);
}

TEST_CASE("conv weight stationary (C|K), I 2-level, W and O 3-level", "[model][counts]") {
    // [k 2 | r 3 | s 3 | row c 4 | col k 2 | y 6 | x 6]; I at 0, W at 1, O at 1.
    auto ir = conv_ir(small_conv(),
                      {{"k", 2}, {"r", 3}, {"s", 3}, row("c", 4), col("k", 2), {"y", 6}, {"x", 6}},
                      {0, 1, 1});
    Model model(ir, round_architecture());
    const Estimate &e = model.evaluate();
    CHECK(e.macs == 5184);
    // I: one tile, box 8x8x4 (halo); DRAM = valid input 6*6*4; k_o breaks reuse: 1296*2;
    // groups = c (rows) -> fanout 2.
    check_operand(e, Operand::I, 144, 256, 1296 * 2, 2);
    // W: 2 tiles of 3*3*4*2; DRAM = |W|; sf = y (x, y ignored); unicast.
    check_operand(e, Operand::W, 144, 144, 144, 1);
    // O: x innermost -> no stationary run; r, s break it: blocks = 144*9; reduced over 4 rows.
    check_output(e, 144, 1296, 4);
    // Bias table: K words once.
    CHECK(at(e, Operand::B, Place::DRAM).reads == 4);
    // Cycles: runs 2; compute 648 + 4; I 256+6; W, O 2*(72+6); bias K=4 elements + 6; start 2.
    CHECK(e.cycles.total == kStart + (4 + kLatency + kFill) + (256 + kLatency + kFill) + 2 * (72 + kLatency + kFill) + 2 * (72 + kLatency + kDrain) + 652);
}

TEST_CASE("conv output stationary (Y|X) with tails, 3-level input", "[model][counts]") {
    // [k 4 | y 2 | x 2 | row y 4 | col x 4 | c 4 | r 3 | s 3]; I at 3, W at 0, O at 3. The 4x4
    // array covers 8x8 outputs of 6x6: tail lanes are predicated off.
    auto ir = conv_ir(small_conv(),
                      {{"k", 4}, {"y", 2}, {"x", 2}, row("y", 4), col("x", 4), {"c", 4}, {"r", 3},
                       {"s", 3}},
                      {3, 0, 3});
    Model model(ir, round_architecture());
    const Estimate &e = model.evaluate();
    CHECK(e.temporal_iterations == 576);
    CHECK(e.utilization == Approx(5184.0 / (64 * 576)));
    // I: 16 tiles of 6x6x4; per coordinate sum over the 2 tiles of in-shape rows: 5 + 3 = 8;
    // DRAM = k 4 * 8 * 8 * c 4. Every PE its own word; k breaks reuse: 1296*4.
    check_operand(e, Operand::I, 4 * 8 * 8 * 4, 16 * 144, 1296 * 4, 1);
    // W: whole tensor once; y_o, x_o break reuse; broadcast to all 16 PEs.
    check_operand(e, Operand::W, 144, 144, 144 * 4, 16);
    CHECK(e.tensor(Operand::W).array.kind == DeliveryKind::Broadcast);
    // O: stationary across c r s -> one block per output; drains only in-shape positions.
    check_output(e, 144, 144, 1);
    // Cycles: runs 16; compute 576 + 32; I 16*150; W 150; O 16*(16+6); bias 4 + 6; start 2.
    CHECK(e.cycles.total == kStart + (4 + kLatency + kFill) + 16 * (144 + kLatency + kFill) + (144 + kLatency + kFill) + 16 * (16 + kLatency + kDrain) + 608);
}

TEST_CASE("conv input stationary, 3-level input and output", "[model][counts]") {
    // [y 6 | r 3 | s 3 | row c 4 | col x 6 | k 4]; I at 1, W at 0, O at 1.
    auto ir = conv_ir(small_conv(), {{"y", 6}, {"r", 3}, {"s", 3}, row("c", 4), col("x", 6), {"k", 4}},
                      {1, 0, 1});
    Model model(ir, round_architecture());
    const Estimate &e = model.evaluate();
    // I: 6 tiles of box x 8, y 3, c 4; in-shape rows per tile 2,3,3,3,3,2 -> 16 * 6 * 4;
    // k innermost is its stationary run: GLB reads = |I|; unicast.
    check_operand(e, Operand::I, 16 * 6 * 4, 6 * 96, 1296, 1);
    // W: once; y breaks reuse; multicast along the 6 columns.
    check_operand(e, Operand::W, 144, 144, 144 * 6, 6);
    CHECK(e.tensor(Operand::W).array.kind == DeliveryKind::Multicast);
    // O: r, s break the run: blocks 144*9; reduced over the 4 rows.
    check_output(e, 144, 1296, 4);
    CHECK(e.cycles.total == kStart + (4 + kLatency + kFill) + 6 * (96 + kLatency + kFill) + (144 + kLatency + kFill) + 6 * (24 + kLatency + kDrain) + 228);
}

TEST_CASE("total energy is the sum of its parts", "[model][energy]") {
    auto ir = conv_ir(small_conv(), {{"y", 6}, {"r", 3}, {"s", 3}, row("c", 4), col("x", 6), {"k", 4}},
                      {1, 0, 1});
    auto arch = round_architecture();
    arch.leakage_pj_per_cycle = 3;
    Model model(ir, arch);
    const Estimate &e = model.evaluate();
    double parts = e.mac_energy_pj + e.leakage_energy_pj;
    for (Operand o : kAllOperands) parts += e.tensor(o).energy_pj();
    CHECK(e.energy_pj == Approx(parts));
    CHECK(e.leakage_energy_pj == Approx(3.0 * double(e.cycles.total)));
    CHECK(e.tensor(Operand::B).energy_pj() == Approx(4 * 4 * 100.0));  // 32-bit bias, 8-bit words
}
