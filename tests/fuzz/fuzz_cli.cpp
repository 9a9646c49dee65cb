// Seeded fuzzing of the `tessera` command line with hostile input of every kind: inline layer specs,
// network CSVs, schedule text (mutated from the examples), architecture JSON (mutated from the
// bundled ones), compiled design directories, .npy tensors, option values, and other tools' files
// (Timeloop mappings, problems and architectures, MAESTRO .m files). Every case runs the
// real binary with a time limit and must end in either
//   - exit 1 with exactly one line on stderr saying "error" (compile's "note:" lines aside), or
//   - exit 0 with a correct result (the MACs the shape gives, no negative/inf/nan estimate, PASS);
// never a signal, an abort, a run past the limit, another exit status, or exit 0 on input the case
// knows to be bad.
//
//   fuzz_cli --tessera build/tessera --src . [--cases N] [--seed S] [--work DIR] [--kinds a,b]
//
// ctest runs a few hundred cases; run thousands by hand. A failing case prints its seed and
// command line, and the files stay in --work/case-<seed>-<i>.
#include <nlohmann/json.hpp>

#include <cctype>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Options {
    std::string tessera, src, work = "fuzz-work", kinds;
    long cases = 200;
    uint64_t seed = 1;
    bool keep = false;
};

std::string read_file(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const fs::path &p, const std::string &text) {
    std::ofstream(p, std::ios::binary) << text;
}

struct Outcome {
    int status = -1;  // exit status, or -1
    int signal = 0;
    bool timed_out = false;
    std::string out, err;
};

// Runs tessera with `args` (no shell), stdout/stderr to files, killed after `seconds`.
Outcome run(const Options &o, const std::vector<std::string> &args, const fs::path &dir, double seconds) {
    const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
    const pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr)) _exit(127);
        std::vector<char *> argv{const_cast<char *>(o.tessera.c_str())};
        for (const auto &a : args) argv.push_back(const_cast<char *>(a.c_str()));
        argv.push_back(nullptr);
        execv(o.tessera.c_str(), argv.data());
        _exit(127);
    }
    Outcome r;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    int wstatus = 0;
    for (;;) {
        const pid_t done = waitpid(pid, &wstatus, WNOHANG);
        if (done == pid) break;
        if (std::chrono::steady_clock::now() > deadline) {
            kill(-pid, SIGKILL);
            waitpid(pid, &wstatus, 0);
            r.timed_out = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!r.timed_out) {
        if (WIFEXITED(wstatus)) r.status = WEXITSTATUS(wstatus);
        if (WIFSIGNALED(wstatus)) r.signal = WTERMSIG(wstatus);
    }
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
}

// One case: what to run and what a correct acceptance looks like.
struct Case {
    std::string kind, what;            // what: the mutation, for the failure report
    std::vector<std::string> args;
    bool known_bad = false;            // exit 0 is a failure
    double seconds = 60;
    long long expect_macs = -1;        // if accepted: the "macs" the JSON must report
    bool estimate_json = false;        // if accepted: stdout is an estimate (no negative/inf/nan)
    bool expect_pass = false;          // if accepted: stdout says PASS
};

class Fuzzer {
public:
    Fuzzer(const Options &o, uint64_t seed, fs::path dir) : o_(o), rng_(seed), dir_(std::move(dir)) {}

    Case make(const std::string &kind, const fs::path &design) {
        if (kind == "spec") return spec_case();
        if (kind == "csv") return csv_case();
        if (kind == "schedule") return schedule_case();
        if (kind == "arch") return arch_case();
        if (kind == "options") return options_case();
        if (kind == "design") return design_case(design);
        if (kind == "mapping") return mapping_case();
        return npy_case(design);
    }

private:
    const Options &o_;
    std::mt19937_64 rng_;
    fs::path dir_;

    long long uniform(long long lo, long long hi) { return std::uniform_int_distribution<long long>(lo, hi)(rng_); }
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
    template <typename T>
    const T &pick(const std::vector<T> &v) { return v[size_t(uniform(0, (long long)v.size() - 1))]; }

    // Values that break things: extremes, overflow, junk.
    std::string hostile_number() {
        return pick<std::string>({"0", "-1", "-5", "2147483647", "2147483648", "4294967297", "65536", "1048577",
                                  "9223372036854775807", "99999999999999999999", "1e3", "0x10", "3.5", "", " 4",
                                  "4 ", "+4", "--4", "nan", "inf", "١", "4abc", "1048576"});
    }

