#include "Search.h"

#include "Anneal.h"
#include "Exhaustive.h"
#include "Polish.h"
#include "SearchState.h"
#include "UserError.h"
#include "ir/Json.h"
#include "ir/Validate.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <functional>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <thread>
#include <unordered_map>

namespace tessera::explore {

double score_of(Objective o, double energy, int64_t cycles) {
    switch (o) {
    case Objective::Energy: return energy + 1e-9 * double(cycles);  // ties: fewer cycles
    case Objective::Cycles: return double(cycles) + 1e-12 * energy;
    case Objective::Edp: return energy * double(cycles);
    }
    return energy;
}

Objective parse_objective(const std::string &s) {
    if (s == "energy") return Objective::Energy;
    if (s == "cycles") return Objective::Cycles;
    if (s == "edp") return Objective::Edp;
    throw UserError("unknown objective '" + s + "' (use energy, cycles or edp)");
}

namespace {

using namespace detail;

void merge(SearchResult &r, const std::vector<UnitResult> &units) {
    std::vector<Candidate> all_pareto, all_top;
    for (const auto &u : units) {
        r.evaluated += u.evaluated;
        all_pareto.insert(all_pareto.end(), u.pareto.begin(), u.pareto.end());
        all_top.insert(all_top.end(), u.top.begin(), u.top.end());
    }
    std::sort(all_top.begin(), all_top.end(), better);
    std::map<std::pair<double, int64_t>, bool> seen;  // one row per cost
    for (const auto &c : all_top)
        if (!seen[{c.energy_pj, c.cycles}] && r.top.size() < Evaluator::kTop)
            seen[{c.energy_pj, c.cycles}] = true, r.top.push_back(c);
    std::sort(all_pareto.begin(), all_pareto.end(), [](const Candidate &a, const Candidate &b) {
        if (a.energy_pj != b.energy_pj) return a.energy_pj < b.energy_pj;
        if (a.cycles != b.cycles) return a.cycles < b.cycles;
        return point_key(a.point) < point_key(b.point);
    });
    for (const auto &c : all_pareto)
        if (r.pareto.empty() || c.cycles < r.pareto.back().cycles) r.pareto.push_back(c);
    r.found = !r.top.empty();
    if (r.found) r.best = r.top.front();
}

}  // namespace

std::vector<size_t> first_identical(const std::vector<ir::Problem> &problems) {
    std::map<std::string, size_t> first;
    std::vector<size_t> out;
    for (size_t i = 0; i < problems.size(); ++i) {
        nlohmann::json key = ir::to_json(problems[i].layer);
        key.erase("name");
        out.push_back(first.emplace(key.dump(), i).first->second);
    }
    return out;
}

model::Estimate evaluate_point(const SpaceInfo &info, const Point &p, std::string *fit_error) {
    model::Model m(build_ir(info, p), info.arch);
    model::Estimate e = m.evaluate(blocking_of(info, p));
    if (fit_error) *fit_error = m.fit_error();
    return e;
}

SearchResult search(const SpaceInfo &info, const SearchOptions &opt) {
    const auto start = std::chrono::steady_clock::now();
    const Constraints &c = opt.constraints;
    if (c.spatial_fixed) {
        // (The annealer's moves need a lane to change; the CLI's --spatial always names one.)
        if (c.row_dims.empty() && c.col_dims.empty())
            throw UserError("a fixed spatial choice names no dim; give at least one (e.g. --spatial 'C|K')");
        if (!c.row_dims.empty() && info.arch.rows == 1)
            throw UserError("--spatial maps a row axis but the architecture's array has one row; "
                            "give one axis (e.g. --spatial K)");
    }
    const std::vector<SpatialChoice> choices = spatial_choices(info, c);
    std::vector<std::vector<int64_t>> values;
    for (int d = 0; d < info.dims(); ++d) values.push_back(tile_values(info.extent(d)));
    const int threads = std::max(1, opt.threads);
    Progress progress;
    SearchResult r;
    if (choices.empty()) return r;  // no spatial choice is allowed: nothing found

    // Runs the work units (job(j, evaluator) returns whether unit j aborted), each with its own
    // evaluator: units share no results, so opt.run_units may run them anywhere. A unit rebuilds
    // the models earlier units left (ModelPool): it takes a pool no running unit holds and gives
    // it back; results do not depend on which.
    std::vector<std::unique_ptr<ModelPool>> free_pools;
    std::mutex pools_mu;
    auto run_pool = [&](int jobs, auto &&job) {
        const std::function<UnitResult(int)> run_unit = [&](int j) {
            std::unique_ptr<ModelPool> models;
            {
                std::lock_guard<std::mutex> lock(pools_mu);
                if (!free_pools.empty()) models = std::move(free_pools.back()), free_pools.pop_back();
            }
            if (!models) models = std::make_unique<ModelPool>(info);
            UnitResult u;
            {
                Evaluator ev{info, opt.objective, c, models.get()};
                u.aborted = job(j, ev);
                u.evaluated = ev.evaluated, u.pareto = std::move(ev.pareto), u.top = std::move(ev.top);
            }  // (its models back into the pool)
            std::lock_guard<std::mutex> lock(pools_mu);
            free_pools.push_back(std::move(models));
            return u;
        };
        if (opt.run_units) return opt.run_units(jobs, run_unit);
        std::vector<UnitResult> units(static_cast<size_t>(jobs));
        std::atomic<int> next{0};
        const int workers = std::min(threads, jobs);
        int done = 0;  // workers finished (under done_mu)
        std::mutex done_mu;
        std::condition_variable finished;
        std::vector<std::thread> pool;
        for (int t = 0; t < workers; ++t)
            pool.emplace_back([&] {
                for (int j; (j = next++) < jobs;) units[size_t(j)] = run_unit(j);
                std::lock_guard<std::mutex> lock(done_mu);
                ++done;
                finished.notify_all();
            });
        // The progress line every half second, but no wait past the last worker: a search's
        // phases take milliseconds each, and a fixed sleep made a run on a terminal ten times
        // slower than the same run into a pipe.
        if (opt.progress) {
            std::unique_lock<std::mutex> wait(done_mu);
            while (!finished.wait_for(wait, std::chrono::milliseconds(500), [&] { return done == workers; })) {
                std::lock_guard<std::mutex> lock(progress.mu);
                std::ostringstream best;
                if (progress.best < 0)
                    best << "-";
                else
                    best << std::setprecision(5) << progress.best
                         << (opt.objective == Objective::Energy   ? " pJ"
                             : opt.objective == Objective::Cycles ? " cycles"
                                                                  : " pJ x cycles");
                std::cerr << "\rexplore: " << progress.evaluated.load() << " mappings evaluated, best " << best.str()
                          << "   " << std::flush;
            }
        }
        for (auto &t : pool) t.join();
        if (opt.progress) std::cerr << "\r" << std::string(70, ' ') << "\r" << std::flush;
        return units;
    };

    bool exhaustive = opt.mode == "exhaustive" || opt.mode == "auto";
    if (opt.mode != "auto" && opt.mode != "exhaustive" && opt.mode != "anneal")
        throw UserError("unknown --search '" + opt.mode + "' (use auto, exhaustive or anneal)");
    if (opt.mode == "auto") {  // count the space first (no model): exhaustive only if it is small
        Evaluator counter{info, opt.objective, c};
        ExhaustiveLimits counting{opt.exhaustive_limit, nullptr, true, opt.capacity_bound, opt.dominance_pruning};
        int64_t counted = 0;
        for (const auto &choice : choices)
            if (!(exhaustive = enumerate_choice(info, c, counter, values, choice, counting, counted))) break;
    }
    if (exhaustive) {
        std::atomic<bool> aborted{false};
        // The limit applies to the whole space: each spatial choice gets its share.
        const int64_t per_choice = std::max<int64_t>(1, opt.exhaustive_limit / int64_t(choices.size()));
        auto units = run_pool(int(choices.size()), [&](int j, Evaluator &ev) {
            if (aborted) return true;
            int64_t counted = 0;
            const bool done = enumerate_choice(
                info, c, ev, values, choices[size_t(j)],
                {per_choice, &aborted, false, opt.capacity_bound, opt.dominance_pruning}, counted);
            progress.evaluated += ev.evaluated;
            if (!done) aborted = true;
            return !done;
        });
        for (const auto &u : units) aborted = aborted || u.aborted;  // units run elsewhere included
        if (!aborted) {
            merge(r, units);
            r.optimal = r.found;
        } else if (opt.mode == "exhaustive") {
            throw UserError("the space has more than " + std::to_string(opt.exhaustive_limit) +
                            " mappings; use --search anneal (or auto) or raise --exhaustive-limit");
        } else {
            exhaustive = false;
        }
    }
    // One annealing search (phases 1 to 3 below) from `seed`: its units, and their merge in `r`.
    auto anneal_search = [&](uint64_t seed, std::vector<UnitResult> &units, SearchResult &r) {
        // Phase 1, successive halving over the spatial choices: every choice anneals briefly from
        // its own first point (its lanes filled); the better half continues from its best point
        // with twice the steps, and so on until `chains` choices are left. Half the budget.
        // Phase 2: the chains anneal from the best points of the choices left, their spatial moves
        // among those choices. Every unit's candidates count in the result.
        const int64_t budget = int64_t(opt.chains) * opt.anneal_steps;
        const size_t keep = size_t(std::max(1, opt.chains));
        int rounds = 1;
        for (size_t n = choices.size(); n > keep; n = (n + 1) / 2) ++rounds;
        std::vector<size_t> alive(choices.size());
        for (size_t j = 0; j < alive.size(); ++j) alive[j] = j;
        std::vector<std::optional<Candidate>> best_of(choices.size());
        for (int round = 0;; ++round) {
            // Fewer choices than chains (a user's --spatial, a small layer): each choice runs as
            // several independent chains, the first from its best point, the others from fresh
            // first points (one long chain from one start stays near it).
            const size_t copies = std::max<size_t>(1, keep / alive.size());
            const size_t runs = alive.size() * copies;
            const int64_t steps = std::max<int64_t>(30, budget / 2 / rounds / int64_t(runs));
            auto screened = run_pool(int(runs), [&](int j, Evaluator &ev) {
                const size_t choice = alive[size_t(j) % alive.size()], copy = size_t(j) / alive.size();
                const std::vector<SpatialChoice> one{choices[choice]};
                anneal_chain(info, c, one, 0, ev,
                             seed * 1000003ULL + 7919ULL * (choice + 1) + 104729ULL * uint64_t(round) +
                                 15485863ULL * copy,
                             values, 0.05,
                             best_of[choice] && copy == 0 ? std::optional<Point>(best_of[choice]->point) : std::nullopt,
                             steps, progress);
                return false;
            });
            for (size_t j = 0; j < runs; ++j)
                for (const Candidate &cand : screened[j].top)
                    if (!best_of[alive[j % alive.size()]] || better(cand, *best_of[alive[j % alive.size()]]))
                        best_of[alive[j % alive.size()]] = cand;
            units.insert(units.end(), screened.begin(), screened.end());
            // Rank: choices with a feasible point by their best, then the others in order.
            std::stable_sort(alive.begin(), alive.end(), [&](size_t x, size_t y) {
                if (!best_of[x] || !best_of[y]) return best_of[x].has_value() && !best_of[y].has_value();
                return better(*best_of[x], *best_of[y]);
            });
            if (alive.size() <= keep) break;
            alive.resize(std::max(keep, (alive.size() + 1) / 2));
        }
        std::vector<SpatialChoice> kept;
        for (size_t j : alive) kept.push_back(choices[j]);
        const int64_t chain_steps = std::max<int64_t>(1, opt.anneal_steps / 2);
        auto chains = run_pool(opt.chains, [&](int j, Evaluator &ev) {
            const size_t choice = alive[size_t(j) % alive.size()];
            // The start: the choice's best point, else its first point (choices[choice] is kept[j % n]).
            const bool fresh = (size_t(j) / alive.size()) % 2 == 1;
            anneal_chain(info, c, kept, size_t(j) % alive.size(), ev, seed * 1000003ULL + uint64_t(j), values,
                         0.1, best_of[choice] && !fresh ? std::optional<Point>(best_of[choice]->point) : std::nullopt,
                         chain_steps, progress);
            return false;
        });
        units.insert(units.end(), chains.begin(), chains.end());
        merge(r, units);
        // Phase 3: steepest descent from the best mapping and from the best one with other
        // spatial dims (annealing stops near optima; single changes finish the climb).
        std::vector<Point> starts;
        for (const Candidate &cand : r.top) {
            const bool new_spatial = std::none_of(starts.begin(), starts.end(), [&](const Point &s) {
                return s.s.row_dims == cand.point.s.row_dims && s.s.col_dims == cand.point.s.col_dims;
            });
            if (new_spatial && starts.size() < 2) starts.push_back(cand.point);
        }
        // Polishes from each point (one unit each) and merges the results into r.
        auto polish_from = [&](const std::vector<Point> &from) {
            auto polished = run_pool(int(from.size()), [&](int j, Evaluator &ev) {
                polish(info, c, ev, values, from[size_t(j)], opt.polish_sweeps, progress);
                return false;
            });
            units.insert(units.end(), polished.begin(), polished.end());
            r = SearchResult{};
            merge(r, units);
        };
        if (opt.polish_sweeps > 0 && !starts.empty()) {
            polish_from(starts);
            // The best may be another mapping of a polished one's cost (they differ where the
            // counts do not tell, e.g. a tile's position among loops that do not move it) whose
            // neighbours are not all worse: descend from it too, until the best is a local optimum.
            for (int again = 0; again < 4; ++again) {
                const Point from = r.best.point;
                polish_from({from});
                if (point_key(r.best.point) == point_key(from)) break;
            }
        }
    };
    if (!exhaustive) {
        // --restarts: independent searches (restart 0 from --seed itself), every candidate kept.
        // Phase 1's short anneals rank the spatial choices noisily; another search gives a good
        // choice that lost its first tournament another chance.
        std::vector<UnitResult> all;
        for (int restart = 0; restart < std::max(1, opt.restarts); ++restart) {
            std::vector<UnitResult> units;
            SearchResult one;
            anneal_search(opt.seed + uint64_t(restart) * 0x9E3779B97F4A7C15ULL, units, one);
            all.insert(all.end(), std::make_move_iterator(units.begin()), std::make_move_iterator(units.end()));
        }
        r = SearchResult{};
        merge(r, all);
        r.optimal = false;
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

}  // namespace tessera::explore
