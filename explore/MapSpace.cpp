#include "MapSpace.h"

#include "DesignSpec.h"
#include "HardwareScheduleText.h"

#include "UserError.h"

#include <algorithm>
#include <sstream>

namespace tessera::explore {

namespace {

const char *kRoleNames[3] = {"I", "W", "O"};

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

std::string join(const std::vector<std::string> &v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
}

int lanes(const Structure &s) { return int(s.row_dims.size() + s.col_dims.size()); }

}  // namespace

bool Structure::operator==(const Structure &o) const { return key() == o.key(); }

std::string Structure::key() const {
    std::string k;
    auto add = [&](const std::vector<int> &v) {
        for (int x : v) k += char('0' + x);
        k += '/';
    };
    add(row_dims), add(col_dims), add(dram_order), add(glb_order), add(rf_order);
    for (int t = 0; t < 3; ++t)
        k += std::to_string(glb_at[t]) + "," + std::to_string(rf_at[t]) + "," + std::to_string(level[t]) + "," +
             std::to_string(outer_at[t]) + ";";
    if (single[0] || single[1] || single[2])  // (absent when unused: keys, and so ties, as before)
        for (int t = 0; t < 3; ++t) k += single[t] ? 'S' : 'D';
    if (output_inner_at >= 0) k += "i" + std::to_string(output_inner_at);  // (likewise)
    if (reg[0] || reg[1]) k += std::string("r") + (reg[0] ? '1' : '0') + (reg[1] ? '1' : '0');  // (likewise)
    if (reg[2]) k += "ro";  // (likewise)
    if (from_dram[0] || from_dram[1]) k += std::string("f") + (from_dram[0] ? '1' : '0') + (from_dram[1] ? '1' : '0');
    if (from_dram[2]) k += "fo";  // (likewise)
    return k;
}

int SpaceInfo::output_dims() const {
    int n = 0;
    for (const auto &d : problem.dims) n += d.reduction ? 0 : 1;
    return n;
}

int searched_level(const ir::Architecture &arch, bool per_pe) {
    for (size_t i = 1; i < arch.levels.size(); ++i)
        if (arch.is_per_pe(i) == per_pe) return int(i);
    return -1;
}

SpaceInfo space_info(const ir::Problem &problem, const ir::Architecture &arch) {
    SpaceInfo info{problem, arch, "", ""};
    const int glb = searched_level(arch, false), rf = searched_level(arch, true);
    if (glb < 0)
        throw UserError("architecture '" + arch.name + "' has no shared on-chip level below DRAM; "
                        "explore needs one (add a GLB level)");
    info.glb_level = arch.levels[size_t(glb)].name;
    for (size_t i = 1; i < arch.levels.size(); ++i)
        if (!arch.is_per_pe(i)) {
            info.shared_levels.push_back(arch.levels[i].name);
            info.buffering_choice |= arch.levels[i].double_buffered;
        }
    if (rf >= 0) info.rf_level = arch.levels[size_t(rf)].name;
    if (rf >= 0 && size_t(rf) + 1 < arch.levels.size() && arch.is_per_pe(size_t(rf) + 1))
        info.reg_level = arch.levels[size_t(rf) + 1].name;
    return info;
}

namespace {

// Every loop of the four bands, outermost first, trivial ones included: its dim, kind, band,
// extent and stride.
struct FullLoop {
    int dim;
    ir::LoopKind kind;
    int band;  // 0 DRAM, 1 GLB, 2 lanes, 3 RF
    int64_t extent, stride;
};

std::vector<FullLoop> full_loops(const SpaceInfo &info, const Point &p) {
    std::vector<FullLoop> loops;
    loops.reserve(p.s.dram_order.size() + p.s.glb_order.size() + p.s.rf_order.size() + size_t(lanes(p.s)));
    const Factors &f = p.f;
    for (int d : p.s.dram_order) {
        const int64_t tile = f.glb[size_t(d)] * f.lane[size_t(d)] * f.rf[size_t(d)];
        loops.push_back({d, ir::LoopKind::Temporal, 0, ceil_div(info.extent(d), tile), tile});
    }
    for (int d : p.s.glb_order)
        loops.push_back({d, ir::LoopKind::Temporal, 1, f.glb[size_t(d)], f.lane[size_t(d)] * f.rf[size_t(d)]});
    for (int d : p.s.row_dims) loops.push_back({d, ir::LoopKind::SpatialRow, 2, f.lane[size_t(d)], f.rf[size_t(d)]});
    for (int d : p.s.col_dims) loops.push_back({d, ir::LoopKind::SpatialCol, 2, f.lane[size_t(d)], f.rf[size_t(d)]});
    for (int d : p.s.rf_order) loops.push_back({d, ir::LoopKind::Temporal, 3, f.rf[size_t(d)], 1});
    return loops;
}

// Loops of extent 1 change nothing (Halide drops them too), so the IR and the blocking the model
// sees keep only the others: a smaller nest to build and evaluate. With every loop trivial (a
// layer of one MAC) the innermost stays, so the nest is never empty.
bool kept(const std::vector<FullLoop> &loops, size_t i) {
    if (loops[i].extent > 1) return true;
    if (i + 1 != loops.size()) return false;
    for (const auto &l : loops)
        if (l.extent > 1) return false;
    return true;
}

}  // namespace

model::Blocking blocking_of(const SpaceInfo &info, const Point &p) {
    model::Blocking b;
    const std::vector<FullLoop> loops = full_loops(info, p);
    for (size_t i = 0; i < loops.size(); ++i)
        if (kept(loops, i)) b.extent.push_back(loops[i].extent), b.stride.push_back(loops[i].stride);
    return b;
}

std::string model_key(const SpaceInfo &info, const Point &p) {
    std::string k = p.s.key();
    const std::vector<FullLoop> loops = full_loops(info, p);
    for (size_t i = 0; i < loops.size(); ++i) k += kept(loops, i) ? '1' : '0';
    return k;
}

void build_mapping(const SpaceInfo &info, const Point &p, ir::Mapping &mapping) {
    const std::vector<FullLoop> loops = full_loops(info, p);
    const char *suffix[4] = {"o", "t", "l", "p"};
    // kept_before[q]: kept loops before position q of the full nest (a buffer's `at`).
    std::vector<int> kept_before(loops.size() + 1, 0);
    mapping.loops.clear();
    mapping.buffers.clear();
    mapping.schedule.clear();
    for (size_t i = 0; i < loops.size(); ++i) {
        kept_before[i + 1] = kept_before[i];
        if (!kept(loops, i)) continue;
        ++kept_before[i + 1];
        mapping.loops.emplace_back();
        ir::Loop &l = mapping.loops.back();
        l.dim = info.problem.dims[size_t(loops[i].dim)].name;
        l.extent = loops[i].extent;
        l.stride = loops[i].stride;
        l.kind = loops[i].kind;
        l.name = l.dim + suffix[loops[i].band];
    }
    const int nd = info.dims(), rf_base = 2 * nd + lanes(p.s);
    for (int t = 0; t < 3; ++t) {
        const ir::Tensor &tensor = info.problem.tensor(ir::TensorRole(t));
        const bool fed = p.s.dram_feeds(t);  // no shared tile
        if (!fed && t < 2 && p.s.outer_at[t] >= 0 && p.s.level[t] > 0) {  // the outer tile first
            ir::Buffer outer;
            outer.tensor = tensor.name;
            outer.level = info.shared_levels[size_t(p.s.level[t] - 1)];
            outer.at = kept_before[size_t(p.s.outer_at[t])];
            outer.box.assign(tensor.shape.size(), 1);
            outer.single_buffered = p.s.single[t];
            mapping.buffers.push_back(outer);
        }
        ir::Buffer glb;
        glb.tensor = tensor.name;
        glb.level = info.shared_levels[size_t(p.s.level[t])];
        glb.at = kept_before[size_t(t == 2 ? info.output_dims() : p.s.glb_at[t])];
        glb.box.assign(tensor.shape.size(), 1);
        glb.single_buffered = p.s.single[t];
        if (fed && t == 2) glb.level = info.arch.levels.front().name;  // the acc's tile, off chip
        if (!fed || t == 2) mapping.buffers.push_back(glb);
        if (t == 2 && p.s.output_inner_at >= 0) {  // the output's inner block, in the GLB band
            ir::Buffer inner = glb;
            inner.level = info.shared_levels[size_t(p.s.level[t] + 1)];
            inner.at = kept_before[size_t(nd + p.s.output_inner_at)];
            mapping.buffers.push_back(inner);
        }
        if (p.s.rf_at[t] >= 0) {
            ir::Buffer rf = glb;
            rf.single_buffered = false;
            rf.level = info.rf_level;
            rf.at = kept_before[size_t(rf_base + p.s.rf_at[t])];
            mapping.buffers.push_back(rf);
            if (p.s.reg[t]) {
                ir::Buffer reg = rf;
                reg.level = info.reg_level;
                reg.at = kept_before[size_t(rf_base + register_position(info, p, t))];
                mapping.buffers.push_back(reg);
            }
        }
    }
}

int register_position(const SpaceInfo &info, const Point &p, int t) {
    const ir::Tensor &tensor = info.problem.tensor(ir::TensorRole(t));
    int q = info.dims();
    while (q > std::max(p.s.rf_at[t], 0)) {
        const int d = p.s.rf_order[size_t(q - 1)];
        if (p.f.rf[size_t(d)] > 1 && tensor.uses(info.problem.dims[size_t(d)].name)) break;
        --q;
    }
    return q;
}

ir::AcceleratorIR build_ir(const SpaceInfo &info, const Point &p, bool with_schedule_text) {
    ir::AcceleratorIR ir;
    ir.problem = info.problem;
    build_mapping(info, p, ir.mapping);
    if (with_schedule_text) ir.mapping.schedule = schedule_text(info, p);
    return ir;
}

void canonicalize(const SpaceInfo &info, Point &p) {
    const int nd = info.dims(), n_out = info.output_dims();
    std::vector<int64_t> dram(static_cast<size_t>(nd));
    for (int d = 0; d < nd; ++d) {
        const int64_t tile = p.f.glb[size_t(d)] * p.f.lane[size_t(d)] * p.f.rf[size_t(d)];
        dram[size_t(d)] = ceil_div(info.extent(d), tile);
    }
    // Trivial loops first (sorted), the others in their order.
    auto trivial_first = [](std::vector<int> &order, size_t lo, size_t hi, const std::vector<int64_t> &ext) {
        std::vector<int> t, n;
        for (size_t i = lo; i < hi; ++i) (ext[size_t(order[i])] > 1 ? n : t).push_back(order[i]);
        std::sort(t.begin(), t.end());
        t.insert(t.end(), n.begin(), n.end());
        std::copy(t.begin(), t.end(), order.begin() + long(lo));
    };
    // A GLB position inside trivial DRAM loops moves out of them; reorder keeps positions by the
    // nontrivial loops outside them.
    auto nontrivial_outside = [&](int q) {
        int n = 0;
        for (int i = 0; i < q; ++i) n += dram[size_t(p.s.dram_order[size_t(i)])] > 1;
        return n;
    };
    int glb_n[2] = {nontrivial_outside(p.s.glb_at[0]), nontrivial_outside(p.s.glb_at[1])};
    // An outer tile exists only on a level outside the tile's, strictly outside it (a tile at the
    // same position would hold the same box twice).
    int outer_n[2] = {-1, -1};
    for (int t = 0; t < 2; ++t)
        if (p.s.outer_at[t] >= 0 && p.s.level[t] > 0 && nontrivial_outside(p.s.outer_at[t]) < glb_n[t])
            outer_n[t] = nontrivial_outside(p.s.outer_at[t]);
    p.s.outer_at[2] = -1;
    trivial_first(p.s.dram_order, 0, size_t(n_out), dram);
    trivial_first(p.s.dram_order, size_t(n_out), size_t(nd), dram);
    auto position_of = [&](int n) {
        int q = 0;
        for (int seen = 0; seen < n; ++q) seen += dram[size_t(p.s.dram_order[size_t(q)])] > 1;
        return q;
    };
    for (int t = 0; t < 2; ++t) {
        p.s.glb_at[t] = position_of(glb_n[t]);
        p.s.outer_at[t] = outer_n[t] >= 0 ? position_of(outer_n[t]) : -1;
    }
    {  // GLB band: nontrivial loops first, trivial ones innermost; the output's inner tile (the
       // only tile in this band) keeps the nontrivial loops outside it
        std::vector<int> t, n;
        int inner_n = 0;
        for (size_t i = 0; i < p.s.glb_order.size(); ++i) {
            const int d = p.s.glb_order[i];
            (p.f.glb[size_t(d)] > 1 ? n : t).push_back(d);
            if (int(i) < p.s.output_inner_at && p.f.glb[size_t(d)] > 1) ++inner_n;
        }
        std::sort(t.begin(), t.end());
        n.insert(n.end(), t.begin(), t.end());
        p.s.glb_order = n;
        // It exists only on a level inside the output's, strictly inside the outer tile: at GLB-band
        // position 0 with every DRAM reduction loop trivial it would hold the outer box at its place.
        bool reduction_outside = false;
        for (int i = n_out; i < nd; ++i) reduction_outside |= dram[size_t(p.s.dram_order[size_t(i)])] > 1;
        if (p.s.output_inner_at < 0 || p.s.level[2] + 1 >= int(info.shared_levels.size()) ||
            (inner_n == 0 && !reduction_outside))
            p.s.output_inner_at = -1;
        else
            p.s.output_inner_at = inner_n;
    }
    int rf_n[3];
    for (int t = 0; t < 3; ++t) {
        rf_n[t] = -1;
        if (p.s.rf_at[t] < 0) continue;
        rf_n[t] = 0;
        for (int i = 0; i < p.s.rf_at[t]; ++i) rf_n[t] += p.f.rf[size_t(p.s.rf_order[size_t(i)])] > 1;
    }
    trivial_first(p.s.rf_order, 0, size_t(nd), p.f.rf);
    int first = 0;
    while (first < nd && p.f.rf[size_t(p.s.rf_order[size_t(first)])] == 1) ++first;
    for (int t = 0; t < 3; ++t)
        if (rf_n[t] >= 0) p.s.rf_at[t] = first + rf_n[t];
    // One copy or two only on a double-buffered level.
    for (int t = 0; t < 3; ++t) p.s.single[t] = p.s.single[t] && buffering_matters(info, p, t);
    // A register tile only under a per-PE tile, on an architecture with a level for it.
    // (At the per-PE tile's own position it would hold the same one word twice.)
    for (int t = 0; t < 3; ++t)
        p.s.reg[t] = p.s.reg[t] && p.s.rf_at[t] >= 0 && !info.reg_level.empty() &&
                     register_position(info, p, t) > p.s.rf_at[t];
    // DRAM feeds a tensor's per-PE tile only where it has one; its shared-tile fields then keep
    // their first values (one point per mapping).
    for (int t = 0; t < 3; ++t) {
        p.s.from_dram[t] = p.s.dram_feeds(t);
        if (p.s.from_dram[t]) p.s.level[t] = 0, p.s.outer_at[t] = -1, p.s.single[t] = false;
        if (p.s.from_dram[t] && t < 2) p.s.glb_at[t] = 0;
    }
    if (p.s.from_dram[2]) p.s.output_inner_at = -1;
}

bool buffering_matters(const SpaceInfo &info, const Point &p, int t) {
    if (p.s.dram_feeds(t)) return false;  // no shared tile
    auto doubled = [&](int level) { return info.arch.level(info.shared_levels[size_t(level)])->double_buffered; };
    if (doubled(p.s.level[t])) return true;
    // The output's inner block keeps one copy on any level (ir::double_buffered); an operand's
    // outer tile may be doubled.
    return t < 2 && p.s.outer_at[t] >= 0 && p.s.level[t] > 0 && doubled(p.s.level[t] - 1);
}

Point plain_point(const SpaceInfo &info, const std::vector<int> &rows, const std::vector<int> &cols) {
    Point p;
    const int nd = info.dims();
    p.s.row_dims = rows, p.s.col_dims = cols;
    for (int d = 0; d < nd; ++d)
        if (!info.is_reduction(d)) p.s.dram_order.push_back(d);
    for (int d = 0; d < nd; ++d)
        if (info.is_reduction(d)) p.s.dram_order.push_back(d);
    for (int d = 0; d < nd; ++d) p.s.glb_order.push_back(d), p.s.rf_order.push_back(d);
    p.s.glb_at[0] = p.s.glb_at[1] = nd;
    p.f.glb.assign(size_t(nd), 1), p.f.lane.assign(size_t(nd), 1), p.f.rf.assign(size_t(nd), 1);
    return p;
}

bool rtl_generatable(const SpaceInfo &info, const Point &p) {
    return rtl::why_not_generated(build_ir(info, p, false), info.arch).empty();
}

std::string schedule_text(const SpaceInfo &info, const Point &p) {
    const Factors &f = p.f;
    const int nd = info.dims(), n_out = info.output_dims();
    auto name = [&](int d) { return info.problem.dims[size_t(d)].name; };
    auto spatial = [&](int d) {
        for (int x : p.s.row_dims) if (x == d) return true;
        for (int x : p.s.col_dims) if (x == d) return true;
        return false;
    };
    std::ostringstream s;
    s << "// tessera explore: rows {";
    for (int d : p.s.row_dims) s << " " << name(d) << "=" << f.lane[size_t(d)];
    s << " } cols {";
    for (int d : p.s.col_dims) s << " " << name(d) << "=" << f.lane[size_t(d)];
    s << " }\n";

    // 1. Output tiles: the DRAM loops of the output dims; the accumulator is computed per tile.
    std::vector<std::string> vars, rvars, out_outer, out_inner;
    std::ostringstream osplits;
    for (int i = 0; i < n_out; ++i) {
        const int d = p.s.dram_order[size_t(i)];
        const int64_t tile = f.glb[size_t(d)] * f.lane[size_t(d)] * f.rf[size_t(d)];
        vars.push_back(name(d) + "o(\"" + name(d) + "o\")");
        vars.push_back(name(d) + "i(\"" + name(d) + "i\")");
        osplits << ".split(" << name(d) << ", " << name(d) << "o, " << name(d) << "i, " << tile << ")";
        out_outer.push_back(name(d) + "o");
        out_inner.push_back(name(d) + "i");
    }
    // 2. Inside the accumulator: reduction DRAM loops, then GLB, lane and RF loops of every dim.
    std::ostringstream asplits;
    for (int d = 0; d < nd; ++d) {
        const bool red = info.is_reduction(d);
        auto &list = red ? rvars : vars;
        std::string src = name(d);
        if (red) {
            const int64_t tile = f.glb[size_t(d)] * f.lane[size_t(d)] * f.rf[size_t(d)];
            list.push_back(name(d) + "o(\"" + name(d) + "o\")");
            list.push_back(name(d) + "i(\"" + name(d) + "i\")");
            asplits << ".split(" << src << ", " << name(d) << "o, " << name(d) << "i, " << tile << ")";
            src = name(d) + "i";
        }
        list.push_back(name(d) + "t(\"" + name(d) + "t\")");
        list.push_back(name(d) + "p(\"" + name(d) + "p\")");
        if (spatial(d)) {
            list.push_back(name(d) + "m(\"" + name(d) + "m\")");
            list.push_back(name(d) + "l(\"" + name(d) + "l\")");
            asplits << ".split(" << src << ", " << name(d) << "t, " << name(d) << "m, "
                    << f.lane[size_t(d)] * f.rf[size_t(d)] << ").split(" << name(d) << "m, "
                    << name(d) << "l, " << name(d) << "p, " << f.rf[size_t(d)] << ")";
        } else {
            asplits << ".split(" << src << ", " << name(d) << "t, " << name(d) << "p, "
                    << f.rf[size_t(d)] << ")";
        }
    }
    if (!vars.empty()) s << "Var " << join(vars) << ";\n";
    if (!rvars.empty()) s << "RVar " << join(rvars) << ";\n";
    std::vector<std::string> oreorder(out_inner.rbegin(), out_inner.rend());
    oreorder.insert(oreorder.end(), out_outer.rbegin(), out_outer.rend());
    s << "output" << osplits.str() << ".reorder(" << join(oreorder) << ");\n";
    const std::string acc_at = "output, " + out_outer.back();
    s << "acc.compute_at(" << acc_at << ");\n";

    std::vector<std::string> reorder, row_names, col_names;
    for (auto it = p.s.rf_order.rbegin(); it != p.s.rf_order.rend(); ++it) reorder.push_back(name(*it) + "p");
    for (int d : p.s.row_dims) row_names.push_back(name(d) + "l");
    for (int d : p.s.col_dims) col_names.push_back(name(d) + "l");
    reorder.insert(reorder.end(), col_names.rbegin(), col_names.rend());
    reorder.insert(reorder.end(), row_names.rbegin(), row_names.rend());
    for (auto it = p.s.glb_order.rbegin(); it != p.s.glb_order.rend(); ++it) reorder.push_back(name(*it) + "t");
    for (int i = nd - 1; i >= n_out; --i) reorder.push_back(name(p.s.dram_order[size_t(i)]) + "o");
    s << "acc.update()" << asplits.str() << "\n    .reorder(" << join(reorder) << ")";
    for (const auto &l : row_names) s << ".unroll(" << l << ")";
    for (const auto &l : col_names) s << ".unroll(" << l << ")";
    s << ";\n";
    auto axis = [&](const std::vector<std::string> &v) {
        return v.size() == 1 ? v[0] : "{" + join(v) + "}";
    };
    if (row_names.empty()) s << "hw::array(acc, " << axis(col_names) << ");\n";
    else s << "hw::array(acc, " << axis(row_names) << ", " << axis(col_names) << ");\n";

    // 3. Tiles. A GLB tile at DRAM-band position q sits inside DRAM loop q-1; an RF tile at RF-band
    // position q inside RF loop q-1 (q = 0: inside the innermost array loop).
    // Halide drops loops of extent 1, so a tile names the innermost nontrivial loop outside it
    // (the same position: only trivial loops lie between).
    std::vector<int64_t> dram(static_cast<size_t>(nd));
    for (int d = 0; d < nd; ++d)
        dram[size_t(d)] = ceil_div(info.extent(d), f.glb[size_t(d)] * f.lane[size_t(d)] * f.rf[size_t(d)]);
    auto glb_place = [&](int q) -> std::string {
        while (q > 0 && dram[size_t(p.s.dram_order[size_t(q - 1)])] == 1) --q;
        if (q == 0) return "compute_root()";
        const std::string loop = name(p.s.dram_order[size_t(q - 1)]) + "o";
        return q <= n_out ? "compute_at(output, " + loop + ")" : "compute_at(acc, " + loop + ")";
    };
    auto rf_loop = [&](int q) -> std::string {
        while (q > 0 && f.rf[size_t(p.s.rf_order[size_t(q - 1)])] == 1) --q;
        if (q == 0) return col_names.back();
        return name(p.s.rf_order[size_t(q - 1)]) + "p";
    };
    const char *funcs[2] = {"ifmap", "filter"};
    s << hw::level_statement("acc", p.s.dram_feeds(2) ? info.arch.levels.front().name
                                                      : info.shared_levels[size_t(p.s.level[2])]);
    if (p.s.single[2]) s << "hw::single_buffered(acc);\n";
    for (int t = 0; t < 2; ++t) {
        const bool fed = p.s.dram_feeds(t);  // the per-PE tile straight from DRAM
        const std::string g = fed ? funcs[t] : std::string(funcs[t]) + "_glb";
        std::string source = funcs[t];
        if (!fed && p.s.outer_at[t] >= 0 && p.s.level[t] > 0) {  // the outer tile, which the GLB tile copies from
            const std::string o = std::string(funcs[t]) + "_outer";
            s << "Func " << o << " = " << funcs[t] << ".in(acc);\n"
              << o << "." << glb_place(p.s.outer_at[t]) << ";\n"
              << hw::level_statement(o, info.shared_levels[size_t(p.s.level[t] - 1)]);
            if (p.s.single[t]) s << "hw::single_buffered(" << o << ");\n";
            source = o;
        }
        if (!fed) {
            s << "Func " << g << " = " << source << ".in(acc);\n"
              << g << "." << glb_place(p.s.glb_at[t]) << ";\n" << hw::level_statement(g, info.shared_levels[size_t(p.s.level[t])]);
            if (p.s.single[t]) s << "hw::single_buffered(" << g << ");\n";
        }
        if (p.s.rf_at[t] >= 0) {
            const std::string r = std::string(funcs[t]) + "_rf";
            s << "Func " << r << " = " << g << ".in(acc);\n"
              << r << ".compute_at(acc, " << rf_loop(p.s.rf_at[t]) << ");\n" << hw::level_statement(r, info.rf_level);
            if (p.s.reg[t]) {
                const std::string x = std::string(funcs[t]) + "_reg";
                s << "Func " << x << " = " << r << ".in(acc);\n"
                  << x << ".compute_at(acc, " << rf_loop(register_position(info, p, t)) << ");\n"
                  << hw::level_statement(x, info.reg_level);
            }
        }
    }
    if (p.s.output_inner_at >= 0) {  // the inner block: inside GLB loop q-1 (q = 0: the innermost
                                     // nontrivial DRAM reduction loop, which canonicalize ensures)
        int q = p.s.output_inner_at;
        while (q > 0 && f.glb[size_t(p.s.glb_order[size_t(q - 1)])] == 1) --q;
        std::string loop;
        if (q > 0) {
            loop = name(p.s.glb_order[size_t(q - 1)]) + "t";
        } else {
            for (int i = nd - 1; i >= n_out && loop.empty(); --i)
                if (dram[size_t(p.s.dram_order[size_t(i)])] > 1) loop = name(p.s.dram_order[size_t(i)]) + "o";
        }
        s << "hw::accumulator(acc, " << loop << ", \"" << info.shared_levels[size_t(p.s.level[2] + 1)] << "\");\n";
    }
    if (p.s.rf_at[2] >= 0)
        s << "hw::accumulator(acc, " << rf_loop(p.s.rf_at[2]) << ", \"" << info.rf_level << "\");\n";
    if (p.s.reg[2])
        s << "hw::accumulator(acc, " << rf_loop(register_position(info, p, 2)) << ", \"" << info.reg_level << "\");\n";
    (void)kRoleNames;
    return s.str();
}

}  // namespace tessera::explore