    // A valid small layer: its spec text, key values and MACs.
    struct Spec {
        std::string type;
        std::vector<std::pair<std::string, std::string>> kv;
        std::string text() const {
            std::string s = type + ":";
            for (size_t i = 0; i < kv.size(); ++i) s += (i ? "," : "") + kv[i].first + "=" + kv[i].second;
            return s;
        }
    };
    Spec valid_spec() {
        Spec s;
        s.type = pick<std::string>({"conv", "conv", "dwconv", "deconv", "fc"});
        if (s.type == "fc") {
            s.kv = {{"N", std::to_string(uniform(1, 4))}, {"C", std::to_string(uniform(1, 40))},
                    {"K", std::to_string(uniform(1, 40))}};
        } else {
            const long long r = uniform(1, 3), h = uniform(r, 12);
            s.kv = {{"C", std::to_string(uniform(1, 12))}, {"H", std::to_string(h)}, {"W", std::to_string(uniform(r, 12))},
                    {"R", std::to_string(r)}, {"S", std::to_string(r)}, {"stride", std::to_string(uniform(1, 2))},
                    {"pad", std::to_string(uniform(0, r / 2))}};
            if (s.type == "conv" || s.type == "deconv") s.kv.push_back({"K", std::to_string(uniform(1, 12))});
            // A transposed conv's output padding is below its stride (ONNX's rule).
            if (s.type == "deconv" && chance(0.4)) {
                const auto stride = std::find_if(s.kv.begin(), s.kv.end(), [](const auto &kv) { return kv.first == "stride"; });
                s.kv.push_back({"output_padding", std::to_string(uniform(0, std::stoll(stride->second) - 1))});
            }
        }
        if (chance(0.3)) s.kv.push_back({"bias", pick<std::string>({"0", "1", "true", "false"})});
        if (chance(0.3)) s.kv.push_back({"relu", pick<std::string>({"0", "1", "true", "false"})});
        if (chance(0.2)) s.kv.push_back({"shift", std::to_string(uniform(0, 30))});
        std::shuffle(s.kv.begin(), s.kv.end(), rng_);
        return s;
    }
    static long long macs_of(const Spec &s) {
        std::map<std::string, long long> v = {{"N", 1}, {"stride", 1}, {"pad", 0}, {"groups", 1}};
        for (const auto &[k, x] : s.kv)
            if (k != "bias" && k != "relu" && k != "shift") v[k] = std::stoll(x);
        if (s.type == "fc") return v["N"] * v["C"] * v["K"];
        if (s.type == "dwconv") v["K"] = v["C"], v["groups"] = v["C"];
        const long long p = (v["H"] + 2 * v["pad"] - v["R"]) / v["stride"] + 1;
        const long long q = (v["W"] + 2 * v["pad"] - v["S"]) / v["stride"] + 1;
        return v["N"] * v["K"] * p * q * v["R"] * v["S"] * (v["C"] / v["groups"]);
    }

    Case spec_case() {
        Spec s = valid_spec();
        Case c;
        c.kind = "spec";
        const int m = int(uniform(0, 9));
        bool changed_value = false;
        switch (m) {
        case 0: c.what = "valid"; break;
        case 1: c.what = "drop a key"; {
            const size_t i = size_t(uniform(0, (long long)s.kv.size() - 1));
            const std::string k = s.kv[i].first;
            s.kv.erase(s.kv.begin() + long(i));
            c.known_bad = k != "bias" && k != "relu" && k != "shift" && k != "stride" && k != "pad" && k != "N" &&
                          k != "output_padding";
            break;
        }
        case 2: c.what = "duplicate a key"; s.kv.push_back(pick(s.kv)); c.known_bad = true; break;
        case 3: c.what = "unknown key"; s.kv.push_back({pick<std::string>({"Q", "dilate", "h", "groups ", "", "=", "KK"}), "2"}); c.known_bad = true; break;
        case 4: c.what = "hostile value"; {
            auto &kv = s.kv[size_t(uniform(0, (long long)s.kv.size() - 1))];
            const std::string v = hostile_number();
            // 65536 and 2^20 are inside the limits: valid for a shape key, decided by the generic checks.
            // 0 is a valid pad, shift, bias or relu (seed 122 drew pad=0 for a 2x2 kernel's pad=1).
            const bool zero_valid = v == "0" && (kv.first == "pad" || kv.first == "shift" || kv.first == "bias" ||
                                                 kv.first == "relu" || kv.first == "output_padding");
            c.known_bad = v != kv.second && !zero_valid &&
                          !((v == "1048576" || v == "65536") && kv.first != "shift" && kv.first != "bias" &&
                            kv.first != "relu");
            kv.second = v;
            changed_value = true;
            break;
        }
        case 5: c.what = "flag junk"; s.kv.push_back({pick<std::string>({"bias", "relu"}), pick<std::string>({"2", "-1", "yes", "TRUE", "", "01"})}); c.known_bad = true; break;
        case 6: c.what = "type"; s.type = pick<std::string>({"pool", "CONV", "", "conv2d", "fc fc"}); c.known_bad = true; break;
        case 7: c.what = "fc with conv keys"; s.type = "fc"; c.known_bad = true;
            for (const auto &[k, v] : s.kv) c.known_bad = c.known_bad && true;
            if (std::none_of(s.kv.begin(), s.kv.end(), [](const auto &kv) { return kv.first == "H" || kv.first == "R"; }))
                s.kv.push_back({"R", "3"});
            break;
        case 8: c.what = "in-range value change"; {
            auto &kv = s.kv[size_t(uniform(0, (long long)s.kv.size() - 1))];
            if (kv.first != "bias" && kv.first != "relu") kv.second = std::to_string(uniform(0, 40)), changed_value = true;
            break;
        }
        default: c.what = "syntax"; {
            std::string t = s.text();
            const size_t at = size_t(uniform(0, (long long)t.size() - 1));
            t.insert(at, pick<std::string>({",", "=", ":", ",,", " ", "\"", ";"}));
            c.args = {chance(0.5) ? "lower" : "estimate", "--layer", t, "--json"};
            return c;  // may or may not be valid: the generic checks apply
        }
        }
        c.args = {chance(0.5) ? "lower" : "estimate", "--layer", s.text(), "--json"};
        c.estimate_json = c.args[0] == "estimate";
        // A deconv's MACs are its sub-pixel conv's (test_sub_pixel checks that geometry).
        if (!c.known_bad && !changed_value && s.type != "deconv") c.expect_macs = macs_of(s);
        return c;
    }

