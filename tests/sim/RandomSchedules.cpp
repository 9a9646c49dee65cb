// Random schedule texts of the differential test's per-PE cases (DifferentialCases.cpp), and the
// draws they are made of.
#include "RandomSchedules.h"

#include "DifferentialCases.h"

#include <algorithm>
#include <sstream>

namespace tessera::vsim::test {

int64_t pick(Rng &rng, int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); }
bool chance(Rng &rng, double p) { return std::bernoulli_distribution(p)(rng); }
// A weight-stationary schedule (rows c, columns k) with a per-PE accumulator file and per-PE input
// and filter tiles (so that every case runs on one design): lanes, blocking and which tiles are
// kept across a loop above them random.
// `within_axis`: the columns are k x c instead (2 x 2 lanes, fixed so that every case runs on one
// design): the input multicast and the partial sums reduced within the axis (docs/rtl.md).
// `output_level` "L2+GLB": the output at two shared levels instead of a per-PE file, its strip in
// L2 and each filter block kt's partial sums in the GLB (drained and reloaded across co).
// `no_array`: cl and kl stay temporal: one PE, its tiles on the per-PE level all the same (the
// level, not a loop on the array, makes them per PE).
std::string random_per_pe_schedule(Rng &rng, const std::vector<std::string> &input_levels,
                                   const std::vector<std::string> &filter_levels, const std::string &output_level,
                                   bool within_axis, bool no_array, const std::string &registers) {
    // At least two lanes per axis: every case has the same interconnect (one design).
    int64_t cl = pick(rng, 2, RandomCase::kPerPeLanes), cp = pick(rng, 1, 2), kl = pick(rng, 2, RandomCase::kPerPeLanes),
            kp = pick(rng, 1, 2);
    if (within_axis) cl = kl = 2;
    const int64_t xp = pick(rng, 1, 4), yb = pick(rng, 1, 4);
    // Per-PE tiles kept across loops that do not move them (docs/hardware.md, "Stages"): the ifmap
    // tile inside kp, the psum file inside cp, the filter tile across y above the array.
    const bool input_kept = pick(rng, 0, 1), output_kept = pick(rng, 0, 1), filter_kept = pick(rng, 0, 1);
    // Filter files DRAM fills (no filter level): refilled below the array's loops (at cl) or at
    // every channel step cp inside them (the runs then end there).
    const bool filter_inside = filter_levels.empty() && pick(rng, 0, 1);
    // One-word register tiles on REG under the files (`registers`: the operands that get one): an
    // input word stays while the filter loop kp runs innermost, a weight while the x loop xp does.
    const bool input_register = registers.find('I') != std::string::npos,
               filter_register = registers.find('W') != std::string::npos;
    const std::string inner = input_register ? "kp, xp, s, r" : input_kept ? "xp, s, r, kp" : "xp, s, kp, r";
    std::ostringstream o;
    o << "Var ko(\"ko\"), ki(\"ki\"), yo(\"yo\"), yi(\"yi\");\n"
      << "output.split(k, ko, ki, " << kl * kp << ").split(y, yo, yi, " << yb
      << ").reorder(x, yi, ki, n, yo, ko);\n"
      << "acc.compute_at(output, yo);\n"
      << "Var kt(\"kt\"), kl(\"kl\"), kp(\"kp\"), xq(\"xq\"), xp(\"xp\");\n"
      << "RVar co(\"co\"), ci(\"ci\"), cl(\"cl\"), cp(\"cp\");\n"
      << "acc.update().split(c, co, ci, " << cl * cp << ").split(ci, cl, cp, " << cp << ").split(k, kt, kl, "
      << kl * kp << ").split(kl, kl, kp, " << kp << ")\n"
      << "    .split(x, xq, xp, " << xp << ")\n"
      << "    .reorder(" << inner << ", cp, xq, " << (filter_kept ? "" : "y, ")
      << "cl, kl, " << (filter_kept ? "y, " : "") << "kt, co, n)" << (no_array ? ";\n" : ".unroll(cl).unroll(kl);\n")
      << (no_array ? "" : within_axis ? "hw::array(acc, {kl, cl});\n" : "hw::array(acc, cl, kl);\n");
    if (output_level == "L2+GLB" || output_level == "L2+GLB+RF")
        o << "hw::level(acc, \"L2\");\nhw::accumulator(acc, kt, \"GLB\");\n";
    if (output_level != "L2+GLB")
        o << "hw::accumulator(acc, " << (output_kept ? "cp" : "xq") << ", \"RF\");\n";
    if (output_level != "GLB" && output_level != "L2+GLB" && output_level != "L2+GLB+RF") o << "hw::level(acc, \"" << output_level << "\");\n";
    // Each operand's shared tiles, outermost first: an L2 tile per output tile (inputs: per output
    // strip yo, filters: per filter block ko), a GLB tile per channel block co.
    for (const auto &[t, levels] : {std::pair<std::string, const std::vector<std::string> *>{"ifmap", &input_levels},
                                    {"filter", &filter_levels}}) {
        std::string from = t;
        for (const std::string &level : *levels) {
            const std::string f = t + "_" + (level == "L2" ? "l2" : "glb");
            const std::string at = level == "GLB" ? "acc, co" : t == "ifmap" ? "output, yo" : "output, ko";
            o << "Func " << f << " = " << from << ".in(acc);\n"
              << f << ".compute_at(" << at << ");\n"
              << "hw::level(" << f << ", \"" << level << "\");\n";
            from = f;
        }
        o << "Func " << t << "_rf = " << from << ".in(acc);\n"
          << t << "_rf.compute_at(acc, " << (t == "ifmap" ? (input_kept && !input_register ? "kp" : "r") : filter_inside ? "cp" : "cl") << ");\n"
          << "hw::level(" << t << "_rf, \"RF\");\n";
        if (t == "ifmap" ? input_register : filter_register)
            o << "Func " << t << "_reg = " << t << "_rf.in(acc);\n"
              << t << "_reg.compute_at(acc, " << (t == "ifmap" ? "xp" : input_register ? "kp" : "s") << ");\n"
              << "hw::level(" << t << "_reg, \"REG\");\n";
    }
    return o.str();
}

