// The differential test, bounded for CI: 50 random (layer, schedule, array, buffering, interconnect) cases from a
// fixed seed must run bit-exactly against Halide with every counter and the cycles equal to the
// model's.
// `sim_differential --cases N --seed S` runs more.
#include "DifferentialCases.h"
#include "model/Model.h"
#include "rtl_backend/DesignSpec.h"

#include <catch2/catch.hpp>
#include <iostream>
#include <set>

using namespace tessera::vsim::test;

namespace {
constexpr uint64_t kSeed = 2024;
constexpr size_t kCases = 50;

// Cases whose own design (DesignSpec of the case alone) has `property`.
template <typename Property> int designs_with(const std::vector<RandomCase> &cases, Property property) {
    int n = 0;
    for (const auto &c : cases) n += property(tessera::rtl::design_for({c.ir}, c.architecture())) ? 1 : 0;
    return n;
}

// Every case simulates bit-exactly with counters and cycles equal to the model's.
void check_all_pass(const std::vector<RandomCase> &cases, uint64_t seed) {
    const DifferentialSummary s = run_cases(cases, seed, &std::cerr);
    for (const auto &f : s.failures) UNSCOPED_INFO(f.description << ": " << f.what);
    CHECK(s.failures.empty());
    CHECK(s.passed == cases.size());
}
}  // namespace

TEST_CASE("the random cases cover what the generator promises", "[sim][differential]") {
    const auto cases = draw_cases(kSeed, kCases);
    REQUIRE(cases.size() == kCases);
    std::set<std::string> kinds, dataflows;
    bool stride2 = false, one_d = false, two_d = false, tail = false, tiled = false, multi_loop_axis = false,
         within_axis = false;
    size_t double_buffered = 0;
    std::set<std::string> interconnects;
    for (const auto &c : cases) {
        interconnects.insert(c.interconnect);
        kinds.insert(c.layer.type);
        dataflows.insert(c.schedule.dataflow);
        stride2 |= c.layer.stride == 2;
        one_d |= c.ir.mapping.array_rows() == 1 && c.ir.mapping.array_cols() > 1;
        two_d |= c.ir.mapping.array_rows() > 1 && c.ir.mapping.array_cols() > 1;
        tiled |= c.schedule.buffer_bytes > 0;
        int row_loops = 0, col_loops = 0;
        for (const auto &loop : c.ir.mapping.loops) {
            row_loops += loop.kind == tessera::ir::LoopKind::SpatialRow;
            col_loops += loop.kind == tessera::ir::LoopKind::SpatialCol;
        }
        multi_loop_axis |= row_loops > 1 || col_loops > 1;
        // A tensor on some of an axis's loops only (multicast or reduction within the axis).
        for (auto role : {tessera::ir::TensorRole::Input, tessera::ir::TensorRole::Weight, tessera::ir::TensorRole::Output}) {
            const auto p = tessera::rtl::ports_of(c.ir, role);
            within_axis |= p.row_loops != 0 || p.col_loops != 0;
        }
        double_buffered += c.double_buffered;
        for (const auto &loop : c.ir.mapping.loops)
            if (loop.kind != tessera::ir::LoopKind::Temporal && loop.extent * loop.stride > c.ir.problem.dim(loop.dim).extent)
                tail = true;
    }
    CHECK(kinds == std::set<std::string>{"conv", "dwconv", "fc"});
    CHECK(dataflows.count("os"));
    CHECK(dataflows.count("ws"));
    CHECK(dataflows.count("is"));
    CHECK(dataflows.count("rs"));
    CHECK(stride2);
    CHECK(one_d);
    CHECK(two_d);
    CHECK(tail);
    CHECK(tiled);
    CHECK(multi_loop_axis);
    CHECK(within_axis);
    CHECK(double_buffered > 0);
    CHECK(interconnects == std::set<std::string>{"broadcast", "systolic", "hybrid:2"});
    CHECK(double_buffered < cases.size());
    // Same seed, same cases.
    CHECK(draw_cases(kSeed, 5).front().describe() == cases.front().describe());
}

