#include "Report.h"

#include <algorithm>
#include <cstdio>

namespace tessera::model {

using nlohmann::json;

namespace {

std::string format(const char *fmt, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
}

std::string pad(const std::string &s, size_t width, bool left = false) {
    if (s.size() >= width) return s;
    std::string fill(width - s.size(), ' ');
    return left ? s + fill : fill + s;
}

// Calls f(operand, stage, access) for every stage of every tensor's chain.
template <typename F>
void for_each_access(const Estimate &e, F f) {
    for (Operand o : kAllOperands)
        for (int s = 0; s < e.tensor(o).stages; ++s) {
            const LevelAccess &a = e.tensor(o).at[size_t(s)];
            if (a.level >= 0) f(o, s, a);
        }
}

json cycles_json(const Cycles &c, const ir::Architecture &arch) {
    return {{"total", c.total},
            {"pipeline", c.pipeline},
            {"compute", c.compute},
            {"runs", c.runs},
            {"start", c.start},
            {"bias", c.bias},
            {"serial_transfers", c.serial_transfers},
            {"overlapped_transfers", c.overlapped_transfers},
            {"exposed_transfers", c.exposed_transfers},
            {"onchip_transfers", c.onchip_transfers},
            {"prefetch_stall", c.prefetch_stall},
            {"buffer_bound", c.buffer_bound},
            {"buffer_bound_level",
             c.buffer_bound_level >= 0 ? arch.levels[c.buffer_bound_level].name : ""},
            {"bound", bound_name(c.bound)}};
}

}  // namespace

NetworkTotals network_totals(const std::vector<LayerResult> &layers) {
    NetworkTotals t;
    for (const auto &l : layers) {
        t.macs += l.estimate.macs;
        t.cycles += l.estimate.cycles.total;
        t.energy_pj += l.estimate.energy_pj;
        t.pe_iterations += double(l.estimate.arch_pes) * double(l.estimate.temporal_iterations);
        t.pe_cycles += double(l.estimate.arch_pes) * double(l.estimate.cycles.total);
    }
    return t;
}

std::vector<std::pair<std::string, double>> energy_by_component(const Estimate &e,
                                                                const ir::Architecture &arch) {
    std::vector<std::pair<std::string, double>> parts;
    for (const auto &level : arch.levels) parts.emplace_back(level.name, 0.0);
    for_each_access(e, [&](Operand, int, const LevelAccess &a) {
        parts[a.level].second += a.energy_pj();
    });
    parts.emplace_back("array", e.hop_energy_pj);
    parts.emplace_back("MAC", e.mac_energy_pj);
    parts.emplace_back("leakage", e.leakage_energy_pj);
    return parts;
}

json to_json(const Estimate &e, const ir::Architecture &arch) {
    json levels = json::array();
    for_each_access(e, [&](Operand o, int, const LevelAccess &a) {
        levels.push_back({{"level", arch.levels[a.level].name},
                          {"tensor", operand_name(o)},
                          {"reads", a.total_reads()},
                          {"writes", a.total_writes()},
                          {"energy_pj", a.energy_pj()},
                          {"fills", a.fills},
                          {"updates", a.updates},
                          {"operand_reads", a.reads},
                          {"drains", a.drains},
                          {"per_pe", a.per_pe},
                          {"tiles", a.tiles},
                          {"box_words", a.box_words},
                          {"read_energy_pj", a.read_energy_pj},
                          {"write_energy_pj", a.write_energy_pj}});
    });
    json array = json::array();
    for (Operand o : {Operand::I, Operand::W, Operand::O}) {
        const TensorEstimate &t = e.tensor(o);
        array.push_back({{"tensor", operand_name(o)},
                         {"kind", delivery_name(t.array.kind)},
                         {"fanout", t.array.fanout},
                         {"unicasts", t.array.unicasts},
                         {"multicasts", t.array.multicasts},
                         {"hops", t.array.hops},
                         {"reductions", t.array.reductions},
                         {"energy_pj", t.array.energy_pj},
                         {"tiles", t.tiles},
                         {"box_words", t.box_words}});
    }
    json by_component = json::object();
    for (const auto &[name, pj] : energy_by_component(e, arch)) by_component[name] = pj;
    json by_tensor = json::object();
    for (Operand o : kAllOperands) by_tensor[operand_name(o)] = e.tensor(o).energy_pj();
    return {{"macs", e.macs},
            {"energy_pj", e.energy_pj},
            {"pj_per_mac", e.pj_per_mac()},
            {"cycles", e.cycles.total},
            {"utilization", e.utilization},
            {"utilization_overall", e.utilization_overall},
            {"temporal_iterations", e.temporal_iterations},
            {"mapped_pes", e.mapped_pes},
            {"arch_pes", e.arch_pes},
            {"levels", levels},
            {"array", array},
            {"energy_by_component", by_component},
            {"energy_by_tensor", by_tensor},
            {"cycle_breakdown", cycles_json(e.cycles, arch)},
            {"architecture", arch.name}};
}

json network_json(const std::string &network, const std::vector<LayerResult> &layers,
                  const ir::Architecture &arch) {
    json out = json::array();
    json levels = json::array();
    std::vector<double> reads, writes, pj;
    std::vector<std::pair<std::string, std::string>> keys;
    for (const auto &l : layers) {
        json j = to_json(l.estimate, arch);
        j["layer"] = l.layer;
        out.push_back(j);
        for (const auto &row : j["levels"]) {
            std::pair<std::string, std::string> key{row["level"], row["tensor"]};
            size_t i = 0;
            while (i < keys.size() && keys[i] != key) ++i;
            if (i == keys.size()) {
                keys.push_back(key);
                reads.push_back(0);
                writes.push_back(0);
                pj.push_back(0);
            }
            reads[i] += row["reads"].get<double>();
            writes[i] += row["writes"].get<double>();
            pj[i] += row["energy_pj"].get<double>();
        }
    }
    for (size_t i = 0; i < keys.size(); ++i)
        levels.push_back({{"level", keys[i].first},
                          {"tensor", keys[i].second},
                          {"reads", int64_t(reads[i])},
                          {"writes", int64_t(writes[i])},
                          {"energy_pj", pj[i]}});
    const NetworkTotals t = network_totals(layers);
    json total = {{"macs", t.macs},
                  {"energy_pj", t.energy_pj},
                  {"pj_per_mac", t.pj_per_mac()},
                  {"cycles", t.cycles},
                  {"utilization", t.utilization()},
                  {"utilization_overall", t.utilization_overall()},
                  {"levels", levels}};
    return {{"network", network}, {"architecture", arch.name}, {"layers", out}, {"total", total}};
}

void print_table(std::ostream &os, const std::string &layer, const Estimate &e,
                 const ir::Architecture &arch) {
    os << "layer " << layer << " on " << arch.name << " (" << arch.rows << "x" << arch.cols
       << " PEs, mapping uses " << e.mapped_pes << ")\n";
    // The level column fits the longest level name (a Timeloop architecture's GlobalBuffer).
    int level_width = 8;
    for (const auto &l : arch.levels) level_width = std::max(level_width, int(l.name.size()) + 2);
    os << pad("level", level_width, true) << pad("tensor", 7, true) << pad("reads", 14) << pad("writes", 14)
       << pad("energy pJ", 16) << "   fills / updates / operand reads / drains\n";
    for_each_access(e, [&](Operand o, int, const LevelAccess &a) {
        os << pad(arch.levels[a.level].name, level_width, true) << pad(operand_name(o), 7, true)
           << pad(std::to_string(a.total_reads()), 14) << pad(std::to_string(a.total_writes()), 14)
           << pad(format("%.4g", a.energy_pj()), 16) << "   " << a.fills << " / " << a.updates
           << " / " << a.reads << " / " << a.drains << "\n";
    });
    os << "array delivery:";
    for (Operand o : {Operand::I, Operand::W, Operand::O}) {
        const Delivery &d = e.tensor(o).array;
        os << "  " << operand_name(o) << " " << delivery_name(d.kind) << " x" << d.fanout
           << " (hops " << d.hops;
        if (o == Operand::O) os << ", reductions " << d.reductions;
        os << ")";
    }
    os << "\nenergy by component:";
    for (const auto &[name, pj] : energy_by_component(e, arch))
        if (pj > 0) os << "  " << name << " " << format("%.4g", pj);
    os << "\ntotal energy " << format("%.6g", e.energy_pj) << " pJ, " << format("%.4g", e.pj_per_mac())
       << " pJ/MAC, " << e.macs << " MACs\n";
    const Cycles &c = e.cycles;
    os << "cycles " << c.total << " (bound: " << bound_name(c.bound) << "; compute " << c.compute
       << ", stalled transfers " << c.serial_transfers + c.exposed_transfers;
    if (c.onchip_transfers) os << ", on-chip transfers " << c.onchip_transfers;
    if (c.overlapped_transfers)
        os << ", overlapped transfers " << c.overlapped_transfers << " (runs waited " << c.prefetch_stall
           << " for them)";
    os << ", bias " << c.bias << "), "
       << format("%.1f", c.total / arch.clock_mhz) << " us at " << arch.clock_mhz << " MHz\n";
    os << "utilization " << format("%.1f%%", 100 * e.utilization) << " of the array's PE-cycles ("
       << format("%.1f%%", 100 * e.utilization_overall) << " counting stalls)\n";
}

void print_network_table(std::ostream &os, const std::string &network,
                         const std::vector<LayerResult> &layers, const ir::Architecture &arch) {
    os << "network " << network << " on " << arch.name << " (" << arch.rows << "x" << arch.cols
       << " PEs)\n";
    size_t width = 5;
    for (const auto &l : layers) width = std::max(width, l.layer.size());
    os << pad("layer", width + 2, true) << pad("MACs", 14) << pad("energy pJ", 14)
       << pad("pJ/MAC", 9) << pad("cycles", 13) << pad("util", 8) << pad("overall", 9) << "  bound\n";
    for (const auto &l : layers) {
        const Estimate &e = l.estimate;
        os << pad(l.layer, width + 2, true) << pad(std::to_string(e.macs), 14)
           << pad(format("%.5g", e.energy_pj), 14) << pad(format("%.3f", e.pj_per_mac()), 9)
           << pad(std::to_string(e.cycles.total), 13)
           << pad(format("%.1f%%", 100 * e.utilization), 8)
           << pad(format("%.1f%%", 100 * e.utilization_overall), 9) << "  " << bound_name(e.cycles.bound)
           << "\n";
    }
    const NetworkTotals t = network_totals(layers);
    os << pad("total", width + 2, true) << pad(std::to_string(t.macs), 14)
       << pad(format("%.5g", t.energy_pj), 14) << pad(format("%.3f", t.pj_per_mac()), 9)
       << pad(std::to_string(t.cycles), 13) << pad(format("%.1f%%", 100 * t.utilization()), 8)
       << pad(format("%.1f%%", 100 * t.utilization_overall()), 9) << "\n";
}

}  // namespace tessera::model
