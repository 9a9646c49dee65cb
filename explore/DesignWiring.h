// The wirings one design for a network may take (explore/NetworkDesign.cpp): the design a layer's
// mapping alone would get, the search of a layer constrained to a design's wiring and kind of PE,
// and, when no layer's winner's wiring takes every layer, the designs of the layers' other
// spatial choices.
#pragma once

#include "DesignSpec.h"
#include "MapSpace.h"
#include "Search.h"
#include "SearchState.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tessera::explore {

// The design a layer's mapping alone would get: its wiring is what the other layers must match.
rtl::DesignSpec design_of(const SpaceInfo &info, const Point &p);

// The search of layer `info` on `design`: among the spatial choices wired as the design wires
// them, with the design's kind of PE and, where its lane groups fix an axis, within its lanes.
// (The options refer to `design` and `info`, which must outlive them.)
SearchOptions options_on(const rtl::DesignSpec &design, const SpaceInfo &info, const SearchOptions &opt);

// Whether the design's wiring leaves layer `info` any spatial choice at all: a layer with none
// (an fc layer on a design whose array takes y) has no mapping on it, found without a search.
bool has_wired_choice(const rtl::DesignSpec &design, const SpaceInfo &info, const SearchOptions &opt);

// The wiring of a spatial choice of a layer (any lanes), if the array can take it.
std::optional<rtl::DesignSpec> plain_wiring(const SpaceInfo &info, const detail::SpatialChoice &choice);

// Two layers no wiring serves both (no spatial choice of the first leaves the second one any), as
// "A and B"; "" if every pair has one. (`first`: each layer's first identical layer.)
std::string layers_without_common_wiring(const std::vector<SpaceInfo> &spaces, const std::vector<size_t> &first,
                                         const SearchOptions &opt);

// When no layer's winner's wiring takes every layer (an fc layer beside a depthwise one): designs
// from the layers' other spatial choices, as (layer, design), each with its layer's best mapping of
// the choice (its kind of PE, from a search of a quarter of the chains and steps). Only wirings
// that leave every other layer some spatial choice, those the most layers can take themselves
// first (Y|X serves convolutions and depthwise ones alike), at most 16.
std::vector<std::pair<size_t, rtl::DesignSpec>> choice_wirings(const std::vector<SpaceInfo> &spaces,
                                                               const std::vector<size_t> &first,
                                                               const SearchOptions &opt);

}  // namespace tessera::explore
