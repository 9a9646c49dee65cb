// The IR's JSON form round-trips, and malformed JSON is rejected naming the key.
#include "Lower.h"
#include "Networks.h"
#include "ir/Json.h"

#include <catch2/catch.hpp>

using namespace tessera;

TEST_CASE("IR JSON round trip over real layers and all presets", "[ir]") {
    for (const char *df : {"os", "ws", "is"}) {
        for (const auto &layer : load_network("mobilenetv2")) {
            ScheduleRequest req;
            req.dataflow = df;
            const ir::AcceleratorIR ir = lower_to_ir(layer, req);
            const nlohmann::json j = ir::to_json(ir);
            REQUIRE(ir::ir_from_json(nlohmann::json::parse(j.dump())) == ir);
            REQUIRE(j.at("macs").get<int64_t>() == layer.macs());
        }
    }
}

TEST_CASE("IR JSON with a missing key names it", "[ir]") {
    ScheduleRequest req;
    nlohmann::json j = ir::to_json(lower_to_ir(parse_inline_layer("fc:N=2,C=16,K=16"), req));
    j.erase("loops");
    REQUIRE_THROWS_WITH(ir::ir_from_json(j), Catch::Contains("'loops'"));
}
