#include "HardwareSchedule.h"

namespace tessera::hw {

namespace {

const std::string kArrayTag = "tessera.array ";
const std::string kLevelTag = "tessera.level ";

std::optional<std::string> find_tag(const Halide::Internal::Function &f, const std::string &prefix) {
    std::optional<std::string> found;
    for (const std::string &tag : f.get_trace_tags())  // the last one given wins
        if (tag.compare(0, prefix.size(), prefix) == 0) found = tag.substr(prefix.size());
    return found;
}

}  // namespace

void array(const Halide::Func &f, const Halide::VarOrRVar &row, const Halide::VarOrRVar &col) {
    Halide::Func(f).add_trace_tag(kArrayTag + row.name() + " " + col.name());
}

void array(const Halide::Func &f, const Halide::VarOrRVar &col) {
    Halide::Func(f).add_trace_tag(kArrayTag + "- " + col.name());
}

void level(const Halide::Func &f, const std::string &level) {
    Halide::Func(f).add_trace_tag(kLevelTag + level);
}

std::optional<ArrayTag> array_tag(const Halide::Internal::Function &f) {
    auto tag = find_tag(f, kArrayTag);
    if (!tag) return std::nullopt;
    const auto space = tag->find(' ');
    ArrayTag t{tag->substr(0, space), tag->substr(space + 1)};
    if (t.row == "-") t.row.clear();
    return t;
}

std::optional<std::string> level_tag(const Halide::Internal::Function &f) {
    return find_tag(f, kLevelTag);
}

}  // namespace tessera::hw
