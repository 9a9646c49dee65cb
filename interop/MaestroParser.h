// The MAESTRO .m file reader (docs/maestro.md): Network / Layer blocks with Type, Stride,
// Dimensions and Dataflow directives, and Constant definitions, into layers of directives. What
// the directives mean for a Tessera mapping is MaestroMapping.cpp's.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tessera::interop::maestro {

struct Expr {
    int64_t value = 0;
    std::string size_of;  // Sz(D): the extent of D
};

struct Directive {
    std::string kind;  // TemporalMap SpatialMap Cluster
    Expr size, offset;
    std::string dim;   // Cluster: unused
    int line = 0;
};

struct MaestroLayer {
    std::string name, type = "CONV";
    std::map<std::string, int64_t> dims, stride;
    std::vector<Directive> flow;
};

// Every Layer block of the file, in order; a malformed file is a UserError naming the line.
std::vector<MaestroLayer> parse_layers(const std::string &path);

}  // namespace tessera::interop::maestro
