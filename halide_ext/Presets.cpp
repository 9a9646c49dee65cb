#include "Presets.h"

#include "HardwareScheduleText.h"
#include "ScratchpadPresets.h"

#include "UserError.h"
#include "ir/Architecture.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <vector>

namespace tessera {

namespace {

// Interstellar's dim letters -> the layer's Halide variable names.
std::string dim_of_letter(const std::string &letter) {
    static const std::map<std::string, std::string> m = {
        {"N", "n"}, {"B", "b"}, {"G", "g"}, {"K", "k"}, {"C", "c"}, {"Y", "y"}, {"X", "x"}, {"FY", "r"}, {"FX", "s"}};
    auto it = m.find(letter);
    if (it == m.end())
        throw UserError("unknown dimension '" + letter + "' in --spatial (use N, B, G, K, C, Y, X, FY, FX)");
    return it->second;
}

std::vector<std::string> layer_dims(const ir::LayerSpec &l) {
    if (l.type == "fc") return l.batch > 1 ? std::vector<std::string>{"b", "n", "k", "c"}
                                           : std::vector<std::string>{"n", "k", "c"};
    if (l.depthwise()) return {"n", "k", "y", "x", "r", "s"};
    if (l.grouped()) return {"n", "g", "k", "c", "y", "x", "r", "s"};  // g: the group
    return {"n", "k", "c", "y", "x", "r", "s"};
}

int64_t extent_of(const ir::LayerSpec &l, const std::string &d) {
    if (d == "n") return l.N;
    if (d == "g") return l.grouped() ? l.groups : 1;
    if (d == "b") return l.batch;
    if (d == "k") return l.grouped() ? l.K / l.groups : l.K;
    if (d == "c") return l.depthwise() ? 1 : l.C / l.groups;
    if (d == "y") return l.out_h();
    if (d == "x") return l.out_w();
    if (d == "r") return l.R;
    return l.S;
}

struct Dataflow {
    std::string spatial;              // default spatial mapping
    std::vector<std::string> order;   // temporal order inside a tile, outer to inner
};

Dataflow dataflow_for(const ir::LayerSpec &l, const std::string &name, bool pipelined_array) {
    const bool fc = l.type == "fc", dw = l.depthwise();
    // Output stationary: reductions innermost. Weight stationary: the dims W does not depend on
    // innermost. Input stationary: k innermost (for depthwise every dim moves the input, so the
    // input-stationary preset keeps the filter taps innermost: the closest to it). Row
    // stationary: Eyeriss's filter row x output row array.
    if (name == "os" || name.empty())
        return fc ? Dataflow{"N|K", {"n", "k", "c"}}
             : dw ? Dataflow{"Y|X", {"k", "y", "x", "r", "s"}}
                  : Dataflow{pipelined_array ? "Y,X|K" : "Y|X", {"k", "y", "x", "c", "r", "s"}};
    if (name == "ws")
        return fc ? Dataflow{"C|K", {"c", "k", "n"}}
             : dw ? Dataflow{"K|X", {"r", "s", "k", "y", "x"}}
                  : Dataflow{"C|K", {"c", "r", "s", "k", "y", "x"}};
    if (name == "is")
        return fc ? Dataflow{"C|N", {"c", "n", "k"}}
             : dw ? Dataflow{"K|X", {"k", "y", "x", "r", "s"}}
                  : Dataflow{"C|X", {"c", "y", "x", "r", "s", "k"}};
    if (name == "rs") {
        // An fc has no filter rows: Eyeriss maps it with the channels on the rows and the batch on
        // the columns (as the scratchpad form does), the filters innermost.
        if (fc) return Dataflow{"C|N", {"c", "n", "k"}};
        return dw ? Dataflow{"FY|Y", {"k", "s", "x"}} : Dataflow{"FY|Y", {"k", "c", "s", "x"}};
    }
    throw UserError("unknown dataflow '" + name + "' (use os, ws, is or rs)");
}

std::vector<std::string> axis_dims(const std::string &text, const std::string &whole) {
    std::vector<std::string> dims;
    size_t start = 0;
    for (;;) {
        const size_t comma = text.find(',', start);
        const std::string letter = text.substr(start, comma == std::string::npos ? comma : comma - start);
        if (letter.empty())
            throw UserError("--spatial '" + whole + "' has an empty dimension; list dims as 'C,FX|X'");
        dims.push_back(dim_of_letter(letter));
        if (comma == std::string::npos) return dims;
        start = comma + 1;
    }
}

}  // namespace

SpatialAxes spatial_axes(const std::string &text) {
    SpatialAxes s;
    const auto bar = text.find('|');
    if (bar == std::string::npos) {
        s.cols = axis_dims(text, text);
    } else {
        if (text.find('|', bar + 1) != std::string::npos)
            throw UserError("--spatial '" + text + "' has more than two axes; the PE array has "
                            "rows and columns: join dims on one axis with ',' (e.g. 'C,FX|X')");
        s.rows = axis_dims(text.substr(0, bar), text);
        s.cols = axis_dims(text.substr(bar + 1), text);
    }
    return s;
}

namespace {

SpatialAxes parse_spatial(const ir::LayerSpec &l, const std::string &text) {
    SpatialAxes s = spatial_axes(text);
    // A dim the layer lacks whose extent would be 1 (the filter taps of an fc, the channel
    // reduction of a depthwise conv) is dropped, so one preset (TPU's 'C,FY,FX|K') names the same
    // array for every layer of a network.
    const auto dims = layer_dims(l);
    auto drop_unit_dims = [&](std::vector<std::string> &axis) {
        std::vector<std::string> kept;
        for (const std::string &d : axis) {
            const bool lacks = std::find(dims.begin(), dims.end(), d) == dims.end();
            const bool unit = (l.type == "fc" && (d == "r" || d == "s")) || (l.depthwise() && d == "c");
            if (!(lacks && unit)) kept.push_back(d);
        }
        if (kept.empty() && !axis.empty())
            throw UserError("--spatial '" + text + "': a " + l.type + " layer has extent 1 in every dimension of "
                            "one array axis; map another dimension there (e.g. 'C|K')");
        axis = kept;
    };
    drop_unit_dims(s.rows);
    drop_unit_dims(s.cols);
    std::vector<std::string> all = s.rows;
    all.insert(all.end(), s.cols.begin(), s.cols.end());
    for (size_t i = 0; i < all.size(); ++i)
        for (size_t j = 0; j < i; ++j)
            if (all[i] == all[j]) throw UserError("--spatial '" + text + "' maps one dimension twice");
    for (const std::string &d : all)
        if (std::find(dims.begin(), dims.end(), d) == dims.end())
            throw UserError("--spatial '" + text + "': a " + l.type + " layer has no dimension " +
                            d + " (it has " + [&] {
                                std::string all;
                                for (const auto &x : dims) all += x + " ";
                                return all;
                            }() + ")");
    return s;
}

// Tile sizes for the dims the output depends on (and the reduction block of c): the blocking
// with the least DRAM traffic whose I, W and O tiles fit the global buffer together.
struct Blocking {
    std::map<std::string, int64_t> tile;  // per dim; dims absent are untiled (whole extent)
};

std::vector<int64_t> tile_candidates(int64_t extent, int64_t lanes) {
    std::vector<int64_t> c;
    for (int64_t t = lanes; t < extent; t *= 2) c.push_back(t);
    c.push_back(extent);
    return c;
}

Blocking choose_blocking(const ir::LayerSpec &l, const std::map<std::string, int64_t> &lanes,
                         const ScheduleRequest &req, int64_t glb) {
    auto lanes_of = [&](const std::string &d) { return lanes.count(d) ? lanes.at(d) : int64_t(1); };
    const bool fc = l.type == "fc", dw = l.depthwise();
    // A conv's batch is tiled too: every image of an output tile is in its I and O tiles.
    std::vector<std::string> tiled = fc ? std::vector<std::string>{"n", "k", "c"}
                                   : dw ? std::vector<std::string>{"k", "y", "x"}
                                        : std::vector<std::string>{"k", "y", "x", "c"};
    if (!fc && l.N > 1) tiled.insert(tiled.begin(), "n");
    std::vector<std::vector<int64_t>> cands;
    for (const auto &d : tiled) cands.push_back(tile_candidates(extent_of(l, d), lanes_of(d)));

    Blocking best;
    double best_cost = -1;
    std::vector<size_t> pick(tiled.size(), 0);
    while (true) {
        std::map<std::string, int64_t> t;
        for (size_t i = 0; i < tiled.size(); ++i) t[tiled[i]] = cands[i][pick[i]];
        auto T = [&](const char *d) { return t.count(d) ? t[d] : extent_of(l, d); };
        const int64_t tc = dw ? T("k") : T("c");
        const int64_t in_box = fc ? tc * T("n")
                                  : ((T("x") - 1) * l.stride_x() + (l.S - 1) * l.dilation_x() + 1) *
                                        ((T("y") - 1) * l.stride_y() + (l.R - 1) * l.dilation_y() + 1) * tc * T("n");
        const int64_t w_box = fc ? tc * T("k") : l.S * l.R * (dw ? T("k") : tc * T("k"));
        const int64_t o_box = (fc ? T("n") : T("x") * T("y") * T("n")) * T("k");
        if (req.shared_tiles_fit(glb, in_box, w_box, 4 * o_box)) {
            auto tiles = [&](const char *d) {
                return (extent_of(l, d) + T(d) - 1) / T(d);
            };
            const double out_tiles =
                fc ? double(tiles("n") * tiles("k") * l.batch)
                   : double(tiles("k") * tiles("y") * tiles("x") * tiles("n") * extent_of(l, "g"));
            const double c_tiles = dw ? 1.0 : double(tiles("c"));
            const double cost = out_tiles * c_tiles * double(in_box + w_box);
            if (best_cost < 0 || cost < best_cost) best_cost = cost, best.tile = t;
        }
        size_t i = 0;
        while (i < pick.size() && ++pick[i] == cands[i].size()) pick[i++] = 0;
        if (i == pick.size()) break;
    }
    if (best_cost < 0)
        throw UserError("the smallest tiles do not fit the global buffer's " +
                        std::to_string(glb) + " bytes per tile (half the level if it is double "
                        "buffered" + (req.buffer_tensor_bytes[0] || req.buffer_tensor_bytes[1] || req.buffer_tensor_bytes[2]
                                          ? ", each tensor within its partition" : "") +
                        "); give the architecture a larger GLB");
    return best;
}

std::string join(const std::vector<std::string> &v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
    return s;
}

}  // namespace

void fit_presets_to(const ir::Architecture &arch, ScheduleRequest &req) {
    req.shared_level = "GLB";
    if (!arch.level("GLB") && arch.levels.size() > 1 && !arch.is_per_pe(1)) req.shared_level = arch.levels[1].name;
    if (const ir::MemoryLevel *glb = arch.level(req.shared_level)) {
        req.buffer_bytes = glb->tile_budget_bytes();
        for (int t = 0; t < 3; ++t)
            req.buffer_tensor_bytes[t] = glb->double_buffered ? glb->tensor_bytes[t] / 2 : glb->tensor_bytes[t];
    }
    req.pipelined_array = arch.array_skew() > 0;
    req.scratchpad_level.clear();
    for (size_t i = 0; i < arch.levels.size(); ++i) {
        const ir::MemoryLevel &l = arch.levels[i];
        if (!arch.is_per_pe(i) || !l.partitioned()) continue;
        req.scratchpad_level = l.name;
        for (int t = 0; t < 3; ++t) req.scratchpad_bytes[t] = l.double_buffered ? l.bytes_for(t) / 2 : l.bytes_for(t);
        return;
    }
}

std::vector<std::string> spatial_mappings(const ir::LayerSpec &l) {
    static const std::map<std::string, std::string> letter = {
        {"n", "N"}, {"b", "B"}, {"g", "G"}, {"k", "K"}, {"c", "C"}, {"y", "Y"}, {"x", "X"}, {"r", "FY"}, {"s", "FX"}};
    std::vector<std::string> out;
    const auto dims = layer_dims(l);
    for (const auto &row : dims)
        for (const auto &col : dims)
            if (row != col) out.push_back(letter.at(row) + "|" + letter.at(col));
    for (const auto &d : dims) out.push_back(letter.at(d));
    return out;
}

std::string preset_schedule(const ir::LayerSpec &l, const ScheduleRequest &req) {
    if (req.rows < 1 || req.cols < 1 || req.rows > 256 || req.cols > 256)
        throw UserError("array " + std::to_string(req.rows) + "x" + std::to_string(req.cols) +
                        " is out of range: rows and columns must be 1..256");
    const ir::Architecture arch = ir::default_architecture();
    const int64_t glb = req.buffer_bytes > 0 ? req.buffer_bytes : arch.level("GLB")->size_bytes;
    if (req.dataflow == "rs" && !req.scratchpad_level.empty() && has_scratchpad_form(l))
        return row_stationary_scratchpad_schedule(l, req, glb);
    const Dataflow df = dataflow_for(l, req.dataflow, req.pipelined_array);
    const SpatialAxes sp = parse_spatial(l, req.spatial.empty() ? df.spatial : req.spatial);
    if (sp.rows.empty() && req.rows != 1)
        throw UserError("--spatial '" + req.spatial + "' maps one axis: a 1-D array is 1xN "
                        "(use --array 1x" + std::to_string(req.rows * req.cols) + ")");
    // An axis's lanes: its inner dims take their whole extent (as far as the axis reaches), the
    // outermost dim the rest (rows = c x s on 16 rows with S = 3: s 3, c 5).
    std::map<std::string, int64_t> lanes;
    for (const auto &[dims, size] : {std::pair{sp.rows, req.rows}, std::pair{sp.cols, req.cols}}) {
        int64_t left = size;
        for (size_t i = dims.size(); i-- > 0;) {
            const int64_t n = i == 0 ? left : std::min(left, extent_of(l, dims[i]));
            lanes[dims[i]] = std::max<int64_t>(n, 1);
            left = std::max<int64_t>(left / std::max<int64_t>(n, 1), 1);
        }
    }
    const Blocking b = choose_blocking(l, lanes, req, glb);
    const bool fc = l.type == "fc";
    const std::vector<std::string> out_dims = fc          ? l.batch > 1 ? std::vector<std::string>{"b", "n", "k"}
                                                                          : std::vector<std::string>{"n", "k"}
                                            : l.grouped() ? std::vector<std::string>{"n", "g", "k", "y", "x"}
                                                          : std::vector<std::string>{"n", "k", "y", "x"};
    auto is_reduction = [](const std::string &d) { return d == "c" || d == "r" || d == "s"; };

    std::ostringstream s;
    s << "// " << (req.spatial.empty() ? df.spatial : req.spatial) << " on a " << req.rows << "x"
      << req.cols << " array, dataflow " << (req.dataflow.empty() ? "os" : req.dataflow)
      << "; tiles:";
    for (const auto &[d, t] : b.tile) s << " " << d << "=" << t;
    s << "\n";

    // 1. Output tiles: the accumulator is computed per tile of the output. Untiled dims stay
    // inside the tile.
    std::vector<std::string> decl, tile_loops, in_tile;
    std::ostringstream splits;
    for (const auto &d : out_dims) {
        if (d == "g" || d == "b") {  // one group (batch) per output tile: it reads only its inputs
            tile_loops.push_back(d);
        } else if (b.tile.count(d) && b.tile.at(d) < extent_of(l, d)) {
            decl.push_back(d + "o(\"" + d + "o\")");
            decl.push_back(d + "i(\"" + d + "i\")");
            splits << ".split(" << d << ", " << d << "o, " << d << "i, " << b.tile.at(d) << ")";
            tile_loops.push_back(d + "o");
            in_tile.push_back(d + "i");
        } else {
            in_tile.push_back(d);
        }
    }
    const std::string tile_level = tile_loops.empty() ? "" : "output, " + tile_loops.back();
    if (!tile_loops.empty()) {
        if (!decl.empty()) s << "Var " << join(decl) << ";\n";
        std::vector<std::string> reorder(in_tile.rbegin(), in_tile.rend());
        reorder.insert(reorder.end(), tile_loops.rbegin(), tile_loops.rend());
        s << "output" << splits.str() << ".reorder(" << join(reorder) << ");\n";
        s << "acc.compute_at(" << tile_level << ");\n";
    } else {
        s << "acc.compute_root();\n";
    }

    // 2. Inside a tile: block the reduction over c, split the spatial dims into lanes.
    const bool dw = l.depthwise();
    const bool block_c = !dw && b.tile.count("c") && b.tile.at("c") < extent_of(l, "c");
    std::vector<std::string> rdecl, vdecl;
    std::ostringstream usplits;
    std::map<std::string, std::string> temporal_name;  // dim -> its temporal loop inside the tile
    std::map<std::string, std::string> lane_name;
    for (const auto &d : layer_dims(l)) temporal_name[d] = d;
    if (block_c) {
        rdecl.push_back("co(\"co\")");
        rdecl.push_back("ci(\"ci\")");
        usplits << ".split(c, co, ci, " << b.tile.at("c") << ")";
        temporal_name["c"] = "ci";
    }
    for (const auto &[d, n] : lanes) {
        const std::string src = temporal_name[d];
        auto &list = is_reduction(d) ? rdecl : vdecl;
        list.push_back(d + "t(\"" + d + "t\")");
        list.push_back(d + "l(\"" + d + "l\")");
        usplits << ".split(" << src << ", " << d << "t, " << d << "l, " << n << ")";
        temporal_name[d] = d + "t";
        lane_name[d] = d + "l";
    }
    if (!vdecl.empty()) s << "Var " << join(vdecl) << ";\n";
    if (!rdecl.empty()) s << "RVar " << join(rdecl) << ";\n";
    // Lane loops innermost (reorder lists innermost first): the rows inside the columns, each
    // axis's outermost dim outermost.
    std::vector<std::string> reorder;
    for (auto it = sp.rows.rbegin(); it != sp.rows.rend(); ++it) reorder.push_back(lane_name[*it]);
    for (auto it = sp.cols.rbegin(); it != sp.cols.rend(); ++it) reorder.push_back(lane_name[*it]);
    for (auto it = df.order.rbegin(); it != df.order.rend(); ++it) reorder.push_back(temporal_name[*it]);
    for (const auto &d : layer_dims(l))  // dims the order template leaves out go outermost
        if (std::find(df.order.begin(), df.order.end(), d) == df.order.end())
            reorder.push_back(temporal_name[d]);
    if (block_c) reorder.push_back("co");
    s << "acc.update()" << usplits.str() << "\n    .reorder(" << join(reorder) << ")";
    for (const auto &d : sp.rows) s << ".unroll(" << lane_name[d] << ")";
    for (const auto &d : sp.cols) s << ".unroll(" << lane_name[d] << ")";
    s << ";\n";
    auto axis = [&](const std::vector<std::string> &dims) {
        std::vector<std::string> names;
        for (const auto &d : dims) names.push_back(lane_name[d]);
        return dims.size() == 1 ? names[0] : "{" + join(names) + "}";
    };
    if (!sp.rows.empty()) s << "hw::array(acc, " << axis(sp.rows) << ", " << axis(sp.cols) << ");\n";
    else s << "hw::array(acc, " << axis(sp.cols) << ");\n";

    // 3. Buffers: input and weight tiles per reduction block (or per output tile).
    const std::string place = block_c ? "compute_at(acc, co)"
                            : tile_level.empty() ? "compute_root()" : "compute_at(" + tile_level + ")";
    const std::string &shared = req.shared_level;
    s << hw::level_statement("acc", shared);
    s << "Func ifmap_glb = ifmap.in(acc);\nifmap_glb." << place << ";\n" << hw::level_statement("ifmap_glb", shared);
    s << "Func filter_glb = filter.in(acc);\nfilter_glb." << place << ";\n" << hw::level_statement("filter_glb", shared);
    return s.str();
}

}  // namespace tessera
