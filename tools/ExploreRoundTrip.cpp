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

}  // namespace

bool lowers_as_searched(const ir::LayerSpec &layer, const explore::SpaceInfo &info, const explore::Candidate &c) {
    explore::Candidate e;
    return lower_candidate(layer, info, c, e) && e.cycles == c.cycles &&
           std::fabs(e.energy_pj - c.energy_pj) <= 1e-9 * std::fabs(c.energy_pj);
}

WinnerCheck keep_winner_that_lowers(const ir::LayerSpec &layer, const explore::SpaceInfo &info,
                                    explore::Objective objective, explore::SearchResult &r) {
    if (!r.found || lowers_as_searched(layer, info, r.best)) return WinnerCheck::Kept;
    // The ranked mappings often differ only where Halide bounds them alike; the Pareto front adds
    // other structures. Best score first.
    std::vector<explore::Candidate> others = r.top;
    others.insert(others.end(), r.pareto.begin(), r.pareto.end());
    std::stable_sort(others.begin(), others.end(),
                     [](const explore::Candidate &a, const explore::Candidate &b) { return a.score < b.score; });
    for (const explore::Candidate &c : others)
        if (lowers_as_searched(layer, info, c)) {
            r.best = c;
            return WinnerCheck::Replaced;
        }
    // None lowers to the counts searched: the written winner is the one whose lowered schedule
    // scores best, reported with the lowered figures, so that explore's figures are those the
    // other commands see.
    std::optional<explore::Candidate> best;
    others.insert(others.begin(), r.best);
    for (const explore::Candidate &c : others) {
        explore::Candidate lowered;
        if (!lower_candidate(layer, info, c, lowered)) continue;
        lowered.score = explore::score_of(objective, lowered.energy_pj, lowered.cycles);
        if (!best || lowered.score < best->score) best = lowered;
    }
    if (!best) return WinnerCheck::NoneLowers;
    r.best = *best;
    return WinnerCheck::Relowered;
}

}  // namespace tessera::cli
