#include "FusionModel.h"

#include "LevelEnergy.h"
#include "ModelMath.h"
#include "Report.h"
#include "UserError.h"
#include "ir/FusedGeometry.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace tessera::model {

LayerCost layer_cost(const Estimate &e, const ir::AcceleratorIR &ir, const ir::Architecture &arch) {
    LayerCost c;
    c.layer_by_layer = e;
    double dram_pj = 0;
    for (const auto &[name, pj] : energy_by_component(e, arch))
        if (name == arch.levels.front().name) dram_pj += pj;
    const double macs = double(std::max<int64_t>(e.macs, 1));
    c.onchip_pj_per_mac = (e.energy_pj - dram_pj) / macs;
    c.cycles_per_mac = double(e.cycles.compute) / macs;
    for (int o = 0; o < 3; ++o) {  // Operand I, W, O is TensorRole Input, Weight, Output
        const TensorEstimate &t = e.tensors[size_t(o)];
        DramTraffic &d = c.dram[size_t(o)];
        if (t.stages < 2) continue;
        d.fed_level = t.at[1].level;
        d.reads = t.at[0].total_reads();
        d.writes = t.at[0].total_writes();
        d.element_bits = dram_element_bits(ir.problem, ir.problem.tensor(ir::TensorRole(o)));
    }
    return c;
}

namespace {

// Inside a group, the words a layer's mapping moves straight between DRAM and a level below the
// activation level (a bypassed tensor) are read from or written to the activation level instead,
// as often as the mapping moves them (scaled with the layer's recomputed MACs, like its on-chip
// cost), and the group's fills and drains of that tensor (its input, its weights, its output) pass
// through the level, which a mapping that keeps a tile there pays in its own on-chip cost.
double bypass_pj(const LayerCost &cost, const FusedLayerCounts &c, int64_t own_macs, bool first, bool last,
                 const ir::MemoryLevel &level, int level_index) {
    const double scale = double(c.macs) / double(std::max<int64_t>(own_macs, 1));
    const int64_t group_fills[] = {first ? c.onchip_input_fills : 0, c.onchip_weight_fills, 0};
    const int64_t group_drains[] = {0, 0, last ? c.dram_output_writes : 0};
    double pj = 0;
    for (size_t o = 0; o < cost.dram.size(); ++o) {
        const DramTraffic &d = cost.dram[o];
        if (d.fed_level < 0 || d.fed_level == level_index) continue;
        const double words = words_per_element(d.element_bits, level);
        pj += words * (read_pj(level) * (scale * double(d.reads) + double(group_drains[o])) +
                       write_pj(level) * (scale * double(d.writes) + double(group_fills[o])));
    }
    return pj;
}

}  // namespace

