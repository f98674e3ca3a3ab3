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
    /// The shipped English list (embedded at build time from corpus/idf/stopwords-en.txt).
    static const StopWords& english();
    /// English figures written as words: numbers (four ... ninety, hundred, thousand, dozen),
    /// months and weekdays, which the story level treats like digits ("nine mths" in a results
    /// table, "CALGARY, Alberta, March 3" in a dateline).
    static const StopWords& english_numbers();
    /// Parses a list: whitespace-separated words, '#' starts a comment line.
    explicit StopWords(std::string_view list);
    [[nodiscard]] bool contains(std::string_view normalized_word) const noexcept;
    /// Same, given hash64(normalized_word).
    /// (Inline: the story level asks once per distinct word of every document.)
    [[nodiscard]] bool contains_hash(std::uint64_t word_hash) const noexcept {
        const std::size_t mask = slots_.size() - 1;
        const std::uint32_t f = fingerprint(word_hash);
        const std::size_t home = word_hash & mask;
        const std::uint32_t* s = slots_.data();
        static_assert(kWindow == 4, "one comparison per slot of the window");
        // branch-free: whether a word is a stop word is a coin toss no predictor learns
        return static_cast<bool>((s[home] == f) | (s[(home + 1) & mask] == f) |
                                 (s[(home + 2) & mask] == f) | (s[(home + 3) & mask] == f));
    }

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

}  // namespace neardup