    Case csv_case() {
        const std::string net = pick<std::string>({"resnet18", "mobilenetv2", "alexnet", "mlp"});
        std::istringstream in(read_file(fs::path(o_.src) / "examples/networks" / (net + ".csv")));
        std::vector<std::string> lines;
        for (std::string l; std::getline(in, l);) lines.push_back(l);
        // Header and up to 2 small rows.
        std::vector<std::string> rows{lines[0]};
        for (int i = 0; i < 2 && lines.size() > 1; ++i) rows.push_back(lines[size_t(uniform(1, (long long)lines.size() - 1))]);
        Case c;
        c.kind = "csv";
        const int m = int(uniform(0, 5));
        auto cells = [](const std::string &l) {
            std::vector<std::string> v;
            std::stringstream s(l);
            for (std::string x; std::getline(s, x, ',');) v.push_back(x);
            return v;
        };
        auto join = [](const std::vector<std::string> &v) {
            std::string s;
            for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
            return s;
        };
        const size_t row = size_t(uniform(1, (long long)rows.size() - 1));
        std::vector<std::string> header = cells(rows[0]), cur = cells(rows[row]);
        const size_t col = size_t(uniform(0, (long long)cur.size() - 1));
        const std::string name = header[std::min(col, header.size() - 1)];
        const bool numeric = name == "N" || name == "C" || name == "K" || name == "H_in" || name == "W_in" ||
                             name == "R" || name == "S" || name == "stride_h" || name == "pad_h" || name == "groups";
        switch (m) {
        case 0: c.what = "valid"; break;
        case 1: c.what = "hostile cell " + name; {
            const std::string v = hostile_number();
            // An empty cell reads as the column's default (pad_h 0, the others 1): the same value.
            const std::string was = cur[col].empty() ? (name == "pad_h" ? "0" : "1") : cur[col];
            c.known_bad = numeric && v != "" && v != was && v != "1048576" && v != "65536";
            cur[col] = v;
            rows[row] = join(cur);
            break;
        }
        case 2: c.what = "missing column"; header.erase(header.begin() + long(col)); rows[0] = join(header);
            c.known_bad = name == "layer" || name == "type" || numeric || name == "MACs";
            break;
        case 3: c.what = "short row"; cur.resize(cur.size() / 2); rows[row] = join(cur); c.known_bad = true; break;
        case 4: c.what = "junk row"; rows.push_back(pick<std::string>({"\"", ",,,,", "\x01\x02", "a,b,c"})); c.known_bad = true; break;
        default: c.what = "empty file"; rows.clear(); c.known_bad = true; break;
        }
        std::string text;
        for (const auto &r : rows) text += r + "\n";
        write_file(dir_ / "net.csv", text);
        c.args = {"estimate", "--network", (dir_ / "net.csv").string(), "--json", "--array", "8x8"};
        c.estimate_json = true;
        return c;
    }

    Case schedule_case() {
        static const std::vector<std::pair<std::string, std::string>> kExamples = {
            {"ws_conv3x3.sched", "conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1"},
            {"os_conv7x7s2.sched", "conv:C=3,K=8,H=20,W=20,R=7,S=7,stride=2,pad=3"},
            {"is_conv1x1.sched", "conv:C=6,K=5,H=7,W=9,R=1,S=1"},
            {"rs_conv3x3.sched", "conv:C=4,K=6,H=10,W=10,R=3,S=3,pad=1"},
            {"ws_fc_1d.sched", "fc:N=4,C=40,K=20"}};
        const auto &[file, layer] = pick(kExamples);
        std::string s = read_file(fs::path(o_.src) / "examples/schedules" / file);
        Case c;
        c.kind = "schedule";
        const int m = int(uniform(0, 8));
        std::vector<size_t> digits;
        for (size_t i = 0; i < s.size(); ++i)
            if (isdigit(static_cast<unsigned char>(s[i])) && (i == 0 || !isalnum(static_cast<unsigned char>(s[i - 1])))) digits.push_back(i);
        switch (m) {
        case 0: c.what = "valid"; break;
        case 1: c.what = "delete a span"; {
            const size_t at = size_t(uniform(0, (long long)s.size() - 1));
            s.erase(at, size_t(uniform(1, 12)));
            break;
        }
        case 2: c.what = "insert junk"; {
            const size_t at = size_t(uniform(0, (long long)s.size()));
            s.insert(at, pick<std::string>({"(", ")", ".", ";", "\"", "@", "\x7f", "0", ".in()", ".unroll(x)", "/*",
                                            "\nhw::single_buffered(acc);\n", "hw::single_buffered(", "\nhw::single_buffered(acc, 2);\n"}));
            break;
        }
        case 3: c.what = "hostile number"; if (!digits.empty()) {
            const size_t at = pick(digits);
            size_t end = at;
            while (end < s.size() && isdigit(static_cast<unsigned char>(s[end]))) ++end;
            s.replace(at, end - at, pick<std::string>({"0", "99999999999999", "2147483648", "1048577", "00", "1"}));
        } break;
        case 4: c.what = "duplicate a line"; {
            std::istringstream in(s);
            std::vector<std::string> ls;
            for (std::string l; std::getline(in, l);) ls.push_back(l);
            const size_t i = size_t(uniform(0, (long long)ls.size() - 1));
            ls.insert(ls.begin() + long(i), ls[i]);
            s.clear();
            for (const auto &l : ls) s += l + "\n";
            break;
        }
        case 5: c.what = "deep nesting"; s += "Func deep = " + std::string(size_t(uniform(17, 3000)) * 0, ' ');
            { const int n = int(uniform(17, 3000)); std::string e = "acc"; s += std::string(); std::string open, close;
              for (int i = 0; i < n; ++i) open += "ifmap.in(", close += ")";
              s += open + e + close + ";\n"; }
            c.known_bad = true; break;
        case 6: c.what = "long chain"; s += "Func chain = ifmap"; for (int i = 0, n = int(uniform(257, 3000)); i < n; ++i) s += ".in()";
            s += ";\n"; c.known_bad = true; break;
        case 7: c.what = "bad var name"; s = "Var q(\"" + pick<std::string>({"y.o", "", "1x", "a b", "x$"}) + "\");\n" + s; c.known_bad = true; break;
        default: c.what = "truncate"; s.resize(size_t(uniform(0, (long long)s.size()))); break;
        }
        write_file(dir_ / "m.sched", s);
        c.args = {chance(0.7) ? "lower" : "estimate", "--layer", layer, "--schedule", (dir_ / "m.sched").string(), "--json"};
        c.estimate_json = c.args[0] == "estimate";
        if (m == 0) {
            std::map<std::string, long long> v = {{"conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1", 36864},
                                                  {"conv:C=3,K=8,H=20,W=20,R=7,S=7,stride=2,pad=3", 117600},
                                                  {"conv:C=6,K=5,H=7,W=9,R=1,S=1", 1890},
                                                  {"conv:C=4,K=6,H=10,W=10,R=3,S=3,pad=1", 21600},
                                                  {"fc:N=4,C=40,K=20", 3200}};
            c.expect_macs = v.at(layer);
        }
        return c;
    }

