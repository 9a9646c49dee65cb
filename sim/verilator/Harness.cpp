#include "Harness.h"

#include "TestbenchSource.h"
#include "UserError.h"
#include "ir/Limits.h"
#include "rtl_backend/Process.h"
#include "rtl_backend/RegisterMap.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace tessera::vsim {

namespace fs = std::filesystem;
using rtl::file_tail;
using rtl::run_capture;
using rtl::shell_quote;

namespace {

// FNV-1a, 64 bit: stable across runs and platforms (std::hash is not).
struct Fnv {
    uint64_t h = 1469598103934665603ull;
    void add(const std::string &s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ull;
        }
        h ^= 0xff;  // separator, so ("ab","c") != ("a","bc")
        h *= 1099511628211ull;
    }
    std::string hex() const {
        char buf[17];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
        return buf;
    }
};

// -march=native: about 1.7x the simulation speed of a 16x16 design (the wide lane vectors
// vectorize); the host CPU is part of the cache key so a shared cache never runs a binary built
// for another CPU.
// A missing port of an instance is an error (-Werror-PINMISSING): it would leave the input
// undriven and the design silently wrong where the lint warning scrolls past.
const char *kVerilatorFlags =
    "--cc --exe --build -O3 --x-assign fast --x-initial fast --noassert -Wno-fatal -Werror-PINMISSING "
    "--prefix Vdut -CFLAGS -march=native";
// How hard g++ optimizes the design's own C++ (Verilator's OPT_FAST: the per-cycle code; OPT_SLOW:
// the code run once). The runtime's objects are compiled with OPT_GLOBAL, so they do not depend on
// this. Measured on a 15x16 row-stationary design (2 cores): -O2 builds in 21 s and simulates
// 345 k cycles/s, -O1 builds in 14 s at 323 k cycles/s; on the 16x16 weight-stationary one 13 s
// at 1.06 M against 10-11 s at 0.6 M. -O0 builds barely faster than -O1 and simulates 3-14x
// slower. So a build for a short run (tests, a small layer) takes -O1.
const char *kFullOptimization = " -MAKEFLAGS OPT_FAST=-O2 -MAKEFLAGS OPT_SLOW=-O1";
const char *kQuickOptimization = " -MAKEFLAGS OPT_FAST=-O1 -MAKEFLAGS OPT_SLOW=-O0";

// What -march=native depends on: the CPU model and its feature flags.
std::string host_cpu() {
    std::ifstream in("/proc/cpuinfo");
    std::string line, cpu;
    int found = 0;  // of the first processor's two lines
    while (found < 2 && std::getline(in, line))
        if (line.rfind("model name", 0) == 0 || line.rfind("flags", 0) == 0) {
            cpu += line + "\n";
            ++found;
        }
    return cpu.empty() ? run_capture("uname -m") : cpu;
}

// std::system(cmd) that also reports the resource use of that command alone (wait4 on the shell
// gives its own and its waited-for children's: CPU time summed, peak memory the largest process's).
int system_with_usage(const std::string &cmd, struct rusage &usage) {
    usage = {};
    const pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char *>(nullptr));
        _exit(127);
    }
    int status = 0;
    while (wait4(pid, &status, 0, &usage) < 0)
        if (errno != EINTR) return -1;
    return status;
}

// The Verilator runtime (verilated.cpp, verilated_threads.cpp, verilated_fst_c.cpp when traced)
// compiles to the same objects for every design built with these flags by this Verilator on this
// CPU: 4.8 s of the 8.5 s of CPU a small design's build takes. The first build links the objects
// its makefile lists as global (VM_GLOBAL_FAST, VM_GLOBAL_SLOW) into one (ld -r) kept in `dir`;
// later builds empty the two make variables and link that object where the runtime's objects went
// (LOADLIBES: after the design's objects, before the libraries such as -lz they need) instead of
// compiling them again. The object reaches `dir` by a rename, so a concurrent build sees it whole.
class RuntimeObjects {
public:
    explicit RuntimeObjects(fs::path dir) : dir_(std::move(dir)) {}

    // Verilator options that link the kept object; empty while there is none (or where its path
    // has characters that make or a shell would split).
    std::string link_options() const {
        const fs::path object = dir_ / "runtime.o";
        std::error_code ec;
        if (!fs::exists(object, ec) || object.string().find_first_of(" \t\n'\"$\\#;&|<>()`*?") != std::string::npos)
            return "";
        return " -MAKEFLAGS VM_GLOBAL_FAST= -MAKEFLAGS VM_GLOBAL_SLOW= -MAKEFLAGS LOADLIBES=" + object.string();
    }

