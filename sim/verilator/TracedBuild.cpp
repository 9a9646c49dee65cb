#include "TracedBuild.h"

#include "TraceTestbenchSource.h"
#include "rtl_backend/Process.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace tessera::vsim {

namespace fs = std::filesystem;

namespace {

// The wrapper the harness runs as its "verilator": in the harness's work directory it swaps the
// testbench for the traced one and adds --trace-fst; everything else passes through.
std::string wrapper_script(const std::string &verilator, const std::string &tb_trace) {
    return "#!/bin/sh\n"
           "# Verilator for FST-traced tessera builds (written by sim/verilator/TracedBuild.cpp).\n"
           "if [ \"$1\" = --version ]; then exec " + rtl::shell_quote(verilator) + " --version; fi\n"
           "cp " + rtl::shell_quote(tb_trace) + " tb_trace.cpp || exit 1\n"
           "for a do\n"
           "  shift\n"
           "  if [ \"$a\" = tb_main.cpp ]; then set -- \"$@\" tb_trace.cpp; else set -- \"$@\" \"$a\"; fi\n"
           "done\n"
           "exec " + rtl::shell_quote(verilator) + " --trace-fst \"$@\"\n";
}

// Writes `text` to `path` atomically (other processes may be building at the same time).
void write_file(const fs::path &path, const std::string &text, bool executable) {
    const fs::path tmp = path.string() + ".tmp." + std::to_string(getpid());
    {
        std::ofstream out(tmp, std::ios::binary);
        out << text;
        if (!out) throw std::runtime_error("cannot write " + tmp.string());
    }
    if (executable)
        fs::permissions(tmp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                 fs::perms::others_read | fs::perms::others_exec);
    fs::rename(tmp, path);
}

}  // namespace

VerilatedDesign build_traced(const rtl::RtlDesign &design, BuildOptions options) {
    const std::string verilator = options.verilator;
    // The harness's cache key covers the RTL, its testbench and flags, not the wrapper's: traced
    // builds get a cache of their own, keyed by the traced testbench and the wrapper.
    const std::string keyed = wrapper_script(verilator, "tb_trace.cpp") + kTraceTestbenchSource;
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (unsigned char c : keyed) h = (h ^ c) * 1099511628211ull;
    char key[17];
    std::snprintf(key, sizeof key, "%016llx", static_cast<unsigned long long>(h));
    const fs::path root = fs::path(cache_root(options)) / (std::string("fst-") + key);
    fs::create_directories(root);
    const fs::path tb = root / "tb_trace.cpp", script = root / "verilator-fst";
    if (!fs::exists(tb)) write_file(tb, kTraceTestbenchSource, false);
    if (!fs::exists(script)) write_file(script, wrapper_script(verilator, tb.string()), true);
    options.cache_dir = root.string();
    options.verilator = script.string();
    return VerilatedDesign::build(design, options);
}

}  // namespace tessera::vsim
