// tessera compile: generate an accelerator (SystemVerilog) for a layer or a whole network, the
// register values of every layer, a report (IR, model estimate, optional Yosys synthesis) and a
// README. One design runs every layer that fits it (docs/rtl.md).
#include "ArchitectureOption.h"
#include "Commands.h"
#include "LayerOptions.h"
#include "MappingImport.h"
#include "Presets.h"
#include "UserError.h"
#include "ir/ArchitectureJson.h"
#include "ir/Json.h"
#include "ir/Validate.h"
#include "model/Model.h"
#include "model/Report.h"
#include "rtl_backend/DesignFingerprint.h"
#include "rtl_backend/DesignReadme.h"
#include "rtl_backend/LayerConfig.h"
#include "rtl_backend/RtlGenerator.h"
#include "rtl_backend/SvText.h"
#include "rtl_backend/Testbench.h"
#include "rtl_backend/Synth.h"

#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

namespace tessera::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

void write_file(const fs::path &path, const std::string &text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();  // a full disk shows when the buffer is flushed
    if (!out) throw UserError("cannot write " + path.string() + " (disk full or not writable?)");
}

// How the user chose the schedule, for the generated files' header comment.
std::string schedule_description(const LayerSelection &sel, const std::vector<SelectedLayer> &layers) {
    std::string s;
    if (!sel.onnx.empty()) s += "onnx " + sel.onnx + (sel.layer.empty() ? "" : ", layer " + sel.layer) + "; ";
    else if (!sel.network.empty()) s += "network " + sel.network + (sel.layer.empty() ? "" : ", layer " + sel.layer) + "; ";
    else if (!sel.layer.empty()) s += "layer " + sel.layer + "; ";
    if (!sel.dataflow.empty()) s += "--dataflow " + sel.dataflow + " ";
    if (!sel.spatial.empty()) s += "--spatial '" + sel.spatial + "' ";
    if (!sel.schedule_file.empty()) s += "--schedule " + sel.schedule_file + " ";
    s += "--array " + sel.array;
    if (!layers.front().ir.mapping.schedule.empty())
        s += "\nfirst layer's schedule:\n" + layers.front().ir.mapping.schedule;
    return s;
}

void print_synth(std::ostream &out, const rtl::SynthReport &r) {
    out << "yosys (" << std::fixed << std::setprecision(1) << r.seconds << " s): per module (own cells; "
        << "with submodules: total)\n";
    out << "  " << std::left << std::setw(34) << "module" << std::right << std::setw(10) << "cells"
        << std::setw(10) << "flops" << std::setw(12) << "mem bits" << std::setw(12) << "total" << "\n";
    for (const auto &[name, m] : r.modules)
        out << "  " << std::left << std::setw(34) << name << std::right << std::setw(10) << m.cells
            << std::setw(10) << m.flops << std::setw(12) << m.memory_bits << std::setw(12) << m.total_cells
            << "\n";
    const auto &top = r.modules.at(r.top);
    out << "  total: " << top.total_cells << " cells, " << top.total_flops << " flops, "
        << top.total_memory_bits << " memory bits\n"
        << "  cells per PE: " << std::setprecision(0) << r.cells_per_pe() << " (tessera_pe), "
        << r.array_cells_per_pe() << " (array incl. reduction trees, / " << r.pes << " PEs)\n";
}

// Why the architecture cannot run a layer's mapping (ir::validate_fit: capacity, array, a
// pipelined array's preload), or "".
std::string why_not_runs_on(const ir::AcceleratorIR &ir, const ir::Architecture &arch) {
    try {
        ir::validate_fit(ir, arch);
    } catch (const std::exception &e) {
        return e.what();
    }
    return {};
}

