#include "TimeloopArchitecture.h"

#include "UserError.h"
#include "ir/ArchitectureJson.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace tessera::interop {

namespace {

using nlohmann::json;

// One component of the tree, with how many copies of it the enclosing containers make.
struct Component {
    std::string name;   // without its [lo..hi] range
    std::string path;   // dotted, for messages and the energy table: system.chip.PE.ifmap_spad
    std::string cls;    // lower case
    YAML::Node attributes;
    int64_t instances = 1;
    int64_t mesh_x = 0;  // meshX of the component or its nearest container that gives one
    int tensor = -1;     // v0.4 `constraints: dataspace: keep:` of one data space: 0 I, 1 W, 2 O
    int parallel = -1;   // the v0.4 !Parallel branch it sits in (its first component's index); -1 none
};

// The one data space a v0.4 component's constraints keep (-1: none given, or several).
int kept_tensor(const YAML::Node &node) {
    const YAML::Node keep = node["constraints"] && node["constraints"]["dataspace"]
                                ? node["constraints"]["dataspace"]["keep"] : YAML::Node();
    if (!keep || !keep.IsSequence() || keep.size() != 1 || !keep[0].IsScalar()) return -1;
    const std::string d = keep[0].as<std::string>();
    return d == "Inputs" ? 0 : d == "Weights" ? 1 : d == "Outputs" ? 2 : -1;
}

enum class Kind { Dram, Storage, Compute, Other };

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

// "PE[0..255]" -> ("PE", 256); "GLB" -> ("GLB", 1).
std::pair<std::string, int64_t> split_range(const std::string &name, const std::string &where) {
    const auto open = name.find('[');
    if (open == std::string::npos) return {name, 1};
    const auto dots = name.find("..", open), close = name.find(']', open);
    try {
        if (dots == std::string::npos || close == std::string::npos || close != name.size() - 1) throw 0;
        const int64_t lo = std::stoll(name.substr(open + 1, dots - open - 1));
        const int64_t hi = std::stoll(name.substr(dots + 2, close - dots - 2));
        if (lo < 0 || hi < lo) throw 0;
        return {name.substr(0, open), hi - lo + 1};
    } catch (...) {
        throw UserError(where + ": name '" + name + "' is not NAME or NAME[lo..hi]");
    }
}

std::optional<double> number(const YAML::Node &attributes, std::initializer_list<const char *> keys,
                             const std::string &where) {
    if (!attributes || !attributes.IsMap()) return std::nullopt;
    for (const char *key : keys) {
        const YAML::Node v = attributes[key];
        if (!v) continue;
        double d = 0;
        if (!v.IsScalar() || !YAML::convert<double>::decode(v, d) || !std::isfinite(d) || d < 0)
            throw UserError(where + ": attribute '" + key + "' must be a non-negative number (Tessera does not "
                            "evaluate expressions; write the value)");
        if (d > 1e12)  // capacities, widths and counts beyond this overflow the products below
            throw UserError(where + ": attribute '" + key + "' = " + v.as<std::string>() +
                            " is out of range (at most 1e12)");
        return d;
    }
    return std::nullopt;
}

std::string scalar(const YAML::Node &n, const std::string &where) {
    if (!n || !n.IsScalar()) throw UserError(where + " must be a plain value");
    return n.as<std::string>();
}

// A copy count (meshX, meshY, instances): a whole number of at least one, or the file is wrong.
std::optional<int64_t> count_of(const YAML::Node &attributes, const char *key, const std::string &where) {
    const auto v = number(attributes, {key}, where);
    if (!v) return std::nullopt;
    if (*v >= 1 && *v <= double(int64_t(1) << 30) && *v == double(int64_t(*v))) return int64_t(*v);
    std::ostringstream text;
    text << *v;
    throw UserError(where + ": " + key + " is " + text.str() + "; give a whole number of copies, at least 1");
}

int64_t fanout_of(const YAML::Node &spatial, const std::string &where, int64_t &mesh_x) {
    if (!spatial) return 1;
    const auto x = count_of(spatial, "meshX", where), y = count_of(spatial, "meshY", where);
    if (x) mesh_x = *x;
    return x.value_or(1) * y.value_or(1);
}

// Timeloop v0.2 / v0.3: `subtree:` nodes of {name, attributes, local, subtree}.
void walk_subtree(const YAML::Node &node, const std::string &outer, int64_t copies, int64_t mesh_x,
                  std::vector<Component> &out) {
    const std::string where = outer.empty() ? "architecture" : outer;
    if (!node.IsMap()) throw UserError(where + ": a subtree entry must be a map of name, local, subtree");
    const auto [name, count] = split_range(scalar(node["name"], where + ": name"), where);
    const std::string path = outer.empty() ? name : outer + "." + name;
    copies *= count;
    if (auto m = count_of(node["attributes"], "meshX", path)) mesh_x = *m;
    if (const YAML::Node local = node["local"]) {
        if (!local.IsSequence()) throw UserError(path + ": 'local' must be a list of components");
        for (const YAML::Node &c : local) {
            if (!c.IsMap()) throw UserError(path + ": a local component must be a map of name, class, attributes");
            const auto [cname, ccount] = split_range(scalar(c["name"], path + ": component name"), path);
            Component comp{cname, path + "." + cname, lower(c["class"] ? scalar(c["class"], path + "." + cname + ": class") : ""),
                           c["attributes"], copies * ccount, mesh_x};
            if (const auto i = count_of(c["attributes"], "instances", comp.path); i && ccount == 1)
                comp.instances = std::max<int64_t>(comp.instances, *i);
            if (const auto m = count_of(c["attributes"], "meshX", comp.path)) comp.mesh_x = *m;
            out.push_back(comp);
        }
    }
    if (const YAML::Node sub = node["subtree"]) {
        if (!sub.IsSequence()) throw UserError(path + ": 'subtree' must be a list");
        for (const YAML::Node &s : sub) walk_subtree(s, path, copies, mesh_x, out);
    }
}

// Timeloop v0.4: `nodes:` in order, a !Container's spatial fan-out applying to everything after it.
void walk_nodes(const YAML::Node &nodes, const std::string &outer, int64_t &copies, int64_t &mesh_x,
                std::vector<Component> &out, int parallel = -1) {
    if (!nodes.IsSequence()) throw UserError(outer + ": 'nodes' must be a list");
    for (const YAML::Node &n : nodes) {
        if (!n.IsMap()) throw UserError(outer + ": a node must be a map");
        const std::string tag = n.Tag();
        if (tag == "!Nothing") continue;  // v0.4's placeholder in a !Parallel branch: no hardware
        if (n["nodes"]) {  // !Hierarchical inline; a !Parallel branch does not fan out what follows
            int64_t c = copies, m = mesh_x;
            walk_nodes(n["nodes"], outer, tag == "!Parallel" ? c : copies, tag == "!Parallel" ? m : mesh_x, out,
                       tag == "!Parallel" ? int(out.size()) : parallel);
            continue;
        }
        const auto [name, count] = split_range(scalar(n["name"], outer + ": node name"), outer);
        const std::string path = outer + "." + name;
        int64_t node_mesh = 0;
        const int64_t fanout = count * fanout_of(n["spatial"], path + ": spatial", node_mesh);
        if (tag == "!Container" || !n["class"]) {
            copies *= fanout;
            if (node_mesh) mesh_x = node_mesh;
            if (auto m = count_of(n["attributes"], "meshX", path)) mesh_x = *m;
            continue;
        }
        Component comp{name, path, lower(scalar(n["class"], path + ": class")), n["attributes"], copies * fanout,
                       node_mesh ? node_mesh : mesh_x, kept_tensor(n), parallel};
        out.push_back(comp);
    }
}

Kind kind_of(const Component &c) {
    const std::string &k = c.cls;
    // Timeloop's examples place a DummyBuffer between the global buffer and the PEs only to give
    // the spatial fan-out a storage level, and bypass every data space there: it holds nothing.
    if (lower(c.name).find("dummy") != std::string::npos) return Kind::Other;
    if (k.find("dram") != std::string::npos) return Kind::Dram;
    for (const char *compute : {"mac", "compute", "alu", "multiplier"})
        if (k.find(compute) != std::string::npos) return Kind::Compute;
    for (const char *storage : {"sram", "regfile", "rf", "buffer", "storage", "buffet", "spad", "register", "cache"})
        if (k.find(storage) != std::string::npos) return Kind::Storage;
    if (number(c.attributes, {"depth", "memory_depth", "entries"}, c.path)) return Kind::Storage;
    return Kind::Other;  // networks, adders, ...: not a level
}

// The highest energy of an Accelergy ERT action whose name starts with one of `prefixes`
// (the random-data access, the costliest of an action's argument variants).
std::optional<double> ert_energy(const YAML::Node &ert, const Component &c,
                                 std::initializer_list<const char *> prefixes) {
    if (!ert) return std::nullopt;
    const YAML::Node tables = ert["tables"];
    if (!tables || !tables.IsSequence()) throw UserError("ERT: needs 'tables', a list of {name, actions}");
    for (const YAML::Node &t : tables) {
        std::string name = t["name"] ? scalar(t["name"], "ERT: table name") : "";
        // system.chip.PE[0..255].ifmap_spad, system_top_level.DRAM[1..1]: compare the last element
        // without its range (whose dots are not separators)
        const size_t range = name.back() == ']' ? name.rfind('[') : std::string::npos;
        const size_t dot = name.rfind('.', range == std::string::npos ? std::string::npos : range);
        const std::string last = name.substr(dot == std::string::npos ? 0 : dot + 1);
        if (split_range(last, "ERT: " + name).first != c.name) continue;
        std::optional<double> best;
        for (const YAML::Node &a : t["actions"]) {
            const std::string action = lower(scalar(a["name"], "ERT: " + name + ": action name"));
            for (const char *p : prefixes)
                if (action.rfind(p, 0) == 0) {
                    const auto e = number(a, {"energy"}, "ERT: " + name + ": " + action);
                    if (e && (!best || *e > *best)) best = e;
                }
        }
        return best;
    }
    return std::nullopt;
}

// Interstellar's tables (pJ per 16-bit word by capacity), the default where neither the file nor
// its energy reference table prices a level.
json default_energy_by_size(bool per_pe) {
    if (per_pe) return json::array({{16, 0.03}, {64, 0.12}, {256, 0.48}, {512, 0.96}});
    return json::array({{32768, 9}, {65536, 13.5}, {131072, 20}, {262144, 30.375}, {524288, 45.56}});
}

struct LevelJson {
    json level;
    double read_pj = -1, write_pj = -1;  // -1: unpriced (default table)
    int64_t bytes = 0;
};

LevelJson level_of(const Component &c, Kind kind, const YAML::Node &ert) {
    const std::string &w = c.path;
    const auto bits = number(c.attributes, {"word-bits", "word_bits", "datawidth", "data_width"}, w);
    if (!bits || *bits < 1 || *bits > 1024)
        throw UserError(w + ": gives no word-bits (or datawidth) in 1..1024; Tessera needs each level's word width");
    const int wb = int(*bits);
    double block = number(c.attributes, {"block-size", "block_size"}, w).value_or(0);
    if (block <= 0)
        if (const auto width = number(c.attributes, {"width", "memory_width"}, w)) block = std::max(1.0, *width / wb);
    if (block <= 0) block = 1;
    LevelJson out;
    if (kind == Kind::Storage) {
        if (const auto entries = number(c.attributes, {"entries"}, w)) out.bytes = int64_t(*entries * wb / 8);
        else if (const auto depth = number(c.attributes, {"depth", "memory_depth"}, w))
            out.bytes = int64_t(*depth * block * wb / 8);
        else if (const auto kb = number(c.attributes, {"sizeKB"}, w)) out.bytes = int64_t(*kb * 1024);
        else
            throw UserError(w + ": gives no capacity (depth or memory_depth with width or block-size, entries, "
                            "or sizeKB)");
        if (out.bytes < 1) throw UserError(w + ": holds less than one byte");
    }
    json l = {{"name", c.name}, {"size_bytes", out.bytes}, {"word_bits", wb}};
    if (const auto bw = number(c.attributes, {"read_bandwidth", "shared_bandwidth", "bandwidth"}, w); bw && *bw > 0) {
        l["words_per_cycle"] = *bw;
    } else {
        l["words_per_cycle"] = block;
        if (const auto banks = number(c.attributes, {"n_banks", "banks"}, w); banks && *banks > 1)
            l["banks"] = int64_t(*banks);
    }
    if (const auto mb = number(c.attributes, {"multiple-buffering", "multiple_buffering"}, w); mb && *mb >= 2)
        l["double_buffered"] = true;
    // pJ per word: Tessera's own keys, Timeloop's legacy per-access energy, the ERT, or the default.
    if (const auto e = number(c.attributes, {"energy_pj"}, w)) out.read_pj = out.write_pj = *e;
    if (const auto e = number(c.attributes, {"read_pj"}, w)) out.read_pj = *e;
    if (const auto e = number(c.attributes, {"write_pj"}, w)) out.write_pj = *e;
    if (out.read_pj < 0)
        if (const auto e = number(c.attributes, {"vector-access-energy", "vector_access_energy"}, w))
            out.read_pj = out.write_pj = *e / block;
    if (out.read_pj < 0)
        if (const auto e = ert_energy(ert, c, {"read"})) out.read_pj = *e / block;
    if (out.write_pj < 0)
        if (const auto e = ert_energy(ert, c, {"write", "update"})) out.write_pj = *e / block;
    if (out.read_pj >= 0 && out.write_pj < 0) out.write_pj = out.read_pj;
    if (out.write_pj >= 0 && out.read_pj < 0) out.read_pj = out.write_pj;
    if (out.read_pj >= 0) {
        l["read_pj"] = out.read_pj;
        l["write_pj"] = out.write_pj;
    } else if (kind == Kind::Dram) {
        l["energy_pj"] = 200.0 * wb / 16;
    }
    out.level = l;
    return out;
}

// Which tensor a per-PE component holds, from its name (Eyeriss's ifmap_spad, weights_spad,
// psum_spad): 0 I, 1 W, 2 O, -1 unknown.
int tensor_of(const std::string &name) {
    const std::string n = lower(name);
    for (const char *k : {"psum", "output", "accum", "acc", "ofmap", "out"})
        if (n.find(k) != std::string::npos) return 2;
    for (const char *k : {"weight", "filter", "wt", "kernel"})
        if (n.find(k) != std::string::npos) return 1;
    for (const char *k : {"ifmap", "input", "act", "in"})
        if (n.find(k) != std::string::npos) return 0;
    return -1;
}

// A per-PE storage of one word is a register (Timeloop's weight_reg, input_activation_reg, ...):
// it holds one element of its tensor whatever Tessera's width for it, an int32 partial sum
// included, and each access is one word.
void as_register(LevelJson &l) {
    if (l.bytes * 8 > l.level["word_bits"].get<int>()) return;
    l.bytes = 4;
    l.level["size_bytes"] = 4;
    l.level["word_bits"] = std::max(32, l.level["word_bits"].get<int>());
}

// One per-PE level of storages of different tensors (each's `tensor` known): partitioned per
// tensor, priced at each partition's size; named RF when it is the only one, else for its first
// storage, the others its aliases.
json per_pe_level(const std::vector<Component> &comps, const std::vector<LevelJson> &levels, bool only) {
    json l = {{"name", only && comps.size() > 1 ? std::string("RF") : comps[0].name}, {"per_pe", true}};
    json tensor_bytes = json::object();
    json aliases = json::array();
    int64_t total = 0;
    int wb = 0;
    double bandwidth = 0;
    std::map<int64_t, double> priced;
    bool all_priced = true;
    const char *roles[] = {"I", "W", "O"};
    for (size_t i = 0; i < comps.size(); ++i) {
        const int64_t bytes = levels[i].bytes;
        tensor_bytes[roles[comps[i].tensor]] = bytes;
        if (comps[i].name != l["name"]) aliases.push_back(comps[i].name);
        total += bytes;
        wb = std::max(wb, levels[i].level["word_bits"].get<int>());
        bandwidth = std::max(bandwidth, levels[i].level["words_per_cycle"].get<double>());
        if (levels[i].read_pj < 0) all_priced = false;
        else priced[bytes] = std::max(priced[bytes], std::max(levels[i].read_pj, levels[i].write_pj));
    }
    l["size_bytes"] = total;
    l["word_bits"] = wb;
    l["words_per_cycle"] = bandwidth;
    l["tensor_bytes"] = tensor_bytes;
    if (!aliases.empty()) l["aliases"] = aliases;
    const auto same_energies = [&](const LevelJson &x) {
        return x.read_pj == levels[0].read_pj && x.write_pj == levels[0].write_pj;
    };
    if (!all_priced) {
        l["energy_by_size"] = default_energy_by_size(true);
    } else if (std::all_of(levels.begin(), levels.end(), same_energies)) {
        l["read_pj"] = levels[0].read_pj;
        l["write_pj"] = levels[0].write_pj;
    } else {
        json points = json::array();
        for (const auto &[bytes, pj] : priced) points.push_back({bytes, pj > 0 ? pj : 1e-6});
        l["energy_by_size"] = points;
    }
    return l;
}

// The per-PE levels of several per-PE storages, outermost first. Storages that hold different
// tensors (Eyeriss's ifmap_spad, weights_spad, psum_spad; a !Parallel branch of registers) share
// a level; one that holds a tensor the level already has starts the next, inner level
// (simple_ws's pe_spad above weight_reg).
std::vector<json> per_pe_levels_of(std::vector<Component> comps, std::vector<LevelJson> levels) {
    std::vector<std::vector<size_t>> groups(1);
    std::set<int> held;
    for (size_t i = 0; i < comps.size(); ++i) {
        int &t = comps[i].tensor;  // its keep constraint, else its name
        if (t < 0) t = tensor_of(comps[i].name);
        if (t < 0)
            throw UserError(comps[i].path + ": several storages sit in each PE, and Tessera cannot tell which tensor this "
                            "one holds; name them for their tensor (ifmap_/weights_/psum_ ...), keep one data space "
                            "each (constraints: dataspace: keep), or give one per-PE storage");
        // A !Parallel branch (simple_os's weight, input and output registers under pe_spad) is a
        // level of its own: it starts one, and what follows it starts the next.
        const bool branch_edge = i > 0 && comps[i].parallel != comps[i - 1].parallel;
        if (held.count(t) || (branch_edge && !groups.back().empty())) {
            groups.emplace_back();
            held.clear();
        }
        held.insert(t);
        groups.back().push_back(i);
        as_register(levels[i]);
    }
    std::vector<json> out;
    for (const auto &g : groups) {
        std::vector<Component> c;
        std::vector<LevelJson> l;
        for (size_t i : g) {
            c.push_back(comps[i]);
            l.push_back(levels[i]);
        }
        out.push_back(per_pe_level(c, l, groups.size() == 1));
    }
    return out;
}

}  // namespace

