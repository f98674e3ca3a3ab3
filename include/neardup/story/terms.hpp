// Story terms: the content words of an article, for matching rewrites of the same story.
//
// Rewrites share facts, names and rare words but few 5-word shingles (the seed pair: word
// 5-shingle Jaccard 0.009, IDF-weighted content terms 0.18; ../shared/DESIGN.md). A story term
// is a normalized word (same normalization as shingles) that is not an English stop word
// (corpus/idf/stopwords-en.txt), not a number and at least two bytes long. Each term carries a
// "caps" flag: written with a capital letter away from the start of a sentence, which marks
// names; DESIGN.md measured +0.01 ARI on ECB+ from weighting those x2.
//
// A TermCode packs a term as (high 31 bits of XXH3(term)) << 1 | caps. extract_story_terms()
// returns one code per distinct term, in order of first use; a term that is capitalised anywhere
// mid-sentence keeps caps = 1. Pure and single-threaded; StopWords::english() is immutable
// after its thread-safe first use.
//
// Example:
//   std::vector<neardup::TermCode> terms;
//   neardup::extract_story_terms("Yann LeCun left Meta.", terms);  // yann, lecun(caps), left,
//   meta(caps)
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "neardup/text/normalize.hpp"

namespace neardup {

using TermCode = std::uint32_t;

[[nodiscard]] constexpr std::uint32_t term_hash(TermCode c) noexcept { return c >> 1; }
[[nodiscard]] constexpr bool term_caps(TermCode c) noexcept { return (c & 1u) != 0; }

/// Code of a normalized word (for tests and tables).
[[nodiscard]] TermCode make_term_code(std::string_view normalized_word, bool caps) noexcept;

class StopWords {
public:
    /// The shipped English list (embedded at build time from corpus/idf/stopwords-en.txt).
    static const StopWords& english();
    /// Parses a list: whitespace-separated words, '#' starts a comment line.
    explicit StopWords(std::string_view list);
    [[nodiscard]] bool contains(std::string_view normalized_word) const noexcept;
    /// Same, given hash64(normalized_word).
    [[nodiscard]] bool contains_hash(std::uint64_t word_hash) const noexcept;

private:
    /// Open addressing on the low bits of each stop word's XXH3, holding its high 32 bits
    /// (never 0: 0 marks an empty slot), at most 1/4 full, every word within kWindow slots of
    /// its home. A few KB for the English list: it stays in cache between documents, which a
    /// general 16-byte-slot table did not.
    [[nodiscard]] static std::uint32_t fingerprint(std::uint64_t h) noexcept {
        const auto f = static_cast<std::uint32_t>(h >> 32);
        return f == 0 ? 1u : f;
    }
    /// Adds a word; false when it landed kWindow or more slots from its home.
    bool insert(std::uint64_t word_hash);
    static constexpr std::size_t kWindow = 4;  ///< every word is within this many slots of home
    std::vector<std::uint32_t> slots_;
};

/// Writes `out` (cleared first): the distinct story terms of raw text, in order of first use.
void extract_story_terms(std::string_view text, std::vector<TermCode>& out,
                         const StopWords& stop_words = StopWords::english());

/// The same from text already normalized with name flags (normalize(..., &name_flags)) and
/// tokenized: the pipeline's path, which shares normalization with shingling.
/// @param token_hashes hash64() of each token (token_hashes() in shingle.hpp)
void story_terms_from_tokens(std::string_view normalized, std::span<const TokenSpan> tokens,
                             std::span<const std::uint64_t> token_hashes,
                             std::span<const std::uint8_t> name_flags, std::vector<TermCode>& out,
                             const StopWords& stop_words = StopWords::english());

}  // namespace neardup
