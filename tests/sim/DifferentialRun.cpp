// Runs drawn cases (DifferentialCases.h): groups them by the design they can share (interconnect,
// buffering, hierarchy, what prefetches, ...), builds each design once, simulates its cases one by
// one and compares outputs, counters and cycles with the model's.
#include "DifferentialCases.h"
#include "SimulateLayers.h"
#include "ir/Architecture.h"
#include "rtl_backend/DesignSpec.h"
#include "rtl_backend/RtlGenerator.h"
#include "sim/verilator/Simulate.h"

#include <chrono>
#include <cmath>
#include <map>

namespace tessera::vsim::test {

namespace {

// Which array dims each tensor depends on, for the dims the mapping uses: layers with the same
// signature can share one generated design.
std::string interconnect(const ir::AcceleratorIR &ir) {
    const bool rows = ir.mapping.array_rows() > 1, cols = ir.mapping.array_cols() > 1;
    std::string key = std::string(rows ? "R" : "-") + (cols ? "C" : "-");
    bool some = false;
    for (ir::TensorRole role : {ir::TensorRole::Input, ir::TensorRole::Weight, ir::TensorRole::Output}) {
        const rtl::TensorPorts p = rtl::ports_of(ir, role);
        key += std::string(" ") + (rows ? (p.depends_on_rows ? "r" : "_") : ".") +
               (cols ? (p.depends_on_cols ? "c" : "_") : ".");
        // Some of an axis's loops: the design's lane groups are wired for the axis's lanes.
        if (p.row_loops || p.col_loops)
            key += std::to_string(p.row_loops) + ":" + std::to_string(p.row_slots) + "/" + std::to_string(p.col_loops) +
                   ":" + std::to_string(p.col_slots);
        some |= p.row_loops || p.col_loops;
    }
    if (some)
        for (const ir::Loop &l : ir.mapping.loops)
            if (l.kind == ir::LoopKind::SpatialRow || l.kind == ir::LoopKind::SpatialCol)
                key += std::string(l.kind == ir::LoopKind::SpatialRow ? " R" : " C") + l.dim + std::to_string(l.extent);
    return key;
}

}  // namespace

DifferentialSummary run_cases(const std::vector<RandomCase> &cases, uint64_t seed, std::ostream *progress,
                              int dram_stall_percent) {
    const auto t0 = std::chrono::steady_clock::now();
    DifferentialSummary sum;
    sum.cases = cases.size();
    std::map<std::string, std::vector<size_t>> groups;
    for (size_t i = 0; i < cases.size(); ++i)
        groups[interconnect(cases[i].ir) + (cases[i].double_buffered ? " double" : "") + " " + cases[i].single_buffered +
               (cases[i].per_pe ? " per-PE" : "") + (cases[i].hierarchy.empty() ? "" : " " + cases[i].hierarchy) +
               (cases[i].registers.empty() ? "" : " REG:" + cases[i].registers) +
               (cases[i].from_dram.empty() ? "" : " " + cases[i].from_dram + "-from-DRAM") + (cases[i].outputs_to_dram ? " O-to-DRAM" : "") +
               (cases[i].prefetched.empty() ? "" : " prefetch: " + cases[i].prefetched) +
               (cases[i].inner_double_buffered ? " GLB-double" : "") +
               (cases[i].interconnect == "broadcast"
                    ? ""
                    : " " + cases[i].interconnect + " " +
                          std::to_string(cases[i].per_pe ? cases[i].pipelined_side() : cases[i].schedule.rows) + "x" +
                          std::to_string(cases[i].per_pe ? cases[i].pipelined_side() : cases[i].schedule.cols))]
            .push_back(i);
    size_t done = 0;
    for (const auto &[key, members] : groups) {
        ++sum.designs;
        auto fail_all = [&](const std::string &what) {
            for (size_t i : members) sum.failures.push_back({cases[i].describe(), what});
        };
        std::vector<ir::AcceleratorIR> irs;
        for (size_t i : members) irs.push_back(cases[i].ir);
        const ir::Architecture arch = cases[members.front()].architecture();
        try {
            const rtl::RtlDesign rtl = rtl::generate_rtl(rtl::design_for(irs, arch, "tessera_accel"));
            BuildOptions build;
            build.cycles_ahead = modelled_cycles(irs, arch);
            const VerilatedDesign design = VerilatedDesign::build(rtl, build);
            if (!design.from_cache()) {
                ++sum.builds;
                sum.build_seconds += design.build_seconds();
            }
            SimOptions options;
            options.tensors.seed = seed;
            options.dram_stall_percent = dram_stall_percent;
            // Case by case, so that a case the simulator rejects fails alone.
            for (size_t i : members) {
                LayerOutcome o;
                try {
                    const SimLayer layer{cases[i].ir, rtl::configure_layer(rtl.spec, rtl.registers, cases[i].ir), i};
                    o = simulate_layers(design, {layer}, arch, options).at(0);
                } catch (const std::exception &e) {
                    sum.failures.push_back({cases[i].describe(), e.what()});
                    continue;
                }
                sum.sim_seconds += o.sim_seconds;
                if (o.completed && !dram_stall_percent && std::abs(o.cycle_error()) > std::abs(sum.worst_cycle_error)) {
                    sum.worst_cycle_error = o.cycle_error();
                    sum.worst_cycle_case = cases[i].describe() + ": rtl " + std::to_string(o.cycles_measured) +
                                           " model " + std::to_string(o.cycles_model);
                }
                std::string why = failure_summary(o, false);
                if (!dram_stall_percent && int64_t(o.cycles_measured) != o.cycles_model)
                    why += "cycles rtl " + std::to_string(o.cycles_measured) + " model " + std::to_string(o.cycles_model) + "; ";
                if (why.empty()) ++sum.passed;
                else sum.failures.push_back({cases[i].describe(), why});
            }
        } catch (const std::exception &e) {
            fail_all(std::string("design ") + key + ": " + e.what());
        }
        done += members.size();
        if (progress)
            *progress << "design " << sum.designs << "/" << groups.size() << " [" << key << "]: "
                      << members.size() << " cases; " << done << "/" << cases.size() << " done, "
                      << sum.failures.size() << " failed" << std::endl;
    }
    sum.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return sum;
}

}  // namespace tessera::vsim::test
