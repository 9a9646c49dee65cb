#include "NetworkDesign.h"

#include "DesignDescription.h"
#include "DesignWiring.h"

#include "DesignSpec.h"
#include "SearchState.h"
#include "UserError.h"
#include "model/EnergyFloor.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <sstream>

namespace tessera::explore {

namespace {

// Layer `info` searched again for its best mapping on `design`.
SearchResult search_on(const rtl::DesignSpec &design, const SpaceInfo &info, const SearchOptions &opt) {
    return search(info, options_on(design, info, opt));
}

// Does the point run on the design: wired to the array as it is, with its kind of PE?
bool runs_on(const rtl::DesignSpec &design, const SpaceInfo &info, const Point &p) {
    return rtl::why_not_same_kind(design, build_ir(info, p, false)).empty();
}

// A search result's candidates that run on the design, scored on `info` (a level split per tensor
// too): those that do not run on it or no longer fit are dropped, the ranking and the front
// redone. The ranked mappings of a layer's own search may be wired otherwise than its best, and
// the written winner is taken from them (the Halide round trip may replace the best). False when
// none is left.
bool rescore(const rtl::DesignSpec &design, const SpaceInfo &info, Objective objective, SearchResult &r) {
    std::vector<Candidate> top, pareto;
    for (auto *list : {&r.top, &r.pareto})
        for (Candidate c : *list) {
            if (!runs_on(design, info, c.point)) continue;
            std::string misfit;
            const model::Estimate e = evaluate_point(info, c.point, &misfit);
            if (!misfit.empty()) continue;
            c.energy_pj = e.energy_pj, c.cycles = e.cycles.total, c.score = score_of(objective, c.energy_pj, c.cycles);
            (list == &r.top ? top : pareto).push_back(c);
        }
    top.insert(top.end(), pareto.begin(), pareto.end());
    std::stable_sort(top.begin(), top.end(), detail::better);
    r.top.clear();
    for (const Candidate &c : top)
        if (r.top.empty() || c.energy_pj != r.top.back().energy_pj || c.cycles != r.top.back().cycles) r.top.push_back(c);
    std::sort(top.begin(), top.end(), [](const Candidate &a, const Candidate &b) {
        return a.energy_pj != b.energy_pj ? a.energy_pj < b.energy_pj : a.cycles < b.cycles;
    });
    r.pareto.clear();
    for (const Candidate &c : top)
        if (r.pareto.empty() || c.cycles < r.pareto.back().cycles) r.pareto.push_back(c);
    r.found = !r.top.empty();
    if (r.found) r.best = r.top.front();
    return r.found;
}

// Each of a design's buffers is sized for its tensor's largest tile of any layer, so together they
// can exceed a shared level that every layer's tiles fit. Such a level is split into one memory per
// tensor, in proportion to the buffers (ir::MemoryLevel::tensor_bytes; the output's share holds the
// bias table too), which the layers then fit one by one. Returns the levels it split ("" if none).
std::string partition_overfull_levels(const rtl::DesignSpec &d, ir::Architecture &arch) {
    std::string split;
    for (size_t level = 1; level < arch.levels.size(); ++level) {
        ir::MemoryLevel &m = arch.levels[level];
        if (arch.is_per_pe(level) || m.size_bytes <= 0 || m.partitioned() ||
            d.buffer_bytes_at(int(level)) <= m.size_bytes)
            continue;
        const int64_t total = d.buffer_bytes_at(int(level));
        for (int t = 0; t < 3; ++t) {
            const int64_t demand = d.buffer_bytes_at(int(level), t);  // 0: the tensor shares what is left
            const int64_t share = int64_t(double(m.size_bytes) * double(demand) / double(total));
            m.tensor_bytes[t] = demand == 0 ? 0 : std::max<int64_t>(1, share - (t == 2 ? d.bias_table_bytes() : 0));
        }
        split += (split.empty() ? "" : ", ") + m.name + " split I " + std::to_string(m.tensor_bytes[0]) + " B, W " +
                 std::to_string(m.tensor_bytes[1]) + " B, O " + std::to_string(m.tensor_bytes[2]) + " B";
    }
    return split;
}

// The design compile builds for the layers' winners (rtl::design_for) on the design's architecture.
rtl::DesignSpec winners_design(const std::vector<SpaceInfo> &spaces, const std::vector<size_t> &first,
                               const NetworkDesign &nd) {
    std::vector<ir::AcceleratorIR> irs;
    for (size_t i = 0; i < spaces.size(); ++i)
        if (first[i] == i) irs.push_back(sized_ir(spaces[i], nd.layers[i].best.point));
    return rtl::design_for(irs, nd.arch);
}

// Layer i searched again under `design` (noted once in searched_again); false when nothing fits.
bool search_again(const rtl::DesignSpec &design, const SpaceInfo &info, const SearchOptions &opt, size_t i,
                  NetworkDesign &nd) {
    nd.layers[i] = search_on(design, info, opt);
    if (std::find(nd.searched_again.begin(), nd.searched_again.end(), i) == nd.searched_again.end())
        nd.searched_again.push_back(i);
    return nd.layers[i].found;
}

// The network's totals: each distinct layer's winner once per layer that shares its search.
void sum_winners(const std::vector<size_t> &first, const std::vector<int64_t> &copies, NetworkDesign &nd) {
    nd.energy_pj = 0, nd.cycles = 0;
    for (size_t i = 0; i < first.size(); ++i) {
        if (first[i] != i) continue;
        nd.energy_pj += double(copies[i]) * nd.layers[i].best.energy_pj;
        nd.cycles += copies[i] * nd.layers[i].best.cycles;
    }
}

// The candidate's layers (`nd`) made to fit one design: a shared level its buffers overflow is
// partitioned (partition_overfull_levels), each layer's mappings are scored again on the split
// level, and a layer none of whose mappings fits it is searched again. "" or why the candidate is
// dropped.
std::string fit_levels(const std::vector<SpaceInfo> &spaces, const std::vector<size_t> &first,
                       const std::vector<int64_t> &copies, const SearchOptions &opt,
                       const rtl::DesignSpec &wiring, NetworkDesign &nd) {
    nd.partitions = partition_overfull_levels(winners_design(spaces, first, nd), nd.arch);
    if (nd.partitions.empty()) return {};
    for (size_t i = 0; i < spaces.size(); ++i) {
        if (first[i] != i) continue;
        const SpaceInfo info = space_info(spaces[i].problem, nd.arch);
        if (!rescore(wiring, info, opt.objective, nd.layers[i]) && !search_again(wiring, info, opt, i, nd))
            return "layer " + info.problem.layer.name + " has no mapping wired so that fits " + nd.partitions;
    }
    sum_winners(first, copies, nd);
    if (!rtl::overflowing_levels(winners_design(spaces, first, nd), nd.arch).empty())
        return "its buffers do not fit " + nd.partitions;
    return {};
}

// The design compile builds for the layers' winners (rtl::design_for, the same derivation) must run
// every one of them. A candidate's kind can leave a choice open: the variant that keeps at a shared
// level a tensor its winner moved straight to or from DRAM does not say whether that tile is single
// or double buffered, and the layers may then choose differently; compile takes
// one layer's choice and refuses the others. Layers that do not run on the design their winners
// make are searched again under it (its choices fixed), until all do; `wiring` becomes that design.
std::string settle_kind(const std::vector<SpaceInfo> &spaces, const std::vector<size_t> &first,
                        const std::vector<int64_t> &copies, const SearchOptions &opt, rtl::DesignSpec &wiring,
                        NetworkDesign &nd) {
    for (int round = 0; round < 3; ++round) {
        const rtl::DesignSpec derived = winners_design(spaces, first, nd);
        bool all_run = true;
        for (size_t i = 0; i < spaces.size(); ++i) {
            if (first[i] != i || runs_on(derived, spaces[i], nd.layers[i].best.point)) continue;
            all_run = false;
            if (!search_again(derived, spaces[i], opt, i, nd))
                return "layer " + spaces[i].problem.layer.name + " has no mapping of the kind its layers' winners make";
        }
        if (all_run) {
            wiring = derived;
            sum_winners(first, copies, nd);
            return {};
        }
    }
    return "its layers' winners do not settle on one kind of design";
}

// A wiring that fixes both axes constrains the other layers meaningfully; one that leaves an
// axis unused says nothing about it (the layers using it must then match an empty axis).
bool uses_both_axes(const rtl::DesignSpec &d) { return d.rows > 1 && d.cols > 1; }

}  // namespace

ir::AcceleratorIR sized_ir(const SpaceInfo &info, const Point &p) {
    ir::AcceleratorIR ir = build_ir(info, p, false);
    model::Model m(ir, info.arch);
    m.evaluate(blocking_of(info, p));
    m.write_boxes(ir.mapping);
    return ir;
}

NetworkDesign one_design(const std::vector<SpaceInfo> &spaces, const std::vector<SearchResult> &free,
                         const SearchOptions &opt, const std::function<void(const std::string &)> &progress) {
    std::vector<ir::Problem> problems;
    for (const auto &s : spaces) problems.push_back(s.problem);
    const std::vector<size_t> first = first_identical(problems);

    // The candidate designs, in layer order, both-axes ones first; one per distinct wiring and
    // kind of PE (which operands come from per-PE files): a layer whose winner is of another kind
    // may have no mapping of this one.
    std::vector<std::pair<size_t, rtl::DesignSpec>> wirings;
    std::vector<std::string> seen;
    // A design from layer i's mapping. A mapping whose per-PE files DRAM fills (or drains to)
    // makes every layer do without those shared tiles; the same wiring with the operands' tiles
    // kept, the output's, or both, are candidates too.
    auto add_candidates = [&](size_t i, const rtl::DesignSpec &d) {
        for (int keep = 0; keep < 4; ++keep) {
            rtl::DesignSpec c = d;
            if (keep & 1) c.input_dram_fed = c.weight_dram_fed = false;
            if (keep & 2) c.output_dram_fed = false;
            const std::string w = describe(c);
            if (std::find(seen.begin(), seen.end(), w) != seen.end()) continue;
            seen.push_back(w);
            wirings.emplace_back(i, c);
        }
    };
    for (int pass = 0; pass < 2; ++pass)
        for (size_t i = 0; i < spaces.size(); ++i) {
            if (first[i] != i || !free[i].found) continue;
            rtl::DesignSpec d = design_of(spaces[i], free[i].best.point);
            if (uses_both_axes(d) == (pass == 0)) add_candidates(i, d);
        }
    std::vector<int64_t> copies(spaces.size(), 0);  // how many layers share each search
    for (size_t i = 0; i < spaces.size(); ++i) ++copies[first[i]];
    // Lower bounds of a layer on any design: its energy floor (model::energy_floor) and its MACs
    // over all PEs in cycles.
    std::vector<double> floor_pj(spaces.size(), 0);
    std::vector<int64_t> floor_cycles(spaces.size(), 0);
    for (size_t i = 0; i < spaces.size(); ++i) {
        if (first[i] != i) continue;
        const int64_t pes = spaces[i].arch.rows * spaces[i].arch.cols;
        floor_pj[i] = model::energy_floor(spaces[i].problem, spaces[i].arch).total_pj();
        floor_cycles[i] = (spaces[i].problem.macs() + pes - 1) / pes;
    }
    bool size_priced = false;  // a shared level whose energy per access follows its size
    for (size_t l = 1; l < spaces.front().arch.levels.size(); ++l)
        size_priced |= !spaces.front().arch.is_per_pe(l) && !spaces.front().arch.levels[l].energy_by_size.empty();
    // Each candidate's lower bound before any search: the layers whose own winner runs on it at
    // that winner, the others at their floors. The candidates are tried from the lowest bound up,
    // so that a good design is found early and the bound drops the others sooner; a tie goes to
    // the candidate listed first, as in that order, so the winner does not depend on the order.
    // (With no layer to search again, the bound is the candidate's score before its level is split,
    // which on a size-priced level can still drop: such a candidate is not dropped by it, as below.)
    std::vector<double> bound_score;
    std::vector<bool> bound_final;  // the bound drops the candidate when it loses
    // Whether layer i's own winner runs on candidate w (rtl::why_not_same_kind), asked once.
    std::vector<std::vector<bool>> winner_runs;
    // The candidates wirings[begin..] from the lowest bound up.
    auto bound_order = [&](size_t begin) {
        std::vector<size_t> order;
        bound_score.resize(wirings.size(), 0);
        bound_final.resize(wirings.size(), true);
        winner_runs.resize(wirings.size(), std::vector<bool>(spaces.size(), false));
        for (size_t w = begin; w < wirings.size(); ++w) {
            order.push_back(w);
            double pj = 0;
            int64_t cycles = 0;
            bool all_run = true;
            for (size_t i = 0; i < spaces.size(); ++i) {
                if (first[i] != i) continue;
                const bool runs = free[i].found && runs_on(wirings[w].second, spaces[i], free[i].best.point);
                winner_runs[w][i] = runs;
                all_run = all_run && runs;
                pj += double(copies[i]) * (runs ? free[i].best.energy_pj : floor_pj[i]);
                cycles += copies[i] * (runs ? free[i].best.cycles : floor_cycles[i]);
            }
            bound_score[w] = score_of(opt.objective, pj, cycles);
            bound_final[w] = !(all_run && size_priced);
        }
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return bound_score[a] < bound_score[b]; });
        return order;
    };
    std::unique_ptr<NetworkDesign> best;
    double best_score = 0;
    size_t best_index = 0;  // the best's place in `wirings`
    // Whether a design of the given score (or lower bound) at place w in `wirings` can no longer win.
    auto loses = [&](double score, size_t w) {
        return best && (score > best_score || (score == best_score && w > best_index));
    };
    std::map<std::string, std::set<size_t>> failed_under;  // wiring -> layers with no mapping so wired
    // Tries the candidates wirings[begin..]; the best so far is kept across calls.
    auto try_candidates = [&](size_t begin) {
        for (size_t w : bound_order(begin)) {
            const auto &[from, design] = wirings[w];
            if (bound_final[w] && loses(bound_score[w], w)) {
                if (progress) progress("wiring " + describe(design) + ": no better than the best so far before any search");
                continue;
            }
            NetworkDesign nd;
            nd.wiring = describe(design);
            nd.wiring_from = from;
            nd.layers.resize(spaces.size());
            auto add = [&](size_t i) {
                nd.energy_pj += double(copies[i]) * nd.layers[i].best.energy_pj;
                nd.cycles += copies[i] * nd.layers[i].best.cycles;
            };
            // The layers whose own winner runs on the design first, then the others searched again
            // under it, until the sum with the floors of the layers left already scores no better
            // than the best design's: every score only grows with a layer's share.
            std::vector<size_t> again;
            double floor_left_pj = 0;
            int64_t floor_left_cycles = 0;
            for (size_t i = 0; i < spaces.size(); ++i) {
                if (first[i] != i) continue;
                if (winner_runs[w][i]) {
                    nd.layers[i] = free[i];
                    rescore(design, spaces[i], opt.objective, nd.layers[i]);  // keeps the best, which runs on it
                    add(i);
                } else {
                    again.push_back(i);
                    floor_left_pj += double(copies[i]) * floor_pj[i];
                    floor_left_cycles += copies[i] * floor_cycles[i];
                }
            }
            // A layer that had no mapping under another candidate wired the same way (another kind
            // of PE) most likely has none here either: it is searched first, so that such a
            // candidate is dropped after one search rather than after all the others (the result
            // does not depend on the order: a candidate is kept only when every layer has a mapping).
            // The others, the layers whose own winner scores furthest above its floor first: their searches
            // most likely raise the bound the most.
            auto gap = [&](size_t i) {
                return free[i].found ? score_of(opt.objective, double(copies[i]) * free[i].best.energy_pj,
                                                copies[i] * free[i].best.cycles) -
                                           score_of(opt.objective, double(copies[i]) * floor_pj[i],
                                                    copies[i] * floor_cycles[i])
                                     : 0.0;
            };
            std::stable_sort(again.begin(), again.end(), [&](size_t a, size_t b) { return gap(a) > gap(b); });
            std::set<size_t> &unwired = failed_under[describe_wiring(design)];
            std::stable_partition(again.begin(), again.end(), [&](size_t i) { return unwired.count(i) > 0; });
            std::string dropped;  // why this design lost
            // A layer the wiring leaves no spatial choice drops the candidate before any search.
            for (size_t i : again)
                if (!has_wired_choice(design, spaces[i], opt)) {
                    unwired.insert(i);
                    dropped = "layer " + spaces[i].problem.layer.name + " has no mapping wired so";
                    break;
                }
            for (size_t i : again) {
                if (!dropped.empty()) break;
                if (loses(score_of(opt.objective, nd.energy_pj + floor_left_pj, nd.cycles + floor_left_cycles), w)) {
                    dropped = "no better than the best so far before all its layers are searched";
                    break;
                }
                floor_left_pj -= double(copies[i]) * floor_pj[i];
                floor_left_cycles -= copies[i] * floor_cycles[i];
                if (!search_again(design, spaces[i], opt, i, nd)) {
                    unwired.insert(i);
                    dropped = "layer " + spaces[i].problem.layer.name + " has no mapping wired so";
                    break;
                }
                add(i);
            }
            // Splitting a level per tensor only narrows the layers' choices, and prices no access lower
            // unless the level's energy depends on its size: a candidate no better than the best so
            // far is not split.
            if (dropped.empty() && !size_priced && loses(score_of(opt.objective, nd.energy_pj, nd.cycles), w))
                dropped = "no better than the best so far";
            nd.arch = spaces.front().arch;
            rtl::DesignSpec settled = design;
            if (dropped.empty()) dropped = settle_kind(spaces, first, copies, opt, settled, nd);
            nd.kind = settled;
            if (dropped.empty()) nd.wiring = describe(settled);
            if (dropped.empty()) dropped = fit_levels(spaces, first, copies, opt, settled, nd);
            if (progress) {
                std::ostringstream line;
                line << "wiring " << nd.wiring << ": ";
                if (!nd.partitions.empty()) line << "(" << nd.partitions << ") ";
                if (dropped.empty()) line << nd.energy_pj << " pJ, " << nd.cycles << " cycles";
                progress(line.str() + dropped);
            }
            if (!dropped.empty()) continue;
            for (size_t i = 0; i < spaces.size(); ++i)
                if (first[i] != i) nd.layers[i] = nd.layers[first[i]];
            const double score = score_of(opt.objective, nd.energy_pj, nd.cycles);
            if (!best || score < best_score || (score == best_score && w < best_index))
                best = std::make_unique<NetworkDesign>(std::move(nd)), best_score = score, best_index = w;
        }
    };
    try_candidates(0);
    if (!best) {
        const size_t before = wirings.size();
        for (const auto &[i, design] : choice_wirings(spaces, first, opt)) add_candidates(i, design);
        if (progress)
            progress("no winner's wiring runs every layer: " + std::to_string(wirings.size() - before) +
                     " more candidates from the layers' other spatial choices");
        try_candidates(before);
    }
    if (!best) {
        // Name two layers that cannot share a design at all, if there are such: what to split off.
        const std::string pair = layers_without_common_wiring(spaces, first, opt);
        if (!pair.empty())
            throw UserError("no one design runs every layer: no wiring of the array serves both layers " + pair +
                            " (no dim meets their tensors alike); explore and compile them as separate designs "
                            "(--layer)");
        throw UserError("no one design runs every layer: each wiring of the array leaves some layer without "
                        "an RTL-generatable mapping; explore the layers one by one (--layer) and compile them "
                        "as separate designs");
    }
    best->wirings_tried = int(wirings.size());
    return *best;
}

}  // namespace tessera::explore
