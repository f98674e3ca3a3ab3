// Clustering: union-find over verified edges, then a canonical numbering of the groups.
//
// UnionFind merges by size with path halving. make_clustering() numbers groups 0, 1, 2, ... in
// the order of their smallest DocId, so the result does not depend on the order edges were
// found, and picks each group's representative: the earliest dated document, else the
// longest, else the smallest id string (then the smallest DocId).
// Not thread-safe; pure functions of their inputs.
//
// Example:
//   neardup::UnionFind uf(3);
//   uf.unite(0, 2);
//   auto c = neardup::make_clustering(uf, keys);   // c.group_of == {0, 1, 0}
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "neardup/core/types.hpp"

namespace neardup {

class UnionFind {
public:
    explicit UnionFind(std::size_t n = 0) { resize(n); }
    void resize(std::size_t n);
    [[nodiscard]] DocId find(DocId x) noexcept;
    /// Returns true when a and b were in different sets.
    bool unite(DocId a, DocId b) noexcept;
    [[nodiscard]] std::size_t size() const noexcept { return parent_.size(); }

private:
    std::vector<DocId> parent_;
    std::vector<std::uint32_t> size_;
};

/// What decides a group's representative.
struct RepresentativeKey {
    std::optional<std::int64_t> date;  ///< earlier wins; dated beats undated
    std::uint64_t length = 0;          ///< longer wins
    std::string_view id;               ///< smaller wins
};

/// True when `a` is the better representative.
[[nodiscard]] bool better_representative(const RepresentativeKey& a, DocId a_doc,
                                         const RepresentativeKey& b, DocId b_doc) noexcept;

struct Clustering {
    std::vector<std::uint32_t> group_of;  ///< per DocId: group number
    std::vector<DocId> representative;    ///< per group
    std::vector<std::uint32_t> size;      ///< per group: members

    [[nodiscard]] std::size_t groups() const noexcept { return representative.size(); }
};

/// @pre keys.size() == uf.size()
[[nodiscard]] Clustering make_clustering(UnionFind& uf, std::span<const RepresentativeKey> keys);

}  // namespace neardup
