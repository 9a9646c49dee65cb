#include "ScheduleText.h"

#include "HardwareSchedule.h"
#include "UserError.h"

#include <cctype>
#include <variant>
#include <vector>

namespace tessera {

using namespace Halide;

namespace {

struct Token {
    enum Kind { Ident, Number, String, Punct, End } kind;
    std::string text;
    int line, col;
};

struct Located : UserError {
    using UserError::UserError;
};

class Lexer {
public:
    Lexer(const std::string &src, const std::string &origin) : src(src), origin(origin) {}

    std::vector<Token> tokens() {
        std::vector<Token> out;
        while (true) {
            skip_space_and_comments();
            Token t{Token::End, "", line, col};
            if (pos >= src.size()) {
                out.push_back(t);
                return out;
            }
            char ch = src[pos];
            if (isalpha(ch) || ch == '_') {
                while (pos < src.size() && (isalnum(src[pos]) || src[pos] == '_' ||
                                            (src[pos] == ':' && pos + 1 < src.size() &&
                                             src[pos + 1] == ':'))) {
                    if (src[pos] == ':') t.text += src[pos], advance();
                    t.text += src[pos];
                    advance();
                }
                t.kind = Token::Ident;
            } else if (isdigit(ch)) {
                while (pos < src.size() && isdigit(src[pos])) t.text += src[pos], advance();
                t.kind = Token::Number;
            } else if (ch == '"') {
                advance();
                while (pos < src.size() && src[pos] != '"' && src[pos] != '\n')
                    t.text += src[pos], advance();
                if (pos >= src.size() || src[pos] != '"') fail(t, "unterminated string");
                advance();
                t.kind = Token::String;
            } else if (std::string("().,;={}").find(ch) != std::string::npos) {
                t.text = ch;
                t.kind = Token::Punct;
                advance();
            } else {
                fail(t, std::string("unexpected character '") + ch + "'");
            }
            out.push_back(t);
        }
    }

    [[noreturn]] void fail(const Token &t, const std::string &msg) const {
        throw Located(origin + ":" + std::to_string(t.line) + ":" + std::to_string(t.col) + ": " + msg);
    }

private:
    const std::string &src;
    const std::string &origin;
    size_t pos = 0;
    int line = 1, col = 1;

    void advance() {
        if (src[pos] == '\n') ++line, col = 1;
        else ++col;
        ++pos;
    }

    void skip_space_and_comments() {
        while (pos < src.size()) {
            if (isspace(src[pos])) {
                advance();
            } else if (src.compare(pos, 2, "//") == 0) {
                while (pos < src.size() && src[pos] != '\n') advance();
            } else if (src.compare(pos, 2, "/*") == 0) {
                while (pos < src.size() && src.compare(pos, 2, "*/") != 0) advance();
                if (pos < src.size()) advance(), advance();
            } else {
                return;
            }
        }
    }
};

struct None {};
using LoopList = std::vector<VarOrRVar>;  // {a, b}: the loops of one array axis
using Value = std::variant<None, Func, Stage, VarOrRVar, int, std::string, TailStrategy, LoopList>;

// A schedule is a few dozen calls; these bounds keep hostile text from taking minutes and
// gigabytes in Halide (each nested in() or split deepens what later calls walk).
constexpr size_t kMaxScheduleBytes = 64 * 1024;
constexpr int kMaxNesting = 16;     // parentheses inside parentheses
constexpr int kMaxCalls = 256;      // method and hw:: calls in the whole schedule
constexpr int64_t kMaxNumber = int64_t(1) << 20;

const char *kSubset =
    "split, tile, reorder, unroll, fuse, in, compute_at, store_at, compute_root, store_root, "
    "update, hw::array, hw::level, hw::accumulator, hw::single_buffered";

class Interpreter {
public:
    Interpreter(std::vector<Token> tokens, Lexer &lexer, ScheduleSymbols &symbols)
        : toks(std::move(tokens)), lexer(lexer), sym(symbols) {}

    void run() {
        while (peek().kind != Token::End) statement();
    }

private:
    std::vector<Token> toks;
    Lexer &lexer;
    ScheduleSymbols &sym;
    size_t i = 0;
    int depth = 0, calls = 0;