FusedEstimate evaluate_group(ir::FusedGroup &g, const std::vector<LayerCost> &costs,
                             const ir::Architecture &arch, const ir::AxisTiling *rows,
                             const ir::AxisTiling *cols) {
    const auto &layers = g.layers;
    const size_t L = layers.size();
    if (costs.size() != L) throw std::runtime_error("evaluate_group: one LayerCost per layer");
    ir::AxisTiling own_y, own_x;
    if (!rows) own_y = ir::tile_axis(ir::axis_layers(layers, true), g.tile_h), rows = &own_y;
    if (!cols) own_x = ir::tile_axis(ir::axis_layers(layers, false), g.tile_w), cols = &own_x;
    const ir::AxisTiling &ty = *rows, &tx = *cols;
    const bool cache_x = g.overlap != ir::Overlap::Recompute, cache_y = g.overlap == ir::Overlap::CacheHV;

    // Capacity of the level holding the activations: every tensor's buffer (the group's input
    // as its intermediates are held, the output tile), then the weights if they fit as well.
    const std::string level_name = g.intermediates.empty() ? "GLB" : g.intermediates.front().level;
    const ir::MemoryLevel *level = arch.level(level_name);
    if (!level) level = &arch.levels[std::min<size_t>(1, arch.levels.size() - 1)];
    FusedEstimate e;
    for (size_t t = 0; t < L; ++t) {
        const int64_t width = t == 0 ? layers[0].W : layers[t - 1].out_w();
        const int64_t cols = cache_y ? width : tx.max_needed[t];
        e.buffer_bytes += ir::tensor_channels(layers, t) * ty.max_needed[t] * cols;
    }
    e.buffer_bytes += layers.back().K * std::min(g.tile_h, layers.back().out_h()) *
                      std::min(g.tile_w, layers.back().out_w());
    // Cores work on different tiles at once: each holds its own tile buffers (DLFusion's trade).
    e.buffer_bytes *= std::max(g.cores, 1);
    int64_t weights = 0;
    for (const auto &l : layers) weights += ir::fused_weight_words(l);
    const int64_t budget = level->size_bytes;
    if (budget > 0 && e.buffer_bytes > budget)
        throw UserError("tile " + std::to_string(g.tile_h) + "x" + std::to_string(g.tile_w) + " (" +
                        ir::to_string(g.overlap) + ") of group " + layers.front().name + ".." +
                        layers.back().name + " does not fit " + level->name + ": its activation buffers need " +
                        std::to_string(e.buffer_bytes) + " of " + std::to_string(budget) +
                        " bytes; use a smaller --tile or fewer layers");
    e.weights_resident = budget == 0 || e.buffer_bytes + weights <= budget;
    g.weights_level = e.weights_resident ? level->name : arch.levels.front().name;
    e.onchip_bytes = e.buffer_bytes + (e.weights_resident ? weights : 0);
    // A batch runs the group's tile grid once per image (the n loop is outermost): every count
    // below is per image times N, and weights that do not stay are fetched per tile of each image.
    const int64_t images = std::max<int64_t>(layers.front().N, 1);
    e.tiles = ty.tiles * tx.tiles * images;
    e.tile_types = int(ty.classes.size() * tx.classes.size());

    e.layers.resize(L);
    for (size_t l = 0; l < L; ++l) e.layers[l].layer = layers[l].name;
    // Per tile type: rows along y times columns along x, times the tiles of that type.
    for (const auto &cy : ty.classes)
        for (const auto &cx : tx.classes) {
            const int64_t n = cy.count * cx.count * images;
            for (size_t l = 0; l < L; ++l) {
                const ir::LayerSpec &s = layers[l];
                FusedLayerCounts &c = e.layers[l];
                const int64_t out_y = cache_y ? cy.fresh[l + 1] : cy.needed[l + 1];
                const int64_t out_x = cache_x ? cx.fresh[l + 1] : cx.needed[l + 1];
                const int64_t in_y = cache_y ? cy.window[l] : cy.needed[l];
                const int64_t in_x = cache_x ? cx.window[l] : cx.needed[l];
                const int64_t new_y = cache_y ? cy.fresh[l] : cy.needed[l];
                const int64_t new_x = cache_x ? cx.fresh[l] : cx.needed[l];
                // Of the words read, those this tile produced (the rest is cached overlap).
                const int64_t own_y = cache_y ? cy.window_fresh[l] : cy.needed[l];
                const int64_t own_x = cache_x ? cx.window_fresh[l] : cx.needed[l];
                const int64_t outputs = s.K * out_y * out_x;
                const int64_t reads = s.C * in_y * in_x;
                c.outputs += n * outputs;
                c.macs += n * outputs * (s.C / s.groups) * s.R * s.S;
                c.onchip_input_reads += n * reads;
                c.cached_reads += n * (reads - s.C * own_y * own_x);
                c.onchip_output_writes += n * outputs;
                if (l == 0) {
                    c.dram_input_reads += n * s.C * new_y * new_x;
                    c.onchip_input_fills += n * s.C * new_y * new_x;
                }
                if (l + 1 == L) {
                    c.dram_output_writes += n * outputs;
                    if (g.residual) c.residual_reads += n * outputs;
                }
            }
        }
    const ir::MemoryLevel &dram = arch.levels.front();
    const double bits = 8.0 / double(std::max(dram.word_bits, 1));
    const double level_bits = 8.0 / double(std::max(level->word_bits, 1));
    double compute = 0;
    for (size_t l = 0; l < L; ++l) {
        FusedLayerCounts &c = e.layers[l];
        c.dram_weight_reads = ir::fused_weight_words(layers[l]) * (e.weights_resident ? 1 : e.tiles);
        c.onchip_weight_fills = c.dram_weight_reads;
        c.recompute_macs = c.macs - layers[l].macs();
        // The residual add re-reads the group's input from the activation level, one word per
        // output element (the layers' own on-chip traffic is in their per-MAC cost).
        c.energy_pj = costs[l].onchip_pj_per_mac * double(c.macs) +
                      bits * (dram.read_pj * double(c.dram_input_reads + c.dram_weight_reads) +
                              dram.write_pj * double(c.dram_output_writes)) +
                      level_bits * read_pj(*level) * double(c.residual_reads) +
                      bypass_pj(costs[l], c, layers[l].macs(), l == 0, l + 1 == L, *level,
                                int(level - arch.levels.data()));
        c.compute_cycles = int64_t(std::ceil(costs[l].cycles_per_mac * double(c.macs)));
        compute += double(c.compute_cycles);
        e.energy_pj += c.energy_pj;
        e.dram_words += c.dram_words();
        e.macs += c.macs;
    }
    // The group's tiles are split across the cores sharing the level; DRAM is one port.
    const double dram_cycles = double(e.dram_words) * bits / std::max(dram.bandwidth(), 1e-9);
    e.cycles = int64_t(std::ceil(std::max(compute / std::max(g.cores, 1), dram_cycles))) +
               arch.dram_latency_cycles;
    return e;
}

