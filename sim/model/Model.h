// The analytical energy / latency model over the accelerator IR. It counts exactly the events of
// docs/hardware.md ("Counting rules") in closed form, then prices them with an architecture.
//
// A Model is built once per IR skeleton (loop structure, buffer positions, tensors, architecture)
// and then evaluated cheaply, allocation-free, for the IR itself or for other loop extents and
// strides with the same structure, which is what a schedule search varies.
#pragma once

#include "Estimate.h"
#include "PrefetchStall.h"
#include "ir/AcceleratorIR.h"
#include "ir/Analysis.h"
#include "ir/Architecture.h"

#include <memory>
#include <string>
#include <vector>

namespace tessera::model {

// Extents and strides of the mapping's loops (outermost first): a blocking of the same loop nest.
struct Blocking {
    std::vector<int64_t> extent, stride;
    static Blocking of(const ir::Mapping &mapping);
    void assign(const ir::Mapping &mapping);  // as `of`, keeping the vectors' storage
};

class Model {
public:
    // Throws (std::runtime_error / tessera::UserError, one line) if the IR is not executable or
    // names a buffer level the architecture lacks. Capacity is not checked here: see fit_error().
    Model(const ir::AcceleratorIR &ir, const ir::Architecture &arch);
    // The same, sharing the architecture and ir.problem (which `problem` must equal) instead of
    // copying them: a search builds thousands of models of one layer on one architecture.
    Model(const ir::AcceleratorIR &ir, std::shared_ptr<const ir::Architecture> arch,
          std::shared_ptr<const ir::Problem> problem);
    // Plans this model again for another IR of the same problem on the same architecture, as if
    // built from it, reusing its storage: a search builds a model for nearly every point it
    // visits, and allocating them was most of its time. Throws as the constructor does (the
    // model is then unusable until rebuilt).
    void rebuild(const ir::AcceleratorIR &ir);

    // The IR as given: its loops and its buffers' boxes (Halide's bounds).
    const Estimate &evaluate();
    // Other extents and strides for the same loops; each buffer's box follows from the loops
    // inside it as Halide's bounds inference gives it (each dim's span clamped to its extent,
    // halo included). Throws if the loops do not cover every dim.
    const Estimate &evaluate(const Blocking &blocking);

    // Empty if the last evaluated mapping fits the architecture (array and level capacities),
    // else the one-line reason (ir::fit_error).
    std::string fit_error() const;

    // The boxes of the last evaluation written into the buffers of `mapping` (the IR the model was
    // built from, or a copy): what Halide's bounds inference gives those loops, so that a mapping
    // built without bounds (explore) becomes IR the RTL generator sizes its buffers from.
    void write_boxes(ir::Mapping &mapping) const;

    const ir::Architecture &architecture() const { return arch_; }
    const ir::Problem &problem() const { return problem_; }

private:
    // One stage of a tensor's chain (ir::Stage) as the model evaluates it.
    struct StagePlan {
        ir::StageKind kind = ir::StageKind::Dram;
        int level = 0;                 // index into Architecture::levels
        int at = 0;
        int parent_at = 0;             // the previous stage's `at`
        int refill_from = 0;           // of the current evaluation (ir::Stage::refill_from)
        std::vector<int64_t> ir_box;   // the front end's box (empty for DRAM)
        std::vector<int> inner;        // loops the box spans (per-PE: temporal loops only)
        std::vector<int> outer;        // temporal loops before `at`: one tile per iteration
        // Per-PE stages: loops selecting a lane group's tile, by dim the tensor depends on
        // (temporal before `at`, and spatial), and temporal loops before `at` on other dims.
        std::vector<std::vector<int>> selecting_by_dim;
        std::vector<int> selecting_dims;  // problem dims of selecting_by_dim
        std::vector<int> outer_other;
        double read_pj = 0, write_pj = 0;  // per element, element width applied
        double words_per_element = 1;      // in this level's words
        int buffer_index = -1;             // the stage's buffer in the IR's mapping (-1: DRAM, register)
        bool double_buffered = false;      // ir::double_buffered: two copies, the next fills during compute
        std::vector<int64_t> box;      // the box of the current evaluation
        bool per_pe() const {
            return kind == ir::StageKind::PerPe || kind == ir::StageKind::Register;
        }
    };

    struct TensorPlan {
        Operand operand = Operand::I;
        std::string name;
        int at = 0;                    // the DRAM-fed buffer's position (stage 1)
        int coords = 0;
        std::vector<int64_t> coeff;    // [loop * coords + coord]: coefficient of the loop's dim
        std::vector<int64_t> dim_coeff;  // [coord * dims + dim]: coefficient of each problem dim
        std::vector<int64_t> offset, shape;
        std::vector<int> spatial_deps;    // spatial loops it depends on
        std::vector<bool> depends;        // per loop: the tensor's coordinates move with it
        std::vector<StagePlan> stages;    // DRAM .. the PE stage
        // DRAM reads factorize per coordinate when no outer loop moves two coordinates.
        bool factorizes = true;
        std::vector<std::vector<int>> outer_of_coord;  // outer loops moving each coordinate
        std::vector<int> outer_moving_none;
        std::vector<int> outer_moving_any;
        // A DRAM-fed per-PE tile's outer loops (when they factorize) in groups that share no dim
        // and no coordinate: a lane group's tile is valid per dim and its DRAM words a product
        // over coordinates, so the sum over tiles is a product of one sum per group.
        struct LoopGroup {
            std::vector<int> loops, coords;
        };
        std::vector<LoopGroup> lane_groups;
        std::vector<int> unmoved_coords;  // coordinates no outer loop moves
        int64_t valid_words = 1;       // |X|: product of the extents of the dims it depends on
        int64_t onchip_bytes = 1;
        bool double_buffered = false;  // the DRAM-fed buffer's level
        bool dram_fed = false;         // ir::dram_fed: DRAM feeds (drains) its per-PE tiles
    };

