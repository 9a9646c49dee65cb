// SystemVerilog of the fused-group accelerator (FusedDesign.h; docs/rtl.md "Fused groups").
// One lane array (LANES output channels at once, int8 x int8 -> int32) runs every layer of a group
// in turn; its per-layer configuration (shape, weights, post-op) is registers written by the
// driver. Memories: the activation memory (one region per tensor, addressed by coordinates modulo
// the region), the window memory (a layer's staged input window), the weight and bias memories.
// Per tile: weights (once, or every tile when they are re-fetched), the group input's produced
// rows from DRAM, each layer (stage its window, compute, post-op, write back), the output drain.
#include "FusedDesign.h"

#include "FusedRegisters.h"
#include "FusedTemplate.h"
#include "SvText.h"

#include <set>
#include <sstream>

namespace tessera::rtl {

std::string emit_post_op(const DesignSpec &d);  // EmitPostOp.cpp

RtlDesign generate_fused_rtl(const FusedDesignSpec &d) {
    static const char *layer_fields[] = {"C", "K", "Cg", "Kg", "Groups", "R", "S", "StrideY", "StrideX",
                                         "DilationY", "DilationX", "PadY", "PadX", "H", "W", "Lanes", "KStride",
                                         "WeightBase", "BiasBase", "WeightDram", "BiasDram", "WeightWords",
                                         "BiasEnable", "Relu", "Shift", "XUnsigned", "XZero", "WUnsigned",
                                         "WZero", "Multiplier", "RoundEven", "OutZero", "OutUnsigned",
                                         "ChannelRequant"};
    static_assert(sizeof(layer_fields) / sizeof(layer_fields[0]) == size_t(FusedLayerField::Count));
    // The fields of the computing layer (cl) and of the layer whose weights load (wl) that the
    // datapath reads; registers are 32 bits, of which a field uses its low bits.
    static const std::set<std::string> weight_load = {"K", "WeightBase", "BiasBase", "WeightDram", "BiasDram",
                                                      "WeightWords", "BiasEnable", "ChannelRequant"};
    static const std::set<std::string> not_computing = {"K", "WeightDram", "BiasDram", "WeightWords"};
    std::ostringstream fields;
    fields << "  /* verilator lint_off UNUSEDSIGNAL */\n";
    for (size_t f = 0; f < size_t(FusedLayerField::Count); ++f) {
        if (!not_computing.count(layer_fields[f]))
            fields << "  wire [31:0] lf_" << layer_fields[f] << " = l_reg[" << f << " * LMAX + cl];\n";
        if (weight_load.count(layer_fields[f]))
            fields << "  wire [31:0] wl_" << layer_fields[f] << " = l_reg[" << f << " * LMAX + wl];\n";
    }
    fields << "  /* verilator lint_on UNUSEDSIGNAL */\n";
    const auto &counters = fused_counter_fields();
    auto counter = [&](const std::string &name) {
        for (size_t i = 0; i < counters.size(); ++i)
            if (counters[i] == name) return std::to_string(i);
        throw std::logic_error("no fused counter " + name);
    };
    // A quantized design subtracts each operand's zero point (padding taps give 0, as x - x_zero_point
    // of the padding value does) and requantizes with the layer's multiplier; otherwise int8 x int8.
    const bool q = d.quantized;
    std::map<std::string, std::string> v = {
        {"X_OPERAND", q ? "  wire signed [15:0] x_operand = !in_bounds_d ? 16'sd0\n"
                          "      : (lf_XUnsigned[0] ? $signed({8'd0, win_q}) : 16'($signed(win_q))) - $signed(lf_XZero[15:0]);\n"
                        : ""},
        {"W_OPERAND", q ? "    wire signed [15:0] w_operand =\n"
                          "        (lf_WUnsigned[0] ? $signed({8'd0, w_q}) : 16'($signed(w_q))) - $signed(lf_WZero[15:0]);\n"
                        : ""},
        {"PRODUCT", q ? "32'(x_operand * w_operand)" : "32'($signed(in_bounds_d ? win_q : 8'd0) * $signed(w_q))"},
        // Per-channel requantization: channel k's bias entry and requant word {shift, multiplier}
        // are entries 2k and 2k + 1 of the layer's bias table.
        {"REQUANT_WORD", q ? "  wire [31:0] bias_entry = lf_ChannelRequant[0] ? k_out << 1 : k_out;\n"
                             "  wire [31:0] requant_word = bmem[BW'(lf_BiasBase + bias_entry + 32'd1)];\n"
                           : ""},
        {"BIAS_ENTRY", q ? "bias_entry" : "k_out"},
        {"SHIFT", q ? "lf_ChannelRequant[0] ? requant_word[31:26] : lf_Shift[5:0]" : "lf_Shift[5:0]"},
        {"REQUANT_PORTS", q ? "\n    .multiplier(lf_ChannelRequant[0] ? {6'd0, requant_word[25:0]} : lf_Multiplier),"
                              " .round_even(lf_RoundEven[0]),\n    .out_zero_point(lf_OutZero[15:0]), .out_unsigned(lf_OutUnsigned[0]),"
                            : ""},
        {"TOP", d.name},
        {"WALK_STEP", fused_walk_step()},
        {"LANES", std::to_string(d.lanes)},
        {"LMAX", std::to_string(d.max_layers)},
        {"NLF", std::to_string(int(FusedLayerField::Count))},
        {"NTF", std::to_string(int(FusedTensorField::Count))},
        {"NCF", std::to_string(counters.size())},
        {"AW", std::to_string(bits_for(d.act_words))},
        {"WINW", std::to_string(bits_for(d.win_words))},
        {"WGW", std::to_string(bits_for(d.weight_words))},
        {"BW", std::to_string(bits_for(d.bias_words))},
        {"TYN", std::to_string(d.table_y)},
        {"TXN", std::to_string(d.table_x)},
        {"ACT_WORDS", std::to_string(d.act_words)},
        {"WIN_WORDS", std::to_string(d.win_words)},
        {"WGT_WORDS", std::to_string(d.weight_words)},
        {"BIAS_WORDS", std::to_string(d.bias_words)},
        {"LAYER_FIELDS", fields.str()},
        {"G_LAYERS", std::to_string(int(FusedGlobal::Layers))},
        {"G_TILES_Y", std::to_string(int(FusedGlobal::TilesY))},
        {"G_TILES_X", std::to_string(int(FusedGlobal::TilesX))},
        {"G_INPUT_DRAM", std::to_string(int(FusedGlobal::InputDram))},
        {"G_OUTPUT_DRAM", std::to_string(int(FusedGlobal::OutputDram))},
        {"G_RESIDUAL", std::to_string(int(FusedGlobal::Residual))},
        {"G_RELOAD", std::to_string(int(FusedGlobal::ReloadWeights))},
        {"G_IMAGES", std::to_string(int(FusedGlobal::Images))},
        {"G_INPUT_IMAGE", std::to_string(int(FusedGlobal::InputImageWords))},
        {"G_OUTPUT_IMAGE", std::to_string(int(FusedGlobal::OutputImageWords))},
        {"T_BASE", std::to_string(int(FusedTensorField::Base))},
        {"T_YBITS", std::to_string(int(FusedTensorField::YBits))},
        {"T_XBITS", std::to_string(int(FusedTensorField::XBits))},
        {"T_HEIGHT", std::to_string(int(FusedTensorField::Height))},
        {"T_WIDTH", std::to_string(int(FusedTensorField::Width))},
        {"L_C", std::to_string(int(FusedLayerField::C))},
        {"L_K", std::to_string(int(FusedLayerField::K))},
        {"C_MACS", counter("macs")},
        {"C_WRITES", counter("onchip_output_writes")},
        {"C_ONCHIP_READS", counter("onchip_input_reads")},
        {"C_CACHED_READS", counter("cached_reads")},
        {"C_INPUT_READS", counter("dram_input_reads")},
        {"C_INPUT_FILLS", counter("onchip_input_fills")},
        {"C_WEIGHT_READS", counter("dram_weight_reads")},
        {"C_WEIGHT_FILLS", counter("onchip_weight_fills")},
        {"C_OUTPUT_WRITES", counter("dram_output_writes")},
        {"C_RESIDUAL", counter("residual_reads")},
    };
    DesignSpec post;
    post.name = d.name;
    post.schedule = d.schedule;
    post.architecture = d.architecture;
    post.rows = 1;
    post.cols = d.lanes;
    post.fixed_point_requant = d.quantized;
    RtlDesign r;
    r.spec = post;
    r.spec.dram_latency = d.dram_latency;
    r.top = d.name;
    r.files.push_back({"tessera_post_op.sv", header_comment(post, "Post-op unit (bias, ReLU, requantize)") +
                                                 emit_post_op(post)});
    r.files.push_back({d.name + ".sv", header_comment(post, "Fused-group accelerator (docs/rtl.md, \"Fused groups\")") +
                                           fill(fused_top_template(), v)});
    return r;
}

}  // namespace tessera::rtl
