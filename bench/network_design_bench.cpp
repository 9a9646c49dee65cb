// Network mode end to end (docs/explore.md, "One design for a network"): for each NETWORK:ARCH,
//   tessera explore --network NETWORK --arch ARCH --rtl-only -o WORK/NETWORK_ARCH
//   tessera compile --network NETWORK --arch WORK/NETWORK_ARCH/arch.json --schedule WORK/NETWORK_ARCH
//   tessera simulate (every layer)
// and one line of figures per pair: the design's energy, how far below the best preset it is and
// how far the energy floor would allow, the layers compile took, the layers that PASS (bit-exact,
// every counter and the cycles equal to the model), the network's cycles, and the wall times.
// A campaign over architectures is how network-mode bugs show (a design that compile builds for
// fewer layers than explore reported, a layer that does not PASS); the exit status is 1 then.
//   build/bench/network_design_bench [--tessera PATH] [--work DIR] [-j N] [NETWORK:ARCH ...]
// NETWORK is a bundled name, a network CSV or an ONNX model (.onnx); ARCH a bundled name or a file.
// Default pair: resnet18:default (about 5 minutes on 2 cores).
#include "DriverArgs.h"

#include <nlohmann/json.hpp>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Run {
    std::string out;
    int status = -1;
    double seconds = 0;
};

// Runs `cmd` through the shell, stdout captured (stderr goes to `log`).
Run run(const std::string &cmd, const fs::path &log) {
    Run r;
    const auto start = Clock::now();
    std::unique_ptr<FILE, int (*)(FILE *)> pipe(popen((cmd + " 2>" + log.string()).c_str(), "r"), pclose);
    std::array<char, 4096> buf{};
    while (pipe && fgets(buf.data(), int(buf.size()), pipe.get())) r.out += buf.data();
    const int raw = pipe ? pclose(pipe.release()) : -1;
    r.status = raw == -1 ? -1 : WEXITSTATUS(raw);
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return r;
}

// The number after `label` in explore's text report ("best preset (--dataflow ws): 1.2e10 pJ").
double number_after(const std::string &text, const std::string &pattern) {
    std::smatch m;
    if (!std::regex_search(text, m, std::regex(pattern + R"(\s*([0-9.eE+]+))"))) return 0;
    return std::stod(m[1].str());
}

std::string quote(const std::string &s) { return "'" + s + "'"; }

// A command's one-line error from its stderr: the last line with "error:" (tessera's own, which
// may be followed by a log excerpt such as Verilator's), else the last non-empty line.
std::string error_line(const fs::path &log) {
    std::ifstream in(log);
    std::string line, last, error;
    while (std::getline(in, line)) {
        if (!line.empty()) last = line;
        if (line.find("error:") != std::string::npos) error = line;
    }
    if (!error.empty()) return error;
    return last.empty() ? "(no message; " + log.string() + ")" : last;
}

// "1.82x", or "-" when explore printed no preset comparison (no preset maps every layer).
std::string factor(double x) {
    if (!(x > 0)) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2fx", x);
    return buf;
}

constexpr const char *kUsage = "usage: network_design_bench [--tessera PATH] [--work DIR] [-j N] [NETWORK:ARCH ...]";

}  // namespace

