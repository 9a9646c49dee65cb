#include "Icarus.h"

#include "rtl_backend/Process.h"
#include "rtl_backend/Testbench.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace tessera::vsim {

namespace fs = std::filesystem;
using rtl::file_tail;
using rtl::shell_quote;

namespace {

// The DRAM the job loads (the highest word), rounded up to a power of two.
uint64_t dram_words(const std::vector<uint32_t> &job) {
    uint64_t high = 1;
    size_t i = 1;
    while (i < job.size() && job[i] != 0) {
        switch (job[i]) {
        case 1: i += 3; break;
        case 2: high = std::max<uint64_t>(high, uint64_t(job[i + 1]) + job[i + 2]); i += 3 + job[i + 2]; break;
        case 3: case 4: i += 2; break;
        case 5: i += 3; break;
        default: throw std::logic_error("unknown job command");
        }
    }
    uint64_t words = 1;
    while (words < high) words <<= 1;
    return words;
}

}  // namespace

bool icarus_available() {
    return std::system("command -v iverilog > /dev/null 2>&1 && command -v vvp > /dev/null 2>&1") == 0;
}

std::vector<LayerResult> run_icarus(const rtl::RtlDesign &design, const std::vector<rtl::LayerConfig> &configs,
                                    const std::vector<LayerTensors> &tensors, uint64_t max_cycles) {
    const std::vector<uint32_t> job = job_words(configs, tensors, max_cycles);
    const fs::path work = fs::temp_directory_path() /
                          ("tessera-icarus-" + std::to_string(getpid()) + "-" +
                           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    fs::create_directories(work);
    struct Cleanup {
        fs::path p;
        ~Cleanup() {
            std::error_code ec;
            if (!std::getenv("TESSERA_ICARUS_KEEP")) fs::remove_all(p, ec);
        }
    } cleanup{work};
    std::string sources;
    for (const auto &[name, text] : design.files) {
        std::ofstream(work / name, std::ios::binary) << text;
        sources += " " + shell_quote(name);
    }
    std::ofstream(work / "tessera_tb.sv") << rtl::emit_testbench(design.spec);
    {
        std::ofstream hex(work / "job.hex");
        char buf[16];
        for (uint32_t w : job) {
            std::snprintf(buf, sizeof buf, "%08x\n", w);
            hex << buf;
        }
    }
    const std::string cd = "cd " + shell_quote(work.string()) + " && ";
    const std::string compile = cd + "iverilog -g2012 -s " + rtl::kTestbenchModule + " -P" + rtl::kTestbenchModule +
                                ".DRAM_WORDS=" + std::to_string(dram_words(job)) +
                                " -o tb.vvp tessera_tb.sv" + sources + " > build.log 2>&1";
    if (std::system(compile.c_str()) != 0)
        throw std::runtime_error("iverilog failed to compile " + design.top + ":\n" +
                                 file_tail((work / "build.log").string(), 20));
    const std::string run = cd + "vvp -n tb.vvp +job=job.hex +result=result.hex +latency=" +
                            std::to_string(design.spec.dram_latency) + " > run.log 2>&1";
    const int status = std::system(run.c_str());
    const std::string log = file_tail((work / "run.log").string(), 20);
    if (status != 0 || log.find("tb: x_errors") == std::string::npos)
        throw std::runtime_error("vvp failed on " + design.top + ":\n" + log);
    if (log.find("tb: X") != std::string::npos || log.find("tb: x_errors 0") == std::string::npos)
        throw std::runtime_error("X reached an output, counter or DRAM write of " + design.top +
                                 " under Icarus:\n" + log);
    std::ifstream in(work / "result.hex");
    std::vector<uint32_t> words;
    std::string line;
    while (std::getline(in, line)) {
        if (line.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos || line.empty())
            throw std::runtime_error("Icarus result word '" + line + "' is not hex (X or Z?):\n" + log);
        words.push_back(uint32_t(std::stoul(line, nullptr, 16)));
    }
    return parse_results(words, configs, log);
}

}  // namespace tessera::vsim