TEST_CASE("random layers, schedules and arrays: bit-exact, counters equal to the model's",
          "[sim][differential]") {
    const auto cases = draw_cases(kSeed, kCases);
    const DifferentialSummary s = run_cases(cases, kSeed, &std::cerr);
    for (const auto &f : s.failures) UNSCOPED_INFO(f.description << ": " << f.what);
    CHECK(s.failures.empty());
    CHECK(s.passed == kCases);
}

// Per-PE files (docs/rtl.md, "Per-PE accumulator files"): a bounded number of random convs under
// random weight-stationary schedules with per-PE input, filter and accumulator files, one design
// per interconnect (broadcast, systolic, hybrid).
TEST_CASE("random per-PE accumulator files: bit-exact, counters and cycles equal to the model's",
          "[sim][differential][per_pe]") {
    constexpr size_t kPerPeCases = 12;
    const auto cases = draw_per_pe_cases(kSeed, kPerPeCases);
    REQUIRE(cases.size() == kPerPeCases);
    std::set<std::string> interconnects;
    for (const auto &c : cases) interconnects.insert(c.interconnect);
    CHECK(interconnects == std::set<std::string>{"broadcast", "systolic", "hybrid:2"});
    const DifferentialSummary s = run_cases(cases, kSeed, &std::cerr);
    for (const auto &f : s.failures) UNSCOPED_INFO(f.description << ": " << f.what);
    CHECK(s.failures.empty());
    CHECK(s.passed == kPerPeCases);
    CHECK(s.designs == 3);
}

// One axis of k x c lanes with per-PE files (docs/rtl.md, "Within an axis"): the input multicast to
// the lanes of its channel, the partial sums of a filter's lanes summed, drained and reloaded; on
// broadcast, systolic and hybrid arrays.
TEST_CASE("random per-PE files on a k x c axis: bit-exact, counters and cycles equal to the model's",
          "[sim][differential][per_pe]") {
    constexpr size_t kWithinCases = 6;
    const auto cases = draw_per_pe_cases(kSeed + 1, kWithinCases, true);
    REQUIRE(cases.size() == kWithinCases);
    const auto ports = tessera::rtl::ports_of(cases.front().ir, tessera::ir::TensorRole::Input);
    CHECK((ports.row_loops != 0 || ports.col_loops != 0));
    std::set<std::string> interconnects;
    for (const auto &c : cases) interconnects.insert(c.interconnect);
    CHECK(interconnects.size() >= 2);  // a pipelined array among them
    const DifferentialSummary s = run_cases(cases, kSeed + 1, &std::cerr);
    for (const auto &f : s.failures) UNSCOPED_INFO(f.description << ": " << f.what);
    CHECK(s.failures.empty());
    CHECK(s.passed == kWithinCases);
    CHECK(s.designs == interconnects.size());
}

// A 4-level hierarchy (docs/rtl.md, "A tensor at two shared levels"): random convs on
// examples/arch/four_level.json with operands at L2 and the GLB (the copy between them), tensors
// bypassing the GLB, per-PE tiles and accumulator files; one design per plan.
TEST_CASE("random 4-level hierarchies with bypass: bit-exact, counters and cycles equal to the model's",
          "[sim][differential][levels]") {
    constexpr size_t kLevelCases = 9;
    const auto cases = draw_four_level_cases(kSeed, kLevelCases);
    REQUIRE(cases.size() == kLevelCases);
    const DifferentialSummary s = run_cases(cases, kSeed, &std::cerr);
    for (const auto &f : s.failures) UNSCOPED_INFO(f.description << ": " << f.what);
    CHECK(s.failures.empty());
    CHECK(s.passed == kLevelCases);
    CHECK(s.designs == 3);
}