    // After a build that compiled the runtime in `obj`: keep its objects for the next builds.
    void keep_from(const fs::path &obj) const {
        std::error_code ec;
        if (fs::exists(dir_, ec)) return;
        const auto names = global_objects(obj / "Vdut_classes.mk");
        if (names.empty()) return;
        const fs::path tmp = dir_.string() + ".tmp." + std::to_string(getpid());
        fs::create_directories(tmp, ec);
        std::string cmd = "ld -r -o " + shell_quote((tmp / "runtime.o").string());
        for (const auto &name : names) cmd += " " + shell_quote((obj / (name + ".o")).string());
        if (!ec && std::system((cmd + " > /dev/null 2>&1").c_str()) == 0) fs::rename(tmp, dir_, ec);
        fs::remove_all(tmp, ec);  // what is left when another build kept it first, or ld failed
    }

private:
    // The names listed under VM_GLOBAL_FAST and VM_GLOBAL_SLOW in Verilator's generated makefile.
    static std::vector<std::string> global_objects(const fs::path &classes_mk) {
        std::ifstream in(classes_mk);
        std::vector<std::string> names;
        std::string line;
        bool in_list = false;
        while (std::getline(in, line)) {
            if (line.rfind("VM_GLOBAL_FAST +=", 0) == 0 || line.rfind("VM_GLOBAL_SLOW +=", 0) == 0) {
                in_list = true;
                continue;
            }
            if (!in_list) continue;
            std::istringstream words(line);
            std::string word;
            while (words >> word)
                if (word != "\\") names.push_back(word);
            in_list = !line.empty() && line.back() == '\\';
        }
        return names;
    }

    fs::path dir_;
};

double cpu_seconds_of(const struct rusage &u) {
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

class JobWriter {
public:
    void word(uint32_t w) { words_.push_back(w); }
    void write_reg(int addr, uint32_t value) {
        word(1);
        word(uint32_t(addr));
        word(value);
    }
    void read_reg(int addr) {
        word(4);
        word(uint32_t(addr));
    }
    template <typename T>
    void load(int64_t base, const std::vector<T> &values) {
        word(2);
        word(uint32_t(base));
        word(uint32_t(values.size()));
        for (T v : values) word(uint32_t(int32_t(v)));
    }
    const std::vector<uint32_t> &words() const { return words_; }

private:
    std::vector<uint32_t> words_{0x314A5354u};
};

}  // namespace

std::vector<uint32_t> job_words(const std::vector<rtl::LayerConfig> &configs,
                                const std::vector<LayerTensors> &tensors, uint64_t max_cycles) {
    if (configs.size() != tensors.size()) throw std::invalid_argument("one tensor set per layer config");
    const auto &names = rtl::counter_names();
    JobWriter job;
    for (size_t i = 0; i < configs.size(); ++i) {
        const rtl::LayerConfig &c = configs[i];
        const LayerTensors &t = tensors[i];
        if (int64_t(t.input.size()) != c.dram.input.words() ||
            int64_t(t.weight.size()) != c.dram.weight.words() ||
            int64_t(t.bias.size()) != c.dram.bias.words())
            throw std::invalid_argument("layer " + c.layer + ": tensor sizes differ from its DRAM layout");
        // The testbench allocates DRAM up to the highest word loaded: keep it inside the layout limit.
        for (const rtl::DramTensor *d : {&c.dram.input, &c.dram.weight, &c.dram.bias, &c.dram.output})
            if (d->base < 0 || d->words() < 0 || d->base + d->words() > ir::kMaxDramWords)
                throw tessera::UserError("layer " + c.layer + ": DRAM tensor " + d->name + " at " +
                                         std::to_string(d->base) + " (" + std::to_string(d->words()) +
                                         " words) is outside 0.." + std::to_string(ir::kMaxDramWords) +
                                         "; recompile the design");
        job.load(c.dram.input.base, t.input);
        job.load(c.dram.weight.base, t.weight);
        job.load(c.dram.bias.base, t.bias);
        job.load(c.dram.output.base, std::vector<int32_t>(size_t(c.dram.output.words()), 0));
        for (const auto &[addr, value] : c.writes) job.write_reg(addr, value);
        job.write_reg(rtl::kRegControl, 1);
        job.word(3);
        job.word(uint32_t(std::min<uint64_t>(max_cycles, 0xffffffffu)));
        for (size_t k = 0; k < names.size(); ++k) {
            job.read_reg(rtl::kRegCounterBase + int(2 * k));
            job.read_reg(rtl::kRegCounterBase + int(2 * k + 1));
        }
        job.word(5);
        job.word(uint32_t(c.dram.output.base));
        job.word(uint32_t(c.dram.output.words()));
    }
    job.word(0);
    return job.words();
}