    json hostile_json_value() {
        switch (uniform(0, 10)) {
        case 0: return "16";
        case 1: return 16.5;
        case 2: return -1;
        case 3: return 0;
        case 4: return 1e-300;
        case 5: return 1e308;
        case 6: return nullptr;
        case 7: return json::array({1, 2});
        case 8: return (long long)1 << 40;
        case 9: return true;
        default: return json::object();
        }
    }

    Case arch_case() {
        const std::string name = pick<std::string>({"interstellar_baseline", "eyeriss_like", "double_buffered"});
        json a = json::parse(read_file(fs::path(o_.src) / "examples/arch" / (name + ".json")));
        Case c;
        c.kind = "arch";
        const int m = int(uniform(0, 8));
        json &level = a["levels"][size_t(uniform(0, (long long)a["levels"].size() - 1))];
        switch (m) {
        case 0: c.what = "valid"; break;
        case 1: { const std::string key = pick<std::string>({"size_bytes", "word_bits", "banks", "energy_pj", "words_per_cycle", "double_buffered"});
            c.what = "level " + key; const json v = hostile_json_value();
            c.known_bad = !(v.is_number() && v.is_number_integer() && v.get<long long>() >= 1 && v.get<long long>() <= 64 &&
                            key != "double_buffered");
            if (key == "energy_pj") c.known_bad = !(v.is_number() && v.get<double>() >= 0 && v.get<double>() <= 1e6);
            if (key == "words_per_cycle") c.known_bad = !(v.is_number() && v.get<double>() >= 1.0 / 1024 && v.get<double>() <= 1 << 20);
            if (key == "word_bits" || key == "banks") c.known_bad = !(v.is_number_integer() && v.get<long long>() >= 1 && v.get<long long>() <= 1024);
            if (key == "size_bytes" || key == "words_per_cycle" || key == "energy_pj") c.known_bad = c.known_bad || !v.is_number();
            if (key == "size_bytes" || key == "double_buffered") c.known_bad = false;  // valid values exist; generic checks
            if (key == "double_buffered") c.known_bad = !v.is_boolean();
            level[key] = v; break; }
        case 2: { const std::string key = pick<std::string>({"rows", "cols"}); c.what = "array " + key; const json v = hostile_json_value();
            c.known_bad = !(v.is_number_integer() && v.get<long long>() >= 1 && v.get<long long>() <= 256);
            a["array"][key] = v; break; }
        case 3: { const std::string key = pick<std::string>({"mac_pj", "hop_pj", "clock_mhz", "dram_latency_cycles", "leakage_pj_per_cycle"});
            c.what = key; const json v = hostile_json_value();
            c.known_bad = !v.is_number() || v.get<double>() < 0 || v.get<double>() > 1e6 ||
                          (key == "dram_latency_cycles" && !v.is_number_integer()) ||
                          (key == "dram_latency_cycles" && v.get<double>() > 4096) ||
                          (key == "clock_mhz" && v.get<double>() < 1e-3);
            a[key] = v; break; }
        case 4: c.what = "reverse levels"; { json l = json::array(); for (auto it = a["levels"].rbegin(); it != a["levels"].rend(); ++it) l.push_back(*it); a["levels"] = l; }
            c.known_bad = true; break;
        case 5: c.what = "unknown key"; level["sizebytes"] = 4; c.known_bad = true; break;
        case 7: {  // one memory per tensor: parts of the level (any but DRAM), at most its size together
            c.what = "level tensor_bytes";
            const bool outermost = &level == &a["levels"][0];
            const long long size = level.value("size_bytes", 0LL);
            json parts = json::object();
            long long sum = 0;
            for (const char *t : {"I", "W", "O"}) {
                if (chance(0.25)) continue;
                const long long v = pick<long long>({0, 1, size / 8, size / 3, size / 2, size, size + 1});
                parts[t] = v;
                sum += v;
            }
            level["tensor_bytes"] = parts;
            c.known_bad = sum > size || (outermost && sum > 0);
            break;
        }
        case 6: c.what = "remove a key"; { const std::string key = pick<std::string>({"name", "levels", "array"}); a.erase(key); c.known_bad = true; } break;
        default: c.what = "not JSON"; {
            std::string t = a.dump();
            t.resize(size_t(uniform(0, (long long)t.size() - 1)));
            write_file(dir_ / "arch.json", t);
            c.known_bad = true;
            c.args = {chance(0.5) ? "estimate" : "compile", "--layer", "conv:C=4,K=4,H=6,W=6,R=3,S=3", "--arch",
                      (dir_ / "arch.json").string()};
            if (c.args[0] == "compile") c.args.insert(c.args.end(), {"-o", (dir_ / "out").string()});
            return c;
        }
        }
        write_file(dir_ / "arch.json", a.dump(2));
        c.args = {"estimate", "--layer", "conv:C=4,K=4,H=6,W=6,R=3,S=3", "--arch", (dir_ / "arch.json").string(), "--json"};
        if (chance(0.3)) c.args = {"compile", "--layer", "conv:C=4,K=4,H=6,W=6,R=3,S=3", "--arch", (dir_ / "arch.json").string(),
                                   "-o", (dir_ / "out").string()};
        c.estimate_json = c.args[0] == "estimate";
        return c;
    }

