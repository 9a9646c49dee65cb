#include "MaestroMapping.h"

#include "MaestroParser.h"
#include "UserError.h"
#include "ir/SubPixel.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

namespace tessera::interop {

namespace {

using maestro::Directive;
using maestro::Expr;
using maestro::MaestroLayer;

// MAESTRO dim -> Tessera dim; sliding: an input coordinate (Y, X), mapped through its filter dim.
std::string tessera_dim(const std::string &d, bool &sliding) {
    sliding = d == "Y" || d == "X";
    if (d == "Y" || d == "Y'") return "y";
    if (d == "X" || d == "X'") return "x";
    if (d == "K" || d == "C" || d == "N" || d == "R" || d == "S") return std::string(1, char(std::tolower(d[0])));
    return "";
}

// MAESTRO dim -> Tessera dim in a layer of MAESTRO Type `type`: a GEMM's (M x K) x (K x N) is an
// fc of M rows (n), K inputs (c) and N outputs (k); a DSCONV's channels are its C (Tessera's k),
// its K (1) is "-", no dim. Empty: unknown.
std::string layer_dim(const std::string &type, const std::string &d, bool &sliding) {
    sliding = false;
    if (type == "GEMM") return d == "M" ? "n" : d == "N" ? "k" : d == "K" ? "c" : "";
    const std::string t = tessera_dim(d, sliding);
    if (type == "DSCONV" && (t == "k" || t == "c")) return t == "k" ? "-" : "k";
    return t;
}

int64_t extent(const ir::Problem &p, const std::string &dim) {
    for (const auto &d : p.dims)
        if (d.name == dim) return d.extent;
    return 1;
}

}  // namespace

LoopNest read_maestro_mapping(const std::string &path, const ir::Problem &problem, int64_t pes, int64_t rows) {
    const std::vector<MaestroLayer> all = maestro::parse_layers(path);
    const MaestroLayer *layer = all.size() == 1 ? &all[0] : nullptr;
    for (const auto &l : all)
        if (!layer && l.name == problem.layer.name) layer = &l;
    if (!layer) {
        std::string names;
        for (const auto &l : all) names += " " + l.name;
        throw UserError(path + ": " + std::to_string(all.size()) + " layers (" + names.substr(1) + "), none named " +
                        problem.layer.name + "; name the layer (--layer) or keep one Layer in the file");
    }
    const ir::LayerSpec &spec = problem.layer;
    auto where = [&](const Directive &d) { return path + ":" + std::to_string(d.line) + ": " + d.kind; };
    auto value = [&](const Expr &e, const Directive &d) -> int64_t {
        if (e.size_of.empty()) return e.value;
        const std::string &s = e.size_of;
        if (s == "Y") return spec.H;
        if (s == "X") return spec.W;
        bool sliding = false;
        const std::string t = layer_dim(layer->type, s, sliding);
        if (t.empty()) throw UserError(where(d) + ": Sz(" + s + "): unknown dimension");
        return t == "-" ? 1 : extent(problem, t);
    };

    // Levels: the directives before the Cluster (clusters), after it (PEs in a cluster).
    std::vector<std::vector<const Directive *>> level(1);
    int64_t cluster = 0;
    for (const auto &d : layer->flow) {
        if (d.kind == "Cluster") {
            if (cluster) throw UserError(where(d) + ": a second Cluster; Tessera's PE array has two axes (one Cluster)");
            cluster = value(d.size, d);
            level.emplace_back();
        } else {
            level.back().push_back(&d);
        }
    }
    const int64_t pes_of[2] = {cluster ? pes / cluster : pes, cluster};
    if (cluster && pes_of[0] < 1)
        throw UserError(path + ": Cluster(" + std::to_string(cluster) + ") is larger than the array's " +
                        std::to_string(pes) + " PEs (--array)");

    std::map<std::string, int64_t> chunk;
    for (const auto &d : problem.dims) chunk[d.name] = d.extent;
    std::vector<Factor> above, inner;  // temporal loops above and below the array
    std::vector<Factor> axis[2];       // spatial loops of each level
    for (size_t lv = 0; lv < level.size(); ++lv) {
        // Eyeriss's diagonal: SpatialMap Y and SpatialMap R on one level put filter row i and input
        // row y + i on PE i, the same output row: a spatial loop over R alone.
        bool spatial_filter[2] = {false, false};
        for (const Directive *d : level[lv])
            if (d->kind == "SpatialMap") spatial_filter[0] |= d->dim == "R", spatial_filter[1] |= d->dim == "S";
        int spatial_maps = 0;
        for (const Directive *d : level[lv]) {
            bool sliding = false;
            const std::string dim = layer_dim(layer->type, d->dim, sliding);
            if (dim.empty())
                throw UserError(where(*d) + ": unknown dimension '" + d->dim + "' (" +
                                (layer->type == "GEMM" ? "M N K" : "K C N R S Y X Y' X'") + ")");
            if (dim == "-") continue;  // a DSCONV's K: 1
            if (!chunk.count(dim))
                throw UserError(where(*d) + " " + d->dim + ": the layer has no dimension " + d->dim);
            int64_t size = value(d->size, *d), offset = value(d->offset, *d);
            if (d->kind == "SpatialMap" && sliding && spatial_filter[dim == "y" ? 0 : 1]) {
                if (size != 1 || offset != 1)
                    throw UserError(where(*d) + "(" + std::to_string(size) + "," + std::to_string(offset) + ") " + d->dim +
                                    " with a SpatialMap of its filter dim: Tessera reads it as the row-stationary diagonal, which needs (1,1)");
                continue;
            }
            int64_t tile = size;
            if (sliding) {
                const std::string f = dim == "y" ? "r" : "s";
                const int64_t st = dim == "y" ? spec.stride_y() : spec.stride_x();
                const int64_t dil = dim == "y" ? spec.dilation_y() : spec.dilation_x();
                const int64_t window = (chunk[f] - 1) * dil + 1;
                // With a stride, MAESTRO re-derives the chunk from its size (ApplyOuterStride in its
                // cluster analysis): the outputs whose windows fit in it, stepping by all of them;
                // the written offset is not read. Its files write (Sz(R),1) for every layer.
                if (st > 1 && size >= window) {
                    const int64_t outputs = (size + st - window) / st;
                    size = (outputs - 1) * st + window;
                    offset = outputs * st;
                }
                // A chunk as large as the input rows (columns) the current chunk spans is all of them,
                // whatever the offset (MAESTRO's files use one size for every layer: 8 on a 7x7 input).
                const int64_t spans = (chunk[dim] - 1) * st + window;
                if (size >= spans) {
                    size = spans;
                    offset = chunk[dim] * st;
                }
                if (size < window || (size - window) % st || offset % st || (size - window) / st + 1 != offset / st)
                    throw UserError(where(*d) + "(" + std::to_string(size) + "," + std::to_string(offset) + ") " + d->dim +
                                    ": windows of " + std::to_string(size) + " input positions stepping " + std::to_string(offset) +
                                    " do not tile the output exactly (window " + std::to_string(window) + ", stride " +
                                    std::to_string(st) + "); Tessera's loops tile the output");
                tile = offset / st;
            } else if (offset != size && size < chunk[dim]) {
                throw UserError(where(*d) + "(" + std::to_string(size) + "," + std::to_string(offset) + ") " + d->dim +
                                ": overlapping or gapped chunks (offset != size); Tessera's loops tile each dim exactly");
            }
            tile = std::min(tile, chunk[dim]);
            const int64_t n = (chunk[dim] + tile - 1) / tile;
            chunk[dim] = tile;
            if (d->kind == "TemporalMap") {
                if (n > 1) (lv == 0 ? above : inner).push_back({dim, n});
                continue;
            }
            if (++spatial_maps > 1)
                throw UserError(where(*d) + " " + d->dim + ": a second SpatialMap in one cluster level; Tessera maps one "
                                "dim per array axis from MAESTRO");
            const int64_t lanes = pes_of[lv];
            if (n > lanes) above.push_back({dim, (n + lanes - 1) / lanes});  // spatial folding: temporal steps
            axis[lv].push_back({dim, std::min(n, lanes)});
        }
    }
    // The array's axes: the clusters' SpatialMap on the rows and the Cluster's on the columns; a
    // 1-D mapping (no Cluster) on the columns.
    std::vector<Factor> on_rows = cluster ? axis[0] : std::vector<Factor>{}, on_cols = cluster ? axis[1] : axis[0];
    if (rows > 0) {
        // MAESTRO's PEs are a count; Tessera's array has the shape --array gives. A column loop
        // wider than the columns continues on the rows (its outer digit, inside the rows' own
        // loops: Tessera's several loops per axis), so MAESTRO's PEs fill the 2-D array.
        const int64_t cols = pes / rows;
        // e lanes of one loop as outer (rows) x inner (columns) digits within the caps: an exact
        // split where one fits, else a rounded-up outer digit where no loop of the dim runs
        // outside it (only a dim's outermost loop may have a tail).
        auto split = [&](const std::string &dim, int64_t e, int64_t max_outer, int64_t max_inner, int64_t &outer,
                         int64_t &inner) {
            for (int64_t i = std::min(e, max_inner); i >= 1; --i)
                if (e % i == 0 && e / i <= max_outer) return outer = e / i, inner = i, true;
            for (const auto &f : above)
                if (f.first == dim) return false;
            inner = std::min(e, max_inner), outer = (e + inner - 1) / inner;
            return outer <= max_outer;
        };
        auto product = [](const std::vector<Factor> &fs) {
            int64_t p = 1;
            for (const auto &f : fs) p *= f.second;
            return p;
        };
        int64_t outer = 0, inner = 0;
        if (on_cols.size() == 1 && on_cols[0].second > cols &&
            split(on_cols[0].first, on_cols[0].second, rows / product(on_rows), cols, outer, inner)) {
            on_rows.push_back({on_cols[0].first, outer});
            on_cols[0].second = inner;
        }
        // More clusters than rows: the rows' loop continues on the columns the Cluster leaves free.
        if (on_rows.size() == 1 && on_rows[0].second > rows && cols / product(on_cols) >= 2 &&
            split(on_rows[0].first, on_rows[0].second, rows, cols / product(on_cols), outer, inner)) {
            on_rows[0].second = outer;
            on_cols.push_back({on_rows[0].first, inner});
        }
        const int64_t used_rows = product(on_rows), used_cols = product(on_cols);
        if (used_rows > rows || used_cols > cols)
            throw UserError("layer " + problem.layer.name + ": " + path + ": MAESTRO's " + std::to_string(pes) + " PEs" +
                            (cluster ? " as " + std::to_string(pes_of[0]) + " clusters of " + std::to_string(cluster) : "") +
                            " put " + std::to_string(used_rows) + "x" + std::to_string(used_cols) + " of them to work, more than the " +
                            std::to_string(rows) + "x" + std::to_string(cols) + " array has; give --array " +
                            (cluster ? std::to_string(pes_of[0]) + "x" + std::to_string(cluster) : "1x" + std::to_string(pes)) +
                            " (the same PE count in MAESTRO's shape)");
    }
    // What a PE's last chunk still spans it walks itself, innermost (MAESTRO's implicit loops).
    for (const auto &d : problem.dims)
        if (chunk[d.name] > 1) inner.push_back({d.name, chunk[d.name]});
    // MAESTRO's L2 is the global buffer: outputs kept above the first reduction loop (partial sums
    // stay on chip); inputs and weights for one step of the clusters' loops, kept across the loops
    // that do not index them (MAESTRO's temporal reuse). Its L1 is the PEs' registers.
    size_t p_out = 0;
    while (p_out < above.size() && !problem.dim(above[p_out].first).reduction) ++p_out;
    auto indexes = [&](ir::TensorRole role, const std::string &dim) { return problem.tensor(role).uses(dim); };
    std::map<size_t, std::vector<std::string>> at;  // position in `above` -> tensors kept there
    at[p_out].push_back("O");
    for (auto [role, name] : {std::pair{ir::TensorRole::Input, "I"}, std::pair{ir::TensorRole::Weight, "W"}}) {
        size_t p = above.size();
        while (p > 0 && !indexes(role, above[p - 1].first)) --p;
        at[p].push_back(name);
    }
    LoopNest nest;
    nest.levels.push_back({"DRAM", {}, {}, {}, {}});
    size_t from = 0;
    int n = 0;
    for (const auto &[p, tensors] : at) {
        nest.levels.back().temporal.assign(above.begin() + long(from), above.begin() + long(p));
        nest.levels.push_back({n++ ? "GLB_" + std::to_string(n) : "GLB", {}, {}, {}, tensors});
        from = p;
    }
    NestLevel &glb = nest.levels.back();
    glb.temporal.assign(above.begin() + long(from), above.end());
    glb.rows = on_rows, glb.cols = on_cols;
    nest.levels.push_back({"GLB_PE", inner, {}, {}, {}});
    return nest;
}

std::string maestro_schedule(const std::string &path, const ir::Problem &problem, int64_t pes, int64_t rows) {
    return "// from the MAESTRO mapping " + path + "\n" +
           schedule_text(problem, read_maestro_mapping(path, problem, pes, rows), path);
}

bool has_maestro_layer(const std::string &path) {
    for (const auto &l : maestro::parse_layers(path))
        if (!l.dims.empty()) return true;
    return false;
}

namespace {

bool runs_as_layer(const MaestroLayer &l) {
    return l.type == "CONV" || l.type == "DSCONV" || l.type == "GEMM" || l.type == "TRCONV";
}

ir::LayerSpec layer_spec(const MaestroLayer &l, const std::string &path) {
    if (!runs_as_layer(l))
        throw UserError(path + ": layer " + l.name + " has Type " + l.type + "; Tessera reads CONV, DSCONV, TRCONV and GEMM layers");
    ir::LayerSpec s;
    s.name = l.name;
    if (l.type == "GEMM") {  // (M x K) x (K x N): an fc of M rows, K inputs, N outputs
        for (const auto &kv : l.dims)
            if (kv.first != "M" && kv.first != "N" && kv.first != "K")
                throw UserError(path + ": layer " + l.name + ": unknown GEMM dimension '" + kv.first + "' (M N K)");
        auto get = [&](const char *k) { return l.dims.count(k) ? l.dims.at(k) : int64_t(1); };
        s.type = "fc";
        s.N = get("M"), s.C = get("K"), s.K = get("N");
        s.H = s.W = s.R = s.S = 1;
        return s;
    }
    s.type = l.type == "DSCONV" ? "dwconv" : l.type == "TRCONV" ? "deconv" : "conv";
    auto get = [&](const std::string &k) {
        auto it = l.dims.find(k);
        return it == l.dims.end() ? int64_t(1) : it->second;
    };
    for (const auto &kv : l.dims)
        if (std::string("KCRSYXN").find(kv.first) == std::string::npos || kv.first.size() != 1)
            throw UserError(path + ": layer " + l.name + ": unknown dimension '" + kv.first + "' (K C R S Y X N)");
    s.N = get("N"), s.C = get("C"), s.K = s.type == "dwconv" ? get("C") : get("K");
    s.R = get("R"), s.S = get("S"), s.H = get("Y"), s.W = get("X");
    s.stride = l.stride.count("Y") ? l.stride.at("Y") : 1;
    const int64_t sx = l.stride.count("X") ? l.stride.at("X") : 1;
    if (sx != s.stride) s.stride_w = sx;
    if (s.type == "dwconv") s.groups = s.C;
    if (s.type == "deconv") {
        // A transposed conv of Y x X inputs, upsampling by its Stride, or by 2 without one: MAESTRO's
        // parser gives every TRCONV an inner stride of 2 (the UNet files' next layers read 2Y x 2X)
        // and then analyses it as the plain conv of its Dimensions. Tessera runs the transposed
        // conv, as its sub-pixel conv (ir/SubPixel.h).
        if (!l.stride.count("Y") && !l.stride.count("X")) s.stride = 2, s.stride_w = -1;
        s = ir::sub_pixel_layer(s, 0, 0, path + ": layer " + l.name);
    }
    return s;
}

}  // namespace

ir::LayerSpec read_maestro_layer(const std::string &path) {
    const std::vector<MaestroLayer> all = maestro::parse_layers(path);
    if (all.size() > 1)
        throw UserError(path + " holds " + std::to_string(all.size()) + " layers; give --network " + path +
                        " to run them all (--layer NAME for one of them)");
    return layer_spec(all.front(), path);
}

MaestroNetwork read_maestro_network(const std::string &path) {
    MaestroNetwork net;
    for (const MaestroLayer &l : maestro::parse_layers(path)) {
        if (!runs_as_layer(l)) {
            net.skipped.push_back(l.name + " (" + l.type + ")");
            continue;
        }
        net.layers.push_back(layer_spec(l, path));
    }
    if (net.layers.empty()) throw UserError(path + ": no CONV, DSCONV, TRCONV or GEMM layer: nothing to run");
    return net;
}

std::string maestro_text(const ir::AcceleratorIR &ir) {
    const ir::LayerSpec &l = ir.problem.layer;
    std::vector<const ir::Loop *> loops;
    for (const auto &lp : ir.mapping.loops)
        if (lp.extent > 1) loops.push_back(&lp);
    auto letter = [&](const std::string &d) -> std::string {
        if (d == "y") return "Y'";
        if (d == "x") return "X'";
        if (d == "k" || d == "c" || d == "n" || d == "r" || d == "s") return std::string(1, char(std::toupper(d[0])));
        throw UserError("dimension '" + d + "' has no MAESTRO name (MAESTRO export covers conv layers)");
    };
    if (l.type == "fc" || l.grouped()) throw UserError("--emit maestro: MAESTRO export covers conv and depthwise layers, not " +
                                                       std::string(l.grouped() ? "grouped conv" : "fc"));
    int rows = 0, cols = 0;
    for (const ir::Loop *lp : loops) rows += lp->kind == ir::LoopKind::SpatialRow, cols += lp->kind == ir::LoopKind::SpatialCol;
    if (rows > 1 || cols > 1)
        throw UserError("--emit maestro: an array axis with several loops; MAESTRO gives one SpatialMap per cluster level");
    std::ostringstream s;
    s << "// Tessera mapping of layer " << l.name << " as MAESTRO directives (docs/maestro.md). MAESTRO has no\n"
      << "// buffers: Tessera's tiles are not written. Y and X are the padded input's rows and columns.\n";
    s << "Network tessera {\nLayer " << l.name << " {\nType: " << (l.depthwise() ? "DSCONV" : "CONV") << "\n"
      << "Stride { X: " << l.stride_x() << ", Y: " << l.stride_y() << " }\n"
      << "Dimensions { K: " << l.K << ", C: " << l.C << ", R: " << l.R << ", S: " << l.S
      << ", Y: " << l.H + l.pad_y0() + l.pad_y1() << ", X: " << l.W + l.pad_x0() + l.pad_x1() << ", N: " << l.N << " }\n"
      << "Dataflow {\n";
    // The row loop is the outer cluster level's SpatialMap, the column loop the Cluster's.
    bool spatial_done = false;
    for (const ir::Loop *lp : loops) {
        if (lp->kind == ir::LoopKind::Temporal) {
            s << "    TemporalMap(" << lp->stride << "," << lp->stride << ") " << letter(lp->dim) << ";\n";
            continue;
        }
        if (spatial_done) continue;
        spatial_done = true;
        for (auto kind : {ir::LoopKind::SpatialRow, ir::LoopKind::SpatialCol})
            for (const ir::Loop *sp : loops) {
                if (sp->kind != kind) continue;
                if (kind == ir::LoopKind::SpatialCol && rows == 1) s << "    Cluster(" << sp->extent << ", P);\n";
                s << "    SpatialMap(" << sp->stride << "," << sp->stride << ") " << letter(sp->dim) << ";\n";
            }
    }
    s << "}\n}\n}\n";
    return s.str();
}

}  // namespace tessera::interop
