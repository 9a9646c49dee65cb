#include "FusionTuner.h"

#include "UserError.h"
#include "model/Model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <set>

namespace tessera::explore {

namespace {

int64_t dram_words(const model::Estimate &e) {
    int64_t w = 0;
    for (const auto &t : e.tensors)
        if (t.stages > 0) w += t.at[0].total_reads() + t.at[0].total_writes();
    return w;
}

std::vector<std::pair<int64_t, int64_t>> default_tiles(const ir::LayerSpec &last) {
    std::set<std::pair<int64_t, int64_t>> tiles;
    const int64_t H = last.out_h(), W = last.out_w();
    for (int64_t th : {int64_t(1), int64_t(2), int64_t(4), int64_t(8), int64_t(16), int64_t(32), int64_t(64), int64_t(128), H})
        for (int64_t tw : {int64_t(8), int64_t(16), int64_t(32), int64_t(64), int64_t(128), int64_t(256), W})
            tiles.insert({std::min(th, H), std::min(tw, W)});
    return {tiles.begin(), tiles.end()};
}

struct Option {
    double energy = 0;
    int64_t cycles = 0, dram = 0;
    int64_t th = 0, tw = 0;
    ir::Overlap overlap = ir::Overlap::Recompute;
    int cores = 1;
};

}  // namespace

FusionPlan tune_fusion(const std::vector<ir::LayerSpec> &layers, const std::vector<ir::AcceleratorIR> &irs,
                       const ir::Architecture &arch, const FusionOptions &opt,
                       const std::vector<model::Estimate> *estimates) {
    const auto start = std::chrono::steady_clock::now();
    const size_t N = layers.size();
    if (irs.size() != N) throw std::runtime_error("tune_fusion: one IR per layer");
    const int max_cores = std::max(opt.max_cores, 1);
    FusionPlan plan;
    // Layer by layer: each layer's own model, its compute split across the cores.
    std::vector<model::LayerCost> costs;
    std::vector<Totals> single(N);
    for (size_t i = 0; i < N; ++i) {
        model::Estimate e;
        if (estimates) {
            e = estimates->at(i);
        } else {
            model::Model m(irs[i], arch);
            e = m.evaluate();
        }
        costs.push_back(model::layer_cost(e, irs[i], arch));
        single[i].energy_pj = e.energy_pj;
        single[i].cycles = e.cycles.total - e.cycles.compute + (e.cycles.compute + max_cores - 1) / max_cores;
        single[i].dram_words = dram_words(e);
        plan.layer_by_layer.energy_pj += single[i].energy_pj;
        plan.layer_by_layer.cycles += single[i].cycles;
        plan.layer_by_layer.dram_words += single[i].dram_words;
        plan.lbl_energy.push_back(single[i].energy_pj);
        plan.lbl_dram.push_back(single[i].dram_words);
    }
    if (opt.progress) opt.progress("layer by layer: " + std::to_string(N) + " layers modelled");

    // Every fusable group [j, i] of two layers or more: its candidates (tile x overlap x cores).
    std::vector<std::vector<std::vector<Option>>> options(N, std::vector<std::vector<Option>>(N));
    std::vector<int> cores_list;
    for (int c = 1; c <= max_cores; c *= 2) cores_list.push_back(c);
    if (cores_list.back() != max_cores) cores_list.push_back(max_cores);
    const ir::Overlap modes[] = {ir::Overlap::Recompute, ir::Overlap::CacheH, ir::Overlap::CacheHV};
    const std::string level = arch.levels.size() > 1 ? arch.levels[1].name : arch.levels[0].name;
    for (size_t j = 0; j < N; ++j) {
        for (size_t i = j + 1; i < N && int(i - j) < opt.max_depth; ++i) {
            std::vector<ir::LayerSpec> chain(layers.begin() + long(j), layers.begin() + long(i) + 1);
            try {
                ir::check_chain(chain, false);
            } catch (const UserError &) {
                break;  // a longer group from j contains this broken link too
            }
            const auto tiles = opt.tiles.empty() ? default_tiles(chain.back()) : opt.tiles;
            const std::vector<model::LayerCost> group_costs(costs.begin() + long(j), costs.begin() + long(i) + 1);
            // The tile geometry depends on the tile's rows (columns) only: derived once per extent.
            std::map<int64_t, ir::AxisTiling> rows, cols;
            const auto y_axis = ir::axis_layers(chain, true), x_axis = ir::axis_layers(chain, false);
            ir::FusedGroup g;
            g.layers = chain;
            g.intermediates.resize(1);  // only its level is read: the candidate's buffers are the model's
            g.intermediates[0].level = level;
            for (auto [th, tw] : tiles) {
                auto ry = rows.find(th);
                if (ry == rows.end()) ry = rows.emplace(th, ir::tile_axis(y_axis, th)).first;
                auto cx = cols.find(tw);
                if (cx == cols.end()) cx = cols.emplace(tw, ir::tile_axis(x_axis, tw)).first;
                for (ir::Overlap mode : modes)
                    for (int cores : cores_list) {
                        g.tile_h = th, g.tile_w = tw, g.overlap = mode, g.cores = cores;
                        ++plan.candidates;
                        try {
                            const model::FusedEstimate e = model::evaluate_group(g, group_costs, arch, &ry->second, &cx->second);
                            options[j][i].push_back({e.energy_pj, e.cycles, e.dram_words, g.tile_h, g.tile_w, mode, cores});
                        } catch (const UserError &) {
                            // the tile does not fit: not a candidate
                        }
                    }
            }
        }
        if (opt.progress)
            opt.progress("groups starting at layer " + std::to_string(j + 1) + "/" + std::to_string(N) + ": " +
                         std::to_string(plan.candidates) + " candidates so far");
    }

    // Dynamic programming over the cut points for a weighted objective; EDP takes the best
    // product over a sweep of weights (the energy x cycles trade-off is not additive).
    const double E0 = std::max(plan.layer_by_layer.energy_pj, 1e-9), C0 = double(std::max<int64_t>(plan.layer_by_layer.cycles, 1));
    struct Pick {
        size_t first = 0;
        int option = -1;  // -1: the single layer, layer by layer
    };
    auto solve = [&](double we, double wc, std::vector<Pick> &picks) {
        std::vector<double> best(N + 1, std::numeric_limits<double>::infinity());
        picks.assign(N + 1, {});
        best[0] = 0;
        auto score = [&](double e, int64_t c) { return we * e / E0 + wc * double(c) / C0; };
        for (size_t i = 1; i <= N; ++i) {
            const size_t last = i - 1;
            best[i] = best[last] + score(single[last].energy_pj, single[last].cycles);
            picks[i] = {last, -1};
            for (size_t j = 0; j < last; ++j)
                for (size_t k = 0; k < options[j][last].size(); ++k) {
                    const Option &o = options[j][last][k];
                    const double s = best[j] + score(o.energy, o.cycles);
                    if (s < best[i]) best[i] = s, picks[i] = {j, int(k)};
                }
        }
    };
    std::vector<std::pair<double, double>> weights;
    if (opt.objective == Objective::Energy) weights = {{1, 1e-6}};
    else if (opt.objective == Objective::Cycles) weights = {{1e-6, 1}};
    else weights = {{1, 0}, {1, 0.1}, {1, 0.3}, {1, 1}, {1, 3}, {1, 10}, {0, 1}};
    std::vector<Pick> chosen;
    double chosen_value = std::numeric_limits<double>::infinity();
    for (auto [we, wc] : weights) {
        std::vector<Pick> picks;
        solve(we, wc, picks);
        double e = 0, c = 0;
        for (size_t i = N; i > 0; i = picks[i].first) {
            const Pick &p = picks[i];
            if (p.option < 0) e += single[i - 1].energy_pj, c += double(single[i - 1].cycles);
            else e += options[p.first][i - 1][size_t(p.option)].energy, c += double(options[p.first][i - 1][size_t(p.option)].cycles);
        }
        const double value = opt.objective == Objective::Edp ? e * c : opt.objective == Objective::Energy ? e : c;
        if (value < chosen_value) chosen_value = value, chosen = picks;
    }

    // The plan, first group first, re-evaluated for its per-layer counts.
    plan.df_energy.assign(N, 0);
    plan.df_dram.assign(N, 0);
    for (size_t i = N; i > 0; i = chosen[i].first) {
        const Pick &p = chosen[i];
        GroupChoice gc;
        gc.first = p.first, gc.last = i - 1;
        if (p.option < 0) {
            gc.totals = single[i - 1];
            plan.df_energy[i - 1] = single[i - 1].energy_pj;
            plan.df_dram[i - 1] = single[i - 1].dram_words;
        } else {
            const Option &o = options[p.first][i - 1][size_t(p.option)];
            gc.fused = true;
            gc.group.layers.assign(layers.begin() + long(p.first), layers.begin() + long(i));
            gc.group.layer_irs.assign(irs.begin() + long(p.first), irs.begin() + long(i));
            gc.group.tile_h = o.th, gc.group.tile_w = o.tw, gc.group.overlap = o.overlap, gc.group.cores = o.cores;
            ir::place_group(gc.group, level);
            const std::vector<model::LayerCost> group_costs(costs.begin() + long(p.first), costs.begin() + long(i));
            gc.estimate = model::evaluate_group(gc.group, group_costs, arch);
            gc.totals = {gc.estimate.energy_pj, gc.estimate.cycles, gc.estimate.dram_words};
            for (size_t l = 0; l < gc.estimate.layers.size(); ++l) {
                plan.df_energy[p.first + l] = gc.estimate.layers[l].energy_pj;
                plan.df_dram[p.first + l] = gc.estimate.layers[l].dram_words();
            }
        }
        plan.depth_first.energy_pj += gc.totals.energy_pj;
        plan.depth_first.cycles += gc.totals.cycles;
        plan.depth_first.dram_words += gc.totals.dram_words;
        plan.groups.insert(plan.groups.begin(), gc);
    }
    plan.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return plan;
}

}  // namespace tessera::explore
