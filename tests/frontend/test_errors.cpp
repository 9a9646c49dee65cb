// Bad input gets one clear line naming the cause and what to do, never a crash.
#include "Lower.h"
#include "Networks.h"
#include "UserError.h"

#include <Halide.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

using namespace tessera;
using Catch::Contains;

namespace {

ir::AcceleratorIR with_text(const std::string &layer, const std::string &text) {
    ScheduleRequest req;
    req.text = text;
    req.text_origin = "s.sched";
    return lower_to_ir(parse_inline_layer(layer), req);
}

ir::AcceleratorIR with_preset(const std::string &layer, const std::string &spatial,
                              const std::string &dataflow, int rows = 16, int cols = 16) {
    ScheduleRequest req;
    req.spatial = spatial;
    req.dataflow = dataflow;
    req.rows = rows;
    req.cols = cols;
    return lower_to_ir(parse_inline_layer(layer), req);
}

const char *kConv = "conv:C=8,K=8,H=8,W=8,R=3,S=3,pad=1";

bool one_line(const std::string &s) { return s.find('\n') == std::string::npos; }

}  // namespace

TEST_CASE("unknown network, layer, dimension, preset", "[errors]") {
    REQUIRE_THROWS_WITH(load_network("resnet51"), Contains("unknown network 'resnet51'"));
    REQUIRE_THROWS_WITH(find_layer(load_network("resnet50"), "CB9z", "resnet50"),
                        Contains("no layer 'CB9z'"));
    REQUIRE_THROWS_WITH(with_preset(kConv, "C|Q", ""), Contains("unknown dimension 'Q'"));
    REQUIRE_THROWS_WITH(with_preset(kConv, "", "xs"), Contains("unknown dataflow 'xs'"));
}

// A network CSV row whose stride_w (or dilation_w) is 0 loads, and lowering it is a one-line
// error, not a division by zero while the row's MACs are checked (found by fuzz_cli, seed 77).
TEST_CASE("a CSV row with stride_w or dilation_w 0", "[errors]") {
    for (const char *column : {"stride_w", "dilation_w"}) {
        const std::string path = std::string("/tmp/tessera_zero_") + column + ".csv";
        {
            std::ofstream csv(path);
            csv << "network,layer,type,N,C,K,H_in,W_in,R,S,stride_h," << column << ",pad_h,groups,MACs\n"
                << "n,L,conv,1,8,8,8,8,3,3,1,0,0,1,100\n";
        }
        const auto layers = load_network(path);
        REQUIRE(layers.size() == 1);
        ScheduleRequest req;
        req.dataflow = "ws";
        REQUIRE_THROWS_WITH(lower_to_ir(layers[0], req), Contains(std::string(column) + "=0 must be at least 1"));
        std::remove(path.c_str());
    }
}

TEST_CASE("malformed inline specs", "[errors]") {
    REQUIRE_THROWS_WITH(parse_inline_layer("conv C=3"), Contains("expected TYPE:KEY=VALUE"));
    REQUIRE_THROWS_WITH(parse_inline_layer("conv:C=3,Q=4"), Contains("unknown key 'Q'"));
    REQUIRE_THROWS_WITH(parse_inline_layer("conv:C=x"), Contains("not an integer"));
    REQUIRE_THROWS_WITH(parse_inline_layer("pool:C=3"), Contains("type must be"));
    REQUIRE_THROWS_WITH(with_preset("conv:C=8,K=8,H=2,W=2,R=3,S=3", "", "os"),
                        Contains("kernel is larger"));
}

TEST_CASE("a spatial dim the layer does not have, array sizes", "[errors]") {
    REQUIRE_THROWS_WITH(with_preset("fc:N=4,C=16,K=16", "X|K", ""), Contains("has no dimension x"));
    REQUIRE_THROWS_WITH(with_preset(kConv, "C|K", "", 0, 16), Contains("out of range"));
    REQUIRE_THROWS_WITH(with_preset(kConv, "C|K", "", 16, 257), Contains("out of range"));
}

