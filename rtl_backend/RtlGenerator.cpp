#include "RtlGenerator.h"

#include "Emitters.h"
#include "SvText.h"
#include "UserError.h"

#include <filesystem>
#include <fstream>

namespace tessera::rtl {

RtlDesign generate_rtl(const DesignSpec &spec) {
    RtlDesign design;
    design.spec = spec;
    design.registers = register_map(spec);
    design.top = spec.name;
    auto add = [&](const std::string &file, const std::string &what, const std::string &text) {
        design.files.emplace_back(file, header_comment(spec, what) + "\n" + text);
    };
    auto add_all = [&](const std::string &what, const Modules &modules) {
        for (const auto &[module, text] : modules) add(module + ".sv", what, text);
    };
    add("tessera_pe.sv", "Processing element.", emit_pe(spec));
    add("tessera_array.sv", "PE array and its interconnect.", emit_array(spec));
    add_all("On-chip buffer.", emit_buffers(spec));
    add("tessera_config_regs.sv", "Config register file.", emit_config_regs(spec, design.registers));
    add("tessera_loop_nest.sv", "Temporal loop odometer.", emit_loop_nest(spec));
    add_all("Address generator.", emit_address_generators(spec));
    add("tessera_predication.sv", "Tail predication.", emit_predication(spec));
    add_all("Lane-group addresses and validity.", emit_lane_groups(spec));
    add("tessera_controller.sv", "Phase sequencer.", emit_controller(spec));
    add("tessera_post_op.sv", "Post-op unit.", emit_post_op(spec));
    add_all("DMA between DRAM and the buffers.", emit_dma(spec));
    add_all("Per-PE files.", emit_pe_buffers(spec));
    add_all("Two shared levels of an operand.", emit_staging(spec));
    add("tessera_counters.sv", "Performance counters.", emit_counters(spec));
    add(spec.name + ".sv", "Top module " + spec.name + ".", emit_top(spec, design.registers));
    return design;
}

std::vector<std::string> write_rtl(const RtlDesign &design, const std::string &dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw UserError("cannot create directory " + dir + ": " + ec.message());
    std::vector<std::string> paths;
    for (const auto &[name, text] : design.files) {
        std::string path = (std::filesystem::path(dir) / name).string();
        std::ofstream out(path, std::ios::binary);
        out << text;
        out.close();  // a full disk shows when the buffer is flushed
        if (!out) throw UserError("cannot write " + path + " (disk full or not writable?)");
        paths.push_back(path);
    }
    return paths;
}

}  // namespace tessera::rtl
