// Performance counters, one per line of docs/hardware.md's counting table, readable through the
// config port (64 bits each, low word first). They are cleared when a layer starts.
// Compute events are counted at the issue stage from the same enables that drive the PEs, operand
// loads and output writes: the number of enabled lanes is the product of the enabled rows and
// columns (validity factors that way), so no per-PE population count is needed.
#include "Emitters.h"
#include "SvText.h"

#include <functional>
#include <sstream>
#include <tuple>

namespace tessera::rtl {

namespace {

std::string popcount(const std::string &out, const std::string &in, int64_t n, int bits) {
    std::ostringstream o;
    o << "  logic [" << bits << "-1:0] " << out << ";\n"
      << "  always_comb begin\n"
      << "    " << out << " = '0;\n"
      << "    for (int i = 0; i < " << n << "; i++) " << out << " = " << out << " + "
      << (bits > 1 ? "{" + std::to_string(bits - 1) + "'d0, " + in + "[i]}" : in + "[i]") << ";\n"
      << "  end\n";
    return o.str();
}

// Enabled lane groups of a tensor this iteration. A group of several lanes of an axis (the tensor
// ignores some of its loops) counts at its leading lane: "<tensor>_valid_rows" (counted below).
std::string groups(const TensorPorts &p, const std::string &tensor, const std::string &valid, int bits) {
    std::string rows = p.row_loops ? tensor + "_valid_rows" : p.depends_on_rows ? "valid_rows" : std::to_string(bits) + "'d1";
    std::string cols = p.col_loops ? tensor + "_valid_cols" : p.depends_on_cols ? "valid_cols" : std::to_string(bits) + "'d1";
    return "(" + valid + " ? " + rows + " * " + cols + " : '0)";
}

// PE registers written per loaded group: the PEs along the array dimensions it is shared on. A
// group within an axis has the lanes in use that differ from it in the loops the tensor ignores
// ("<tensor>_row_fanout", counted below: as many in every group).
std::string fanout(const TensorPorts &p, const std::string &tensor, int bits) {
    const std::string one = std::to_string(bits) + "'d1";
    std::string rows = p.row_loops ? tensor + "_row_fanout" : p.depends_on_rows ? one : "active_rows";
    std::string cols = p.col_loops ? tensor + "_col_fanout" : p.depends_on_cols ? one : "active_cols";
    return rows + " * " + cols;
}

// The lanes of an axis where `lead` holds, as a mask (lane 0 the lowest bit).
std::string leading_mask(int64_t lanes, const std::function<bool(int64_t)> &lead) {
    std::string bits;
    for (int64_t lane = lanes; lane-- > 0;) bits += lead(lane) ? '1' : '0';
    return std::to_string(lanes) + "'b" + bits;
}

}  // namespace

std::string emit_counters(const DesignSpec &d) {
    const auto &names = counter_names();
    const int n = design_counter_count(d);
    const int lane_bits = bits_for(d.rows * d.cols + 1) + 1;
    // The number of lanes in use matters for the operand register writes of a shared operand and
    // for the write backs of an output register level.
    const bool rows_shared = d.lanes_in_use_on_rows(), cols_shared = d.lanes_in_use_on_cols();
    std::ostringstream o;
    o << "// Performance counters (index: name):\n";
    for (int i = 0; i < n; ++i) o << "//   " << i << ": " << names[i] << "\n";
    o << "module tessera_counters (\n"
      << "  input  logic clk,\n"
      << "  input  logic clear,\n"
      << "  input  logic busy,\n"
      << "  input  logic done,\n"
      << "  // issue stage\n"
      << "  input  logic issue, load_input, load_weight, block_end, block_first,\n"
      << "  input  logic mac_other_valid, input_other_valid, weight_other_valid, output_other_valid,\n"
      << "  input  logic [" << d.rows << "-1:0] row_valid,\n"
      << (rows_shared ? "  input  logic [" + std::to_string(d.rows) + "-1:0] row_active,\n" : "")
      << "  input  logic [" << d.cols << "-1:0] col_valid,\n"
      << (cols_shared ? "  input  logic [" + std::to_string(d.cols) + "-1:0] col_active,\n" : "");
    for (const PartialLaneValid &v : partial_lane_valids(d))
        o << "  input  logic [" << v.lanes << "-1:0] " << v.name << ",\n";
    o
      << "  // DMA\n"
      << "  input  logic [1:0] dma_channel,\n"
      << "  input  logic dma_dram_read, dma_buffer_fill, dma_drain_read, dma_dram_write,\n"
      << (d.input_outer_depth > 0 ? "  input  logic input_stage_read, input_stage_write,  // the inner-tile copy\n" : "")
      << (d.weight_outer_depth > 0 ? "  input  logic weight_stage_read, weight_stage_write,\n" : "")
      << (d.output_staged() ? "  input  logic output_stage_drain_read, output_stage_drain_write,  // inner -> outer\n"
                              "  input  logic output_stage_reload_read, output_stage_reload_write,  // outer -> inner\n"
                            : "")
      << (d.input_fill_walk() ? "  input  logic input_fill_read,     // a per-PE fill reads the GLB\n" : "")
      << (d.weight_fill_walk() ? "  input  logic weight_fill_read,\n" : "")
      // A prefetch reads the next tile's lane groups: the top counts the groups it reads.
      << (d.input_pe_double_buffered ? "  input  logic [" + std::to_string(lane_bits) + "-1:0] input_fill_groups,\n" : "")
      << (d.weight_pe_double_buffered ? "  input  logic [" + std::to_string(lane_bits) + "-1:0] weight_fill_groups,\n" : "")
      << (d.output_register_level ? "  input  logic block_start, register_first,  // the output register's block starts; from 0\n" : "")
      << (d.output_pe_walk() ? "  input  logic output_pe_begin,     // a per-PE accumulator block starts (issue)\n"
                                  "  input  logic output_reload_read,  // a reload reads partial sums from the GLB\n"
                                  "  input  logic output_drain_write,  // a drain writes the GLB\n" : "")
      << "  // config port read side\n"
      << "  input  logic [" << kRegAddressBits << "-1:0] read_addr,\n"
      << "  output logic [31:0] read_data\n"
      << ");\n";
    const int rb = bits_for(d.rows + 1), cb = bits_for(d.cols + 1);
    o << popcount("valid_rows_narrow", "row_valid", d.rows, rb)
      << popcount("valid_cols_narrow", "col_valid", d.cols, cb)
;
    if (rows_shared) o << popcount("active_rows_narrow", "row_active", d.rows, rb);
    if (cols_shared) o << popcount("active_cols_narrow", "col_active", d.cols, cb);
    o << "  logic [" << lane_bits << "-1:0] valid_rows, valid_cols;\n"
      << "  assign valid_rows = {" << lane_bits - rb << "'d0, valid_rows_narrow};\n"
      << "  assign valid_cols = {" << lane_bits - cb << "'d0, valid_cols_narrow};\n";
    if (rows_shared)
        o << "  logic [" << lane_bits << "-1:0] active_rows;\n"
          << "  assign active_rows = {" << lane_bits - rb << "'d0, active_rows_narrow};\n";
    if (cols_shared)
        o << "  logic [" << lane_bits << "-1:0] active_cols;\n"
          << "  assign active_cols = {" << lane_bits - cb << "'d0, active_cols_narrow};\n";
    const int lb = lane_bits;
    // Lanes in use count only for an operand that ignores a whole axis (fanout above).
    if (rows_shared && d.input.depends_on_rows && d.weight.depends_on_rows)
        o << "  logic unused_active_rows;\n  assign unused_active_rows = ^active_rows;\n";
    if (cols_shared && d.input.depends_on_cols && d.weight.depends_on_cols)
        o << "  logic unused_active_cols;\n  assign unused_active_cols = ^active_cols;\n";
    for (const auto &[t, p] : {std::pair<std::string, const TensorPorts *>{"input", &d.input},
                               {"weight", &d.weight}, {"output", &d.output}}) {
        const std::pair<std::string, int64_t> sides[] = {{"row", p->row_loops ? d.rows : 0}, {"col", p->col_loops ? d.cols : 0}};
        for (const auto &[side, lanes] : sides) {
            if (lanes == 0) continue;
            const bool rows = side == "row";
            const std::string mask = leading_mask(lanes, [&](int64_t l) { return rows ? row_lead(*p, d, l) : col_lead(*p, d, l); });
            const int nb = bits_for(lanes + 1);
            o << "  logic [" << lanes << "-1:0] " << t << "_" << side << "_leading;\n"
              << "  assign " << t << "_" << side << "_leading = " << t << "_" << side << "_valid & " << mask << ";\n"
              << popcount(t + "_valid_" + side + "s_narrow", t + "_" + side + "_leading", lanes, nb)
              << "  logic [" << lb << "-1:0] " << t << "_valid_" << side << "s;\n"
              << "  assign " << t << "_valid_" << side << "s = {" << lb - nb << "'d0, " << t << "_valid_" << side
              << "s_narrow};\n";
            if (t == "output" && !d.output_register_level) continue;
            // Group 0's lanes in use: the PEs every loaded word of the operand reaches (of the
            // output: the PEs whose register writes back a word of the group).
            const std::string members =
                leading_mask(lanes, [&](int64_t l) { return (rows ? row_group(*p, d, l) : col_group(*p, d, l)) == 0; });
            o << "  logic [" << lanes << "-1:0] " << t << "_" << side << "_members;\n"
              << "  assign " << t << "_" << side << "_members = " << side << "_active & " << members << ";\n"
              << popcount(t + "_" + side + "_fanout_narrow", t + "_" + side + "_members", lanes, nb)
              << "  logic [" << lb << "-1:0] " << t << "_" << side << "_fanout;\n"
              << "  assign " << t << "_" << side << "_fanout = {" << lb - nb << "'d0, " << t << "_" << side
              << "_fanout_narrow};\n";
        }
    }
    // An operand read from per-PE files reloads its register every MAC (under a register level,
    // where that level is refilled: counted below as <t>_loads).
    if (d.input_pe_depth > 0 || d.weight_pe_depth > 0)
        o << "  logic unused_loads;\n  assign unused_loads = load_input ^ load_weight;\n";
    // The lane groups that take an operand word this cycle: a fill's (or a register load's)
    // valid groups, or, where DRAM fills the per-PE files, the one group the DMA writes.
    const std::string one = std::string("{") + std::to_string(lb - 1) + "'d0, ";
    auto operand_groups = [&](const std::string &t, const TensorPorts &p, bool file, bool fed, const char *channel) {
        if (fed) return one + "dma_buffer_fill && dma_channel == " + channel + "}";
        if (t == "input" ? d.input_pe_double_buffered : d.weight_pe_double_buffered)
            return t + "_fill_read ? " + t + "_fill_groups : '0";
        return std::string(file ? t + "_fill_read" : "issue && load_" + t) + " ? " +
               groups(p, t, t + "_other_valid", lb) + " : '0";
    };
    // (A prefetched operand's fills count the groups the top counts; its register loads, where it
    // has a register level, count these.)
    for (const auto &[t, unread] :
         {std::pair<std::string, bool>{"input", d.input_dram_fed || (d.input_pe_double_buffered && !d.input_register_level)},
          {"weight", d.weight_dram_fed || (d.weight_pe_double_buffered && !d.weight_register_level)}})
        if (unread) o << "  logic unused_" << t << "_other_valid;\n  assign unused_" << t << "_other_valid = " << t << "_other_valid;\n";
    o << "  logic [" << lb << "-1:0] macs, input_groups, weight_groups, output_groups;\n"
      << "  assign macs = issue ? " << groups(TensorPorts{true, true}, "mac", "mac_other_valid", lb) << " : '0;\n"
      << "  assign input_groups = " << operand_groups("input", d.input, d.input_pe_depth > 0, d.input_dram_fed, "2'd0")
      << ";\n"
      << "  assign weight_groups = " << operand_groups("weight", d.weight, d.weight_pe_depth > 0, d.weight_dram_fed, "2'd1")
      << ";\n";
    // Under a register level, the PE register loads from the file only where that level is
    // refilled: those loads are the register level's fills and the file's reads.
    for (const auto &[t, p, on] : {std::tuple<std::string, const TensorPorts *, bool>{"input", &d.input, d.input_register_level},
                                   {"weight", &d.weight, d.weight_register_level}})
        if (on)
            o << "  logic [" << lb << "-1:0] " << t << "_loads;\n"
              << "  assign " << t << "_loads = issue && load_" << t << " ? " << groups(*p, t, t + "_other_valid", lb)
              << " : '0;\n";
    if (d.output_dram_fed) {
        // Accumulator files drained straight to DRAM: no output buffer is read or written (the
        // DMA's drain reads are the files', its writes O.dram_writes).
        o << "  assign output_groups = '0;\n"
          << "  logic unused_output_groups;\n  assign unused_output_groups = ^{block_end, block_first, "
             "output_other_valid"
          << (d.output_register_level ? "" : ", dma_drain_read")
          << (d.output.row_loops ? ", output_valid_rows" : "") << (d.output.col_loops ? ", output_valid_cols" : "")
          << "};\n";
    } else if (d.output_pe_depth == 0) {
        o << "  assign output_groups = issue && block_end ? " << groups(d.output, "output", "output_other_valid", lb)
          << " : '0;\n";
    } else {
        // Accumulator files: a drain writes a word per lane group whose block started valid (the
        // model's tiles move their whole box); a reload reads one per valid group at the block's start.
        o << "  logic [" << lb << "-1:0] output_block_groups, output_reloads;\n"
          << "  always_ff @(posedge clk)\n"
          << "    if (output_pe_begin) output_block_groups <= " << groups(d.output, "output", "output_other_valid", lb) << ";\n"
          << "  assign output_groups = output_drain_write ? output_block_groups : '0;\n"
          << "  assign output_reloads = output_reload_read ? " << groups(d.output, "output", "output_other_valid", lb)
          << " : '0;\n"
          << "  logic unused_blocks;\n  assign unused_blocks = block_end ^ block_first;\n";
    }
    // An output register level under the files: every PE of a valid output lane group writes its
    // sum back where the register's block ends and reads its file where one starts that is not
    // the first visit of its output (a word not yet written reads as 0); the drains read every PE.
    if (d.output_register_level)
        o << "  logic [" << lb << "-1:0] output_register_groups, output_write_backs, output_register_reads;\n"
          << "  assign output_register_groups = issue ? " << groups(d.output, "output", "output_other_valid", lb)
          << " : '0;\n"
          << "  assign output_write_backs = block_end ? output_register_groups : '0;\n"
          << "  assign output_register_reads = block_start && !register_first ? output_register_groups : '0;\n";
    // Increment of each counter, in counter_names() order.
    // An operand at two shared levels: glb_reads counts the copy's reads of the outer buffer, the
    // inner_* counters the copy's writes and the array's reads of the inner one.
    const bool si = d.input_outer_depth > 0, sw = d.weight_outer_depth > 0, so = d.output_staged();
    // The output at two shared levels: glb_* count the outer buffer (the walk's drain writes, its
    // reload reads and the DMA's drain reads), inner_* the inner one (the array's writes and
    // partial-sum reads, and the walk's).
    // The partial sums read back into the array side (PE registers, or per-PE files' reloads) from
    // the output buffer it faces.
    const std::string zero = one + "1'b0}";
    const std::string array_psum_reads = d.output_dram_fed      ? zero
                                         : d.output_pe_depth > 0 ? std::string("output_reloads")
                                                                 : "(block_first ? '0 : output_groups)";
    const std::vector<std::string> increments = {
        one + "busy}",
        "macs",
        one + "dma_dram_read && dma_channel == 2'd0}",
        // Where DRAM fills the per-PE files, the operand has no GLB (its glb_* count nothing).
        d.input_dram_fed ? zero : one + "dma_buffer_fill && dma_channel == 2'd0}",
        d.input_dram_fed ? zero : si ? one + "input_stage_read}" : "input_groups",
        (d.input_register_level ? "input_loads * " : "input_groups * ") + fanout(d.input, "input", lb),
        "macs",
        one + "dma_dram_read && dma_channel == 2'd1}",
        d.weight_dram_fed ? zero : one + "dma_buffer_fill && dma_channel == 2'd1}",
        d.weight_dram_fed ? zero : sw ? one + "weight_stage_read}" : "weight_groups",
        (d.weight_register_level ? "weight_loads * " : "weight_groups * ") + fanout(d.weight, "weight", lb),
        "macs",
        so ? one + "output_stage_drain_write}" : "output_groups",
        d.output_dram_fed ? zero
                          : (so ? one + "output_stage_reload_read}" : array_psum_reads) + " + " + one + "dma_drain_read}",
        "macs",
        "macs",
        one + "dma_dram_write}",
        one + "dma_dram_read && dma_channel == 2'd3}",
        si ? one + "input_stage_write}" : one + "1'b0}",
        si ? "input_groups" : one + "1'b0}",
        sw ? one + "weight_stage_write}" : one + "1'b0}",
        sw ? "weight_groups" : one + "1'b0}",
        so ? "output_groups + " + one + "output_stage_reload_write}" : one + "1'b0}",
        so ? array_psum_reads + " + " + one + "output_stage_drain_read}" : one + "1'b0}",
        d.input_register_level ? "input_groups * " + fanout(d.input, "input", lb) : one + "1'b0}",
        d.input_register_level ? "input_loads * " + fanout(d.input, "input", lb) : one + "1'b0}",
        d.weight_register_level ? "weight_groups * " + fanout(d.weight, "weight", lb) : one + "1'b0}",
        d.weight_register_level ? "weight_loads * " + fanout(d.weight, "weight", lb) : one + "1'b0}",
        // (Files drained to DRAM are never reloaded; the DMA's drain reads the group's PEs.)
        d.output_register_level ? "output_write_backs * " + fanout(d.output, "output", lb) +
                                      (d.output_dram_fed ? "" : " + output_reloads")
                                : zero,
        d.output_register_level ? "(output_register_reads + " +
                                      (d.output_dram_fed ? one + "dma_drain_read}" : std::string("output_groups")) +
                                      ") * " + fanout(d.output, "output", lb)
                                : zero};
    // One named register per counter (not an array, so synthesis keeps them as flops).
    for (int i = 0; i < n; ++i) {
        const std::string c = "counter_" + std::to_string(i);
        o << "  logic [63:0] " << c << ";  // " << names[i] << "\n"
          << "  always_ff @(posedge clk) " << c << " <= clear ? '0 : " << c << " + {" << 64 - lb
          << "'d0, " << increments[i] << "};\n";
    }
    o << "  always_comb\n"
      << "    case (read_addr)\n"
      << "      " << lit(kRegAddressBits, kRegControl) << ": read_data = {30'd0, done, busy};\n";
    for (int i = 0; i < n; ++i)
        o << "      " << lit(kRegAddressBits, kRegCounterBase + 2 * i) << ": read_data = counter_" << i
          << "[31:0];\n"
          << "      " << lit(kRegAddressBits, kRegCounterBase + 2 * i + 1) << ": read_data = counter_"
          << i << "[63:32];\n";
    o << "      default: read_data = '0;\n"
      << "    endcase\n"
      << "endmodule\n";
    return o.str();
}

}  // namespace tessera::rtl