    // A text file mutated: a number turned hostile, a line deleted, duplicated or swapped, a word
    // replaced, junk inserted, or cut short (`what` says which; "valid" leaves it).
    std::string mutate_text(std::string text, std::string &what) {
        std::vector<std::string> lines;
        {
            std::istringstream in(text);
            for (std::string l; std::getline(in, l);) lines.push_back(l);
        }
        if (lines.empty()) lines.push_back("");
        const size_t i = size_t(uniform(0, (long long)lines.size() - 1)), j = size_t(uniform(0, (long long)lines.size() - 1));
        switch (uniform(0, 7)) {
        case 0: what = "valid"; return text;
        case 1: {
            what = "number";
            std::vector<size_t> at;  // starts of digit runs
            for (size_t k = 0; k < text.size(); ++k)
                if (std::isdigit(static_cast<unsigned char>(text[k])) && (k == 0 || !std::isalnum(static_cast<unsigned char>(text[k - 1]))))
                    at.push_back(k);
            if (at.empty()) return text;
            const size_t k = pick(at);
            size_t e = k;
            while (e < text.size() && std::isdigit(static_cast<unsigned char>(text[e]))) ++e;
            return text.replace(k, e - k, hostile_number());
        }
        case 2: what = "line deleted"; lines.erase(lines.begin() + long(i)); break;
        case 3: what = "line duplicated"; lines.insert(lines.begin() + long(i), lines[i]); break;
        case 4: what = "lines swapped"; std::swap(lines[i], lines[j]); break;
        case 5: {
            what = "word replaced";
            std::istringstream words(lines[i]);
            std::vector<std::string> ws;
            for (std::string w; words >> w;) ws.push_back(w);
            if (ws.empty()) break;
            const std::string w = pick(ws);
            lines[i].replace(lines[i].find(w), w.size(),
                             pick<std::string>({"", "X", "Q9", "{", "}", ":", "[", "-", "GLB", "DRAM", "Cluster(0, P);",
                                                "type: spatial", "!Container", "Sz(Z)", "\t"}));
            break;
        }
        case 6: what = "junk"; lines[i] += pick<std::string>({"\"", "'", "&a", "*a", "\x01", "{{", "]]", " #", " //"}); break;
        default: what = "truncated"; text.resize(size_t(uniform(0, (long long)text.size()))); return text;
        }
        std::string out;
        for (const auto &l : lines) out += l + "\n";
        return out;
    }

