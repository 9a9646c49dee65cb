#include "Distributed.h"

#include "UserError.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <streambuf>

#ifdef TESSERA_HAVE_MPI
#include <boost/mpi.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#endif

namespace tessera::explore {

// ---- Encoding: a flat byte string of int64s and doubles (bit copies), one candidate after another.
namespace {

struct Writer {
    std::string out;
    void i64(int64_t v) { out.append(reinterpret_cast<const char *>(&v), sizeof v); }
    void f64(double v) { out.append(reinterpret_cast<const char *>(&v), sizeof v); }
    template <typename T> void list(const std::vector<T> &v) {
        i64(int64_t(v.size()));
        for (T x : v) i64(int64_t(x));
    }
    void candidate(const Candidate &c) {
        const Structure &s = c.point.s;
        list(s.row_dims), list(s.col_dims), list(s.dram_order), list(s.glb_order), list(s.rf_order);
        for (int t = 0; t < 3; ++t)
            i64(s.glb_at[t]), i64(s.rf_at[t]), i64(s.level[t]), i64(s.outer_at[t]), i64(s.single[t]);
        i64(s.output_inner_at);
        i64(s.reg[0]), i64(s.reg[1]), i64(s.reg[2]), i64(s.from_dram[0]), i64(s.from_dram[1]), i64(s.from_dram[2]);
        list(c.point.f.glb), list(c.point.f.lane), list(c.point.f.rf);
        f64(c.energy_pj), i64(c.cycles), f64(c.score);
        // The structure's key travels too: a field added to Structure but not here is caught.
        const std::string key = s.key();
        i64(int64_t(key.size()));
        out += key;
    }
};

struct Reader {
    const std::string &in;
    size_t at = 0;
    void need(size_t n) const {
        if (at + n > in.size()) throw std::runtime_error("explore: truncated unit results from another rank");
    }
    int64_t i64() {
        int64_t v;
        need(sizeof v);
        std::memcpy(&v, in.data() + at, sizeof v);
        at += sizeof v;
        return v;
    }
    double f64() {
        double v;
        need(sizeof v);
        std::memcpy(&v, in.data() + at, sizeof v);
        at += sizeof v;
        return v;
    }
    template <typename T> void list(std::vector<T> &v) {
        const int64_t n = i64();
        if (n < 0 || size_t(n) > in.size()) throw std::runtime_error("explore: corrupt unit results");
        v.resize(size_t(n));
        for (T &x : v) x = T(i64());
    }
    Candidate candidate() {
        Candidate c;
        Structure &s = c.point.s;
        list(s.row_dims), list(s.col_dims), list(s.dram_order), list(s.glb_order), list(s.rf_order);
        for (int t = 0; t < 3; ++t)
            s.glb_at[t] = int(i64()), s.rf_at[t] = int(i64()), s.level[t] = int(i64()), s.outer_at[t] = int(i64()),
            s.single[t] = i64() != 0;
        s.output_inner_at = int(i64());
        s.reg[0] = i64() != 0, s.reg[1] = i64() != 0, s.reg[2] = i64() != 0;
        s.from_dram[0] = i64() != 0, s.from_dram[1] = i64() != 0, s.from_dram[2] = i64() != 0;
        list(c.point.f.glb), list(c.point.f.lane), list(c.point.f.rf);
        c.energy_pj = f64(), c.cycles = i64(), c.score = f64();
        const int64_t n = i64();
        need(size_t(n));
        if (in.compare(at, size_t(n), s.key()) != 0)
            throw std::logic_error("explore: a mapping changed in transit between ranks (Structure fields "
                                   "missing from explore/Distributed.cpp's encoding)");
        at += size_t(n);
        return c;
    }
};

}  // namespace

std::string encode_units(const std::vector<UnitResult> &units) {
    Writer w;
    w.i64(int64_t(units.size()));
    for (const auto &u : units) {
        w.i64(u.evaluated), w.i64(u.aborted ? 1 : 0);
        w.i64(int64_t(u.pareto.size()));
        for (const auto &c : u.pareto) w.candidate(c);
        w.i64(int64_t(u.top.size()));
        for (const auto &c : u.top) w.candidate(c);
    }
    return w.out;
}

std::vector<UnitResult> decode_units(const std::string &bytes) {
    Reader r{bytes};
    std::vector<UnitResult> units(size_t(std::max<int64_t>(0, r.i64())));
    for (auto &u : units) {
        u.evaluated = r.i64(), u.aborted = r.i64() != 0;
        u.pareto.resize(size_t(r.i64()));
        for (auto &c : u.pareto) c = r.candidate();
        u.top.resize(size_t(r.i64()));
        for (auto &c : u.top) c = r.candidate();
    }
    if (r.at != bytes.size()) throw std::runtime_error("explore: trailing bytes in unit results");
    return units;
}

WorkPlan::WorkPlan(int units, int ranks) : blocks_(static_cast<size_t>(std::max(1, ranks))) {
    const int64_t r_count = int64_t(blocks_.size());
    for (int64_t r = 0; r < r_count; ++r)
        for (int64_t u = units * r / r_count; u < units * (r + 1) / r_count; ++u) blocks_[size_t(r)].push_back(int(u));
}

int WorkPlan::next(int rank) {
    if (stop) return -1;
    auto &own = blocks_.at(size_t(rank));
    if (!own.empty()) {
        const int u = own.front();
        own.pop_front();
        return u;
    }
    size_t victim = 0;
    for (size_t r = 1; r < blocks_.size(); ++r)
        if (blocks_[r].size() > blocks_[victim].size()) victim = r;
    if (blocks_[victim].empty()) return -1;
    const int u = blocks_[victim].back();
    blocks_[victim].pop_back();
    return u;
}

int launcher_processes() {
    for (const char *var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
        if (const char *v = std::getenv(var)) {
            const int n = std::atoi(v);
            if (n > 0) return n;
        }
    return 1;
}

#ifndef TESSERA_HAVE_MPI

bool mpi_built() { return false; }

struct MpiSession::State {};

MpiSession::MpiSession() {
    throw UserError("--mpi: this tessera was built without MPI support; install libboost-mpi-dev, "
                    "libopenmpi-dev and openmpi-bin and rebuild (tools/bootstrap.sh), or run on one "
                    "machine with -j N");
}
MpiSession::~MpiSession() = default;
int MpiSession::rank() const { return 0; }
int MpiSession::size() const { return 1; }
UnitRunner MpiSession::runner(int) { return {}; }

#else

bool mpi_built() { return true; }

namespace {

namespace mpi = boost::mpi;

enum Tag { kRequest = 1, kAssign = 2, kResult = 3, kAll = 4 };
constexpr int kNoMoreUnits = -1, kRootFailed = -2;

// Ranks other than 0 write nothing: rank 0 prints what a single-process run prints.
struct DiscardBuffer : std::streambuf {
    int overflow(int c) override { return c; }
};
DiscardBuffer discard;

// Thrown on a rank other than 0 when rank 0 stopped with an error (rank 0 prints it).
struct RootFailed : std::runtime_error {
    RootFailed() : std::runtime_error("rank 0 stopped with an error") {}
};

// A receive that sleeps while it waits: MPI's blocking calls spin a core, which the compute threads
// of this rank (and of other ranks sharing the machine) need.
template <typename T> void patient_recv(mpi::communicator &world, int source, int tag, T &value) {
    mpi::request r = world.irecv(source, tag, value);
    while (!r.test()) std::this_thread::sleep_for(std::chrono::microseconds(200));
}

// A rank's compute threads: they take units from `take` and hand results to `give`; no MPI calls
// (the main thread alone talks MPI: MPI_THREAD_FUNNELED).
struct LocalPool {
    std::vector<std::thread> threads;
    template <typename Take, typename Give>
    LocalPool(int n, const std::function<UnitResult(int)> &run_unit, Take take, Give give) {
        for (int t = 0; t < n; ++t)
            threads.emplace_back([=, &run_unit] {
                for (int u; (u = take()) >= 0;) give(u, run_unit(u));
            });
    }
    ~LocalPool() {
        for (auto &t : threads) t.join();
    }
};

}  // namespace

struct MpiSession::State {
    mpi::environment env{mpi::threading::funneled, false};
    mpi::communicator world;
};

MpiSession::MpiSession() : state_(std::make_unique<State>()) {
    if (state_->env.thread_level() < mpi::threading::funneled)
        throw UserError("--mpi: the MPI library does not support threads (MPI_THREAD_FUNNELED)");
    if (!root()) {
        std::cout.rdbuf(&discard);  // not restored: main's own error line is rank 0's alone too
        std::cerr.rdbuf(&discard);
    }
}

MpiSession::~MpiSession() {
    // Rank 0 failed while the others may wait for a unit: tell them to stop, then finalize.
    if (std::uncaught_exceptions() > 0 && root())
        for (int r = 1; r < size(); ++r) state_->world.send(r, kAssign, kRootFailed);
}

int MpiSession::rank() const { return state_->world.rank(); }
int MpiSession::size() const { return state_->world.size(); }

UnitRunner MpiSession::runner(int threads) {
    State *st = state_.get();
    threads = std::max(1, threads);
    return [st, threads](int n, const std::function<UnitResult(int)> &run_unit) {
        mpi::communicator &world = st->world;
        std::vector<UnitResult> results(static_cast<size_t>(n));
        std::mutex mu;
        std::condition_variable cv;
        if (world.rank() == 0) {
            WorkPlan plan(n, world.size());
            int assigned = 0, received = 0, local_done = 0, released = 0;
            {
                LocalPool pool(
                    threads, run_unit,
                    [&] {
                        std::lock_guard<std::mutex> lock(mu);
                        const int u = plan.next(0);
                        if (u >= 0) ++assigned;
                        else ++local_done;
                        return u;
                    },
                    [&](int u, UnitResult r) {
                        std::lock_guard<std::mutex> lock(mu);
                        plan.stop = plan.stop || r.aborted;
                        results[size_t(u)] = std::move(r);
                        ++received;
                    });
                // Serve requests and gather results until every unit handed out is back and every
                // rank has been told there are no more.
                for (;;) {
                    {
                        std::lock_guard<std::mutex> lock(mu);
                        if (released == world.size() - 1 && local_done == threads && received == assigned)
                            break;
                    }
                    const auto status = world.iprobe(mpi::any_source, mpi::any_tag);
                    if (!status) {
                        std::this_thread::sleep_for(std::chrono::microseconds(500));
                        continue;
                    }
                    if (status->tag() == kRequest) {
                        int dummy;
                        world.recv(status->source(), kRequest, dummy);
                        int u;
                        {
                            std::lock_guard<std::mutex> lock(mu);
                            u = plan.next(status->source());
                            if (u >= 0) ++assigned;
                            else ++released;
                        }
                        world.send(status->source(), kAssign, u);
                    } else if (status->tag() == kResult) {
                        std::string bytes;
                        world.recv(status->source(), kResult, bytes);
                        int64_t u = -1;
                        if (bytes.size() >= sizeof u) std::memcpy(&u, bytes.data(), sizeof u);
                        auto one = decode_units(bytes.substr(std::min(bytes.size(), sizeof u)));
                        std::lock_guard<std::mutex> lock(mu);
                        plan.stop = plan.stop || one.at(0).aborted;
                        results.at(size_t(u)) = std::move(one.at(0));
                        ++received;
                    } else {
                        throw std::logic_error("explore --mpi: unexpected message tag " +
                                               std::to_string(status->tag()));
                    }
                }
            }
            // Units never handed out (an exhaustive unit aborted): the phase is discarded.
            if (plan.stop)
                for (auto &r : results)
                    if (r.evaluated == 0 && r.top.empty()) r.aborted = true;
            const std::string all = encode_units(results);
            for (int r = 1; r < world.size(); ++r) world.send(r, kAll, all);
            return results;
        }
        // Other ranks: ask for a unit whenever a thread is idle; send each result back.
        std::deque<int> queue;
        std::deque<std::pair<int, UnitResult>> done;
        bool no_more = false;
        int idle = threads, running = 0;
        {
            LocalPool pool(
                threads, run_unit,
                [&] {
                    std::unique_lock<std::mutex> lock(mu);
                    cv.wait(lock, [&] { return !queue.empty() || no_more; });
                    if (queue.empty()) return kNoMoreUnits;
                    const int u = queue.front();
                    queue.pop_front();
                    return u;
                },
                [&](int u, UnitResult r) {
                    std::lock_guard<std::mutex> lock(mu);
                    done.emplace_back(u, std::move(r));
                    cv.notify_all();
                });
            for (;;) {
                std::unique_lock<std::mutex> lock(mu);
                while (!done.empty()) {
                    auto [u, r] = std::move(done.front());
                    done.pop_front();
                    ++idle, --running;
                    lock.unlock();
                    std::string bytes;  // the unit's index, then its result
                    const int64_t unit = u;
                    bytes.append(reinterpret_cast<const char *>(&unit), sizeof unit);
                    bytes += encode_units({r});
                    world.send(0, kResult, bytes);
                    lock.lock();
                }
                if (no_more && running == 0) break;
                if (!no_more && idle > 0) {
                    lock.unlock();
                    world.send(0, kRequest, 0);
                    int u;
                    patient_recv(world, 0, kAssign, u);
                    lock.lock();
                    if (u == kRootFailed) {
                        no_more = true;
                        cv.notify_all();
                        lock.unlock();
                        throw RootFailed();  // the pool's threads finish their unit and stop
                    }
                    if (u == kNoMoreUnits) no_more = true;
                    else queue.push_back(u), --idle, ++running;
                    cv.notify_all();
                    continue;
                }
                cv.wait(lock, [&] { return !done.empty(); });
            }
        }
        std::string all;  // every unit's result, from rank 0
        patient_recv(world, 0, kAll, all);
        return decode_units(all);
    };
}

#endif

}  // namespace tessera::explore
