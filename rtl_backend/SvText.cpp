#include "SvText.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <stdexcept>

namespace tessera::rtl {

std::string fill(const std::string &text, const std::map<std::string, std::string> &values) {
    std::string out;
    out.reserve(text.size());
    size_t pos = 0;
    while (true) {
        size_t open = text.find("${", pos);
        if (open == std::string::npos) break;
        size_t close = text.find('}', open);
        if (close == std::string::npos) throw std::logic_error("unterminated ${ in SV template");
        out.append(text, pos, open - pos);
        std::string key = text.substr(open + 2, close - open - 2);
        auto it = values.find(key);
        if (it == values.end()) throw std::logic_error("SV template key ${" + key + "} has no value");
        out += it->second;
        pos = close + 1;
    }
    out.append(text, pos, std::string::npos);
    return out;
}

std::string delay_line(const std::string &name, int64_t width, int64_t stages, const std::string &in,
                       const std::string &out, bool reset) {
    auto stage = [&](const std::string &from) { return reset ? "rst ? '0 : " + from : from; };
    std::string text = "  logic [" + std::to_string(width) + "-1:0] " + name + " [1:" + std::to_string(stages) +
                       "];\n  always_ff @(posedge clk) begin\n    " + name + "[1] <= " + stage(in) + ";\n";
    for (int64_t k = 2; k <= stages; ++k)
        text += "    " + name + "[" + std::to_string(k) + "] <= " +
                stage(name + "[" + std::to_string(k - 1) + "]") + ";\n";
    return text + "  end\n  assign " + out + " = " + name + "[" + std::to_string(stages) + "];\n";
}

std::string renamed(std::string text, const std::vector<std::string> &signals, const std::string &prefix,
                    const std::vector<std::pair<std::string, std::string>> &exact) {
    auto swap = [&](const std::string &from, const std::string &to) {
        for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
            text.replace(at, from.size(), to);
    };
    for (const auto &[from, to] : exact) swap(from, to);
    for (const std::string &sig : signals) {
        swap("(" + sig + ")", "(" + prefix + sig + ")");
        swap("] " + sig + ";", "] " + prefix + sig + ";");
        swap(" " + sig + ",", " " + prefix + sig + ",");
        swap(" " + sig + ";", " " + prefix + sig + ";");
    }
    return text;
}

std::string lit(int bits, int64_t value) {
    uint64_t v = uint64_t(value);
    if (bits < 64) v &= (uint64_t(1) << bits) - 1;
    return std::to_string(bits) + "'d" + std::to_string(v);
}

namespace {

std::string balanced_sum(const std::vector<std::string> &terms, size_t from, size_t to) {
    if (to - from == 1) return terms[from];
    const size_t mid = from + (to - from) / 2;
    return "(" + balanced_sum(terms, from, mid) + " + " + balanced_sum(terms, mid, to) + ")";
}

}  // namespace

std::string balanced_sum(const std::vector<std::string> &terms) { return balanced_sum(terms, 0, terms.size()); }

namespace {

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

// A statement split at its integer literals: text[0] number[0] text[1] ... text[n]. A digit run
// that is part of a name or of a sized literal (8'd5) stays text.
struct Literals {
    std::vector<std::string> text;
    std::vector<int64_t> numbers;
};

Literals split_literals(const std::string &s) {
    Literals l;
    std::string text;
    for (size_t i = 0; i < s.size();) {
        const bool starts = std::isdigit(static_cast<unsigned char>(s[i])) && (i == 0 || (!identifier_char(s[i - 1]) && s[i - 1] != '\''));
        size_t end = i;
        while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end]))) ++end;
        if (starts && end - i <= 9 && (end == s.size() || (!identifier_char(s[end]) && s[end] != '\''))) {
            l.text.push_back(text);
            text.clear();
            l.numbers.push_back(std::stoll(s.substr(i, end - i)));
            i = end;
        } else if (starts) {
            text += s.substr(i, end - i);
            i = end;
        } else {
            text += s[i++];
        }
    }
    l.text.push_back(text);
    return l;
}

}  // namespace

std::string IndexedStatements::body(const std::vector<std::string> &statements, const std::string &index) {
    if (!enabled_ || statements.empty()) return {};
    std::vector<Literals> split;
    for (const std::string &s : statements) {
        split.push_back(split_literals(s));
        if (split.back().text != split.front().text) return {};
    }
    std::string out = split.front().text.front();
    for (size_t k = 0; k < split.front().numbers.size(); ++k) {
        std::vector<int64_t> values;
        for (const Literals &l : split) values.push_back(l.numbers[k]);
        const int64_t b = values.front(), a = values.size() > 1 ? values[1] - values[0] : 0;
        bool affine = a >= 0;
        for (size_t i = 0; i < values.size() && affine; ++i) affine = values[i] == b + a * int64_t(i);
        if (affine && a == 0) {
            out += std::to_string(b);
        } else if (affine) {
            out += a == 1 && b == 0 ? index
                                    : "(" + (a == 1 ? index : std::to_string(a) + " * " + index) +
                                          (b ? " + " + std::to_string(b) : std::string()) + ")";
        } else {
            size_t t = std::find(tables_.begin(), tables_.end(), values) - tables_.begin();
            if (t == tables_.size()) tables_.push_back(values);
            out += prefix_ + std::to_string(t) + "[" + index + "]";
        }
        out += split.front().text[k + 1];
    }
    return out;
}

