#include "TunedSchedule.h"

#include "UserError.h"

#include <sstream>

namespace tessera::cli {

std::vector<TunedGroup> tuned_groups(const std::string &text) {
    static const std::string header = "# fused group: ";
    std::vector<TunedGroup> groups;
    bool in_group = false;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(header, 0) == 0) {
            // "FIRST .. LAST, tile HxW, overlap MODE": names may hold dots and commas, the suffix not.
            const std::string rest = line.substr(header.size());
            const size_t sep = rest.find(" .. "), tail = rest.rfind(", tile ");
            if (sep == std::string::npos || tail == std::string::npos || tail < sep)
                throw UserError("fused schedule file: '" + line + "' is not '# fused group: FIRST .. LAST, tile HxW, "
                                "overlap MODE' (write it with tessera explore --fusion -o FILE)");
            groups.push_back({rest.substr(0, sep), rest.substr(sep + 4, tail - sep - 4), line + "\n"});
            in_group = true;
        } else if (line.rfind("# L", 0) == 0) {
            in_group = false;  // a layer's own mapping follows
        } else if (in_group) {
            groups.back().statements += line + "\n";
        }
    }
    return groups;
}

}  // namespace tessera::cli
