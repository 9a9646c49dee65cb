#include "LayerData.h"

#include "Npy.h"
#include "UserError.h"
#include "Layers.h"
#include "rtl_backend/DesignReadme.h"

#include <filesystem>
#include <limits>
#include <iostream>

namespace tessera::vsim {

namespace fs = std::filesystem;

namespace {

std::string shape_text(const std::vector<int64_t> &shape) {
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i) s += std::to_string(shape[i]) + (i + 1 < shape.size() ? ", " : "");
    return s + (shape.size() == 1 ? ",)" : ")");
}

template <typename T>
std::vector<int64_t> halide_shape(const Halide::Runtime::Buffer<T> &b) {
    std::vector<int64_t> s;
    for (int d = 0; d < b.dimensions(); ++d) s.push_back(b.dim(d).extent());
    return s;
}

// Fills `buffer` (dense, Halide order) from `path`, checking shape and value range.
template <typename T>
void load_into(Halide::Runtime::Buffer<T> &buffer, const std::string &path, const char *dtype) {
    const NpyArray a = read_npy(path);
    const std::vector<int64_t> expected = numpy_shape(halide_shape(buffer));
    if (a.shape != expected)
        throw UserError(path + " has shape " + shape_text(a.shape) + ", the layer needs " +
                        shape_text(expected) + " (" + dtype + ")");
    const int64_t lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
    T *data = buffer.data();
    for (size_t i = 0; i < a.values.size(); ++i) {
        if (a.values[i] < lo || a.values[i] > hi)
            throw UserError(path + ": element " + std::to_string(i) + " is " + std::to_string(a.values[i]) +
                            ", outside " + dtype);
        data[i] = T(a.values[i]);
    }
}

template <typename T>
std::vector<T> values(const Halide::Runtime::Buffer<T> &b) {
    return std::vector<T>(b.data(), b.data() + b.number_of_elements());
}

}  // namespace

std::string layer_file_stem(const std::string &layer) {
    const std::string file = rtl::config_file_name(layer);  // the name of its config, <stem>.json
    return file.substr(0, file.size() - std::string(".json").size());
}

