#include "ArchitectureJson.h"

#include "UserError.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#ifndef TESSERA_SOURCE_DIR
#define TESSERA_SOURCE_DIR "."
#endif

namespace tessera::ir {

using nlohmann::json;

namespace {

std::filesystem::path bundled_dir() {
    return std::filesystem::path(TESSERA_SOURCE_DIR) / "examples" / "arch";
}

// Reads one object's keys, each at most once, and rejects any it was not asked for.
class Reader {
public:
    Reader(const json &j, std::string where) : j_(j), where_(std::move(where)) {
        if (!j_.is_object()) fail("must be an object");
    }
    template <typename T>
    T get(const char *key, const T &fallback, bool required = false) {
        seen_.insert(key);
        if (!j_.contains(key)) {
            if (required) fail(std::string("needs key '") + key + "'");
            return fallback;
        }
        try {
            return j_.at(key).get<T>();
        } catch (const json::exception &) {
            fail(std::string("key '") + key + "' has the wrong type");
        }
    }
    const json &child(const char *key) {
        seen_.insert(key);
        if (!j_.contains(key)) fail(std::string("needs key '") + key + "'");
        return j_.at(key);
    }
    bool has(const char *key) const { return j_.contains(key); }
    void finish() const {
        for (const auto &item : j_.items())
            if (!seen_.count(item.key())) fail("has unknown key '" + item.key() + "'");
    }
    [[noreturn]] void fail(const std::string &what) const { throw UserError(where_ + " " + what); }
    const std::string &where() const { return where_; }

private:
    const json &j_;
    std::string where_;
    std::set<std::string> seen_;
};

MemoryLevel level_from_json(const json &j, const std::string &where) {
    Reader r(j, where);
    MemoryLevel m;
    m.name = r.get<std::string>("name", "", true);
    Reader named(j, where + " (" + m.name + ")");
    named.get<std::string>("name", "");
    m.size_bytes = named.get<int64_t>("size_bytes", 0);
    m.word_bits = named.get<int>("word_bits", 8);
    m.banks = named.get<int>("banks", 1);
    // energy_pj sets both; read_pj / write_pj override it.
    double both = named.get<double>("energy_pj", 0);
    bool has_energy = named.has("energy_pj") || named.has("read_pj") || named.has("energy_by_size");
    m.read_pj = named.get<double>("read_pj", both);
    m.write_pj = named.get<double>("write_pj", both);
    m.words_per_cycle = named.get<double>("words_per_cycle", 1.0);
    m.double_buffered = named.get<bool>("double_buffered", false);
    m.energy_by_size = named.get<std::vector<std::pair<int64_t, double>>>("energy_by_size", {});
    m.per_pe = named.get<bool>("per_pe", false);
    if (named.has("tensor_bytes")) {
        Reader sizes(named.child("tensor_bytes"), named.where() + " tensor_bytes");
        const char *roles[3] = {"I", "W", "O"};
        for (int t = 0; t < 3; ++t) {
            m.tensor_bytes[t] = sizes.get<int64_t>(roles[t], 0);
            if (m.tensor_bytes[t] < 0) sizes.fail(std::string("gives ") + roles[t] + " a negative size");
        }
        sizes.finish();
        if (!m.per_pe) named.fail("gives tensor_bytes but is not per_pe: only per-PE levels are partitioned");
    }
    named.finish();
    if (!has_energy) named.fail("needs 'energy_pj', 'read_pj'/'write_pj' or 'energy_by_size'");
    if (m.size_bytes < 0 || m.word_bits < 1 || m.banks < 1 || m.words_per_cycle <= 0)
        named.fail("needs size_bytes >= 0, word_bits >= 1, banks >= 1, words_per_cycle > 0");
    if (m.read_pj < 0 || m.write_pj < 0) named.fail("has a negative energy");
    for (size_t i = 0; i < m.energy_by_size.size(); ++i) {
        const auto &[bytes, pj] = m.energy_by_size[i];
        if (bytes <= 0 || pj <= 0 || (i && bytes <= m.energy_by_size[i - 1].first))
            named.fail("energy_by_size must list [bytes, pJ] pairs, both positive, by growing size");
    }
    return m;
}

}  // namespace

Architecture architecture_from_json(const json &j, const std::string &origin) {
    Reader r(j, origin + ":");
    Architecture a;
    a.name = r.get<std::string>("name", "", true);
    r.get<std::string>("description", "");  // free text
    Reader array(r.child("array"), origin + ": array");
    a.rows = array.get<int64_t>("rows", 0, true);
    a.cols = array.get<int64_t>("cols", 0, true);
    array.finish();
    if (a.rows < 1 || a.cols < 1) array.fail("needs rows >= 1 and cols >= 1");
    const json &levels = r.child("levels");
    if (!levels.is_array() || levels.size() < 3)
        r.fail("'levels' must list at least 3 levels, outermost (DRAM) first, per-PE registers last");
    for (size_t i = 0; i < levels.size(); ++i)
        a.levels.push_back(level_from_json(levels[i], origin + ": levels[" + std::to_string(i) + "]"));
    for (size_t i = 0; i < a.levels.size(); ++i)
        for (size_t k = 0; k < i; ++k)
            if (a.levels[i].name == a.levels[k].name)
                r.fail("names level '" + a.levels[i].name + "' twice");
    // Without a per_pe flag anywhere, the innermost level is the per-PE registers (the 3-level
    // files before per-PE levels existed). Per-PE levels come last: a PE holds them, the array
    // sits between them and the shared levels.
    bool any_per_pe = false;
    for (const auto &l : a.levels) any_per_pe |= l.per_pe;
    if (!any_per_pe) a.levels.back().per_pe = true;
    for (size_t i = 1; i < a.levels.size(); ++i)
        if (a.levels[i - 1].per_pe && !a.levels[i].per_pe)
            r.fail("lists shared level '" + a.levels[i].name + "' inside per-PE level '" +
                   a.levels[i - 1].name + "'; list the per-PE levels last");
    if (a.levels[0].per_pe) r.fail("makes its outermost level '" + a.levels[0].name + "' per_pe; the outermost level is DRAM");
    if (a.levels[1].per_pe)
        r.fail("has no shared on-chip level between DRAM and the per-PE levels; the PE array is fed from one");
    if (a.levels.size() > 6)
        r.fail("lists " + std::to_string(a.levels.size()) + " levels; at most 6 are supported (DRAM, up to 4 on-chip, registers)");
    a.mac_pj = r.get<double>("mac_pj", 0);
    a.hop_pj = r.get<double>("hop_pj", 0);
    a.leakage_pj_per_cycle = r.get<double>("leakage_pj_per_cycle", 0);
    a.clock_mhz = r.get<double>("clock_mhz", 1000);
    a.dram_latency_cycles = r.get<int>("dram_latency_cycles", a.dram_latency_cycles);
    r.finish();
    if (a.mac_pj < 0 || a.hop_pj < 0 || a.leakage_pj_per_cycle < 0 || a.clock_mhz <= 0 ||
        a.dram_latency_cycles < 0)
        r.fail("needs non-negative energies and latency and a positive clock_mhz");
    return a;
}

json to_json(const Architecture &a) {
    json levels = json::array();
    for (const auto &m : a.levels) {
        json l = {{"name", m.name},
                  {"size_bytes", m.size_bytes},
                  {"word_bits", m.word_bits},
                  {"banks", m.banks},
                  {"read_pj", m.read_pj},
                  {"write_pj", m.write_pj},
                  {"words_per_cycle", m.words_per_cycle},
                  {"double_buffered", m.double_buffered},
                  {"per_pe", m.per_pe}};
        if (!m.energy_by_size.empty()) l["energy_by_size"] = m.energy_by_size;
        if (m.partitioned())
            l["tensor_bytes"] = {{"I", m.tensor_bytes[0]}, {"W", m.tensor_bytes[1]}, {"O", m.tensor_bytes[2]}};
        levels.push_back(l);
    }
    return {{"name", a.name},
            {"array", {{"rows", a.rows}, {"cols", a.cols}}},
            {"levels", levels},
            {"mac_pj", a.mac_pj},
            {"hop_pj", a.hop_pj},
            {"leakage_pj_per_cycle", a.leakage_pj_per_cycle},
            {"clock_mhz", a.clock_mhz},
            {"dram_latency_cycles", a.dram_latency_cycles}};
}

std::vector<std::string> bundled_architectures() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto &e : std::filesystem::directory_iterator(bundled_dir(), ec))
        if (e.path().extension() == ".json") names.push_back(e.path().stem().string());
    std::sort(names.begin(), names.end());
    return names;
}

Architecture load_architecture(const std::string &file_or_name) {
    if (file_or_name == "default") return default_architecture();
    std::filesystem::path path = file_or_name;
    if (!std::filesystem::exists(path)) path = bundled_dir() / (file_or_name + ".json");
    if (!std::filesystem::exists(path)) {
        std::string names = "default";
        for (const auto &n : bundled_architectures()) names += ", " + n;
        throw UserError("no architecture file or bundled architecture '" + file_or_name +
                        "'; give a path to a JSON file or one of: " + names);
    }
    std::ifstream in(path);
    json j;
    try {
        j = json::parse(in);
    } catch (const json::parse_error &e) {
        throw UserError(path.string() + ": not valid JSON (" + e.what() + ")");
    }
    return architecture_from_json(j, path.string());
}

}  // namespace tessera::ir
