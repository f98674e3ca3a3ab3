#include "neardup/story/terms.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <string>

#include "embedded_tables.hpp"
#include "neardup/core/hash.hpp"
#include "neardup/text/normalize.hpp"

namespace neardup {
namespace {

bool is_ascii_alnum(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_word_codepoint(utf8proc_int32_t cp) {
    const utf8proc_category_t cat = utf8proc_category(cp);
    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
           (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) ||
           (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

bool starts_upper(std::string_view word) {
    const auto c = static_cast<unsigned char>(word[0]);
    if (c < 0x80) return c >= 'A' && c <= 'Z';
    utf8proc_int32_t cp = 0;
    utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(word.data()),
                     static_cast<utf8proc_ssize_t>(word.size()), &cp);
    const utf8proc_category_t cat = utf8proc_category(cp);
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

bool is_number(std::string_view w) {
    return std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Length in bytes of the word starting at text[i] (same word rule as normalize()).
std::size_t word_length(std::string_view text, std::size_t i) {
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    std::size_t j = i;
    while (j < text.size()) {
        if (p[j] < 0x80) {
            if (!is_ascii_alnum(p[j])) break;
            ++j;
            continue;
        }
        utf8proc_int32_t cp = 0;
        const utf8proc_ssize_t len =
            utf8proc_iterate(p + j, static_cast<utf8proc_ssize_t>(text.size() - j), &cp);
        if (len <= 0 || !is_word_codepoint(cp)) break;
        j += static_cast<std::size_t>(len);
    }
    return j - i;
}

/// Skips one separator character; returns its length and whether it ends a sentence.
std::size_t separator_length(std::string_view text, std::size_t i, bool& ends_sentence) {
    const char c = text[i];
    ends_sentence = c == '.' || c == '!' || c == '?' || c == '\n' || c == ':';
    if (static_cast<unsigned char>(c) < 0x80) return 1;
    utf8proc_int32_t cp = 0;
    const utf8proc_ssize_t len =
        utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i),
                         static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
    return len > 0 ? static_cast<std::size_t>(len) : 1;
}

/// The code of a word from its XXH3 hash (so the hash is computed once per word).
TermCode code_from_hash(std::uint64_t h, bool caps) noexcept {
    return (static_cast<std::uint32_t>(h >> 33) << 1) | (caps ? 1u : 0u);
}

bool is_ascii(std::string_view w) {
    return std::all_of(w.begin(), w.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

void add_term(std::string_view word, bool caps, const StopWords& stop_words,
              std::vector<TermCode>& out) {
    const std::uint64_t h = hash64(word);
    if (!stop_words.contains_hash(h)) out.push_back(code_from_hash(h, caps));
}

}  // namespace

TermCode make_term_code(std::string_view normalized_word, bool caps) noexcept {
    return code_from_hash(hash64(normalized_word), caps);
}

StopWords::StopWords(std::string_view list) {
    std::size_t pos = 0;
    while (pos < list.size()) {
        std::size_t end = list.find('\n', pos);
        if (end == std::string_view::npos) end = list.size();
        std::string_view line = list.substr(pos, end - pos);
        pos = end + 1;
        if (!line.empty() && line[0] == '#') continue;
        std::string norm;
        normalize(line, {}, norm);
        std::vector<TokenSpan> toks;
        tokenize(norm, toks);
        for (const TokenSpan& t : toks) {
            hashes_.insert(hash64(std::string_view(norm).substr(t.begin, t.end - t.begin)));
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
    return hashes_.count(word_hash) > 0;
}

void extract_story_terms(std::string_view text, std::vector<TermCode>& out,
                         const StopWords& stop_words) {
    out.clear();
    std::string norm;
    std::vector<TokenSpan> toks;
    bool sentence_start = true;
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t len = word_length(text, i);
        if (len == 0) {
            bool ends = false;
            i += separator_length(text, i, ends);
            sentence_start = sentence_start || ends;
            continue;
        }
        const std::string_view word = text.substr(i, len);
        i += len;
        const bool caps = !sentence_start && starts_upper(word);
        sentence_start = false;
        if (is_ascii(word)) {  // fast path: lower-case in place of full normalization
            if (word.size() < 2 || is_number(word)) continue;
            norm.assign(word);
            for (char& c : norm) c = ascii_lower(c);
            add_term(norm, caps, stop_words, out);
            continue;
        }
        normalize(word, {}, norm);
        tokenize(norm, toks);
        for (const TokenSpan& t : toks) {
            const std::string_view w = std::string_view(norm).substr(t.begin, t.end - t.begin);
            if (w.size() < 2 || is_number(w)) continue;
            add_term(w, caps, stop_words, out);
        }
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

}  // namespace neardup
