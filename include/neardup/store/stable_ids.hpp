// Stable group ids across nightly runs.
//
// After a run clusters held and new documents together, every group (near-duplicate group or
// story) needs an id: the id its held members already carry, or a fresh one. When a group holds
// several old ids (a new article bridged two stories), the oldest (smallest) id survives and
// the others become its aliases, so ids handed out earlier still resolve. Old ids that meet in
// any group are joined transitively, so one old id never ends up in two surviving ids.
// Fresh ids are handed out in group order (groups are numbered by their first document), so
// the result is deterministic. Pure function.
//
// Example:
//   auto a = neardup::assign_stable_ids(result.near, held_near_ids, store.next_id("near"));
//   a.id_of_group[result.near.group_of[doc]]   // the stable near id of doc
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "neardup/cluster/clustering.hpp"

namespace neardup {

struct IdMerge {
    std::uint64_t alias;   ///< old id that stops being used
    std::uint64_t target;  ///< surviving id
};

struct StableIds {
    std::vector<std::uint64_t> id_of_group;  ///< per group of the clustering
    std::vector<IdMerge> merges;             ///< ascending by alias
    std::uint64_t next = 1;                  ///< first id not handed out
};

/// @param held_ids stored id of each held document (DocIds 0 .. held_ids.size()-1)
/// @param next     first unused id before this run
[[nodiscard]] StableIds assign_stable_ids(const Clustering& clustering,
                                          std::span<const std::uint64_t> held_ids,
                                          std::uint64_t next);

}  // namespace neardup
