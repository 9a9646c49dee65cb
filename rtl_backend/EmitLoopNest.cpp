// The loop nest odometer: one counter per temporal loop slot (runtime extents), innermost fastest,
// stepping once per compute iteration. It also keeps each loop's contribution to its dim's index
// (index * stride, updated by addition) and the suffix flags the controller decides phases from.
// A design that prefetches (double-buffered operands) also needs to know, during a compute run, how
// the run ends: which outer slot steps (run_step) and which slots wrap (run_last_from).
#include "Emitters.h"
#include "SvText.h"

#include <sstream>

namespace tessera::rtl {

std::string emit_loop_nest(const DesignSpec &d) {
    const int T = d.loops, D = d.dims, ib = d.index_bits, db = d.dim_bits(), lb = d.loop_bits();
    const bool run_flags = d.prefetches();
    std::ostringstream o;
    o << "// Temporal loop odometer over " << T << " loop slots (slot 0 outermost). Unused slots have\n"
      << "// extent 1. zero_from[l] / last_from[l]: every slot >= l is at index 0 / at its last index.\n"
      << "// increments: one-hot, the slot that counts up on the next advance (the slots inside it wrap).\n";
    if (run_flags)
        o << "// run_last_from[l]: every slot in [l, run_from) is last (the current run ends a tile of a\n"
          << "// buffer at l). run_step: one-hot, the slot that counts up when the current run ends.\n";
    o << "module tessera_loop_nest (\n"
      << "  input  logic clk,\n"
      << "  input  logic restart,\n"
      << "  input  logic advance,\n"
      << "  input  logic [" << T * ib << "-1:0] loop_extent,\n"
      << "  input  logic [" << T * ib << "-1:0] loop_stride,\n"
      << "  input  logic [" << T * db << "-1:0] loop_dim,\n"
      << "  output logic [" << T << "-1:0] at_zero,\n"
      << "  output logic [" << T << ":0] zero_from,\n"
      << "  output logic [" << T << ":0] last_from,\n"
      << "  output logic [" << T << "-1:0] increments,\n";
    if (run_flags)
        o << "  input  logic [" << lb << "-1:0] run_from,\n"
          << "  output logic [" << T << ":0] run_last_from,\n"
          << "  output logic [" << T << "-1:0] run_step,\n";
    // Prefetched per-PE files need to know whether their loop has a next step (at_last).
    if (d.pe_prefetches()) o << "  output logic [" << T << "-1:0] at_last,\n";
    o
      << "  output logic [" << D * ib << "-1:0] dim_index   // temporal part of each dim's index\n"
      << ");\n";
    if (!d.pe_prefetches()) o << "  logic [" << T << "-1:0] at_last;\n";
    for (int l = 0; l < T; ++l) {
        const std::string L = std::to_string(l), sl = "[" + std::to_string(l * ib) + " +: " +
                                                       std::to_string(ib) + "]";
        o << "\n  // loop slot " << l << "\n"
          << "  logic [" << ib << "-1:0] index_" << L << ", offset_" << L << ";  // offset = index * stride\n"
          << "  assign at_zero[" << L << "] = index_" << L << " == '0;\n"
          << "  assign at_last[" << L << "] = index_" << L << " == loop_extent" << sl << " - 1'b1;\n"
          << "  always_ff @(posedge clk)\n"
          << "    if (restart || (advance && last_from_" << l + 1 << " && at_last[" << L << "])) begin\n"
          << "      index_" << L << " <= '0;\n"
          << "      offset_" << L << " <= '0;\n"
          << "    end else if (advance && last_from_" << l + 1 << ") begin\n"
          << "      index_" << L << " <= index_" << L << " + 1'b1;\n"
          << "      offset_" << L << " <= offset_" << L << " + loop_stride" << sl << ";\n"
          << "    end\n";
    }
    o << "\n  // Suffix flags, one wire per slot so each bit depends only on the next.\n"
      << "  logic zero_from_" << T << ", last_from_" << T << ";\n"
      << "  assign zero_from_" << T << " = 1'b1;\n"
      << "  assign last_from_" << T << " = 1'b1;\n";
    for (int l = T - 1; l >= 0; --l)
        o << "  logic zero_from_" << l << ", last_from_" << l << ";\n"
          << "  assign zero_from_" << l << " = zero_from_" << l + 1 << " & at_zero[" << l << "];\n"
          << "  assign last_from_" << l << " = last_from_" << l + 1 << " & at_last[" << l << "];\n"
          << "  assign increments[" << l << "] = last_from_" << l + 1 << " & ~at_last[" << l << "];\n";
    for (int l = 0; l <= T; ++l)
        o << "  assign zero_from[" << l << "] = zero_from_" << l << ";\n"
          << "  assign last_from[" << l << "] = last_from_" << l << ";\n";
    if (run_flags) {
        o << "\n  // The same suffix flags over the slots outside the run (slots >= run_from count as last).\n"
          << "  logic run_last_from_" << T << ";\n"
          << "  assign run_last_from_" << T << " = 1'b1;\n";
        for (int l = T - 1; l >= 0; --l)
            o << "  logic run_last_from_" << l << ";\n"
              << "  assign run_last_from_" << l << " = run_from <= " << lit(lb, l) << " || (at_last[" << l
              << "] && run_last_from_" << l + 1 << ");\n"
              << "  assign run_step[" << l << "] = run_from > " << lit(lb, l) << " && run_last_from_" << l + 1
              << " && !at_last[" << l << "];\n";
        for (int l = 0; l <= T; ++l) o << "  assign run_last_from[" << l << "] = run_last_from_" << l << ";\n";
    }
    o << "\n  // Dim index = sum of the offsets of the loops over that dim.\n";
    for (int dim = 0; dim < D; ++dim) {
        o << "  assign dim_index[" << dim * ib << " +: " << ib << "] =";
        for (int l = 0; l < T; ++l)
            o << (l ? "\n      +" : "") << " (loop_dim[" << l * db << " +: " << db << "] == "
              << lit(db, dim) << " ? offset_" << l << " : '0)";
        o << ";\n";
    }
    o << "endmodule\n";
    return o.str();
}

}  // namespace tessera::rtl