std::string fused_table(const ir::FusedGroup &g, const FusedEstimate &e) {
    std::ostringstream s;
    s << "fused group " << g.layers.front().name << " .. " << g.layers.back().name << ": tile "
      << g.tile_h << "x" << g.tile_w << ", overlap " << ir::to_string(g.overlap) << ", " << e.tiles
      << " tiles" << (g.layers.front().N > 1 ? " (N=" + std::to_string(g.layers.front().N) + " images)" : "")
      << " (" << e.tile_types << " tile types evaluated), cores " << g.cores << "\n"
      << "on-chip activation buffers " << e.buffer_bytes << " B, weights "
      << (e.weights_resident ? "resident (fetched once)" : "re-fetched from DRAM per tile") << "\n";
    s << std::left << std::setw(22) << "layer" << std::right << std::setw(14) << "MACs" << std::setw(12)
      << "recompute" << std::setw(12) << "DRAM in" << std::setw(12) << "DRAM W" << std::setw(12)
      << "DRAM out" << std::setw(13) << "chip writes" << std::setw(13) << "chip reads" << std::setw(12)
      << "cached" << std::setw(14) << "energy uJ" << "\n";
    for (const auto &c : e.layers)
        s << std::left << std::setw(22) << c.layer.substr(0, 21) << std::right << std::setw(14) << c.macs
          << std::setw(12) << c.recompute_macs << std::setw(12) << c.dram_input_reads << std::setw(12)
          << c.dram_weight_reads << std::setw(12) << c.dram_output_writes << std::setw(13)
          << c.onchip_output_writes << std::setw(13) << c.onchip_input_reads + c.residual_reads
          << std::setw(12) << c.cached_reads << std::setw(14) << std::fixed << std::setprecision(2)
          << c.energy_pj * 1e-6 << "\n";
    s << "total: " << e.macs << " MACs, " << e.dram_words << " DRAM words, " << std::fixed
      << std::setprecision(2) << e.energy_pj * 1e-6 << " uJ, " << e.cycles << " cycles\n";
    return s.str();
}

std::string fused_json(const ir::FusedGroup &g, const FusedEstimate &e) {
    nlohmann::json j;
    j["layers"] = nlohmann::json::array();
    for (const auto &l : g.layers) j["layers"].push_back(l.name);
    j["tile"] = std::to_string(g.tile_h) + "x" + std::to_string(g.tile_w);
    j["overlap"] = ir::to_string(g.overlap);
    j["cores"] = g.cores;
    j["tiles"] = e.tiles;
    j["tile_types"] = e.tile_types;
    j["weights_resident"] = e.weights_resident;
    j["buffer_bytes"] = e.buffer_bytes;
    j["energy_pj"] = e.energy_pj;
    j["cycles"] = e.cycles;
    j["dram_words"] = e.dram_words;
    j["macs"] = e.macs;
    j["per_layer"] = nlohmann::json::array();
    for (const auto &c : e.layers)
        j["per_layer"].push_back({{"layer", c.layer}, {"macs", c.macs}, {"recompute_macs", c.recompute_macs},
                                  {"outputs", c.outputs}, {"dram_input_reads", c.dram_input_reads},
                                  {"dram_weight_reads", c.dram_weight_reads},
                                  {"dram_output_writes", c.dram_output_writes},
                                  {"onchip_input_fills", c.onchip_input_fills},
                                  {"onchip_weight_fills", c.onchip_weight_fills},
                                  {"onchip_output_writes", c.onchip_output_writes},
                                  {"onchip_input_reads", c.onchip_input_reads},
                                  {"cached_reads", c.cached_reads}, {"residual_reads", c.residual_reads},
                                  {"energy_pj", c.energy_pj}, {"cycles", c.compute_cycles}});
    return j.dump(2);
}

}  // namespace tessera::model
