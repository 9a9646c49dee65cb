#include "FusedJson.h"

#include "Json.h"
#include "JsonGet.h"

#include <stdexcept>

namespace tessera::ir {

using nlohmann::json;

namespace {

template <typename T>
T get(const json &j, const char *key) {
    return json_get<T>(j, key, "fused group JSON");
}

Overlap overlap_from(const std::string &s) {
    for (Overlap o : {Overlap::Recompute, Overlap::CacheH, Overlap::CacheHV})
        if (s == to_string(o)) return o;
    throw std::runtime_error("fused group JSON: unknown overlap '" + s + "'");
}

}  // namespace

json to_json(const FusedGroup &g) {
    json j;
    j["layers"] = json::array();
    for (const auto &l : g.layers) j["layers"].push_back(to_json(l));
    j["layer_irs"] = json::array();
    for (const auto &ir : g.layer_irs) j["layer_irs"].push_back(to_json(ir));
    j["residual"] = g.residual;
    j["tile"] = {g.tile_h, g.tile_w};
    j["overlap"] = to_string(g.overlap);
    j["cores"] = g.cores;
    j["tile_loops"] = json::array();
    for (const auto &l : g.tile_loops)
        j["tile_loops"].push_back({{"dim", l.dim}, {"extent", l.extent}, {"stride", l.stride}, {"name", l.name}});
    j["intermediates"] = json::array();
    for (const auto &m : g.intermediates)
        j["intermediates"].push_back({{"producer", m.producer}, {"level", m.level},
                                      {"compute_at", m.compute_at}, {"store_at", m.store_at},
                                      {"cache_x", m.cache_x}, {"cache_y", m.cache_y},
                                      {"buffer_words", m.buffer_words}});
    j["weights_level"] = g.weights_level;
    j["schedule"] = g.schedule;
    return j;
}

FusedGroup fused_group_from_json(const json &j) {
    FusedGroup g;
    for (const auto &l : get<json>(j, "layers")) g.layers.push_back(layer_from_json(l));
    for (const auto &ir : get<json>(j, "layer_irs")) g.layer_irs.push_back(ir_from_json(ir));
    g.residual = get<bool>(j, "residual");
    const auto tile = get<std::vector<int64_t>>(j, "tile");
    if (tile.size() != 2) throw std::runtime_error("fused group JSON: 'tile' needs [rows, cols]");
    g.tile_h = tile[0], g.tile_w = tile[1];
    g.overlap = overlap_from(get<std::string>(j, "overlap"));
    g.cores = get<int>(j, "cores");
    for (const auto &l : get<json>(j, "tile_loops"))
        g.tile_loops.push_back({get<std::string>(l, "dim"), get<int64_t>(l, "extent"),
                                get<int64_t>(l, "stride"), LoopKind::Temporal, get<std::string>(l, "name")});
    for (const auto &m : get<json>(j, "intermediates")) {
        Intermediate i;
        i.producer = get<int>(m, "producer");
        i.level = get<std::string>(m, "level");
        i.compute_at = get<std::string>(m, "compute_at");
        i.store_at = get<std::string>(m, "store_at");
        i.cache_x = get<bool>(m, "cache_x");
        i.cache_y = get<bool>(m, "cache_y");
        i.buffer_words = get<int64_t>(m, "buffer_words");
        g.intermediates.push_back(i);
    }
    g.weights_level = get<std::string>(j, "weights_level");
    g.schedule = get<std::string>(j, "schedule");
    return g;
}

}  // namespace tessera::ir