std::vector<LayerResult> parse_results(const std::vector<uint32_t> &words,
                                       const std::vector<rtl::LayerConfig> &configs, const std::string &log) {
    const auto &names = rtl::counter_names();
    std::vector<LayerResult> results;
    size_t pos = 0;
    auto take = [&]() {
        if (pos >= words.size()) throw std::runtime_error("simulator result truncated: " + log);
        return words[pos++];
    };
    for (const auto &c : configs) {
        LayerResult r;
        r.completed = take() == 1;
        r.testbench_cycles = take();
        r.testbench_cycles |= uint64_t(take()) << 32;
        for (const auto &name : names) {
            uint64_t lo = take(), hi = take();
            r.counters[name] = lo | (hi << 32);
        }
        r.output_words.resize(size_t(c.dram.output.words()));
        for (auto &o : r.output_words) o = int32_t(take());
        r.output.assign(r.output_words.begin(), r.output_words.end());  // the low byte
        results.push_back(std::move(r));
    }
    return results;
}

std::string cache_root(const BuildOptions &o) {
    if (!o.cache_dir.empty()) return o.cache_dir;
    if (const char *env = std::getenv("TESSERA_CACHE"); env && *env) return env;
    if (const char *home = std::getenv("HOME"); home && *home)
        return (fs::path(home) / ".cache" / "tessera").string();
    return (fs::temp_directory_path() / "tessera-cache").string();
}

VerilatedDesign VerilatedDesign::build(const rtl::RtlDesign &design, const BuildOptions &options) {
    static const std::string version = run_capture(shell_quote(options.verilator) + " --version 2>&1");
    if (version.find("Verilator") == std::string::npos)
        throw std::runtime_error("cannot run '" + options.verilator + "' (is Verilator installed?)");
    Fnv hash;
    hash.add(version);
    hash.add(std::string(kVerilatorFlags) + kFullOptimization);
    hash.add(host_cpu());
    const RuntimeObjects runtime(fs::path(cache_root(options)) / "vsim" / ("runtime-" + hash.hex()));
    hash.add(kTestbenchSource);
    hash.add(design.top);
    for (const auto &[name, text] : design.files) {
        hash.add(name);
        hash.add(text);
    }
    const fs::path full_dir = fs::path(cache_root(options)) / "vsim" / hash.hex();
    hash.add(kQuickOptimization);
    const fs::path quick_dir = fs::path(cache_root(options)) / "vsim" / hash.hex();
    // A build optimized in full serves every run; a quick one only short runs.
    const bool quick = options.cycles_ahead > 0 && options.cycles_ahead < kQuickBuildCycles;
    VerilatedDesign v;
    v.dram_latency_ = design.spec.dram_latency;
    const std::vector<fs::path> usable = quick ? std::vector<fs::path>{full_dir, quick_dir} : std::vector<fs::path>{full_dir};
    for (const fs::path &cached : usable)
        if (fs::exists(cached / "tb")) {
            v.binary_ = (cached / "tb").string();
            v.from_cache_ = true;
            return v;
        }
    const fs::path dir = quick ? quick_dir : full_dir;
    v.binary_ = (dir / "tb").string();
    const auto t0 = std::chrono::steady_clock::now();
    const fs::path work = dir.string() + ".tmp." + std::to_string(getpid());
    fs::remove_all(work);
    fs::create_directories(work);
    std::vector<std::string> sources;
    for (const auto &[name, text] : design.files) {
        std::ofstream(work / name, std::ios::binary) << text;
        sources.push_back(name);
    }
    std::ofstream(work / "tb_main.cpp", std::ios::binary) << kTestbenchSource;
    std::ostringstream cmd;
    cmd << "cd " << shell_quote(work.string()) << " && " << shell_quote(options.verilator) << " " << kVerilatorFlags
        << (quick ? kQuickOptimization : kFullOptimization) << runtime.link_options() << " -j " << options.jobs
        << " --top-module " << design.top << " -Mdir obj -o tb tb_main.cpp";
    for (const auto &s : sources) cmd << " " << s;
    cmd << " > build.log 2>&1";
    struct rusage build_usage {};
    if (system_with_usage(cmd.str(), build_usage) != 0 || !fs::exists(work / "obj" / "tb")) {
        // Keep the log, not the half-built temporary directory.
        const fs::path log_path = dir.string() + ".failed-build.log";
        std::error_code ec;
        fs::copy_file(work / "build.log", log_path, fs::copy_options::overwrite_existing, ec);
        std::string log = file_tail((work / "build.log").string(), 30);
        fs::remove_all(work, ec);
        throw std::runtime_error("Verilator build of " + design.top + " failed (" + log_path.string() +
                                 "):\n" + log);
    }
    runtime.keep_from(work / "obj");
    fs::create_directories(dir);
    fs::rename(work / "obj" / "tb", dir / "tb.tmp");
    fs::rename(dir / "tb.tmp", v.binary_);
    fs::rename(work / "build.log", dir / "build.log");
    std::ofstream(dir / "design.txt") << design.top << "\n";  // which design this entry is
    fs::remove_all(work);
    v.build_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    v.build_peak_rss_kb_ = build_usage.ru_maxrss;
    return v;
}

