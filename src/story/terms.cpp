#include "neardup/story/terms.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "neardup/core/hash.hpp"
#include "neardup/text/normalize.hpp"

namespace neardup {
namespace {

/// Whether a word starts with a digit: the cheap test in front of is_figure() (it keeps the
/// common case, a word of letters, off is_figure's loop: BM_Story_Terms 16 -> 13 us).
bool starts_with_digit(std::string_view w) noexcept {
    return !w.empty() && w[0] >= '0' && w[0] <= '9';
}

/// A number or an ordinal: 17, 1987, 3rd, 21st (a decimal or thousands separator splits a number
/// into words, each a figure). A word that only starts with digits is a name: 49ers, 3m, 5g.
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
    // in this document to its place in `terms` (the caps flag is OR-ed across uses), or marks
    // it a stop word, a figure or else rejected (one letter), so each distinct word is judged
    // once and the many repeats of "the" cost one probe. Each token's verdict goes to `verdict`
    // for the second pass, which marks the terms near a figure (figures are a few percent of
    // the tokens: the main loop stays free of that work). Nothing downstream needs an order
    // (weights are integers: overlaps sum exactly in any order) but the figures' neighbours
    // first.
    thread_local std::vector<TermCode> terms;
    thread_local std::vector<std::uint8_t> by_figure;  // per term: stands near a figure
    thread_local std::vector<std::uint64_t> place;     // (hash + 1) << 32 | verdict; 0 = empty
    thread_local std::vector<std::uint32_t> verdict;   // per token
    thread_local std::vector<std::uint32_t> figures;   // token positions of the figures
    constexpr std::uint32_t kRejected = 0xFFFFFFFFu;
    constexpr std::uint32_t kFigure = 0xFFFFFFFEu;      // a number: no term
    constexpr std::uint32_t kStop = 0xFFFFFFFDu;        // a stop word
    constexpr std::uint32_t kStopFigure = 0xFFFFFFFCu;  // a stop word that is a figure (march)
    constexpr std::uint32_t kWordFigure = 0x40000000u;  // with a term's index: a figure too
    constexpr std::uint32_t kTerms = kWordFigure * 2;   // verdicts below are terms
    // At most 2/3 full (every token a new word), a third full for usual news (half of a
    // text's tokens are repeats): small enough to stay in the core's first-level cache with
    // the rest, which twice the size (32 KB for 1,000 tokens) did not.
    std::size_t size = 64;
    while (size * 2 < tokens.size() * 3)
        size *= 2;
    place.assign(size, 0);
    verdict.resize(tokens.size());
    terms.resize(tokens.size());  // room for every token: no reallocation inside the loop
    figures.resize(tokens.size());
    const std::size_t mask = size - 1;
    const std::uint32_t caps_mask = rules.names ? 1u : 0u;
    // Raw pointers: the tables do not move inside the loop, and the compiler cannot know that
    // of thread-local vectors across the calls there (it reloaded them every token: 2x slower).
    std::uint64_t* const slot = place.data();
    std::uint32_t* const verdicts = verdict.data();
    TermCode* const term = terms.data();
    std::uint32_t* const figure = figures.data();
    std::uint32_t n_terms = 0;
    std::uint32_t n_figures = 0;
    TermsFound found;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::uint64_t h = token_hashes[i] ^ rules.salt;
        const TermCode code = code_from_hash(h, name_flags[i] != 0) & (~1u | caps_mask);
        const std::uint64_t key = std::uint64_t{term_hash(code)} + 1;
        std::size_t s = term_hash(code) & mask;
        while (slot[s] != 0 && (slot[s] >> 32) != key)
            s = (s + 1) & mask;
        std::uint32_t now = 0;
        if (slot[s] != 0) {  // seen: a term gains the caps flag, a rejected word stays out
            now = static_cast<std::uint32_t>(slot[s]);
            if (now < kTerms)
                term[now & ~kWordFigure] |= code;
        } else {
            const std::string_view w =
                normalized.substr(tokens[i].begin, tokens[i].end - tokens[i].begin);
            // A figure written as a word ("nine", "jan") is still a term: ECB+ dev ARI 0.871
            // without them as terms, 0.879 with.
            const std::uint8_t kind =
                rules.stop_words != nullptr ? rules.stop_words->kind_of_hash(token_hashes[i]) : 0;
            const bool word_figure = (kind & StopWords::kFigure) != 0;
            if (starts_with_digit(w) && is_figure(w)) {
                now = kFigure;
            } else if ((kind & StopWords::kStop) != 0) {
                now = word_figure ? kStopFigure : kStop;
            } else if (w.size() < 2) {
                now = kRejected;
            } else {
                now = n_terms | (word_figure ? kWordFigure : 0u);
                term[n_terms++] = code;
            }
            slot[s] = key << 32 | now;
        }
        verdicts[i] = now;
        figure[n_figures] = static_cast<std::uint32_t>(i);  // kept when it is a figure
        n_figures +=
            now == kFigure || now == kStopFigure || (now < kTerms && now >= kWordFigure) ? 1u : 0u;
    }
    // The English probe, from the verdicts (a loop the compiler vectorizes; counted inside
    // the main loop it cost 10% of it).
    found.probe.words = static_cast<std::uint32_t>(std::min(tokens.size(), kEnglishProbeTokens));
    for (std::uint32_t i = 0; i < found.probe.words; ++i)
        found.probe.stop_words += verdicts[i] == kStop || verdicts[i] == kStopFigure ? 1u : 0u;
    if (n_figures == 0) {
        out.assign(term, term + n_terms);  // exact size: documents keep their terms a while
        return found;
    }
    // The terms within kFigureReach tokens of a figure (not the figure itself).
    by_figure.assign(n_terms, 0);
    for (std::uint32_t f = 0; f < n_figures; ++f) {
        const std::size_t p = figure[f];
        const std::size_t from = p >= kFigureReach ? p - kFigureReach : 0;
        const std::size_t to = std::min<std::size_t>(tokens.size(), p + kFigureReach + 1);
        for (std::size_t q = from; q < to; ++q) {
            if (q != p && verdicts[q] < kTerms)
                by_figure[verdicts[q] & ~kWordFigure] = 1;
        }
    }
    // The figures' neighbours first, each part in order of first use.
    out.resize(n_terms);  // exact size: documents keep their terms a while
    std::size_t k = 0;
    for (std::uint32_t j = 0; j < n_terms; ++j) {
        if (by_figure[j] != 0)
            out[k++] = term[j];
    }
    found.beside_figures = k;
    for (std::uint32_t j = 0; j < n_terms; ++j) {
        if (by_figure[j] == 0)
            out[k++] = term[j];
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
