#include "Synth.h"

#include "Process.h"
#include "UserError.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace tessera::rtl {

namespace fs = std::filesystem;

namespace {

int64_t parameter(const nlohmann::json &cell, const char *name) {
    const auto &p = cell.at("parameters").at(name);
    // Yosys writes parameters as binary strings (or numbers for small values).
    return p.is_string() ? int64_t(std::stoll(p.get<std::string>(), nullptr, 2)) : p.get<int64_t>();
}

void add_totals(SynthReport &r, const std::string &module) {
    ModuleStats &m = r.modules.at(module);
    if (m.total_cells) return;  // done (a module has at least one cell)
    m.total_cells = m.cells, m.total_flops = m.flops, m.total_memory_bits = m.memory_bits;
    for (const auto &[sub, count] : m.instances) {
        add_totals(r, sub);
        const ModuleStats &s = r.modules.at(sub);
        m.total_cells += count * s.total_cells;
        m.total_flops += count * s.total_flops;
        m.total_memory_bits += count * s.total_memory_bits;
    }
}

}  // namespace

double SynthReport::cells_per_pe() const {
    auto it = modules.find("tessera_pe");
    return it == modules.end() ? 0 : double(it->second.cells);
}

double SynthReport::array_cells_per_pe() const {
    auto it = modules.find("tessera_array");
    return it == modules.end() || pes == 0 ? 0 : double(it->second.total_cells) / double(pes);
}

SynthReport synthesize(const RtlDesign &design, const std::string &yosys) {
    const fs::path dir = fs::temp_directory_path() / ("tessera-synth-" + std::to_string(getpid()) + "-" + design.top);
    fs::remove_all(dir);
    write_rtl(design, dir.string());
    std::ostringstream script;
    script << "read_verilog -sv";
    for (const auto &f : design.files) script << " " << f.first;
    script << "\n"
           // Coarse synthesis, memories kept. -nordff: the read-data registers stay flops next to
           // the memory (Yosys's memory_dff grows superlinearly with the ports: minutes for the
           // 256-port buffers of an output-stationary 16x16 array).
           << "synth -top " << design.top << " -nordff -run begin:fine\n"
           << "opt -fast -full\n"
           << "techmap\n"
           << "opt -fast\n"
           << "abc -fast\n"
           << "opt -fast\n"
           << "stat\n"
           << "write_json netlist.json\n";
    std::ofstream(dir / "synth.ys") << script.str();
    const auto t0 = std::chrono::steady_clock::now();
    const std::string cmd = "cd " + shell_quote(dir.string()) + " && " + shell_quote(yosys) +
                            " -q -l synth.log -s synth.ys > /dev/null 2>&1";
    const int status = std::system(cmd.c_str());
    SynthReport r;
    r.top = design.top;
    r.pes = design.spec.pe_count();
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (status != 0 || !fs::exists(dir / "netlist.json")) {
        const std::string log = file_tail((dir / "synth.log").string(), 20);
        throw UserError("Yosys failed on " + design.top + " (" + (dir / "synth.log").string() + "):\n" + log);
    }
    nlohmann::json netlist;
    std::ifstream(dir / "netlist.json") >> netlist;
    for (const auto &[name, module] : netlist.at("modules").items()) {
        ModuleStats m;
        for (const auto &[cell_name, cell] : module.at("cells").items()) {
            const std::string type = cell.at("type").get<std::string>();
            if (netlist.at("modules").contains(type)) {
                ++m.instances[type];
                continue;
            }
            ++m.cells;
            if (type.find("DFF") != std::string::npos) ++m.flops;  // $_DFF_P_, $_DFFE_PP_, $_SDFF...
            if (type == "$mem_v2" || type == "$mem")
                m.memory_bits += parameter(cell, "SIZE") * parameter(cell, "WIDTH");
        }
        r.modules[name] = m;
    }
    for (const auto &[name, m] : r.modules) add_totals(r, name);
    fs::remove_all(dir);
    return r;
}

nlohmann::json to_json(const SynthReport &r) {
    nlohmann::json modules = nlohmann::json::object();
    for (const auto &[name, m] : r.modules)
        modules[name] = {{"cells", m.cells},
                         {"flops", m.flops},
                         {"memory_bits", m.memory_bits},
                         {"instances", m.instances},
                         {"total_cells", m.total_cells},
                         {"total_flops", m.total_flops},
                         {"total_memory_bits", m.total_memory_bits}};
    const ModuleStats &top = r.modules.at(r.top);
    return {{"tool", "yosys"},
            {"flow", "synth -nordff -run begin:fine; techmap; abc -fast (generic gates, memories kept)"},
            {"seconds", r.seconds},
            {"top", r.top},
            {"cells", top.total_cells},
            {"flops", top.total_flops},
            {"memory_bits", top.total_memory_bits},
            {"pes", r.pes},
            {"cells_per_pe", r.cells_per_pe()},
            {"array_cells_per_pe", r.array_cells_per_pe()},
            {"modules", modules}};
}

}  // namespace tessera::rtl
