// Shingling: normalized text -> hashed k-token or k-character windows.
//
// word_shingles() gives one hash per window of k consecutive tokens: with t[i] = XXH3 of token
// i, the window at i hashes to sum(t[i + j] * B^(k - 1 - j)) mod 2^64 (B = kShingleBase, odd),
// computed rolling, so each token is hashed once and each window costs two multiplications.
// max(0, n - k + 1) hashes for n tokens, in text order, duplicates kept. Token hashes are the
// same XXH3 values the story level uses. char_shingles() hashes each window of k code points.
// compute_shingles() is what the pipeline calls: a document shorter than one window still gets
// one shingle (its whole text), so short articles can match each other exactly.
// MinHash does not care about order or duplicates; make_set() sorts and dedups for exact
// Jaccard. All functions are pure; outputs are cleared first and reuse their capacity.
//
// Example:
//   auto opts = neardup::parse_shingle_spec("words:5");
//   std::vector<neardup::ShingleHash> hashes;
//   neardup::compute_shingles(norm, tokens, opts, hashes);
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/core/types.hpp"
#include "neardup/text/normalize.hpp"

namespace neardup {

enum class ShingleKind : std::uint8_t { kWords, kChars };

struct ShingleOptions {
    ShingleKind kind = ShingleKind::kWords;
    std::uint32_t size = 5;  ///< k tokens or k code points
};

/// Parses "words:K" or "chars:N" (1 <= K, N <= 64). Throws ConfigError.
[[nodiscard]] ShingleOptions parse_shingle_spec(std::string_view spec);
[[nodiscard]] std::string to_string(const ShingleOptions& options);

/// Multiplier of the rolling window hash (the 64-bit golden ratio, odd).
inline constexpr std::uint64_t kShingleBase = 0x9E3779B97F4A7C15ULL;

/// out[i] = hash64(token i) (XXH3, seed 0). Resized to tokens.size().
void token_hashes(std::string_view normalized, std::span<const TokenSpan> tokens,
                  std::vector<std::uint64_t>& out);
/// Word k-shingles from token hashes.
void word_shingles(std::span<const std::uint64_t> token_hashes, std::uint32_t k,
                   std::vector<ShingleHash>& out);
/// Word k-shingles of normalized text (hashes its tokens first).
void word_shingles(std::string_view normalized, std::span<const TokenSpan> tokens, std::uint32_t k,
                   std::vector<ShingleHash>& out);
void char_shingles(std::string_view normalized, std::uint32_t k, std::vector<ShingleHash>& out);

/// The pipeline's feature step; see the header comment for the short-document rule.
/// @param token_hashes token_hashes() of the tokens (used for word shingles only)
void compute_shingles(std::string_view normalized, std::span<const TokenSpan> tokens,
                      std::span<const std::uint64_t> token_hashes, const ShingleOptions& options,
                      std::vector<ShingleHash>& out);
/// Same, hashing the tokens itself.
void compute_shingles(std::string_view normalized, std::span<const TokenSpan> tokens,
                      const ShingleOptions& options, std::vector<ShingleHash>& out);

/// Sorts and removes duplicates in place.
void make_set(std::vector<ShingleHash>& hashes);

}  // namespace neardup
