#include "neardup/cluster/clustering.hpp"

#include "neardup/core/error.hpp"

namespace neardup {

void UnionFind::resize(std::size_t n) {
    const std::size_t old = parent_.size();
    parent_.resize(n);
    size_.resize(n, 1);
    for (std::size_t i = old; i < n; ++i)
        parent_[i] = static_cast<DocId>(i);
}

DocId UnionFind::find(DocId x) noexcept {
    while (parent_[x] != x) {
        parent_[x] = parent_[parent_[x]];
        x = parent_[x];
    }
    return x;
}

bool UnionFind::unite(DocId a, DocId b) noexcept {
    a = find(a);
    b = find(b);
    if (a == b)
        return false;
    if (size_[a] < size_[b])
        std::swap(a, b);
    parent_[b] = a;
    size_[a] += size_[b];
    return true;
}

bool better_representative(const RepresentativeKey& a, DocId a_doc, const RepresentativeKey& b,
                           DocId b_doc) noexcept {
    if (a.date.has_value() != b.date.has_value())
        return a.date.has_value();
    if (a.date && *a.date != *b.date)
        return *a.date < *b.date;
    if (a.length != b.length)
        return a.length > b.length;
    if (a.id != b.id)
        return a.id < b.id;
    return a_doc < b_doc;
}

Clustering make_clustering(UnionFind& uf, std::span<const RepresentativeKey> keys) {
    NEARDUP_ASSERT(keys.size() == uf.size());
    constexpr std::uint32_t kUnset = 0xFFFFFFFFu;
    const std::size_t n = uf.size();
    Clustering c;
    c.group_of.assign(n, kUnset);
    std::vector<std::uint32_t> group_of_root(n, kUnset);
    for (std::size_t i = 0; i < n; ++i) {
        const auto doc = static_cast<DocId>(i);
        const DocId root = uf.find(doc);
        std::uint32_t& g = group_of_root[root];
        if (g == kUnset) {  // first (smallest) member of its set: next group number
            g = static_cast<std::uint32_t>(c.representative.size());
            c.representative.push_back(doc);
            c.size.push_back(0);
        } else if (better_representative(keys[i], doc, keys[c.representative[g]],
                                         c.representative[g])) {
            c.representative[g] = doc;
        }
        c.group_of[i] = g;
        ++c.size[g];
    }
    return c;
}

}  // namespace neardup
