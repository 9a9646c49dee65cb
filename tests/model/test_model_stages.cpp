// General mappings (per-PE tiles and accumulator files, several loops per array axis, a second
// shared level, bypassed levels) against a literal execution of docs/hardware.md's stage rules:
// every count of every stage of every tensor must agree exactly.
#include "IrBuilder.h"
#include "ReferenceStages.h"
#include "ir/Analysis.h"
#include "model/Model.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

using namespace tessera;
using namespace tessera::model;
using namespace tessera::model::test;

namespace {

struct RandomGeneralMapping {
    std::mt19937 rng;
    explicit RandomGeneralMapping(unsigned seed) : rng(seed) {}
    int64_t pick(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); }

    ir::LayerSpec layer() { return random_small_layer(rng); }

    // Would output files at loop `at`, fed by DRAM, hold their sums across every reduction loop?
    // Their refill climbs over the temporal loops that do not move the output, up to the first
    // that does; no nontrivial reduction loop may lie above it.
    static bool holds_reduction(const ir::AcceleratorIR &ir, int at) {
        const auto &loops = ir.mapping.loops;
        int from = at;
        while (from > 0) {
            const ir::Loop &l = loops[size_t(from - 1)];
            if (l.kind == ir::LoopKind::Temporal && l.extent > 1 && !ir.problem.dim(l.dim).reduction) break;
            --from;
        }
        for (int i = 0; i < from; ++i)
            if (loops[size_t(i)].kind == ir::LoopKind::Temporal && loops[size_t(i)].extent > 1 &&
                ir.problem.dim(loops[size_t(i)].dim).reduction)
                return false;
        return true;
    }

    // Each dim split into up to three loops (tails allowed), the nest order shuffled independently
    // of the strides (so a small-stride loop may sit outside a large-stride one), up to four
    // spatial loops on the two axes, then buffers wherever the contract allows them.
    ir::AcceleratorIR mapping(const ir::LayerSpec &l) {
        ir::AcceleratorIR ir = conv_ir(l, {}, {});
        ir.mapping.buffers.clear();
        std::vector<ir::Loop> loops;
        for (const auto &d : ir.problem.dims) {
            std::vector<int64_t> factors;  // innermost first
            int64_t left = d.extent;
            for (int i = int(pick(0, 2)); i > 0 && left > 1; --i) {
                int64_t f = pick(1, left);
                factors.push_back(f);
                left = (left + f - 1) / f;
            }
            factors.push_back(left);
            int64_t stride = 1;
            for (int64_t f : factors) {
                loops.push_back({d.name, f, stride, ir::LoopKind::Temporal, d.name + std::to_string(loops.size())});
                stride *= f;
            }
        }
        std::shuffle(loops.begin(), loops.end(), rng);
        // Output tiles must not overlap (ir::analyze rejects it): the output's dims keep their
        // strides in nest order; the reduction dims keep the shuffled ones.
        for (const auto &d : ir.problem.dims) {
            if (d.reduction) continue;
            int64_t stride = 1;
            for (auto it = loops.rbegin(); it != loops.rend(); ++it)
                if (it->dim == d.name) {
                    it->stride = stride;
                    stride *= it->extent;
                }
        }
        const int spatial = int(pick(0, std::min<int64_t>(4, int64_t(loops.size()))));
        const int first = int(pick(0, int64_t(loops.size()) - spatial));
        for (int s = 0; s < spatial; ++s)
            loops[size_t(first + s)].kind = pick(0, 1) ? ir::LoopKind::SpatialRow : ir::LoopKind::SpatialCol;
        ir.mapping.loops = loops;
        const int n = int(loops.size()), last = spatial ? first + spatial - 1 : -1;
        const int shared_max = spatial ? first : n;
        int first_reduction = n;
        for (int i = n - 1; i >= 0; --i)
            if (loops[size_t(i)].kind == ir::LoopKind::Temporal && loops[size_t(i)].extent > 1 &&
                ir.problem.dim(loops[size_t(i)].dim).reduction)
                first_reduction = i;
        for (const char *t : {"I", "W", "O"}) {
            const bool output = std::string(t) == "O";
            int at = 0;
            const int outer_max = output ? std::min(shared_max, first_reduction) : shared_max;
            // Now and then a tensor bypasses every shared level: DRAM feeds its per-PE tiles, or
            // the output's files drain straight to DRAM (held across every reduction loop: none
            // outside the output loop their refill stops at).
            if (pick(0, 5) == 0) {
                const int at = int(pick(last + 1, output && spatial == 0 ? std::min(n, first_reduction) : n));
                if (!output || spatial == 0 || holds_reduction(ir, at)) {
                    add_buffer(ir, t, "RF", at, true);
                    continue;
                }
            }
            const bool l2 = pick(0, 1), glb = !l2 || pick(0, 1);
            if (l2) {
                at = int(pick(0, outer_max));
                add_buffer(ir, t, "L2", at, false);
            }
            if (glb) {
                at = int(pick(at, l2 ? shared_max : outer_max));
                add_buffer(ir, t, "GLB", at, false);
            }
            if (pick(0, 1)) {
                at = int(pick(std::max(at, last + 1), n));
                add_buffer(ir, t, "RF", at, true);
                // Now and then a second per-PE tile under it (a register, or a smaller file).
                if (pick(0, 2) == 0) add_buffer(ir, t, "REG", int(pick(at, n)), true);
            }
        }
        return ir;
    }
};