JobRun VerilatedDesign::run_job(const std::vector<uint32_t> &job) const {
    const fs::path tmp = fs::temp_directory_path() /
                         ("tessera-vsim-" + std::to_string(getpid()) + "-" +
                          std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    fs::create_directories(tmp);
    const std::string job_path = (tmp / "job.bin").string(), result_path = (tmp / "result.bin").string(),
                      log_path = (tmp / "tb.log").string();
    {
        std::ofstream out(job_path, std::ios::binary);
        out.write(reinterpret_cast<const char *>(job.data()), std::streamsize(job.size() * 4));
        out.close();
        if (!out) throw std::runtime_error("cannot write " + job_path);
    }
    const auto t0 = std::chrono::steady_clock::now();
    const std::string cmd = shell_quote(binary_) + " " + std::to_string(dram_latency_) + " " + shell_quote(job_path) +
                            " " + shell_quote(result_path) +
                            (dram_stall_percent_ ? " " + std::to_string(dram_stall_percent_) : "") + " > " +
                            shell_quote(log_path) + " 2>&1";
    struct rusage usage {};
    const int status = system_with_usage(cmd, usage);
    JobRun r;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.cpu_seconds = cpu_seconds_of(usage);
    r.peak_rss_kb = usage.ru_maxrss;
    std::ifstream in(result_path, std::ios::binary);
    uint32_t w;
    while (in.read(reinterpret_cast<char *>(&w), 4)) r.words.push_back(w);
    r.log = file_tail(log_path, 10);
    // TESSERA_VSIM_KEEP=DIR keeps the job, result and log files there (to rerun or profile the
    // simulator by hand: tb LATENCY job.bin result.bin).
    if (const char *keep = std::getenv("TESSERA_VSIM_KEEP"); keep && *keep) {
        fs::create_directories(keep);
        for (const char *f : {"job.bin", "result.bin", "tb.log"})
            fs::copy_file(tmp / f, fs::path(keep) / f, fs::copy_options::overwrite_existing);
    }
    fs::remove_all(tmp);
    if (status != 0) throw std::runtime_error("simulator failed: " + r.log);
    return r;
}

std::vector<LayerResult> VerilatedDesign::run(const std::vector<rtl::LayerConfig> &configs,
                                              const std::vector<LayerTensors> &tensors,
                                              uint64_t max_cycles) const {
    if (configs.size() != tensors.size()) throw std::invalid_argument("one tensor set per layer config");
    const JobRun run = run_job(job_words(configs, tensors, max_cycles));
    std::vector<LayerResult> results = parse_results(run.words, configs, run.log);
    for (auto &r : results) {
        r.seconds = run.seconds / double(configs.size());
        r.cpu_seconds = run.cpu_seconds / double(configs.size());
        r.peak_rss_kb = run.peak_rss_kb;
    }
    return results;
}

}  // namespace tessera::vsim
