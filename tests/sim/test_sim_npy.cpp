// .npy files: what numpy.save writes reads back, what Tessera writes has numpy's header layout,
// and malformed files are one-line errors naming the file.
#include "UserError.h"
#include "sim/verilator/Npy.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace tessera::vsim;
namespace fs = std::filesystem;

namespace {

std::string temp_path(const std::string &name) {
    return (fs::temp_directory_path() / ("tessera-npy-" + std::to_string(getpid()) + "-" + name)).string();
}

std::string read_bytes(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A file as numpy.save writes it: magic, version, little-endian header length, the dict padded
// with spaces to a 64-byte boundary and a newline, then the data.
std::string numpy_file(const std::string &dict, const std::string &data, int major = 1) {
    std::string header = dict;
    const size_t prefix = major == 1 ? 10 : 12;
    while ((prefix + header.size() + 1) % 64) header += ' ';
    header += '\n';
    std::string f = "\x93NUMPY";
    f += char(major);
    f += char(0);
    const size_t n = header.size();
    f += char(n & 0xff);
    f += char((n >> 8) & 0xff);
    if (major != 1) f += std::string(2, '\0');
    return f + header + data;
}

void write_bytes(const std::string &path, const std::string &bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace

TEST_CASE("reads what numpy.save writes: int8, int32, versions 1 and 2", "[sim][npy]") {
    const std::string p = temp_path("in.npy");
    // np.save(p, np.array([[1, -2, 3], [-128, 127, 0]], dtype=np.int8))
    write_bytes(p, numpy_file("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }",
                              std::string("\x01\xfe\x03\x80\x7f\x00", 6)));
    NpyArray a = read_npy(p);
    CHECK(a.descr == "|i1");
    CHECK(a.shape == std::vector<int64_t>{2, 3});
    CHECK(a.values == std::vector<int64_t>{1, -2, 3, -128, 127, 0});
    // np.save(p, np.array([70000, -5], dtype='<i4')), format 2.0
    write_bytes(p, numpy_file("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }",
                              std::string("\x70\x11\x01\x00\xfb\xff\xff\xff", 8), 2));
    a = read_npy(p);
    CHECK(a.shape == std::vector<int64_t>{2});
    CHECK(a.values == std::vector<int64_t>{70000, -5});
    fs::remove(p);
}

TEST_CASE("writes numpy's layout and reads its own files back", "[sim][npy]") {
    const std::string p = temp_path("out.npy");
    const std::vector<int8_t> v8 = {5, -6, 7, -8, 9, -10};
    write_npy(p, {1, 2, 3}, v8);
    const std::string bytes = read_bytes(p);
    const size_t data_at = bytes.size() - v8.size();
    CHECK(data_at % 64 == 0);  // the header is padded to a 64-byte boundary, as numpy does
    CHECK(bytes.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
    CHECK(bytes.find("{'descr': '|i1', 'fortran_order': False, 'shape': (1, 2, 3), }") == 10);
    CHECK(bytes[data_at - 1] == '\n');
    CHECK(size_t(uint8_t(bytes[8]) | uint8_t(bytes[9]) << 8) == data_at - 10);
    NpyArray a = read_npy(p);
    CHECK(a.shape == std::vector<int64_t>{1, 2, 3});
    CHECK(a.values == std::vector<int64_t>(v8.begin(), v8.end()));

    write_npy(p, {4}, std::vector<int32_t>{-1, 2, -3, 1 << 30});
    CHECK(read_bytes(p).find("'shape': (4,)") != std::string::npos);
    a = read_npy(p);
    CHECK(a.descr == "<i4");
    CHECK(a.values == std::vector<int64_t>{-1, 2, -3, 1 << 30});
    fs::remove(p);
}

TEST_CASE("NumPy shape is the Halide shape reversed", "[sim][npy]") {
    CHECK(numpy_shape({56, 56, 64, 1}) == std::vector<int64_t>{1, 64, 56, 56});
    CHECK(numpy_shape({512, 1}) == std::vector<int64_t>{1, 512});
}

TEST_CASE("malformed .npy files are one-line errors naming the file", "[sim][npy]") {
    const std::string p = temp_path("bad.npy");
    auto error_of = [&](const std::string &bytes) {
        write_bytes(p, bytes);
        try {
            read_npy(p);
        } catch (const tessera::UserError &e) {
            const std::string what = e.what();
            CHECK(what.find('\n') == std::string::npos);
            return what;
        }
        return std::string("no error");
    };
    const std::string data(6, '\0');
    std::string e = error_of("not a numpy file at all");
    CHECK(e.find("is not a .npy file") != std::string::npos);
    CHECK(e.find(p) != std::string::npos);
    e = error_of(numpy_file("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", std::string(24, '\0')));
    CHECK(e.find("'<f4'") != std::string::npos);
    e = error_of(numpy_file("{'descr': '|i1', 'fortran_order': True, 'shape': (2, 3), }", data));
    CHECK(e.find("Fortran") != std::string::npos);
    e = error_of(numpy_file("{'descr': '|i1', 'fortran_order': False, 'shape': (4, 3), }", data));
    CHECK(e.find("fewer than the 12 elements") != std::string::npos);
    e = error_of(numpy_file("{'descr': '|i1', 'fortran_order': False, }", data));
    CHECK(e.find("no 'shape'") != std::string::npos);
    CHECK_THROWS_AS(read_npy(temp_path("missing.npy")), tessera::UserError);
    fs::remove(p);
}