void check_stages(const char *tensor, const TensorEstimate &model, const TensorStageEvents &ref) {
    INFO("tensor " << tensor);
    REQUIRE(model.stages == int(ref.stages.size()));
    for (size_t j = 0; j < ref.stages.size(); ++j) {
        INFO("stage " << j);
        CHECK(model.at[j].fills == ref.stages[j].fills);
        CHECK(model.at[j].updates == ref.stages[j].updates);
        CHECK(model.at[j].reads == ref.stages[j].reads);
        CHECK(model.at[j].drains == ref.stages[j].drains);
    }
    if (std::string(tensor) == "O") CHECK(model.array.reductions == ref.reductions);
    else CHECK(model.array.hops == ref.hops);
}

}  // namespace

TEST_CASE("general chains: model counts equal a literal execution, stage by stage",
          "[model][reference][stages]") {
    RandomGeneralMapping random(2026);
    // DRAM, L2, GLB, RF and a second per-PE level inside it.
    ir::Architecture arch = four_level_architecture();
    ir::MemoryLevel reg = arch.levels.back();
    reg.name = "REG";
    arch.levels.push_back(reg);
    int checked = 0, per_pe = 0, multi_axis = 0, bypass = 0, from_dram = 0, output_to_dram = 0, two_per_pe[3] = {};
    for (int i = 0; i < 500; ++i) {
        ir::LayerSpec l = random.layer();
        ir::AcceleratorIR ir = random.mapping(l);
        INFO("case " << i << " layer " << l.type << " C" << l.C << " K" << l.K << " H" << l.H
                     << " W" << l.W << " R" << l.R << " S" << l.S << " stride " << l.stride
                     << " pad " << l.pad);
        const ir::NestAnalysis nest = ir::analyze(ir, &arch);
        per_pe += nest.has_per_pe_buffers;
        multi_axis += nest.row_loops.size() > 1 || nest.col_loops.size() > 1;
        for (const auto &t : nest.tensors) {
            bypass += t.stages.size() < 4;
            two_per_pe[int(t.role)] += t.stages.size() > 2 && t.stages.back().kind == ir::StageKind::PerPe &&
                                       t.stages[t.stages.size() - 2].kind == ir::StageKind::PerPe;
            from_dram += t.stages[1].kind == ir::StageKind::PerPe;
            output_to_dram += t.role == ir::TensorRole::Output && t.stages[1].kind == ir::StageKind::PerPe &&
                              !nest.row_loops.empty() + !nest.col_loops.empty() > 0;
        }
        const StageRun ref = execute_stages(ir, arch);
        Model model(ir, arch);
        const Estimate &e = model.evaluate();
        CHECK(e.macs == ref.macs);
        check_stages("I", e.tensor(Operand::I), ref.I);
        check_stages("W", e.tensor(Operand::W), ref.W);
        check_stages("O", e.tensor(Operand::O), ref.O);
        // The blocking path (boxes derived as Halide would) gives the same counts.
        const Estimate derived = model.evaluate(Blocking::of(ir.mapping));
        for (Operand o : {Operand::I, Operand::W, Operand::O})
            for (int j = 0; j < e.tensor(o).stages; ++j)
                CHECK(derived.tensor(o).at[size_t(j)].total_reads() == e.tensor(o).at[size_t(j)].total_reads());
        ++checked;
    }
    CHECK(checked == 500);
    // The draw covers what it is for.
    CHECK(per_pe > 100);
    CHECK(multi_axis > 50);
    CHECK(bypass > 100);
    CHECK(from_dram > 50);
    CHECK(output_to_dram > 10);  // on an array
    for (int t = 0; t < 3; ++t) CHECK(two_per_pe[t] > 10);  // an operand's register, the output's
}