    const Estimate &run(const int64_t *extent, const int64_t *stride, bool derive_boxes);
    void plan_tensor(TensorPlan &t, const ir::TensorAccess &a, const ir::AcceleratorIR &ir);
    void plan_stage(TensorPlan &t, StagePlan &p, const ir::TensorAccess &a, size_t j,
                    const std::vector<ir::Loop> &loops);
    void derive_box(const TensorPlan &t, StagePlan &s, const int64_t *extent,
                    const int64_t *stride);
    int64_t lane_tiles(const StagePlan &s, const int64_t *extent, const int64_t *stride,
                       int only_outer_before) const;
    int64_t first_visit_tiles(const TensorPlan &t, const StagePlan &c, const int64_t *extent) const;
    // Does loop l make an output visit a resumed one when it is not at 0: a reduction loop (on a
    // dim the output ignores) inside the outermost output tile.
    static bool resumes(const TensorPlan &t, int l) { return l >= t.stages[1].at && !t.depends[size_t(l)]; }
    void count_tensor(TensorPlan &t, const int64_t *extent, const int64_t *stride,
                      bool derive_boxes, TensorEstimate &out);
    // Whether the tile the odometer (over `moving`) selects starts inside every dim's extent.
    bool valid_start(const std::vector<int> &moving, const int64_t *stride);
    int64_t in_shape_box_positions(const TensorPlan &t, const int64_t *extent,
                                   const int64_t *stride);
    int64_t lane_tile_positions(const TensorPlan &t, const int64_t *extent, const int64_t *stride);
    static void group_lane_loops(TensorPlan &t, const std::vector<int> &loop_dim);
    int64_t coordinate_coverage(const TensorPlan &t, int coord, const int64_t *extent,
                                const int64_t *stride);
    void count_cycles(const int64_t *extent);
    // One transfer into stage j (>= 2) of t: its cycles and, for an output block's drain, the
    // cycles it first waits for the array's last sums.
    struct OnchipJob {
        int64_t cycles = 0, drain_wait = 0;
        int64_t move = 0;  // of cycles, those that move words (the rest: fill or drain overhead)
    };
    OnchipJob onchip_job(const TensorPlan &t, size_t j) const;
    // Whether stage j of t is the PE operand register, loaded in the compute pipeline (ir::loads_in_pipeline).
    bool loads_in_pipeline(const TensorPlan &t, size_t j) const;
    // Stage j of t fills its next tile while the array computes (ir::prefetched), and the loop
    // that visit moves (ir::prefetch_loop; -1: every visit waits for its fill).
    bool prefetched(const TensorPlan &t, size_t j) const;
    int prefetch_loop(const TensorPlan &t, size_t j, const int64_t *extent) const;
    // What `visits` visits of stage j stall the array: `job`'s cycles where a visit is not prefetched.
    int64_t prefetched_visit_stalls(const TensorPlan &t, size_t j, const int64_t *extent, int64_t visits,
                                    const OnchipJob &job) const;
    int64_t onchip_transfer_cycles(const int64_t *extent) const;
    RunStalls run_stalls(const int64_t *extent) const;  // ModelCycles.cpp
    std::string pipeline_error(const int64_t *extent) const;  // ModelCycles.cpp
    void price();

    std::shared_ptr<const ir::Problem> problem_ptr_;
    std::shared_ptr<const ir::Architecture> arch_ptr_;
    const ir::Problem &problem_;
    const ir::Architecture &arch_;
    Blocking ir_blocking_;
    std::vector<ir::LoopKind> kinds_;
    std::vector<int> loop_dim_;        // index into problem_.dims
    std::vector<int64_t> covered_;     // scratch: per dim, the largest index the loops reach
    std::vector<int64_t> dim_span_;    // scratch: per dim, its span inside a buffer
    std::vector<int64_t> odometer_;    // scratch: loop indices while enumerating tiles
    std::vector<int64_t> base_;        // scratch: per coordinate tile base
    mutable std::vector<int64_t> start_extent_, start_stride_;  // scratch: valid_starts
    std::vector<int> row_loops_, col_loops_;
    int64_t rows_ = 1, cols_ = 1;      // array shape of the current evaluation
    int run_from_ = 0;                 // of the current evaluation (ir::NestAnalysis::run_from)
    TensorPlan plans_[3];              // I, W, O
    int64_t bias_words_ = 0;
    double bias_read_pj_ = 0, bias_dram_words_ = 0;
    std::vector<double> level_words_;  // scratch: words through each level this evaluation
    Estimate est_;
    std::string pipeline_error_;       // a pipelined array cannot preload a per-PE operand in time
};

}  // namespace tessera::model
