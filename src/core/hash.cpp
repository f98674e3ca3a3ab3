#include "neardup/core/hash.hpp"

#include <array>
#include <bit>
#include <vector>

// Inline XXH3 into this file (the Debian header supports it): shingles are ~30-byte inputs,
// where a call through the shared library's PLT costs as much as the hashing.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace neardup {

std::uint64_t hash_bytes(const void* data, std::size_t len, std::uint64_t seed) noexcept {
    return XXH3_64bits_withSeed(data, len, seed);
}

void hash_ranges(const char* base, std::span<const ByteRange> ranges, std::uint64_t* out) noexcept {
    // XXH3 takes a different path for 1-3, 4-8, 9-16 and longer inputs, and words come in no
    // predictable order of length: a branch on it mispredicts about every other word. So the
    // words are first sorted into the four classes (without branching), then each class is
    // hashed by its own path in a loop of its own. Same values as XXH3_64bits.
    const std::size_t n = ranges.size();
    thread_local std::vector<std::uint32_t> order;
    if (order.size() < 4 * n)
        order.resize(4 * n);
    std::array<std::size_t, 4> count{};
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint32_t len = ranges[i].end - ranges[i].begin;
        const std::size_t cls = len == 0 ? 3
                                         : static_cast<std::size_t>(len > 3) +
                                               static_cast<std::size_t>(len > 8) +
                                               static_cast<std::size_t>(len > 16);
        order[cls * n + count[cls]++] = static_cast<std::uint32_t>(i);
    }
    const auto* bytes = reinterpret_cast<const xxh_u8*>(base);
    auto each = [&](std::size_t cls, auto hash) {
        for (std::size_t k = 0; k < count[cls]; ++k) {
            const std::uint32_t i = order[cls * n + k];
            out[i] = hash(bytes + ranges[i].begin, ranges[i].end - ranges[i].begin);
        }
    };
    each(0, [](const xxh_u8* p, std::size_t len) {
        return XXH3_len_1to3_64b(p, len, XXH3_kSecret, 0);
    });
    each(1, [](const xxh_u8* p, std::size_t len) {
        return XXH3_len_4to8_64b(p, len, XXH3_kSecret, 0);
    });
    each(2, [](const xxh_u8* p, std::size_t len) {
        return XXH3_len_9to16_64b(p, len, XXH3_kSecret, 0);
    });
    each(3, [](const xxh_u8* p, std::size_t len) { return XXH3_64bits(p, len); });
}

std::uint64_t hash_words(std::span<const std::uint32_t> words, std::uint64_t seed) noexcept {
    static_assert(std::endian::native == std::endian::little,
                  "band keys hash little-endian bytes; add a byte swap for big-endian hosts");
    return XXH3_64bits_withSeed(words.data(), words.size_bytes(), seed);
}

}  // namespace neardup
