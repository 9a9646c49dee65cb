#include "OnnxTensors.h"

#include "UserError.h"

#ifdef TESSERA_WITH_ONNX
#include "interop/OnnxImport.h"
#endif

#include <iostream>

namespace tessera::cli {

std::map<std::string, vsim::GivenTensors> onnx_tensors(const std::string &onnx, const std::vector<ir::LayerSpec> &layers) {
    std::map<std::string, vsim::GivenTensors> given;
#ifdef TESSERA_WITH_ONNX
    const interop::OnnxImport model = interop::import_onnx(onnx);
    for (const ir::LayerSpec &spec : layers) {
        size_t i = 0;
        while (i < model.layers.size() && model.layers[i].name != spec.name) ++i;
        if (i == model.layers.size())
            throw UserError("--onnx " + onnx + ": no node named " + spec.name + " (the design's layer); "
                            "compile the design with --onnx " + onnx);
        if (!(model.layers[i] == spec))
            throw UserError("--onnx " + onnx + ": node " + spec.name + " differs from the design's layer of that "
                            "name (shape or quantization); compile the design with --onnx " + onnx);
        if (model.tensors[i].weights.empty()) {  // e.g. a QDQ node's weights behind a DequantizeLinear
            std::cerr << "note: --onnx: node " << spec.name << " gives no weights Tessera reads; weights and "
                      << "bias drawn from the seed\n";
            continue;
        }
        given[spec.name] = {model.tensors[i].weights, model.tensors[i].bias};
    }
#else
    (void)layers;
    throw UserError("--onnx " + onnx + ": this tessera was built without ONNX support; install libonnx-dev "
                    "and libprotobuf-dev (tools/bootstrap.sh does) and rebuild");
#endif
    return given;
}

}  // namespace tessera::cli
