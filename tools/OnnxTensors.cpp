#include "OnnxTensors.h"

#include "UserError.h"
#include "sim/verilator/LayerData.h"
#include "sim/verilator/Npy.h"

#ifdef TESSERA_WITH_ONNX
#include "interop/OnnxImport.h"
#endif

#include <filesystem>
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

void save_node_outputs(const std::string &onnx, const std::vector<ir::LayerSpec> &layers, const std::string &save_dir) {
#ifdef TESSERA_WITH_ONNX
    const interop::OnnxImport model = interop::import_onnx(onnx);
    for (const ir::LayerSpec &spec : layers)
        for (size_t i = 0; i < model.layers.size(); ++i) {
            if (model.layers[i].name != spec.name || !model.sub_pixel[i]) continue;
            const ir::SubPixel &s = *model.sub_pixel[i];
            const std::filesystem::path d = std::filesystem::path(save_dir) / vsim::layer_file_stem(spec.name);
            const vsim::NpyArray conv = vsim::read_npy((d / "output.npy").string());
            const std::vector<int32_t> y =
                ir::transposed_output(s, spec, std::vector<int32_t>(conv.values.begin(), conv.values.end()));
            const std::vector<int64_t> shape = {s.t.N, s.t.K, s.t.out[0], s.t.out[1]};
            if (conv.descr == "<i4") vsim::write_npy((d / "output_onnx.npy").string(), shape, y);
            else vsim::write_npy((d / "output_onnx.npy").string(), shape, std::vector<int8_t>(y.begin(), y.end()));
        }
#else
    (void)onnx, (void)layers, (void)save_dir;
#endif
}

}  // namespace tessera::cli
