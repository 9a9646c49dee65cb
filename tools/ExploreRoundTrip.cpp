#include "ExploreRoundTrip.h"

#include "Lower.h"
#include "UserError.h"
#include "ir/Validate.h"
#include "model/Model.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace tessera::cli {

namespace {

// The candidate's schedule text lowered by Halide, fitted and modelled: its energy and cycles in
// `lowered`; false if it does not lower or fit.
bool lower_candidate(const ir::LayerSpec &layer, const explore::SpaceInfo &info, const explore::Candidate &c,
                     explore::Candidate &lowered) {
    ScheduleRequest req;
    req.text = explore::schedule_text(info, c.point);
    req.text_origin = "explore's winner";
    try {
        const ir::AcceleratorIR ir = lower_to_ir(layer, req);
        ir::validate_fit(ir, info.arch);
        model::Model m(ir, info.arch);
        const model::Estimate &e = m.evaluate();
        lowered = c;
        lowered.energy_pj = e.energy_pj;
        lowered.cycles = e.cycles.total;
        return true;
    } catch (const std::exception &) {
        return false;
    }
}

// Does the lowered candidate give the figures the search scored?
bool same_figures(const explore::Candidate &lowered, const explore::Candidate &searched) {
    return lowered.cycles == searched.cycles &&
           std::fabs(lowered.energy_pj - searched.energy_pj) <= 1e-9 * std::fabs(searched.energy_pj);
}

}  // namespace

bool lowers_as_searched(const ir::LayerSpec &layer, const explore::SpaceInfo &info, const explore::Candidate &c) {
    explore::Candidate lowered;
    return lower_candidate(layer, info, c, lowered) && same_figures(lowered, c);
}

WinnerCheck keep_winner_that_lowers(const ir::LayerSpec &layer, const explore::SpaceInfo &info,
                                    explore::Objective objective, explore::SearchResult &r) {
    if (!r.found) return WinnerCheck::Kept;
    // The best, then the ranked mappings (they often differ only where Halide bounds them alike)
    // and the Pareto front (other structures), best score first; each lowered once.
    std::vector<explore::Candidate> order = r.top;
    order.insert(order.end(), r.pareto.begin(), r.pareto.end());
    std::stable_sort(order.begin(), order.end(),
                     [](const explore::Candidate &a, const explore::Candidate &b) { return a.score < b.score; });
    order.insert(order.begin(), r.best);
    // If none lowers to the counts searched, the written winner is the one whose lowered schedule
    // scores best, reported with the lowered figures: those the other commands see.
    std::optional<explore::Candidate> best_lowered;
    for (size_t k = 0; k < order.size(); ++k) {
        explore::Candidate lowered;
        if (!lower_candidate(layer, info, order[k], lowered)) continue;
        if (same_figures(lowered, order[k])) {
            if (k == 0) return WinnerCheck::Kept;
            r.best = order[k];
            return WinnerCheck::Replaced;
        }
        lowered.score = explore::score_of(objective, lowered.energy_pj, lowered.cycles);
        if (!best_lowered || lowered.score < best_lowered->score) best_lowered = lowered;
    }
    if (!best_lowered) return WinnerCheck::NoneLowers;
    r.best = *best_lowered;
    return WinnerCheck::Relowered;
}

}  // namespace tessera::cli
