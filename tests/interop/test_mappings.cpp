// Timeloop and MAESTRO mappings (interop/): a mapping written by --emit timeloop and read back by
// --timeloop-mapping lowers to the same IR (loops, tiles, problem) for the bundled schedules, the
// presets, the Timeloop examples and random nests; MAESTRO's three example dataflows import as
// the array and loops they describe; bad mappings get one line naming the file and the cause.
#include "Lower.h"
#include "Networks.h"
#include "UserError.h"
#include "interop/LoopNest.h"
#include "interop/MaestroMapping.h"
#include "interop/TimeloopMapping.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <unistd.h>

using namespace tessera;
namespace fs = std::filesystem;

namespace {

std::string read(const fs::path &p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

fs::path temp_file(const std::string &name, const std::string &text) {
    const fs::path dir = fs::temp_directory_path() / ("tessera_mappings_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path p = dir / name;
    std::ofstream(p) << text;
    return p;
}

ir::AcceleratorIR lower_text(const ir::LayerSpec &layer, const std::string &text) {
    ScheduleRequest req;
    req.text = text;
    return lower_to_ir(layer, req);
}

ir::Problem problem_of(const ir::LayerSpec &layer) { return lower_to_ir(layer, ScheduleRequest{}).problem; }

// --emit timeloop, then --timeloop-mapping: the same IR up to what the format does not carry.
void check_timeloop_round_trip(const ir::LayerSpec &layer, const ir::AcceleratorIR &ir) {
    const std::string yaml = interop::timeloop_yaml(ir);
    INFO(ir.mapping.schedule << "\n--- as Timeloop:\n" << yaml);
    const fs::path file = temp_file("map.yaml", yaml);
    const std::string text = interop::timeloop_schedule(file.string(), ir.problem);
    INFO("--- imported:\n" << text);
    const ir::AcceleratorIR back = lower_text(layer, text);
    CHECK(interop::canonical_mapping(back) == interop::canonical_mapping(ir));
}

std::string example(const std::string &rel) { return (fs::path(TESSERA_SOURCE_DIR) / "examples" / rel).string(); }

}  // namespace

TEST_CASE("the bundled schedules and presets round-trip through Timeloop YAML", "[timeloop]") {
    const std::vector<std::pair<std::string, std::string>> files = {
        {"ws_conv3x3.sched", "conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1"},
        {"os_conv7x7s2.sched", "conv:C=3,K=8,H=20,W=20,R=7,S=7,stride=2,pad=3"},
        {"is_conv1x1.sched", "conv:C=6,K=5,H=7,W=9,R=1,S=1"},
        {"rs_conv3x3.sched", "conv:C=4,K=6,H=10,W=10,R=3,S=3,pad=1"},
        {"ws_fc_1d.sched", "fc:N=4,C=40,K=20"},
        {"eyeriss_rs.sched", "conv:C=256,K=256,H=58,W=58,R=3,S=3,pad=0"},      // per-PE tiles at two loops
        {"ws_scratchpads.sched", "conv:C=256,K=256,H=58,W=58,R=3,S=3,pad=0"},  // per-PE I/W/O
        {"four_level_bypass.sched", "conv:C=64,K=64,H=28,W=28,R=3,S=3,pad=1"}, // L2 + GLB, bypass
        {"output_two_levels.sched", "conv:C=40,K=20,H=9,W=11,R=3,S=3,pad=1"},  // O at L2 + GLB
        {"output_three_levels.sched", "conv:C=40,K=20,H=9,W=11,R=3,S=3,pad=1"}, // O at L2 + GLB + RF
        {"os_outputs_to_dram.sched", "conv:C=16,K=32,H=14,W=14,R=3,S=3,pad=1"}, // O at RF alone
        {"ws_registers.sched", "conv:C=64,K=64,H=30,W=30,R=3,S=3,pad=0"},       // W at RF and REG
        {"os_output_register.sched", "conv:C=64,K=64,H=30,W=30,R=3,S=3,pad=0"}, // O at GLB, RF and REG
    };
    for (const auto &[file, spec] : files) {
        INFO(file);
        const ir::LayerSpec layer = parse_inline_layer(spec);
        check_timeloop_round_trip(layer, lower_text(layer, read(example("schedules/" + file))));
    }
    for (const char *df : {"os", "ws", "is", "rs"}) {
        INFO(df);
        const ir::LayerSpec layer = parse_inline_layer("conv:C=3,K=64,H=224,W=224,R=7,S=7,stride=2,pad=3");
        ScheduleRequest req;
        req.dataflow = df;
        check_timeloop_round_trip(layer, lower_to_ir(layer, req));
    }
}

TEST_CASE("the Timeloop examples import, and round-trip", "[timeloop]") {
    // Output stationary: rows Q, columns P, the reduction inside each PE.
    const ir::LayerSpec os_layer = parse_inline_layer("conv:C=64,K=64,H=56,W=56,R=3,S=3,pad=1");
    const ir::AcceleratorIR os =
        lower_text(os_layer, interop::timeloop_schedule(example("timeloop/os_16x16.yaml"), problem_of(os_layer)));
    CHECK(os.mapping.array_rows() == 16);
    CHECK(os.mapping.array_cols() == 16);
    for (const auto &l : os.mapping.loops)
        if (l.kind == ir::LoopKind::SpatialRow) CHECK(l.dim == "y");
    check_timeloop_round_trip(os_layer, os);

    // Row stationary: rows c x s (mixed radix), columns y, per-PE tiles of all three tensors,
    // the GLB's tiles at two positions (GLB, GLB_2).
    const std::string rs_file = example("timeloop/eyeriss_rs.yaml");
    REQUIRE(interop::has_timeloop_problem(rs_file));
    const ir::LayerSpec rs_layer = interop::read_timeloop_problem(rs_file);
    CHECK(rs_layer.C == 256);
    CHECK(rs_layer.H == 58);
    const ir::AcceleratorIR rs = lower_text(rs_layer, interop::timeloop_schedule(rs_file, problem_of(rs_layer)));
    CHECK(rs.mapping.array_rows() == 15);
    CHECK(rs.mapping.array_cols() == 16);
    int rf = 0, glb = 0;
    for (const auto &b : rs.mapping.buffers) rf += b.level == "RF", glb += b.level == "GLB";
    CHECK(rf == 3);
    CHECK(glb == 3);
    check_timeloop_round_trip(rs_layer, rs);
}

TEST_CASE("random nests round-trip through Timeloop YAML", "[timeloop][random]") {
    std::mt19937 rng(14);
    auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
    int lowered = 0;
    for (int iter = 0; iter < 60; ++iter) {
        std::ostringstream spec;
        const int64_t R = pick(0, 1) ? 3 : 1;
        spec << "conv:C=" << pick(1, 12) << ",K=" << pick(1, 12) << ",H=" << pick(4, 12) << ",W=" << pick(4, 12)
             << ",R=" << R << ",S=" << R << ",pad=" << (R == 3 ? 1 : 0) << ",N=" << pick(1, 2);
        const ir::LayerSpec layer = parse_inline_layer(spec.str());
        const ir::Problem problem = problem_of(layer);
        // DRAM (output dims only), GLB (keeps all), the array, and maybe a per-PE RF.
        interop::LoopNest nest;
        nest.levels = {{"DRAM", {}, {}, {}, {}}, {"GLB", {}, {}, {}, {"I", "W", "O"}}};
        const bool with_rf = pick(0, 1);
        if (with_rf) {
            nest.levels.push_back({"RF", {}, {}, {}, {}});
            for (const char *t : {"I", "W", "O"})
                if (pick(0, 1)) nest.levels.back().keep.push_back(t);
        }
        const int nd = int(problem.dims.size());
        // The columns: a dim of extent >= 2 (an array of one PE is no array); the rows: any dim.
        int col = int(pick(0, nd - 1));
        while (problem.dims[size_t(col)].extent < 2) col = (col + 1) % nd;
        const int row = int(pick(0, nd - 1));
        for (int d = 0; d < nd; ++d) {
            const ir::Dim &dim = problem.dims[size_t(d)];
            const int64_t sp = d == col ? pick(2, std::min<int64_t>(dim.extent, 4))
                               : d == row ? pick(1, std::min<int64_t>(dim.extent, 4)) : 1;
            const int64_t in = with_rf ? pick(1, std::min<int64_t>(3, (dim.extent + sp - 1) / sp)) : 1;
            const int64_t rest = (dim.extent + sp * in - 1) / (sp * in);
            const int64_t outer = dim.reduction ? 1 : pick(1, rest);
            const int64_t glb = (rest + outer - 1) / outer;
            // The outermost loop of a dim takes the tail: DRAM's when it has one, else the GLB's.
            const int64_t dram = dim.reduction ? 1 : (dim.extent + glb * sp * in - 1) / (glb * sp * in);
            nest.levels[0].temporal.push_back({dim.name, dram});
            nest.levels[1].temporal.push_back({dim.name, glb});
            if (d == row && row != col) nest.levels[1].rows.push_back({dim.name, sp});
            if (d == col) nest.levels[1].cols.push_back({dim.name, sp});
            if (with_rf) nest.levels[2].temporal.push_back({dim.name, in});
        }
        for (auto &lv : nest.levels) std::shuffle(lv.temporal.begin(), lv.temporal.end(), rng);
        INFO(spec.str());
        std::string text;
        try {
            text = interop::schedule_text(problem, nest, "random");
        } catch (const UserError &e) {
            FAIL("schedule_text: " << e.what());
        }
        INFO(text);
        ir::AcceleratorIR ir;
        try {
            ir = lower_text(layer, text);
        } catch (const UserError &e) {
            continue;  // e.g. an array of one PE, or a tile the front end refuses
        }
        ++lowered;
        check_timeloop_round_trip(layer, ir);
    }
    CHECK(lowered >= 40);
}

TEST_CASE("bad Timeloop mappings get one line naming the cause", "[timeloop][errors]") {
    const ir::LayerSpec layer = parse_inline_layer("conv:C=64,K=64,H=56,W=56,R=3,S=3,pad=1");
    const ir::Problem problem = problem_of(layer);
    auto error_of = [&](const std::string &yaml) -> std::string {
        const fs::path f = temp_file("bad.yaml", yaml);
        try {
            lower_text(layer, interop::timeloop_schedule(f.string(), problem));
        } catch (const UserError &e) {
            const std::string msg = e.what();
            CHECK(msg.find('\n') == std::string::npos);
            return msg;
        }
        return "no error";
    };
    const std::string head = "mapping:\n  - target: DRAM\n    type: temporal\n    factors: C=1 M=4 P=4 Q=4\n";
    const std::string glb = "  - target: GLB\n    type: temporal\n    factors: C=64 M=16 R=3 S=3\n"
                            "  - target: GLB\n    type: spatial\n    factors: P=16 Q=16\n    split: 1\n";
    CHECK(error_of(head + glb).find("no error") != std::string::npos);
    {  // no permutation: the factors' order (P first: X, the columns; Q: Y, the rows)
        const fs::path f = temp_file("noperm.yaml", head + glb);
        const ir::AcceleratorIR ir = lower_text(layer, interop::timeloop_schedule(f.string(), problem));
        CHECK(ir.mapping.array_rows() == 16);
        CHECK(ir.mapping.array_cols() == 16);
    }
    CHECK_THAT(error_of(head + "  - target: GLB\n    type: temporal\n    factors: C=32 M=16 R=3 S=3\n" +
                        glb.substr(glb.find("  - target: GLB\n    type: spatial"))),
               Catch::Contains("the factors of c multiply to 32, the layer's c is 64"));
    CHECK_THAT(error_of("mapping:\n  - target: DRAM\n    type: temporal\n    factors: C=2 M=4 P=4 Q=4\n"
                        "  - target: GLB\n    type: temporal\n    factors: C=32 M=16 R=3 S=3\n"
                        "  - target: GLB\n    type: spatial\n    factors: P=16 Q=16\n    split: 1\n"),
               Catch::Contains("reduction loop c (factor 2) lies above the output tile"));
    CHECK_THAT(error_of("mapping: [ {target: DRAM, type: temporal"), Catch::Contains("malformed YAML"));
    CHECK_THAT(error_of(head + "    loops: 3\n"), Catch::Contains("unknown key 'loops'"));
    CHECK_THAT(error_of(head + "  - target: GLB\n    type: temporal\n    factors: Z=4\n"),
               Catch::Contains("unknown dimension 'Z'"));
    CHECK_THAT(error_of(head + glb + "  - target: GLB\n    type: bypass\n    bypass: [Outputs]\n"),
               Catch::Contains("the outputs have no tile on a shared on-chip level"));
    CHECK_THAT(error_of(head + "  - target: GLB\n    type: temporal\n    factors: C=x4\n"),
               Catch::Contains("is not an integer"));
}

TEST_CASE("MAESTRO's KC-P, YR-P and YX-P examples import as the arrays they describe", "[maestro]") {
    struct Case {
        const char *file, *row_dim, *col_dim;
        int64_t rows, cols;
    };
    for (const Case &c : {Case{"nvdla_kcp.m", "k", "c", 16, 16}, Case{"eyeriss_yrp.m", "y", "r", 16, 3},
                          Case{"shidiannao_yxp.m", "y", "x", 16, 8}}) {
        INFO(c.file);
        const std::string file = example(std::string("maestro/") + c.file);
        REQUIRE(interop::has_maestro_layer(file));
        const ir::LayerSpec layer = interop::read_maestro_layer(file);
        const ir::AcceleratorIR ir = lower_text(layer, interop::maestro_schedule(file, problem_of(layer), 256));
        CHECK(ir.mapping.array_rows() == c.rows);
        CHECK(ir.mapping.array_cols() == c.cols);
        for (const auto &l : ir.mapping.loops) {
            if (l.kind == ir::LoopKind::SpatialRow) CHECK(l.dim == c.row_dim);
            if (l.kind == ir::LoopKind::SpatialCol) CHECK(l.dim == c.col_dim);
        }
        // --emit maestro, read back: the same loops (MAESTRO carries no tiles; they follow its L2 rule).
        const fs::path again = temp_file("again.m", interop::maestro_text(ir));
        const ir::AcceleratorIR back = lower_text(layer, interop::maestro_schedule(again.string(), ir.problem, 256));
        CHECK(interop::canonical_mapping(back).mapping.loops == interop::canonical_mapping(ir).mapping.loops);
    }
}

TEST_CASE("bad MAESTRO mappings get one line naming the line and the cause", "[maestro][errors]") {
    const ir::LayerSpec layer = parse_inline_layer("conv:C=16,K=32,H=18,W=18,R=3,S=3");
    const ir::Problem problem = problem_of(layer);
    auto error_of = [&](const std::string &flow) -> std::string {
        const fs::path f = temp_file("bad.m", "Layer L {\nType: CONV\nDataflow {\n" + flow + "}\n}\n");
        try {
            interop::maestro_schedule(f.string(), problem, 256);
        } catch (const UserError &e) {
            const std::string msg = e.what();
            CHECK(msg.find('\n') == std::string::npos);
            return msg;
        }
        return "no error";
    };
    CHECK_THAT(error_of("SpatialMap(1,1) K;\nFooMap(1,1) C;\n"), Catch::Contains(":5: unknown directive 'FooMap'"));
    CHECK_THAT(error_of("SpatialMap(1,1) K\nTemporalMap(1,1) C;\n"), Catch::Contains(":5: expected ';'"));
    CHECK_THAT(error_of("SpatialMap(1,1) K;\nTemporalMap(4,2) C;\n"), Catch::Contains("overlapping or gapped chunks"));
    CHECK_THAT(error_of("SpatialMap(1,1) K;\nTemporalMap(5,2) Y;\n"), Catch::Contains("do not tile the output exactly"));
    CHECK_THAT(error_of("SpatialMap(1,1) K;\nCluster(4,P);\nSpatialMap(1,1) C;\nCluster(2,P);\nSpatialMap(1,1) X';\n"),
               Catch::Contains("a second Cluster"));
    CHECK_THAT(error_of("SpatialMap(1,1) K;\nSpatialMap(1,1) C;\n"), Catch::Contains("a second SpatialMap"));
    CHECK_THAT(error_of("SpatialMap(1,1) Q;\n"), Catch::Contains("unknown dimension 'Q'"));
}