    // Another tool's files (Timeloop mapping, problem and architecture YAML; MAESTRO .m), one of
    // them mutated, estimated with --json.
    Case mapping_case() {
        Case c;
        c.kind = "mapping";
        c.estimate_json = true;
        const fs::path src(o_.src);
        // Flags and values: a file relative to --src, or a literal value after '='.
        const std::vector<std::vector<std::string>> sets = {
            {"--layer", "=conv:C=64,K=64,H=56,W=56,R=3,S=3,pad=1", "--timeloop-mapping", "examples/timeloop/os_16x16.yaml"},
            {"--arch", "examples/timeloop/arch_simple_ws_v04.yaml", "--layer", "=conv:C=16,K=16,H=14,W=14,R=3,S=3,pad=1",
             "--timeloop-mapping", "examples/timeloop/ws_simple_v04.yaml"},
            {"--arch", "tests/interop/timeloop04/one_pe.arch.yaml", "--timeloop-problem",
             "tests/interop/timeloop04/conv1d_oc.prob.yaml", "--timeloop-mapping", "tests/interop/timeloop04/conv1d_oc.map.yaml"},
            {"--arch", "tests/interop/timeloop04/sixteen_pe.arch.yaml", "--timeloop-problem",
             "tests/interop/timeloop04/conv1d_oc_ic.prob.yaml", "--timeloop-mapping",
             "tests/interop/timeloop04/conv1d_oc_ic_kp.map.yaml"},
            {"--timeloop-problem", "tests/interop/timeloop_v04_problem.yaml", "--dataflow", "=ws"},
            {"--arch", "examples/timeloop/arch_eyeriss_16x16.yaml", "--timeloop-mapping", "examples/timeloop/eyeriss_rs.yaml"},
            {"--maestro-mapping", "examples/maestro/nvdla_kcp.m"},
            {"--maestro-mapping", "examples/maestro/eyeriss_yrp.m"},
            {"--network", "tests/interop/maestro/small_net.m", "--maestro-mapping", "tests/interop/maestro/small_net.m",
             "--array", "=4x8"},
            {"--maestro-mapping", "tests/interop/maestro/gemm.m", "--array", "=4x8"}};
        const std::vector<std::string> &set = pick(sets);
        std::vector<size_t> files;
        for (size_t k = 1; k < set.size(); k += 2)
            if (set[k][0] != '=') files.push_back(k);
        const size_t mutated = pick(files);
        std::map<std::string, std::string> written;  // a file given twice is mutated once
        c.args = {"estimate"};
        for (size_t k = 0; k < set.size(); k += 2) {
            c.args.push_back(set[k]);
            const std::string &v = set[k + 1];
            if (v[0] == '=') {
                c.args.push_back(v.substr(1));
                continue;
            }
            if (!written.count(v)) {
                const fs::path copy = dir_ / ("f" + std::to_string(k) + fs::path(v).extension().string());
                std::string text = read_file(src / v);
                if (k + 1 == mutated) text = mutate_text(text, c.what), c.what = v + ": " + c.what;
                write_file(copy, text);
                written[v] = copy.string();
            }
            c.args.push_back(written[v]);
        }
        c.args.push_back("--json");
        return c;
    }

    Case options_case() {
        Case c;
        c.kind = "options";
        std::vector<std::string> args = {pick<std::string>({"lower", "estimate", "compile"}), "--layer",
                                         "conv:C=4,K=4,H=6,W=6,R=3,S=3"};
        const int m = int(uniform(0, 6));
        switch (m) {
        case 0: c.what = "--array"; { const std::string v = pick<std::string>({"0x4", "4x", "x", "1x100000", "-3x4", "4x4x4",
                                        "99999999999999999999x1", "4X4", " 4x4", "257x1", "256x256", "1x1", "3x5", ""});
            args.insert(args.end(), {"--array", v, "--dataflow", "ws"});
            c.known_bad = v != "1x1" && v != "3x5" && v != "256x256"; break; }
        case 1: c.what = "--dataflow"; { const std::string v = pick<std::string>({"ws", "os", "is", "rs", "WS", "", "xx", "ws,os"});
            args.insert(args.end(), {"--dataflow", v});
            c.known_bad = v != "ws" && v != "os" && v != "is" && v != "rs"; break; }
        case 2: c.what = "--spatial"; { const std::string v = pick<std::string>({"C|K", "K|C", "Y|X", "FY|Y", "K", "Q|K", "|", "C||K", "C|C", ""});
            args.insert(args.end(), {"--spatial", v});
            c.known_bad = v == "Q|K" || v == "|" || v == "C||K" || v == "C|C"; break; }
        case 3: c.what = "--arch"; { const std::string v = pick<std::string>({"default", "tpu_like", "nope", "/", "/dev/null", ""});
            args.insert(args.end(), {"--arch", v});
            c.known_bad = v != "default" && v != "tpu_like"; break; }
        case 4: { c.what = "--network/--layer";
            const std::string network = pick<std::string>({"resnet51", "", "/", "/dev/null", "mlp"});
            const std::string layer = pick<std::string>({"nope", "", "0", "-1"});
            args = {pick<std::string>({"lower", "estimate"}), "--network", network, "--layer", layer};
            c.known_bad = network != "mlp" || layer != "0";  // mlp's layer 0 (0-based position) exists
            break; }
        case 5: c.what = "unknown flag"; args.push_back(pick<std::string>({"--bogus", "-x", "--array", "--json=2", "--dataflow="}));
            c.known_bad = true; break;
        default: c.what = "--top"; args = {"compile", "--layer", "conv:C=4,K=4,H=6,W=6,R=3,S=3", "--top",
                 pick<std::string>({"module", "always_ff", "9x", "a-b", "", "tessera_pe", "logic"})};
            c.known_bad = true; break;
        }
        if (args[0] == "compile" && std::find(args.begin(), args.end(), "-o") == args.end())
            args.insert(args.end(), {"-o", (dir_ / "out").string()});
        c.args = args;
        return c;
    }