    const Token &peek() const { return toks[i]; }
    const Token &next() { return toks[i++]; }
    [[noreturn]] void fail(const Token &t, const std::string &msg) const { lexer.fail(t, msg); }

    const Token &expect(const std::string &punct) {
        const Token &t = next();
        if (t.kind != Token::Punct || t.text != punct)
            fail(t, "expected '" + punct + "' but found '" + (t.kind == Token::End ? "end of file" : t.text) + "'");
        return t;
    }
    bool accept(const std::string &punct) {
        if (peek().kind == Token::Punct && peek().text == punct) return ++i, true;
        return false;
    }
    const Token &ident() {
        const Token &t = next();
        if (t.kind != Token::Ident) fail(t, "expected a name but found '" + t.text + "'");
        return t;
    }

    void statement() {
        const Token &first = peek();
        if (first.kind == Token::Ident && (first.text == "Var" || first.text == "RVar")) {
            next();
            do declare_var(first.text == "RVar");
            while (accept(","));
            expect(";");
            return;
        }
        if (first.kind == Token::Ident && first.text == "Func") {
            next();
            const Token &name = ident();
            expect("=");
            Value v = expression();
            if (!std::holds_alternative<Func>(v)) fail(name, "the right-hand side is not a Func");
            sym.funcs[name.text] = std::get<Func>(v);
            expect(";");
            return;
        }
        expression();
        expect(";");
    }

    void declare_var(bool rvar) {
        const Token &name = ident();
        if (!accept("("))
            fail(name, "declare " + name.text + " with its name, e.g. " + (rvar ? "RVar " : "Var ") +
                           name.text + "(\"" + name.text + "\"), so the C++ form names it alike");
        const Token &str = next();
        if (str.kind != Token::String) fail(str, "expected the variable's name as a string");
        bool identifier = !str.text.empty() && !isdigit(static_cast<unsigned char>(str.text[0]));
        for (char c : str.text) identifier = identifier && (isalnum(static_cast<unsigned char>(c)) || c == '_');
        if (!identifier)
            fail(str, "the name \"" + str.text + "\" must be letters, digits and '_' (Halide reserves '.' "
                      "for the loops it makes), e.g. " + name.text + "(\"" + name.text + "\")");
        expect(")");
        if (sym.vars.count(name.text) || sym.funcs.count(name.text))
            fail(name, "'" + name.text + "' is already declared");
        sym.vars.emplace(name.text, rvar ? VarOrRVar(RVar(str.text)) : VarOrRVar(Var(str.text)));
    }

    Value primary() {
        const Token &t = next();
        if (t.kind == Token::Number) {
            if (t.text.size() > 7 || std::stoll(t.text) > kMaxNumber)
                fail(t, "the number " + t.text.substr(0, 20) + " is over " + std::to_string(kMaxNumber) +
                            ", the largest factor or index a schedule may use");
            return int(std::stoll(t.text));
        }
        if (t.kind == Token::String) return t.text;
        if (t.kind == Token::Punct && t.text == "{") {
            if (++depth > kMaxNesting)
                fail(t, "braces nested more than " + std::to_string(kMaxNesting) + " deep");
            struct Leave {
                int &d;
                ~Leave() { --d; }
            } leave{depth};
            LoopList loops;
            if (accept("}")) return loops;
            do {
                Token at = peek();
                loops.push_back(as<VarOrRVar>({at, expression()}, "a loop of the array axis"));
            } while (accept(","));
            expect("}");
            return loops;
        }
        if (t.kind != Token::Ident) fail(t, "unexpected '" + t.text + "'");
        if (t.text.rfind("TailStrategy::", 0) == 0) {
            const std::string s = t.text.substr(14);
            if (s == "GuardWithIf") return TailStrategy::GuardWithIf;
            if (s == "RoundUp") return TailStrategy::RoundUp;
            if (s == "ShiftInwards") return TailStrategy::ShiftInwards;
            if (s == "Auto") return TailStrategy::Auto;
            fail(t, "unknown tail strategy " + t.text);
        }
        if (t.text == "hw::array" || t.text == "tessera::hw::array" || t.text == "hw::level" ||
            t.text == "tessera::hw::level" || t.text == "hw::accumulator" ||
            t.text == "tessera::hw::accumulator" || t.text == "hw::single_buffered" ||
            t.text == "tessera::hw::single_buffered")
            return hw_call(t);
        if (auto f = sym.funcs.find(t.text); f != sym.funcs.end()) return f->second;
        if (auto v = sym.vars.find(t.text); v != sym.vars.end()) return v->second;
        std::string funcs, vars;
        for (const auto &[n, f] : sym.funcs) funcs += " " + n;
        for (const auto &[n, v] : sym.vars) vars += " " + n;
        fail(t, "unknown name '" + t.text + "' (Funcs:" + funcs + "; vars:" + vars +
                    "; declare new ones with Var/RVar/Func)");
    }

