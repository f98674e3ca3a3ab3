// Story terms: the content words of an article, for matching rewrites of the same story.
//
// Rewrites share facts, names and rare words but few 5-word shingles (the seed pair: word
// 5-shingle Jaccard 0.009, IDF-weighted content terms 0.18; ../shared/DESIGN.md). A story term
// is a normalized word (same normalization as shingles), at least two bytes long, that is not a
// figure (a word that starts with a digit: 17, 1987, 3rd; or an English number word) and not a
// stop word of the document's language (TermRules: English has a shipped list,
// corpus/idf/stopwords-en.txt; other languages are left to their document frequencies). Each
// term carries a "caps" flag: written with a capital letter away from the start of a sentence,
// which marks names (DESIGN.md measured +0.01 ARI on ECB+ from weighting those x2), in
// languages where a capital marks a name (not German: lang/language.hpp).
//
// A TermCode packs a term as (high 31 bits of XXH3(term) ^ the language's salt) << 1 | caps:
// two languages' terms never coincide, so documents in different languages share none.
// story_terms_from_tokens() returns one code per distinct term; the terms that stand next to a
// figure somewhere in the document come first (their count is returned): a wire service's
// tables ("SHR 17 CTS VS 25 CTS") are such terms, and a source that uses a term that way in
// many of its articles has a template, not a story (story/templates.hpp). Otherwise terms are
// in order of first use; a term that is capitalised anywhere mid-sentence keeps caps = 1. Pure
// and single-threaded; the shipped stop lists are immutable after their thread-safe first use.
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

#include "neardup/lang/language.hpp"
#include "neardup/lang/stop_words.hpp"
#include "neardup/text/normalize.hpp"

namespace neardup {

using TermCode = std::uint32_t;

[[nodiscard]] constexpr std::uint32_t term_hash(TermCode c) noexcept { return c >> 1; }
[[nodiscard]] constexpr bool term_caps(TermCode c) noexcept { return (c & 1u) != 0; }

/// Code of a normalized word (for tests and tables).
[[nodiscard]] TermCode make_term_code(std::string_view normalized_word, bool caps) noexcept;

/// How terms are told from other words in one language.
struct TermRules {
    const StopWords* stop_words = nullptr;  ///< nullptr: none
    bool names = true;                      ///< keep the caps flag (a capital marks a name)
    std::uint64_t salt = 0;                 ///< term_salt() of the language
    /// The rules of a language (lang/language.hpp): English's lists for English.
    [[nodiscard]] static TermRules of(LangCode language);
};

/// Writes `out` (cleared first): the distinct story terms of raw text (English rules unless
/// told otherwise). Returns how many of them (at the front) stand next to a figure.
std::size_t extract_story_terms(std::string_view text, std::vector<TermCode>& out,
                                const TermRules& rules = TermRules::of(kEnglish));

/// What story_terms_from_tokens() found besides the terms.
struct TermsFound {
    std::size_t beside_figures = 0;  ///< terms (at the front) that stand near a figure
    /// The English stop words among the first words, with English rules (lang/language.hpp):
    /// the scan decides the language from it without a second look at the words.
    EnglishProbe probe;
};

/// The same from text already normalized with name flags (normalize(..., &name_flags)) and
/// tokenized: the pipeline's path, which shares normalization with shingling.
/// @param token_hashes hash64() of each token (token_hashes() in shingle.hpp)
TermsFound story_terms_from_tokens(std::string_view normalized, std::span<const TokenSpan> tokens,
                                   std::span<const std::uint64_t> token_hashes,
                                   std::span<const std::uint8_t> name_flags,
                                   std::vector<TermCode>& out,
                                   const TermRules& rules = TermRules::of(kEnglish));

}  // namespace neardup