// A preset maps some layers onto another interconnect than the design's (under `os`, a network's
// convolutions map Y|X but its fc maps N|K), or in a way the architecture cannot run (on a
// pipelined array, a depthwise conv's input reloads into every PE each cycle). Such a layer is
// tried with every other spatial mapping on the design's array (same dataflow, same buffer
// budget) and keeps the fastest that runs on the architecture and the design, the design growing
// its buffers for it if needed.
void remap_to_fit(std::vector<SelectedLayer> &selected, const LayerSelection &sel,
                  const ir::Architecture &arch, const std::string &top) {
    if (!sel.schedule_file.empty() || !sel.generator.empty()) return;  // the user's own schedule
    auto design_of = [&](size_t replaced, const ir::AcceleratorIR *with) {
        std::vector<ir::AcceleratorIR> irs;
        for (size_t i = 0; i < selected.size(); ++i) irs.push_back(i == replaced ? *with : selected[i].ir);
        return rtl::design_for(irs, arch, top);
    };
    const rtl::DesignSpec design = design_of(selected.size(), nullptr);
    for (size_t i = 0; i < selected.size(); ++i) {
        SelectedLayer &s = selected[i];
        std::string why = why_not_runs_on(s.ir, arch);
        if (why.empty()) why = rtl::why_not_fits(design, s.ir);
        if (why.empty()) continue;
        std::optional<ir::AcceleratorIR> best;
        int64_t best_cycles = 0;
        std::string best_mapping;
        for (const std::string &mapping : spatial_mappings(s.layer)) {
            ScheduleRequest req = schedule_request(sel);
            req.spatial = mapping;
            req.rows = mapping.find('|') == std::string::npos ? 1 : design.rows;
            req.cols = design.cols;
            try {
                const ir::AcceleratorIR candidate = lower_to_ir(s.layer, req);
                if (!why_not_runs_on(candidate, arch).empty()) continue;
                if (!rtl::why_not_fits(design_of(i, &candidate), candidate).empty()) continue;
                const int64_t cycles = model::Model(candidate, arch).evaluate().cycles.total;
                if (!best || cycles < best_cycles) best = candidate, best_cycles = cycles, best_mapping = mapping;
            } catch (const std::exception &) {
                continue;  // a mapping this layer cannot take
            }
        }
        if (!best) continue;  // reported as not fitting below
        std::cerr << "tessera compile: note: layer " << s.layer.name << " does not fit the design as "
                  << (imports_mapping(sel) || !sel.schedule_file.empty() ? "its mapping places it (" : "the preset maps it (")
                  << why << "); mapped as '" << best_mapping << "' on "
                  << best->mapping.array_rows() << "x" << best->mapping.array_cols() << " instead\n";
        s.ir = *best;
    }
}

}  // namespace

