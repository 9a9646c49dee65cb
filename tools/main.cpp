// tessera: Halide layers with hardware schedules -> accelerator IR -> model | RTL -> Verilator.
#include "Commands.h"
#include "UserError.h"

#include <cstring>
#include <iostream>
#include <map>

namespace {

const char *kUsage = R"(usage: tessera <command> [options]

commands:
  lower     print the scheduled loop nest (accelerator IR) of a layer; --json for the IR
  estimate  analytical energy, cycles and access counts of a layer or network
  compile   generate accelerator Verilog, per-layer configuration and a report
  simulate  run a compiled design in Verilator, check outputs and counters
  explore   search the mappings of a layer or network; write the winners as schedules

'tessera <command> --help' lists a command's options.
)";

}  // namespace

int main(int argc, char **argv) {
    using namespace tessera::cli;
    const std::map<std::string, int (*)(const Args &)> commands = {
        {"lower", run_lower},
        {"estimate", run_estimate},
        {"compile", run_compile},
        {"simulate", run_simulate},
        {"explore", run_explore},
    };
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
        std::cout << kUsage;
        return argc < 2 ? 2 : 0;
    }
    auto it = commands.find(argv[1]);
    if (it == commands.end()) {
        std::cerr << "tessera: error: unknown command '" << argv[1] << "'; run 'tessera --help'\n";
        return 2;
    }
    try {
        const int status = it->second(Args(argv + 2, argv + argc));
        // Output that never reached its file (a full disk, /dev/full, a closed pipe) is a failure.
        std::cout.flush();
        if (!std::cout) {
            std::cerr << "tessera " << argv[1] << ": error: cannot write the output to stdout "
                      << "(disk full or closed?)\n";
            return 1;
        }
        return status;
    } catch (const tessera::UserError &e) {
        std::cerr << "tessera " << argv[1] << ": error: " << e.what() << "\n";
        return 1;
    } catch (const std::exception &e) {
        // Anything else is still reported as one line; it names the internal cause.
        std::cerr << "tessera " << argv[1] << ": error: " << e.what() << "\n";
        return 1;
    }
}
