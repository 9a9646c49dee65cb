#include "ModelCounters.h"

#include "rtl_backend/RegisterMap.h"

#include <stdexcept>
#include <vector>

namespace tessera::vsim {

namespace {

using model::Operand;
using model::Place;

enum class Field { Fills, Updates, Reads, Drains };

int64_t &field(model::LevelAccess &a, Field f) {
    switch (f) {
    case Field::Fills: return a.fills;
    case Field::Updates: return a.updates;
    case Field::Reads: return a.reads;
    default: return a.drains;
    }
}

// An access counter is the sum of some fields of one tensor at one place (docs/hardware.md).
struct Meaning {
    const char *counter;
    Operand operand;
    Place place;
    std::vector<Field> fields;  // the first absorbs any difference when counts are replaced
};

const std::vector<Meaning> &meanings() {
    static const std::vector<Meaning> m = {
        {"I.dram_reads", Operand::I, Place::DRAM, {Field::Reads}},
        {"I.glb_writes", Operand::I, Place::Buffer, {Field::Fills}},
        {"I.glb_reads", Operand::I, Place::Buffer, {Field::Reads}},
        {"I.rf_writes", Operand::I, Place::RF, {Field::Fills}},
        {"I.rf_reads", Operand::I, Place::RF, {Field::Reads}},
        {"W.dram_reads", Operand::W, Place::DRAM, {Field::Reads}},
        {"W.glb_writes", Operand::W, Place::Buffer, {Field::Fills}},
        {"W.glb_reads", Operand::W, Place::Buffer, {Field::Reads}},
        {"W.rf_writes", Operand::W, Place::RF, {Field::Fills}},
        {"W.rf_reads", Operand::W, Place::RF, {Field::Reads}},
        {"O.glb_writes", Operand::O, Place::Buffer, {Field::Updates}},
        {"O.glb_reads", Operand::O, Place::Buffer, {Field::Reads, Field::Drains}},
        {"O.rf_reads", Operand::O, Place::RF, {Field::Reads}},
        {"O.rf_writes", Operand::O, Place::RF, {Field::Updates}},
        {"O.dram_writes", Operand::O, Place::DRAM, {Field::Updates}},
        {"B.dram_reads", Operand::B, Place::DRAM, {Field::Reads}},
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
        model::LevelAccess a = e.tensor(m.operand).at[int(m.place)];
        int64_t sum = 0;
        for (Field f : m.fields) sum += field(a, f);
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
    double read_price[model::kOperands][model::kPlaces], write_price[model::kOperands][model::kPlaces];
    for (int o = 0; o < model::kOperands; ++o)
        for (int p = 0; p < model::kPlaces; ++p) {
            const model::LevelAccess &a = m.tensors[size_t(o)].at[size_t(p)];
            read_price[o][p] = unit(a.read_energy_pj, a.total_reads());
            write_price[o][p] = unit(a.write_energy_pj, a.total_writes());
        }
    for (const Meaning &mean : meanings()) {
        model::LevelAccess &a = e.tensors[size_t(mean.operand)].at[int(mean.place)];
        int64_t rest = 0;
        for (size_t i = 1; i < mean.fields.size(); ++i) rest += field(a, mean.fields[i]);
        field(a, mean.fields[0]) = value(mean.counter) - rest;
    }
    e.macs = value("macs");
    e.cycles.total = value("cycles");
    const int64_t hops[] = {value("I.rf_writes") - value("I.glb_reads"),
                            value("W.rf_writes") - value("W.glb_reads"),
                            value("O.glb_writes") * (m.tensor(Operand::O).array.fanout - 1)};
    e.energy_pj = 0;
    e.hop_energy_pj = 0;
    for (int o = 0; o < model::kOperands; ++o) {
        model::TensorEstimate &t = e.tensors[size_t(o)];
        for (int p = 0; p < model::kPlaces; ++p) {
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
