// Timeloop architecture YAML (interop/TimeloopArchitecture): the v0.3 form of eyeriss_16x16 reads
// as the same architecture as its JSON (and the model gives the same estimate on it), the v0.4 form
// takes Accelergy ERT energies, and malformed trees get one-line errors naming the component.
#include "TimeloopArchitecture.h"

#include "Lower.h"
#include "Networks.h"
#include "Presets.h"
#include "UserError.h"
#include "ir/ArchitectureJson.h"
#include "model/Model.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

using namespace tessera;

namespace {

const std::string kExamples = std::string(TESSERA_SOURCE_DIR) + "/examples/";

std::string write_yaml(const std::string &name, const std::string &text) {
    const auto path = std::filesystem::temp_directory_path() / ("tessera_tl_arch_" + name + ".yaml");
    std::ofstream(path) << text;
    return path.string();
}

// A v0.3 tree: DRAM, a 64 KB buffer, the PEs `pe_name` with one register file and a compute
// component of class `mac_class`.
std::string tree(const std::string &pe_name, const std::string &spad_attrs, const std::string &mac_class = "intmac") {
    return "architecture:\n  version: 0.3\n  subtree:\n  - name: sys\n    local:\n"
           "    - {name: DRAM, class: DRAM, attributes: {word-bits: 8, width: 8}}\n"
           "    subtree:\n    - name: chip\n      local:\n"
           "      - {name: buf, class: SRAM, attributes: {depth: 8192, width: 64, word-bits: 8}}\n"
           "      subtree:\n      - name: " + pe_name + "\n        local:\n"
           "        - {name: spad, class: regfile, attributes: {" + spad_attrs + "}}\n"
           "        - {name: mac, class: " + mac_class + ", attributes: {datawidth: 8, meshX: 4}}\n";
}

model::Estimate estimate(const ir::AcceleratorIR &ir, const ir::Architecture &arch) {
    model::Model m(ir, arch);
    return m.evaluate();
}

std::string error_of(const std::string &path) {
    try {
        interop::read_timeloop_architecture(path);
    } catch (const UserError &e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("Timeloop v0.3 eyeriss_16x16 reads as examples/arch/eyeriss_16x16.json", "[interop][timeloop_arch]") {
    const std::string yaml = kExamples + "timeloop/arch_eyeriss_16x16.yaml";
    REQUIRE(interop::is_timeloop_architecture(yaml));
    CHECK_FALSE(interop::is_timeloop_architecture(kExamples + "arch/eyeriss_16x16.yaml"));  // Tessera's keys
    CHECK_FALSE(interop::is_timeloop_architecture(kExamples + "arch/eyeriss_16x16.json"));
    const ir::Architecture t = interop::read_timeloop_architecture(yaml);
    const ir::Architecture j = ir::load_architecture(kExamples + "arch/eyeriss_16x16.json");
    CHECK(t.rows == 16);
    CHECK(t.cols == 16);
    CHECK(t.clock_mhz == Approx(200));
    CHECK(t.mac_pj == 1);
    REQUIRE(t.levels.size() == 3);
    for (size_t i = 0; i < 3; ++i) {
        INFO(t.levels[i].name);
        CHECK(t.levels[i].size_bytes == j.levels[i].size_bytes);
        CHECK(t.levels[i].read_pj == Approx(j.levels[i].read_pj));
        CHECK(t.levels[i].write_pj == Approx(j.levels[i].write_pj));
        CHECK(t.levels[i].per_pe == j.levels[i].per_pe);
        CHECK(t.levels[i].bandwidth() == Approx(j.levels[i].bandwidth()));
        for (int r = 0; r < 3; ++r) CHECK(t.levels[i].tensor_bytes[r] == j.levels[i].tensor_bytes[r]);
    }
    // The model prices a per-tensor scratchpad mapping identically on both.
    ScheduleRequest req;
    req.dataflow = "rs";
    fit_presets_to(t, req);
    CHECK(req.scratchpad_level == "RF");
    const ir::AcceleratorIR ir = lower_to_ir(parse_inline_layer("conv:C=32,K=32,H=18,W=18,R=3,S=3,pad=0"), req);
    CHECK(estimate(ir, t).energy_pj == Approx(estimate(ir, j).energy_pj));
    CHECK(estimate(ir, t).cycles.total == estimate(ir, j).cycles.total);
}

TEST_CASE("Timeloop v0.4 with an Accelergy ERT in the same file", "[interop][timeloop_arch]") {
    const ir::Architecture a = interop::read_timeloop_architecture(kExamples + "timeloop/arch_simple_ws_v04.yaml");
    CHECK(a.rows == 8);
    CHECK(a.cols == 16);
    CHECK(a.clock_mhz == Approx(1000));
    CHECK(a.mac_pj == Approx(0.56));
    REQUIRE(a.levels.size() == 3);
    CHECK(a.levels[0].name == "DRAM");
    CHECK(a.levels[0].read_pj == Approx(1024.0 / 8));  // per access of 64 bits = 8 words
    CHECK(a.levels[1].name == "GlobalBuffer");
    CHECK(a.levels[1].size_bytes == 8192 * 16);
    CHECK(a.levels[1].read_pj == Approx(22.4 / 16));
    CHECK(a.levels[1].write_pj == Approx(25.6 / 16));
    CHECK(a.levels[1].bandwidth() == Approx(16 * 4));  // a block per bank per cycle
    CHECK(a.levels[2].per_pe);
    CHECK(a.levels[2].size_bytes == 16);
    // Presets tile for the outermost shared level when none is named GLB.
    ScheduleRequest req;
    fit_presets_to(a, req);
    CHECK(req.shared_level == "GlobalBuffer");
    CHECK(req.buffer_bytes == 8192 * 16);
    req.dataflow = "ws";
    req.rows = 8;
    const ir::AcceleratorIR ir = lower_to_ir(parse_inline_layer("conv:C=16,K=16,H=14,W=14,R=3,S=3,pad=1"), req);
    CHECK(estimate(ir, a).energy_pj > 0);
}

TEST_CASE("Timeloop architecture defaults and errors", "[interop][timeloop_arch]") {
    // No energies anywhere: Interstellar's size-dependent tables.
    const ir::Architecture a =
        interop::read_timeloop_architecture(write_yaml("ok", tree("PE[0..15]", "depth: 64, width: 8, word-bits: 8")));
    CHECK(a.rows == 4);
    CHECK(a.cols == 4);
    CHECK(a.levels[0].read_pj == Approx(100));  // 200 pJ per 16-bit word, 8-bit words
    CHECK_FALSE(a.levels[1].energy_by_size.empty());
    CHECK_FALSE(a.levels[2].energy_by_size.empty());
    CHECK(a.levels[2].size_bytes == 64);

    CHECK_THAT(error_of(write_yaml("nobits", tree("PE[0..15]", "depth: 64"))),
               Catch::Contains("sys.chip.PE.spad") && Catch::Contains("word-bits"));
    CHECK_THAT(error_of(write_yaml("nosize", tree("PE[0..15]", "word-bits: 8"))), Catch::Contains("no capacity"));
    CHECK_THAT(error_of(write_yaml("mesh", tree("PE[0..14]", "depth: 4, word-bits: 8"))),
               Catch::Contains("do not fill rows of meshX = 4"));
    CHECK_THAT(error_of(write_yaml("nomac", tree("PE[0..15]", "depth: 4, word-bits: 8", "adder"))),
               Catch::Contains("no compute component"));
    CHECK_THAT(error_of(write_yaml("expr", tree("PE[0..15]", "depth: 4*16, word-bits: 8"))),
               Catch::Contains("'depth' must be a non-negative number"));
    CHECK_THAT(error_of(write_yaml("range", tree("PE[0..x]", "depth: 4, word-bits: 8"))),
               Catch::Contains("is not NAME or NAME[lo..hi]"));
    CHECK_THAT(error_of(write_yaml("bad", "architecture:\n  subtree: [\n")), Catch::Contains("malformed YAML at line"));
    CHECK_THAT(error_of(write_yaml("empty", "architecture:\n  version: 0.3\n")),
               Catch::Contains("neither 'subtree'"));
    // A DummyBuffer per column (Timeloop's fan-out helper, which holds nothing) is not a level.
    std::string dummy = tree("PE[0..15]", "depth: 4, word-bits: 8");
    dummy.insert(dummy.find("      subtree:"),
                 "      - {name: 'DummyBuffer[0..3]', class: regfile, attributes: {depth: 16, word-bits: 8, meshX: 4}}\n");
    CHECK(interop::read_timeloop_architecture(write_yaml("dummy", dummy)).levels.size() == 3);
    // Two unnamed storages per PE: which tensor each holds is not known.
    std::string two = tree("PE[0..15]", "depth: 4, word-bits: 8");
    two.insert(two.find("        - {name: mac"), "        - {name: spad2, class: regfile, attributes: {depth: 4, word-bits: 8}}\n");
    CHECK_THAT(error_of(write_yaml("two", two)), Catch::Contains("cannot tell which tensor"));
    // A storage shared by some PEs only (4 copies for 16 PEs).
    std::string partial = tree("PE[0..15]", "depth: 4, word-bits: 8");
    partial.insert(partial.find("      subtree:"),
                   "      - {name: 'row_buf[0..3]', class: SRAM, attributes: {depth: 64, word-bits: 8}}\n");
    CHECK_THAT(error_of(write_yaml("partial", partial)), Catch::Contains("neither one (shared) nor one per PE"));
}

TEST_CASE("Timeloop v0.4 machines of one PE, an SRAM main memory and !Nothing placeholders", "[interop][timeloop_arch]") {
    const std::string one_pe =
        "architecture:\n  version: 0.4\n  nodes:\n"
        "  - !Container\n    name: System\n"
        "  - !Component\n    name: MainMemory\n    class: SRAM\n    attributes: {depth: 32768, width: 64, datawidth: 8}\n"
        "  - !Component\n    name: GlobalBuffer\n    class: SRAM\n    attributes: {depth: 4096, width: 64, datawidth: 8}\n"
        "  - !Container\n    name: PE\n"
        "  - !Parallel\n    nodes:\n"
        "    - !Component\n      name: RegisterFile\n      class: regfile\n      attributes: {depth: 64, width: 8, datawidth: 8}\n"
        "    - !Nothing {constraints: {dataspace: {keep: [Inputs]}}}\n"
        "  - !Component\n    name: MACC\n    class: intmac\n    attributes: {width: 8}\n";
    const ir::Architecture a = interop::read_timeloop_architecture(write_yaml("one_pe", one_pe));
    CHECK((a.rows == 1 && a.cols == 1));
    REQUIRE(a.levels.size() == 3);
    CHECK(a.levels[0].name == "MainMemory");  // no DRAM class: the outermost storage is the backing store
    CHECK_FALSE(a.is_per_pe(1));
    CHECK((a.levels[2].name == "RegisterFile" && a.is_per_pe(2)));  // one PE: its innermost storage
    CHECK(a.levels[2].size_bytes == 64);
    // One on-chip storage only: the PE has no level fed from a shared one.
    std::string two_level = one_pe;
    two_level.erase(two_level.find("  - !Component\n    name: GlobalBuffer"),
                    two_level.find("  - !Container\n    name: PE") - two_level.find("  - !Component\n    name: GlobalBuffer"));
    CHECK_THAT(error_of(write_yaml("two_level", two_level)), Catch::Contains("the one on-chip storage"));
    // Four PEs, each with a scratchpad and a register of weights (told by their constraints).
    const std::string two_of_w =
        "architecture:\n  version: 0.4\n  nodes:\n"
        "  - !Component\n    name: DRAM\n    class: DRAM\n    attributes: {width: 64, datawidth: 8}\n"
        "  - !Component\n    name: glb\n    class: SRAM\n    attributes: {depth: 4096, width: 64, datawidth: 8}\n"
        "  - !Container\n    name: PE\n    spatial: {meshX: 4}\n"
        "  - !Component\n    name: spad\n    class: regfile\n    attributes: {depth: 64, width: 8, datawidth: 8}\n"
        "    constraints: {dataspace: {keep: [Weights]}}\n"
        "  - !Component\n    name: reg\n    class: regfile\n    attributes: {depth: 1, width: 8, datawidth: 8}\n"
        "    constraints: {dataspace: {keep: [Weights]}}\n"
        "  - !Component\n    name: mac\n    class: intmac\n    attributes: {width: 8}\n";
    // Two storages of one tensor in a PE are two per-PE levels, outermost first; the one-word one
    // is a register, wide enough for any of Tessera's elements.
    const ir::Architecture w2 = interop::read_timeloop_architecture(write_yaml("two_of_w", two_of_w));
    REQUIRE(w2.levels.size() == 4);
    CHECK((w2.levels[2].name == "spad" && w2.is_per_pe(2) && w2.levels[2].size_bytes == 64));
    CHECK(w2.levels[2].tensor_bytes[1] == 64);  // all of it the weights': none left for the others
    CHECK((w2.levels[3].name == "reg" && w2.is_per_pe(3) && w2.levels[3].size_bytes == 4));
    CHECK((w2.levels[3].word_bits == 32 && w2.levels[3].holds_one_word(1)));
    // No copies, or a fraction of one: the file is wrong (before, 0 PEs divided by zero).
    std::string none = two_of_w;
    none.replace(none.find("meshX: 4"), 8, "meshX: 0");
    CHECK_THAT(error_of(write_yaml("none", none)), Catch::Contains("PE: spatial: meshX is 0; give a whole number"));
    std::string half = two_of_w;
    half.replace(half.find("meshX: 4"), 8, "meshX: 2.5");
    CHECK_THAT(error_of(write_yaml("half", half)), Catch::Contains("meshX is 2.5"));
    CHECK_THAT(error_of(write_yaml("zero_v03", tree("PE[0..15]", "depth: 4, word-bits: 8").replace(
                                                   tree("PE[0..15]", "depth: 4, word-bits: 8").find("meshX: 4"), 8, "meshX: 0"))),
               Catch::Contains("meshX is 0"));
}

TEST_CASE("Timeloop v0.4 simple_weight_stationary: a weight scratchpad above one register per tensor", "[interop][timeloop_arch]") {
    // tests/interop/timeloop_examples: pe_spad keeps weights; a !Parallel branch holds weight_reg,
    // input_activation_reg and output_activation_reg. The scratchpad is one per-PE level, the
    // registers the next (the weights are in both): one level named for the first register, the
    // others its aliases, each tensor's partition one word.
    const ir::Architecture a = interop::read_timeloop_architecture(
        std::string(TESSERA_SOURCE_DIR) + "/tests/interop/timeloop_examples/ws_registers.arch.yaml");
    CHECK((a.rows == 16 && a.cols == 16));
    CHECK(a.mac_pj == Approx(0.315));
    REQUIRE(a.levels.size() == 4);
    CHECK(a.levels[0].read_pj == Approx(512.0 / 4));  // per access of 64 bits = 4 words
    CHECK((a.levels[1].name == "shared_glb" && !a.is_per_pe(1)));
    const ir::MemoryLevel &spad = a.levels[2], &regs = a.levels[3];
    CHECK((spad.name == "pe_spad" && a.is_per_pe(2) && spad.aliases.empty()));
    CHECK((spad.size_bytes == 384 && spad.tensor_bytes[1] == 384));  // the weights' alone
    CHECK((spad.read_pj == Approx(0.680237) && spad.write_pj == Approx(1.582678)));
    CHECK((regs.name == "weight_reg" && a.is_per_pe(3)));
    CHECK(regs.aliases == std::vector<std::string>{"input_activation_reg", "output_activation_reg"});
    for (int t = 0; t < 3; ++t) CHECK((regs.bytes_for(t) == 4 && regs.holds_one_word(t)));
    CHECK((regs.read_pj == Approx(0.144) && regs.write_pj == 0));
    // The aliases survive the JSON form (explore writes the architecture it chose as JSON).
    const ir::Architecture again = ir::architecture_from_json(ir::to_json(a), "again");
    CHECK(again.levels[3].aliases == regs.aliases);
    // Eyeriss's three scratchpads: one level RF, each scratchpad an alias of it.
    const ir::Architecture eyeriss = interop::read_timeloop_architecture(kExamples + "timeloop/arch_eyeriss_16x16.yaml");
    CHECK(eyeriss.levels.back().name == "RF");
    CHECK(eyeriss.levels.back().aliases.size() == 3);
}