    std::vector<std::pair<Token, Value>> arguments() {
        const Token &open = expect("(");
        if (++depth > kMaxNesting)
            fail(open, "calls nested more than " + std::to_string(kMaxNesting) +
                           " deep; name intermediate Funcs with 'Func f = ...;' instead");
        struct Leave {
            int &d;
            ~Leave() { --d; }
        } leave{depth};
        std::vector<std::pair<Token, Value>> args;
        if (accept(")")) return args;
        do {
            Token at = peek();
            args.emplace_back(at, expression());
        } while (accept(","));
        expect(")");
        return args;
    }

    Value expression() {
        Value v = primary();
        while (accept(".")) {
            const Token &method = ident();
            if (++calls > kMaxCalls)
                fail(method, "more than " + std::to_string(kMaxCalls) + " scheduling calls; a hardware "
                             "schedule needs a few dozen");
            auto args = arguments();
            v = call_method(method, v, args);
        }
        return v;
    }

    template <typename T>
    T as(const std::pair<Token, Value> &arg, const char *what) {
        if (const T *v = std::get_if<T>(&arg.second)) return *v;
        if constexpr (std::is_same_v<T, VarOrRVar>)
            fail(arg.first, std::string("expected ") + what + " (a Var or RVar)");
        fail(arg.first, std::string("expected ") + what);
    }

    Value hw_call(const Token &t) {
        if (++calls > kMaxCalls) fail(t, "more than " + std::to_string(kMaxCalls) + " scheduling calls");
        auto args = arguments();
        const bool is_array = t.text.find("array") != std::string::npos;
        // One loop or a {list} of loops per axis.
        auto axis = [&](size_t k, const char *what) {
            if (const auto *list = std::get_if<LoopList>(&args[k].second)) {
                if (list->empty()) fail(args[k].first, std::string(what) + " lists no loop");
                return *list;
            }
            return LoopList{as<VarOrRVar>(args[k], what)};
        };
        if (is_array) {
            if (args.size() != 2 && args.size() != 3)
                fail(t, "hw::array(func, row, col) or hw::array(func, col) (an axis may be a "
                        "{list} of loops); the PE array has at most two axes");
            Func f = as<Func>(args[0], "a Func");
            if (args.size() == 3) hw::array(f, axis(1, "the row axis"), axis(2, "the column axis"));
            else hw::array(f, LoopList{}, axis(1, "the column axis"));
        } else if (t.text.find("accumulator") != std::string::npos) {
            if (args.size() != 3) fail(t, "hw::accumulator(func, loop, \"LEVEL\")");
            hw::accumulator(as<Func>(args[0], "a Func"), as<VarOrRVar>(args[1], "a loop"),
                            as<std::string>(args[2], "a level name string"));
        } else if (t.text.find("single_buffered") != std::string::npos) {
            if (args.size() != 1) fail(t, "hw::single_buffered(func)");
            hw::single_buffered(as<Func>(args[0], "a Func"));
        } else {
            if (args.size() != 2) fail(t, "hw::level(func, \"LEVEL\")");
            hw::level(as<Func>(args[0], "a Func"), as<std::string>(args[1], "a level name string"));
        }
        return None{};
    }

