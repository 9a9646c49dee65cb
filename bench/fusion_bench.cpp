// Depth-first tuning speed and result: `tessera explore --fusion` on ResNet-18, MobileNetV2 and
// fsrcnn, on the default architecture and on examples/arch/small_glb.json (target: each run at
// most 60 s on 2 cores). Prints the wall time (process, per-layer presets and tuning included)
// and depth first's factors against layer by layer (energy, DRAM words, cycles), with each layer's
// mapping its best preset, then explore's per-layer search (--layer-search 3000).
//   build/bench/fusion_bench [path/to/tessera]
#include "DriverArgs.h"

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

using Clock = std::chrono::steady_clock;

int main(int argc, char **argv) {
    const std::string tessera = tessera::driver::tessera_path_argument(
        argc, argv, "usage: fusion_bench [path/to/tessera]", TESSERA_BINARY);
    int failures = 0;
    std::printf("%-12s %-10s %-8s %8s %8s %8s %8s %7s %s\n", "network", "arch", "mappings", "seconds", "energy", "DRAM",
                "cycles", "groups", "(factors: layer by layer / depth first)");
    for (const char *net : {"resnet18", "mobilenetv2", "fsrcnn"})
        for (const char *arch : {"default", "small_glb"})
            for (const char *search : {"0", "3000"}) {
            const std::string cmd = tessera + " explore --fusion --json --network " + net + " --arch " + arch +
                                    " --layer-search " + search + " 2>/dev/null";
            const char *mappings = search[0] == '0' ? "presets" : "explore";
            const auto start = Clock::now();
            std::unique_ptr<FILE, int (*)(FILE *)> pipe(popen(cmd.c_str(), "r"), pclose);
            std::string out;
            std::array<char, 4096> buf{};
            while (pipe && fgets(buf.data(), int(buf.size()), pipe.get())) out += buf.data();
            const double s = std::chrono::duration<double>(Clock::now() - start).count();
            try {
                const auto j = nlohmann::json::parse(out);
                const auto &a = j.at("layer_by_layer"), &b = j.at("depth_first");
                int fused = 0;
                for (const auto &g : j.at("groups")) fused += g.at("overlap") != "none";
                std::printf("%-12s %-10s %-8s %8.1f %7.2fx %7.2fx %7.2fx %7d%s\n", net, arch, mappings, s,
                            a.at("energy_pj").get<double>() / b.at("energy_pj").get<double>(),
                            a.at("dram_words").get<double>() / b.at("dram_words").get<double>(),
                            a.at("cycles").get<double>() / b.at("cycles").get<double>(), fused,
                            s > 60 ? "  OVER 60 s" : "");
                failures += s > 60;
            } catch (const std::exception &e) {
                std::printf("%-12s %-10s %-8s failed: %s\n", net, arch, mappings, e.what());
                ++failures;
            }
        }
    return failures ? 1 : 0;
}