    Case design_case(const fs::path &design) {
        Case c;
        c.kind = "design";
        const fs::path copy = dir_ / "design";
        fs::copy(design, copy, fs::copy_options::recursive);
        std::vector<fs::path> files;
        for (const auto &e : fs::recursive_directory_iterator(copy))
            if (e.is_regular_file() && e.path().filename() != "README.md" && e.path().parent_path().filename() != "tb")
                files.push_back(e.path());
        std::sort(files.begin(), files.end());
        const fs::path f = pick(files);
        std::string t = read_file(f);
        const int m = int(uniform(0, 5));
        c.known_bad = true;
        switch (m) {
        case 0: c.what = "flip a byte of " + f.filename().string(); {
            const size_t at = size_t(uniform(0, (long long)t.size() - 1));
            t[at] = char(t[at] == '7' ? '3' : '7');
            break;
        }
        case 1: c.what = "truncate " + f.filename().string(); t.resize(size_t(uniform(0, (long long)t.size() - 1))); break;
        case 2: c.what = "delete " + f.filename().string(); fs::remove(f); c.args = {"simulate", copy.string()}; return c;
        case 3: c.what = "edit report numbers"; {
            json r = json::parse(read_file(copy / "report.json"));
            const std::string key = pick<std::string>({"rows", "cols", "dram_latency", "loop_slots", "index_bits"});
            r["design"][key] = pick<json>({json(0), json(-1), json(17), json(1LL << 40), json("x")});
            t = r.dump(2);
            write_file(copy / "report.json", t);
            c.args = {"simulate", copy.string()};
            return c;
        }
        case 4: c.what = "edit a config base"; {
            fs::path cfg;
            for (const auto &p : files)
                if (p.parent_path().filename() == "config") cfg = p;
            json j = json::parse(read_file(cfg));
            j["dram"]["I"]["base"] = pick<json>({json(-4294967296LL), json(-1), json(1LL << 40)});
            write_file(cfg, j.dump(2));
            c.args = {"simulate", copy.string()};
            return c;
        }
        default: c.what = "\"writes\": [] in a config"; {
            fs::path cfg;
            for (const auto &p : files)
                if (p.parent_path().filename() == "config") cfg = p;
            json j = json::parse(read_file(cfg));
            if (j.contains("writes")) j["writes"] = json::array();
            else j["registers"] = json::object();
            write_file(cfg, j.dump(2));
            c.args = {"simulate", copy.string()};
            return c;
        }
        }
        write_file(f, t);
        c.args = {"simulate", copy.string()};
        return c;
    }

    Case npy_case(const fs::path &design) {
        Case c;
        c.kind = "npy";
        c.seconds = 180;
        // The fuzz design's one layer takes an int8 input of shape (N, C, H, W) = (1, 4, 6, 6).
        json r = json::parse(read_file(design / "report.json"));
        const std::string config = fs::path(r["layers"][0]["config"].get<std::string>()).filename().string();
        const std::string stem = config.substr(0, config.size() - 5);  // <stem>.json
        const fs::path in = dir_ / "npy" / stem;
        fs::create_directories(in);
        std::string dict = "{'descr': '|i1', 'fortran_order': False, 'shape': (1, 4, 6, 6), }";
        std::string data(144, '\0');
        for (auto &ch : data) ch = char(uniform(-128, 127));
        const int m = int(uniform(0, 8));
        c.known_bad = true;
        std::string magic = "\x93NUMPY";
        switch (m) {
        case 0: c.what = "valid"; c.known_bad = false; c.expect_pass = true; break;
        case 1: c.what = "shape"; dict.replace(dict.find("(1, 4, 6, 6)"), 12, pick<std::string>({"(1, 4, 6, 7)", "(1, 4, 36)", "()", "(-1, 4, 6, 6)", "(99999999999999999999,)", "(1, 4, 6, 6, 1)"})); break;
        case 2: c.what = "dtype"; dict.replace(dict.find("|i1"), 3, pick<std::string>({"<i4", "<f4", "|u1", "|b1", "zz", ""})); break;
        case 3: c.what = "fortran"; dict.replace(dict.find("False"), 5, pick<std::string>({"True", "1", "Maybe"})); break;
        case 4: c.what = "truncated data"; data.resize(size_t(uniform(0, 143))); break;
        case 5: c.what = "magic"; magic = pick<std::string>({"\x93NUMPZ", "NUMPY!", "", "\x93"}); break;
        case 6: c.what = "header length"; dict = pick<std::string>({"{", "", "{'descr': '|i1'}", std::string(70000, ' ')}); break;
        default: c.what = "extra data"; data += "xx"; break;
        }
        std::string header = dict;
        const size_t total = (10 + header.size() + 1 + 63) / 64 * 64;
        header.append(total - 10 - header.size() - 1, ' ');
        header += '\n';
        std::string file = magic + std::string("\x01\x00", 2);
        const size_t len = std::min<size_t>(header.size(), 65535);
        file += char(len & 0xff);
        file += char(len >> 8);
        file += header + data;
        write_file(in / "input.npy", file);
        c.args = {"simulate", design.string(), "--inputs", (dir_ / "npy").string()};
        return c;
    }
};

// Numbers in an estimate: none negative, none inf/nan (nlohmann writes those as null).
std::string estimate_problem(const json &j, const std::string &path = "") {
    if (j.is_number() && (j.get<double>() < 0 || !std::isfinite(j.get<double>()))) return path + " = " + j.dump();
    if (j.is_null()) return path + " is null (inf or nan?)";
    if (j.is_object())
        for (const auto &[k, v] : j.items())
            if (auto p = estimate_problem(v, path + "." + k); !p.empty()) return p;
    if (j.is_array())
        for (size_t i = 0; i < j.size(); ++i)
            if (auto p = estimate_problem(j[i], path + "[" + std::to_string(i) + "]"); !p.empty()) return p;
    return "";
}

