#include "ArchitectureJson.h"

#include "Limits.h"
#include "UserError.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#ifdef TESSERA_WITH_YAML
#include <yaml-cpp/yaml.h>
#endif

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
    // An integer in [lo, hi]: 16.5 or "16" is an error, not 16.
    int64_t integer(const char *key, int64_t fallback, int64_t lo, int64_t hi, bool required = false) {
        seen_.insert(key);
        if (!j_.contains(key)) {
            if (required) fail(std::string("needs key '") + key + "'");
            return fallback;
        }
        const json &v = j_.at(key);
        if (!v.is_number_integer())
            fail(std::string("key '") + key + "' must be an integer, not " + v.dump());
        const bool in_range = v.is_number_unsigned()
                                  ? v.get<uint64_t>() <= uint64_t(hi) && int64_t(v.get<uint64_t>()) >= lo
                                  : v.get<int64_t>() <= hi && v.get<int64_t>() >= lo;
        if (!in_range)
            fail(std::string("key '") + key + "' = " + v.dump() + " is out of range " + std::to_string(lo) +
                 ".." + std::to_string(hi) + " (docs/limits.md)");
        return v.get<int64_t>();
    }
    // A finite number in [lo, hi].
    double number(const char *key, double fallback, double lo, double hi) {
        seen_.insert(key);
        if (!j_.contains(key)) return fallback;
        const json &v = j_.at(key);
        if (!v.is_number()) fail(std::string("key '") + key + "' must be a number, not " + v.dump());
        const double d = v.get<double>();
        if (!std::isfinite(d) || d < lo || d > hi) fail(std::string("key '") + key + "' = " + v.dump() +
                                                        " is out of range " + num(lo) + ".." + num(hi) +
                                                        " (docs/limits.md)");
        return d;
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
    static std::string num(double d) {
        std::ostringstream o;
        o << d;
        return o.str();
    }
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
    m.size_bytes = named.integer("size_bytes", 0, 0, kMaxLevelBytes);
    m.word_bits = int(named.integer("word_bits", 8, 1, 1024));
    m.banks = int(named.integer("banks", 1, 1, 1024));
    // energy_pj sets both; read_pj / write_pj override it. Energies are pJ per word.
    double both = named.number("energy_pj", 0, 0, kMaxEnergyPj);
    bool has_energy = named.has("energy_pj") || named.has("read_pj") || named.has("energy_by_size");
    m.read_pj = named.number("read_pj", both, 0, kMaxEnergyPj);
    m.write_pj = named.number("write_pj", both, 0, kMaxEnergyPj);
    m.words_per_cycle = named.number("words_per_cycle", 1.0, kMinWordsPerCycle, kMaxWordsPerCycle);
    m.double_buffered = named.get<bool>("double_buffered", false);
    if (named.has("energy_by_size")) {
        const json &points = named.child("energy_by_size");
        const char *form = "energy_by_size must list [bytes, pJ] pairs: integer bytes growing, pJ in range";
        if (!points.is_array()) named.fail(form);
        for (const json &pt : points) {
            if (!pt.is_array() || pt.size() != 2 || !pt[0].is_number_integer() || !pt[1].is_number())
                named.fail(form);
            const int64_t bytes = pt[0].get<int64_t>();
            const double pj = pt[1].get<double>();
            if (bytes <= 0 || bytes > kMaxLevelBytes || !(pj > 0 && pj <= kMaxEnergyPj) ||
                (!m.energy_by_size.empty() && bytes <= m.energy_by_size.back().first))
                named.fail(form);
            m.energy_by_size.emplace_back(bytes, pj);
        }
    }
    m.per_pe = named.get<bool>("per_pe", false);
    if (named.has("tensor_bytes")) {
        Reader sizes(named.child("tensor_bytes"), named.where() + " tensor_bytes");
        const char *roles[3] = {"I", "W", "O"};
        for (int t = 0; t < 3; ++t) m.tensor_bytes[t] = sizes.integer(roles[t], 0, 0, kMaxLevelBytes);
        sizes.finish();
    }
    if (named.has("aliases")) {
        const json &names = named.child("aliases");
        if (!names.is_array()) named.fail("aliases must be a list of names");
        for (const json &n : names) {
            if (!n.is_string() || n.get<std::string>().empty()) named.fail("aliases must be a list of names");
            m.aliases.push_back(n.get<std::string>());
        }
    }
    named.finish();
    if (!has_energy) named.fail("needs 'energy_pj', 'read_pj'/'write_pj' or 'energy_by_size'");
    return m;
}

