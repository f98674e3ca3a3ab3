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
    /// Whether the word is a stop word, given hash64(normalized_word).
    [[nodiscard]] bool contains_hash(std::uint64_t word_hash) const noexcept {
        return (kind_of_hash(word_hash) & kStop) != 0;
    }
    /// Its Kind bits, 0 when unlisted. Inline and branch-free: the story level asks once per
    /// distinct word of every document, and whether a word is listed is a coin toss no branch
    /// predictor learns.
    [[nodiscard]] std::uint8_t kind_of_hash(std::uint64_t word_hash) const noexcept {
        const std::size_t mask = slots_.size() - 1;
        const std::uint32_t f = fingerprint(word_hash);
        const std::size_t home = word_hash & mask;
        const std::uint32_t* s = slots_.data();
        static_assert(kWindow == 4, "one comparison per slot of the window");
        const auto match = [f](std::uint32_t slot) {
            return slot & (0u - static_cast<std::uint32_t>((slot >> 8) == f));
        };
        const std::uint32_t kind = match(s[home]) | match(s[(home + 1) & mask]) |
                                   match(s[(home + 2) & mask]) | match(s[(home + 3) & mask]);
        return static_cast<std::uint8_t>(kind & 0xFF);
    }

private:
    /// Open addressing on the low bits of each word's XXH3; a slot holds 24 more bits of it
    /// (never 0: a 0 slot is empty) above its Kind byte, at most 1/4 full, every word within
    /// kWindow slots of its home. A few KB for the English lists: they stay in cache between
    /// documents, which a general 16-byte-slot table did not. (24 bits: an unlisted word
    /// matches one of its 4 slots by chance once in 4 million distinct words.)
    [[nodiscard]] static std::uint32_t fingerprint(std::uint64_t h) noexcept {
        const auto f = static_cast<std::uint32_t>(h >> 40);
        return f == 0 ? 1u : f;
    }
    /// Adds a word; false when it landed kWindow or more slots from its home.
    bool insert(std::uint64_t word_hash, std::uint8_t kind);
    static constexpr std::size_t kWindow = 4;  ///< every word is within this many slots of home
    std::vector<std::uint32_t> slots_;
};

}  // namespace neardup
