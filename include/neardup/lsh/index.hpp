// In-memory LSH index: band keys -> the documents that produced them.
//
// band_keys() hashes each band's rows of a signature (XXH3, seeded by the band number, so equal
// rows in different bands give different keys). LshIndex keeps per band an open-addressing table
// from a key's 32-bit tag to the newest document with that key, and per document and band a
// link to the previous one: memory is about 12 bytes per document and band plus the tables,
// nothing per bucket. A bucket is (band, tag): two keys of one band with one tag share a bucket
// (more candidates to verify, none lost); the bands' tables are apart, so a band's links never
// lead into another band's bucket.
// candidates() walks each of a query's buckets newest first, at most `max_bucket_walk` entries
// per bucket: a bucket holding thousands of copies of one text would otherwise make every new
// copy cost thousands of checks, and the newest copies are enough to join the group.
// Not thread-safe; the pipeline's serial sink owns it.
//
// Example:
//   neardup::LshIndex index({16, 8});
//   std::vector<std::uint64_t> keys(16);
//   neardup::band_keys(sig, {16, 8}, keys);
//   index.candidates(keys, found);   // documents sharing a band with sig
//   index.add(id, keys);
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "neardup/core/types.hpp"
#include "neardup/lsh/params.hpp"

namespace neardup {

/// @pre sig.size() >= p.bands * p.rows, out.size() == p.bands
void band_keys(std::span<const SigValue> sig, LshParams p, std::span<std::uint64_t> out) noexcept;

class LshIndex {
public:
    explicit LshIndex(LshParams params, std::uint32_t max_bucket_walk = 512);

    /// Sizes the table for `docs` documents in total (optional; avoids rehashing).
    void reserve(std::size_t docs);

    /// Adds document `id`; ids must increase from call to call (ids left out, like exact copies
    /// of a document already added, are never candidates).
    void add(DocId id, std::span<const std::uint64_t> keys);

    /// The newest document added under `key` in `band`, or nullopt.
    [[nodiscard]] std::optional<DocId> newest(std::uint32_t band, std::uint64_t key) const noexcept;

    /// Documents sharing at least one band key, sorted ascending, no duplicates (out is cleared).
    void candidates(std::span<const std::uint64_t> keys, std::vector<DocId>& out) const;
    /// Asks the memory system for the home slots of `keys` (a query or add soon to come): the
    /// table is far larger than the cache, and a caller that knows the next document's keys
    /// can have them arrive while it works on the current one.
    void prefetch(std::span<const std::uint64_t> keys) const noexcept;

    /// One past the largest id added.
    [[nodiscard]] std::size_t size() const noexcept { return docs_; }
    [[nodiscard]] const LshParams& params() const noexcept { return params_; }

private:
    static constexpr DocId kNone = 0xFFFFFFFFu;
    struct Slot {
        std::uint32_t tag = 0;  ///< 0 marks an empty slot; tags are never 0
        DocId head = kNone;     ///< newest document with this tag
    };
    [[nodiscard]] static std::uint32_t tag_of(std::uint64_t key) noexcept {
        const auto tag = static_cast<std::uint32_t>(key ^ (key >> 32));
        return tag == 0 ? 1u : tag;
    }
    /// Where `key`'s probe starts in band's table (its slot if nothing collided).
    [[nodiscard]] std::size_t home_slot(std::uint32_t band, std::uint64_t key) const noexcept;
    /// The slot of `tag` in band's table: its own, or the empty one where it would go.
    [[nodiscard]] std::size_t find_slot(std::uint32_t band, std::uint32_t tag) const noexcept;
    /// Makes each band's table `per_band` slots (a power of two), its entries moved.
    void rehash(std::size_t per_band);

    LshParams params_;
    std::uint32_t max_bucket_walk_;
    std::vector<Slot> slots_;        ///< band b's table: [b * per_band_, (b + 1) * per_band_)
    std::size_t per_band_ = 0;       ///< slots per band, a power of two
    std::vector<std::size_t> used_;  ///< used slots per band
    std::vector<DocId> next_;        ///< next_[id * bands + band]: previous document in that bucket
    std::size_t docs_ = 0;
};

}  // namespace neardup
