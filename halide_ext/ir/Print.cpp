#include "Print.h"

#include "Analysis.h"

#include <iomanip>
#include <optional>
#include <sstream>
#include <vector>

namespace tessera::ir {

namespace {

std::string with_commas(int64_t v) {
    std::string s = std::to_string(v), out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i && (s.size() - i) % 3 == 0) out += ',';
        out += s[i];
    }
    return out;
}

std::string box_text(const Buffer &b) {
    std::string s;
    for (size_t i = b.box.size(); i-- > 0;) s += std::to_string(b.box[i]) + (i ? "x" : "");
    return s;
}

// A tile stays across the loops above it that do not move it (Stage::refill_from, from
// ir::analyze): ", kept across c.co, r" names them; empty when there are none (or the mapping does
// not analyze: print_nest shows any IR, and analyze's errors are reported elsewhere).
std::string kept_across(const AcceleratorIR &ir, const NestAnalysis *nest, const Buffer &b) {
    if (!nest) return {};
    for (const TensorAccess &a : nest->tensors)
        for (const Stage &st : a.stages) {
            if (st.buffer != &b) continue;
            std::string names;
            for (int l : nest->temporal)
                if (l >= st.refill_from && l < st.at && ir.mapping.loops[size_t(l)].extent > 1)
                    names += (names.empty() ? "" : ", ") + ir.mapping.loops[size_t(l)].name;
            return names.empty() ? std::string() : ", kept across " + names;
        }
    return {};
}

}  // namespace

std::string print_nest(const AcceleratorIR &ir) {
    const Problem &p = ir.problem;
    const Mapping &m = ir.mapping;
    const LayerSpec &l = p.layer;
    std::ostringstream s;
    s << "layer " << l.name << " (" << l.type;
    if (l.type == "fc") s << " N=" << l.N << " C=" << l.C << " K=" << l.K << (l.batch > 1 ? " batch=" + std::to_string(l.batch) : "");
    else if (l.type != "generator")
        s << " N=" << l.N << " C=" << l.C << " K=" << l.K << " H=" << l.H << " W=" << l.W
          << " R=" << l.R << " S=" << l.S << " stride=" << l.stride << " pad=" << l.pad
          << (l.groups > 1 ? " groups=" + std::to_string(l.groups) : "");
    if (l.type != "fc" && l.type != "generator" && !l.plain_geometry())
        s << " stride_w=" << l.stride_x() << " pad_bottom=" << l.pad_y1() << " pad_left=" << l.pad_x0()
          << " pad_right=" << l.pad_x1() << " dilation=" << l.dilation << " dilation_w=" << l.dilation_x();
    s << "): " << with_commas(p.macs()) << " MACs\n";
    s << "dims:";
    for (const Dim &d : p.dims) s << " " << d.name << "=" << d.extent << (d.reduction ? "(red)" : "");
    s << "\n";

    // Guarded iterations: a dim whose loops cover more than its extent has a tail.
    int64_t slots = 1;
    for (const Loop &loop : m.loops) slots *= loop.extent;
    s << "array " << m.array_rows() << "x" << m.array_cols() << ", MAC slots "
      << with_commas(slots) << ", utilization " << std::fixed << std::setprecision(1)
      << 100.0 * double(p.macs()) / double(slots) << "%";
    for (const Dim &d : p.dims) {
        int64_t covered = 1;
        for (const Loop &loop : m.loops)
            if (loop.dim == d.name) covered *= loop.extent;
        if (covered > d.extent) s << "; tail " << d.name << ": " << covered << " covers " << d.extent;
    }
    s << "\n\nDRAM: I, W, O\n";
    std::optional<NestAnalysis> nest;
    try {
        nest = analyze(ir);
    } catch (const std::exception &) {
    }
    int last_spatial = -1;
    for (size_t l = 0; l < m.loops.size(); ++l)
        if (m.loops[l].kind != LoopKind::Temporal) last_spatial = int(l);
    std::string indent;
    for (size_t i = 0; i <= m.loops.size(); ++i) {
        for (const Buffer &b : m.buffers) {
            if (b.at != int(i)) continue;
            // The output's own tile on DRAM (hw::level(acc, "DRAM")) holds nothing on chip.
            if (off_chip_output_tile(ir, b)) {
                s << indent << "[" << b.level << "] " << b.tensor << " tile " << box_text(b)
                  << ": off chip, its per-PE files drain to DRAM\n";
                continue;
            }
            s << indent << "[" << b.level << "] " << b.tensor << " tile " << box_text(b) << " = "
              << with_commas(b.words()) << " words" << (b.single_buffered ? ", single buffered" : "")
              << kept_across(ir, nest ? &*nest : nullptr, b) << "\n";
        }
        if (i == m.loops.size()) break;
        const Loop &loop = m.loops[i];
        const char *kind = loop.kind == LoopKind::Temporal     ? "for         "
                           : loop.kind == LoopKind::SpatialRow ? "spatial_row "
                                                               : "spatial_col ";
        s << indent << kind << loop.dim << " in [0:" << loop.extent << ")";
        if (loop.stride != 1) s << " *" << loop.stride;
        s << "   (" << loop.name << ")\n";
        indent += "  ";
    }
    // What the MAC reads: a per-PE tile where the mapping places one, else the PE's register.
    std::vector<std::string> tiles, registers;
    for (const char *t : {"I", "W", "O"}) {
        bool per_pe_tile = false;
        for (const Buffer &b : m.buffers) per_pe_tile |= b.tensor == t && last_spatial >= 0 && b.at > last_spatial;
        (per_pe_tile ? tiles : registers).push_back(t);
    }
    auto join = [](const std::vector<std::string> &v) {
        std::string out;
        for (const auto &x : v) out += (out.empty() ? "" : ", ") + x;
        return out;
    };
    s << indent << "O += I * W   [";
    if (!tiles.empty()) s << "per-PE tiles: " << join(tiles) << (registers.empty() ? "" : "; ");
    if (!registers.empty()) s << "PE registers: " << join(registers);
    s << "]\n";
    return s.str();
}

}  // namespace tessera::ir