// A per-PE mapping whose output tile is on DRAM: each PE's psum file holds its kp x xp (x yb)
// outputs across every reduction loop (co, cp, s, r inside the file's refill at xq) and drains
// them straight to DRAM after each xq step. Rows: channel lanes cl (reduced by the adder trees);
// columns: filter lanes kl. Inputs and weights: a GLB tile per output strip and a per-PE file.
std::string random_outputs_to_dram_schedule(Rng &rng, const std::string &registers) {
    const int64_t cl = pick(rng, 2, RandomCase::kPerPeLanes), cp = pick(rng, 1, 2), kl = pick(rng, 2, RandomCase::kPerPeLanes),
                  kp = pick(rng, 1, 2), xp = pick(rng, 1, 3), yb = pick(rng, 1, 3);
    // y inside the array (the files refill and drain per (y, x step), inside the array's loops)
    // or outside it.
    const bool y_in_file = pick(rng, 0, 1), filter_per_block = pick(rng, 0, 1);
    // With registers, the four innermost loops in any order and the one-word tiles at the innermost.
    std::vector<std::string> loops = {"xp", "s", "r", "kp"};
    std::string inner;
    if (registers.empty()) {
        inner = one_of<std::string>(rng, {"xp, s, r, kp", "xp, s, kp, r", "kp, xp, s, r"});
    } else {
        std::shuffle(loops.begin(), loops.end(), rng);
        for (const std::string &l : loops) inner += (inner.empty() ? "" : ", ") + l;
    }
    const std::string innermost = loops.front();
    std::ostringstream o;
    o << "Var ko(\"ko\"), ki(\"ki\"), yo(\"yo\"), yi(\"yi\");\n"
      << "output.split(k, ko, ki, " << kl * kp << ").split(y, yo, yi, " << yb << ").reorder(x, yi, ki, n, yo, ko);\n"
      << "acc.compute_at(output, yo);\n"
      << "hw::level(acc, \"DRAM\");\n"
      << "Var kt(\"kt\"), kl(\"kl\"), kp(\"kp\"), xq(\"xq\"), xp(\"xp\");\n"
      << "RVar co(\"co\"), ci(\"ci\"), cl(\"cl\"), cp(\"cp\");\n"
      << "acc.update().split(c, co, ci, " << cl * cp << ").split(ci, cl, cp, " << cp << ").split(k, kt, kl, " << kl * kp
      << ").split(kl, kl, kp, " << kp << ")\n"
      << "    .split(x, xq, xp, " << xp << ")\n"
      << "    .reorder(" << inner << ", cp, co, " << (y_in_file ? "y, xq" : "xq") << ", cl, kl, "
      << (y_in_file ? "" : "y, ") << "kt, n).unroll(cl).unroll(kl);\n"
      << "hw::array(acc, cl, kl);\n"
      << "hw::accumulator(acc, co, \"RF\");\n"
      << (registers.find('O') != std::string::npos ? "hw::accumulator(acc, " + innermost + ", \"REG\");\n" : "")
      << "Func ifmap_glb = ifmap.in(acc);\nifmap_glb.compute_at(acc, kt);\nhw::level(ifmap_glb, \"GLB\");\n"
      << "Func ifmap_rf = ifmap_glb.in(acc);\nifmap_rf.compute_at(acc, " << (registers.empty() ? "r" : innermost)
      << ");\nhw::level(ifmap_rf, \"RF\");\n"
      << "Func filter_glb = filter.in(acc);\nfilter_glb.compute_at(acc, kt);\nhw::level(filter_glb, \"GLB\");\n"
      << "Func filter_rf = filter_glb.in(acc);\nfilter_rf.compute_at(acc, " << (filter_per_block ? "cp" : "co")
      << ");\nhw::level(filter_rf, \"RF\");\n";
    if (registers.find('W') != std::string::npos)
        o << "Func filter_reg = filter_rf.in(acc);\nfilter_reg.compute_at(acc, " << innermost
          << ");\nhw::level(filter_reg, \"REG\");\n";
    return o.str();
}

