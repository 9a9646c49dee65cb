// Buffer tiles: the IR's boxes are Halide's own Realize bounds. Here they are compared with the
// footprint computed independently by walking every iteration of the loop nest, and with values
// worked out by hand (halo included).
#include "Lower.h"
#include "Networks.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

using namespace tessera;

namespace {

std::string read(const std::string &name) {
    std::ifstream in(std::string(SCHEDULES_DIR) + "/" + name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

ir::AcceleratorIR lower_text(const std::string &layer, const std::string &schedule) {
    ScheduleRequest req;
    req.text = read(schedule);
    req.text_origin = schedule;
    return lower_to_ir(parse_inline_layer(layer), req);
}

// The largest per-tile footprint of `b`'s tensor over the valid iterations, by brute force.
std::vector<int64_t> walked_box(const ir::AcceleratorIR &ir, const ir::Buffer &b) {
    const auto &loops = ir.mapping.loops;
    const ir::Tensor *t = nullptr;
    for (const auto &x : ir.problem.tensors) if (x.name == b.tensor) t = &x;
    std::vector<int64_t> box(t->index.size(), 0), idx(loops.size(), 0);
    std::vector<int64_t> lo(box.size()), hi(box.size());
    bool tile_started = false;
    auto flush = [&] {
        if (!tile_started) return;
        for (size_t c = 0; c < box.size(); ++c) box[c] = std::max(box[c], hi[c] - lo[c] + 1);
        tile_started = false;
    };
    while (true) {
        std::map<std::string, int64_t> dim;
        for (size_t l = 0; l < loops.size(); ++l) dim[loops[l].dim] += idx[l] * loops[l].stride;
        bool valid = true;
        for (const auto &d : ir.problem.dims) valid &= dim[d.name] < d.extent;
        if (valid) {
            for (size_t c = 0; c < box.size(); ++c) {
                int64_t v = t->index[c].offset;
                for (const auto &[d, k] : t->index[c].terms) v += k * dim[d];
                if (!tile_started) lo[c] = hi[c] = v;
                lo[c] = std::min(lo[c], v);
                hi[c] = std::max(hi[c], v);
            }
            tile_started = true;
        }
        int l = int(loops.size()) - 1;
        while (l >= 0 && ++idx[l] == loops[l].extent) idx[l--] = 0;
        if (l < 0) break;
        if (l < b.at) flush();  // a loop outside the buffer moved: a new tile
    }
    flush();
    return box;
}

}  // namespace

TEST_CASE("buffer boxes equal the walked footprint of each tile", "[buffers]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1", "ws_conv3x3.sched"},
        {"conv:C=3,K=8,H=20,W=20,R=7,S=7,stride=2,pad=3", "os_conv7x7s2.sched"},
        {"conv:C=6,K=5,H=7,W=9,R=1,S=1", "is_conv1x1.sched"},
        {"conv:C=4,K=6,H=10,W=10,R=3,S=3,pad=1", "rs_conv3x3.sched"},
        {"fc:N=4,C=40,K=20", "ws_fc_1d.sched"},
    };
    for (const auto &[layer, sched] : cases) {
        INFO(layer << " " << sched);
        const auto ir = lower_text(layer, sched);
        for (const auto &b : ir.mapping.buffers) {
            INFO("buffer of " << b.tensor);
            REQUIRE(b.box == walked_box(ir, b));
        }
    }
    for (const char *df : {"os", "ws", "is"}) {  // presets on a real layer with tails
        ScheduleRequest req;
        req.dataflow = df;
        req.rows = req.cols = 8;
        const auto ir = lower_to_ir(parse_inline_layer("conv:C=3,K=10,H=23,W=23,R=7,S=7,stride=2,pad=3"), req);
        for (const auto &b : ir.mapping.buffers) REQUIRE(b.box == walked_box(ir, b));
    }
}

TEST_CASE("buffer boxes by hand: stride-2 7x7 and padded 3x3", "[buffers]") {
    auto box_of = [](const ir::AcceleratorIR &ir, const char *t) {
        for (const auto &b : ir.mapping.buffers) if (b.tensor == t) return b.box;
        return std::vector<int64_t>{};
    };
    // 7x7 stride 2 pad 3, 10x10 output, tiles of 8 output columns (the last one 2 wide).
    const auto a = lower_text("conv:C=3,K=8,H=20,W=20,R=7,S=7,stride=2,pad=3", "os_conv7x7s2.sched");
    REQUIRE(box_of(a, "I") == std::vector<int64_t>{(8 - 1) * 2 + 7, (10 - 1) * 2 + 7, 3, 1});
    REQUIRE(box_of(a, "W") == std::vector<int64_t>{7, 7, 3, 8});
    REQUIRE(box_of(a, "O") == std::vector<int64_t>{8, 10, 8, 1});
    // 3x3 pad 1 on 8x8: tiles of 4 output rows, 4 input channels; halo of one on each side.
    const auto b = lower_text("conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1", "ws_conv3x3.sched");
    REQUIRE(box_of(b, "I") == std::vector<int64_t>{8 + 2, 4 + 2, 4, 1});
    REQUIRE(box_of(b, "W") == std::vector<int64_t>{3, 3, 4, 8});
    REQUIRE(box_of(b, "O") == std::vector<int64_t>{8, 4, 8, 1});
    REQUIRE(b.mapping.buffers.size() == 3);
}
