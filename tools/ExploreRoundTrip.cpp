#include "ExploreRoundTrip.h"

#include "Lower.h"
#include "UserError.h"
#include "ir/Validate.h"
#include "model/Model.h"

#include <algorithm>
#include <cmath>

namespace tessera::cli {

bool lowers_as_searched(const ir::LayerSpec &layer, const explore::SpaceInfo &info, const explore::Candidate &c) {
    ScheduleRequest req;
    req.text = explore::schedule_text(info, c.point);
    req.text_origin = "explore's winner";
    try {
        const ir::AcceleratorIR lowered = lower_to_ir(layer, req);
        ir::validate_fit(lowered, info.arch);
        model::Model m(lowered, info.arch);
        const model::Estimate &e = m.evaluate();
        return e.cycles.total == c.cycles && std::fabs(e.energy_pj - c.energy_pj) <= 1e-9 * std::fabs(c.energy_pj);
    } catch (const std::exception &) {
        return false;
    }
}

WinnerCheck keep_winner_that_lowers(const ir::LayerSpec &layer, const explore::SpaceInfo &info,
                                    explore::SearchResult &r) {
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
    return WinnerCheck::NoneLowers;
}

}  // namespace tessera::cli