// The output at two shared levels (docs/rtl.md, "The output at two shared levels"): random convs
// on four_level with the output's strip in L2 and a filter block's partial sums in the GLB
// (drained into L2 and reloaded across channel blocks), operands at one or both levels, on
// broadcast, systolic and hybrid arrays (the drain waits for the skewed sums); a third of them
// with per-PE psum files too, drained into the GLB block.
TEST_CASE("random outputs at two shared levels (and per-PE files): bit-exact, counters and cycles equal to the model's",
          "[sim][differential][levels]") {
    constexpr size_t kOutputLevelCases = 6;
    const auto cases = draw_four_level_cases(kSeed + 3, kOutputLevelCases, true, true);
    REQUIRE(cases.size() == kOutputLevelCases);
    const DifferentialSummary s = run_cases(cases, kSeed + 3, &std::cerr);
    for (const auto &f : s.failures) UNSCOPED_INFO(f.description << ": " << f.what);
    CHECK(s.failures.empty());
    CHECK(s.passed == kOutputLevelCases);
    CHECK(s.designs >= 2);
}

// L2 double buffered on the 4-level hierarchy: the DMA fills an operand's next L2 tile (and
// drains the output's last one) in the other bank while the copies into the GLB, the output's
// drains and reloads between the two levels, and the array work on this one.
TEST_CASE("random 4-level hierarchies with L2 double buffered: bit-exact, counters and cycles equal to the model's",
          "[sim][differential][levels][double]") {
    constexpr size_t kCases = 4;
    auto cases = draw_four_level_cases(kSeed + 6, kCases / 2, false, false, true);
    for (auto &c : draw_four_level_cases(kSeed + 7, kCases / 2, false, true, true)) cases.push_back(std::move(c));
    REQUIRE(cases.size() == kCases);
    CHECK(designs_with(cases, [](const tessera::rtl::DesignSpec &d) {
              return (d.input_outer_depth > 0 && d.input_double_buffered) ||
                     (d.weight_outer_depth > 0 && d.weight_double_buffered) ||
                     (d.output_staged() && d.output_double_buffered);
          }) >= 2);
    check_all_pass(cases, kSeed + 6);
}

// Quantized layers (zero points, requantization) on the 4-level hierarchy: the copies into the GLB
// move the DMA's zero-point-adjusted operands.
TEST_CASE("random quantized layers on 4-level hierarchies: bit-exact, counters and cycles equal to the model's",
          "[sim][differential][levels][quantized]") {
    constexpr size_t kCases = 3;
    const auto cases = draw_four_level_cases(kSeed + 8, kCases, false, false, false, true);
    REQUIRE(cases.size() == kCases);
    CHECK(designs_with(cases, [](const tessera::rtl::DesignSpec &d) { return d.staged() && d.zero_points(); }) >= 2);
    check_all_pass(cases, kSeed + 8);
}

// Per-PE files under a double-buffered GLB (docs/hardware.md, "Cycles"): the DMA prefetches the
// operands' next tiles (and drains the last output tile, when that is double buffered too) during
// the run's compute and during its per-PE fills and accumulator drains, which the model counts
// over the runs; broadcast, systolic and hybrid arrays.
TEST_CASE("random per-PE files on double-buffered GLBs: bit-exact, counters and cycles equal to the model's",
          "[sim][differential][double]") {
    constexpr size_t kPrefetchCases = 6;
    const auto cases = draw_per_pe_cases(kSeed + 5, kPrefetchCases, false, true);
    REQUIRE(cases.size() == kPrefetchCases);
    // Some case waits for a prefetch in a run that also stalls for on-chip transfers; some drains
    // its accumulator files into a double-buffered output tile.
    int both = 0;
    for (const auto &c : cases) {
        const tessera::model::Cycles cy =
            tessera::model::Model(c.ir, tessera::rtl::generated_architecture(c.architecture())).evaluate().cycles;
        both += cy.prefetch_stall > 0 && cy.onchip_transfers > 0;
    }
    CHECK(both >= 1);
    CHECK(designs_with(cases, [](const tessera::rtl::DesignSpec &d) { return d.output_double_buffered; }) >= 1);
    check_all_pass(cases, kSeed + 5);
}