gen::LayerTensors layer_tensors(const TensorSource &source, const ir::LayerSpec &spec, size_t index) {
    // splitmix64 of (seed, index): neighbouring seeds and layers get unrelated data.
    uint64_t z = source.seed + 0x9E3779B97F4A7C15ull * (index + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    gen::LayerTensors t = gen::random_tensors(spec, z ^ (z >> 31));
    apply_given(source.given, spec, t);
    if (source.npy_dir.empty()) return t;
    check_npy_inputs(source, {spec});
    const fs::path dir = fs::path(source.npy_dir) / layer_file_stem(spec.name);
    load_into(t.input, (dir / "input.npy").string(), "int8");
    // Without weights.npy / bias.npy: the given tensors (--onnx), else the seed's.
    const bool given_tensors = source.given.count(spec.name) > 0;
    if (fs::exists(dir / "weights.npy")) load_into(t.weights, (dir / "weights.npy").string(), "int8");
    else if (!given_tensors) std::cerr << "note: layer " << spec.name << ": no weights.npy, weights drawn from the seed\n";
    if (fs::exists(dir / "bias.npy")) load_into(t.bias, (dir / "bias.npy").string(), "int32");
    else if (spec.bias && !given_tensors)
        std::cerr << "note: layer " << spec.name << ": no bias.npy, bias drawn from the seed\n";
    return t;
}

void apply_given(const std::map<std::string, GivenTensors> &given, const ir::LayerSpec &spec, gen::LayerTensors &t) {
    const auto it = given.find(spec.name);
    if (it == given.end()) return;
    const GivenTensors &g = it->second;
    if (int64_t(g.weights.size()) != int64_t(t.weights.number_of_elements()) ||
        (spec.bias && int64_t(g.bias.size()) != int64_t(t.bias.number_of_elements())))
        throw UserError("layer " + spec.name + ": the given weights (" + std::to_string(g.weights.size()) +
                        ") or bias (" + std::to_string(g.bias.size()) + ") do not match the layer's " +
                        std::to_string(t.weights.number_of_elements()) + " weights and " +
                        std::to_string(spec.bias ? t.bias.number_of_elements() : 0) + " biases");
    std::copy(g.weights.begin(), g.weights.end(), t.weights.data());
    if (spec.bias) std::copy(g.bias.begin(), g.bias.end(), t.bias.data());
}

void check_npy_inputs(const TensorSource &source, const std::vector<ir::LayerSpec> &layers) {
    if (source.npy_dir.empty()) return;
    if (!fs::is_directory(source.npy_dir)) throw UserError("--inputs " + source.npy_dir + " is not a directory");
    for (const ir::LayerSpec &spec : layers) {
        const fs::path input = fs::path(source.npy_dir) / layer_file_stem(spec.name) / "input.npy";
        if (!fs::exists(input)) {
            std::vector<int64_t> shape;
            for (int e : gen::input_shape(spec)) shape.push_back(e);
            throw UserError("no input for layer " + spec.name + ": expected " + input.string() + ", int8 of shape " +
                            shape_text(numpy_shape(shape)));
        }
    }
}

LayerTensors dram_tensors(const gen::LayerTensors &t, const ir::LayerSpec &spec) {
    std::vector<int32_t> bias = spec.bias ? values(t.bias) : std::vector<int32_t>{};
    const bool requant = !spec.channel_multiplier.empty(), zero_points = !spec.channel_w_zero_point.empty();
    if (requant || zero_points) {
        // Per channel, each bias word followed by its channel's requant word {shift[5:0],
        // multiplier[25:0]} and its weight zero point, where those are per channel: the layout the
        // design's bias load walks (LayerConfig, Problem::bias_load_stride).
        if (requant && (spec.channel_multiplier.size() != bias.size() || spec.channel_shift.size() != bias.size()))
            throw UserError("layer " + spec.name + ": per-channel requantization has " +
                            std::to_string(spec.channel_multiplier.size()) + " multipliers and " +
                            std::to_string(spec.channel_shift.size()) + " shifts for " + std::to_string(bias.size()) +
                            " bias words; recompile the design");
        if (zero_points && spec.channel_w_zero_point.size() != bias.size())
            throw UserError("layer " + spec.name + ": " + std::to_string(spec.channel_w_zero_point.size()) +
                            " per-channel weight zero points for " + std::to_string(bias.size()) +
                            " bias words; recompile the design");
        std::vector<int32_t> words;
        for (size_t k = 0; k < bias.size(); ++k) {
            words.push_back(bias[k]);
            if (requant)
                words.push_back(int32_t(uint32_t(spec.channel_shift[k]) << 26 | uint32_t(spec.channel_multiplier[k])));
            if (zero_points) words.push_back(int32_t(spec.channel_w_zero_point[k]));
        }
        bias = words;
    }
    return {values(t.input), values(t.weights), bias};
}

void save_layer_npy(const std::string &dir, const ir::LayerSpec &spec, const gen::LayerTensors &t,
                    const std::vector<int32_t> &output, const std::vector<int32_t> &reference, int out_bits) {
    const fs::path d = fs::path(dir) / layer_file_stem(spec.name);
    std::error_code ec;
    fs::create_directories(d, ec);
    if (ec) throw UserError("cannot create " + d.string() + ": " + ec.message());
    std::vector<int64_t> out_shape;
    for (int e : gen::output_shape(spec)) out_shape.push_back(e);
    write_npy((d / "input.npy").string(), numpy_shape(halide_shape(t.input)), values(t.input));
    write_npy((d / "weights.npy").string(), numpy_shape(halide_shape(t.weights)), values(t.weights));
    write_npy((d / "bias.npy").string(), numpy_shape(halide_shape(t.bias)), values(t.bias));
    // int8 outputs as int8 arrays; int32 outputs (y_int32) as int32.
    for (const auto &[name, v] : {std::pair<const char *, const std::vector<int32_t> *>{"output.npy", &output},
                                  {"reference.npy", &reference}}) {
        if (out_bits >= 32) write_npy((d / name).string(), numpy_shape(out_shape), *v);
        else write_npy((d / name).string(), numpy_shape(out_shape), std::vector<int8_t>(v->begin(), v->end()));
    }
}

}  // namespace tessera::vsim
