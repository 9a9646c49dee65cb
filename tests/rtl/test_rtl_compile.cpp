// `tessera compile` end to end: the files it writes, byte-identical reruns, one-line errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <sys/wait.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

struct Run {
    int status;
    std::string output;  // stdout and stderr
};

Run tessera(const std::string &args) {
    std::string cmd = std::string(TESSERA_BIN) + " " + args + " 2>&1";
    Run r{0, ""};
    FILE *p = popen(cmd.c_str(), "r");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

std::map<std::string, std::string> read_tree(const fs::path &dir) {
    std::map<std::string, std::string> files;
    for (const auto &e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        files[fs::relative(e.path(), dir).string()] = s.str();
    }
    return files;
}

fs::path scratch(const std::string &name) {
    fs::path p = fs::temp_directory_path() / ("tessera-compile-test-" + std::to_string(getpid()) + "-" + name);
    fs::remove_all(p);
    return p;
}

const char *kLayer = "--layer conv:C=6,K=7,H=6,W=6,R=3,S=3,pad=1 --dataflow ws --array 4x4";

}  // namespace

TEST_CASE("compile writes rtl, config, report and README for a layer", "[rtl][compile]") {
    const fs::path out = scratch("layer");
    Run r = tessera(std::string("compile ") + kLayer + " -o " + out.string());
    INFO(r.output);
    REQUIRE(r.status == 0);
    CHECK(fs::exists(out / "rtl" / "tessera_accel.sv"));
    CHECK(fs::exists(out / "rtl" / "tessera_pe.sv"));
    CHECK(fs::exists(out / "README.md"));
    nlohmann::json report;
    std::ifstream(out / "report.json") >> report;
    CHECK(report["design"]["rows"] == 4);
    CHECK(report["design"]["interconnect"]["O"]["rows"] == "reduced");
    REQUIRE(report["layers"].size() == 1);
    CHECK(report["layers"][0].contains("ir"));
    CHECK(report["layers"][0].contains("estimate"));
    const std::string config = report["layers"][0]["config"];
    nlohmann::json cfg;
    std::ifstream(out / config) >> cfg;
    CHECK(cfg["registers"]["row_extent"] == 4);
    CHECK(!cfg["writes"].empty());
    // Exactly one top module: the one the report names, instantiated nowhere else.
    int tops = 0;
    for (const auto &[name, text] : read_tree(out / "rtl"))
        if (text.find("module tessera_accel (") != std::string::npos) ++tops;
    CHECK(tops == 1);
    fs::remove_all(out);
}

TEST_CASE("compile --arch double_buffered: two banks per buffer, tiles for half the buffer", "[rtl][compile]") {
    const fs::path single = scratch("single"), two = scratch("double");
    const std::string layer = "compile --network resnet50 --layer CB2a_2 --dataflow ws --array 16x16 -o ";
    Run rs = tessera(layer + single.string()), rd = tessera(layer + two.string() + " --arch double_buffered");
    INFO(rd.output);
    REQUIRE(rs.status == 0);
    REQUIRE(rd.status == 0);
    CHECK(rd.output.find("double-buffered buffers") != std::string::npos);
    nlohmann::json a, b;
    std::ifstream(single / "report.json") >> a;
    std::ifstream(two / "report.json") >> b;
    for (const char *t : {"I", "W", "O"}) {
        CHECK(a["design"]["buffers"][t]["double_buffered"] == false);
        CHECK(b["design"]["buffers"][t]["double_buffered"] == true);
    }
    // Presets tile for 64 KB instead of 128 KB; both banks together fit the 128 KB buffer.
    CHECK(b["design"]["buffer_bytes"].get<int64_t>() <= 128 * 1024 + 4 * 64);  // + bias table
    const auto &cycles = b["layers"][0]["estimate"]["cycle_breakdown"];
    CHECK(cycles["overlapped_transfers"].get<int64_t>() > 0);
    CHECK(cycles["pipeline"].get<int64_t>() < a["layers"][0]["estimate"]["cycle_breakdown"]["pipeline"].get<int64_t>());
    std::ifstream glb(two / "rtl" / "tessera_input_glb.sv");
    std::stringstream text;
    text << glb.rdbuf();
    CHECK(text.str().find("mem[{write_addr, write_bank}]") != std::string::npos);
    fs::remove_all(single);
    fs::remove_all(two);
}