// "" if the outcome is acceptable for the case, else why not.
std::string judge(const Case &c, const Outcome &r) {
    if (r.timed_out) return "ran past " + std::to_string(int(c.seconds)) + " s";
    if (r.signal) return "killed by signal " + std::to_string(r.signal);
    if (r.status == 1) {
        int lines = 0;
        std::istringstream in(r.err);
        bool has_error = false;
        for (std::string l; std::getline(in, l);) {
            // compile's notes and simulate's progress lines are not errors
            if (l.find(": note: ") != std::string::npos || l.rfind("note: ", 0) == 0 || l.rfind("building ", 0) == 0 ||
                l.rfind("found in the cache", 0) == 0 || l.rfind("built in", 0) == 0 || l.rfind("[", 0) == 0 || l.empty())
                continue;
            ++lines;
            has_error = has_error || l.find("error") != std::string::npos;
        }
        // simulate's FAIL verdicts go to stdout with exit 1; an error line is still required.
        if (lines != 1 || !has_error) return "exit 1 with " + std::to_string(lines) + " error lines: " + r.err.substr(0, 600);
        return "";
    }
    if (r.status != 0) return "exit status " + std::to_string(r.status) + ": " + r.err.substr(0, 400);
    if (c.known_bad) return "exit 0 on bad input";
    if (c.expect_pass && r.out.find("PASS") == std::string::npos) return "accepted without PASS: " + r.out.substr(0, 400);
    if (c.expect_macs >= 0 || c.estimate_json) {
        json j;
        try {
            j = json::parse(r.out);
        } catch (const std::exception &e) {
            return std::string("stdout is not JSON: ") + e.what();
        }
        if (c.expect_macs >= 0) {
            long long macs = -1;
            if (j.contains("macs")) macs = j["macs"].get<long long>();
            else if (j.contains("problem") && j["problem"].contains("macs")) macs = j["problem"]["macs"].get<long long>();
            if (macs != c.expect_macs)
                return "reports " + std::to_string(macs) + " MACs, the shape gives " + std::to_string(c.expect_macs);
        }
        if (c.estimate_json)
            if (auto p = estimate_problem(j); !p.empty()) return "estimate has " + p;
    }
    return "";
}

// A small compiled design the design and npy cases tamper with (built once; the Verilator build is cached).
fs::path make_design(const Options &o) {
    const fs::path d = fs::path(o.work) / "base-design";
    if (fs::exists(d / "report.json")) return d;
    Options quiet = o;
    const Outcome r = run(quiet, {"compile", "--layer", "conv:C=4,K=4,H=6,W=6,R=3,S=3,pad=1", "--dataflow", "ws",
                                  "--array", "4x4", "-o", d.string()},
                          o.work, 120);
    if (r.status != 0) {
        std::cerr << "fuzz_cli: cannot compile the base design: " << r.err;
        std::exit(2);
    }
    return d;
}

}  // namespace

int main(int argc, char **argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << "fuzz_cli: " << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--tessera") o.tessera = value();
        else if (a == "--src") o.src = value();
        else if (a == "--work") o.work = value();
        else if (a == "--cases") o.cases = std::stol(value());
        else if (a == "--seed") o.seed = std::stoull(value());
        else if (a == "--kinds") o.kinds = value();
        else if (a == "--keep") o.keep = true;
        else {
            std::cerr << "usage: fuzz_cli --tessera BIN --src DIR [--cases N] [--seed S] [--work DIR] "
                         "[--kinds spec,csv,schedule,arch,options,design,npy,mapping] [--keep]\n";
            return 2;
        }
    }
    if (o.tessera.empty() || o.src.empty()) {
        std::cerr << "fuzz_cli: give --tessera and --src\n";
        return 2;
    }
    o.tessera = fs::absolute(o.tessera).string();
    fs::create_directories(o.work);
    std::vector<std::string> kinds = {"spec", "spec", "csv", "schedule", "schedule", "arch", "arch", "options", "design", "npy",
                                      "mapping"};
    if (!o.kinds.empty()) {
        kinds.clear();
        std::stringstream s(o.kinds);
        for (std::string k; std::getline(s, k, ',');) kinds.push_back(k);
    }
    const fs::path design = make_design(o);
    std::map<std::string, int> counts, accepted, failures;
    int failed = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < o.cases; ++i) {
        std::mt19937_64 pick_kind(o.seed * 1000003 + uint64_t(i));
        const std::string kind = kinds[pick_kind() % kinds.size()];
        const fs::path dir = fs::path(o.work) / ("case-" + std::to_string(o.seed) + "-" + std::to_string(i));
        fs::remove_all(dir);
        fs::create_directories(dir);
        Fuzzer f(o, o.seed * 1000003 + uint64_t(i), dir);
        Case c = f.make(kind, design);
        const Outcome r = run(o, c.args, dir, c.seconds);
        const std::string why = judge(c, r);
        ++counts[kind];
        if (r.status == 0) ++accepted[kind];
        if (!why.empty()) {
            ++failed;
            ++failures[kind];
            std::cout << "FAIL case " << i << " (seed " << o.seed << ", " << kind << ": " << c.what << "): " << why
                      << "\n  tessera";
            for (const auto &a : c.args) std::cout << " '" << a << "'";
            std::cout << "\n  files: " << dir.string() << std::endl;
        } else if (!o.keep) {
            fs::remove_all(dir);
        }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "fuzz_cli: " << o.cases << " cases (seed " << o.seed << ") in " << int(seconds) << " s, " << failed
              << " failed;";
    for (const auto &[k, n] : counts)
        std::cout << " " << k << " " << n << " (" << accepted[k] << " accepted, " << failures[k] << " failed)";
    std::cout << std::endl;
    return failed ? 1 : 0;
}
