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
    : params_(params), max_bucket_walk_(max_bucket_walk) {
    NEARDUP_CHECK(params.bands >= 1 && params.rows >= 1, "LSH needs at least one band and row");
    used_.assign(params.bands, 0);
    rehash(64);
}

std::size_t LshIndex::home_slot(std::uint32_t band, std::uint64_t key) const noexcept {
    return std::size_t{band} * per_band_ +
           (static_cast<std::size_t>(mix64(tag_of(key))) & (per_band_ - 1));
}

std::size_t LshIndex::find_slot(std::uint32_t band, std::uint32_t tag) const noexcept {
    const std::size_t mask = per_band_ - 1;
    const Slot* table = slots_.data() + std::size_t{band} * per_band_;
    std::size_t i = static_cast<std::size_t>(mix64(tag)) & mask;
    while (table[i].tag != 0 && table[i].tag != tag)
        i = (i + 1) & mask;
    return std::size_t{band} * per_band_ + i;
}

void LshIndex::rehash(std::size_t per_band) {
    std::vector<Slot> old(per_band * params_.bands);
    old.swap(slots_);
    const std::size_t old_per_band = per_band_;
    per_band_ = per_band;
    for (std::uint32_t b = 0; b < params_.bands && old_per_band > 0; ++b) {
        for (std::size_t i = 0; i < old_per_band; ++i) {
            const Slot& s = old[std::size_t{b} * old_per_band + i];
            if (s.tag != 0)
                slots_[find_slot(b, s.tag)] = s;
        }
    }
}

void LshIndex::reserve(std::size_t docs) {
    std::size_t want = per_band_;
    while (want * 3 < docs * 4)  // room for a key per document and band, at most 3/4 full
        want *= 2;
    if (want > per_band_)
        rehash(want);
    next_.reserve(docs * params_.bands);
}

void LshIndex::add(DocId id, std::span<const std::uint64_t> keys) {
    NEARDUP_ASSERT(id >= docs_ && keys.size() == params_.bands);
    next_.resize((std::size_t{id} + 1) * params_.bands, kNone);
    for (std::uint32_t b = 0; b < params_.bands; ++b) {
        if ((used_[b] + 1) * 4 > per_band_ * 3)
            rehash(per_band_ * 2);
        const std::uint32_t tag = tag_of(keys[b]);
        Slot& slot = slots_[find_slot(b, tag)];
        if (slot.tag == 0) {
            slot.tag = tag;
            ++used_[b];
        }
        next_[std::size_t{id} * params_.bands + b] = slot.head;
        slot.head = id;
    }
    docs_ = std::size_t{id} + 1;
}

std::optional<DocId> LshIndex::newest(std::uint32_t band, std::uint64_t key) const noexcept {
    if (band >= params_.bands)
        return std::nullopt;
    const Slot& slot = slots_[find_slot(band, tag_of(key))];
    if (slot.tag == 0 || slot.head == kNone)
        return std::nullopt;
    return slot.head;
}

void LshIndex::prefetch(std::span<const std::uint64_t> keys) const noexcept {
    const auto bands =
        static_cast<std::uint32_t>(std::min<std::size_t>(keys.size(), params_.bands));
    for (std::uint32_t b = 0; b < bands; ++b)
        __builtin_prefetch(&slots_[home_slot(b, keys[b])]);
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
        for (std::uint32_t k = 0; k < n; ++k)  // the chunk's home slots, asked for first
            __builtin_prefetch(&slots_[home_slot(first + k, keys[first + k])]);
        for (std::uint32_t k = 0; k < n; ++k) {
            const Slot& slot = slots_[find_slot(first + k, tag_of(keys[first + k]))];
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
