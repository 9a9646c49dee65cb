// The fused design's register map (16-bit addresses), one table for the SV decoder
// (EmitFused.cpp) and the driver's writes (FusedDesign.cpp):
//   0x0000            control (write 1: start; read: bit 0 busy, bit 1 done)
//   0x0010 + g        group-wide value g (FusedGlobal), g < 16
//   0x0100 + 16 f + l layer field f of layer l (FusedLayerField)
//   0x0400 + 32 f + t tensor field f of tensor t, 0 = the group's input .. L = its output
//   0x0C00 + 2 i      counter i, low and high word (cycles, then per layer fused_counter_fields())
//   0x4000 + 2 e      y tile table entry e = tile * (L + 1) + t: {produced.hi, produced.lo}, {read.hi, read.lo}
//   0x8000 + 2 e      x tile table, likewise
#pragma once

#include "ir/FusedGeometry.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace tessera::rtl {

// Images: the batch N, run one image after another; InputImageWords / OutputImageWords: the DRAM
// words of one image of the group's input / output (image n starts n times that past its base).
enum class FusedGlobal {
    Layers, TilesY, TilesX, InputDram, OutputDram, Residual, ReloadWeights, Images, InputImageWords, OutputImageWords, Count
};
static_assert(int(FusedGlobal::Count) <= 16, "the decoder maps 16 global registers at 0x0010..0x001F");

enum class FusedLayerField {
    C, K, Cg, Kg, Groups, R, S, StrideY, StrideX, DilationY, DilationX, PadY, PadX, H, W, Lanes, KStride,
    WeightBase, BiasBase, WeightDram, BiasDram, WeightWords, BiasEnable, Relu, Shift,
    // Quantized layers (designs with `quantized`): operand = element (uint8 zero-extended, int8
    // sign-extended) - zero point; the post-op's fixed-point requantization (multiplier 0: shift only).
    // ChannelRequant: the bias table holds (bias, requant word) per channel (ir::fused_bias_entries).
    XUnsigned, XZero, WUnsigned, WZero, Multiplier, RoundEven, OutZero, OutUnsigned, ChannelRequant, Count
};
enum class FusedTensorField { Base, YBits, XBits, Height, Width, Count };

inline constexpr int kFusedGlobalBase = 0x10, kFusedLayerBase = 0x100, kFusedTensorBase = 0x400;
static_assert(kFusedLayerBase + 16 * int(FusedLayerField::Count) <= kFusedTensorBase, "layer fields overlap tensor fields");
inline constexpr int kFusedTableY = 0x4000, kFusedTableX = 0x8000, kFusedTableEntries = 0x2000;

inline int fused_global_address(FusedGlobal g) { return kFusedGlobalBase + int(g); }
inline int fused_layer_address(FusedLayerField f, size_t l) { return kFusedLayerBase + 16 * int(f) + int(l); }
inline int fused_tensor_address(FusedTensorField f, size_t t) { return kFusedTensorBase + 32 * int(f) + int(t); }

class FusedRegisterWriter {
public:
    explicit FusedRegisterWriter(std::vector<std::pair<int, uint32_t>> &out) : out_(out) {}
    void global(FusedGlobal g, int64_t v) { out_.push_back({fused_global_address(g), uint32_t(v)}); }
    void layer(FusedLayerField f, size_t l, int64_t v) { out_.push_back({fused_layer_address(f, l), uint32_t(v)}); }
    void tensor(FusedTensorField f, size_t t, int64_t v) { out_.push_back({fused_tensor_address(f, t), uint32_t(v)}); }
    void table(bool y_axis, size_t entry, ir::Interval produced, ir::Interval read) {
        const int base = (y_axis ? kFusedTableY : kFusedTableX) + 2 * int(entry);
        out_.push_back({base, uint32_t(produced.lo) | uint32_t(produced.hi) << 16});
        out_.push_back({base + 1, uint32_t(read.lo) | uint32_t(read.hi) << 16});
    }

private:
    std::vector<std::pair<int, uint32_t>> &out_;
};

}  // namespace tessera::rtl
