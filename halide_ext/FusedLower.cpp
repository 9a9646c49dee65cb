#include "FusedLower.h"

#include "Networks.h"
#include "UserError.h"

#include <cctype>
#include <regex>
#include <sstream>

namespace tessera {

namespace {

size_t layer_position(const std::string &key, const std::vector<ir::LayerSpec> &network) {
    if (const auto i = layer_index(network, key)) return *i;
    if (!key.empty() && key.find_first_not_of("0123456789") == std::string::npos)
        throw UserError("--fuse: position " + key + " is past the network's last layer (" +
                        std::to_string(network.size() - 1) + ")");
    throw UserError("--fuse: no layer '" + key + "' in the network (give a layer name or a 0-based position)");
}

}  // namespace

std::pair<size_t, size_t> parse_fuse_range(const std::string &text, const std::vector<ir::LayerSpec> &network) {
    const auto dots = text.find("..");
    if (dots == std::string::npos)
        throw UserError("--fuse '" + text + "': write the group as 'A..B' (first and last layer, names or positions)");
    const size_t a = layer_position(text.substr(0, dots), network);
    const size_t b = layer_position(text.substr(dots + 2), network);
    if (b < a)
        throw UserError("--fuse '" + text + "': the layers are not consecutive (" + network[b].name +
                        " comes before " + network[a].name + "); write the first layer first");
    return {a, b};
}

std::pair<int64_t, int64_t> parse_tile(const std::string &text) {
    auto number = [&](const std::string &s) -> int64_t {
        if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos || std::stoll(s) < 1)
            throw UserError("--tile '" + text + "': write ROWSxCOLS with positive integers, e.g. 16x16");
        return std::stoll(s);
    };
    const auto x = text.find('x');
    if (x == std::string::npos) return {number(text), number(text)};
    return {number(text.substr(0, x)), number(text.substr(x + 1))};
}

ir::FusedGroup lower_group(const std::vector<ir::LayerSpec> &network, size_t first, size_t last,
                           int64_t tile_h, int64_t tile_w, ir::Overlap overlap, bool residual,
                           int cores, const ScheduleRequest &request, const std::string &level) {
    ir::FusedGroup g;
    g.layers.assign(network.begin() + long(first), network.begin() + long(last) + 1);
    g.residual = residual;
    g.tile_h = tile_h, g.tile_w = tile_w;
    g.overlap = overlap;
    if (cores < 1) throw UserError("--cores must be at least 1");
    for (const auto &l : g.layers)
        if (l.y_int32)
            throw UserError("--fuse: layer " + l.name + " outputs int32 (y_int32); a fused group passes int8 "
                            "activations between its layers: leave it out of the group");
    g.cores = cores;
    ir::place_group(g, level);  // checks the chain first: no lowering of a group that is not one
    for (const auto &l : g.layers) g.layer_irs.push_back(lower_to_ir(l, request));
    return g;
}

void apply_group_schedule(ir::FusedGroup &g, const std::string &text, const std::string &level) {
    const size_t n = g.layers.size();
    const std::string consumer = "L" + std::to_string(n - 1);
    std::string clean;  // comments dropped
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) clean += line.substr(0, line.find('#')) + "\n";
    std::vector<std::string> placed(n > 0 ? n - 1 : 0);
    bool tiled = false;
    std::istringstream statements(clean);
    const std::regex head(R"(^\s*L(\d+)\s*\.)"), call(R"(\s*(\w+)\s*\(([^)]*)\)\s*\.?)");
    for (std::string st; std::getline(statements, st, ';');) {
        if (st.find_first_not_of(" \t\r\n") == std::string::npos) continue;
        std::smatch m;
        const std::string shown = st.substr(st.find_first_not_of(" \t\r\n"));
        if (!std::regex_search(st, m, head) || std::stoul(m[1]) >= n)
            throw UserError("fused schedule: '" + shown + "' does not start with a layer Func L0 .. " + consumer);
        const size_t f = std::stoul(m[1]);
        std::string rest = m.suffix();
        std::string compute, store;
        for (std::smatch c; std::regex_search(rest, c, call); rest = c.suffix()) {
            if (c.position(0) != 0) break;
            const std::string name = c[1], args = std::regex_replace(std::string(c[2]), std::regex(R"(\s+)"), "");
            if (f + 1 == n) {
                std::smatch sp;
                if (name == "split" && std::regex_match(args, sp, std::regex(R"((y|x),(yo|xo),(yi|xi),(\d{1,6}))"))) {
                    (sp[1] == "y" ? g.tile_h : g.tile_w) = std::stoll(sp[4]);
                    tiled = true;
                } else if (name != "reorder") {
                    throw UserError("fused schedule: " + consumer + "." + name + "(" + args + "): the group's last "
                                    "Func takes split(y, yo, yi, TH), split(x, xo, xi, TW) and reorder");
                }
                continue;
            }
            if (name == "store_root" && args.empty()) { store = "root"; continue; }
            if (name != "compute_at" && name != "store_at")
                throw UserError("fused schedule: L" + std::to_string(f) + "." + name + "(" + args + "): a producer "
                                "takes compute_at(" + consumer + ", xo) and store_at(" + consumer + ", yo) or store_root()");
            const auto comma = args.find(',');
            const std::string func = args.substr(0, comma), loop = comma == std::string::npos ? "" : args.substr(comma + 1);
            if (func != consumer || (loop != "xo" && loop != "yo"))
                throw UserError("fused schedule: L" + std::to_string(f) + "." + name + "(" + args + "): " + func +
                                (func == consumer ? " has no loop '" + loop + "'" : " is not the consumer's Func") +
                                "; a producer is computed at its consumer's tile loop: " + name + "(" + consumer +
                                (name == "compute_at" ? ", xo)" : ", yo)"));
            if (name == "compute_at" && loop != "xo")
                throw UserError("fused schedule: L" + std::to_string(f) + ".compute_at(" + args + "): compute a producer "
                                "per tile, at " + consumer + "'s innermost tile loop xo (store_at keeps the overlap)");
            (name == "compute_at" ? compute : store) = loop;
        }
        if (f + 1 == n) continue;
        if (compute.empty())
            throw UserError("fused schedule: L" + std::to_string(f) + " is not computed at " + consumer +
                            "'s loop; write L" + std::to_string(f) + ".compute_at(" + consumer + ", xo)");
        placed[f] = store.empty() ? "xo" : store;
    }
    if (!tiled) throw UserError("fused schedule: " + consumer + " has no tile split; write " + consumer +
                                ".split(y, yo, yi, TH).split(x, xo, xi, TW)");
    for (size_t i = 0; i < placed.size(); ++i) {
        if (placed[i].empty())
            throw UserError("fused schedule: L" + std::to_string(i) + " is not placed; write L" + std::to_string(i) +
                            ".compute_at(" + consumer + ", xo)");
        if (placed[i] != placed[0])
            throw UserError("fused schedule: L0 and L" + std::to_string(i) + " are stored at different loops; one "
                            "overlap mode per group (store_at xo, yo or root for every producer)");
    }
    if (!placed.empty())
        g.overlap = placed[0] == "root" ? ir::Overlap::CacheHV : placed[0] == "yo" ? ir::Overlap::CacheH : ir::Overlap::Recompute;
    ir::place_group(g, level);
}

}  // namespace tessera
