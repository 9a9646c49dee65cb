#include "LoopNest.h"

#include "UserError.h"
#include "ir/Analysis.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace tessera::interop {

namespace {

struct FlatLoop {
    std::string dim;
    int64_t factor;
    ir::LoopKind kind;
    std::string name;  // the Halide variable the schedule text gives it
};

struct Tile {
    std::string tensor, level;
    int at;  // loops outside it
};

std::string join(const std::vector<std::string> &v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
}

bool is_spatial(ir::LoopKind k) { return k != ir::LoopKind::Temporal; }

// A Func name from a level name (level names are free text in architecture files).
std::string identifier(const std::string &level) {
    std::string s;
    for (char c : level) s += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return s;
}

// Splits `src` (extent `extent`) into `loops` (outermost first); a single loop is `src` itself.
std::string chain(const std::string &src, const std::vector<FlatLoop *> &loops, std::vector<std::string> &decl,
                  int64_t extent) {
    if (loops.empty()) return "";
    std::ostringstream s;
    std::string cur = src;
    int64_t inner = 1;
    for (size_t i = 1; i < loops.size(); ++i) inner *= loops[i]->factor;
    if (loops[0]->factor != (extent + inner - 1) / inner) {
        // An outermost loop wider than the dim needs (idle PEs): split off an outer loop of one.
        const std::string wide = src + "_w";
        s << ".split(" << src << ", " << src << "_pad, " << wide << ", " << loops[0]->factor * inner << ")";
        decl.push_back(src + "_pad");
        cur = wide;
        if (loops.size() > 1) decl.push_back(wide);
    }
    if (loops.size() == 1) {
        loops[0]->name = cur;
        if (cur != src) decl.push_back(cur);
        return s.str();
    }
    for (size_t j = 0; j + 1 < loops.size(); ++j) {
        int64_t inner = 1;
        for (size_t i = j + 1; i < loops.size(); ++i) inner *= loops[i]->factor;
        const std::string rest = j + 2 == loops.size() ? loops.back()->name : src + "_r" + std::to_string(j);
        s << ".split(" << cur << ", " << loops[j]->name << ", " << rest << ", " << inner << ")";
        decl.push_back(loops[j]->name);
        if (rest != loops.back()->name) decl.push_back(rest);
        cur = rest;
    }
    decl.push_back(loops.back()->name);
    return s.str();
}

std::string declare(const char *type, const std::vector<std::string> &names) {
    if (names.empty()) return "";
    std::vector<std::string> d;
    for (const auto &n : names) d.push_back(n + "(\"" + n + "\")");
    return std::string(type) + " " + join(d) + ";\n";
}

}  // namespace

std::string tessera_level(const LoopNest &nest, size_t level) {
    const std::string &name = nest.levels[level].name;
    const auto us = name.rfind('_');
    if (us == std::string::npos || us + 1 == name.size() ||
        name.find_first_not_of("0123456789", us + 1) != std::string::npos)
        return name;
    const std::string base = name.substr(0, us);
    for (size_t i = 0; i < level; ++i)
        if (nest.levels[i].name == base) return base;
    return name;
}