// Rows: channel lanes cl, columns: filter lanes kl. Inside the array: xp, kp (the file's outputs)
// and the reductions cp, r, s in a random order under xq, y; the channel blocks co above the array
// resume each file from the output's GLB tile (reloads). The output register and the weight
// register sit at the innermost loop: one word, kept across the innermost loops that do not move
// it (docs/hardware.md, "Stages"). The input's per-PE tile is one word too (the RF partition holds
// three), refilled from the GLB where it changes.
std::string random_output_register_schedule(Rng &rng, bool filter_register, bool within_axis) {
    int64_t cl = pick(rng, 2, RandomCase::kPerPeLanes), cp = pick(rng, 1, 2), kl = pick(rng, 2, RandomCase::kPerPeLanes),
            kp = pick(rng, 1, 2), xp = pick(rng, 1, 3), yb = pick(rng, 1, 3);
    if (within_axis) cl = kl = 2;
    std::vector<std::string> inner = {"xp", "kp", "cp", "r", "s"};
    std::shuffle(inner.begin(), inner.end(), rng);
    std::string order;
    for (const std::string &l : inner) order += l + ", ";
    const bool y_in_file = pick(rng, 0, 1);
    std::ostringstream o;
    o << "Var ko(\"ko\"), ki(\"ki\"), yo(\"yo\"), yi(\"yi\");\n"
      << "output.split(k, ko, ki, " << kl * kp << ").split(y, yo, yi, " << yb << ").reorder(x, yi, ki, n, yo, ko);\n"
      << "acc.compute_at(output, yo);\n"
      << "Var kt(\"kt\"), kl(\"kl\"), kp(\"kp\"), xq(\"xq\"), xp(\"xp\");\n"
      << "RVar co(\"co\"), ci(\"ci\"), cl(\"cl\"), cp(\"cp\");\n"
      << "acc.update().split(c, co, ci, " << cl * cp << ").split(ci, cl, cp, " << cp << ").split(k, kt, kl, " << kl * kp
      << ").split(kl, kl, kp, " << kp << ")\n"
      << "    .split(x, xq, xp, " << xp << ")\n"
      << "    .reorder(" << order << (y_in_file ? "y, xq" : "xq, y") << ", cl, kl, kt, co, n).unroll(cl).unroll(kl);\n"
      << (within_axis ? "hw::array(acc, {kl, cl});\n" : "hw::array(acc, cl, kl);\n")
      << "hw::accumulator(acc, " << (y_in_file ? "xq" : "y") << ", \"RF\");\n"
      << "hw::accumulator(acc, " << inner.front() << ", \"REG\");\n"
      << "Func ifmap_glb = ifmap.in(acc);\nifmap_glb.compute_at(acc, co);\nhw::level(ifmap_glb, \"GLB\");\n"
      << "Func ifmap_rf = ifmap_glb.in(acc);\nifmap_rf.compute_at(acc, " << inner.front() << ");\nhw::level(ifmap_rf, \"RF\");\n"
      << "Func filter_glb = filter.in(acc);\nfilter_glb.compute_at(acc, co);\nhw::level(filter_glb, \"GLB\");\n"
      << "Func filter_rf = filter_glb.in(acc);\nfilter_rf.compute_at(acc, cl);\nhw::level(filter_rf, \"RF\");\n";
    if (filter_register)
        o << "Func filter_reg = filter_rf.in(acc);\nfilter_reg.compute_at(acc, " << inner.front()
          << ");\nhw::level(filter_reg, \"REG\");\n";
    return o.str();
}

}  // namespace tessera::vsim::test
