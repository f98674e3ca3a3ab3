// Stop words: function words that carry no story (the, of, said, ...), as a small set of word
// hashes that stays in cache between documents.
//
// The shipped English list (corpus/idf/stopwords-en.txt) is compiled in. Other languages have
// none: their story terms are weighed by their own document frequencies (story/weights.hpp),
// which bring function words near zero weight.
//
// Example:
//   const neardup::StopWords& en = neardup::StopWords::english();
//   bool stop = en.contains("the");  // true
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "neardup/core/bit_filter.hpp"

namespace neardup {

class StopWords {
public:
    /// What a listed word is (bits): a stop word, a figure written as a word, or both.
    enum Kind : std::uint8_t { kStop = 1, kFigure = 2 };

    /// The shipped English list (embedded at build time from corpus/idf/stopwords-en.txt),
    /// with English figures written as words: numbers (four ... ninety, hundred, thousand,
    /// dozen), months and weekdays, which the story level treats like digits ("nine mths" in a
    /// results table, "CALGARY, Alberta, March 3" in a dateline).
    static const StopWords& english();
    /// Parses lists: whitespace-separated words, '#' starts a comment line; the words of
    /// `figures` are kFigure (and kStop too when `stops` has them).
    explicit StopWords(std::string_view stops, std::string_view figures = {});
    [[nodiscard]] bool contains(std::string_view normalized_word) const noexcept;
    /// Whether the word is a stop word, given hash64(normalized_word). Inline and
    /// branch-free: the story level asks once per distinct word of every document, and whether
    /// a word is listed is a coin toss no branch predictor learns.
    [[nodiscard]] bool contains_hash(std::uint64_t word_hash) const noexcept {
        return listed(stops_, word_hash);
    }
    /// Whether the word is a figure written as a word, given its hash64(). Few words are: a
    /// bitmap of their hashes turns almost all others away with one load and a branch that
    /// predicts well. (The set's four loads and compares at every new word of a document cost
    /// story terms 10-20%: 23.5 -> 26-28 ns per token over Reuters articles, story/terms.cpp.)
    [[nodiscard]] bool figure_hash(std::uint64_t word_hash) const noexcept {
        return figure_filter_.may_hold(word_hash >> kFilterShift) && listed(figures_, word_hash);
    }
    /// Its Kind bits, 0 when unlisted.
    [[nodiscard]] std::uint8_t kind_of_hash(std::uint64_t word_hash) const noexcept {
        return static_cast<std::uint8_t>((contains_hash(word_hash) ? kStop : 0) |
                                         (figure_hash(word_hash) ? kFigure : 0));
    }

private:
    /// A set of word hashes: open addressing on the low bits of each word's XXH3; a slot holds
    /// 32 more bits of it (never 0: a 0 slot is empty), at most 1/4 full, every word within
    /// kWindow slots of its home. A few KB for the English stop words: they stay in cache
    /// between documents, which a general 16-byte-slot table did not. Stop words and figures
    /// are two sets: one table of both, 24 bits of hash and a kind byte per slot, made the stop
    /// lookup longer (the kind to extract, a register spilled) on the path of a branch the
    /// processor often mispredicts: the pre-figure story terms loop took 12 us in
    /// BM_Story_Terms with it, 8.3 us with this set.
    using Set = std::vector<std::uint32_t>;
    [[nodiscard]] static std::uint32_t fingerprint(std::uint64_t h) noexcept {
        const auto f = static_cast<std::uint32_t>(h >> 32);
        return f == 0 ? 1u : f;
    }
    [[nodiscard]] static bool listed(const Set& set, std::uint64_t word_hash) noexcept {
        const std::size_t mask = set.size() - 1;
        const std::uint32_t f = fingerprint(word_hash);
        const std::size_t home = word_hash & mask;
        const std::uint32_t* s = set.data();
        static_assert(kWindow == 4, "one comparison per slot of the window");
        return (s[home] == f) | (s[(home + 1) & mask] == f) | (s[(home + 2) & mask] == f) |
               (s[(home + 3) & mask] == f);
    }
    /// The set of these words (whitespace-separated, '#' starts a comment line).
    static Set make_set(std::string_view list);
    static constexpr std::size_t kWindow = 4;  ///< every word is within this many slots of home
    static constexpr int kFilterShift = 20;    ///< bits of the hash apart from a set's
    Set stops_;
    Set figures_;
    BitFilter<4096> figure_filter_;  ///< 1% of it set by the English figures
};

}  // namespace neardup
