#include "DesignDir.h"

#include "UserError.h"
#include "ir/ArchitectureJson.h"
#include "ir/Json.h"
#include "rtl_backend/DesignFingerprint.h"
#include "rtl_backend/DesignReadme.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tessera::vsim {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string read_text(const fs::path &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UserError("cannot read " + path.string());
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

json read_json(const fs::path &path) {
    try {
        return json::parse(read_text(path));
    } catch (const json::exception &e) {
        throw UserError(path.string() + " is not valid JSON: " + e.what());
    }
}

}  // namespace

DesignDir read_design_dir(const std::string &dir_name) {
    const fs::path dir(dir_name);
    const fs::path report_path = dir / "report.json";
    if (!fs::exists(report_path))
        throw UserError(dir_name + " is not a compiled design (no report.json); write one with "
                        "`tessera compile ... -o " + dir_name + "`");
    json report = read_json(report_path);
    if (!report.is_object() || !report.contains("fingerprint") || !report.at("fingerprint").is_string())
        throw UserError(report_path.string() + " has no fingerprint (compiled by an older tessera, or "
                        "edited); recompile the design with `tessera compile`");
    const std::string stored = report.at("fingerprint").get<std::string>();
    report.erase("fingerprint");
    std::string now;
    try {
        now = rtl::design_fingerprint(report, [&](const std::string &rel) { return read_text(dir / rel); });
    } catch (const UserError &) {
        throw;
    } catch (const std::exception &e) {
        throw UserError(report_path.string() + ": " + e.what());
    }
    if (now != stored)
        throw UserError(dir_name + " was changed after compile (report.json, a config or an RTL file "
                        "no longer matches its fingerprint); recompile it with `tessera compile`");
    DesignDir d;
    d.path = dir_name;
    try {
        const json &design = report.at("design");
        rtl::DesignSpec &spec = d.design.spec;
        spec.name = d.design.top = design.at("top").get<std::string>();
        spec.architecture = design.at("architecture").get<std::string>();
        spec.rows = design.at("rows").get<int64_t>();
        spec.cols = design.at("cols").get<int64_t>();
        spec.dram_latency = design.at("dram_latency").get<int>();
        if (report.contains("architecture")) d.architecture = report.at("architecture");
        for (const auto &file : report.at("files")) {
            const std::string rel = file.get<std::string>();
            d.design.files.emplace_back(fs::path(rel).filename().string(), read_text(dir / rel));
        }
        for (const auto &l : report.at("layers")) {
            DesignDirLayer layer;
            layer.name = l.at("layer").get<std::string>();
            try {
                layer.ir = ir::ir_from_json(l.at("ir"));
            } catch (const std::exception &e) {
                throw UserError(report_path.string() + ": layer " + layer.name + ": " + e.what());
            }
            if (l.contains("config")) {
                const fs::path cfg = dir / l.at("config").get<std::string>();
                try {
                    layer.config = rtl::layer_config_from_json(read_json(cfg));
                } catch (const UserError &) {
                    throw;
                } catch (const std::exception &e) {
                    throw UserError(cfg.string() + ": " + e.what());
                }
            } else {
                layer.does_not_fit = l.value("does_not_fit", std::string("no config"));
            }
            d.layers.push_back(std::move(layer));
        }
    } catch (const json::exception &e) {
        throw UserError(report_path.string() + ": " + e.what());
    }
    if (d.design.files.empty()) throw UserError(report_path.string() + " lists no RTL files");
    return d;
}

ir::Architecture design_architecture(const DesignDir &d, const std::string &override_arch) {
    if (!override_arch.empty()) return ir::load_architecture(override_arch);
    if (!d.architecture.is_null()) return ir::architecture_from_json(d.architecture, d.path + "/report.json");
    try {
        return ir::load_architecture(d.design.spec.architecture);
    } catch (const UserError &) {
        throw UserError("the design was compiled for architecture '" + d.design.spec.architecture +
                        "', which is not a bundled one; give its file with --arch FILE");
    }
}

std::vector<size_t> select_layers(const DesignDir &d, const std::vector<std::string> &wanted) {
    std::vector<size_t> chosen;
    if (wanted.empty()) {
        for (size_t i = 0; i < d.layers.size(); ++i)
            if (d.layers[i].config) chosen.push_back(i);
        if (chosen.empty()) throw UserError("no layer of " + d.path + " fits its design");
        return chosen;
    }
    for (const std::string &w : wanted) {
        size_t found = d.layers.size();
        for (size_t i = 0; i < d.layers.size() && found == d.layers.size(); ++i) {
            const std::string file = rtl::config_file_name(d.layers[i].name);
            if (d.layers[i].name == w || file == w || file == w + ".json" || std::to_string(i) == w) found = i;
        }
        if (found == d.layers.size()) {
            std::string names;
            for (size_t i = 0; i < d.layers.size() && i < 30; ++i) names += (i ? ", " : "") + d.layers[i].name;
            throw UserError("no layer '" + w + "' in " + d.path + " (layers: " + names +
                            (d.layers.size() > 30 ? ", ..." : "") + ")");
        }
        if (!d.layers[found].config)
            throw UserError("layer " + d.layers[found].name + " does not fit the design: " + d.layers[found].does_not_fit);
        chosen.push_back(found);
    }
    return chosen;
}

}  // namespace tessera::vsim