std::string schedule_text(const ir::Problem &problem, const LoopNest &nest, const std::string &origin) {
    if (nest.levels.empty()) throw UserError(origin + ": the mapping has no levels");
    // 1. The loops, outermost first (factors of 1 dropped), and where each level's tiles sit.
    std::vector<FlatLoop> loops;
    std::vector<Tile> tiles;
    for (size_t i = 0; i < nest.levels.size(); ++i) {
        const NestLevel &lv = nest.levels[i];
        if (i > 0)
            for (const auto &t : lv.keep) {
                if (t != "I" && t != "W" && t != "O")
                    throw UserError(origin + ": level " + lv.name + " keeps '" + t + "'; the tensors are I, W, O");
                tiles.push_back({t, tessera_level(nest, i), int(loops.size())});
            }
        auto add = [&](const std::vector<Factor> &fs, ir::LoopKind kind) {
            for (const auto &f : fs) {
                bool known = false;
                for (const auto &d : problem.dims) known |= d.name == f.first;
                if (f.second < 1)
                    throw UserError(origin + ": level " + lv.name + ": factor " + f.first + "=" +
                                    std::to_string(f.second) + " is not a positive integer");
                if (!known) {
                    if (f.second == 1) continue;
                    throw UserError(origin + ": level " + lv.name + ": the layer has no dimension '" + f.first +
                                    "' (factor " + std::to_string(f.second) + ")");
                }
                if (f.second > 1) loops.push_back({f.first, f.second, kind, ""});
            }
        };
        add(lv.temporal, ir::LoopKind::Temporal);
        add(lv.rows, ir::LoopKind::SpatialRow);
        add(lv.cols, ir::LoopKind::SpatialCol);
    }

    // 2. Every dim's loops multiply to its extent (the outermost may round up: a tail).
    std::map<std::string, std::vector<FlatLoop *>> of_dim;
    for (auto &l : loops) of_dim[l.dim].push_back(&l);
    for (const auto &d : problem.dims) {
        const auto &ls = of_dim[d.name];
        int64_t inner = 1, all = 1;
        for (size_t j = 0; j < ls.size(); ++j) {
            if (all > (int64_t(1) << 40) / ls[j]->factor)
                throw UserError(origin + ": the factors of " + d.name + " multiply to more than 2^40; the layer's " +
                                d.name + " is " + std::to_string(d.extent));
            all *= ls[j]->factor;
            if (j) inner *= ls[j]->factor;
        }
        // A spatial outermost loop may be wider than what is left (idle PEs: the presets map C = 3
        // onto 16 rows).
        const bool ok = ls.empty() ? d.extent == 1
                                   : inner < d.extent && (ls[0]->factor == (d.extent + inner - 1) / inner ||
                                                          (is_spatial(ls[0]->kind) && ls[0]->factor > (d.extent + inner - 1) / inner));
        if (!ok)
            throw UserError(origin + ": the factors of " + d.name + " multiply to " + std::to_string(all) +
                            ", the layer's " + d.name + " is " + std::to_string(d.extent) +
                            " (only the outermost factor may round up)");
        for (size_t j = 0; j < ls.size(); ++j) ls[j]->name = d.name + "_" + std::to_string(j);
    }

    // 3. Shared tiles sit above every array loop, per-PE tiles below them all.
    int first_spatial = -1, last_spatial = -1;
    for (size_t i = 0; i < loops.size(); ++i)
        if (is_spatial(loops[i].kind)) {
            if (first_spatial < 0) first_spatial = int(i);
            last_spatial = int(i);
        }
    auto per_pe = [&](const Tile &t) { return first_spatial >= 0 && t.at > last_spatial; };
    for (const auto &t : tiles)
        if (first_spatial >= 0 && t.at > first_spatial && t.at <= last_spatial)
            throw UserError(origin + ": the " + t.tensor + " tile at level " + t.level +
                            " sits between the PE array's loops; a tile is either shared (above the "
                            "spatial loops) or per PE (below them all)");
    // The outputs: one or two shared tiles (the outer one DRAM-fed, the inner one of partial sums:
    // hw::accumulator on a loop above the array) and per-PE tiles (a psum file, and a register
    // under it: the front end checks what each level holds).
    const Tile *out_shared = nullptr, *out_psums = nullptr;
    std::vector<const Tile *> out_pe;
    for (const auto &t : tiles) {
        if (t.tensor != "O") continue;
        if (per_pe(t)) {
            if (out_pe.size() == 2)
                throw UserError(origin + ": the outputs are kept at three per-PE levels (" + out_pe[0]->level + ", " +
                                out_pe[1]->level + ", " + t.level + "); Tessera keeps them at one or two (a psum file "
                                "and a register under it)");
            out_pe.push_back(&t);
        } else if (!out_shared) {
            out_shared = &t;
        } else if (!out_psums) {
            out_psums = &t;
            if (out_psums->at < out_shared->at) std::swap(out_psums, out_shared);
        } else {
            throw UserError(origin + ": the outputs are kept at three shared levels (" + out_shared->level + ", " +
                            out_psums->level + ", " + t.level + "); Tessera keeps them at one or two");
        }
    }
    // Outputs at per-PE files only (Timeloop's simple_output_stationary): the accumulation's own
    // tile goes on the outermost level (hw::level(acc, "DRAM")), which holds nothing on chip; the
    // files drain straight to DRAM (ir::analyze checks they hold every reduction loop).
    if (!out_shared && out_pe.empty())
        throw UserError(origin + ": the outputs have no tile on a shared on-chip level and no per-PE files; keep "
                        "O (Outputs) at the global buffer level or at the PEs' storage");
    if (out_psums && out_shared && out_psums->at == out_shared->at)
        throw UserError(origin + ": the outputs' tiles at " + out_shared->level + " and " + out_psums->level +
                        " hold the same loops; give the inner one a loop of its own (or keep one of them)");
    const int p_out = out_shared ? out_shared->at : 0;
    const std::string out_level = out_shared ? out_shared->level : nest.levels.front().name;
    for (int i = 0; i < p_out; ++i)
        if (problem.dim(loops[size_t(i)].dim).reduction)
            throw UserError(origin + ": reduction loop " + loops[size_t(i)].dim + " (factor " +
                            std::to_string(loops[size_t(i)].factor) + ") lies above the output tile at " +
                            out_level + ", so partial sums would return to DRAM; Tessera keeps "
                            "them on chip: move it below the level that keeps the outputs");

    // 4. The text: output tiles over the loops above the output tile, the accumulation below.
    std::vector<std::string> vars, rvars;
    std::ostringstream osplits, asplits;
    std::vector<std::string> out_inner;
    for (auto d = problem.dims.rbegin(); d != problem.dims.rend(); ++d) {
        std::vector<FlatLoop *> outer, inner;
        for (FlatLoop *l : of_dim[d->name]) (l - loops.data() < p_out ? outer : inner).push_back(l);
        auto &decl = d->reduction ? rvars : vars;
        if (!d->reduction) {
            if (outer.empty()) {
                out_inner.push_back(d->name);
            } else if (inner.empty()) {
                osplits << chain(d->name, outer, vars, d->extent);
            } else {
                int64_t tile = 1;
                for (FlatLoop *l : inner) tile *= l->factor;
                const std::string in = d->name + "_in";
                const std::string out = outer.size() == 1 ? outer[0]->name : d->name + "_out";
                osplits << ".split(" << d->name << ", " << out << ", " << in << ", " << tile << ")";
                vars.push_back(in);
                if (outer.size() == 1) vars.push_back(out);
                else vars.push_back(out), osplits << chain(out, outer, vars, (d->extent + tile - 1) / tile);
                out_inner.push_back(in);
            }
        }
        int64_t avail = d->extent;
        if (!d->reduction && !outer.empty()) {
            avail = 1;
            for (FlatLoop *l : inner) avail *= l->factor;
        }
        asplits << chain(d->name, inner, decl, avail);
    }
    std::sort(vars.begin(), vars.end());
    vars.erase(std::unique(vars.begin(), vars.end()), vars.end());
    for (const auto &d : problem.dims) vars.erase(std::remove(vars.begin(), vars.end(), d.name), vars.end()),
                                       rvars.erase(std::remove(rvars.begin(), rvars.end(), d.name), rvars.end());

    std::ostringstream s;
    s << declare("Var", vars) << declare("RVar", rvars);
    if (p_out > 0) {
        std::vector<std::string> order = out_inner;
        for (int i = p_out - 1; i >= 0; --i) order.push_back(loops[size_t(i)].name);
        s << "output" << osplits.str() << ".reorder(" << join(order) << ");\n";
        s << "acc.compute_at(output, " << loops[size_t(p_out - 1)].name << ");\n";
    } else {
        s << "acc.compute_root();\n";
    }
    s << "hw::level(acc, \"" << out_level << "\");\n";
    std::vector<std::string> order, rows, cols;
    for (int i = int(loops.size()) - 1; i >= p_out; --i) order.push_back(loops[size_t(i)].name);
    for (const auto &l : loops) {
        if (l.kind == ir::LoopKind::SpatialRow) rows.push_back(l.name);
        if (l.kind == ir::LoopKind::SpatialCol) cols.push_back(l.name);
    }
    s << "acc.update()" << asplits.str();
    if (!order.empty()) s << "\n    .reorder(" << join(order) << ")";
    for (const auto &r : rows) s << ".unroll(" << r << ")";
    for (const auto &c : cols) s << ".unroll(" << c << ")";
    s << ";\n";
    auto axis = [](const std::vector<std::string> &v) { return v.size() == 1 ? v[0] : "{" + join(v) + "}"; };
    if (!rows.empty() && !cols.empty()) s << "hw::array(acc, " << axis(rows) << ", " << axis(cols) << ");\n";
    else if (!rows.empty() || !cols.empty()) s << "hw::array(acc, " << axis(rows.empty() ? cols : rows) << ");\n";
    std::vector<const Tile *> inner_tiles = out_pe;
    if (out_psums) inner_tiles.insert(inner_tiles.begin(), out_psums);
    for (const Tile *inner : inner_tiles)
        s << "hw::accumulator(acc, " << loops[size_t(inner->at - 1)].name << ", \"" << inner->level << "\");\n";

    auto place = [&](const Tile &t) -> std::string {
        if (t.at == 0) return "compute_root()";
        return std::string("compute_at(") + (t.at <= p_out ? "output, " : "acc, ") + loops[size_t(t.at - 1)].name + ")";
    };
    const char *func[2] = {"ifmap", "filter"};
    const char *role[2] = {"I", "W"};
    for (int r = 0; r < 2; ++r) {
        std::string prev = func[r];
        for (const auto &t : tiles) {
            if (t.tensor != role[r]) continue;
            std::string f = std::string(func[r]) + "_" + identifier(t.level);
            while (s.str().find("Func " + f + " ") != std::string::npos) f += "_b";
            s << "Func " << f << " = " << prev << ".in(acc);\n"
              << f << "." << place(t) << ";\nhw::level(" << f << ", \"" << t.level << "\");\n";
            prev = f;
        }
    }
    return s.str();
}

