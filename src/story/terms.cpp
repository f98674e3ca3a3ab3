#include "neardup/story/terms.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "neardup/core/hash.hpp"
#include "neardup/text/normalize.hpp"

namespace neardup {
namespace {

/// A number or an ordinal: 17, 1987, 3rd, 21st (a decimal or thousands separator splits a number
/// into words, each a figure). A word that only starts with digits is a name: 49ers, 3m, 5g.
/// A word of letters leaves at its first byte.
bool is_figure(std::string_view w) noexcept {
    std::size_t digits = 0;
    while (digits < w.size() && w[digits] >= '0' && w[digits] <= '9')
        ++digits;
    if (digits == 0)
        return false;
    const std::string_view rest = w.substr(digits);
    return rest.empty() || rest == "st" || rest == "nd" || rest == "rd" || rest == "th";
}

/// A term this many words or fewer from a figure stands beside it: "CALGARY, Alberta, March 3"
/// (a dateline) and "nine mths shr 17 cts" (a results table) put every word there. Reuters-21578
/// earnings reports of different companies in one story: 1,163 pairs with a reach of 1, 576
/// with 2 (templates.hpp).
constexpr std::size_t kFigureReach = 2;

/// The code of a word from its XXH3 hash (so the hash is computed once per word).
TermCode code_from_hash(std::uint64_t h, bool caps) noexcept {
    return (static_cast<std::uint32_t>(h >> 33) << 1) | (caps ? 1u : 0u);
}

}  // namespace

TermCode make_term_code(std::string_view normalized_word, bool caps) noexcept {
    return code_from_hash(hash64(normalized_word), caps);
}

TermRules TermRules::of(LangCode language) {
    TermRules rules;
    if (language == kEnglish)
        rules.stop_words = &StopWords::english();
    rules.names = names_by_capitals(language);
    rules.salt = term_salt(language);
    return rules;
}

TermsFound story_terms_from_tokens(std::string_view normalized, std::span<const TokenSpan> tokens,
                                   std::span<const std::uint64_t> token_hashes,
                                   std::span<const std::uint8_t> name_flags,
                                   std::vector<TermCode>& out, const TermRules& rules) {
    // One code per term, in order of first use: a thread-local table maps each word hash seen
    // in this document to its verdict: its place in `terms` (the caps flag is OR-ed across
    // uses) or rejected, with a figure and a stop bit, so each distinct word is judged once and
    // the many repeats of "the" cost one probe. Each token's verdict goes to `verdict` for the
    // passes after the loop: the English probe, and the terms near a figure. Nothing downstream
    // needs an order (weights are integers: overlaps sum exactly in any order) but the figures'
    // neighbours first.
    //
    // Speed: "seen before?" is a coin toss (half of a news text's tokens are repeats) that the
    // processor mispredicts often, and each misprediction costs the whole path from the token
    // to that branch, plus whatever the new-word path adds. Measured over 4,000 Reuters
    // articles (ns per token; the pre-figure function 18.3): everything judged in one loop as
    // first written 28; a separate figure-word lookup at every new word 26-28, behind a
    // bitmap that turns away almost every word with one predictable branch 23.5 (StopWords);
    // the codes computed in a loop of their own, so the token loop's pointers stay in
    // registers instead of on the stack, 2 ns of that. (BM_Story_Terms repeats one text, whose
    // branches the predictor learns by heart: it exaggerated every difference 2-3x.)
    thread_local std::vector<TermCode> terms;
    thread_local std::vector<std::uint64_t> place;     // (hash + 1) << 32 | verdict; 0 = empty
    thread_local std::vector<std::uint32_t> verdict;   // per token
    thread_local std::vector<std::uint32_t> figures;   // token positions of the figures
    thread_local std::vector<std::uint8_t> by_figure;  // per term: stands near a figure
    // A verdict: a term's index, or kRejected; kFigureBit and kStopBit may be added.
    constexpr std::uint32_t kRejected = 0x80000000u;   // a stop word, a number, one letter
    constexpr std::uint32_t kFigureBit = 0x40000000u;  // a number, or a figure written as a word
    constexpr std::uint32_t kStopBit = 0x20000000u;    // a stop word
    constexpr std::uint32_t kIndex = kStopBit - 1;     // kMaxDocumentTokens fits
    const std::size_t n = tokens.size();
    // At most half full (every token a new word), a quarter for usual news: short probe runs.
    std::size_t size = 64;
    while (size < n * 2)
        size *= 2;
    place.assign(size, 0);
    terms.clear();
    const std::size_t mask = size - 1;
    const StopWords* const stop_words = rules.stop_words;
    // Each token's code first, in a loop of its own (vectorized), then its verdict in the same
    // place: the token loop keeps what it needs in registers. As one loop, the hash, name-flag
    // and salt pointers lived on the stack: loads between the token and its probe, paid at
    // every misprediction of "seen before?".
    verdict.resize(n);
    std::uint32_t* const verdicts = verdict.data();
    const std::uint64_t salt = rules.salt;
    const std::uint32_t caps_mask = rules.names ? ~0u : ~1u;
    for (std::size_t i = 0; i < n; ++i)
        verdicts[i] = code_from_hash(token_hashes[i] ^ salt, name_flags[i] != 0) & caps_mask;
    for (std::size_t i = 0; i < n; ++i) {
        const TermCode code = verdicts[i];
        const std::uint64_t key = std::uint64_t{term_hash(code)} + 1;
        std::size_t s = term_hash(code) & mask;
        while (place[s] != 0 && (place[s] >> 32) != key)
            s = (s + 1) & mask;
        std::uint32_t now = 0;
        if (place[s] != 0) {  // seen: a term gains the caps flag, a rejected word stays out
            now = static_cast<std::uint32_t>(place[s]);
            if ((now & kRejected) == 0)
                terms[now & kIndex] |= code;
        } else {
            const std::string_view w =
                normalized.substr(tokens[i].begin, tokens[i].end - tokens[i].begin);
            const bool number = is_figure(w);
            const bool stop =
                !number && stop_words != nullptr && stop_words->contains_hash(token_hashes[i]);
            // A figure written as a word ("nine", "jan") is still a term: ECB+ dev ARI 0.871
            // without them as terms, 0.879 with. The bit is data: no branch depends on it.
            const std::uint32_t word_figure =
                stop_words != nullptr && stop_words->figure_hash(token_hashes[i]) ? kFigureBit : 0u;
            if (number || stop || w.size() < 2) {
                now = kRejected | (number ? kFigureBit : 0u) | (stop ? kStopBit | word_figure : 0u);
            } else {
                now = static_cast<std::uint32_t>(terms.size()) | word_figure;
                terms.push_back(code);
            }
            place[s] = key << 32 | now;
        }
        verdicts[i] = now;
    }
    TermsFound found;
    found.probe.words = static_cast<std::uint32_t>(std::min(n, kEnglishProbeTokens));
    for (std::uint32_t i = 0; i < found.probe.words; ++i)
        found.probe.stop_words += (verdicts[i] & kStopBit) != 0 ? 1u : 0u;
    figures.resize(n);
    std::uint32_t* const figure = figures.data();
    std::size_t n_figures = 0;
    for (std::size_t i = 0; i < n; ++i) {
        figure[n_figures] = static_cast<std::uint32_t>(i);  // kept when a figure
        n_figures += (verdicts[i] & kFigureBit) != 0 ? 1u : 0u;
    }
    if (n_figures == 0) {
        out.assign(terms.begin(), terms.end());  // exact size: documents keep their terms a while
        return found;
    }
    // The terms within kFigureReach tokens of a figure (not the figure itself).
    by_figure.assign(terms.size(), 0);
    for (std::size_t f = 0; f < n_figures; ++f) {
        const std::size_t p = figure[f];
        const std::size_t from = p >= kFigureReach ? p - kFigureReach : 0;
        const std::size_t to = std::min<std::size_t>(n, p + kFigureReach + 1);
        for (std::size_t q = from; q < to; ++q) {
            if (q != p && (verdicts[q] & kRejected) == 0)
                by_figure[verdicts[q] & kIndex] = 1;
        }
    }
    // The figures' neighbours first, each part in order of first use.
    out.resize(terms.size());  // exact size: documents keep their terms a while
    std::size_t k = 0;
    for (std::size_t j = 0; j < terms.size(); ++j) {
        if (by_figure[j] != 0)
            out[k++] = terms[j];
    }
    found.beside_figures = k;
    for (std::size_t j = 0; j < terms.size(); ++j) {
        if (by_figure[j] == 0)
            out[k++] = terms[j];
    }
    return found;
}

std::size_t extract_story_terms(std::string_view text, std::vector<TermCode>& out,
                                const TermRules& rules) {
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
    return story_terms_from_tokens(normalized, tokens, hashes, flags, out, rules).beside_figures;
}

}  // namespace neardup
