#include "neardup/core/hash.hpp"

#include <bit>

// Inline XXH3 into this file (the Debian header supports it): shingles are ~30-byte inputs,
// where a call through the shared library's PLT costs as much as the hashing.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace neardup {

std::uint64_t hash_bytes(const void* data, std::size_t len, std::uint64_t seed) noexcept {
    return XXH3_64bits_withSeed(data, len, seed);
}

void hash_ranges(const char* base, std::span<const ByteRange> ranges, std::uint64_t* out) noexcept {
    for (std::size_t i = 0; i < ranges.size(); ++i)
        out[i] = XXH3_64bits(base + ranges[i].begin, ranges[i].end - ranges[i].begin);
}

std::uint64_t hash_words(std::span<const std::uint32_t> words, std::uint64_t seed) noexcept {
    static_assert(std::endian::native == std::endian::little,
                  "band keys hash little-endian bytes; add a byte swap for big-endian hosts");
    return XXH3_64bits_withSeed(words.data(), words.size_bytes(), seed);
}

}  // namespace neardup
