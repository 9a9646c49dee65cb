// Predication for tails: a lane is valid in dim d when d's index (temporal part from the loop
// nest, plus lane * stride for the array dims) is below d's extent. Validity factors into a row
// vector, a column vector and a per-tensor flag for the dims not on the array, which is what the
// PEs, the operand loads and the counters are enabled by.
#include "Emitters.h"
#include "SvText.h"

#include <sstream>

namespace tessera::rtl {

namespace {

// Lane validity along one array dimension ("row" or "col").
std::string lanes(const std::string &side, int64_t count, int ib, int db) {
    std::ostringstream o;
    o << "\n  // " << side << " lanes: lane * " << side << "_stride added to the " << side
      << " dim's index.\n"
      << "  logic [" << ib << "-1:0] " << side << "_dim_index, " << side << "_dim_extent;\n"
      << "  assign " << side << "_dim_index = dim_index[" << side << "_dim*" << ib << " +: " << ib
      << "];\n"
      << "  assign " << side << "_dim_extent = dim_extent[" << side << "_dim*" << ib << " +: " << ib
      << "];\n";
    for (int64_t lane = 0; lane < count; ++lane) {
        const std::string n = side + "_lane_" + std::to_string(lane);
        o << "  logic [" << ib << "-1:0] " << n << "_offset;\n";
        if (lane == 0)
            o << "  assign " << n << "_offset = '0;\n";
        else
            o << "  assign " << n << "_offset = " << side << "_lane_" << lane - 1 << "_offset + "
              << side << "_stride;\n";
        o << "  assign " << side << "_active[" << lane << "] = " << side << "_extent > "
          << lit(ib, lane) << ";\n"
          << "  assign " << side << "_valid[" << lane << "] = " << side << "_active[" << lane
          << "] & (~" << side << "_check | ({1'b0, " << side << "_dim_index} + {1'b0, " << n
          << "_offset} < {1'b0, " << side << "_dim_extent}));\n";
    }
    (void)db;
    return o.str();
}

// The config inputs of one array axis: extent, and either the dim and stride of its one loop or
// its lane tables.
std::string axis_ports(const std::string &side, int64_t lanes, int slots, int ib, int db, bool radix) {
    std::ostringstream o;
    if (radix) o << "  input  logic [" << lanes << "-1:0] " << side << "_lane_active,\n";
    if (slots == 0)
        return "  input  logic [" + std::to_string(ib) + "-1:0] " + side + "_extent" +
               (lanes > 1 ? ", " + side + "_stride" : "") + ",\n  input  logic [" + std::to_string(db) + "-1:0] " +
               side + "_dim,\n  input  logic " + side + "_check,\n";
    o << "  input  logic [" << ib << "-1:0] " << side << "_extent,\n"
      << "  input  logic [" << slots * db << "-1:0] " << side << "_dim,\n"
      << "  input  logic [" << slots << "-1:0] " << side << "_check,\n"
      << "  input  logic [" << lanes * slots * ib << "-1:0] " << side << "_lane_offset,\n";
    return o.str();
}

// Lane validity along an axis with lane tables (several loops): each lane checks every dim slot of
// the axis, at the temporal index plus the lane's offset in that dim.
// A tensor on some of the axis's loops only: its own lane validity, on the dim slots it depends on.
struct SlotCheck {
    std::string valid;  // e.g. input_row_valid
    uint32_t slots;
};

std::vector<SlotCheck> partial_checks(const DesignSpec &d, const std::string &side) {
    std::vector<SlotCheck> checks;
    for (const auto &[t, p] : {std::pair<std::string, const TensorPorts *>{"input", &d.input},
                               {"weight", &d.weight}, {"output", &d.output}}) {
        const bool rows = side == "row";
        if (rows ? p->row_loops : p->col_loops)
            checks.push_back({lane_valid_of(*p, t, side), rows ? p->row_slots : p->col_slots});
    }
    return checks;
}

std::string table_lanes(const std::string &side, int64_t count, int slots, int ib,
                        const std::vector<SlotCheck> &partial, bool radix) {
    std::ostringstream o;
    o << "\n  // " << side << " lanes: per dim slot, the lane's offset (lane table) added to the dim's index.\n";
    for (int j = 0; j < slots; ++j) {
        const std::string n = side + "_slot_" + std::to_string(j);
        o << "  logic [" << ib << "-1:0] " << n << "_index, " << n << "_extent;\n"
          << "  assign " << n << "_index = dim_index[" << side << "_dim[" << j << "*DB +: DB]*" << ib << " +: "
          << ib << "];\n"
          << "  assign " << n << "_extent = dim_extent[" << side << "_dim[" << j << "*DB +: DB]*" << ib << " +: "
          << ib << "];\n";
    }
    o << "  always_comb\n"
      << "    for (int lane = 0; lane < " << count << "; lane++) begin\n"
      << "      " << side << "_active[lane] = " << side << "_extent > " << ib << "'(lane)"
      << (radix ? " && " + side + "_lane_active[lane]" : std::string()) << ";\n"
      << "      " << side << "_valid[lane] = " << side << "_active[lane];\n";
    for (const SlotCheck &c : partial) o << "      " << c.valid << "[lane] = " << side << "_active[lane];\n";
    for (int j = 0; j < slots; ++j) {
        const std::string n = side + "_slot_" + std::to_string(j);
        o << "      if (" << side << "_check[" << j << "] && ({1'b0, " << n << "_index} + {1'b0, " << side
          << "_lane_offset[(lane*" << slots << " + " << j << ")*" << ib << " +: " << ib << "]} >= {1'b0, " << n
          << "_extent})) begin\n"
          << "        " << side << "_valid[lane] = 1'b0;\n";
        for (const SlotCheck &c : partial)
            if (c.slots >> j & 1u) o << "        " << c.valid << "[lane] = 1'b0;\n";
        o << "      end\n";
    }
    o << "    end\n";
    return o.str();
}

}  // namespace

std::vector<PartialLaneValid> partial_lane_valids(const DesignSpec &d) {
    std::vector<PartialLaneValid> out;
    for (const SlotCheck &c : partial_checks(d, "row")) out.push_back({c.valid, d.rows});
    for (const SlotCheck &c : partial_checks(d, "col")) out.push_back({c.valid, d.cols});
    return out;
}

std::string lane_valid_of(const TensorPorts &p, const std::string &tensor, const std::string &side) {
    return (side == "row" ? p.row_loops : p.col_loops) ? tensor + "_" + side + "_valid" : side + "_valid";
}

std::string predication_copy(const DesignSpec &d, const std::string &predication, const std::string &prefix,
                             const std::string &dims, const std::string &title) {
    std::vector<std::string> signals = {"row_active", "col_active", "row_valid", "col_valid", "mac_other_valid",
                                        "input_other_valid", "weight_other_valid", "output_other_valid"};
    for (const PartialLaneValid &v : partial_lane_valids(d)) signals.push_back(v.name);
    return renamed(predication, signals, prefix,
                   {{"// ---- predication ----", "// ---- predication " + title + " ----"},
                    {" predication (", " " + prefix + "predication ("},
                    {".dim_index(dim_index)", ".dim_index(" + dims + ")"}});
}

std::string emit_predication(const DesignSpec &d) {
    const int D = d.dims, ib = d.index_bits, db = d.dim_bits();
    // Lanes in use are an output only where an operand is broadcast along that dimension.
    const bool rows_shared = d.lanes_in_use_on_rows(), cols_shared = d.lanes_in_use_on_cols();
    const std::vector<SlotCheck> row_partial = partial_checks(d, "row"), col_partial = partial_checks(d, "col");
    std::ostringstream o;
    o << "// Lane and dim validity of the current iteration (tails by predication).\n"
      << "module tessera_predication (\n"
      << "  input  logic [" << D * ib << "-1:0] dim_index,\n"
      << "  input  logic [" << D * ib << "-1:0] dim_extent,\n"
      << axis_ports("row", d.rows, d.row_axis_dims, ib, db, !d.row_radix.empty())
      << axis_ports("col", d.cols, d.col_axis_dims, ib, db, !d.col_radix.empty())
      << "  input  logic [" << D << "-1:0] mac_dims, input_dims, weight_dims, output_dims,\n"
      << (rows_shared ? "  output logic [" + std::to_string(d.rows) + "-1:0] row_active,  // lane in use by this layer\n" : "")
      << "  output logic [" << d.rows << "-1:0] row_valid,   // lane in use and its row dim index valid\n"
      << (cols_shared ? "  output logic [" + std::to_string(d.cols) + "-1:0] col_active,\n" : "")
      << "  output logic [" << d.cols << "-1:0] col_valid,\n";
    for (const SlotCheck &c : row_partial)
        o << "  output logic [" << d.rows << "-1:0] " << c.valid << ",  // on the tensor's dims of the axis\n";
    for (const SlotCheck &c : col_partial)
        o << "  output logic [" << d.cols << "-1:0] " << c.valid << ",\n";
    o
      << "  output logic mac_other_valid,     // every dim not on the array is valid\n"
      << "  output logic input_other_valid,   // the input's dims not on the array are valid\n"
      << "  output logic weight_other_valid,\n"
      << "  output logic output_other_valid\n"
      << ");\n"
      << "  logic [" << D << "-1:0] dim_valid;\n";
    if (!rows_shared) o << "  logic [" << d.rows << "-1:0] row_active;\n";
    if (!cols_shared) o << "  logic [" << d.cols << "-1:0] col_active;\n";
    for (int dim = 0; dim < D; ++dim)
        o << "  assign dim_valid[" << dim << "] = dim_index[" << dim * ib << " +: " << ib
          << "] < dim_extent[" << dim * ib << " +: " << ib << "];\n";
    o << "  assign mac_other_valid = &(dim_valid | ~mac_dims);\n"
      << "  assign input_other_valid = &(dim_valid | ~input_dims);\n"
      << "  assign weight_other_valid = &(dim_valid | ~weight_dims);\n"
      << "  assign output_other_valid = &(dim_valid | ~output_dims);\n";
    if (d.row_axis_dims > 0 || d.col_axis_dims > 0) o << "  localparam int DB = " << db << ";\n";
    o << (d.row_axis_dims > 0 ? table_lanes("row", d.rows, d.row_axis_dims, ib, row_partial, !d.row_radix.empty()) : lanes("row", d.rows, ib, db))
      << (d.col_axis_dims > 0 ? table_lanes("col", d.cols, d.col_axis_dims, ib, col_partial, !d.col_radix.empty()) : lanes("col", d.cols, ib, db))
      << "endmodule\n";
    return o.str();
}

}  // namespace tessera::rtl
