// `tessera simulate` end to end on a small compiled network (one 4x4 design, three layers):
// the report and its JSON keys, layer selection, seeds, .npy in and out, a FAIL with the first
// differing coordinates, traces, and one-line errors.
#include "rtl_backend/DesignFingerprint.h"
#include "sim/verilator/Npy.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Run {
    int status = -1;
    std::string out, err;
};

Run run_tessera(const std::string &args) {
    static const fs::path dir = fs::temp_directory_path() / ("tessera-sim-cli-" + std::to_string(getpid()));
    fs::create_directories(dir);
    const std::string out = (dir / "stdout").string(), err = (dir / "stderr").string();
    const int raw = std::system((std::string(TESSERA_BINARY) + " " + args + " > " + out + " 2> " + err).c_str());
    Run r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    auto slurp = [](const std::string &p) {
        std::ifstream in(p);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

size_t lines(const std::string &s) {
    size_t n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

// A scratch directory with a three-layer network compiled weight stationary on a 4x4 array.
const fs::path &work() {
    static const fs::path dir = [] {
        const fs::path d = fs::temp_directory_path() / ("tessera-sim-cli-work-" + std::to_string(getpid()));
        fs::remove_all(d);
        fs::create_directories(d);
        std::ofstream(d / "tiny.csv")
            << "network,layer,type,N,C,K,H_in,W_in,R,S,stride_h,stride_w,pad_h,pad_w,groups,P_out,Q_out,MACs\n"
               "tiny,/stem/Conv,conv,1,3,8,10,10,3,3,1,1,1,1,1,10,10,0\n"
               "tiny,/down/Conv,conv,1,8,12,9,9,1,1,2,2,0,0,1,5,5,0\n"
               "tiny,/fc/Gemm,fc,1,24,10,1,1,1,1,1,1,0,0,1,1,1,0\n";
        const Run c = run_tessera("compile --network " + (d / "tiny.csv").string() + " --dataflow ws --array 4x4 -o " +
                              (d / "ws").string());
        if (c.status != 0) throw std::runtime_error("compile failed: " + c.err);
        return d;
    }();
    return dir;
}

std::string design() { return (work() / "ws").string(); }

}  // namespace

TEST_CASE("simulate a compiled network: every layer PASSes, JSON carries the keys tools read", "[sim][cli]") {
    const Run r = run_tessera("simulate " + design() + " --json");
    INFO(r.err);
    REQUIRE(r.status == 0);
    const json j = json::parse(r.out);
    CHECK(j.at("pass") == true);
    REQUIRE(j.at("layers").size() == 3);
    int64_t cycles = 0;
    for (const auto &l : j.at("layers")) {
        INFO(l.dump());
        for (const char *key : {"layer", "bit_exact", "counters_match_model", "cycles_measured", "cycles_model"})
            CHECK(l.contains(key));
        CHECK(l.at("bit_exact") == true);
        CHECK(l.at("counters_match_model") == true);
        CHECK(l.at("cycles_measured").get<int64_t>() > 0);
        CHECK(l.at("counters").at("macs").at("measured") == l.at("macs"));
        CHECK(l.at("energy_pj").get<double>() == Approx(l.at("energy_pj_model").get<double>()));
        cycles += l.at("cycles_measured").get<int64_t>();
    }
    CHECK(j.at("cycles_measured") == cycles);
    CHECK(j.at("layers")[0].at("layer") == "/stem/Conv");
    // Progress on stderr: the build, then a start and an end line per layer.
    CHECK(r.err.find("[3/3] /fc/Gemm: PASS") != std::string::npos);
}

TEST_CASE("an architecture whose DRAM is wider than the generated DMA: cycles compared at one word per cycle",
          "[sim][cli][double]") {
    // tpu_like: 32 DRAM words per cycle and a double-buffered global buffer.
    const std::string out = (work() / "tpu").string();
    const Run c = run_tessera("compile --network " + (work() / "tiny.csv").string() +
                              " --layer /stem/Conv --dataflow ws --array 4x4 --arch tpu_like -o " + out);
    INFO(c.err);
    REQUIRE(c.status == 0);
    CHECK(c.err.find("moves 32 DRAM words per cycle, the generated DMA one") != std::string::npos);
    CHECK(c.out.find("double-buffered buffers") != std::string::npos);
    const Run r = run_tessera("simulate " + out + " --json");
    INFO(r.err);
    REQUIRE(r.status == 0);
    const json j = json::parse(r.out);
    CHECK(j.at("cycles_measured") == j.at("cycles_model"));
}

TEST_CASE("the text report: per layer counters beside the model's, energy, summary", "[sim][cli]") {
    const Run r = run_tessera("simulate " + design());
    REQUIRE(r.status == 0);
    for (const char *text : {"layer /stem/Conv: PASS", "outputs      bit-exact", "cycles       ", "utilization  ",
                             "simulation   ", "I.dram_reads", "O.dram_writes", "B.dram_reads", "energy       ",
                             "3/3 PASS", "PASS: 3 layer(s)"})
        CHECK(r.out.find(text) != std::string::npos);
}

TEST_CASE("layers chosen by name, config file name or position, and seeds decide the data", "[sim][cli]") {
    const std::string save = (work() / "saved").string();
    for (const std::string sel : {"/down/Conv", "down_Conv", "down_Conv.json", "1"}) {
        const Run r = run_tessera("simulate " + design() + " --layer " + sel + " --json");
        INFO(sel << ": " << r.err);
        REQUIRE(r.status == 0);
        const json j = json::parse(r.out);
        REQUIRE(j.at("layers").size() == 1);
        CHECK(j.at("layers")[0].at("layer") == "/down/Conv");
    }
    auto output_of = [&](const std::string &seed) {
        fs::remove_all(save);
        const Run r = run_tessera("simulate " + design() + " --layer 0 --seed " + seed + " --save " + save);
        REQUIRE(r.status == 0);
        return tessera::vsim::read_npy(save + "/stem_Conv/output.npy").values;
    };
    const auto a = output_of("3"), b = output_of("3"), c = output_of("4");
    CHECK(a == b);
    CHECK(a != c);
}

TEST_CASE("bring your own tensors: --save writes them, --inputs runs them", "[sim][cli][npy]") {
    const std::string saved = (work() / "mine").string(), again = (work() / "again").string();
    fs::remove_all(saved);
    REQUIRE(run_tessera("simulate " + design() + " --seed 11 --save " + saved).status == 0);
    const auto input = tessera::vsim::read_npy(saved + "/stem_Conv/input.npy");
    CHECK(input.shape == std::vector<int64_t>{1, 3, 10, 10});  // NCHW
    CHECK(tessera::vsim::read_npy(saved + "/stem_Conv/weights.npy").shape == std::vector<int64_t>{8, 3, 3, 3});
    CHECK(tessera::vsim::read_npy(saved + "/stem_Conv/bias.npy").descr == "<i4");
    CHECK(tessera::vsim::read_npy(saved + "/fc_Gemm/weights.npy").shape == std::vector<int64_t>{10, 24});
    const auto output = tessera::vsim::read_npy(saved + "/stem_Conv/output.npy");
    CHECK(output.shape == std::vector<int64_t>{1, 8, 10, 10});
    CHECK(output.values == tessera::vsim::read_npy(saved + "/stem_Conv/reference.npy").values);

    // Another seed, but every tensor from the files: the same outputs.
    fs::remove_all(again);
    const Run r = run_tessera("simulate " + design() + " --seed 99 --inputs " + saved + " --save " + again);
    INFO(r.err);
    REQUIRE(r.status == 0);
    for (const char *layer : {"stem_Conv", "down_Conv", "fc_Gemm"})
        CHECK(tessera::vsim::read_npy(again + "/" + layer + "/output.npy").values ==
              tessera::vsim::read_npy(saved + "/" + layer + "/output.npy").values);

    // Only an input: weights and bias come from the seed, with a note.
    const std::string only = (work() / "only_input").string();
    fs::create_directories(only + "/stem_Conv");
    fs::copy_file(saved + "/stem_Conv/input.npy", only + "/stem_Conv/input.npy");
    const Run partial = run_tessera("simulate " + design() + " --layer 0 --inputs " + only);
    CHECK(partial.status == 0);
    CHECK(partial.err.find("no weights.npy, weights drawn from the seed") != std::string::npos);

    // A wrong shape is one line naming the file and the shape the layer needs.
    tessera::vsim::write_npy(only + "/stem_Conv/input.npy", {1, 10, 10, 3}, std::vector<int8_t>(300, 1));
    const Run bad = run_tessera("simulate " + design() + " --layer 0 --inputs " + only);
    CHECK(bad.status == 1);
    CHECK(lines(bad.err) >= 1);
    CHECK(bad.err.find("has shape (1, 10, 10, 3), the layer needs (1, 3, 10, 10) (int8)") != std::string::npos);
}

TEST_CASE("a wrong result FAILs with the first differing coordinates and exit status 1", "[sim][cli]") {
    // A copy of the design whose report says the first layer has no ReLU: Halide's reference then
    // keeps negative outputs the accelerator (configured with ReLU) clamps.
    const fs::path tampered = work() / "tampered";
    fs::remove_all(tampered);
    fs::copy(design(), tampered, fs::copy_options::recursive);
    json report = json::parse(std::ifstream(tampered / "report.json"));
    report["layers"][0]["ir"]["layer"]["relu"] = false;
    // As it is, simulate refuses the edited design; re-sealed (as a deliberate edit would be), it runs.
    std::ofstream(tampered / "report.json") << report.dump(2);
    const Run refused = run_tessera("simulate " + tampered.string() + " --layer 0");
    CHECK(refused.status == 1);
    CHECK(lines(refused.err) == 1);
    CHECK(refused.err.find("was changed after compile") != std::string::npos);
    report.erase("fingerprint");
    report["fingerprint"] = tessera::rtl::design_fingerprint(report, [&](const std::string &rel) {
        std::ifstream in(tampered / rel, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    });
    std::ofstream(tampered / "report.json") << report.dump(2);
    const Run r = run_tessera("simulate " + tampered.string() + " --layer 0 --json");
    CHECK(r.status == 1);
    const json l = json::parse(r.out).at("layers")[0];
    CHECK(l.at("bit_exact") == false);
    CHECK(l.at("counters_match_model") == true);
    CHECK(l.at("pass") == false);
    const json &first = l.at("output").at("first_mismatch");
    CHECK(first.at("at").contains("k"));
    CHECK(first.at("at").contains("x"));
    CHECK(first.at("accelerator") == 0);
    CHECK(first.at("halide").get<int>() < 0);
    const Run text = run_tessera("simulate " + tampered.string() + " --layer 0");
    CHECK(text.status == 1);
    CHECK(text.out.find("layer /stem/Conv: FAIL") != std::string::npos);
    CHECK(text.out.find("differ; first at n=0 k=") != std::string::npos);
}

TEST_CASE("traces: --trace writes an FST waveform from a separately cached traced build", "[sim][cli][trace]") {
    const std::string fst = (work() / "run.fst").string();
    const Run r = run_tessera("simulate " + design() + " --layer /fc/Gemm --trace " + fst);
    INFO(r.err);
    REQUIRE(r.status == 0);
    REQUIRE(fs::exists(fst));
    std::ifstream in(fst, std::ios::binary);
    char block_type = 0;
    in.read(&block_type, 1);
    CHECK(block_type == 0);  // FST files start with a header block (FST_BL_HDR = 0)
    CHECK(fs::file_size(fst) > 1000);
    CHECK(r.out.find("trace        " + fst) != std::string::npos);
    // Two layers: a file each, named after the layer.
    const Run two = run_tessera("simulate " + design() + " --layer 1 --layer 2 --trace " + fst);
    REQUIRE(two.status == 0);
    CHECK(fs::exists((work() / "run.down_Conv.fst").string()));
    CHECK(fs::exists((work() / "run.fc_Gemm.fst").string()));
}

TEST_CASE("bad requests are one-line errors", "[sim][cli]") {
    const std::vector<std::string> requests = {
        "simulate", "simulate /nonexistent/dir", "simulate " + design() + " --layer nope",
        "simulate " + design() + " --seed x", "simulate " + design() + " --inputs /nonexistent",
        "simulate " + design() + " --arch no_such_arch", "simulate " + design() + " --bogus",
        "simulate " + design() + " --dram-stalls 95", "simulate " + design() + " --dram-stalls -1"};
    for (const std::string &args : requests) {
        const Run r = run_tessera(args);
        INFO(args << " -> " << r.err);
        CHECK(r.status == 1);
        CHECK(lines(r.err) == 1);
        CHECK(r.err.find("error") != std::string::npos);
    }
}

TEST_CASE("a layer that does not fit the design is skipped, and naming it says why", "[sim][cli]") {
    // A depthwise layer's input depends on every dim, so no mapping of it shares the input along
    // the columns as the convolution's C|K design does: compile skips it.
    const fs::path csv = work() / "mixed.csv";
    std::ofstream(csv) << "network,layer,type,N,C,K,H_in,W_in,R,S,stride_h,stride_w,pad_h,pad_w,groups,P_out,Q_out,MACs\n"
                          "mixed,/stem/Conv,conv,1,3,8,10,10,3,3,1,1,1,1,1,10,10,0\n"
                          "mixed,/dw/Conv,dwconv,1,8,8,10,10,3,3,1,1,1,1,8,10,10,0\n";
    const std::string ws = (work() / "mixed_ws").string();
    REQUIRE(run_tessera("compile --network " + csv.string() + " --dataflow ws --array 4x4 -o " + ws).status == 0);
    const Run all = run_tessera("simulate " + ws + " --json");
    INFO(all.err);
    CHECK(all.status == 0);
    CHECK(json::parse(all.out).at("layers").size() == 1);
    const Run dw = run_tessera("simulate " + ws + " --layer /dw/Conv");
    CHECK(dw.status == 1);
    CHECK(dw.err.find("does not fit the design") != std::string::npos);
}
