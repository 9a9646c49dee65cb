// Front-end speed: `tessera lower` of one ResNet-50 layer including process start (target 100 ms),
// and all 54 ResNet-50 layers lowered in one process (target 1 s).
//   build/bench/lower_bench [path/to/tessera]
#include "DriverArgs.h"
#include "Lower.h"
#include "Networks.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using Clock = std::chrono::steady_clock;

static double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

int main(int argc, char **argv) {
    const std::string tessera = tessera::driver::tessera_path_argument(
        argc, argv, "usage: lower_bench [path/to/tessera]", TESSERA_BINARY);
    const std::string cmd = tessera + " lower --network resnet50 --layer CB2a_2 --dataflow ws > /dev/null";
    const int runs = 10;
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        auto t = Clock::now();
        if (std::system(cmd.c_str()) != 0) return std::fprintf(stderr, "command failed: %s\n", cmd.c_str()), 1;
        times.push_back(seconds_since(t));
    }
    std::sort(times.begin(), times.end());
    std::printf("tessera lower, one ResNet-50 layer (CB2a_2, ws), process included: median %.1f ms, "
                "min %.1f ms over %d runs (target 100 ms)\n",
                1e3 * times[runs / 2], 1e3 * times[0], runs);

    const auto layers = tessera::load_network("resnet50");
    for (const char *df : {"os", "ws", "is"}) {
        tessera::ScheduleRequest req;
        req.dataflow = df;
        auto t = Clock::now();
        int64_t macs = 0;
        for (const auto &l : layers) macs += tessera::lower_to_ir(l, req).problem.macs();
        std::printf("all %zu ResNet-50 layers, %s, one process: %.3f s (target 1 s), %.2f GMACs\n",
                    layers.size(), df, seconds_since(t), macs / 1e9);
    }
    return 0;
}
