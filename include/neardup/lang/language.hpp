// A document's language, and what the story level does differently per language.
//
// A language is a LangCode: the ISO 639 code (2 or 3 lowercase letters) packed into 32 bits, 0
// for "und" (undetermined). Where it comes from (decide_language()):
//  1. a language the record states itself (the JSON `lang` field: the user's own data);
//  2. English when at least kEnglishStopShare of the first kEnglishProbeTokens words are
//     English stop words (over 20 words or more): measured on 4,965 English news articles
//     and web pages, 89% pass this test, and CLD2 agrees with every one of them; of CLD2's 199
//     test texts in other languages only Scots and a few Pacific languages pass it. It spares
//     most English articles the identifier (CLD2 costs ~10 us per article even on 128 bytes,
//     about a third of a scan of 100,000 news articles if every one paid it);
//  3. Google's Compact Language Detector 2 (libcld2) on the first kIdentifyBytes of the text:
//     its answer when CLD2 calls it reliable, else the page's declared language (<html lang>,
//     og:locale, JSON-LD inLanguage) when there is one, else "und" (CLD2's unreliable guesses
//     were wrong on every case we read: Reuters tables of figures as Portuguese or Malay).
//     On 311 real web pages and 4,681 English articles CLD2 agreed with the declared or known
//     language for 4,986 of 4,992 (the 6 others: pages whose <html lang> is wrong, or lists of
//     names); exttextcat (libexttextcat) agreed on none outright (it answers "en or sco",
//     "unknown" for 13%) at a tenth of CLD2's speed.
// The text is normalized text (lowercase, valid UTF-8): CLD2 lowercases anyway.
//
// Per language, the story level (story/) needs: whether a capital letter marks a name
// (German and Luxembourgish capitalise every noun: caps would make every noun a name), and a
// salt that keeps its terms apart from every other language's (the same spelling in two
// languages is two terms, and documents in different languages share no term).
//
// Example:
//   neardup::LangCode de = neardup::language_code("de-AT");  // "de"
//   std::string name = neardup::language_name(de);            // "de"
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace neardup {

using LangCode = std::uint32_t;
inline constexpr LangCode kUndetermined = 0;

/// The primary subtag of a BCP 47 tag or locale ("en-US", "pt_BR", "EN") as a LangCode:
/// kUndetermined when it is not 2 or 3 ASCII letters or says "und". Old codes take their
/// current form (iw -> he, in -> id, ji -> yi).
[[nodiscard]] LangCode language_code(std::string_view tag) noexcept;
/// "en", "de", ..., "und".
[[nodiscard]] std::string language_name(LangCode code);

inline constexpr LangCode kEnglish = 'e' | ('n' << 8);

/// English evidence from the first words of a text (see the header comment).
inline constexpr std::size_t kEnglishProbeTokens = 256;
inline constexpr std::size_t kEnglishMinTokens = 20;
inline constexpr double kEnglishStopShare = 0.2;
/// Bytes of text CLD2 reads (cut back to a character boundary). On 4,992 labelled pages and
/// articles: 128 bytes 8 disagreements, 256 bytes 6, 512 and the whole text 8; 128 bytes
/// cost 9.5 us, 256 14 us, 512 23 us (one core). 128: Reuters-21578's tables of figures fail
/// the English probe and come here; at 128 bytes CLD2 calls 21,159 of its 21,578 items English
/// (20,877 at 256), and a scan of 100,000 generated articles (a tenth of them such tables) is
/// 2-3% faster.
inline constexpr std::size_t kIdentifyBytes = 128;

/// How many of the first kEnglishProbeTokens words (hash64 of each normalized word) are
/// English stop words, and how many words were looked at.
struct EnglishProbe {
    std::uint32_t stop_words = 0;
    std::uint32_t words = 0;
    [[nodiscard]] bool says_english() const noexcept {
        return words >= kEnglishMinTokens &&
               static_cast<double>(stop_words) >= kEnglishStopShare * words;
    }
};
[[nodiscard]] EnglishProbe probe_english(std::span<const std::uint64_t> word_hashes) noexcept;

/// CLD2 on the first kIdentifyBytes of `text` (UTF-8). `reliable` says whether CLD2 trusts
/// its answer. kUndetermined when it cannot tell.
[[nodiscard]] LangCode identify_language(std::string_view text, bool& reliable) noexcept;

/// The document's language, from what the record states (`stated`: a JSON field; trusted),
/// what the page declares (`declared`), the English probe and, when those do not settle it,
/// identify_language(normalized_text).
[[nodiscard]] LangCode decide_language(LangCode stated, LangCode declared, EnglishProbe probe,
                                       std::string_view normalized_text) noexcept;

/// decide_language() for raw text: normalizes and tokenizes it first (what scan does on its
/// way to shingles; for callers that have only the text, such as extract and explain).
[[nodiscard]] LangCode language_of_text(std::string_view text, LangCode stated = kUndetermined,
                                        LangCode declared = kUndetermined);

/// Whether a capital letter away from a sentence start marks a name in this language.
[[nodiscard]] bool names_by_capitals(LangCode code) noexcept;

/// XOR-ed into the 64-bit hash of each of the language's words before it becomes a story term:
/// 0 for English (the shipped background table is keyed by plain hashes), a per-language
/// constant otherwise.
[[nodiscard]] std::uint64_t term_salt(LangCode code) noexcept;

}  // namespace neardup