// Levels go from DRAM (the only one that may be unbounded, size_bytes 0) inward; a level is no
// larger than the one outside it (the per-PE level compares one PE's registers).
void check_level_order(const Architecture &a, const Reader &r) {
    for (size_t i = 1; i < a.levels.size(); ++i) {
        const MemoryLevel &m = a.levels[i], &outer = a.levels[i - 1];
        if (m.size_bytes == 0)
            r.fail("levels[" + std::to_string(i) + "] (" + m.name + ") has size_bytes 0, which only the "
                   "outermost level (DRAM, unbounded) may have; list levels outermost (DRAM) first");
        if (outer.size_bytes > 0 && m.size_bytes > outer.size_bytes)
            r.fail("levels[" + std::to_string(i) + "] (" + m.name + ", " + std::to_string(m.size_bytes) +
                   " bytes) is larger than the level outside it (" + outer.name + ", " +
                   std::to_string(outer.size_bytes) + " bytes); list levels outermost (DRAM) first");
    }
}

// A level's name and its aliases.
std::vector<std::string> names_of(const MemoryLevel &m) {
    std::vector<std::string> names = {m.name};
    names.insert(names.end(), m.aliases.begin(), m.aliases.end());
    return names;
}

json array_json(const Architecture &a) {
    json j = {{"rows", a.rows}, {"cols", a.cols}};
    if (a.interconnect != Interconnect::Broadcast) j["interconnect"] = interconnect_name(a.interconnect);
    if (a.interconnect == Interconnect::Hybrid) j["tile"] = a.tile;
    return j;
}

}  // namespace

Architecture architecture_from_json(const json &j, const std::string &origin) {
    Reader r(j, origin + ":");
    Architecture a;
    a.name = r.get<std::string>("name", "", true);
    r.get<std::string>("description", "");  // free text
    Reader array(r.child("array"), origin + ": array");
    a.rows = array.integer("rows", 0, 1, kMaxArraySide, true);
    a.cols = array.integer("cols", 0, 1, kMaxArraySide, true);
    const std::string interconnect = array.get<std::string>("interconnect", "broadcast");
    if (interconnect == "systolic") a.interconnect = Interconnect::Systolic;
    else if (interconnect == "hybrid") a.interconnect = Interconnect::Hybrid;
    else if (interconnect != "broadcast")
        array.fail("key 'interconnect' = \"" + interconnect + "\" is not one of broadcast, systolic, hybrid");
    if (array.has("tile") && a.interconnect != Interconnect::Hybrid)
        array.fail("gives 'tile' but its interconnect is " + interconnect +
                   "; 'tile' is the side of a hybrid array's combinational tiles (use \"interconnect\": \"hybrid\")");
    a.tile = array.integer("tile", 1, 1, kMaxArraySide, a.interconnect == Interconnect::Hybrid);
    array.finish();
    if (a.rows * a.cols > kMaxArrayPes)
        array.fail("has " + std::to_string(a.rows * a.cols) + " PEs, over the limit of " +
                   std::to_string(kMaxArrayPes) + " (docs/limits.md)");
    const json &levels = r.child("levels");
    if (!levels.is_array() || levels.size() < 3)
        r.fail("'levels' must list at least 3 levels, outermost (DRAM) first, per-PE registers last");
    for (size_t i = 0; i < levels.size(); ++i)
        a.levels.push_back(level_from_json(levels[i], origin + ": levels[" + std::to_string(i) + "]"));
    for (size_t i = 0; i < a.levels.size(); ++i)
        for (size_t k = 0; k < i; ++k)
            for (const std::string &name : names_of(a.levels[i]))
                for (const std::string &other : names_of(a.levels[k]))
                    if (name == other) r.fail("names level '" + name + "' twice");
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
    // A partitioned level is one memory per tensor: the partitions share the level's bytes.
    for (size_t i = 0; i < a.levels.size(); ++i) {
        const MemoryLevel &m = a.levels[i];
        if (!m.partitioned()) continue;
        if (i == 0) r.fail("gives tensor_bytes on its outermost level '" + m.name + "', which holds whole tensors and is not split; move tensor_bytes to an on-chip level");
        const int64_t sum = m.tensor_bytes[0] + m.tensor_bytes[1] + m.tensor_bytes[2];
        if (sum > m.size_bytes)
            r.fail("level '" + m.name + "' gives tensor_bytes totalling " + std::to_string(sum) + " B, more than its " +
                   "size_bytes " + std::to_string(m.size_bytes) + "; partitions share the level: make size_bytes at "
                   "least their sum");
    }
    a.mac_pj = r.number("mac_pj", 0, 0, kMaxEnergyPj);
    a.hop_pj = r.number("hop_pj", 0, 0, kMaxEnergyPj);
    a.leakage_pj_per_cycle = r.number("leakage_pj_per_cycle", 0, 0, kMaxEnergyPj);
    a.clock_mhz = r.number("clock_mhz", 1000, kMinClockMhz, kMaxClockMhz);
    a.dram_latency_cycles = int(r.integer("dram_latency_cycles", a.dram_latency_cycles, 0, kMaxDramLatency));
    a.cores = int(r.integer("cores", 1, 1, 64));
    r.finish();
    check_level_order(a, r);
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
        if (!m.aliases.empty()) l["aliases"] = m.aliases;
        levels.push_back(l);
    }
    return {{"name", a.name},
            {"array", array_json(a)},
            {"levels", levels},
            {"mac_pj", a.mac_pj},
            {"hop_pj", a.hop_pj},
            {"leakage_pj_per_cycle", a.leakage_pj_per_cycle},
            {"clock_mhz", a.clock_mhz},
            {"dram_latency_cycles", a.dram_latency_cycles},
            {"cores", a.cores}};
}

