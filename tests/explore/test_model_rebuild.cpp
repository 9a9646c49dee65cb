// Model::rebuild, which the search uses instead of a new model per loop structure: a model rebuilt
// from any earlier structure counts exactly what a model built fresh from the IR does. The
// structures are the ones real searches visit, on architectures with every kind of stage (per-PE
// files, registers, DRAM-fed files, a second shared level, double buffering, a pipelined array).
#include "MapSpace.h"
#include "Search.h"
#include "TestLayers.h"
#include "model/Model.h"
#include "model/Report.h"
#include "ir/ArchitectureJson.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace tessera;
using namespace tessera::explore;
using test::conv;
using test::fc;
using test::problem_of;

namespace {

// Points the search visits: one per loop structure it asks `accept` about.
std::vector<Point> visited_points(const SpaceInfo &info, uint64_t seed, size_t limit) {
    std::vector<Point> points;
    SearchOptions opt;
    opt.mode = "anneal", opt.anneal_steps = 400, opt.chains = 2, opt.threads = 1, opt.seed = seed;
    opt.polish_sweeps = 1;
    opt.constraints.accept = [&](const Point &p) {
        if (points.size() < limit) points.push_back(p);
        return true;
    };
    search(info, opt);
    return points;
}

// The estimate as text (every counter, energy and cycle count `estimate --json` shows) and the fit.
std::string outcome(model::Model &m, const SpaceInfo &info, const Point &p) {
    try {
        const model::Estimate &e = m.evaluate(blocking_of(info, p));
        return model::to_json(e, info.arch).dump() + "\n" + m.fit_error();
    } catch (const std::exception &e) {
        return std::string("error: ") + e.what();
    }
}

}  // namespace

TEST_CASE("model: a rebuilt model counts what a new one does", "[model][explore]") {
    ir::LayerSpec padded = conv(16, 24, 14, 14, 3, 3);
    padded.pad = 1;
    ir::LayerSpec first_layer = conv(3, 16, 29, 29, 7, 7, 2);  // ResNet's stem, smaller
    first_layer.pad = 3;
    ir::LayerSpec depthwise = conv(24, 24, 15, 15, 3, 3);
    depthwise.type = "dwconv", depthwise.groups = 24;
    const std::vector<ir::LayerSpec> layers = {padded, first_layer, depthwise, fc(4, 96, 40)};
    const std::vector<std::string> archs = {"default", "eyeriss_16x16", "eyeriss_registers", "four_level",
                                            "double_buffered", "systolic", "eyeriss_prefetch"};
    int compared = 0, refused = 0;
    for (const std::string &arch_name : archs)
        for (size_t li = 0; li < layers.size(); ++li) {
            const SpaceInfo info = space_info(problem_of(layers[li]), ir::load_architecture(arch_name));
            const std::vector<Point> points = visited_points(info, li + 1, 120);
            INFO(arch_name << ", layer " << li);
            REQUIRE(points.size() > 10);
            auto arch = std::make_shared<const ir::Architecture>(info.arch);
            auto problem = std::make_shared<const ir::Problem>(info.problem);
            std::unique_ptr<model::Model> reused;
            // Backwards, so that each rebuild starts from a structure the search met later.
            for (size_t i = points.size(); i-- > 0;) {
                const Point &p = points[i];
                const ir::AcceleratorIR ir = build_ir(info, p);
                INFO(schedule_text(info, p));
                std::unique_ptr<model::Model> fresh;
                std::string fresh_error;
                try {
                    fresh = std::make_unique<model::Model>(ir, arch, problem);
                } catch (const std::exception &e) {
                    fresh_error = e.what();
                }
                bool rebuilt = false;
                std::string rebuild_error;
                try {
                    if (reused) reused->rebuild(ir), rebuilt = true;
                    else reused = std::make_unique<model::Model>(ir, arch, problem);
                } catch (const std::exception &e) {
                    rebuild_error = e.what();
                }
                CHECK(rebuild_error == fresh_error);
                if (!fresh) {
                    ++refused;
                    continue;
                }
                if (!rebuilt) continue;
                CHECK(outcome(*reused, info, p) == outcome(*fresh, info, p));
                ++compared;
            }
        }
    CHECK(compared > 1000);
    WARN(compared << " rebuilt models compared, " << refused << " structures refused by both");
}
