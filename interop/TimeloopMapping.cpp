#include "TimeloopMapping.h"

#include "UserError.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

namespace tessera::interop {

namespace {

// Timeloop letter <-> Tessera dim.
const std::vector<std::pair<std::string, std::string>> kLetters = {
    {"P", "x"}, {"Q", "y"}, {"M", "k"}, {"N", "n"}, {"C", "c"}, {"R", "s"}, {"S", "r"}, {"G", "g"}, {"B", "b"}};

std::string letter_of(const std::string &dim) {
    for (const auto &l : kLetters)
        if (l.second == dim) return l.first;
    throw UserError("dimension '" + dim + "' has no Timeloop letter (Timeloop export covers the built-in layers)");
}

// The Tessera dim of a letter, "" when unknown. K is M where the mapping does not use M.
std::string dim_of(const std::string &letter) {
    for (const auto &l : kLetters)
        if (l.first == letter) return l.second;
    if (letter == "K") return "k";
    return "";
}

YAML::Node load(const std::string &path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw UserError(path + " is a directory; give a Timeloop mapping YAML file");
    try {
        return YAML::LoadFile(path);
    } catch (const YAML::BadFile &) {
        throw UserError("cannot read " + path);
    } catch (const YAML::Exception &e) {
        throw UserError(path + ": malformed YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
}

std::string scalar(const YAML::Node &n, const std::string &where) {
    if (!n.IsScalar()) throw UserError(where + " must be a scalar");
    return n.as<std::string>();
}

// A scalar, or a list of scalars (timeloopfe's form) joined by `sep`.
std::string scalar_or_list(const YAML::Node &n, const std::string &where, const char *sep) {
    if (!n.IsSequence()) return scalar(n, where);
    std::string text;
    for (const auto &e : n) text += scalar(e, where + " entry") + sep;
    return text;
}

int64_t integer(const std::string &text, const std::string &where) {
    size_t used = 0;
    int64_t v = 0;
    try {
        v = std::stoll(text, &used);
    } catch (const std::exception &) {
        used = 0;
    }
    if (used != text.size() || text.empty() || v < 1 || v > (int64_t(1) << 30))
        throw UserError(where + ": '" + text + "' is not an integer 1 .. 2^30");
    return v;
}

// "C=4 M=2 P=7" -> letter -> factor (Timeloop's factors string; `C4 M2 P7` as timeloop-mapper 0.4
// writes it, and a YAML list [C=4, M=2] as timeloopfe's inputs do); `order`: the letters as written.
std::map<std::string, int64_t> factors(const YAML::Node &n, const std::string &where, std::vector<std::string> &order) {
    std::map<std::string, int64_t> f;
    std::istringstream in(scalar_or_list(n, where + ": factors", " "));
    std::string item;
    while (in >> item) {
        auto eq = item.find('=');
        size_t value_at = eq + 1;
        if (eq == std::string::npos) {  // C4: the letters, then the factor
            eq = item.find_first_of("0123456789");
            value_at = eq;
        }
        if (eq == std::string::npos || eq == 0)
            throw UserError(where + ": factors: '" + item + "' is not LETTER=FACTOR");
        const std::string letter = item.substr(0, eq);
        if (dim_of(letter).empty())
            throw UserError(where + ": factors: unknown dimension '" + letter + "' (Timeloop's CNN letters: "
                            "C M K R S N P Q, G, B)");
        if (f.count(letter)) throw UserError(where + ": factors: " + letter + " given twice");
        f[letter] = integer(item.substr(value_at), where + ": factor " + letter);
        order.push_back(letter);
    }
    return f;
}

// "SRQPCMN" (innermost first) -> letters innermost first; spaces allowed.
std::vector<std::string> permutation(const YAML::Node &n, const std::string &where) {
    std::vector<std::string> p;
    if (!n) return p;
    for (char c : scalar_or_list(n, where + ": permutation", "")) {  // "SRQ", or [S, R, Q]
        if (std::isspace(static_cast<unsigned char>(c))) continue;
        const std::string letter(1, c);
        if (dim_of(letter).empty()) throw UserError(where + ": permutation: unknown dimension '" + letter + "'");
        if (std::find(p.begin(), p.end(), letter) != p.end())
            throw UserError(where + ": permutation: " + letter + " appears twice");
        p.push_back(letter);
    }
    return p;
}

std::string tensor_of(const std::string &dataspace, const std::string &where) {
    std::string d;
    for (char c : dataspace) d += char(std::tolower(static_cast<unsigned char>(c)));
    if (d == "weights" || d == "weight" || d == "w") return "W";
    if (d == "inputs" || d == "input" || d == "i") return "I";
    if (d == "outputs" || d == "output" || d == "o") return "O";
    throw UserError(where + ": unknown data space '" + dataspace + "' (Weights, Inputs, Outputs)");
}

std::vector<std::string> dataspaces(const YAML::Node &n, const std::string &where) {
    std::vector<std::string> v;
    if (!n) return v;
    if (!n.IsSequence()) throw UserError(where + " must be a list of data spaces, e.g. [Weights, Inputs]");
    for (const auto &e : n) v.push_back(tensor_of(scalar(e, where), where));
    return v;
}

struct Directive {
    std::map<std::string, int64_t> factors;
    std::vector<std::string> perm;  // innermost first
    int64_t split = -1;
};

// Factors ordered outermost first by the permutation (innermost first); dims it leaves out go
// outermost, in the factors' order.
std::vector<Factor> ordered(const std::map<std::string, int64_t> &f, const std::vector<std::string> &perm) {
    std::vector<std::string> order(perm.rbegin(), perm.rend());
    std::vector<std::string> missing;
    for (const auto &kv : f)
        if (std::find(order.begin(), order.end(), kv.first) == order.end()) missing.push_back(kv.first);
    order.insert(order.begin(), missing.begin(), missing.end());
    std::vector<Factor> out;
    for (const auto &l : order) {
        auto it = f.find(l);
        if (it != f.end()) out.push_back({dim_of(l), it->second});
    }
    return out;
}

// Whether target i names one of the architecture's levels, itself or as a further position A_2
// of a target A before it (the rule of tessera_level).
bool names_level(const LevelNames &levels, const std::vector<std::string> &targets, size_t i) {
    LoopNest named;
    for (size_t j = 0; j <= i; ++j) named.levels.push_back(NestLevel{targets[j]});
    return levels.count(tessera_level(named, i)) > 0;
}

// Takes out the tiles that are the PE's operand register: a tensor's one per-PE tile, on a level
// that holds one word of it. Tessera's PE has that register
// for every operand (docs/hardware.md): it reloads by the same stationarity rule as the tile and
// rides the compute pipeline, so the counts are the tile's, and the array does not stall for it.
void operand_registers(LoopNest &nest, const LevelNames &levels) {
    const char *roles[] = {"I", "W", "O"};
    for (int r = 0; r < 3; ++r) {
        std::vector<std::pair<size_t, const LevelName *>> per_pe;
        for (size_t i = 1; i < nest.levels.size(); ++i) {
            const auto it = levels.find(nest.levels[i].name);
            const auto &keep = nest.levels[i].keep;
            if (it != levels.end() && it->second.per_pe && std::find(keep.begin(), keep.end(), roles[r]) != keep.end())
                per_pe.push_back({i, &it->second});
        }
        if (per_pe.size() == 1 && per_pe[0].second->register_of[r]) {
            auto &keep = nest.levels[per_pe[0].first].keep;
            keep.erase(std::find(keep.begin(), keep.end(), roles[r]));
        }
    }
}

}  // namespace

LoopNest read_timeloop_mapping(const std::string &path, const ir::Problem &problem,
                               const LevelNames &levels) {
    YAML::Node root = load(path);
    YAML::Node list = root.IsMap() ? root["mapping"] : root;
    if (!list || !list.IsSequence())
        throw UserError(path + ": no Timeloop mapping (a top-level 'mapping:' list of {target, type, ...})");
    std::vector<std::string> targets;
    std::map<std::string, Directive> temporal, spatial;
    std::map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>> keeps;
    const std::set<std::string> keys = {"target", "type", "factors", "permutation", "split", "keep", "bypass"};
    int index = 0;
    for (const auto &e : list) {
        const std::string where = path + ": mapping entry " + std::to_string(++index);
        if (!e.IsMap()) throw UserError(where + " is not a map of target, type, ...");
        for (const auto &kv : e) {
            const std::string key = kv.first.as<std::string>();
            if (!keys.count(key))
                throw UserError(where + ": unknown key '" + key + "' (target type factors permutation split keep bypass)");
        }
        if (!e["target"]) throw UserError(where + " has no target");
        const std::string target = scalar(e["target"], where + ": target");
        const std::string type = e["type"] ? scalar(e["type"], where + ": type") : "temporal";
        const std::string at = where + " (" + target + " " + type + ")";
        if (std::find(targets.begin(), targets.end(), target) == targets.end()) targets.push_back(target);
        if (type == "temporal" || type == "spatial") {
            auto &slot = (type == "temporal" ? temporal : spatial);
            if (slot.count(target)) throw UserError(at + ": a second " + type + " entry for " + target);
            Directive d;
            std::vector<std::string> written;
            if (e["factors"]) d.factors = factors(e["factors"], at, written);
            d.perm = permutation(e["permutation"], at);
            if (!e["permutation"]) d.perm = written;  // no permutation: the factors' order, innermost first
            if (e["split"]) {
                if (type != "spatial") throw UserError(at + ": 'split' belongs to a spatial entry");
                const std::string split = scalar(e["split"], at + ": split");
                d.split = split == "0" ? 0 : integer(split, at + ": split");
            }
            slot[target] = d;
        } else if (type == "bypass" || type == "datatype" || type == "dataspace") {
            auto &k = keeps[target];
            for (const auto &t : dataspaces(e["keep"], at + ": keep")) k.first.push_back(t);
            for (const auto &t : dataspaces(e["bypass"], at + ": bypass")) k.second.push_back(t);
        } else {
            throw UserError(at + ": unknown type '" + type + "' (temporal, spatial, bypass/datatype/dataspace)");
        }
    }
    if (targets.empty()) throw UserError(path + ": the mapping is empty");
    // Entries list the outermost level first, as Timeloop's own examples do; a list that names the
    // DRAM last (innermost first) is read the other way round.
    auto dram = [](std::string s) {
        for (auto &c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
        return s.find("dram") != std::string::npos || s.find("mainmemory") != std::string::npos;
    };
    if (targets.size() > 1 && !dram(targets.front()) && dram(targets.back())) std::reverse(targets.begin(), targets.end());

    // The outermost level takes the rest of a dim it does not name (Timeloop's residual).
    std::map<std::string, int64_t> named;  // Tessera dim -> product of the factors given
    for (const auto &t : targets)
        for (auto *slot : {&temporal, &spatial})
            if (slot->count(t))
                for (const auto &f : (*slot)[t].factors) {
                    auto &p = named.emplace(dim_of(f.first), 1).first->second;
                    p = std::min<int64_t>(p * f.second, int64_t(1) << 40);  // factors are <= 2^30: no overflow
                }
    Directive &top = temporal[targets.front()];
    for (const auto &d : problem.dims) {
        bool given = false;
        for (const auto &f : top.factors) given |= dim_of(f.first) == d.name;
        const int64_t p = named.count(d.name) ? named[d.name] : 1;
        if (!given && p < d.extent) top.factors[letter_of(d.name)] = (d.extent + p - 1) / p;
    }

    LoopNest nest;
    for (size_t i = 0; i < targets.size(); ++i) {
        const std::string &t = targets[i];
        NestLevel lv;
        lv.name = t;
        if (temporal.count(t)) lv.temporal = ordered(temporal[t].factors, temporal[t].perm);
        if (spatial.count(t)) {
            const Directive &d = spatial[t];
            // X (columns) takes the dims at the first `split` places of the permutation (innermost
            // first), Y (rows) the rest; without a split, all of them.
            for (const auto &f : ordered(d.factors, d.perm)) {
                const std::string letter = letter_of(f.first);
                auto at_perm = std::find(d.perm.begin(), d.perm.end(), letter);
                if (at_perm == d.perm.end() && f.first == "k") at_perm = std::find(d.perm.begin(), d.perm.end(), "K");
                const bool x = d.split < 0 || (at_perm != d.perm.end() && at_perm - d.perm.begin() < d.split);
                (x ? lv.cols : lv.rows).push_back(f);
            }
        }
        if (i > 0) {
            std::set<std::string> kept = {"I", "W", "O"};  // Timeloop keeps what it does not bypass
            if (!keeps.count(t) && !levels.empty() && !names_level(levels, targets, i)) kept.clear();  // a container
            if (keeps.count(t)) {
                const auto &k = keeps[t];
                if (!k.first.empty() && k.second.empty()) kept = {k.first.begin(), k.first.end()};
                for (const auto &b : k.second) kept.erase(b);
                for (const auto &b : k.first) kept.insert(b);
            }
            for (const char *r : {"I", "W", "O"})
                if (kept.count(r)) lv.keep.push_back(r);
        }
        // An alias is its level; the tiles of several targets of one level are further positions.
        if (const auto it = levels.find(t); it != levels.end()) lv.name = it->second.level;
        nest.levels.push_back(lv);
    }
    operand_registers(nest, levels);
    return nest;
}

std::string timeloop_schedule(const std::string &path, const ir::Problem &problem,
                              const LevelNames &levels) {
    return "// from the Timeloop mapping " + path + "\n" +
           schedule_text(problem, read_timeloop_mapping(path, problem, levels), path);
}

bool has_timeloop_problem(const std::string &path) {
    YAML::Node root = load(path);
    return root.IsMap() && root["problem"] && root["problem"].IsMap() && root["problem"]["instance"];
}

ir::LayerSpec read_timeloop_problem(const std::string &path) {
    YAML::Node root = load(path);
    if (!root.IsMap() || !root["problem"] || !root["problem"]["instance"] || !root["problem"]["instance"].IsMap())
        throw UserError(path + ": no Timeloop problem (problem: instance: {C: .., M: .., ...})");
    std::map<std::string, int64_t> v = {{"C", 1}, {"M", 1}, {"R", 1}, {"S", 1}, {"N", 1}, {"P", 1}, {"Q", 1}, {"G", 1},
                                        {"Wstride", 1}, {"Hstride", 1}, {"Wdilation", 1}, {"Hdilation", 1}};
    // timeloopfe's problems (v0.4) also give the input size and padding. Timeloop's projection
    // does not read them: the input is what P, Q, R, S and the strides span, and so it is here.
    const std::set<std::string> unread = {"H", "W", "Hpad", "Wpad"};
    for (const auto &kv : root["problem"]["instance"]) {
        std::string key = kv.first.as<std::string>();
        if (key == "K") key = "M";
        if (key == "densities") {
            if (kv.second.IsMap() && kv.second.size() == 0) continue;
            throw UserError(path + ": problem instance: densities (a sparse workload) are not modelled; Tessera's "
                            "layers are dense: remove them");
        }
        if (unread.count(key)) continue;
        if (!v.count(key))
            throw UserError(path + ": problem instance: unknown key '" + key +
                            "' (C M R S N P Q G Wstride Hstride Wdilation Hdilation; H W Hpad Wpad are not read)");
        v[key] = integer(scalar(kv.second, path + ": problem instance " + key), path + ": problem instance " + key);
    }
    ir::LayerSpec l;
    l.name = "timeloop";
    l.type = "conv";
    l.bias = false;  // Timeloop's CNN layer has none: no bias words move, as in Timeloop's counts
    // Timeloop's C and M are per group.
    l.N = v["N"], l.C = v["C"] * v["G"], l.K = v["M"] * v["G"], l.groups = v["G"];
    l.R = v["S"], l.S = v["R"];  // Timeloop's S is the filter's height, R its width
    l.stride = v["Hstride"], l.stride_w = v["Wstride"];
    l.dilation = v["Hdilation"], l.dilation_w = v["Wdilation"];
    l.H = (v["Q"] - 1) * v["Hstride"] + (v["S"] - 1) * v["Hdilation"] + 1;
    l.W = (v["P"] - 1) * v["Wstride"] + (v["R"] - 1) * v["Wdilation"] + 1;
    if (l.stride_w == l.stride) l.stride_w = -1;
    if (l.dilation_w == l.dilation) l.dilation_w = -1;
    return l;
}

std::string timeloop_yaml(const ir::AcceleratorIR &ir) {
    const LoopNest nest = nest_of(ir);
    const ir::LayerSpec &l = ir.problem.layer;
    std::ostringstream s;
    s << "# Tessera mapping of layer " << l.name << " as a Timeloop mapping (docs/timeloop.md).\n"
      << "# Letters: P = x, Q = y, M = k, N = n, C = c, R = s (filter width), S = r (filter height)"
      << (l.type == "conv" && l.groups > 1 ? ", G = g" : "") << ". Permutations list the innermost loop first.\n";
    // The problem: Timeloop's CNN layer (no padding: P and Q are the output's size).
    s << "problem:\n";
    std::vector<std::string> letters;
    for (const auto &d : ir.problem.dims) letters.push_back(letter_of(d.name));
    const bool plain_conv = l.type == "conv" && l.groups == 1 && !l.depthwise();
    if (plain_conv) {
        s << "  shape:\n    name: CNN-Layer\n    dimensions: [C, M, R, S, N, P, Q]\n"
          << "    coefficients:\n";
        for (const char *c : {"Wstride", "Hstride", "Wdilation", "Hdilation"})
            s << "      - {name: " << c << ", default: 1}\n";
        s << "    data-spaces:\n"
          << "      - {name: Weights, projection: [[[C]], [[M]], [[R]], [[S]]]}\n"
          << "      - {name: Inputs, projection: [[[N]], [[C]], [[R, Wdilation], [P, Wstride]], "
             "[[S, Hdilation], [Q, Hstride]]]}\n"
          << "      - {name: Outputs, projection: [[[N]], [[M]], [[Q]], [[P]]], read-write: True}\n";
    } else {
        s << "  # the " << l.type << (l.groups > 1 ? " (groups " + std::to_string(l.groups) + ")" : "")
          << " layer's dims; write its shape for Timeloop if needed\n";
    }
    s << "  instance:\n";
    for (const auto &d : ir.problem.dims) s << "    " << letter_of(d.name) << ": " << d.extent << "\n";
    if (l.type != "fc") {
        s << "    Wstride: " << l.stride_x() << "\n    Hstride: " << l.stride_y() << "\n"
          << "    Wdilation: " << l.dilation_x() << "\n    Hdilation: " << l.dilation_y() << "\n";
    }
    s << "mapping:\n";
    auto factor_line = [&](const std::vector<Factor> &fs) {
        std::map<std::string, int64_t> f;
        for (const auto &d : ir.problem.dims) f[d.name] = 1;
        for (const auto &x : fs) f[x.first] *= x.second;
        std::string line;
        for (const auto &d : ir.problem.dims) line += (line.empty() ? "" : " ") + letter_of(d.name) + "=" + std::to_string(f[d.name]);
        return line;
    };
    // Innermost first: the level's loops, then the dims without a loop (factor 1).
    auto perm_line = [&](const std::vector<Factor> &fs) {
        std::string p;
        for (auto it = fs.rbegin(); it != fs.rend(); ++it) p += letter_of(it->first);
        for (auto it = ir.problem.dims.rbegin(); it != ir.problem.dims.rend(); ++it)
            if (p.find(letter_of(it->name)) == std::string::npos) p += letter_of(it->name);
        return p;
    };
    for (size_t i = 0; i < nest.levels.size(); ++i) {
        const NestLevel &lv = nest.levels[i];
        s << "  - target: " << lv.name << "\n    type: temporal\n    factors: " << factor_line(lv.temporal)
          << "\n    permutation: " << perm_line(lv.temporal) << "\n";
        if (!lv.rows.empty() || !lv.cols.empty()) {
            std::set<std::string> seen;
            for (const auto *axis : {&lv.rows, &lv.cols})
                for (const auto &f : *axis)
                    if (!seen.insert(f.first).second)
                        throw UserError("dim " + f.first + " has two array loops; a Timeloop spatial entry "
                                        "has one factor per dim");
            std::vector<Factor> all = lv.rows;  // outermost first: Y, then X
            all.insert(all.end(), lv.cols.begin(), lv.cols.end());
            std::string perm;
            for (auto it = all.rbegin(); it != all.rend(); ++it) perm += letter_of(it->first);
            // The dims with no spatial loop go after the split (Y, factor 1).
            std::string rest;
            for (auto it = ir.problem.dims.rbegin(); it != ir.problem.dims.rend(); ++it)
                if (perm.find(letter_of(it->name)) == std::string::npos) rest += letter_of(it->name);
            s << "  - target: " << lv.name << "\n    type: spatial\n    factors: " << factor_line(all)
              << "\n    permutation: " << perm + rest << "\n    split: " << lv.cols.size() << "\n";
        }
        if (i > 0) {
            const char *names[3] = {"Inputs", "Weights", "Outputs"};
            const char *roles[3] = {"I", "W", "O"};
            std::vector<std::string> keep, bypass;
            for (int r = 0; r < 3; ++r)
                (std::find(lv.keep.begin(), lv.keep.end(), roles[r]) != lv.keep.end() ? keep : bypass).push_back(names[r]);
            auto list = [](const std::vector<std::string> &v) {
                std::string t;
                for (size_t j = 0; j < v.size(); ++j) t += (j ? ", " : "") + v[j];
                return "[" + t + "]";
            };
            s << "  - target: " << lv.name << "\n    type: bypass\n    keep: " << list(keep)
              << "\n    bypass: " << list(bypass) << "\n";
        }
    }
    return s.str();
}

}  // namespace tessera::interop
