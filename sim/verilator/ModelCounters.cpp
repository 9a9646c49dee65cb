#include "ModelCounters.h"

#include "rtl_backend/RegisterMap.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace tessera::vsim {

namespace {

using model::Operand;

enum class Field { Fills, Updates, Reads, Drains };

int64_t &field(model::LevelAccess &a, Field f) {
    switch (f) {
    case Field::Fills: return a.fills;
    case Field::Updates: return a.updates;
    case Field::Reads: return a.reads;
    default: return a.drains;
    }
}

// Where a counter counts along its tensor's chain of stages (docs/hardware.md, "Stages"): DRAM,
// the DRAM-fed buffer, the inner buffer of a tensor at two shared levels, the PE stage.
// A per-PE file with a one-word register level under it: PeFile (the stage above the PE stage).
enum class Where { Dram, Buffer, Inner, PeFile, Pe };

// The stage index of `where` in `t`, -1 where the tensor has no such stage (Inner of a tensor at
// one shared level, Buffer of one whose per-PE tiles DRAM fills).
int stage_of(const model::TensorEstimate &t, Where where) {
    switch (where) {
    case Where::Dram: return 0;
    case Where::Buffer: return t.stages > 1 && t.at[1].per_pe ? -1 : 1;
    case Where::Inner: return t.stages == 4 && !t.at[2].per_pe ? 2 : -1;
    case Where::PeFile: return t.stages >= 3 && t.at[size_t(t.stages - 2)].per_pe && t.at[size_t(t.stages - 1)].per_pe ? t.stages - 2 : -1;
    default: return std::max(t.stages - 1, 0);
    }
}

// An access counter is the sum of some fields of one tensor at one stage (docs/hardware.md).
struct Meaning {
    const char *counter;
    Operand operand;
    Where where;
    std::vector<Field> fields;  // the first absorbs any difference when counts are replaced
};

const std::vector<Meaning> &meanings() {
    static const std::vector<Meaning> m = {
        {"I.dram_reads", Operand::I, Where::Dram, {Field::Reads}},
        {"I.glb_writes", Operand::I, Where::Buffer, {Field::Fills}},
        {"I.glb_reads", Operand::I, Where::Buffer, {Field::Reads}},
        {"I.rf_writes", Operand::I, Where::Pe, {Field::Fills}},
        {"I.rf_reads", Operand::I, Where::Pe, {Field::Reads}},
        {"W.dram_reads", Operand::W, Where::Dram, {Field::Reads}},
        {"W.glb_writes", Operand::W, Where::Buffer, {Field::Fills}},
        {"W.glb_reads", Operand::W, Where::Buffer, {Field::Reads}},
        {"W.rf_writes", Operand::W, Where::Pe, {Field::Fills}},
        {"W.rf_reads", Operand::W, Where::Pe, {Field::Reads}},
        {"O.glb_writes", Operand::O, Where::Buffer, {Field::Updates}},
        {"O.glb_reads", Operand::O, Where::Buffer, {Field::Reads, Field::Drains}},
        {"O.rf_reads", Operand::O, Where::Pe, {Field::Reads}},
        {"O.rf_writes", Operand::O, Where::Pe, {Field::Updates}},
        {"O.dram_writes", Operand::O, Where::Dram, {Field::Updates}},
        {"B.dram_reads", Operand::B, Where::Dram, {Field::Reads}},
        {"I.inner_writes", Operand::I, Where::Inner, {Field::Fills}},
        {"I.inner_reads", Operand::I, Where::Inner, {Field::Reads}},
        {"W.inner_writes", Operand::W, Where::Inner, {Field::Fills}},
        {"W.inner_reads", Operand::W, Where::Inner, {Field::Reads}},
        {"O.inner_writes", Operand::O, Where::Inner, {Field::Updates, Field::Fills}},
        {"O.inner_reads", Operand::O, Where::Inner, {Field::Reads, Field::Drains}},
        {"I.spad_writes", Operand::I, Where::PeFile, {Field::Fills}},
        {"I.spad_reads", Operand::I, Where::PeFile, {Field::Reads}},
        {"W.spad_writes", Operand::W, Where::PeFile, {Field::Fills}},
        {"W.spad_reads", Operand::W, Where::PeFile, {Field::Reads}},
        {"O.spad_writes", Operand::O, Where::PeFile, {Field::Updates, Field::Fills}},
        {"O.spad_reads", Operand::O, Where::PeFile, {Field::Reads, Field::Drains}},
    };
    return m;
}

// Per-element price of what `a` already counts (0 if it counts nothing).
double unit(double energy, int64_t count) { return count > 0 ? energy / double(count) : 0.0; }

}  // namespace


