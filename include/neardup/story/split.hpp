// Cutting a story graph's connected part into pieces small enough for dense complete link:
// shared by the scan's story level (cluster_stories) and the index's nightly one (pipeline/
// night), so both cut a component the same way.
//
// Example:
//   std::vector<std::uint32_t> local(nodes);  // scratch, indexed by node
//   cut_component(members, edges, options.edge_threshold, local,
//                 [&](const std::vector<std::uint32_t>& piece, std::vector<E> piece_edges,
//                     bool whole) { ... });
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "neardup/cluster/clustering.hpp"

namespace neardup {

/// The largest piece clustered densely: complete link costs O(m^3) time and O(m^2) memory.
inline constexpr std::size_t kMaxDensePiece = 200;
/// How much the similarity level rises at each cut.
inline constexpr double kSplitStep = 0.05;

/// Cuts a connected part into pieces of at most kMaxDensePiece members: while a part is too
/// big, keep only its edges at the next similarity level (level + kSplitStep) and take the
/// connected parts again (single-link levels). Calls piece(members, edges, whole) for each
/// piece, in a fixed order (by smallest member at every level): `whole` marks a part that stayed
/// too big even at level 1.0, to be kept as one story (its edges are then not passed on).
/// `members` ascending; E has members a, b (node numbers) and similarity; `local` is scratch
/// indexed by node (at least the largest member + 1 long, any content).
template <typename E, typename Piece>
void cut_component(const std::vector<std::uint32_t>& members, const std::vector<E>& edges,
                   double level, std::vector<std::uint32_t>& local, Piece&& piece) {
    if (members.size() <= kMaxDensePiece) {
        piece(members, edges, false);
        return;
    }
    if (level >= 1.0) {
        piece(members, std::vector<E>(), true);
        return;
    }
    const double next = level + kSplitStep;
    for (std::uint32_t i = 0; i < members.size(); ++i)
        local[members[i]] = i;
    UnionFind uf(members.size());
    std::vector<E> kept;
    for (const E& e : edges) {
        if (static_cast<double>(e.similarity) < next)
            continue;
        uf.unite(local[e.a], local[e.b]);
        kept.push_back(e);
    }
    // Parts numbered by their smallest member (members are ascending).
    std::vector<std::uint32_t> part_of_root(members.size(), 0xFFFFFFFFu);
    std::vector<std::vector<std::uint32_t>> parts;
    for (std::uint32_t i = 0; i < members.size(); ++i) {
        std::uint32_t& part = part_of_root[uf.find(i)];
        if (part == 0xFFFFFFFFu) {
            part = static_cast<std::uint32_t>(parts.size());
            parts.emplace_back();
        }
        parts[part].push_back(members[i]);
    }
    std::vector<std::vector<E>> part_edges(parts.size());
    for (const E& e : kept)
        part_edges[part_of_root[uf.find(local[e.a])]].push_back(e);
    for (std::size_t k = 0; k < parts.size(); ++k)
        cut_component(parts[k], part_edges[k], next, local, piece);
}

}  // namespace neardup
