#include "neardup/lsh/index.hpp"

#include <algorithm>
#include <array>

#include "neardup/core/error.hpp"
#include "neardup/core/hash.hpp"

namespace neardup {

void band_keys(std::span<const SigValue> sig, LshParams p, std::span<std::uint64_t> out) noexcept {
    NEARDUP_ASSERT(sig.size() >= std::size_t{p.bands} * p.rows && out.size() == p.bands);
    for (std::uint32_t b = 0; b < p.bands; ++b) {
        std::uint64_t key = hash_words(sig.subspan(std::size_t{b} * p.rows, p.rows), b + 1);
        out[b] = key == 0 ? 1 : key;  // 0 marks empty slots in the index
    }
}

LshIndex::LshIndex(LshParams params, std::uint32_t max_bucket_walk)
    : params_(params), max_bucket_walk_(max_bucket_walk), slots_(1024) {
    NEARDUP_CHECK(params.bands >= 1 && params.rows >= 1, "LSH needs at least one band and row");
}

std::size_t LshIndex::find_slot(std::uint32_t tag) const noexcept {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = static_cast<std::size_t>(mix64(tag)) & mask;
    while (slots_[i].tag != 0 && slots_[i].tag != tag)
        i = (i + 1) & mask;
    return i;
}

void LshIndex::rehash(std::size_t slots) {
    std::vector<Slot> old(slots);
    old.swap(slots_);
    for (const Slot& s : old) {
        if (s.tag != 0)
            slots_[find_slot(s.tag)] = s;
    }
}

void LshIndex::grow() { rehash(slots_.size() * 2); }

void LshIndex::reserve(std::size_t docs) {
    const std::size_t keys = docs * params_.bands;
    std::size_t want = slots_.size();
    while (want * 3 < keys * 4)  // room for `keys` at most 3/4 full
        want *= 2;
    if (want > slots_.size())
        rehash(want);
    next_.reserve(keys);
}

void LshIndex::add(DocId id, std::span<const std::uint64_t> keys) {
    NEARDUP_ASSERT(id >= docs_ && keys.size() == params_.bands);
    next_.resize((std::size_t{id} + 1) * params_.bands, kNone);
    for (std::uint32_t b = 0; b < params_.bands; ++b) {
        if ((used_ + 1) * 4 > slots_.size() * 3)
            grow();
        const std::uint32_t tag = tag_of(keys[b]);
        Slot& slot = slots_[find_slot(tag)];
        if (slot.tag == 0) {
            slot.tag = tag;
            ++used_;
        }
        next_[std::size_t{id} * params_.bands + b] = slot.head;
        slot.head = id;
    }
    docs_ = std::size_t{id} + 1;
}

std::optional<DocId> LshIndex::newest(std::uint64_t key) const noexcept {
    const Slot& slot = slots_[find_slot(tag_of(key))];
    if (slot.tag == 0 || slot.head == kNone)
        return std::nullopt;
    return slot.head;
}

void LshIndex::prefetch(std::span<const std::uint64_t> keys) const noexcept {
    const std::size_t mask = slots_.size() - 1;
    for (const std::uint64_t key : keys)
        __builtin_prefetch(&slots_[static_cast<std::size_t>(mix64(tag_of(key))) & mask]);
}

void LshIndex::candidates(std::span<const std::uint64_t> keys, std::vector<DocId>& out) const {
    out.clear();
    const auto bands =
        static_cast<std::uint32_t>(std::min<std::size_t>(params_.bands, keys.size()));
    // Every band's home slot is asked for before any is read, then each bucket's newest
    // document's chain link before any chain is walked: both tables are far larger than the
    // cache. Bands go in chunks (a query has 16 of them at the default settings).
    constexpr std::uint32_t kChunk = 32;
    std::array<DocId, kChunk> heads;
    for (std::uint32_t first = 0; first < bands; first += kChunk) {
        const std::uint32_t n = std::min(kChunk, bands - first);
        prefetch(keys.subspan(first, n));
        for (std::uint32_t k = 0; k < n; ++k) {
            const Slot& slot = slots_[find_slot(tag_of(keys[first + k]))];
            heads[k] = slot.tag == 0 ? kNone : slot.head;
            if (heads[k] != kNone)
                __builtin_prefetch(&next_[std::size_t{heads[k]} * params_.bands + first + k]);
        }
        for (std::uint32_t k = 0; k < n; ++k) {
            DocId id = heads[k];
            for (std::uint32_t walked = 0; id != kNone && walked < max_bucket_walk_; ++walked) {
                out.push_back(id);
                id = next_[std::size_t{id} * params_.bands + first + k];
            }
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace neardup