std::map<std::string, int64_t> model_counters(const model::Estimate &e) {
    std::map<std::string, int64_t> out;
    out["cycles"] = e.cycles.pipeline;
    out["macs"] = e.macs;
    for (const Meaning &m : meanings()) {
        const model::TensorEstimate &t = e.tensor(m.operand);
        const int s = stage_of(t, m.where);
        int64_t sum = 0;
        if (s >= 0) {
            model::LevelAccess a = t.at[size_t(s)];
            for (Field f : m.fields) sum += field(a, f);
        }
        out[m.counter] = sum;
    }
    for (const auto &name : rtl::counter_names())
        if (!out.count(name))
            throw std::logic_error("RTL counter '" + name + "' has no meaning in the model's estimate");
    return out;
}

model::Estimate measured_estimate(const model::Estimate &m, const std::map<std::string, uint64_t> &measured,
                                  const ir::Architecture &arch) {
    model::Estimate e = m;
    auto value = [&](const std::string &name) { return int64_t(measured.at(name)); };
    // Prices first, from the model's own counts and energies.
    double read_price[model::kOperands][model::kMaxStages], write_price[model::kOperands][model::kMaxStages];
    for (int o = 0; o < model::kOperands; ++o)
        for (int p = 0; p < model::kMaxStages; ++p) {
            const model::LevelAccess &a = m.tensors[size_t(o)].at[size_t(p)];
            read_price[o][p] = unit(a.read_energy_pj, a.total_reads());
            write_price[o][p] = unit(a.write_energy_pj, a.total_writes());
        }
    for (const Meaning &mean : meanings()) {
        model::TensorEstimate &t = e.tensors[size_t(mean.operand)];
        const int s = stage_of(t, mean.where);
        if (s < 0) continue;
        model::LevelAccess &a = t.at[size_t(s)];
        int64_t rest = 0;
        for (size_t i = 1; i < mean.fields.size(); ++i) rest += field(a, mean.fields[i]);
        field(a, mean.fields[0]) = value(mean.counter) - rest;
    }
    e.macs = value("macs");
    e.cycles.total = value("cycles");
    // Hops: the operand words the array delivers beyond the reads of the buffer it reads.
    // Per-PE files DRAM fills take one word per lane group from the DMA: the files' fills over
    // the PEs each word reaches.
    auto array_reads = [&](Operand o, const char *glb, const char *inner) {
        const model::TensorEstimate &t = m.tensor(o);
        if (stage_of(t, Where::Buffer) < 0)
            return value(o == Operand::I ? "I.rf_writes" : "W.rf_writes") / std::max<int64_t>(1, t.array.fanout);
        return stage_of(t, Where::Inner) >= 0 ? value(inner) : value(glb);
    };
    // The array's output writes: to the inner buffer of two shared levels (its measured updates,
    // the reloads as modelled), else to the DRAM-fed buffer, else (per-PE files drained straight
    // to DRAM, reduced on the way) to DRAM.
    const int inner_o = stage_of(m.tensor(Operand::O), Where::Inner);
    const int64_t array_writes = inner_o >= 0 ? e.tensor(Operand::O).at[size_t(inner_o)].updates
                                 : stage_of(m.tensor(Operand::O), Where::Buffer) < 0 ? value("O.dram_writes")
                                                                                     : value("O.glb_writes");
    // The words the array delivers into the PEs: the per-PE file's fills under a register level.
    auto pe_fills = [&](Operand o, const char *rf, const char *spad) {
        return stage_of(m.tensor(o), Where::PeFile) >= 0 ? value(spad) : value(rf);
    };
    const int64_t hops[] = {pe_fills(Operand::I, "I.rf_writes", "I.spad_writes") -
                                array_reads(Operand::I, "I.glb_reads", "I.inner_reads"),
                            pe_fills(Operand::W, "W.rf_writes", "W.spad_writes") -
                                array_reads(Operand::W, "W.glb_reads", "W.inner_reads"),
                            array_writes * (m.tensor(Operand::O).array.fanout - 1)};
    e.energy_pj = 0;
    e.hop_energy_pj = 0;
    for (int o = 0; o < model::kOperands; ++o) {
        model::TensorEstimate &t = e.tensors[size_t(o)];
        for (int p = 0; p < model::kMaxStages; ++p) {
            model::LevelAccess &a = t.at[size_t(p)];
            a.read_energy_pj = double(a.total_reads()) * read_price[o][p];
            a.write_energy_pj = double(a.total_writes()) * write_price[o][p];
        }
        if (o < 3) {
            t.array.hops = hops[o];
            t.array.energy_pj = double(hops[o]) * arch.hop_pj;
        }
        e.hop_energy_pj += t.array.energy_pj;
        e.energy_pj += t.energy_pj();
    }
    e.mac_energy_pj = double(e.macs) * arch.mac_pj;
    e.leakage_energy_pj = double(e.cycles.total) * arch.leakage_pj_per_cycle;
    e.energy_pj += e.mac_energy_pj + e.leakage_energy_pj;
    e.utilization_overall = double(e.macs) / (double(e.arch_pes) * double(e.cycles.total));
    return e;
}

}  // namespace tessera::vsim
