#include "Npy.h"

#include "UserError.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

namespace tessera::vsim {

namespace {

const char kMagic[] = "\x93NUMPY";

// The value of `key` in the header's Python dict literal, as text ("'|i1'", "False", "(2, 3)").
std::string dict_value(const std::string &header, const std::string &key, const std::string &path) {
    const std::string quoted[] = {"'" + key + "'", "\"" + key + "\""};
    size_t at = std::string::npos;
    for (const auto &q : quoted)
        if ((at = header.find(q)) != std::string::npos) {
            at += q.size();
            break;
        }
    if (at == std::string::npos) throw UserError(path + ": .npy header has no '" + key + "'");
    at = header.find(':', at);
    if (at == std::string::npos) throw UserError(path + ": malformed .npy header");
    ++at;
    while (at < header.size() && header[at] == ' ') ++at;
    size_t end = at;
    if (header[at] == '(') {
        end = header.find(')', at);
        if (end == std::string::npos) throw UserError(path + ": malformed .npy shape");
        ++end;
    } else {
        while (end < header.size() && header[end] != ',' && header[end] != '}') ++end;
    }
    std::string v = header.substr(at, end - at);
    while (!v.empty() && v.back() == ' ') v.pop_back();
    return v;
}

std::vector<int64_t> parse_shape(const std::string &tuple, const std::string &path) {
    std::vector<int64_t> shape;
    std::string inner = tuple.substr(1, tuple.size() - 2);
    std::replace(inner.begin(), inner.end(), ',', ' ');
    std::istringstream in(inner);
    std::string item;
    while (in >> item) {
        try {
            size_t used = 0;
            const long long e = std::stoll(item, &used);
            if (used != item.size() || e < 0) throw std::invalid_argument(item);
            shape.push_back(e);
        } catch (const std::exception &) {
            throw UserError(path + ": .npy shape " + tuple + " is not a tuple of sizes");
        }
    }
    return shape;
}

template <typename T>
void write_any(const std::string &path, const std::vector<int64_t> &shape, const std::vector<T> &values,
               const char *descr) {
    int64_t n = 1;
    for (int64_t e : shape) n *= e;
    if (n != int64_t(values.size()))
        throw UserError(path + ": " + std::to_string(values.size()) + " values for a shape of " +
                        std::to_string(n) + " elements");
    std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (";
    for (size_t i = 0; i < shape.size(); ++i) dict += std::to_string(shape[i]) + (i + 1 < shape.size() ? ", " : "");
    if (shape.size() == 1) dict += ",";
    dict += "), }";
    // As numpy.save: the data starts at a multiple of 64 bytes; the header ends with '\n'.
    const size_t prefix = 6 + 2 + 2;
    size_t total = prefix + dict.size() + 1;
    total = (total + 63) / 64 * 64;
    dict.append(total - prefix - dict.size() - 1, ' ');
    dict += '\n';
    std::ofstream out(path, std::ios::binary);
    if (!out) throw UserError("cannot write " + path + "; check the directory exists");
    out.write(kMagic, 6);
    const unsigned char version[2] = {1, 0};
    out.write(reinterpret_cast<const char *>(version), 2);
    const unsigned char len[2] = {static_cast<unsigned char>(dict.size() & 0xff),
                                  static_cast<unsigned char>(dict.size() >> 8)};
    out.write(reinterpret_cast<const char *>(len), 2);
    out << dict;
    // Little endian on disk; this project runs on little-endian hosts (x86-64, AArch64).
    out.write(reinterpret_cast<const char *>(values.data()), std::streamsize(values.size() * sizeof(T)));
    out.close();
    if (!out) throw UserError("failed writing " + path + " (disk full or not writable?)");
}

}  // namespace

int64_t NpyArray::elements() const {
    int64_t n = 1;
    for (int64_t e : shape) n *= e;
    return n;
}

NpyArray read_npy(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UserError("cannot read " + path);
    char magic[6];
    unsigned char version[2];
    if (!in.read(magic, 6) || std::memcmp(magic, kMagic, 6) != 0 ||
        !in.read(reinterpret_cast<char *>(version), 2))
        throw UserError(path + " is not a .npy file");
    uint32_t header_len = 0;
    if (version[0] == 1) {
        unsigned char b[2];
        if (!in.read(reinterpret_cast<char *>(b), 2)) throw UserError(path + ": truncated .npy header");
        header_len = b[0] | (uint32_t(b[1]) << 8);
    } else if (version[0] == 2 || version[0] == 3) {
        unsigned char b[4];
        if (!in.read(reinterpret_cast<char *>(b), 4)) throw UserError(path + ": truncated .npy header");
        header_len = b[0] | (uint32_t(b[1]) << 8) | (uint32_t(b[2]) << 16) | (uint32_t(b[3]) << 24);
    } else {
        throw UserError(path + ": unsupported .npy version " + std::to_string(version[0]));
    }
    std::string header(header_len, '\0');
    if (!in.read(&header[0], header_len)) throw UserError(path + ": truncated .npy header");

    NpyArray a;
    std::string descr = dict_value(header, "descr", path);
    if (descr.size() >= 2 && (descr.front() == '\'' || descr.front() == '"')) descr = descr.substr(1, descr.size() - 2);
    a.descr = descr;
    if (dict_value(header, "fortran_order", path) != "False")
        throw UserError(path + ": Fortran-order array; save it in C order (numpy.ascontiguousarray)");
    const std::string shape = dict_value(header, "shape", path);
    if (shape.empty() || shape.front() != '(') throw UserError(path + ": malformed .npy shape");
    a.shape = parse_shape(shape, path);

    int bytes = 0;
    if (descr == "|i1" || descr == "<i1" || descr == "i1") bytes = 1;
    else if (descr == "<i2") bytes = 2;
    else if (descr == "<i4") bytes = 4;
    else if (descr == "<i8") bytes = 8;
    else
        throw UserError(path + ": dtype '" + descr + "' is not a little-endian signed integer (use int8 "
                        "for inputs and weights, int32 for bias)");
    const int64_t n = a.elements();
    std::vector<char> raw(size_t(n) * size_t(bytes));
    if (!in.read(raw.data(), std::streamsize(raw.size())))
        throw UserError(path + ": holds fewer than the " + std::to_string(n) + " elements its shape says");
    if (in.peek() != std::char_traits<char>::eof())
        throw UserError(path + ": holds more than the " + std::to_string(n) + " elements its shape says");
    a.values.resize(size_t(n));
    for (int64_t i = 0; i < n; ++i) {
        const char *p = raw.data() + i * bytes;
        switch (bytes) {
        case 1: a.values[size_t(i)] = int8_t(*p); break;
        case 2: { int16_t v; std::memcpy(&v, p, 2); a.values[size_t(i)] = v; break; }
        case 4: { int32_t v; std::memcpy(&v, p, 4); a.values[size_t(i)] = v; break; }
        default: { int64_t v; std::memcpy(&v, p, 8); a.values[size_t(i)] = v; break; }
        }
    }
    return a;
}

void write_npy(const std::string &path, const std::vector<int64_t> &shape, const std::vector<int8_t> &values) {
    write_any(path, shape, values, "|i1");
}

void write_npy(const std::string &path, const std::vector<int64_t> &shape, const std::vector<int32_t> &values) {
    write_any(path, shape, values, "<i4");
}

std::vector<int64_t> numpy_shape(const std::vector<int64_t> &halide_shape) {
    return {halide_shape.rbegin(), halide_shape.rend()};
}

}  // namespace tessera::vsim