    // Scheduling calls shared by Func (its pure stage) and Stage.
    template <typename S>
    void schedule_call(const Token &m, S &&s, const std::vector<std::pair<Token, Value>> &a) {
        auto var = [&](size_t k, const char *what) { return as<VarOrRVar>(a[k], what); };
        auto factor = [&](size_t k) {
            const int f = as<int>(a[k], "a factor");
            if (f < 1) fail(a[k].first, "a factor must be at least 1, not " + std::to_string(f));
            return f;
        };
        auto tail = [&](size_t k) {
            return a.size() > k ? as<TailStrategy>(a[k], "a TailStrategy") : TailStrategy::Auto;
        };
        if (m.text == "split") {
            if (a.size() < 4 || a.size() > 5) fail(m, "split(old, outer, inner, factor[, tail])");
            s.split(var(0, "old"), var(1, "outer"), var(2, "inner"), factor(3),
                    tail(4));
        } else if (m.text == "tile") {
            if (a.size() == 8 || a.size() == 9)
                s.tile(var(0, "x"), var(1, "y"), var(2, "xo"), var(3, "yo"), var(4, "xi"),
                       var(5, "yi"), factor(6), factor(7), tail(8));
            else if (a.size() == 6 || a.size() == 7)
                s.tile(var(0, "x"), var(1, "y"), var(2, "xi"), var(3, "yi"),
                       factor(4), factor(5), tail(6));
            else
                fail(m, "tile(x, y, xo, yo, xi, yi, fx, fy) or tile(x, y, xi, yi, fx, fy)");
        } else if (m.text == "reorder") {
            std::vector<VarOrRVar> vars;
            for (size_t k = 0; k < a.size(); ++k) vars.push_back(var(k, "a loop"));
            s.reorder(vars);
        } else if (m.text == "unroll") {
            if (a.size() == 1) s.unroll(var(0, "a loop"));
            else if (a.size() == 2) s.unroll(var(0, "a loop"), factor(1));
            else fail(m, "unroll(var) or unroll(var, factor)");
        } else if (m.text == "fuse") {
            if (a.size() != 3) fail(m, "fuse(inner, outer, fused)");
            s.fuse(var(0, "inner"), var(1, "outer"), var(2, "fused"));
        } else {
            fail(m, "'" + m.text + "' is outside the supported schedule subset (" + kSubset + ")");
        }
    }

    Value call_method(const Token &m, Value &self, const std::vector<std::pair<Token, Value>> &a) {
        try {
            if (Stage *stage = std::get_if<Stage>(&self)) {
                schedule_call(m, *stage, a);
                return *stage;
            }
            Func *f = std::get_if<Func>(&self);
            if (!f) fail(m, "'." + m.text + "' needs a Func or a stage");
            if (m.text == "update") {
                int idx = a.empty() ? 0 : as<int>(a[0], "an update index");
                return f->update(idx);
            }
            if (m.text == "in") {
                if (a.empty()) return f->in();
                return f->in(as<Func>(a[0], "a Func"));
            }
            if (m.text == "compute_at" || m.text == "store_at") {
                if (a.size() != 2) fail(m, m.text + "(func, var)");
                Func where = as<Func>(a[0], "a Func");
                VarOrRVar v = as<VarOrRVar>(a[1], "a loop");
                LoopLevel level = v.is_rvar ? LoopLevel(where, v.rvar) : LoopLevel(where, v.var);
                m.text == "compute_at" ? f->compute_at(level) : f->store_at(level);
                return *f;
            }
            if (m.text == "compute_root" || m.text == "store_root") {
                if (!a.empty()) fail(m, m.text + "() takes no arguments");
                m.text == "compute_root" ? f->compute_root() : f->store_root();
                return *f;
            }
            schedule_call(m, *f, a);
            return *f;
        } catch (const CompileError &e) {
            fail(m, "Halide rejects ." + m.text + "(): " + halide_error_line(e.what()));
        }
    }
};

}  // namespace

void apply_schedule_text(const std::string &text, const std::string &origin,
                         ScheduleSymbols &symbols) {
    if (text.size() > kMaxScheduleBytes)
        throw UserError(origin + ": " + std::to_string(text.size()) + " bytes is over the " +
                        std::to_string(kMaxScheduleBytes) + "-byte limit of a schedule file");
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        throw UserError(origin + ": the schedule is empty; give a schedule (docs/schedules.md) or "
                        "leave out --schedule for a preset");
    Lexer lexer(text, origin);
    Interpreter(lexer.tokens(), lexer, symbols).run();
}

}  // namespace tessera
