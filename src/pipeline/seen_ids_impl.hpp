// SeenIds: the ids a run has taken in so far, so that a record repeating one is found (ids are
// unique per run: a feed that repeats an id, or two folders holding the same relative path,
// would otherwise give one id to two articles, one kept and one dropped, and a pipeline that
// deletes the drop list would delete the kept one).
//
// Memory: 16 bytes a slot (load <= 1/2) keyed by the id's hash; the id itself is compared
// against the one already stored with its document, so nothing is copied. Ids whose hashes
// collide with another id's go to a small overflow map.
// Not thread-safe: the pipeline's serial link stage owns it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "neardup/core/flat_table.hpp"
#include "neardup/core/hash.hpp"
#include "neardup/core/types.hpp"

namespace neardup::detail {

class SeenIds {
public:
    /// The key of `id` (computed where the work is parallel: the sign stage).
    [[nodiscard]] static std::uint64_t key_of(std::string_view id) noexcept {
        // 0 is the table's empty key, so a hash of 0 is stored as 1 (the id compare decides).
        const std::uint64_t h = hash64(id);
        return h == 0 ? 1 : h;
    }

    /// Room for about `n` ids (a run's estimate) without growing the table.
    void reserve(std::size_t n) { first_.reserve(n); }

    /// Asks for the cache line of `key`'s slot (a table of a million ids misses the cache).
    void prefetch(std::uint64_t key) const noexcept { first_.prefetch(key); }

    /// Takes `id` (whose key_of() is `key`) in for document `doc`, unless a document before it
    /// has that id: then returns that document. `id_of(d)` gives document d's stored id.
    template <typename IdOf>
    [[nodiscard]] std::optional<DocId> insert(std::string_view id, std::uint64_t key, DocId doc,
                                              const IdOf& id_of) {
        DocId& slot = first_.upsert(key);
        if (slot == 0) {  // stored as doc + 1: 0 is a fresh slot
            slot = doc + 1;
            return std::nullopt;
        }
        if (id_of(slot - 1) == id)
            return slot - 1;
        const auto [it, fresh] = collided_.emplace(std::string(id), doc);
        if (fresh)
            return std::nullopt;
        return it->second;
    }

private:
    FlatTable<std::uint64_t, DocId, 0> first_;
    std::unordered_map<std::string, DocId> collided_;  ///< ids whose hash another id has
};

}  // namespace neardup::detail
