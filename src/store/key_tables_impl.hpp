// Private to the store: the index's disk-backed LSH, the tables of band keys.
//
// Two kinds, each a main table and runs, all WITHOUT ROWID with primary key (key, value):
//   near   near_keys(key, seq), near_keys_<n>: each held article's near-level band keys
//   story  story_keys(key, near), story_keys_<n>: each near group's story-level band keys
// Keys keep 48 bits (IndexStore::stored_key). A night's keys go to a run of their own, written
// in key order into an empty B-tree, so a night writes what it brings: inserted into the main
// table instead, they touched nearly every page of it (sorted keys spread over all of it):
// 100,000 articles' keys took 9.4 s to write into an index of 200,000 and 35 s into one of
// 2,000,000; in runs 5.0 and 12.5 s (the rest of the write included). Lookups ask the main table
// and each run; the newest runs are merged as runs_to_merge() (store/key_runs.hpp) says, into
// the oldest of them, so that no night's merge work exceeds a bound set by its own volume (the
// main table, the first night's, is never merged into again). key_runs(kind, run, rows) lists
// the runs. Everything happens in the store's open transaction.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sqlite_impl.hpp"

namespace neardup::detail {

class KeyTables {
public:
    using Pair = std::pair<std::int64_t, std::int64_t>;  ///< (stored key, seq or near id)

    explicit KeyTables(IndexStore::Db& db) : db_(db) {}

    /// The tables of `kind` ("near", "story"): the main one, then the runs, oldest first.
    [[nodiscard]] std::vector<std::string> tables(const std::string& kind) const;
    /// Writes `pairs` (sorted): into the main table when it is empty, else into a new run.
    void write(const std::string& kind, std::span<const Pair> pairs);
    /// (key, value) of the newest (largest) `newest` values under each of `keys` (sorted,
    /// distinct) over all tables, by key.
    [[nodiscard]] std::vector<Pair> lookup(const std::string& kind,
                                           std::span<const std::int64_t> keys,
                                           std::uint32_t newest) const;
    /// Deletes `pairs` from whichever table holds them.
    void erase(const std::string& kind, std::span<const Pair> pairs);
    /// Deletes the story keys of near groups no longer held (nor merged into a held one).
    void erase_unheld_story_keys();
    /// Near keys in all tables, and those of articles not held.
    [[nodiscard]] std::pair<std::int64_t, std::int64_t> count_near() const;

private:
    /// INSERT OR IGNORE of `pairs` into `table`, in their order.
    void insert(const std::string& table, const char* second, std::span<const Pair> pairs);
    [[nodiscard]] std::vector<std::int64_t>& runs(const std::string& kind) const;
    /// Merges the newest runs of `kind` as runs_to_merge() says.
    void merge_newest_runs(const std::string& kind);

    IndexStore::Db& db_;
};

}  // namespace neardup::detail