// Prefetched tiles (docs/rtl.md, "Prefetched per-PE files", "Prefetched inner tiles"): random
// per-PE mappings (any interconnect, within an axis, the files filled from the inner of two shared
// levels, a register under a file) whose outermost per-PE level (and, on four_level, the GLB) is
// double buffered: the walk fills the next tile into the other copy while the array computes, the
// array waiting only for what it outlasts.
TEST_CASE("random prefetched per-PE files and inner tiles: bit-exact, counters and cycles equal to the model's",
          "[sim][differential][per_pe][double]") {
    constexpr size_t kPrefetchedCases = 3;
    const auto cases = draw_prefetched_tile_cases(kSeed + 13, kPrefetchedCases);
    REQUIRE(cases.size() == kPrefetchedCases);
    // Some case waits less than with one copy of its files: its tiles were prefetched.
    int faster = 0;
    for (const auto &c : cases) {
        const tessera::ir::Architecture two = c.architecture();
        tessera::ir::Architecture one = two;
        for (size_t l = 0; l < one.levels.size(); ++l)
            if (one.is_per_pe(l)) one.levels[l].double_buffered = false;
        auto cycles = [&](const tessera::ir::Architecture &a) {
            return tessera::model::Model(c.ir, tessera::rtl::generated_architecture(a)).evaluate().cycles.total;
        };
        faster += cycles(two) < cycles(one);
    }
    CHECK(faster >= 1);
    // Some case prefetches the inner of two shared tiles.
    int inner = 0;
    for (const auto &c : cases) inner += c.prefetched.find("inner tiles") != std::string::npos;
    CHECK(inner >= 1);
    check_all_pass(cases, kSeed + 13);
}

// Double buffering per tensor (docs/schedules.md, hw::single_buffered): random cases on
// double-buffered designs with some tensors' buffers kept single, their transfers stalling the
// array while the others overlap compute.
TEST_CASE("random single-buffered tensors on double-buffered designs: bit-exact, counters and cycles equal",
          "[sim][differential][double]") {
    constexpr size_t kSingleCases = 4;
    const auto cases = draw_single_buffered_cases(kSeed, kSingleCases, {"W", "IO"});
    REQUIRE(cases.size() == kSingleCases);
    int single = 0;
    for (const auto &c : cases)
        for (const auto &b : c.ir.mapping.buffers) single += b.single_buffered;
    CHECK(single >= int(kSingleCases));
    const DifferentialSummary s = run_cases(cases, kSeed, &std::cerr);
    for (const auto &f : s.failures) UNSCOPED_INFO(f.description << ": " << f.what);
    CHECK(s.failures.empty());
    CHECK(s.passed == kSingleCases);
    CHECK(s.worst_cycle_error == 0);
}

// A one-word register level under the operands' per-PE files (docs/rtl.md, "A register level under
// a per-PE file"): random convs on eyeriss_registers with a register under the weights' file, the
// inputs' or both (one design each), a quarter on each pipelined array; the PE register loads from
// the file where its tile is refilled.
TEST_CASE("random register levels under per-PE files: bit-exact, counters and cycles equal to the model's",
          "[sim][differential][per_pe]") {
    constexpr size_t kRegisterCases = 6;
    const auto cases = draw_register_level_cases(kSeed, kRegisterCases);
    REQUIRE(cases.size() == kRegisterCases);
    std::set<std::string> kinds;
    for (const auto &c : cases) kinds.insert(c.registers);
    CHECK(kinds.size() >= 2);
    CHECK(designs_with(cases, [](const tessera::rtl::DesignSpec &d) { return d.input_register_level; }) >= 1);
    CHECK(designs_with(cases, [](const tessera::rtl::DesignSpec &d) { return d.weight_register_level; }) >= 1);
    CHECK(designs_with(cases, [](const tessera::rtl::DesignSpec &d) { return d.register_levels() && d.skew_tile; }) >= 1);
    check_all_pass(cases, kSeed);
}

