#include "HardwareSchedule.h"

#include <algorithm>

namespace tessera::hw {

namespace {

const std::string kArrayTag = "tessera.array ";
const std::string kLevelTag = "tessera.level ";
const std::string kAccumulatorTag = "tessera.accumulator ";
const std::string kSingleBufferedTag = "tessera.single_buffered";

// "a,b c" <-> ({a, b}, {c}); "-" for an empty axis.
std::string axis_text(const std::vector<Halide::VarOrRVar> &loops) {
    std::string s;
    for (const auto &l : loops) s += (s.empty() ? "" : ",") + l.name();
    return s.empty() ? "-" : s;
}

std::vector<std::string> axis_loops(const std::string &text) {
    std::vector<std::string> loops;
    if (text == "-") return loops;
    size_t start = 0;
    for (size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1)
        loops.push_back(text.substr(start, comma - start));
    loops.push_back(text.substr(start));
    return loops;
}

std::optional<std::string> find_tag(const Halide::Internal::Function &f, const std::string &prefix) {
    std::optional<std::string> found;
    for (const std::string &tag : f.get_trace_tags())  // the last one given wins
        if (tag.compare(0, prefix.size(), prefix) == 0) found = tag.substr(prefix.size());
    return found;
}

}  // namespace

void array(const Halide::Func &f, const std::vector<Halide::VarOrRVar> &rows,
           const std::vector<Halide::VarOrRVar> &cols) {
    Halide::Func(f).add_trace_tag(kArrayTag + axis_text(rows) + " " + axis_text(cols));
}

void array(const Halide::Func &f, const Halide::VarOrRVar &row, const Halide::VarOrRVar &col) {
    array(f, std::vector<Halide::VarOrRVar>{row}, std::vector<Halide::VarOrRVar>{col});
}

void array(const Halide::Func &f, const Halide::VarOrRVar &col) {
    array(f, std::vector<Halide::VarOrRVar>{}, std::vector<Halide::VarOrRVar>{col});
}

void accumulator(const Halide::Func &f, const Halide::VarOrRVar &loop, const std::string &level) {
    Halide::Func(f).add_trace_tag(kAccumulatorTag + loop.name() + " " + level);
}

void level(const Halide::Func &f, const std::string &level) {
    Halide::Func(f).add_trace_tag(kLevelTag + level);
}

void single_buffered(const Halide::Func &f) { Halide::Func(f).add_trace_tag(kSingleBufferedTag); }

bool single_buffered_tag(const Halide::Internal::Function &f) { return find_tag(f, kSingleBufferedTag).has_value(); }

std::optional<ArrayTag> array_tag(const Halide::Internal::Function &f) {
    auto tag = find_tag(f, kArrayTag);
    if (!tag) return std::nullopt;
    const auto space = tag->find(' ');
    return ArrayTag{axis_loops(tag->substr(0, space)), axis_loops(tag->substr(space + 1))};
}

std::vector<AccumulatorTag> accumulator_tags(const Halide::Internal::Function &f) {
    std::vector<AccumulatorTag> tags;
    for (const std::string &tag : f.get_trace_tags()) {
        if (tag.compare(0, kAccumulatorTag.size(), kAccumulatorTag) != 0) continue;
        const std::string text = tag.substr(kAccumulatorTag.size());
        const auto space = text.find(' ');
        AccumulatorTag t{text.substr(0, space), text.substr(space + 1)};
        auto same_level = std::find_if(tags.begin(), tags.end(), [&](const AccumulatorTag &o) { return o.level == t.level; });
        if (same_level != tags.end()) *same_level = t;
        else tags.push_back(t);
    }
    return tags;
}

std::optional<std::string> level_tag(const Halide::Internal::Function &f) {
    return find_tag(f, kLevelTag);
}

}  // namespace tessera::hw