bool is_timeloop_architecture(const std::string &path) {
    const std::string ext = std::filesystem::path(path).extension().string();
    if (ext != ".yaml" && ext != ".yml") return false;
    try {
        const YAML::Node root = YAML::LoadFile(path);
        return root.IsMap() && root["architecture"];
    } catch (const YAML::Exception &) {
        return false;  // the YAML architecture reader reports the malformed file
    }
}

ir::Architecture read_timeloop_architecture(const std::string &path) {
    YAML::Node root;
    try {
        root = YAML::LoadFile(path);
    } catch (const YAML::Exception &e) {
        throw UserError(path + ": malformed YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    const YAML::Node arch = root["architecture"];
    if (!arch || !arch.IsMap()) throw UserError(path + ": 'architecture' must be a map (subtree: or nodes:)");
    std::vector<Component> comps;
    int64_t copies = 1, mesh_x = 0;
    if (arch["subtree"]) {
        if (!arch["subtree"].IsSequence()) throw UserError(path + ": architecture: 'subtree' must be a list");
        for (const YAML::Node &s : arch["subtree"]) walk_subtree(s, "", 1, 0, comps);
    } else if (arch["nodes"]) {
        walk_nodes(arch["nodes"], "architecture", copies, mesh_x, comps);
    } else {
        throw UserError(path + ": architecture has neither 'subtree' (Timeloop v0.3) nor 'nodes' (v0.4)");
    }
    const YAML::Node ert = root["ERT"];

    // The array: the compute component's copies, meshX of them on a row.
    const Component *compute = nullptr;
    for (const auto &c : comps)
        if (kind_of(c) == Kind::Compute && (!compute || c.instances > compute->instances)) compute = &c;
    if (!compute) throw UserError(path + ": no compute component (class intmac, mac, compute, ...); Tessera needs the PEs");
    const int64_t pes = compute->instances;
    const int64_t cols = compute->mesh_x > 0 ? compute->mesh_x : pes;
    if (pes % cols != 0)
        throw UserError(compute->path + ": " + std::to_string(pes) + " PEs do not fill rows of meshX = " +
                        std::to_string(cols) + "; give a meshX that divides the PE count");

    // The outermost storage is the backing store Tessera calls DRAM. Timeloop's tutorials also
    // write it as an SRAM (MainMemory, class SRAM) where no component is a DRAM.
    const bool has_dram = std::any_of(comps.begin(), comps.end(), [](const Component &c) { return kind_of(c) == Kind::Dram; });
    json levels = json::array();
    std::vector<Component> per_pe;
    std::vector<LevelJson> per_pe_levels;
    std::vector<std::pair<Component, LevelJson>> single_pe_storages;
    bool dram = false;
    for (const auto &c : comps) {
        Kind kind = kind_of(c);
        if (kind == Kind::Compute || kind == Kind::Other) continue;
        if (!has_dram && !dram && c.instances == 1) kind = Kind::Dram;
        if (kind == Kind::Dram) {
            if (dram || !levels.empty())
                throw UserError(c.path + ": a DRAM that is not the outermost level, or a second one; Tessera has one DRAM");
            dram = true;
            levels.push_back(level_of(c, kind, ert).level);
            continue;
        }
        if (!dram) throw UserError(c.path + ": storage outside the DRAM; list the DRAM (class DRAM) first");
        LevelJson l = level_of(c, kind, ert);
        if (pes == 1) {
            // One PE: every storage has one copy. The innermost is the PE's own (Timeloop's
            // single-PE tutorials: MainMemory, GlobalBuffer, RegisterFile), taken out below.
            if (l.read_pj < 0) l.level["energy_by_size"] = default_energy_by_size(false);
            levels.push_back(l.level);
            single_pe_storages.push_back({c, l});
        } else if (c.instances == 1) {
            if (!per_pe.empty())
                throw UserError(c.path + ": a shared storage inside the PEs' storages; Tessera's per-PE levels are innermost");
            if (l.read_pj < 0) l.level["energy_by_size"] = default_energy_by_size(false);
            levels.push_back(l.level);
        } else if (c.instances == pes) {
            per_pe.push_back(c);
            per_pe_levels.push_back(l);
        } else {
            throw UserError(c.path + ": " + std::to_string(c.instances) + " copies, neither one (shared) nor one per PE (" +
                            std::to_string(pes) + "); Tessera's levels are one of the two");
        }
    }
    if (!dram) throw UserError(path + ": no DRAM component (class DRAM); it is the outermost level");
    if (single_pe_storages.size() >= 2) {
        levels.erase(levels.end() - 1);
        per_pe.push_back(single_pe_storages.back().first);
        per_pe_levels.push_back(single_pe_storages.back().second);
    }
    if (single_pe_storages.size() == 1)
        throw UserError(single_pe_storages[0].first.path + ": the one on-chip storage; Tessera's PE reads a per-PE "
                        "level fed from a shared on-chip one: add a register file below it (or a buffer above it)");
    if (per_pe.empty())
        throw UserError(path + ": no storage inside the PEs; Tessera's PEs read a per-PE level (registers or a "
                        "scratchpad): add one per PE");
    if (per_pe.size() == 1) {
        json l = per_pe_levels[0].level;
        l["per_pe"] = true;
        if (per_pe_levels[0].read_pj < 0) l["energy_by_size"] = default_energy_by_size(true);
        levels.push_back(l);
    } else {
        for (json &l : per_pe_levels_of(per_pe, per_pe_levels)) levels.push_back(std::move(l));
    }

    double mac_pj = 0;
    if (const auto e = number(compute->attributes, {"energy_pj"}, compute->path)) mac_pj = *e;
    else if (const auto e = ert_energy(ert, *compute, {"mac", "compute", "multiply"})) mac_pj = *e;
    double clock_mhz = 1000;
    for (const auto &c : comps)
        if (const auto s = number(c.attributes, {"global_cycle_seconds"}, c.path); s && *s > 0) clock_mhz = 1e-6 / *s;
    // v0.4 gives the cycle time on the top container, v0.3 (in Tessera's reading) on the top subtree
    const YAML::Node top = arch["nodes"] ? arch["nodes"] : arch["subtree"];
    if (top.IsSequence() && top.size() > 0)
        if (const auto s = number(top[0]["attributes"], {"global_cycle_seconds"}, path); s && *s > 0)
            clock_mhz = 1e-6 / *s;
    json j = {{"name", std::filesystem::path(path).stem().string()},
              {"description", "read from the Timeloop architecture " + path},
              {"array", {{"rows", pes / cols}, {"cols", cols}}},
              {"levels", levels},
              {"mac_pj", mac_pj},
              {"clock_mhz", clock_mhz}};
    return ir::architecture_from_json(j, path);
}

}  // namespace tessera::interop
