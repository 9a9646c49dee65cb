#include "ScratchpadPresets.h"

#include "HardwareScheduleText.h"
#include "UserError.h"

#include <algorithm>
#include <sstream>
#include <utility>
#include <vector>

namespace tessera {

namespace {

constexpr int kI = 0, kW = 1, kO = 2;
constexpr int64_t kPsumBytes = 4;  // partial sums are 32-bit in the per-PE level (as in ir::Validate)

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The per-PE blocking: kp filters and xp output columns per PE. Each PE holds kp x (filter
// taps along r) filter words, an ifmap window of the r rows by the xp columns' span, and kp x xp
// partial sums. Each ifmap word a PE loads serves its kp filters and each output column one
// tap, so the global-buffer reads of the ifmap per MAC are span(xp) / (xp kp): the blocking
// minimizes that (tails counted as wasted lanes); kp divides K so that no filter lane idles.
struct PeBlocking {
    int64_t kp = 0, xp = 0;
};

PeBlocking choose_pe_blocking(int64_t K, int64_t out_w, int64_t filter_words_per_k, int64_t ifmap_rows,
                              int64_t stride_x, const ScheduleRequest &req) {
    const int64_t i_cap = req.scratchpad_bytes[kI], w_cap = req.scratchpad_bytes[kW];
    const int64_t o_cap = req.scratchpad_bytes[kO] / kPsumBytes;
    const std::string spad = req.scratchpad_level + " scratchpad";
    if (ifmap_rows > i_cap)
        throw UserError("rs with scratchpads needs an ifmap window of " +
                        std::to_string(ifmap_rows) + " rows, more than the " + std::to_string(i_cap) +
                        "-byte I " + spad + "; give a larger I scratchpad or another dataflow (ws, os)");
    if (filter_words_per_k > w_cap || o_cap < 1)
        throw UserError("rs with scratchpads needs " + std::to_string(filter_words_per_k) +
                        " filter words and one 32-bit partial sum per PE; the W (" + std::to_string(w_cap) +
                        " B) or O (" + std::to_string(req.scratchpad_bytes[kO]) + " B) " + spad +
                        " is smaller: give larger scratchpads or another dataflow (ws, os)");
    PeBlocking best;
    double best_cost = 0;
    for (int64_t kp = 1; kp <= std::min(K, o_cap); ++kp) {
        if (K % kp || kp * filter_words_per_k > w_cap) continue;
        for (int64_t xp = 1; xp <= out_w && kp * xp <= o_cap; ++xp) {
            const int64_t span = (xp - 1) * stride_x + 1;
            if (ifmap_rows * span > i_cap) break;
            const double used = double(out_w) / double(ceil_div(out_w, xp) * xp);
            const double cost = double(span) / double(xp * kp) / used;
            if (!best.kp || cost < best_cost - 1e-12 || (cost < best_cost + 1e-12 && kp > best.kp))
                best = {kp, xp}, best_cost = cost;
        }
    }
    return best;
}

// The global-buffer tile: tk output channels by tx output columns (by the yl output rows of one
// column pass), with its ifmap, filter and partial-sum tiles fitting the buffer together. Among
// those, the one with the least DRAM traffic: the ifmap tile is read once per k tile, the filters
// once per output tile.
struct GlbTile {
    int64_t tk = 0, tx = 0;
};

struct GlbFootprint {
    int64_t K, out_w, out_h, yl;
    int64_t ifmap_channels, ifmap_rows;   // per reduction block
    int64_t stride_x, window_x;           // ifmap columns of tx outputs: (tx - 1) stride + window
    int64_t filter_words_per_k;           // per reduction block
    int64_t weights, inputs;              // whole-layer words, for the traffic estimate
    int64_t images = 1;                   // a conv's tiles hold one image: the filters are read per image
};

GlbTile choose_glb_tile(const GlbFootprint &f, const PeBlocking &pe, const ScheduleRequest &req, int64_t glb_bytes) {
    GlbTile best;
    double best_cost = 0;
    int64_t smallest = -1;
    auto candidates = [](int64_t step, int64_t whole) {
        std::vector<int64_t> c;
        for (int64_t t = step; t < whole; t *= 2) c.push_back(t);
        c.push_back(whole);
        return c;
    };
    for (int64_t tk : candidates(pe.kp, f.K))
        for (int64_t tx : candidates(pe.xp, f.out_w)) {
            const int64_t in_cols = (tx - 1) * f.stride_x + f.window_x;
            const int64_t in = f.ifmap_channels * f.ifmap_rows * in_cols, w = tk * f.filter_words_per_k,
                          out = kPsumBytes * tk * f.yl * tx, bytes = in + w + out;
            if (smallest < 0 || bytes < smallest) smallest = bytes;
            if (!req.shared_tiles_fit(glb_bytes, in, w, out)) continue;
            const double x_tiles = double(ceil_div(f.out_w, tx)), out_tiles = x_tiles * double(ceil_div(f.out_h, f.yl));
            const double halo = double(in_cols) * x_tiles / double((f.out_w - 1) * f.stride_x + f.window_x);
            const double cost = double(ceil_div(f.K, tk)) * double(f.inputs) * halo +
                                double(f.images) * out_tiles * double(f.weights);
            if (!best.tk || cost < best_cost) best = {tk, tx}, best_cost = cost;
        }
    if (!best.tk)
        throw UserError("rs with scratchpads: the smallest global-buffer tiles (" + std::to_string(smallest) +
                        " bytes) do not fit the " + std::to_string(glb_bytes) +
                        "-byte GLB; give the architecture a larger GLB");
    return best;
}

// The buffers: ifmap and filter tiles in the GLB per reduction block (co), and in the per-PE
// scratchpads at the given loops; the partial sums accumulate in the per-PE level across `acc_at`.
std::string per_pe_buffers(const std::string &glb, const std::string &spad, const std::string &acc_at,
                           const std::string &ifmap_at, const std::string &filter_at) {
    std::ostringstream s;
    s << hw::level_statement("acc", glb);
    s << "hw::accumulator(acc, " << acc_at << ", \"" << spad << "\");\n";
    for (const auto &[tensor, at] : {std::pair<std::string, std::string>{"ifmap", ifmap_at}, {"filter", filter_at}}) {
        s << "Func " << tensor << "_glb = " << tensor << ".in(acc);\n" << tensor << "_glb.compute_at(acc, co);\n"
          << hw::level_statement(tensor + "_glb", glb);
        s << "Func " << tensor << "_rf = " << tensor << "_glb.in(acc);\n" << tensor << "_rf.compute_at(acc, " << at
          << ");\n" << hw::level_statement(tensor + "_rf", spad);
    }
    return s.str();
}

std::string conv_schedule(const ir::LayerSpec &l, const ScheduleRequest &req, int64_t glb_bytes) {
    const int64_t out_w = l.out_w(), out_h = l.out_h();
    const int64_t r_rows = (l.R - 1) * l.dilation_y() + 1;
    const PeBlocking pe = choose_pe_blocking(l.K, out_w, l.R, r_rows, l.stride_x(), req);
    // Rows: the filter columns s (innermost digit), the rest input channels (Interstellar's
    // replication); columns: output rows.
    const int64_t sl = std::min(l.S, req.rows);
    const int64_t cl = std::clamp<int64_t>(req.rows / sl, 1, l.C);
    const int64_t yl = std::min(req.cols, out_h);
    GlbFootprint f;
    f.K = l.K, f.out_w = out_w, f.out_h = out_h, f.yl = yl;
    f.ifmap_channels = cl, f.ifmap_rows = (yl - 1) * l.stride_y() + r_rows;
    f.stride_x = l.stride_x(), f.window_x = (l.S - 1) * l.dilation_x() + 1;
    f.filter_words_per_k = cl * l.R * l.S;
    f.weights = l.K * l.C * l.R * l.S, f.inputs = l.N * l.C * l.H * l.W, f.images = l.N;
    const GlbTile tile = choose_glb_tile(f, pe, req, glb_bytes);
    const bool split_s = sl < l.S, split_x = tile.tx < out_w;

    std::ostringstream s;
    s << "// rs with per-PE scratchpads (" << req.scratchpad_level << "): rows c x s = " << cl << " x " << sl
      << ", columns y = " << yl << "; per PE " << pe.kp << " filters x " << pe.xp << " outputs; tile k = " << tile.tk
      << ", x = " << tile.tx << "\n";
    s << "Var ko(\"ko\"), ki(\"ki\"), yo(\"yo\"), yi(\"yi\"), " << (split_x ? "xo(\"xo\"), xi(\"xi\"), " : "")
      << "kt(\"kt\"), kp(\"kp\"), yt(\"yt\"), yl(\"yl\"), xq(\"xq\"), xp(\"xp\");\n";
    s << "RVar co(\"co\"), cl(\"cl\")" << (split_s ? ", st(\"st\"), sl(\"sl\")" : "") << ";\n";
    s << "output.split(k, ko, ki, " << tile.tk << ").split(y, yo, yi, " << yl << ")";
    // One image per output tile (the footprint above is one image's): n outermost.
    const std::string n_in = l.N > 1 ? "" : "n, ", n_out = l.N > 1 ? ", n" : "";
    if (split_x) s << ".split(x, xo, xi, " << tile.tx << ").reorder(xi, yi, ki, " << n_in << "xo, yo, ko" << n_out << ");\n";
    else s << ".reorder(x, yi, ki, " << n_in << "yo, ko" << n_out << ");\n";
    s << "acc.compute_at(output, " << (split_x ? "xo" : "yo") << ");\n";
    const std::string lane_s = split_s ? "sl" : "s";
    s << "acc.update().split(c, co, cl, " << cl << ")";
    if (split_s) s << ".split(s, st, sl, " << sl << ")";
    s << ".split(k, kt, kp, " << pe.kp << ").split(y, yt, yl, " << yl << ").split(x, xq, xp, " << pe.xp << ")\n";
    s << "    .reorder(xp, r, kp, xq, " << lane_s << ", cl, yl, " << (split_s ? "st, " : "")
      << "yt, kt, co, n).unroll(" << lane_s << ").unroll(cl).unroll(yl);\n";
    s << "hw::array(acc, {cl, " << lane_s << "}, {yl});\n";
    s << per_pe_buffers(req.shared_level, req.scratchpad_level, "xq", "xq", lane_s);
    return s.str();
}

// A fully connected layer is a 1x1 conv on a 1x1 image: the channels stay on the rows, the batch
// takes the columns (each PE's ifmap word depends on both, as in a conv's row-stationary
// diagonal), and each PE keeps kp filters and kp partial sums.
std::string fc_schedule(const ir::LayerSpec &l, const ScheduleRequest &req, int64_t glb_bytes) {
    if (l.batch > 1)
        throw UserError("rs with scratchpads maps an fc without a batch dimension; "
                        "use --dataflow ws for a batched matmul");
    const PeBlocking pe = choose_pe_blocking(l.K, 1, 1, 1, 1, req);
    const int64_t cl = std::min(req.rows, l.C), nl = std::min(req.cols, l.N);
    GlbFootprint f;
    f.K = l.K, f.out_w = 1, f.out_h = 1, f.yl = l.N;
    f.ifmap_channels = cl, f.ifmap_rows = l.N, f.stride_x = 1, f.window_x = 1;
    f.filter_words_per_k = cl;
    f.weights = l.K * l.C, f.inputs = l.N * l.C;
    const GlbTile tile = choose_glb_tile(f, pe, req, glb_bytes);
    std::ostringstream s;
    s << "// rs with per-PE scratchpads (" << req.scratchpad_level << ") for an fc: rows c = " << cl
      << ", columns n = " << nl << "; per PE " << pe.kp << " filters; tile k = " << tile.tk << "\n";
    s << "Var ko(\"ko\"), ki(\"ki\"), kq(\"kq\"), kp(\"kp\"), nt(\"nt\"), nl(\"nl\");\n";
    s << "RVar co(\"co\"), cl(\"cl\");\n";
    s << "output.split(k, ko, ki, " << tile.tk << ").reorder(ki, n, ko);\n";
    s << "acc.compute_at(output, ko);\n";
    s << "acc.update().split(c, co, cl, " << cl << ").split(k, kq, kp, " << pe.kp << ").split(n, nt, nl, " << nl
      << ")\n    .reorder(kp, kq, cl, nl, nt, co).unroll(cl).unroll(nl);\n";
    s << "hw::array(acc, cl, nl);\n";
    s << per_pe_buffers(req.shared_level, req.scratchpad_level, "kq", "kq", "kq");
    return s.str();
}

}  // namespace

bool has_scratchpad_form(const ir::LayerSpec &l) { return !l.depthwise() && !l.grouped(); }

std::string row_stationary_scratchpad_schedule(const ir::LayerSpec &l, const ScheduleRequest &req,
                                               int64_t glb_bytes) {
    if (!req.spatial.empty())
        throw UserError("rs with scratchpads chooses its own array axes (rows c x s, columns y); drop --spatial");
    return l.type == "fc" ? fc_schedule(l, req, glb_bytes) : conv_schedule(l, req, glb_bytes);
}

}  // namespace tessera