LoopNest nest_of(const ir::AcceleratorIR &ir) {
    // Positions count only the loops Halide keeps (extent > 1).
    std::vector<const ir::Loop *> loops;
    std::vector<int> position(ir.mapping.loops.size() + 1, 0);
    for (size_t i = 0; i < ir.mapping.loops.size(); ++i) {
        position[i] = int(loops.size());
        if (ir.mapping.loops[i].extent > 1) loops.push_back(&ir.mapping.loops[i]);
    }
    position[ir.mapping.loops.size()] = int(loops.size());
    for (const auto &d : ir.problem.dims) {
        std::vector<const ir::Loop *> ls;
        for (const ir::Loop *l : loops)
            if (l->dim == d.name) ls.push_back(l);
        int64_t inner = 1;
        for (auto it = ls.rbegin(); it != ls.rend(); ++it) {
            if ((*it)->stride != inner)
                throw UserError("loop " + (*it)->name + " of " + d.name + " steps by " + std::to_string((*it)->stride) +
                                ", not the product of the inner " + d.name + " loops' extents (" +
                                std::to_string(inner) + "): a tail inside the nest, which a mapping's factors "
                                "cannot express");
            inner *= (*it)->extent;
        }
    }
    // Tile positions, grouped by (position, level order).
    std::vector<std::string> level_order;
    for (const auto &b : ir.mapping.buffers)
        if (b.level != "DRAM" && std::find(level_order.begin(), level_order.end(), b.level) == level_order.end())
            level_order.push_back(b.level);
    std::map<std::pair<int, int>, std::vector<std::string>> groups;
    for (const auto &b : ir.mapping.buffers) {
        if (b.level == "DRAM") continue;
        const int rank = int(std::find(level_order.begin(), level_order.end(), b.level) - level_order.begin());
        groups[{position[size_t(b.at)], rank}].push_back(b.tensor);
    }
    LoopNest nest;
    std::map<std::string, int> used;
    auto fresh = [&](const std::string &base) {
        const int n = ++used[base];
        return n == 1 ? base : base + "_" + std::to_string(n);
    };
    NestLevel cur{fresh("DRAM"), {}, {}, {}, {}};
    std::string cur_base = "DRAM";
    auto add_loops = [&](int from, int to) {
        for (int i = from; i < to; ++i) {
            const ir::Loop &l = *loops[size_t(i)];
            bool repeat = false;  // a level has one factor per dim
            for (const auto &f : cur.temporal) repeat |= l.kind == ir::LoopKind::Temporal && f.first == l.dim;
            if (l.kind == ir::LoopKind::Temporal && (repeat || !cur.rows.empty() || !cur.cols.empty())) {
                // temporal loops below the fan-out, or a dim's second loop: a level keeping nothing
                nest.levels.push_back(cur);
                cur = NestLevel{fresh(cur_base), {}, {}, {}, {}};
            }
            auto &list = l.kind == ir::LoopKind::Temporal ? cur.temporal
                         : l.kind == ir::LoopKind::SpatialRow ? cur.rows : cur.cols;
            list.push_back({l.dim, l.extent});
        }
    };
    int pos = 0;
    for (const auto &g : groups) {
        add_loops(pos, g.first.first);
        pos = g.first.first;
        nest.levels.push_back(cur);
        cur_base = level_order[size_t(g.first.second)];
        cur = NestLevel{fresh(cur_base), {}, {}, {}, g.second};
    }
    add_loops(pos, int(loops.size()));
    nest.levels.push_back(cur);
    return nest;
}