std::string IndexedStatements::declarations() const {
    std::ostringstream o;
    for (size_t t = 0; t < tables_.size(); ++t) {
        o << "  localparam int unsigned " << prefix_ << t << " [" << tables_[t].size() << "] = '{";
        for (size_t i = 0; i < tables_[t].size(); ++i) o << (i ? (i % 16 ? ", " : ",\n      ") : "") << tables_[t][i];
        o << "};\n";
    }
    return o.str();
}

std::string header_comment(const DesignSpec &d, const std::string &what) {
    std::ostringstream o;
    o << "// " << what << "\n";
    o << "// Generated by tessera (rtl_backend) for design '" << d.name << "': " << d.rows << "x"
      << d.cols << " PEs";
    if (!d.row_dim.empty() || !d.col_dim.empty())
        o << ", rows = dim " << (d.row_dim.empty() ? "-" : d.row_dim) << ", cols = dim "
          << (d.col_dim.empty() ? "-" : d.col_dim);
    o << ".\n// Architecture: " << d.architecture << ".\n";
    std::string schedule = d.schedule.empty() ? "(none recorded)" : d.schedule;
    std::istringstream lines(schedule);
    std::string line;
    bool first = true;
    while (std::getline(lines, line)) {
        o << (first ? "// Schedule: " : "//           ") << line << "\n";
        first = false;
    }
    o << "// Do not edit: regenerate with `tessera compile`.\n";
    return o.str();
}

}  // namespace tessera::rtl

namespace tessera::rtl {

bool is_sv_keyword(const std::string &name) {
    static const std::set<std::string> kKeywords = {
        "accept_on", "alias", "always", "always_comb", "always_ff", "always_latch", "and", "assert",
        "assign", "assume", "automatic", "before", "begin", "bind", "bins", "binsof", "bit", "break",
        "buf", "bufif0", "bufif1", "byte", "case", "casex", "casez", "cell", "chandle", "checker",
        "class", "clocking", "cmos", "config", "const", "constraint", "context", "continue", "cover",
        "covergroup", "coverpoint", "cross", "deassign", "default", "defparam", "design", "disable",
        "dist", "do", "edge", "else", "end", "endcase", "endchecker", "endclass", "endclocking",
        "endconfig", "endfunction", "endgenerate", "endgroup", "endinterface", "endmodule",
        "endpackage", "endprimitive", "endprogram", "endproperty", "endspecify", "endsequence",
        "endtable", "endtask", "enum", "event", "eventually", "expect", "export", "extends", "extern",
        "final", "first_match", "for", "force", "foreach", "forever", "fork", "forkjoin", "function",
        "generate", "genvar", "global", "highz0", "highz1", "if", "iff", "ifnone", "ignore_bins",
        "illegal_bins", "implements", "implies", "import", "incdir", "include", "initial", "inout",
        "input", "inside", "instance", "int", "integer", "interconnect", "interface", "intersect",
        "join", "join_any", "join_none", "large", "let", "liblist", "library", "local", "localparam",
        "logic", "longint", "macromodule", "matches", "medium", "modport", "module", "nand",
        "negedge", "nettype", "new", "nexttime", "nmos", "nor", "noshowcancelled", "not", "notif0",
        "notif1", "null", "or", "output", "package", "packed", "parameter", "pmos", "posedge",
        "primitive", "priority", "program", "property", "protected", "pull0", "pull1", "pulldown",
        "pullup", "pulsestyle_ondetect", "pulsestyle_onevent", "pure", "rand", "randc", "randcase",
        "randsequence", "rcmos", "real", "realtime", "ref", "reg", "reject_on", "release", "repeat",
        "restrict", "return", "rnmos", "rpmos", "rtran", "rtranif0", "rtranif1", "s_always",
        "s_eventually", "s_nexttime", "s_until", "s_until_with", "scalared", "sequence", "shortint",
        "shortreal", "showcancelled", "signed", "small", "soft", "solve", "specify", "specparam",
        "static", "string", "strong", "strong0", "strong1", "struct", "super", "supply0", "supply1",
        "sync_accept_on", "sync_reject_on", "table", "tagged", "task", "this", "throughout", "time",
        "timeprecision", "timeunit", "tran", "tranif0", "tranif1", "tri", "tri0", "tri1", "triand",
        "trior", "trireg", "type", "typedef", "union", "unique", "unique0", "unsigned", "until",
        "until_with", "untyped", "use", "uwire", "var", "vectored", "virtual", "void", "wait",
        "wait_order", "wand", "weak", "weak0", "weak1", "while", "wildcard", "wire", "with", "within",
        "wor", "xnor", "xor"};
    return kKeywords.count(name) > 0;
}

}  // namespace tessera::rtl