int main(int argc, char **argv) {
    std::string tessera = TESSERA_BINARY;
    fs::path work = fs::temp_directory_path() / "tessera_network_design_bench";
    uint64_t jobs = 2;
    std::vector<std::string> pairs;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        tessera::driver::exit_on_help(argv[i], kUsage);
        const bool has_value = i + 1 < argc;
        if ((a == "--tessera" || a == "--work" || a == "-j" || a == "--jobs") && !has_value) {
            std::fprintf(stderr, "error: %s needs a value; %s\n", a.c_str(), kUsage);
            return 2;
        }
        if (a == "--tessera") tessera = argv[++i];
        else if (a == "--work") work = argv[++i];
        else if (a == "-j" || a == "--jobs") jobs = tessera::driver::whole_number("-j", argv[++i]);
        else if (a.find(':') != std::string::npos && a[0] != '-') pairs.push_back(a);
        else {
            std::fprintf(stderr, "error: unknown argument '%s'; %s\n", a.c_str(), kUsage);
            return 2;
        }
    }
    if (jobs == 0) jobs = 1;
    if (pairs.empty()) pairs = {"resnet18:default"};
    fs::create_directories(work);

    int failures = 0;
    std::printf("%-12s %-16s %9s %12s %8s %8s %9s %7s %12s %9s\n", "network", "arch", "explore s", "energy pJ",
                "x preset", "x floor", "compiled", "PASS", "cycles", "simulate s");
    for (const std::string &pair : pairs) {
        const std::string net = pair.substr(0, pair.find(':')), arch = pair.substr(pair.find(':') + 1);
        const std::string tag = fs::path(net).stem().string() + "_" + fs::path(arch).stem().string();
        const std::string shown = fs::path(net).filename().string();  // a path's file name
        const fs::path dir = work / tag, design = work / (tag + ".design");
        // An ONNX model is a network too (--onnx), a CSV path or a bundled name --network.
        const std::string source = (fs::path(net).extension() == ".onnx" ? " --onnx " : " --network ") + quote(net);
        fs::remove_all(dir), fs::remove_all(design);
        std::fprintf(stderr, "%s on %s: explore...\n", shown.c_str(), arch.c_str());
        const Run explore = run(tessera + " explore -q --rtl-only -j " + std::to_string(jobs) + source +
                                    " --arch " + quote(arch) + " -o " + quote(dir.string()),
                                work / (tag + ".explore.err"));
        double energy = number_after(explore.out, R"(network:)");  // a network of several layers
        if (energy <= 0) energy = number_after(explore.out, R"(explore:)");
        const double preset = number_after(explore.out, R"(best preset \(--dataflow [a-z]+\):)");
        const double floor_x = number_after(explore.out, R"(the floor allows)");
        if (explore.status != 0 || !(energy > 0)) {
            std::printf("%-12s %-16s explore failed (exit %d): %s\n", shown.c_str(), arch.c_str(), explore.status,
                        error_line(work / (tag + ".explore.err")).c_str());
            ++failures;
            continue;
        }
        std::fprintf(stderr, "%s on %s: compile...\n", shown.c_str(), arch.c_str());
        const Run compile = run(tessera + " compile" + source + " --arch " +
                                    quote((dir / "arch.json").string()) + " --schedule " + quote(dir.string()) +
                                    " -o " + quote(design.string()),
                                work / (tag + ".compile.err"));
        std::smatch m;
        std::string compiled = "-";
        bool all_compiled = false;
        if (std::regex_search(compile.out, m, std::regex(R"(([0-9]+) of ([0-9]+) layer config)")))
            compiled = m[1].str() + "/" + m[2].str(), all_compiled = m[1].str() == m[2].str();
        if (compile.status != 0 || !all_compiled) {
            std::printf("%-12s %-16s %9.1f %12.4e %8s %8s %9s compile failed or took fewer layers (exit %d): %s\n",
                        shown.c_str(), arch.c_str(), explore.seconds, energy, factor(preset / energy).c_str(),
                        factor(floor_x).c_str(), compiled.c_str(), compile.status,
                        error_line(work / (tag + ".compile.err")).c_str());
            ++failures;
            continue;
        }
        std::fprintf(stderr, "%s on %s: simulate...\n", shown.c_str(), arch.c_str());
        const Run sim = run(tessera + " simulate --json -j " + std::to_string(jobs) + " --dir " + quote(design.string()),
                            work / (tag + ".simulate.err"));
        try {
            const auto j = nlohmann::json::parse(sim.out);
            int pass = 0, layers = 0;
            for (const auto &l : j.at("layers")) pass += l.at("pass").get<bool>(), ++layers;
            const int64_t measured = j.at("cycles_measured"), model = j.at("cycles_model");
            std::printf("%-12s %-16s %9.1f %12.4e %8s %8s %9s %3d/%-3d %12lld %9.1f%s\n", shown.c_str(),
                        arch.c_str(), explore.seconds, energy, factor(preset / energy).c_str(),
                        factor(floor_x).c_str(), compiled.c_str(), pass,
                        layers, static_cast<long long>(measured), sim.seconds,
                        measured == model ? "" : "  (cycles differ from the model's)");
            failures += pass != layers || measured != model || sim.status != 0;
        } catch (const std::exception &) {  // no JSON: simulate stopped before its report
            std::printf("%-12s %-16s simulate failed (exit %d): %s\n", shown.c_str(), arch.c_str(), sim.status,
                        error_line(work / (tag + ".simulate.err")).c_str());
            ++failures;
        }
    }
    return failures ? 1 : 0;
}