TEST_CASE("compile of a network: presets tile so that the design's buffers fit the global buffer", "[rtl][compile]") {
    for (const std::string arch : {"default", "double_buffered"}) {
        const fs::path out = scratch("fit_" + arch);
        Run r = tessera("compile --network resnet18 --dataflow ws --array 16x16 --arch " + arch + " -o " + out.string());
        INFO(r.output);
        REQUIRE(r.status == 0);
        // Every buffer holds the largest tile of any layer: with the whole GLB per layer they would
        // total more than the GLB, so the tiles shrink.
        CHECK(r.output.find("tiles chosen for") != std::string::npos);
        CHECK(r.output.find("21 of 21 layer config(s)") != std::string::npos);
        nlohmann::json report;
        std::ifstream(out / "report.json") >> report;
        CHECK(report["design"]["buffer_bytes"].get<int64_t>() <= 128 * 1024);
        fs::remove_all(out);
    }
}

TEST_CASE("compile weighs each shared level's buffers against that level", "[rtl][compile]") {
    // Inputs in L2 (a 7-row strip of 256 channels, about 113 KB) and the GLB, weights in L2: the
    // design's buffers total more than the 64 KB GLB, but those on the GLB fit it.
    const fs::path out = scratch("levels");
    const std::string src = TESSERA_SOURCE_DIR;
    Run r = tessera("compile --layer conv:C=256,K=64,H=58,W=58,R=3,S=3 --schedule " + src +
                    "/examples/schedules/four_level_bypass.sched --arch " + src + "/examples/arch/four_level.json -o " +
                    out.string());
    INFO(r.output);
    REQUIRE(r.status == 0);
    nlohmann::json report;
    std::ifstream(out / "report.json") >> report;
    CHECK(report["design"]["buffer_bytes"].get<int64_t>() > 64 * 1024);
    CHECK(r.output.find("buffers on GLB") == std::string::npos);
    CHECK(r.output.find("buffers on L2") == std::string::npos);
    fs::remove_all(out);
}

TEST_CASE("compile is deterministic: a rerun writes byte-identical files", "[rtl][compile]") {
    const fs::path a = scratch("a"), b = scratch("b");
    const std::string args = "compile --network resnet18 --dataflow os --array 8x8 -o ";
    Run ra = tessera(args + a.string()), rb = tessera(args + b.string());
    INFO(ra.output);
    REQUIRE(ra.status == 0);
    REQUIRE(rb.status == 0);
    CHECK(read_tree(a) == read_tree(b));
    // fc maps N|K under os, the convolutions Y|X: fc is remapped onto the design's interconnect
    // (1-D along the columns over n) and every layer gets a config.
    CHECK(ra.output.find("layer /fc/Gemm does not fit the design as the preset maps it") != std::string::npos);
    CHECK(ra.output.find("mapped as 'N' on 1x8") != std::string::npos);
    CHECK(ra.output.find("21 of 21 layer config(s)") != std::string::npos);
    fs::remove_all(a);
    fs::remove_all(b);
}

TEST_CASE("compile errors are one line with a non-zero exit", "[rtl][compile]") {
    const fs::path out = scratch("errors");
    // A double-buffered architecture whose GLB is too small, and one whose flag is not a boolean.
    fs::create_directories(out);
    const std::string arch = std::string(TESSERA_SOURCE_DIR) + "/examples/arch/double_buffered.json";
    std::ifstream in(arch);
    std::stringstream text;
    text << in.rdbuf();
    auto write_variant = [&](const std::string &name, const std::string &from, const std::string &to) {
        std::string s = text.str();
        REQUIRE(s.find(from) != std::string::npos);
        s.replace(s.find(from), from.size(), to);
        std::ofstream((out / name).string()) << s;
        return (out / name).string();
    };
    const std::string tiny = write_variant("tiny.json", "\"size_bytes\": 131072", "\"size_bytes\": 64");
    const std::string bad_flag = write_variant("bad.json", "\"double_buffered\": true", "\"double_buffered\": \"yes\"");
    for (const std::string &args :
         {std::string("compile ") + kLayer,                                   // no -o
          std::string("compile ") + kLayer + " -o " + out.string() + " --top 9bad",
          std::string("compile --layer conv:C=0 -o ") + out.string(),
          std::string("compile ") + kLayer + " --arch no_such_arch -o " + out.string(),
          std::string("compile ") + kLayer + " --arch " + tiny + " -o " + (out / "d").string(),
          std::string("compile ") + kLayer + " --arch " + bad_flag + " -o " + (out / "d").string()}) {
        Run r = tessera(args);
        INFO(args << "\n" << r.output);
        CHECK(r.status != 0);
        CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
        CHECK(r.output.rfind("tessera compile: error: ", 0) == 0);
    }
    fs::remove_all(out);
}
