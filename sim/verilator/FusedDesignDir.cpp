#include "FusedDesignDir.h"

#include "LayerData.h"
#include "UserError.h"
#include "ir/ArchitectureJson.h"
#include "ir/FusedJson.h"
#include "model/FusedCycles.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tessera::vsim {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string config_file(const rtl::FusedConfig &c) { return "config/" + layer_file_stem(c.group) + ".json"; }

json spec_json(const rtl::FusedDesignSpec &s) {
    return {{"top", s.name}, {"lanes", s.lanes}, {"max_layers", s.max_layers}, {"act_words", s.act_words},
            {"win_words", s.win_words}, {"weight_words", s.weight_words}, {"bias_words", s.bias_words},
            {"table_y", s.table_y}, {"table_x", s.table_x}, {"dram_latency", s.dram_latency},
            {"quantized", s.quantized}, {"architecture", s.architecture}};
}

json read_json(const fs::path &p) {
    std::ifstream in(p);
    if (!in) throw UserError("cannot read " + p.string() + " (is this a directory `tessera compile -o` wrote?)");
    try {
        return json::parse(in);
    } catch (const std::exception &e) {
        throw UserError(p.string() + ": not valid JSON (" + e.what() + ")");
    }
}

}  // namespace

std::vector<std::string> write_fused_design_dir(const std::string &dir, const FusedDesignDir &d,
                                                const std::vector<FusedModel> &models) {
    std::vector<std::string> written = rtl::write_rtl(d.design, (fs::path(dir) / "rtl").string());
    fs::create_directories(fs::path(dir) / "config");
    json groups = json::array();
    for (size_t i = 0; i < d.groups.size(); ++i) {
        const rtl::FusedConfig &c = d.configs[i];
        json writes = json::array();
        for (const auto &[a, v] : c.writes) writes.push_back({a, v});
        json dram = {{"input", {{"base", c.dram.input_base}, {"words", c.dram.input_words}}},
                     {"output", {{"base", c.dram.output_base}, {"words", c.dram.output_words}}},
                     {"weight_base", c.dram.weight_base}, {"bias_base", c.dram.bias_base}, {"end", c.dram.end}};
        const json cj = {{"group", c.group}, {"act_words", c.act_words}, {"win_words", c.win_words},
                         {"dram", dram}, {"writes", writes}};
        const fs::path path = fs::path(dir) / config_file(c);
        std::ofstream(path) << cj.dump(1) << "\n";
        written.push_back(path.string());
        const FusedModel &m = models[i];
        groups.push_back({{"name", c.group}, {"config", config_file(c)}, {"ir", ir::to_json(d.groups[i])},
                          {"model", json::parse(model::fused_json(d.groups[i], m.fused))},
                          {"rtl_cycles_model", model::fused_rtl_cycles(d.groups[i], d.spec.lanes, d.spec.dram_latency)},
                          {"layer_by_layer_dram_words", m.layer_by_layer_dram_words}});
    }
    json files = json::array();
    for (const auto &[name, text] : d.design.files) files.push_back(name);
    const json report = {{"fused", {{"design", spec_json(d.spec)}, {"files", files},
                                    {"architecture", ir::to_json(d.arch)}, {"groups", groups}}}};
    const fs::path rp = fs::path(dir) / "report.json";
    std::ofstream(rp) << report.dump(1) << "\n";
    written.push_back(rp.string());
    return written;
}

bool is_fused_design_dir(const std::string &dir) {
    std::ifstream in(fs::path(dir) / "report.json");
    if (!in) return false;
    try {
        return json::parse(in).contains("fused");
    } catch (...) {
        return false;
    }
}

FusedDesignDir read_fused_design_dir(const std::string &dir) {
    const fs::path rp = fs::path(dir) / "report.json";
    const json report = read_json(rp);
    FusedDesignDir d;
    try {
        const json &f = report.at("fused");
        const json &s = f.at("design");
        d.spec.name = s.at("top").get<std::string>();
        d.spec.lanes = s.at("lanes").get<int>();
        d.spec.max_layers = s.at("max_layers").get<int>();
        d.spec.act_words = s.at("act_words").get<int64_t>();
        d.spec.win_words = s.at("win_words").get<int64_t>();
        d.spec.weight_words = s.at("weight_words").get<int64_t>();
        d.spec.bias_words = s.at("bias_words").get<int64_t>();
        d.spec.table_y = s.at("table_y").get<int64_t>();
        d.spec.table_x = s.at("table_x").get<int64_t>();
        d.spec.dram_latency = s.at("dram_latency").get<int>();
        d.spec.quantized = s.value("quantized", false);  // absent in designs from before quantized groups
        d.spec.architecture = s.at("architecture").get<std::string>();
        d.arch = ir::architecture_from_json(f.at("architecture"), rp.string());
        d.design.top = d.spec.name;
        d.design.spec.name = d.spec.name;
        d.design.spec.dram_latency = d.spec.dram_latency;
        for (const auto &name : f.at("files")) {
            const fs::path p = fs::path(dir) / "rtl" / name.get<std::string>();
            std::ifstream in(p, std::ios::binary);
            if (!in) throw UserError("cannot read " + p.string() + " (listed in " + rp.string() + ")");
            std::stringstream text;
            text << in.rdbuf();
            d.design.files.push_back({name.get<std::string>(), text.str()});
        }
        for (const auto &g : f.at("groups")) {
            d.groups.push_back(ir::fused_group_from_json(g.at("ir")));
            const json c = read_json(fs::path(dir) / g.at("config").get<std::string>());
            rtl::FusedConfig cfg;
            cfg.group = c.at("group").get<std::string>();
            cfg.act_words = c.at("act_words").get<int64_t>();
            cfg.win_words = c.at("win_words").get<int64_t>();
            const json &dram = c.at("dram");
            cfg.dram.input_base = dram.at("input").at("base").get<int64_t>();
            cfg.dram.input_words = dram.at("input").at("words").get<int64_t>();
            cfg.dram.output_base = dram.at("output").at("base").get<int64_t>();
            cfg.dram.output_words = dram.at("output").at("words").get<int64_t>();
            cfg.dram.weight_base = dram.at("weight_base").get<std::vector<int64_t>>();
            cfg.dram.bias_base = dram.at("bias_base").get<std::vector<int64_t>>();
            cfg.dram.end = dram.at("end").get<int64_t>();
            for (const auto &w : c.at("writes")) cfg.writes.push_back({w.at(0).get<int>(), w.at(1).get<uint32_t>()});
            d.configs.push_back(cfg);
        }
    } catch (const UserError &) {
        throw;
    } catch (const std::exception &e) {
        throw UserError(rp.string() + ": malformed fused design report (" + e.what() + "); recompile the design");
    }
    return d;
}

}  // namespace tessera::vsim
