#include "ExploreRoundTrip.h"

#include "Lower.h"
#include "UserError.h"
#include "ir/Validate.h"
#include "model/Model.h"

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
    for (const explore::Candidate &c : r.top)
        if (lowers_as_searched(layer, info, c)) {
            r.best = c;
            return WinnerCheck::Replaced;
        }
    return WinnerCheck::NoneLowers;
}

}  // namespace tessera::cli
