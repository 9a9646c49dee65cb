// The tessera subcommands. Each takes the arguments after its name and returns the exit code.
#pragma once

#include <string>
#include <vector>

namespace tessera::cli {

using Args = std::vector<std::string>;

int run_lower(const Args &);
int run_estimate(const Args &);
int run_compile(const Args &);
int run_simulate(const Args &);
int run_explore(const Args &);

// Fused groups (tools/CmdFusion.cpp): `lower` / `estimate` with --fuse, `explore --fusion`.
bool wants_fusion(const Args &, const char *flag);
int run_lower_fused(const Args &);
int run_estimate_fused(const Args &);
int run_explore_fusion(const Args &);
int run_compile_fused(const Args &);   // compile --fuse (CmdFusion.cpp)
int run_simulate_fused(const Args &);  // simulate DIR of a fused design (CmdSimulateFused.cpp)

}  // namespace tessera::cli