#ifdef TESSERA_WITH_YAML
namespace {
// A YAML node as the JSON the architecture reader takes: the same keys, scalars typed as YAML
// reads them (integers, reals, true/false, strings).
json yaml_to_json(const YAML::Node &n) {
    if (n.IsMap()) {
        json o = json::object();
        for (const auto &kv : n) o[kv.first.as<std::string>()] = yaml_to_json(kv.second);
        return o;
    }
    if (n.IsSequence()) {
        json a = json::array();
        for (const auto &e : n) a.push_back(yaml_to_json(e));
        return a;
    }
    if (!n.IsScalar()) return nullptr;
    const std::string s = n.as<std::string>();
    if (n.Tag() != "!") {  // plain (unquoted) scalars may be numbers or booleans
        int64_t i = 0;
        double d = 0;
        bool b = false;
        if (YAML::convert<int64_t>::decode(n, i) && s.find_first_of(".eE") == std::string::npos) return i;
        if (YAML::convert<double>::decode(n, d)) return d;
        if (YAML::convert<bool>::decode(n, b)) return b;
    }
    return s;
}
}  // namespace

json yaml_architecture(const std::string &path) {
    try {
        return yaml_to_json(YAML::LoadFile(path));
    } catch (const YAML::Exception &e) {
        throw UserError(path + ": malformed YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
}
#else
json yaml_architecture(const std::string &path) {
    throw UserError(path + ": this tessera was built without YAML support; install libyaml-cpp-dev "
                    "(tools/bootstrap.sh does) and rebuild, or give the architecture as JSON");
}
#endif

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
                        "'; give a path to a JSON (or YAML) file or one of: " + names);
    }
    const std::string ext = path.extension().string();
    if (ext == ".yaml" || ext == ".yml") return architecture_from_json(yaml_architecture(path.string()), path.string());
    std::ifstream in(path);
    json j;
    try {
        j = json::parse(in);
    } catch (const json::parse_error &e) {
        throw UserError(path.string() + ": not valid JSON (" + e.what() +
                        "); an architecture is a JSON file, or a Timeloop YAML file named *.yaml or *.yml");
    }
    return architecture_from_json(j, path.string());
}

}  // namespace tessera::ir