ir::AcceleratorIR canonical_mapping(ir::AcceleratorIR ir) {
    std::vector<ir::Loop> kept;
    std::vector<int> position(ir.mapping.loops.size() + 1, 0);
    for (size_t i = 0; i < ir.mapping.loops.size(); ++i) {
        position[i] = int(kept.size());
        if (ir.mapping.loops[i].extent > 1) kept.push_back(ir.mapping.loops[i]), kept.back().name.clear();
    }
    position[ir.mapping.loops.size()] = int(kept.size());
    for (size_t i = 0; i < kept.size();) {
        size_t j = i;
        while (j < kept.size() && is_spatial(kept[j].kind)) ++j;
        std::stable_sort(kept.begin() + long(i), kept.begin() + long(j), [](const ir::Loop &a, const ir::Loop &b) {
            return a.kind == ir::LoopKind::SpatialRow && b.kind == ir::LoopKind::SpatialCol;
        });
        i = j == i ? i + 1 : j;
    }
    for (auto &b : ir.mapping.buffers) b.at = position[size_t(b.at)];
    // The output's tile on DRAM (outputs drained from the PEs straight to DRAM) holds nothing on
    // chip: where it sits and its box are not a mapping's.
    for (auto &b : ir.mapping.buffers)
        if (ir::off_chip_output_tile(ir, b)) b.at = 0, b.box.clear();
    // Tiles are listed outermost first per tensor; the order between tensors is the schedule's.
    std::stable_sort(ir.mapping.buffers.begin(), ir.mapping.buffers.end(),
                     [](const ir::Buffer &a, const ir::Buffer &b) { return a.tensor < b.tensor; });
    ir.mapping.loops = kept;
    ir.mapping.schedule.clear();
    return ir;
}

}  // namespace tessera::interop
