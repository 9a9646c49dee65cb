#include "CountingRules.h"

#include "ir/Analysis.h"
#include "ir/Timing.h"

#include <algorithm>
#include <set>

namespace tessera::rtl::test {

namespace {

std::set<std::string> deps(const ir::Tensor &t) {
    std::set<std::string> d;
    for (const auto &e : t.index)
        for (const auto &[dim, c] : e.terms)
            if (c != 0) d.insert(dim);
    return d;
}

int64_t valid_elements(const ir::Problem &p, const std::set<std::string> &dims) {
    int64_t n = 1;
    for (const auto &d : p.dims)
        if (dims.count(d.name)) n *= d.extent;
    return n;
}

int64_t outer_reuse(const ir::NestAnalysis &nest, const ir::TensorAccess &a, const std::set<std::string> &dims) {
    int64_t n = 1;
    for (int l : nest.temporal)
        if (l < a.stationary_from && !dims.count(nest.ir->mapping.loops[l].dim))
            n *= nest.ir->mapping.loops[l].extent;
    return n;
}

// Sum over the tiles of X of the box positions inside the tensor's shape.
int64_t in_shape_fills(const ir::NestAnalysis &nest, const ir::TensorAccess &a) {
    const auto &loops = nest.ir->mapping.loops;
    std::vector<int> outer;  // the loops that refill the tile (it stays across the others)
    for (int l : nest.temporal)
        if (l < a.stages[1].refill_from) outer.push_back(l);
    std::vector<int64_t> idx(outer.size(), 0);
    int64_t total = 0;
    for (bool more = true; more;) {
        std::vector<int64_t> base(a.box.size());
        for (size_t t = 0; t < base.size(); ++t) {
            base[t] = a.tensor->index[t].offset;
            for (size_t i = 0; i < outer.size(); ++i) base[t] += a.coord_step[size_t(outer[i])][t] * idx[i];
        }
        int64_t count = 1;
        for (size_t t = 0; t < base.size(); ++t) {
            int64_t lo = std::max<int64_t>(base[t], 0), hi = std::min(base[t] + a.box[t], a.tensor->shape[t]);
            count *= std::max<int64_t>(0, hi - lo);
        }
        total += count;
        more = false;
        for (size_t i = outer.size(); i-- > 0;) {
            if (++idx[i] < loops[size_t(outer[i])].extent) {
                more = true;
                break;
            }
            idx[i] = 0;
        }
    }
    return total;
}

}  // namespace

std::map<std::string, uint64_t> expected_counters(const ir::AcceleratorIR &ir) {
    const ir::NestAnalysis nest = ir::analyze(ir);
    const ir::Problem &p = ir.problem;
    const int n = int(ir.mapping.loops.size());
    std::map<std::string, uint64_t> c;
    const int64_t macs = p.macs();
    c["macs"] = uint64_t(macs);
    for (auto [name, role] : {std::pair<std::string, ir::TensorRole>{"I", ir::TensorRole::Input},
                              std::pair<std::string, ir::TensorRole>{"W", ir::TensorRole::Weight}}) {
        const ir::TensorAccess &a = nest.access(role);
        const auto d = deps(*a.tensor);
        const int64_t reads = valid_elements(p, d) * outer_reuse(nest, a, d);
        c[name + ".dram_reads"] = uint64_t(in_shape_fills(nest, a));
        c[name + ".glb_writes"] = uint64_t(ir::temporal_product(nest, 0, a.stages[1].refill_from) * a.buffer->words());
        c[name + ".glb_reads"] = uint64_t(reads);
        c[name + ".rf_writes"] = uint64_t(reads * (nest.rows * nest.cols / a.groups));
        c[name + ".rf_reads"] = uint64_t(macs);
    }
    const ir::TensorAccess &o = nest.access(ir::TensorRole::Output);
    const auto od = deps(*o.tensor);
    const int64_t outputs = valid_elements(p, od), blocks = outputs * outer_reuse(nest, o, od);
    c["O.glb_writes"] = uint64_t(blocks);
    c["O.glb_reads"] = uint64_t(blocks - outputs + outputs);
    c["O.rf_reads"] = c["O.rf_writes"] = uint64_t(macs);
    c["O.dram_writes"] = uint64_t(outputs);
    int64_t k = 0;
    for (const auto &d : p.dims)
        if (d.name == "k") k = d.extent;
    c["B.dram_reads"] = p.post.bias ? uint64_t(k) : 0;
    (void)n;
    return c;
}

uint64_t expected_cycles(const ir::AcceleratorIR &ir, int dram_latency, const Buffering &buffering) {
    const ir::NestAnalysis nest = ir::analyze(ir);
    const ir::Timing &t = ir::kTiming;
    int last_buffer = 0;
    for (const auto &a : nest.tensors) last_buffer = std::max(last_buffer, a.stages[1].refill_from);
    const int64_t runs = ir::temporal_product(nest, 0, last_buffer);
    const int64_t run_cycles = nest.temporal_iterations / runs + t.compute_overhead;
    // Per tensor: cycles of one transfer, runs per tile, double buffered or not.
    struct Transfer {
        int64_t cycles, period;
        bool double_buffered;
    };
    auto transfer = [&](ir::TensorRole role, bool double_buffered) {
        const ir::TensorAccess &a = nest.access(role);
        const int overhead = role == ir::TensorRole::Output ? t.drain_overhead : t.fill_overhead;
        return Transfer{a.buffer->words() + dram_latency + overhead,
                        runs / ir::temporal_product(nest, 0, a.stages[1].refill_from), double_buffered};
    };
    const Transfer fills[] = {transfer(ir::TensorRole::Input, buffering.input),
                              transfer(ir::TensorRole::Weight, buffering.weight)};
    const Transfer drain = transfer(ir::TensorRole::Output, buffering.output);

    // docs/hardware.md, "Execution" and "Cycles", walked run by run.
    int64_t cycles = t.start_overhead;
    if (ir.problem.post.bias) {
        int64_t k = 0;
        for (const auto &d : ir.problem.dims)
            if (d.name == "k") k = d.extent;
        cycles += k + dram_latency + t.fill_overhead;
    }
    for (int64_t r = 0; r < runs; ++r) {
        const bool drain_before = r > 0 && r % drain.period == 0;  // run r-1 finished an output tile
        if (drain_before && !drain.double_buffered) cycles += drain.cycles;
        int64_t overlapped = drain_before && drain.double_buffered ? drain.cycles : 0;
        for (const Transfer &f : fills) {
            if (r % f.period == 0 && (!f.double_buffered || r == 0)) cycles += f.cycles;
            if (f.double_buffered && r + 1 < runs && (r + 1) % f.period == 0) overlapped += f.cycles;
        }
        cycles += std::max(run_cycles, overlapped);
    }
    return uint64_t(cycles + drain.cycles);  // the last output tile
}

}  // namespace tessera::rtl::test
