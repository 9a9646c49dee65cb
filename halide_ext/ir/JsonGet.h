// A typed read of one key of a JSON document, with a one-line error naming the document and the key.
#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace tessera::ir {

template <typename T>
T json_get(const nlohmann::json &j, const char *key, const char *document) {
    if (!j.is_object() || !j.contains(key))
        throw std::runtime_error(std::string(document) + ": missing key '" + key + "'");
    try {
        return j.at(key).get<T>();
    } catch (const nlohmann::json::exception &) {
        throw std::runtime_error(std::string(document) + ": key '" + key + "' has the wrong type");
    }
}

}  // namespace tessera::ir
