#include "TestDesigns.h"

#include "Lower.h"

#include <stdexcept>

namespace tessera::rtl::test {

namespace {

ir::AcceleratorIR tiling(const ir::LayerSpec &l, const std::string &row, int64_t rows, const std::string &col,
                         int64_t cols, std::vector<std::string> order, const std::string &input_at,
                         const std::string &weight_at, const std::string &output_at) {
    Tiling t;
    t.row_dim = row, t.rows = rows, t.col_dim = col, t.cols = cols, t.order = std::move(order);
    t.input_at = input_at, t.weight_at = weight_at, t.output_at = output_at;
    return tiled_ir(l, t);
}

// Weight stationary, TPU-like: rows = c (input channels), cols = k; the weights stay in the PEs
// across the output pixels (y, x innermost); partial sums reduced down the columns.
ir::AcceleratorIR ws_ck(const ir::LayerSpec &l, int64_t rows, int64_t cols) {
    std::vector<std::string> order = {"n", "ko", "co"};
    if (l.type != "fc") order.insert(order.end(), {"y", "x", "r", "s"});
    return tiling(l, "c", rows, "k", cols, order, "co", "co", "ko");
}

// Output stationary, ShiDianNao-like: rows = y, cols = x; every PE owns an output pixel and
// accumulates it over c, r, s; weights broadcast.
ir::AcceleratorIR os_xy(const ir::LayerSpec &l, int64_t rows, int64_t cols) {
    std::vector<std::string> order = {"n", "yo", "xo", "k", "c", "r", "s"};
    if (l.type == "dwconv") order.erase(order.begin() + 4);  // no c: the channel is k
    return tiling(l, "y", rows, "x", cols, order, "xo", "n", "xo");
}

// Input stationary: rows = c, cols = x; each PE keeps an input pixel while k runs innermost;
// weights shared along the columns, partial sums reduced down the columns.
ir::AcceleratorIR is_cx(const ir::LayerSpec &l, int64_t rows, int64_t cols) {
    return tiling(l, "c", rows, "x", cols, {"n", "co", "y", "xo", "r", "s", "k"}, "co", "co", "n");
}

// rows = k, cols = x: inputs shared along the rows, weights along the columns, an accumulator
// per PE (output stationary over c, r, s) with a different array mapping than X|Y.
ir::AcceleratorIR os_kx(const ir::LayerSpec &l, int64_t rows, int64_t cols) {
    return tiling(l, "k", rows, "x", cols, {"n", "ko", "y", "xo", "c", "r", "s"}, "y", "ko", "xo");
}

// The front end's presets (tessera lower --dataflow D --array RxC), lowered through Halide.
ir::AcceleratorIR preset(const ir::LayerSpec &l, const std::string &dataflow, int64_t rows, int64_t cols) {
    ScheduleRequest request;
    request.dataflow = dataflow;
    request.rows = rows, request.cols = cols;
    return lower_to_ir(l, request);
}

ir::AcceleratorIR spatial(const ir::LayerSpec &l, const std::string &dims, int64_t rows, int64_t cols) {
    ScheduleRequest request;
    request.spatial = dims;
    request.rows = rows, request.cols = cols;
    return lower_to_ir(l, request);
}

}  // namespace

ir::Architecture TestDesign::architecture() const {
    ir::Architecture arch = ir::default_architecture();
    if (double_buffered) {
        arch.name = "default_double_buffered";
        for (auto &level : arch.levels)
            if (level.name == "GLB") level.double_buffered = true;
    }
    return arch;
}

rtl::DesignSpec TestDesign::spec() const { return rtl::design_for(layers, architecture(), name); }

const std::vector<TestDesign> &test_designs() {
    static const std::vector<TestDesign> designs = {
        {"ws_ck_4x4",
         {ws_ck(conv("conv3x3_tails", 6, 7, 6, 6, 3, 1, 1), 4, 4),
          ws_ck(conv("conv1x1_stride2", 8, 8, 9, 9, 1, 2, 0), 4, 4),
          ws_ck(fc("fc_tails", 10, 9), 4, 4)}},
        {"os_xy_4x4",
         {os_xy(conv("conv3x3_tails", 3, 4, 7, 7, 3, 1, 1), 4, 4),
          os_xy(conv("conv3x3_stride2", 3, 5, 9, 9, 3, 2, 1), 4, 4),
          os_xy(dwconv("dwconv3x3", 5, 6, 6, 3, 1, 1), 4, 4)}},
        {"is_cx_4x4",
         {is_cx(conv("conv3x3_tails", 6, 5, 6, 6, 3, 1, 1), 4, 4),
          is_cx(conv("conv1x1_stride2", 5, 3, 9, 9, 1, 2, 0), 4, 4)}},
        {"os_kx_4x4",
         {os_kx(conv("conv3x3_tails", 4, 6, 7, 7, 3, 1, 1), 4, 4),
          os_kx(conv("conv1x1_stride2", 6, 5, 8, 8, 1, 2, 0), 4, 4)}},
        // Front-end presets (C|K, Y|X, C|X for conv; K|X for depthwise; N|K for fc under os).
        {"preset_ws_4x4",
         {preset(conv("conv3x3_tails", 6, 7, 6, 6, 3, 1, 1), "ws", 4, 4),
          preset(conv("conv1x1_stride2", 8, 5, 9, 9, 1, 2, 0), "ws", 4, 4),
          preset(fc("fc_tails", 10, 9, 3), "ws", 4, 4)}},
        {"preset_os_4x4",
         {preset(conv("conv3x3_tails", 6, 7, 6, 6, 3, 1, 1), "os", 4, 4),
          preset(conv("conv3x3_stride2", 3, 5, 9, 9, 3, 2, 1), "os", 4, 4),
          preset(dwconv("dwconv3x3", 5, 7, 7, 3, 1, 1), "os", 4, 4)}},
        {"preset_is_4x4",
         {preset(conv("conv3x3_tails", 6, 7, 6, 6, 3, 1, 1), "is", 4, 4),
          preset(conv("conv1x1_stride2", 8, 5, 9, 9, 1, 2, 0), "is", 4, 4)}},
        {"preset_ws_dwconv_4x4", {preset(dwconv("dwconv3x3_stride2", 6, 9, 9, 3, 2, 1), "ws", 4, 4)}},
        {"preset_os_fc_4x4", {preset(fc("fc_batch3", 10, 9, 3), "os", 4, 4)}},
        // Row stationary (Eyeriss-like FY|Y: rows = r, cols = y; inputs on the diagonal per PE).
        {"preset_rs_4x4",
         {preset(conv("conv3x3_tails", 6, 7, 6, 6, 3, 1, 1), "rs", 4, 4),
          preset(conv("conv3x3_stride2", 3, 5, 9, 9, 3, 2, 1), "rs", 4, 4)}},
        // Rows k x c (docs/rtl.md, "Within an axis"): the input multicast to the rows of its
        // channel, the output summed over a filter's rows; 2 x 4 lanes, and 2 x 3 at the same digits.
        {"spatial_kc_x_8x4",
         {spatial(conv("conv3x3_kc", 4, 7, 7, 6, 3, 1, 1), "K,C|X", 8, 4),
          spatial(conv("conv3x3_stride2_kc", 3, 13, 5, 7, 3, 2, 1), "K,C|X", 8, 4)}},
        // A one-dimensional array: k on 8 columns.
        {"spatial_k_1x8", {spatial(conv("conv3x3_tails", 6, 11, 6, 6, 3, 1, 1), "K", 1, 8)}},
        // Double buffered: fills of the next tiles and drains of the last output tile overlap
        // compute (runs short enough that some wait for them: 1x1 conv, fc).
        {"ws_ck_4x4_double_buffered",
         {ws_ck(conv("conv3x3_tails", 6, 7, 6, 6, 3, 1, 1), 4, 4),
          ws_ck(conv("conv1x1_stride2", 8, 8, 9, 9, 1, 2, 0), 4, 4),
          ws_ck(fc("fc_tails", 10, 9), 4, 4)},
         true},
        {"os_xy_4x4_double_buffered",
         {os_xy(conv("conv3x3_tails", 3, 4, 7, 7, 3, 1, 1), 4, 4),
          os_xy(conv("conv3x3_stride2", 3, 5, 9, 9, 3, 2, 1), 4, 4),
          os_xy(dwconv("dwconv3x3", 5, 6, 6, 3, 1, 1), 4, 4)},
         true},
        {"is_cx_4x4_double_buffered",
         {is_cx(conv("conv3x3_tails", 6, 5, 6, 6, 3, 1, 1), 4, 4),
          is_cx(conv("conv1x1_stride2", 5, 3, 9, 9, 1, 2, 0), 4, 4)},
         true},
    };
    return designs;
}

const TestDesign &test_design(const std::string &name) {
    for (const auto &d : test_designs())
        if (d.name == name) return d;
    throw std::invalid_argument("no test design " + name);
}

std::vector<std::pair<rtl::DesignSpec, std::string>> mixed_buffering_designs() {
    rtl::DesignSpec weight_only = test_design("ws_ck_4x4_double_buffered").spec();
    weight_only.name = "ws_ck_4x4_weight_double_buffered";
    weight_only.input_double_buffered = weight_only.output_double_buffered = false;
    rtl::DesignSpec input_output = test_design("os_xy_4x4_double_buffered").spec();
    input_output.name = "os_xy_4x4_input_output_double_buffered";
    input_output.weight_double_buffered = false;
    return {{weight_only, "ws_ck_4x4_double_buffered"}, {input_output, "os_xy_4x4_double_buffered"}};
}

std::vector<TestDesign> golden_designs() {
    return {{"golden_ws_ck_2x2", {ws_ck(conv("conv3x3", 3, 3, 4, 4, 3, 1, 1), 2, 2)}},
            {"golden_os_xy_2x2", {os_xy(conv("conv3x3", 3, 3, 4, 4, 3, 1, 1), 2, 2)}},
            {"golden_ws_ck_2x2_double_buffered", {ws_ck(conv("conv3x3", 3, 3, 4, 4, 3, 1, 1), 2, 2)}, true},
            {"golden_kc_x_4x2", {spatial(conv("conv3x3", 2, 3, 4, 4, 3, 1, 1), "K,C|X", 4, 2)}}};
}

}  // namespace tessera::rtl::test
