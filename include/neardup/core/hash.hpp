// 64-bit hashing for shingles, band keys and seeds: XXH3-64 (xxHash 0.8).
//
// These values are persisted (signatures, band keys), so they are pinned by known-answer tests:
// hash64("") == 0x2D06800538D394C2. Thread-safe, no allocation.
//
// Example:
//   std::uint64_t h = neardup::hash64("word", 42);
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "neardup/core/types.hpp"

namespace neardup {

/// XXH3-64 of bytes with a seed (seed 0 is plain XXH3_64bits).
[[nodiscard]] std::uint64_t hash_bytes(const void* data, std::size_t len,
                                       std::uint64_t seed = 0) noexcept;

[[nodiscard]] inline std::uint64_t hash64(std::string_view s, std::uint64_t seed = 0) noexcept {
    return hash_bytes(s.data(), s.size(), seed);
}

/// out[i] = hash_bytes(base + ranges[i].begin, ranges[i].end - ranges[i].begin): one call for a
/// whole document's tokens, so XXH3 is inlined into the loop.
void hash_ranges(const char* base, std::span<const ByteRange> ranges, std::uint64_t* out) noexcept;

/// Hash of a run of 32-bit words (a band of a signature), as little-endian bytes.
[[nodiscard]] std::uint64_t hash_words(std::span<const std::uint32_t> words,
                                       std::uint64_t seed) noexcept;

/// A cheap, strong 64-bit mixer (the murmur3 finalizer); bijective, so distinct inputs stay
/// distinct. Used to derive per-slot values from one shingle hash.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

}  // namespace neardup