int run_compile(const Args &args) {
    if (wants_fusion(args, "--fuse")) return run_compile_fused(args);  // docs/rtl.md, "Fused groups"
    LayerSelection sel;
    std::string arch_name = "default", out_dir, top = "tessera_accel", interconnect;
    bool synth = false;
    po::options_description desc(
        "tessera compile: accelerator Verilog, per-layer configuration and a report (docs/rtl.md)\n\n"
        "  tessera compile --network resnet18 --dataflow ws --array 16x16 -o out\n"
        "  tessera compile --layer conv:C=64,K=64,H=56,W=56,R=3,S=3,pad=1 --spatial 'C|K' -o out --synth\n"
        "  tessera compile --network resnet18 --fuse 1..2 --tile 8x8 --overlap cache-h --residual -o out   (fused group: --fuse x --help)\n\n"
        "options");
    add_layer_options(desc, sel);
    desc.add_options()
        ("arch", po::value(&arch_name)->default_value(arch_name),
         "architecture: a JSON (or YAML) file, a Timeloop architecture YAML, a bundled name (examples/arch/NAME.json) or 'default'; "
         "a level with \"double_buffered\": true (e.g. --arch double_buffered) gets two-bank buffers "
         "whose transfers overlap compute (a buffer the schedule keeps single with hw::single_buffered has one, "
         "and so has an output block below the output's DRAM-fed tile: its drains and reloads stall)")
        ("interconnect", po::value(&interconnect), kInterconnectHelp)
        ("output,o", po::value(&out_dir), "directory to write (rtl/, config/, report.json, README.md)")
        ("top", po::value(&top)->default_value(top), "name of the top module")
        ("synth", po::bool_switch(&synth), "run Yosys: cells, flops and memory bits per module")
        ("help,h", "this help");
    po::variables_map vm;
    if (!parse_command_line(args, desc, vm, "compile")) return 0;
    if (out_dir.empty()) throw UserError("compile needs -o DIR (where to write the design)");
    bool identifier = !top.empty() && (std::isalpha(static_cast<unsigned char>(top[0])) || top[0] == '_');
    for (char c : top) identifier = identifier && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!identifier) throw UserError("--top '" + top + "' is not a Verilog identifier");
    if (rtl::is_sv_keyword(top)) throw UserError("--top '" + top + "' is a SystemVerilog keyword; choose another name");
    if (top.rfind("tessera_", 0) == 0 && top != "tessera_accel")
        throw UserError("--top '" + top + "': names starting with tessera_ are the design's own modules");
    ir::Architecture arch = select_architecture(arch_name, vm, sel);
    if (!interconnect.empty()) {
        apply_interconnect(arch, interconnect);
        size_presets_for(arch, sel);  // presets map for the interconnect
    }
    auto selected = lower_selection(sel);
    // A layer the architecture cannot run (under a preset, even remapped) is left out of the
    // design and reported with its reason, as a layer that does not fit the design is; with no
    // layer left, the first reason is the error.
    std::vector<std::string> not_runnable;
    auto design_of = [&] {
        not_runnable.clear();
        std::vector<ir::AcceleratorIR> irs;
        for (const auto &s : selected) {
            not_runnable.push_back(why_not_runs_on(s.ir, arch));
            if (not_runnable.back().empty()) irs.push_back(s.ir);
        }
        for (size_t i = 0; i < selected.size(); ++i)
            if (irs.empty() || selected.size() == 1)
                if (!not_runnable[i].empty()) throw UserError("layer " + selected[i].layer.name + ": " + not_runnable[i]);
        return rtl::design_for(irs, arch, top);
    };
    remap_to_fit(selected, sel, arch, top);
    rtl::DesignSpec spec = design_of();
    // Each buffer is sized for its tensor's largest tile over the layers, so a network's buffers
    // can total more than the global buffer although every layer's tiles fit it. Presets then
    // tile for less, in proportion, until the design fits.
    const int glb_index = arch.level_index(sel.shared_level);
    const ir::MemoryLevel *glb = arch.level(sel.shared_level);
    const bool presets = sel.schedule_file.empty() && sel.generator.empty();
    for (int attempt = 0; presets && glb && glb->size_bytes > 0 &&
                          spec.buffer_bytes_at(glb_index) > glb->size_bytes && attempt < 8;
         ++attempt) {
        LayerSelection smaller = sel;
        smaller.buffer_bytes =
            std::max<int64_t>(1, sel.buffer_bytes * glb->size_bytes / spec.buffer_bytes_at(glb_index));
        std::vector<SelectedLayer> retiled;
        try {
            retiled = lower_selection(smaller);
        } catch (const UserError &) {
            break;  // some layer has no tiling that small: keep the design as it is
        }
        std::swap(selected, retiled);
        sel = smaller;
        remap_to_fit(selected, sel, arch, top);
        spec = design_of();
        std::cerr << "tessera compile: note: tiles chosen for " << sel.buffer_bytes << " bytes per layer: the "
                  << "design's buffers, each sized for its largest tile of any layer, now total "
                  << spec.buffer_bytes_at(glb_index) << " bytes of the " << glb->size_bytes << "-byte GLB\n";
    }
    spec.schedule = schedule_description(sel, selected);
    const rtl::RtlDesign design = rtl::generate_rtl(spec);
    // Each shared level (and each tensor's part of a split one) against the design's buffers on it.
    for (const std::string &line : rtl::overflowing_levels(spec, arch)) std::cerr << "tessera compile: note: " << line << "\n";
    if (const double dram_bw = arch.levels.front().bandwidth(); dram_bw != 1)
        std::cerr << "tessera compile: note: architecture " << arch.name << " moves "
                  << dram_bw << " DRAM words per cycle, the generated DMA one "
                  << "(the report estimates the architecture; simulate compares the design's cycles with "
                  << "the model at one word per cycle)\n";
    if (spec.staged() || spec.output_staged()) {  // a tensor at two shared levels: the copy between them
        const ir::Architecture hw = rtl::generated_architecture(arch);
        for (size_t i = 1; i + 1 < arch.levels.size(); ++i)
            if (hw.levels[i].bandwidth() != arch.levels[i].bandwidth())
                std::cerr << "tessera compile: note: architecture " << arch.name << "'s " << arch.levels[i].name
                          << " delivers " << arch.levels[i].bandwidth() << " words per cycle, the generated copy "
                          << "into " << arch.levels[i + 1].name << " " << hw.levels[i].bandwidth()
                          << " (simulate compares with the model of the generated design)\n";
    }

    const fs::path dir(out_dir);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw UserError("cannot create " + out_dir + ": " + ec.message());
    // Stale files of an earlier design would be mistaken for this one's.
    fs::remove_all(dir / "rtl");
    fs::remove_all(dir / "config");
    fs::remove_all(dir / "tb");
    rtl::write_rtl(design, (dir / "rtl").string());
    // A plain SystemVerilog testbench for other simulators (Icarus: docs/simulate.md).
    fs::create_directories(dir / "tb");
    write_file(dir / "tb" / (std::string(rtl::kTestbenchModule) + ".sv"), rtl::emit_testbench(spec));
    fs::create_directories(dir / "config");

    std::vector<rtl::CompiledLayer> compiled;
    nlohmann::json layers_json = nlohmann::json::array();
    int fitting = 0;
    std::set<std::string> config_files;
    for (size_t i = 0; i < selected.size(); ++i) {
        const SelectedLayer &s = selected[i];
        rtl::CompiledLayer c;
        c.name = s.layer.name;
        // The same fit check as estimate (the layer's array and tiles on the architecture), then
        // the design's.
        c.reason = !not_runnable[i].empty() ? not_runnable[i] : rtl::why_not_fits(spec, s.ir);
        nlohmann::json lj = {{"layer", s.layer.name}, {"ir", ir::to_json(s.ir)}};
        if (c.reason.empty()) {
            // Layers of one name (MAESTRO's ResNet-50 names two CONV3_1_Residual), or of names
            // that read alike as file names, each get a file of their own.
            c.config_file = rtl::config_file_name(s.layer.name);
            const std::string stem = c.config_file.substr(0, c.config_file.size() - 5);
            for (int n = 2; !config_files.insert(c.config_file).second; ++n)
                c.config_file = stem + "_" + std::to_string(n) + ".json";
            const rtl::LayerConfig cfg = rtl::configure_layer(spec, design.registers, s.ir);
            write_file(dir / "config" / c.config_file, rtl::to_json(cfg).dump(2) + "\n");
            lj["config"] = "config/" + c.config_file;
            ++fitting;
        } else {
            lj["does_not_fit"] = c.reason;
            std::cerr << "tessera compile: layer " << s.layer.name << " does not fit the design: " << c.reason << "\n";
        }
        try {
            model::Model m(s.ir, arch);
            lj["estimate"] = model::to_json(m.evaluate(), arch);
        } catch (const std::exception &e) {
            lj["estimate_error"] = e.what();
        }
        layers_json.push_back(lj);
        compiled.push_back(c);
    }
    if (fitting == 0) throw UserError("no layer fits the generated design");

    nlohmann::json report = {{"design", rtl::to_json(spec)},
                             {"architecture", ir::to_json(arch)},  // simulate prices energy with it
                             {"files", nlohmann::json::array()},
                             {"layers", layers_json}};
    for (const auto &f : design.files) report["files"].push_back("rtl/" + f.first);
    if (synth) {
        const rtl::SynthReport r = rtl::synthesize(design);
        nlohmann::json sj = rtl::to_json(r);
        sj.erase("seconds");  // keep report.json byte-identical across runs
        report["synth"] = sj;
        print_synth(std::cout, r);
    }
    report["fingerprint"] = rtl::design_fingerprint(report, [&](const std::string &rel) {
        std::ifstream in(dir / rel, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (!in) throw UserError("cannot read back " + (dir / rel).string());
        return text.str();
    });
    write_file(dir / "report.json", report.dump(2) + "\n");
    write_file(dir / "README.md", rtl::design_readme(design, compiled));

    std::cout << "wrote " << (dir / "rtl").string() << "/ (" << design.files.size() << " files, top "
              << design.top << ": " << spec.rows << "x" << spec.cols << " PEs, rows "
              << (spec.row_dim.empty() ? "-" : spec.row_dim) << ", cols "
              << (spec.col_dim.empty() ? "-" : spec.col_dim)
              << (spec.double_buffers() ? ", double-buffered buffers" : "")
              << "), " << fitting << " of " << selected.size()
              << " layer config(s) in " << (dir / "config").string() << "/, report.json, README.md\n";
    return 0;
}

}  // namespace tessera::cli
