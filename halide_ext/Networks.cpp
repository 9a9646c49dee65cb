#include "Networks.h"

#include "UserError.h"
#include "ir/Limits.h"
#include "ir/SubPixel.h"

#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#ifndef TESSERA_SOURCE_DIR
#define TESSERA_SOURCE_DIR "."
#endif

namespace tessera {

namespace {

const char *kNetworks[] = {"resnet18", "resnet50", "mobilenetv2", "vgg16", "alexnet", "mlp", "lstm", "fsrcnn"};

std::vector<std::string> split_csv_line(const std::string &line) {
    std::vector<std::string> cells;
    std::string cell;
    bool quoted = false;
    for (char ch : line) {
        if (ch == '"') quoted = !quoted;
        else if (ch == ',' && !quoted) cells.push_back(cell), cell.clear();
        else if (ch != '\r') cell += ch;
    }
    cells.push_back(cell);
    return cells;
}

int64_t to_int(const std::string &text, const std::string &what, int64_t if_empty) {
    if (text.empty()) return if_empty;
    // Digits with an optional '-' only: stoll would also take " 4" and "+4".
    if (text.find_first_not_of("-0123456789") != std::string::npos)
        throw UserError(what + ": '" + text + "' is not an integer");
    try {
        size_t used = 0;
        int64_t v = std::stoll(text, &used);
        if (used == text.size()) return v;
    } catch (const std::exception &) {
    }
    throw UserError(what + ": '" + text + "' is not an integer");
}

std::string network_path(const std::string &name_or_path) {
    for (const char *n : kNetworks)
        if (name_or_path == n) return std::string(TESSERA_SOURCE_DIR) + "/examples/networks/" + n + ".csv";
    return name_or_path;
}

// An fc row has no window: the CSV's geometry cells are ignored.
ir::LayerSpec fc_geometry(ir::LayerSpec l) {
    l.H = l.W = l.R = l.S = 1, l.pad = 0, l.stride = 1, l.stride_w = -1, l.dilation = 1,
    l.dilation_w = -1, l.pad_bottom = l.pad_left = l.pad_right = -1;
    return l;
}

// A `deconv` row: a transposed conv (ONNX ConvTranspose) with H_in, W_in its input, R, S its
// kernel, its strides, dilations and pads, and P_out, Q_out its output (they give the output
// padding; empty: none). It runs as its sub-pixel conv (ir/SubPixel.h); the MACs column, if given,
// is the transposed conv's own count, N x K x C x H_in x W_in x R x S.
ir::LayerSpec deconv_row(const ir::LayerSpec &l, const std::string &p_out, const std::string &q_out,
                         const std::string &macs, const std::string &where) {
    const ir::TransposedConv plain = ir::transposed_conv(l, 0, 0, where);
    const int64_t stated[2] = {to_int(p_out, where + " P_out", 0), to_int(q_out, where + " Q_out", 0)};
    int64_t output_padding[2] = {0, 0};
    for (int a = 0; a < 2; ++a)
        if (stated[a]) output_padding[a] = stated[a] - plain.out[a];
    const ir::LayerSpec conv = ir::sub_pixel_layer(l, output_padding[0], output_padding[1], where);
    try {
        ir::check_layer_limits(conv);
    } catch (const UserError &e) {
        throw UserError(where + ": " + e.what());
    }
    std::optional<int64_t> product = 1;
    for (const int64_t f : {l.N, l.K, l.C, l.H, l.W, l.R, l.S}) product = product ? ir::checked_mul(*product, f) : product;
    const int64_t own = product.value_or(-1);
    if (const int64_t m = to_int(macs, where + " MACs", 0); m && m != own)
        throw UserError(where + ": MACs column says " + std::to_string(m) + " but the deconv gives " + std::to_string(own) +
                        " (N x K x C x H_in x W_in x R x S)");
    return conv;
}

}  // namespace

std::vector<std::string> bundled_networks() { return {std::begin(kNetworks), std::end(kNetworks)}; }

std::vector<ir::LayerSpec> load_network(const std::string &name_or_path) {
    const std::string path = network_path(name_or_path);
    std::ifstream in(path);
    if (!in) {
        std::string names;
        for (const char *n : kNetworks) names += std::string(names.empty() ? "" : ", ") + n;
        throw UserError("unknown network '" + name_or_path + "': use one of " + names +
                        " or a path to a CSV file");
    }
    std::string line;
    std::getline(in, line);
    const std::vector<std::string> header = split_csv_line(line);
    auto column = [&](const char *name) -> size_t {
        for (size_t i = 0; i < header.size(); ++i)
            if (header[i] == name) return i;
        throw UserError(path + ": missing column '" + name + "' (columns as in ../shared/workloads)");
    };
    const size_t c_layer = column("layer"), c_type = column("type"), c_n = column("N"),
                 c_c = column("C"), c_k = column("K"), c_h = column("H_in"), c_w = column("W_in"),
                 c_r = column("R"), c_s = column("S"), c_stride = column("stride_h"),
                 c_pad = column("pad_h"), c_groups = column("groups"), c_macs = column("MACs");
    // Columns that older CSVs may lack: horizontal stride and pad, asymmetric pads, dilation.
    auto optional_column = [&](const char *name) -> size_t {
        for (size_t i = 0; i < header.size(); ++i)
            if (header[i] == name) return i;
        return header.size();
    };
    const size_t c_stride_w = optional_column("stride_w"), c_pad_w = optional_column("pad_w"),
                 c_pad_bottom = optional_column("pad_bottom"), c_pad_right = optional_column("pad_right"),
                 c_dil_h = optional_column("dilation_h"), c_dil_w = optional_column("dilation_w"),
                 c_p_out = optional_column("P_out"), c_q_out = optional_column("Q_out");
    std::vector<ir::LayerSpec> layers;
    int row = 1;
    while (std::getline(in, line)) {
        ++row;
        if (line.empty()) continue;
        const auto cells = split_csv_line(line);
        if (cells.size() < header.size())
            throw UserError(path + ":" + std::to_string(row) + ": expected " +
                            std::to_string(header.size()) + " columns, found " +
                            std::to_string(cells.size()));
        const std::string where = path + ":" + std::to_string(row);
        ir::LayerSpec l;
        l.name = cells[c_layer];
        l.type = cells[c_type];
        // ZigZag's ONNX-derived shapes label a grouped conv `gconv`; the groups column carries the
        // grouping, which is all a conv needs.
        if (l.type == "gconv") l.type = "conv";
        l.N = to_int(cells[c_n], where + " N", 1);
        l.C = to_int(cells[c_c], where + " C", 1);
        l.K = to_int(cells[c_k], where + " K", 1);
        l.H = to_int(cells[c_h], where + " H_in", 1);
        l.W = to_int(cells[c_w], where + " W_in", 1);
        l.R = to_int(cells[c_r], where + " R", 1);
        l.S = to_int(cells[c_s], where + " S", 1);
        l.stride = to_int(cells[c_stride], where + " stride_h", 1);
        l.pad = to_int(cells[c_pad], where + " pad_h", 0);
        l.groups = to_int(cells[c_groups], where + " groups", 1);
        auto cell = [&](size_t c) { return c < header.size() ? cells[c] : std::string(); };
        l.stride_w = to_int(cell(c_stride_w), where + " stride_w", -1);
        l.pad_left = to_int(cell(c_pad_w), where + " pad_w", -1);
        l.pad_bottom = to_int(cell(c_pad_bottom), where + " pad_bottom", -1);
        l.pad_right = to_int(cell(c_pad_right), where + " pad_right", l.pad_left);
        l.dilation = to_int(cell(c_dil_h), where + " dilation_h", 1);
        l.dilation_w = to_int(cell(c_dil_w), where + " dilation_w", -1);
        if (l.type == "deconv") {
            layers.push_back(deconv_row(l, cell(c_p_out), cell(c_q_out), cells[c_macs], where));
            continue;
        }
        if (l.type == "fc" && (l.H != 1 || l.W != 1 || l.R != 1 || l.S != 1 || l.pad != 0))
            throw UserError(where + ": an fc layer has H_in = W_in = R = S = 1 and pad_h = 0 (or empty)");
        // Out-of-range sizes are errors of the file; other invalid shapes are reported when the
        // layer is lowered, so the valid layers of a network stay usable.
        const bool positive = l.N > 0 && l.C > 0 && l.K > 0 && l.H > 0 && l.W > 0 && l.R > 0 &&
                              l.S > 0 && l.stride > 0 && l.groups > 0 && l.pad >= 0 && l.stride_w != 0 &&
                              l.dilation > 0 && l.dilation_w != 0;
        if (positive) {
            try {
                ir::check_layer_limits(l);
            } catch (const UserError &e) {
                throw UserError(where + ": " + e.what());
            }
        }
        // The output size a row states is checked before its MACs, which follow from it: a tool
        // that rounds the output up (SCALE-Sim's topologies) disagrees here first.
        if (positive && l.type != "fc" && l.out_h() > 0 && l.out_w() > 0)
            for (const auto &[c, name, axis, out] : {std::tuple{c_p_out, "P_out", "H_in, R, stride_h and pad_h", l.out_h()},
                                                      std::tuple{c_q_out, "Q_out", "W_in, S, stride_w and pad_w", l.out_w()}}) {
                const int64_t stated = to_int(cell(c), where + " " + name, 0);
                if (stated && stated != out)
                    throw UserError(where + ": " + name + " column says " + std::to_string(stated) + " but " + axis +
                                    " give " + std::to_string(out) + " (rounded down, as ONNX and Halide do); "
                                    "add the padding the source tool assumes, or correct the row");
            }
        if (l.type == "fc") l = fc_geometry(l);
        const int64_t macs = to_int(cells[c_macs], where + " MACs", 0);
        if (macs && positive && l.out_h() > 0 && l.out_w() > 0 && macs != l.macs())
            throw UserError(where + ": MACs column says " + std::to_string(macs) +
                            " but the shape gives " + std::to_string(l.macs()));
        layers.push_back(l);
    }
    if (layers.empty()) throw UserError(path + ": no layers");
    return layers;
}

std::optional<size_t> layer_index(const std::vector<ir::LayerSpec> &network, const std::string &key) {
    for (size_t i = 0; i < network.size(); ++i)
        if (network[i].name == key) return i;
    if (!key.empty() && key.size() < 10 && key.find_first_not_of("0123456789") == std::string::npos &&
        std::stoul(key) < network.size())
        return std::stoul(key);
    return std::nullopt;
}

ir::LayerSpec find_layer(const std::vector<ir::LayerSpec> &network, const std::string &layer,
                         const std::string &network_name) {
    if (const auto i = layer_index(network, layer)) return network[*i];
    std::string names;
    for (size_t i = 0; i < network.size() && i < 6; ++i) names += (i ? ", " : "") + network[i].name;
    throw UserError("no layer '" + layer + "' in network " + network_name + " (layers: " + names +
                    (network.size() > 6 ? ", ..." : "") + ")");
}

ir::LayerSpec parse_inline_layer(const std::string &spec) {
    const auto colon = spec.find(':');
    if (colon == std::string::npos)
        throw UserError("malformed layer spec '" + spec +
                        "': expected TYPE:KEY=VALUE,... e.g. conv:C=64,K=64,H=56,W=56,R=3,S=3");
    ir::LayerSpec l;
    l.type = spec.substr(0, colon);
    if (l.type != "conv" && l.type != "dwconv" && l.type != "fc" && l.type != "deconv")
        throw UserError("malformed layer spec '" + spec + "': type must be conv, dwconv, deconv or fc");
    l.name = spec;
    const bool fc = l.type == "fc", deconv = l.type == "deconv";
    int64_t output_padding = 0, output_padding_w = -1;  // a deconv's (ONNX ConvTranspose's)
    const std::string quant_keys =
        " x_uint8 w_uint8 y_uint8 x_zero_point w_zero_point y_zero_point multiplier round_even y_int32";
    const std::string keys = (fc ? "N C K batch bias relu shift"
                                 : "N C K H W R S stride stride_w pad pad_bottom pad_left pad_right "
                                   "dilation dilation_w groups bias relu shift" +
                                   std::string(deconv ? " output_padding output_padding_w" : "")) + quant_keys;
    // Every key that shapes the layer must be given: a default would silently run another layer.
    const std::vector<std::string> required = fc ? std::vector<std::string>{"C", "K"}
                                            : l.type == "dwconv" ? std::vector<std::string>{"C", "H", "W", "R", "S"}
                                                                 : std::vector<std::string>{"C", "K", "H", "W", "R", "S"};
    std::set<std::string> given;
    std::stringstream rest(spec.substr(colon + 1));
    std::string item;
    while (std::getline(rest, item, ',')) {
        const auto eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            throw UserError("malformed layer spec '" + spec + "': '" + item + "' is not KEY=VALUE");
        const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
        int64_t *field = deconv && key == "output_padding"     ? &output_padding
                         : deconv && key == "output_padding_w" ? &output_padding_w
                                                               : l.shape_field(key);
        const bool quant = !field && l.quant_field(key);
        if (quant) field = l.quant_field(key);
        const bool flag = key == "bias" || key == "relu";
        const bool fc_shape = key == "N" || key == "C" || key == "K" || key == "batch";
        if ((!field && !flag && key != "shift") || (fc && field && !quant && !fc_shape))
            throw UserError("malformed layer spec '" + spec + "': unknown key '" + key + "' for " + l.type +
                            " (keys: " + keys + ")");
        if (!given.insert(key).second)
            throw UserError("malformed layer spec '" + spec + "': key '" + key + "' is given twice");
        if (flag) {
            if (value != "0" && value != "1" && value != "true" && value != "false")
                throw UserError("malformed layer spec '" + spec + "': " + key + "=" + value +
                                " must be 0, 1, true or false");
            (key == "bias" ? l.bias : l.relu) = value == "1" || value == "true";
            continue;
        }
        if (value.empty())
            throw UserError("malformed layer spec '" + spec + "': key '" + key + "' has no value");
        const int64_t v = to_int(value, "layer spec key " + key, 0);
        if (key == "shift") {
            // Without the key the shift is chosen from the reduction size; given, it is used as is
            // (0..30, or up to 62 with a fixed-point multiplier: checked with the layer).
            if (v < 0 || v > 62)
                throw UserError("malformed layer spec '" + spec + "': shift=" + value +
                                " must be 0..30 (0..62 with multiplier=; leave it out for the automatic shift)");
            l.requant_shift = int(v);
        } else {
            *field = v;
        }
    }
    std::string missing;
    for (const auto &k : required)
        if (!given.count(k)) missing += (missing.empty() ? "" : ",") + k + "=...";
    if (!missing.empty())
        throw UserError("malformed layer spec '" + spec + "': " + l.type + " needs " + missing +
                        " (keys: " + keys + ")");
    if (l.type == "dwconv") {
        if (!given.count("groups")) l.groups = l.C;
        if (!given.count("K")) l.K = l.C;
    }
    if (l.type == "fc") l = fc_geometry(l);
    // A transposed conv runs as its sub-pixel conv (ir/SubPixel.h, docs/onnx.md).
    if (deconv)
        l = ir::sub_pixel_layer(l, output_padding, output_padding_w >= 0 ? output_padding_w : output_padding,
                                "layer spec '" + spec + "'");
    return l;
}

}  // namespace tessera
