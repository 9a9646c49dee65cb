// The differential test's driver for long runs: draws N random (layer, schedule, array) cases from
// a seed, simulates them on as few generated designs as their interconnects allow, and prints
// every failure with the flags that reproduce it. Exit status 1 if any case fails.
//   sim_differential --cases 1000 --seed 7 [--per-pe 100] [--within-axis 100] [--levels 100]
//                    [--output-levels 100] [--prefetched 100] [--single-buffered 100] [--l2-double 100]
//                    [--quantized-levels 100] [--register-levels 100] [--dram-fed 100] [--outputs-to-dram 100]
//                    [--output-registers 100] [--prefetched-tiles 100]
//                    [--dram-stalls PERCENT: DRAM refuses requests, cycles not compared]
#include "DifferentialCases.h"
#include "DriverArgs.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

int main(int argc, char **argv) {
    uint64_t count = 100, per_pe = 0, within_axis = 0, levels = 0, pipelined_levels = 0, output_levels = 0, prefetched = 0, single = 0, l2_double = 0, quantized_levels = 0, register_levels = 0, dram_fed = 0, outputs_to_dram = 0, output_registers = 0, prefetched_tiles = 0, dram_stalls = 0;
    uint64_t seed = 1;
    for (int i = 1; i < argc; ++i) {
        const bool has_value = i + 1 < argc;
        uint64_t *target = nullptr;
        if (!std::strcmp(argv[i], "--cases")) target = &count;
        else if (!std::strcmp(argv[i], "--seed")) target = &seed;
        else if (!std::strcmp(argv[i], "--per-pe")) target = &per_pe;
        else if (!std::strcmp(argv[i], "--within-axis")) target = &within_axis;
        else if (!std::strcmp(argv[i], "--levels")) target = &levels;
        else if (!std::strcmp(argv[i], "--register-levels")) target = &register_levels;
        else if (!std::strcmp(argv[i], "--dram-fed")) target = &dram_fed;
        else if (!std::strcmp(argv[i], "--outputs-to-dram")) target = &outputs_to_dram;
        else if (!std::strcmp(argv[i], "--dram-stalls")) target = &dram_stalls;
        else if (!std::strcmp(argv[i], "--output-registers")) target = &output_registers;
        else if (!std::strcmp(argv[i], "--pipelined-levels")) target = &pipelined_levels;
        else if (!std::strcmp(argv[i], "--output-levels")) target = &output_levels;
        else if (!std::strcmp(argv[i], "--prefetched")) target = &prefetched;
        else if (!std::strcmp(argv[i], "--single-buffered")) target = &single;
        else if (!std::strcmp(argv[i], "--l2-double")) target = &l2_double;
        else if (!std::strcmp(argv[i], "--prefetched-tiles")) target = &prefetched_tiles;
        else if (!std::strcmp(argv[i], "--quantized-levels")) target = &quantized_levels;
        if (!target || !has_value) {
            std::cerr << "usage: sim_differential [--cases N] [--seed S] [--per-pe M] [--within-axis A] [--levels L] [--pipelined-levels P] [--output-levels O] [--prefetched F] [--single-buffered B] [--l2-double D] [--quantized-levels Q] [--register-levels G] [--dram-fed E] [--outputs-to-dram T] [--output-registers R] [--prefetched-tiles P] [--dram-stalls PERCENT]\n";
            return 2;
        }
        *target = tessera::driver::whole_number(argv[i], argv[i + 1]);
        ++i;
    }
    using namespace tessera::vsim::test;
    try {
        size_t rejected = 0;
        std::cerr << "drawing " << count << " cases from seed " << seed << "...\n";
        auto cases = draw_cases(seed, count, &rejected);
        // --per-pe M: M more cases with per-PE input, filter and accumulator files (one design).
        for (auto &c : draw_per_pe_cases(seed, per_pe)) cases.push_back(std::move(c));
        // --within-axis A: A more with per-PE files on one axis of k x c lanes (one design).
        for (auto &c : draw_per_pe_cases(seed + 2, within_axis, true)) cases.push_back(std::move(c));
        // --levels L: L more on a 4-level hierarchy (L2, GLB) with bypass and two shared levels.
        for (auto &c : draw_four_level_cases(seed, levels)) cases.push_back(std::move(c));
        // --pipelined-levels P: P more, each on a broadcast, systolic or hybrid array.
        for (auto &c : draw_four_level_cases(seed + 1, pipelined_levels, true)) cases.push_back(std::move(c));
        // --output-levels O: O more with the output at L2 and the GLB, on all three interconnects.
        for (auto &c : draw_four_level_cases(seed + 3, output_levels, true, true)) cases.push_back(std::move(c));
        // --prefetched F: F more with per-PE files on double-buffered GLBs (prefetch over per-PE fills).
        for (auto &c : draw_per_pe_cases(seed + 5, prefetched, false, true)) cases.push_back(std::move(c));
        // --l2-double D: D more on the 4-level hierarchy with L2 double buffered, half of them with
        // the output at L2 and the GLB; all three interconnects.
        for (auto &c : draw_four_level_cases(seed + 6, l2_double - l2_double / 2, true, false, true)) cases.push_back(std::move(c));
        for (auto &c : draw_four_level_cases(seed + 7, l2_double / 2, true, true, true)) cases.push_back(std::move(c));
        // --quantized-levels Q: Q more on the 4-level hierarchy, each layer quantized (zero points,
        // requantization); all three interconnects.
        for (auto &c : draw_four_level_cases(seed + 8, quantized_levels, true, false, false, true)) cases.push_back(std::move(c));
        // --register-levels G: G more with a one-word register level under the operands' per-PE files.
        for (auto &c : draw_register_level_cases(seed + 9, register_levels)) cases.push_back(std::move(c));
        // --dram-fed E: E more whose weights bypass the GLB (DRAM fills their per-PE files).
        for (auto &c : draw_dram_fed_cases(seed + 10, dram_fed)) cases.push_back(std::move(c));
        // --outputs-to-dram T: T more whose output files drain straight to DRAM (no output GLB).
        for (auto &c : draw_outputs_to_dram_cases(seed + 11, outputs_to_dram)) cases.push_back(std::move(c));
        // --output-registers R: R more with a one-word output register under the psum files.
        for (auto &c : draw_output_register_cases(seed + 12, output_registers)) cases.push_back(std::move(c));
        // --prefetched-tiles P: P more whose operands' per-PE files (and inner shared tiles) are double
        // buffered and prefetch.
        for (auto &c : draw_prefetched_tile_cases(seed + 13, prefetched_tiles)) cases.push_back(std::move(c));
        // --single-buffered B: B more on double-buffered designs, some tensors kept single.
        for (auto &c : draw_single_buffered_cases(seed, single, {"I", "W", "O", "IW", "IO", "WO", "IWO"}))
            cases.push_back(std::move(c));
        // --dram-stalls PERCENT: DRAM refuses that share of requests; outputs and counters must
        // still be the model's (cycles are not compared).
        if (dram_stalls > 90) throw std::runtime_error("--dram-stalls takes a percentage from 0 to 90");
        const DifferentialSummary s = run_cases(cases, seed, &std::cerr, int(dram_stalls));
        for (const auto &f : s.failures) std::cout << "FAIL " << f.description << "\n     " << f.what << "\n";
        std::cout << s.passed << " of " << s.cases << " cases passed (seed " << seed << ", " << rejected
                  << " draws rejected by the front end and redrawn); " << s.designs << " designs, " << s.builds
                  << " Verilator builds (" << s.build_seconds << " s), simulation " << s.sim_seconds
                  << " s, wall " << s.wall_seconds << " s\n"
                  << "worst cycle difference: " << 100 * s.worst_cycle_error << "% ("
                  << s.worst_cycle_case << ")\n";
        return s.failures.empty() ? 0 : 1;
    } catch (const std::exception &e) {
        std::cerr << "sim_differential: error: " << e.what() << "\n";
        return 1;
    }
}
