#include "neardup/story/terms.hpp"

#include <algorithm>
#include <string>

#include "embedded_tables.hpp"
#include "neardup/core/hash.hpp"
#include "neardup/text/normalize.hpp"

namespace neardup {
namespace {

bool is_number(std::string_view w) {
    return std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// The code of a word from its XXH3 hash (so the hash is computed once per word).
TermCode code_from_hash(std::uint64_t h, bool caps) noexcept {
    return (static_cast<std::uint32_t>(h >> 33) << 1) | (caps ? 1u : 0u);
}

}  // namespace

TermCode make_term_code(std::string_view normalized_word, bool caps) noexcept {
    return code_from_hash(hash64(normalized_word), caps);
}

StopWords::StopWords(std::string_view list) {
    std::vector<std::uint64_t> words;
    std::size_t pos = 0;
    while (pos < list.size()) {
        std::size_t end = list.find('\n', pos);
        if (end == std::string_view::npos)
            end = list.size();
        std::string_view line = list.substr(pos, end - pos);
        pos = end + 1;
        if (!line.empty() && line[0] == '#')
            continue;
        std::string norm;
        normalize(line, {}, norm);
        std::vector<TokenSpan> toks;
        tokenize(norm, toks);
        for (const TokenSpan& t : toks)
            words.push_back(hash64(std::string_view(norm).substr(t.begin, t.end - t.begin)));
    }
    std::size_t size = 64;
    while (size < words.size() * 4)  // load under 1/4
        size *= 2;
    // Grow until every word sits within kWindow slots of its home, so that a lookup can
    // compare a fixed window without branching (half of all tokens are stop words: a branch
    // on "found" is a coin toss).
    for (;; size *= 2) {
        slots_.assign(size, 0);
        bool fits = true;
        for (std::uint64_t h : words)
            fits = insert(h) && fits;
        if (fits)
            break;
    }
}

const StopWords& StopWords::english() {
    static const StopWords kEnglish(detail::embedded_stop_words());
    return kEnglish;
}

bool StopWords::contains(std::string_view normalized_word) const noexcept {
    return contains_hash(hash64(normalized_word));
}

bool StopWords::insert(std::uint64_t word_hash) {
    if (contains_hash(word_hash))
        return true;
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = word_hash & mask;
    std::size_t distance = 0;
    while (slots_[i] != 0) {
        i = (i + 1) & mask;
        ++distance;
    }
    slots_[i] = fingerprint(word_hash);
    return distance < kWindow;
}

bool StopWords::contains_hash(std::uint64_t word_hash) const noexcept {
    const std::size_t mask = slots_.size() - 1;
    const std::uint32_t f = fingerprint(word_hash);
    const std::size_t home = word_hash & mask;
    bool found = false;
    for (std::size_t k = 0; k < kWindow; ++k)  // fixed trip count: unrolled, branch-free
        found |= slots_[(home + k) & mask] == f;
    return found;
}

void story_terms_from_tokens(std::string_view normalized, std::span<const TokenSpan> tokens,
                             std::span<const std::uint64_t> token_hashes,
                             std::span<const std::uint8_t> name_flags, std::vector<TermCode>& out,
                             const StopWords& stop_words) {
    // One code per term, in order of first use: a thread-local table maps each word hash seen
    // in this document to its place in `terms` (the caps flag is OR-ed across uses), or marks
    // it rejected (stop word, number, one letter), so each distinct word is judged once and the
    // many repeats of "the" cost one probe. Nothing downstream needs an order (weights are
    // integers: overlaps sum exactly in any order).
    thread_local std::vector<TermCode> terms;
    thread_local std::vector<std::uint64_t> place;  // (hash + 1) << 32 | index; 0 = empty
    constexpr std::uint32_t kRejected = 0xFFFFFFFFu;
    std::size_t size = 64;
    while (size < tokens.size() * 2)
        size *= 2;
    place.assign(size, 0);
    terms.clear();
    const std::size_t mask = size - 1;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::uint64_t h = token_hashes[i];
        const TermCode code = code_from_hash(h, name_flags[i] != 0);
        const std::uint64_t key = std::uint64_t{term_hash(code)} + 1;
        std::size_t s = term_hash(code) & mask;
        while (place[s] != 0 && (place[s] >> 32) != key)
            s = (s + 1) & mask;
        if (place[s] != 0) {  // seen: a term gains the caps flag, a rejected word stays out
            const auto index = static_cast<std::uint32_t>(place[s]);
            if (index != kRejected)
                terms[index] |= code;
            continue;
        }
        const std::string_view w =
            normalized.substr(tokens[i].begin, tokens[i].end - tokens[i].begin);
        if (w.size() < 2 || is_number(w) || stop_words.contains_hash(h)) {
            place[s] = key << 32 | kRejected;
            continue;
        }
        place[s] = key << 32 | terms.size();
        terms.push_back(code);
    }
    out.assign(terms.begin(), terms.end());  // exact size: documents keep their terms a while
}

void extract_story_terms(std::string_view text, std::vector<TermCode>& out,
                         const StopWords& stop_words) {
    std::string normalized;
    std::vector<std::uint8_t> flags;
    std::vector<TokenSpan> tokens;
    normalize(text, {}, normalized, &flags);
    tokenize(normalized, tokens);
    std::vector<std::uint64_t> hashes(tokens.size());
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        hashes[i] = hash64(
            std::string_view(normalized).substr(tokens[i].begin, tokens[i].end - tokens[i].begin));
    }
    story_terms_from_tokens(normalized, tokens, hashes, flags, out, stop_words);
}

}  // namespace neardup
