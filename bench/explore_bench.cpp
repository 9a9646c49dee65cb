// Mapping-search speed (docs/explore.md, "Speed"): one ResNet-50 3x3 layer (CB2a_2) searched on one
// core, every ResNet-50 layer on the given threads, and model evaluations per second inside the
// search. Prints figures; not a test.
//   build/bench/explore_bench [--threads N] [--arch NAME] [--steps S] [--layers N]
#include "DriverArgs.h"
#include "Lower.h"
#include "Networks.h"
#include "Search.h"
#include "ir/ArchitectureJson.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

using namespace tessera;

namespace {

ir::Problem problem_of(const ir::LayerSpec &l, const ir::Architecture &arch) {
    ScheduleRequest req;
    req.rows = arch.rows, req.cols = arch.cols;
    req.buffer_bytes = 1 << 22;
    return lower_to_ir(l, req).problem;
}

}  // namespace

int main(int argc, char **argv) {
    int threads = 2;
    int64_t steps = explore::SearchOptions{}.anneal_steps;  // explore's default
    std::string arch_name = "default";
    int max_layers = 1 << 30;  // --layers N: only the first N ResNet-50 layers in the network run
    for (int i = 1; i < argc; i += 2) {
        const bool known = !std::strcmp(argv[i], "--threads") || !std::strcmp(argv[i], "--arch") ||
                           !std::strcmp(argv[i], "--steps") || !std::strcmp(argv[i], "--layers");
        if (!known || i + 1 >= argc)
            return std::fprintf(stderr, "usage: explore_bench [--threads N] [--arch FILE|NAME] [--steps N] [--layers N]\n"), 2;
        if (!std::strcmp(argv[i], "--threads")) threads = int(driver::whole_number(argv[i], argv[i + 1]));
        else if (!std::strcmp(argv[i], "--arch")) arch_name = argv[i + 1];
        else if (!std::strcmp(argv[i], "--steps")) steps = int64_t(driver::whole_number(argv[i], argv[i + 1]));
        else max_layers = int(driver::whole_number(argv[i], argv[i + 1]));
    }
    const ir::Architecture arch = ir::load_architecture(arch_name);
    const auto net = load_network("resnet50");
    std::vector<ir::Problem> problems;
    for (const auto &l : net)
        if (int(problems.size()) < max_layers) problems.push_back(problem_of(l, arch));

    explore::SearchOptions opt;
    opt.mode = "anneal";
    opt.anneal_steps = steps;
    opt.threads = 1;
    const explore::SpaceInfo cb2a = explore::space_info(problem_of(find_layer(net, "CB2a_2", "resnet50"), arch), arch);
    const auto one = explore::search(cb2a, opt);
    std::printf("one layer (CB2a_2, 3x3), 1 thread: %.2f s, %lld evaluations, %.0f evaluations/s, best %.2f pJ/MAC\n",
                one.seconds, (long long)one.evaluated, double(one.evaluated) / one.seconds,
                one.best.energy_pj / double(cb2a.problem.macs()));

    opt.threads = threads;
    opt.restarts = 2;  // `tessera explore --network`'s default (two searches per layer)
    const auto start = std::chrono::steady_clock::now();
    int64_t evaluated = 0;
    // As `tessera explore --network` does: identical layers share one search.
    const std::vector<size_t> first = explore::first_identical(problems);
    std::vector<double> energy(problems.size());
    size_t searched = 0;
    for (size_t i = 0; i < problems.size(); ++i)
        if (first[i] == i) {
            const auto r = explore::search(explore::space_info(problems[i], arch), opt);
            evaluated += r.evaluated;
            energy[i] = r.best.energy_pj;
            ++searched;
        }
    double network_pj = 0;
    for (size_t i = 0; i < problems.size(); ++i) network_pj += energy[first[i]];
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("resnet50, %zu layers (%zu distinct), %d threads, 2 searches per layer: %.2f s, %.1f layers/s, "
                "%lld evaluations, %.0f evaluations/s\n",
                problems.size(), searched, threads, s, double(problems.size()) / s, (long long)evaluated,
                double(evaluated) / s);
    std::printf("resnet50 network energy (each layer its best mapping): %.4g pJ\n", network_pj);
    return 0;
}