TEST_CASE("schedule text that does not parse gives line and column", "[errors]") {
    try {
        with_text(kConv, "Var xo(\"xo\"), xi(\"xi\");\noutput.split(x, xo xi, 4);\n");
        FAIL("no error");
    } catch (const UserError &e) {
        REQUIRE_THAT(e.what(), Contains("s.sched:2:20: expected ')'"));
        REQUIRE(one_line(e.what()));
    }
    REQUIRE_THROWS_WITH(with_text(kConv, "output.split(x, q, r2, 4);"), Contains("s.sched:1:17: unknown name 'q'"));
    REQUIRE_THROWS_WITH(with_text(kConv, "Var xo;"), Contains("declare xo with its name"));
    REQUIRE_THROWS_WITH(with_text(kConv, "output.split(x, x, y, 4"), Contains("end of file"));
}

TEST_CASE("calls outside the supported subset", "[errors]") {
    REQUIRE_THROWS_WITH(with_text(kConv, "output.vectorize(x);"),
                        Contains("'vectorize' is outside the supported schedule subset"));
    REQUIRE_THROWS_WITH(with_text(kConv, "acc.update().gpu_threads(x);"),
                        Contains("outside the supported schedule subset"));
}

TEST_CASE("non-constant extents, non-affine accesses, misplaced buffers", "[errors]") {
    using namespace Halide;
    // An output without fixed bounds: its loop extents are symbolic.
    {
        ImageParam in(Int(8), 1, "in");
        Func acc("acc"), out("out");
        Var x("x");
        RDom r(0, 3, "r");
        acc(x) = 0;
        acc(x) += cast<int32_t>(in(x + r)) * cast<int32_t>(in(r));
        out(x) = acc(x);
        acc.compute_root();
        REQUIRE_THROWS_WITH(lower_scheduled(out, ir::LayerSpec{}, ""), Contains("non-constant extent"));
    }
    // A non-affine index.
    {
        ImageParam in(Int(8), 1, "in");
        Func acc("acc"), out("out");
        Var x("x");
        RDom r(0, 3, "r");
        acc(x) = 0;
        acc(x) += cast<int32_t>(in(x * r)) * cast<int32_t>(in(r));
        out(x) = acc(x);
        out.bound(x, 0, 8);
        acc.compute_root();
        REQUIRE_THROWS_WITH(lower_scheduled(out, ir::LayerSpec{}, ""), Contains("non-affine access"));
    }
    // A buffer computed at a loop of a Func that is not in its consumer's nest.
    REQUIRE_THROWS_WITH(with_text(kConv, "Var yo(\"yo\"), yi(\"yi\");\n"
                                         "output.split(y, yo, yi, 4);\n"
                                         "acc.compute_root();\n"
                                         "Func g = ifmap.in(acc);\ng.compute_at(output, yo);\n"),
                        Contains("Halide rejects"));
}

TEST_CASE("more unrolled loops than array dimensions", "[errors]") {
    REQUIRE_THROWS_WITH(with_text(kConv, "acc.compute_root();\nacc.update().unroll(s).unroll(r).unroll(x);\n"
                                         "Func a = ifmap.in(acc);\na.compute_root();\n"
                                         "Func b = filter.in(acc);\nb.compute_root();\n"),
                        Contains("3 loops are unrolled"));
}

TEST_CASE("operands without buffers", "[errors]") {
    REQUIRE_THROWS_WITH(with_text(kConv, "acc.compute_root();"), Contains("were inlined: give each a buffer"));
    // An fc read straight from its input buffer: that buffer has a batch coordinate the tensor
    // does not (a segfault found by fuzz_cli, seed 3402, case 673).
    REQUIRE_THROWS_WITH(with_text("fc:N=4,C=40,K=20",
                                  "Var kt(\"kt\"), kl(\"kl\");\nRVar co(\"co\"), ci(\"ci\");\nacc.compute_root();\n"
                                  "acc.update().split(c, co, ci, 16).split(k, kt, kl, 8).reorder(kl, n, ci, kt, co).unroll(kl);\n"
                                  "hw::array(acc, kl);\n"),
                        Contains("tensor I has no on-chip buffer"));
}
