// `tessera explore --mpi` (docs/explore.md "MPI"): the search's work units (explore::UnitRunner)
// spread over the ranks of an MPI job. Units start in static blocks (rank r owns the r-th block);
// a rank whose block is empty steals from the back of the largest remaining block. Rank 0 hands
// the units out on request, gathers every result and sends them all to every rank, so each merges the same
// results in unit order: the same result as a single-process run with the same seed. Only rank 0
// writes to stdout and stderr.
//
// Optional at build time (CMake defines TESSERA_HAVE_MPI when it finds Boost.MPI); without it,
// constructing an MpiSession is a one-line UserError.
#pragma once

#include "Search.h"

#include <deque>
#include <memory>
#include <string>

namespace tessera::explore {

// True when this build has MPI support.
bool mpi_built();

// The number of processes a known MPI launcher (mpirun, mpiexec) started this one among; 1 when
// none did. Lets explore refuse `mpirun -n 4 tessera explore` without --mpi, which would run the
// whole search four times.
int launcher_processes();

// Which unit a rank runs next: the units start in static blocks, rank r owning the r-th contiguous
// block; a rank whose block is empty steals the last unit of the largest remaining block. -1: none.
class WorkPlan {
public:
    WorkPlan(int units, int ranks);
    int next(int rank);
    bool stop = false;  // hand out nothing more (an exhaustive unit aborted: the phase is discarded)

private:
    std::vector<std::deque<int>> blocks_;
};

class MpiSession {
public:
    MpiSession();   // MPI_Init; on ranks other than 0, stdout and stderr are discarded
    ~MpiSession();  // MPI_Finalize; unwinding from an error on rank 0 releases the waiting ranks
    MpiSession(const MpiSession &) = delete;
    MpiSession &operator=(const MpiSession &) = delete;

    int rank() const;
    int size() const;
    bool root() const { return rank() == 0; }
    // Runs the units on every rank (each with `threads` threads) and returns all results, in unit
    // order, on every rank. Every rank must call it for the same searches in the same order.
    UnitRunner runner(int threads);

    struct State;

private:
    std::unique_ptr<State> state_;
};

// The byte encoding of unit results sent between ranks (exact: doubles travel as their bits).
std::string encode_units(const std::vector<UnitResult> &);
std::vector<UnitResult> decode_units(const std::string &);

}  // namespace tessera::explore