// A one-word output register under the psum files: random convs on eyeriss_registers whose loops
// inside the array come in a random order (the register summing the innermost reductions, back to
// its file across the others), with a weight register too or not, the files drained to the GLB or
// straight to DRAM, the output register alone on a pipelined array; some layers quantized.
TEST_CASE("random output registers under psum files: bit-exact, counters and cycles equal to the model's",
          "[sim][differential][per_pe]") {
    constexpr size_t kOutputRegisterCases = 6;
    // kSeed + 1 draws every kind: O and OW, to the GLB and to DRAM, systolic and hybrid.
    const auto cases = draw_output_register_cases(kSeed + 1, kOutputRegisterCases);
    REQUIRE(cases.size() == kOutputRegisterCases);
    CHECK(designs_with(cases, [](const tessera::rtl::DesignSpec &d) { return d.output_register_level && !d.output_dram_fed; }) >= 1);
    CHECK(designs_with(cases, [](const tessera::rtl::DesignSpec &d) { return d.output_register_level && d.output_dram_fed; }) >= 1);
    CHECK(designs_with(cases, [](const tessera::rtl::DesignSpec &d) { return d.output_register_level && d.skew_tile; }) >= 1);
    check_all_pass(cases, kSeed);
}

// Operands that bypass the GLB (docs/rtl.md, "Per-PE files fed from DRAM"): the DMA fills each
// valid lane group's per-PE file from DRAM while the array waits, outside the array's loops or
// inside them, on a broadcast array (with a weight register under the file or not) or a pipelined
// one; some layers quantized.
TEST_CASE("random per-PE files fed from DRAM: bit-exact, counters and cycles equal to the model's",
          "[sim][differential][per_pe]") {
    constexpr size_t kDramFedCases = 6;
    const auto cases = draw_dram_fed_cases(kSeed, kDramFedCases);
    REQUIRE(cases.size() == kDramFedCases);
    CHECK(designs_with(cases, [](const tessera::rtl::DesignSpec &d) { return d.weight_dram_fed && d.weight_depth == 0; }) >= 1);
    CHECK(designs_with(cases, [](const tessera::rtl::DesignSpec &d) { return d.weight_dram_fed && d.weight_register_level; }) >= 1);
    CHECK(designs_with(cases, [](const tessera::rtl::DesignSpec &d) { return d.input_dram_fed && d.input_depth == 0; }) >= 1);
    CHECK(designs_with(cases, [](const tessera::rtl::DesignSpec &d) {
              return d.skew_tile && (d.input_dram_fed || d.weight_dram_fed);
          }) >= 1);
    check_all_pass(cases, kSeed);
}

// Outputs that bypass every shared level (docs/rtl.md, "Accumulator files drained to DRAM"): the
// DMA drains each valid lane group's psum files straight to DRAM; some layers quantized, some on
// pipelined arrays.
TEST_CASE("random per-PE accumulator files drained to DRAM: bit-exact, counters and cycles equal to the model's",
          "[sim][differential][per_pe]") {
    constexpr size_t kCases = 6;
    const auto cases = draw_outputs_to_dram_cases(kSeed, kCases);
    REQUIRE(cases.size() == kCases);
    CHECK(designs_with(cases, [](const tessera::rtl::DesignSpec &d) { return d.output_dram_fed && d.output_depth == 0; }) >= 1);
    CHECK(designs_with(cases, [](const tessera::rtl::DesignSpec &d) { return d.output_dram_fed && d.skew_tile; }) >= 1);
    check_all_pass(cases, kSeed);
}
