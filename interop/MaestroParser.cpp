#include "MaestroParser.h"

#include "UserError.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tessera::interop::maestro {

namespace {

struct Token {
    std::string text;
    int line;
};

std::vector<Token> tokenize(const std::string &path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) throw UserError(path + " is a directory; give a MAESTRO mapping (.m) file");
    std::ifstream in(path);
    if (!in) throw UserError("cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string s = ss.str();
    if (s.size() > (1 << 20)) throw UserError(path + ": larger than 1 MiB; not a MAESTRO mapping");
    std::vector<Token> t;
    int line = 1;
    for (size_t i = 0; i < s.size();) {
        const char c = s[i];
        if (c == '\n') ++line, ++i;
        else if (std::isspace(static_cast<unsigned char>(c))) ++i;
        else if (c == '/' && i + 1 < s.size() && s[i + 1] == '/') while (i < s.size() && s[i] != '\n') ++i;
        else if (std::string("{}(),:;").find(c) != std::string::npos) t.push_back({std::string(1, c), line}), ++i;
        else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
            size_t j = i;
            while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || std::string("_-.'").find(s[j]) != std::string::npos)) ++j;
            t.push_back({s.substr(i, j - i), line});
            i = j;
        } else {
            throw UserError(path + ":" + std::to_string(line) + ": unexpected character '" + std::string(1, c) +
                            "' (MAESTRO mapping: Network/Layer blocks with Type, Stride, Dimensions, Dataflow)");
        }
    }
    return t;
}

class Parser {
public:
    Parser(const std::string &path) : path_(path), t_(tokenize(path)) {}

    std::vector<MaestroLayer> layers() {
        std::vector<MaestroLayer> out;
        auto blocks = [&] {
            for (constants(); peek() == "Layer"; constants()) out.push_back(layer());
        };
        constants();
        if (peek() == "Network") {
            next(), next_name("a network name"), expect("{");
            blocks();
            expect("}");
        } else {
            blocks();
        }
        constants();
        if (i_ < t_.size()) fail("expected 'Layer', found '" + t_[i_].text + "'");
        if (out.empty()) throw UserError(path_ + ": no Layer block (a MAESTRO mapping has Layer NAME { ... Dataflow { ... } })");
        return out;
    }

private:
    std::string path_;
    std::vector<Token> t_;
    size_t i_ = 0;
    std::map<std::string, int64_t> constants_;  // Constant NAME value; (MAESTRO's GEMM files)

    void constants() {
        while (peek() == "Constant") {
            next();
            const std::string name = next_name("a constant name");
            constants_[name] = number();
            expect(";");
        }
    }

    [[noreturn]] void fail(const std::string &msg) const {
        const int line = i_ < t_.size() ? t_[i_].line : (t_.empty() ? 1 : t_.back().line);
        throw UserError(path_ + ":" + std::to_string(line) + ": " + msg);
    }
    std::string peek() const { return i_ < t_.size() ? t_[i_].text : ""; }
    std::string next() {
        if (i_ >= t_.size()) fail("unexpected end of file");
        return t_[i_++].text;
    }
    void expect(const std::string &s) {
        if (peek() != s) fail("expected '" + s + "', found '" + (i_ < t_.size() ? peek() : "end of file") + "'");
        ++i_;
    }
    std::string next_name(const std::string &what) {
        const std::string s = peek();
        if (s.empty() || std::string("{}(),:;").find(s[0]) != std::string::npos) fail("expected " + what);
        return next();
    }
    int64_t number() {
        const std::string s = next();
        if (const auto c = constants_.find(s); c != constants_.end()) return c->second;
        if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos || std::stoll(s) < 1)
            { --i_; fail("expected a positive integer, found '" + s + "'"); }
        return std::stoll(s);
    }
    Expr expr() {
        Expr e;
        if (peek() == "Sz") {
            next(), expect("(");
            e.size_of = next_name("a dimension in Sz(...)");
            expect(")");
        } else {
            e.value = number();  // a number or a Constant's name
        }
        return e;
    }
    // { K: 64, C: 3 } or { K 64,C 3 }
    std::map<std::string, int64_t> sizes() {
        std::map<std::string, int64_t> m;
        expect("{");
        while (peek() != "}") {
            const std::string k = next_name("a dimension name");
            if (peek() == ":") next();
            m[k] = number();
            if (peek() == ",") next();
        }
        expect("}");
        return m;
    }
    MaestroLayer layer() {
        MaestroLayer l;
        expect("Layer");
        l.name = next_name("a layer name");
        expect("{");
        while (peek() != "}") {
            const std::string key = next();
            if (key == "Type") expect(":"), l.type = next_name("a layer type");
            else if (key == "Stride") l.stride = sizes();
            else if (key == "Dimensions") l.dims = sizes();
            else if (key == "Dataflow") {
                expect("{");
                while (peek() != "}") {
                    Directive d;
                    d.line = i_ < t_.size() ? t_[i_].line : 0;
                    d.kind = next();
                    if (d.kind != "TemporalMap" && d.kind != "SpatialMap" && d.kind != "Cluster")
                        { --i_; fail("unknown directive '" + d.kind + "' (TemporalMap, SpatialMap, Cluster)"); }
                    expect("(");
                    d.size = expr();
                    expect(",");
                    if (d.kind == "Cluster") next_name("a cluster type (P)");
                    else d.offset = expr();
                    expect(")");
                    if (d.kind != "Cluster") d.dim = next_name("the directive's dimension");
                    expect(";");
                    l.flow.push_back(d);
                }
                expect("}");
            } else {
                --i_;
                fail("unknown key '" + key + "' in layer " + l.name + " (Type, Stride, Dimensions, Dataflow)");
            }
        }
        expect("}");
        return l;
    }
};

}  // namespace

std::vector<MaestroLayer> parse_layers(const std::string &path) { return Parser(path).layers(); }

}  // namespace tessera::interop::maestro
