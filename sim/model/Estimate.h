// What the analytical model reports for one mapping on one architecture. Fixed-size, no heap:
// a Model fills the same Estimate millions of times per second during a schedule search.
// Every count is an event of docs/hardware.md ("Counting rules"); the RTL counts the same events.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace tessera::model {

// The operands of a layer as the hardware moves them. B is the bias table (read once from DRAM).
enum class Operand { I = 0, W = 1, O = 2, B = 3 };
inline constexpr int kOperands = 4;
inline constexpr std::array<Operand, kOperands> kAllOperands = {Operand::I, Operand::W, Operand::O,
                                                                Operand::B};
const char *operand_name(Operand);

// A tensor's accesses are kept per stage of its chain (docs/hardware.md, "Memory levels"): DRAM
// first, its buffers outermost first, the PE stage last; the architecture level behind each stage
// is LevelAccess::level. A chain of one on-chip buffer has the three places below (the hardware the
// RTL generator builds); longer chains have more stages.
enum class Place { DRAM = 0, Buffer = 1, RF = 2 };
inline constexpr int kPlaces = 3;
inline constexpr int kMaxStages = 6;  // DRAM, up to four on-chip levels, the PE stage

// One tensor at one memory level, in elements of that tensor ("words" of the counting rules).
struct LevelAccess {
    int level = -1;            // index into Architecture::levels; -1: the tensor never visits
    bool per_pe = false;       // counts are summed over every PE's copy
    int64_t tiles = 0;         // tile instances: shared, every visit; per-PE, every valid lane group's
    int64_t box_words = 0;     // words of one tile (DRAM: 0)
    int64_t fills = 0;         // writes of words arriving from the level above
    int64_t updates = 0;       // writes of words arriving from below (partial sums, outputs)
    int64_t reads = 0;         // reads of words sent below (operands, partial sums to resume)
    int64_t drains = 0;        // reads of words sent above (finished outputs)
    double read_energy_pj = 0;
    double write_energy_pj = 0;

    int64_t total_reads() const { return reads + drains; }
    int64_t total_writes() const { return fills + updates; }
    double energy_pj() const { return read_energy_pj + write_energy_pj; }
};

// How a tensor's words reach the PEs (I, W) or leave them (O) on the array.
enum class DeliveryKind { None, Unicast, Multicast, Broadcast, Reduction };
const char *delivery_name(DeliveryKind);

struct Delivery {
    DeliveryKind kind = DeliveryKind::None;
    int64_t fanout = 1;        // PEs sharing one word (I, W) or reduced into one sum (O)
    int64_t unicasts = 0;      // words sent to exactly one PE
    int64_t multicasts = 0;    // words sent to fanout > 1 PEs (a row, a column or the array)
    int64_t hops = 0;          // PE-to-PE hops: each extra receiving PE, each reduction add
    int64_t reductions = 0;    // partial sums folded into a neighbour's (O only)
    double energy_pj = 0;      // hops * hop energy
};

struct TensorEstimate {
    std::array<LevelAccess, kMaxStages> at{};  // indexed by stage (Place for a 3-stage chain)
    int stages = 0;            // stages in use: DRAM .. the PE stage
    Delivery array;
    int64_t tiles = 0;         // fills (I, W) or drains (O) of the DRAM-fed buffer (stage 1)
    int64_t box_words = 0;     // words of one tile of it
    const LevelAccess &pe_stage() const { return at[size_t(stages > 0 ? stages - 1 : 0)]; }
    double energy_pj() const {
        double e = array.energy_pj;
        for (int s = 0; s < stages; ++s) e += at[size_t(s)].energy_pj();
        return e;
    }
};

// What most of a layer's cycles go to: the array computing, runs waiting for a buffer's or the
// DRAM's bandwidth, or transfers the array stalls for (DRAM fills and drains of single-buffered
// tiles, on-chip transfers).
enum class Bound { Compute, Buffer, DRAM, DramStalls, OnchipStalls };
const char *bound_name(Bound);

// Cycle figures (docs/hardware.md, "Cycles"). `pipeline` is what the generated hardware's cycle
// counter measures; `total` adds the buffer-bandwidth bound the generated buffers do not have.
struct Cycles {
    int64_t total = 0;
    int64_t pipeline = 0;      // start + bias + serial + exposed transfers + compute + prefetch stall
    int64_t compute = 0;       // array busy: temporal iterations + pipeline fill/drain per run
    int64_t runs = 0;          // uninterrupted runs of compute cycles
    int64_t array_skew = 0;    // per run, part of compute: a pipelined array's extra flush
                               // (Architecture::array_skew; 0 for broadcast)
    int64_t start = 0;         // once per layer
    int64_t bias = 0;          // bias table load
    int64_t serial_transfers = 0;   // DRAM fills/drains that stall the array (single buffered)
    int64_t overlapped_transfers = 0;  // DRAM fills/drains during compute runs (double buffered)
    int64_t exposed_transfers = 0;  // first fill / last drain of double-buffered tensors (stall)
    int64_t onchip_transfers = 0;   // stalls for transfers between on-chip levels and per-PE tiles
    int64_t prefetch_stall = 0;     // cycles runs wait for their overlapped transfers
    double buffer_bound = 0;   // busiest on-chip level: its words / its bandwidth
    int buffer_bound_level = -1;    // index into Architecture::levels
    Bound bound = Bound::Compute;   // the largest of: the steady part (compute, DRAM when the
                                    // overlapped transfers outlast compute, or the buffer bound),
                                    // the stalled DRAM transfers, the on-chip transfers
};

struct Estimate {
    int64_t macs = 0;
    int64_t temporal_iterations = 0;
    int64_t mapped_pes = 0;    // rows * cols of the mapping's spatial loops
    int64_t arch_pes = 0;      // rows * cols of the architecture
    double utilization = 0;    // macs / (arch_pes * temporal_iterations): tails and idle PEs
    double utilization_overall = 0;  // macs / (arch_pes * cycles): stalls as well
    std::array<TensorEstimate, kOperands> tensors{};  // indexed by Operand
    Cycles cycles;
    double mac_energy_pj = 0;
    double hop_energy_pj = 0;
    double leakage_energy_pj = 0;
    double energy_pj = 0;      // sum of every part above
    double pj_per_mac() const { return macs ? energy_pj / double(macs) : 0; }

    const TensorEstimate &tensor(Operand o) const { return tensors[int(o)]; }
};

}  // namespace tessera::model
