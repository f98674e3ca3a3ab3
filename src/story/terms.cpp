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
        for (const TokenSpan& t : toks) {
            hashes_.upsert(hash64(std::string_view(norm).substr(t.begin, t.end - t.begin))) = true;
        }
    }
}

const StopWords& StopWords::english() {
    static const StopWords kEnglish(detail::embedded_stop_words());
    return kEnglish;
}

bool StopWords::contains(std::string_view normalized_word) const noexcept {
    return contains_hash(hash64(normalized_word));
}

bool StopWords::contains_hash(std::uint64_t word_hash) const noexcept {
    return hashes_.find(word_hash) != nullptr;
}

void story_terms_from_tokens(std::string_view normalized, std::span<const TokenSpan> tokens,
                             std::span<const std::uint64_t> token_hashes,
                             std::span<const std::uint8_t> name_flags, std::vector<TermCode>& out,
                             const StopWords& stop_words) {
    out.clear();
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::string_view w =
            normalized.substr(tokens[i].begin, tokens[i].end - tokens[i].begin);
        if (w.size() < 2 || is_number(w))
            continue;
        const std::uint64_t h = token_hashes[i];
        if (!stop_words.contains_hash(h))
            out.push_back(code_from_hash(h, name_flags[i] != 0));
    }
    // Sort by hash with caps last, then keep one code per hash: caps if any occurrence had it.
    std::sort(out.begin(), out.end());
    std::size_t kept = 0;
    for (std::size_t k = 0; k < out.size(); ++k) {
        if (kept > 0 && term_hash(out[kept - 1]) == term_hash(out[k])) {
            out[kept - 1] |= out[k];
        } else {
            out[kept++] = out[k];
        }
    }
    out.resize(kept);
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
