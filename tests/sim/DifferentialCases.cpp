#include "DifferentialCases.h"
#include "FusedSupport.h"
#include "RandomSchedules.h"

#include "UserError.h"
#include "ir/Architecture.h"
#include "ir/ArchitectureJson.h"
#include "ir/Validate.h"
#include "rtl_backend/DesignSpec.h"

#include <functional>
#include <random>
#include <sstream>

namespace tessera::vsim::test {

namespace {

// A small conv for the schedule-text cases: 1x1 or 3x3, stride 1 or 2, padding, C and K from 2 up
// to the bounds, H and W from the filter up to max_hw; bias, ReLU and a requantize shift at random.
ir::LayerSpec small_conv(Rng &rng, const std::string &name, int64_t max_c, int64_t max_k, int64_t max_hw) {
    ir::LayerSpec l;
    l.name = name;
    l.type = "conv";
    l.C = pick(rng, 2, max_c);
    l.K = pick(rng, 2, max_k);
    l.R = l.S = one_of<int64_t>(rng, {1, 3, 3});
    l.stride = chance(rng, 0.7) ? 1 : 2;
    l.pad = pick(rng, 0, l.R / 2);
    l.H = pick(rng, l.R, max_hw);
    l.W = pick(rng, l.S, max_hw);
    l.bias = chance(rng, 0.8);
    l.relu = chance(rng, 0.7);
    l.requant_shift = chance(rng, 0.5) ? -1 : int(pick(rng, 0, 12));
    return l;
}

ir::LayerSpec random_layer(Rng &rng, const std::string &name) {
    ir::LayerSpec l;
    l.name = name;
    const int64_t kind = pick(rng, 0, 9);
    l.type = kind < 6 ? "conv" : kind < 8 ? "dwconv" : "fc";
    l.N = chance(rng, 0.15) ? 2 : 1;
    l.bias = chance(rng, 0.8);
    l.relu = chance(rng, 0.7);
    l.requant_shift = chance(rng, 0.5) ? -1 : int(pick(rng, 0, 12));
    if (l.type == "fc") {
        l.N = pick(rng, 1, 4);
        l.C = pick(rng, 1, 40);
        l.K = pick(rng, 1, 20);
        return l;
    }
    l.R = one_of<int64_t>(rng, {1, 1, 3, 3, 3, 5});
    l.S = chance(rng, 0.85) ? l.R : one_of<int64_t>(rng, {1, 3});
    l.stride = chance(rng, 0.7) ? 1 : 2;
    l.pad = pick(rng, 0, std::min(l.R, l.S) / 2);
    l.H = pick(rng, std::max(l.R, int64_t(2)), 12);
    l.W = pick(rng, std::max(l.S, int64_t(2)), 12);
    if (l.type == "dwconv") {
        l.C = l.K = l.groups = pick(rng, 1, 12);
    } else {
        l.C = pick(rng, 1, 12);
        l.K = pick(rng, 1, 12);
    }
    return l;
}

ScheduleRequest random_schedule(Rng &rng, const ir::LayerSpec &l) {
    ScheduleRequest s;
    if (chance(rng, 0.25)) {
        // 1-D array: one dim along the columns.
        s.rows = 1;
        s.cols = one_of<int64_t>(rng, {4, 8});
        s.spatial = l.type == "fc" ? one_of<std::string>(rng, {"K", "C", "N"})
                    : l.type == "dwconv" ? one_of<std::string>(rng, {"K", "X", "Y"})
                                         : one_of<std::string>(rng, {"K", "C", "X", "Y"});
        s.dataflow = one_of<std::string>(rng, {"", "os", "ws", "is"});
    } else if (l.type == "conv" && chance(rng, 0.2)) {
        // Several loops on one axis (mixed radix, lane tables), on 8 lanes so that two or three
        // loops fit; a tensor depends on all, none or some of an axis's loops (k x c: the input
        // multicast within the axis, the output reduced within it).
        const bool on_rows = chance(rng, 0.6);
        s.rows = on_rows ? 8 : 4;
        s.cols = on_rows ? 4 : 8;
        s.spatial = on_rows ? one_of<std::string>(rng, {"C,FX|K", "C,FY,FX|K", "FY,FX|K", "C,FY|X", "C,FX|Y", "K,C|X",
                                                        "C,K|Y", "Y,C|K", "K,FX|X"})
                            : one_of<std::string>(rng, {"K|C,FX", "K|C,FY,FX", "X|C,FY", "Y|X,C", "X|K,C", "C|X,K"});
    } else {
        s.rows = one_of<int64_t>(rng, {2, 4, 4});
        s.cols = 4;
        if (chance(rng, 0.3) && l.type == "conv") s.spatial = one_of<std::string>(rng, {"K|X", "X|K", "K|C", "C|K", "Y|X"});
        s.dataflow = one_of<std::string>(rng, {"os", "ws", "is", "rs"});
    }
    // A small global buffer now and then: the preset then tiles the layer (several fills, tails).
    if (chance(rng, 0.3)) s.buffer_bytes = one_of<int64_t>(rng, {256, 512, 1024, 4096});
    return s;
}

}  // namespace

std::string RandomCase::describe() const {
    const ir::LayerSpec &l = layer;
    std::ostringstream o;
    o << "--layer " << l.type << ":N=" << l.N << ",C=" << l.C;
    if (l.type != "dwconv") o << ",K=" << l.K;
    if (l.type != "fc")
        o << ",H=" << l.H << ",W=" << l.W << ",R=" << l.R << ",S=" << l.S << ",stride=" << l.stride
          << ",pad=" << l.pad;
    o << ",bias=" << l.bias << ",relu=" << l.relu;
    if (l.requant_shift >= 0) o << ",shift=" << l.requant_shift;
    if (per_pe) o << " --arch " << (!registers.empty() ? "eyeriss_registers" : hierarchy.empty() ? "eyeriss_16x16" : "four_level")
                  << " --schedule <<'EOF'\n"
                  << schedule.text << "EOF";
    if (!schedule.spatial.empty()) o << " --spatial '" << schedule.spatial << "'";
    if (!schedule.dataflow.empty()) o << " --dataflow " << schedule.dataflow;
    if (!per_pe) o << " --array " << schedule.rows << "x" << schedule.cols;
    else if (interconnect != "broadcast") o << " --array " << kPerPeLanes << "x" << kPerPeLanes;
    if (schedule.buffer_bytes) o << " (GLB " << schedule.buffer_bytes << " B)";
    if (double_buffered)
        o << (!hierarchy.empty() ? " (L2 double buffered)" : per_pe ? " (its shared levels double buffered)" : " --arch double_buffered");
    if (!single_buffered.empty()) o << " (hw::single_buffered for " << single_buffered << ")";
    if (!from_dram.empty()) o << " (" << (from_dram == "W" ? "weights" : from_dram == "I" ? "inputs" : "inputs and weights")
                              << " from DRAM into the per-PE files)";
    if (outputs_to_dram) o << " (outputs from the per-PE files straight to DRAM)";
    if (!prefetched.empty())
        o << " (the per-PE level" << (inner_double_buffered ? " and the GLB" : "")
          << " double buffered, twice as large; prefetched: " << prefetched << ")";
    if (interconnect != "broadcast") o << " --interconnect " << interconnect;
    return o.str();
}

int64_t RandomCase::pipelined_side() const { return per_pe ? kPerPeLanes : 0; }

ir::Architecture RandomCase::architecture() const {
    ir::Architecture arch = per_pe ? ir::load_architecture(!registers.empty() ? "eyeriss_registers"
                                                           : hierarchy.empty() ? "eyeriss_16x16"
                                                                               : "four_level")
                            : double_buffered ? ir::load_architecture("double_buffered")
                                              : ir::default_architecture();
    // Every shared level double buffered; on four_level only L2 (a double-buffered GLB under it,
    // twice as large, is inner_double_buffered's: draw_prefetched_tile_cases).
    if (per_pe && double_buffered)
        for (size_t l = 1; l < arch.levels.size(); ++l)
            arch.levels[l].double_buffered = !arch.is_per_pe(l) && (hierarchy.empty() || arch.levels[l].name == "L2");
    if (inner_double_buffered) {
        for (ir::MemoryLevel &glb : arch.levels)
            if (glb.name == "GLB") glb.double_buffered = true, glb.size_bytes *= 2;
    }
    if (!prefetched.empty())
        for (size_t l = 1; l < arch.levels.size(); ++l) {
            ir::MemoryLevel &level = arch.levels[l];
            if (!arch.is_per_pe(l)) continue;
            // The outermost per-PE level: two copies of the operand tiles the draws size for one.
            level.double_buffered = true;
            if (level.tensor_bytes[2] > 0) {
                level.size_bytes += level.tensor_bytes[0] + level.tensor_bytes[1];
                level.tensor_bytes[0] *= 2, level.tensor_bytes[1] *= 2;
            } else {
                level.size_bytes *= 2;
            }
            break;
        }
    if (interconnect == "broadcast") return arch;
    arch.interconnect = interconnect == "systolic" ? ir::Interconnect::Systolic : ir::Interconnect::Hybrid;
    arch.tile = interconnect == "systolic" ? 1 : 2;
    // A pipelined array is the architecture's size: per-PE cases get one as large as their lanes.
    arch.rows = per_pe ? kPerPeLanes : schedule.rows;
    arch.cols = per_pe ? kPerPeLanes : schedule.cols;
    return arch;
}

std::vector<RandomCase> draw_cases(uint64_t seed, size_t count, size_t *rejected) {
    Rng rng(seed);
    // The interconnect comes from a stream of its own, so a seed draws the same layers as before.
    Rng wiring(seed ^ 0x9e3779b97f4a7c15ull);
    std::vector<RandomCase> cases;
    size_t redrawn = 0;
    while (cases.size() < count) {
        RandomCase c;
        c.layer = random_layer(rng, "case" + std::to_string(cases.size()));
        c.schedule = random_schedule(rng, c.layer);
        c.double_buffered = chance(rng, 0.5);
        try {
            c.ir = lower_to_ir(c.layer, c.schedule);
            // A mapping the RTL does not build (e.g. a tensor on some loops of an axis only).
            (void)rtl::design_for({c.ir}, ir::default_architecture());
        } catch (const UserError &) {
            ++redrawn;  // e.g. rs on fc, a buffer too small for any tile
            continue;
        }
        // Two cases in five drawn on a pipelined array (each such group is a build of its own).
        c.interconnect = one_of<std::string>(wiring, {"broadcast", "broadcast", "broadcast", "systolic", "hybrid:2"});
        if (c.interconnect != "broadcast") {
            try {
                ir::validate_fit(c.ir, c.architecture());
                // A mapping the pipelined arrays do not build (per-PE tiles): broadcast.
                if (!rtl::why_not_fits(rtl::design_for({c.ir}, c.architecture()), c.ir).empty())
                    c.interconnect = "broadcast";
            } catch (const UserError &) {
                c.interconnect = "broadcast";  // reloads a per-PE operand faster than the skew
            }
        }
        cases.push_back(std::move(c));
    }
    if (rejected) *rejected = redrawn;
    return cases;
}

std::vector<RandomCase> draw_single_buffered_cases(uint64_t seed, size_t count,
                                                   const std::vector<std::string> &choices) {
    Rng buffering(seed * 104729 + 11);
    std::vector<RandomCase> cases = draw_cases(seed + 17, count);
    for (RandomCase &c : cases) {
        c.double_buffered = true;
        c.single_buffered = one_of(buffering, choices);
        const ir::Architecture arch = c.architecture();
        for (ir::Buffer &b : c.ir.mapping.buffers) {
            int role = 0;
            for (const ir::Tensor &t : c.ir.problem.tensors)
                if (t.name == b.tensor) role = int(t.role);
            if (!arch.is_per_pe(size_t(ir::buffer_level(arch, b))) && c.single_buffered.find("IWO"[role]) != std::string::npos)
                b.single_buffered = true;
        }
    }
    return cases;
}

std::vector<RandomCase> draw_per_pe_cases(uint64_t seed, size_t count, bool within_axis, bool prefetched) {
    Rng rng(seed);
    Rng wiring(seed ^ 0x9e3779b97f4a7c15ull);  // the interconnect: a stream of its own
    Rng buffering(seed ^ 0x5851f42d4c957f2dull);
    Rng one_pe(seed ^ 0x2545f4914f6cdd1dull);  // a case with no loop on the array now and then
    std::vector<RandomCase> cases;
    while (cases.size() < count) {
        RandomCase c;
        c.per_pe = true;
        c.layer = small_conv(rng, "pe_case" + std::to_string(cases.size()), 10, 10, 9);
        const bool no_array = !within_axis && chance(one_pe, 0.125);
        c.schedule.text = random_per_pe_schedule(rng, {"GLB"}, {"GLB"}, "GLB", within_axis, no_array);
        c.schedule.text_origin = "random per-PE schedule";
        if (prefetched) {  // the output's GLB tile double buffered (the files drain into the bank the
                           // array accumulates in) or single, drawn from a stream of its own
            c.double_buffered = true;
            if (chance(buffering, 0.5)) c.schedule.text += "hw::single_buffered(acc);\n", c.single_buffered = "O";
        }
        c.interconnect = one_of<std::string>(wiring, {"broadcast", "systolic", "hybrid:2"});
        if (no_array) c.interconnect = "broadcast";
        try {
            c.ir = lower_to_ir(c.layer, c.schedule);
            ir::validate_fit(c.ir, c.architecture());
            (void)rtl::design_for({c.ir}, c.architecture());
        } catch (const UserError &) {
            continue;  // e.g. a tile larger than its per-PE partition
        }
        cases.push_back(std::move(c));
    }
    return cases;
}

namespace {

// Lowers a drawn case: "" when its mapping fits the architecture and runs on a design of its own,
// else the one-line reason (a tile over its partition, a construct the RTL refuses).
std::string lower_for_rtl(RandomCase &c) {
    try {
        c.ir = lower_to_ir(c.layer, c.schedule);
        ir::validate_fit(c.ir, c.architecture());
        return rtl::why_not_fits(rtl::design_for({c.ir}, c.architecture()), c.ir);
    } catch (const UserError &e) {
        return e.what();
    }
}

// `count` per-PE cases on eyeriss_16x16 whose schedule text `schedule` draws (after the layer, from
// the same stream), a third of their layers quantized (a stream of their own), each marked by
// `mark`; a draw the front end or the RTL refuses is redrawn.
std::vector<RandomCase> draw_schedule_cases(Rng &rng, Rng &quantizing, uint64_t seed, size_t count, const std::string &name,
                                            const std::function<void(RandomCase &)> &mark,
                                            const std::function<std::string()> &schedule, const std::string &origin) {
    std::vector<RandomCase> cases;
    for (size_t redrawn = 0; cases.size() < count;) {
        RandomCase c;
        c.per_pe = true;
        mark(c);
        c.layer = small_conv(rng, name + "_case" + std::to_string(cases.size()), 10, 10, 9);
        if (chance(quantizing, 1.0 / 3)) {
            std::vector<ir::LayerSpec> one{c.layer};
            tessera::test::quantize(one, seed * 1000003 + cases.size() * 7919 + redrawn);
            c.layer = one.front();
        }
        c.schedule.text = schedule();
        c.schedule.text_origin = origin;
        if (const std::string why = lower_for_rtl(c); !why.empty()) {
            if (++redrawn > 1000) throw std::runtime_error("draw_" + name + "_cases: every draw rejected: " + why);
            continue;
        }
        cases.push_back(std::move(c));
    }
    return cases;
}

}  // namespace

std::vector<RandomCase> draw_register_level_cases(uint64_t seed, size_t count) {
    Rng rng(seed * 6151 + 11);
    Rng which(seed ^ 0x2545f4914f6cdd1dull);  // the operands with a register: a stream of its own
    Rng wiring(seed ^ 0x6a09e667f3bcc908ull);  // one case in four on each pipelined array
    std::vector<RandomCase> cases;
    for (size_t redrawn = 0; cases.size() < count;) {
        RandomCase c;
        c.per_pe = true;
        c.registers = one_of<std::string>(which, {"W", "I", "IW"});
        c.interconnect = one_of<std::string>(wiring, {"broadcast", "broadcast", "systolic", "hybrid:2"});
        c.layer = small_conv(rng, "register_case" + std::to_string(cases.size()), 10, 10, 9);
        c.schedule.text = random_per_pe_schedule(rng, {"GLB"}, {"GLB"}, "GLB", false, false, c.registers);
        c.schedule.text_origin = "random register-level schedule";
        if (const std::string why = lower_for_rtl(c); !why.empty()) {
            if (++redrawn > 1000) throw std::runtime_error("draw_register_level_cases: every draw rejected: " + why);
            continue;
        }
        cases.push_back(std::move(c));
    }
    return cases;
}

std::vector<RandomCase> draw_dram_fed_cases(uint64_t seed, size_t count) {
    Rng rng(seed * 4099 + 5);
    Rng quantizing(seed ^ 0x9e3779b97f4a7c15ull);
    Rng which(seed ^ 0x1f83d9abfb41bd6bull);  // a weight register under the DRAM-fed file, or not
    Rng bypassing(seed ^ 0x5be0cd19137e2179ull);  // the operands DRAM feeds
    Rng wiring(seed ^ 0x3c6ef372fe94f82bull);     // one case in four on each pipelined array
    std::string registers, from_dram;
    return draw_schedule_cases(
        rng, quantizing, seed, count, "dram_fed",
        [&](RandomCase &c) {
            c.registers = registers = one_of<std::string>(which, {"", "W"});
            c.from_dram = from_dram = one_of<std::string>(bypassing, {"W", "W", "I", "IW"});
            c.interconnect = one_of<std::string>(wiring, {"broadcast", "broadcast", "systolic", "hybrid:2"});
        },
        [&] {
            const std::vector<std::string> glb = {"GLB"}, none;
            return random_per_pe_schedule(rng, from_dram.find('I') != std::string::npos ? none : glb,
                                          from_dram.find('W') != std::string::npos ? none : glb, "GLB", false, false,
                                          registers);
        },
        "random schedule, operands from DRAM");
}

std::vector<RandomCase> draw_outputs_to_dram_cases(uint64_t seed, size_t count) {
    Rng rng(seed * 7919 + 3);
    Rng quantizing(seed ^ 0x3c6ef372fe94f82bull);
    Rng buffering(seed ^ 0xa54ff53a5f1d36f1ull);  // half on a double-buffered GLB (the operands prefetch)
    Rng wiring(seed ^ 0xbb67ae8584caa73bull);     // one case in four on each pipelined array
    return draw_schedule_cases(
        rng, quantizing, seed, count, "outputs_to_dram",
        [&](RandomCase &c) {
            c.outputs_to_dram = true, c.double_buffered = chance(buffering, 0.5);
            c.interconnect = one_of<std::string>(wiring, {"broadcast", "broadcast", "systolic", "hybrid:2"});
        },
        [&] { return random_outputs_to_dram_schedule(rng); }, "random schedule, outputs straight to DRAM");
}

std::vector<RandomCase> draw_output_register_cases(uint64_t seed, size_t count) {
    Rng rng(seed * 2053 + 17);
    Rng quantizing(seed ^ 0x510e527fade682d1ull);
    Rng which(seed ^ 0x9b05688c2b3e6c1full);  // a weight register too, or not: a stream of its own
    Rng where(seed ^ 0x6a09e667f3bcc908ull);  // files drained to the GLB, or to DRAM (no output buffer)
    Rng wiring(seed ^ 0x1f83d9abfb41bd6bull);  // one case in four on each pipelined array
    Rng axis(seed ^ 0x5be0cd19137e2179ull);    // files drained into the GLB: a quarter on a k x c axis
    std::string registers;
    bool to_dram = false, within_axis = false;
    return draw_schedule_cases(
        rng, quantizing, seed, count, "output_register",
        [&](RandomCase &c) {
            c.registers = registers = one_of<std::string>(which, {"O", "OW"});
            c.outputs_to_dram = to_dram = chance(where, 0.5);
            c.interconnect = one_of<std::string>(wiring, {"broadcast", "broadcast", "systolic", "hybrid:2"});
            within_axis = !to_dram && chance(axis, 0.25);
        },
        [&] {
            return to_dram ? random_outputs_to_dram_schedule(rng, registers)
                           : random_output_register_schedule(rng, registers == "OW", within_axis);
        },
        "random schedule, output register");
}



std::vector<RandomCase> draw_four_level_cases(uint64_t seed, size_t count, bool pipelined, bool output_two_levels,
                                              bool l2_double_buffered, bool quantized) {
    struct Plan {
        std::vector<std::string> input, filter;
        std::string output;
    };
    const std::vector<Plan> plans =
        output_two_levels ? std::vector<Plan>{{{"GLB"}, {"L2"}, "L2+GLB"}, {{"L2", "GLB"}, {"GLB"}, "L2+GLB"},
                                              {{"GLB"}, {"L2"}, "L2+GLB+RF"}}
                          : std::vector<Plan>{{{"L2", "GLB"}, {"L2"}, "GLB"},
                                              {{"GLB"}, {"L2", "GLB"}, "L2"},
                                              {{"L2", "GLB"}, {"L2", "GLB"}, "GLB"}};
    auto join = [](const std::vector<std::string> &v) {
        std::string s;
        for (const auto &x : v) s += (s.empty() ? "" : "+") + x;
        return s;
    };
    Rng rng(seed * 7919 + 4);
    Rng wiring(seed ^ 0x9e3779b97f4a7c15ull);  // the interconnect: a stream of its own
    std::vector<RandomCase> cases;
    for (size_t redrawn = 0; cases.size() < count;) {
        const Plan &plan = plans[cases.size() % plans.size()];
        RandomCase c;
        c.per_pe = true;
        c.hierarchy = "I:" + join(plan.input) + " W:" + join(plan.filter) + " O:" + plan.output;
        c.layer = small_conv(rng, "level_case" + std::to_string(cases.size()), 14, 12, 10);
        if (quantized) {
            std::vector<ir::LayerSpec> one{c.layer};
            tessera::test::quantize(one, seed * 1000003 + cases.size() * 7919 + redrawn);
            c.layer = one.front();
        }
        c.schedule.text = random_per_pe_schedule(rng, plan.input, plan.filter, plan.output);
        c.schedule.text_origin = "random 4-level schedule";
        c.double_buffered = l2_double_buffered;
        if (pipelined) c.interconnect = one_of<std::string>(wiring, {"broadcast", "systolic", "hybrid:2"});
        // Partial sums in the PE registers (the output at two shared levels) may update one word
        // in back-to-back iterations, which the RTL refuses (rtl::why_not_fits): draw again.
        if (const std::string why = lower_for_rtl(c); !why.empty()) {
            if (++redrawn > 1000) throw std::runtime_error("draw_four_level_cases: every draw rejected: " + why);
            continue;
        }
        cases.push_back(std::move(c));
    }
    return cases;
}

std::vector<RandomCase> draw_prefetched_tile_cases(uint64_t seed, size_t count) {
    Rng pick(seed ^ 0x3c6ef372fe94f82bull);
    std::vector<RandomCase> cases;
    for (uint64_t round = 0; cases.size() < count; ++round) {
        if (round > 100 * count + 100) throw std::runtime_error("draw_prefetched_tile_cases: every draw rejected");
        const uint64_t s = seed * 1000003 + round;
        std::vector<RandomCase> drawn = round % 3 == 0 ? draw_per_pe_cases(s, 1, chance(pick, 0.25), chance(pick, 0.5))
                                        : round % 3 == 1 ? draw_four_level_cases(s, 1, true, round % 6 == 4)
                                                         : draw_register_level_cases(s, 1);
        RandomCase &c = drawn.front();
        c.prefetched = "?";  // the architecture; the design says what prefetches
        c.inner_double_buffered = round % 3 == 1 && chance(pick, 0.75);
        if (!lower_for_rtl(c).empty()) continue;
        const rtl::DesignSpec d = rtl::design_for({c.ir}, c.architecture());
        const std::string files = std::string(d.input_pe_double_buffered ? "I" : "") + (d.weight_pe_double_buffered ? "W" : ""),
                          inner = std::string(d.input_stage_double_buffered ? "I" : "") + (d.weight_stage_double_buffered ? "W" : "");
        c.prefetched = (files.empty() ? "" : "files " + files) + (files.empty() || inner.empty() ? "" : ", ") +
                       (inner.empty() ? "" : "inner tiles " + inner);
        if (c.prefetched.empty()) continue;
        c.layer.name = "prefetch_case" + std::to_string(cases.size());
        if (!lower_for_rtl(c).empty()) continue;
        cases.push_back(std::move(c));
    }
    return cases;
}

}  // namespace tessera::vsim::test
