#include "neardup/lang/stop_words.hpp"

#include <string>

#include "embedded_tables.hpp"
#include "neardup/core/hash.hpp"
#include "neardup/text/normalize.hpp"

namespace neardup {

namespace {

/// hash64 of each word of a list (whitespace-separated, '#' starts a comment line).
std::vector<std::uint64_t> word_hashes(std::string_view list) {
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
    return words;
}

}  // namespace

StopWords::StopWords(std::string_view stops, std::string_view figures)
    : stops_(make_set(stops)), figures_(make_set(figures)) {
    for (const std::uint64_t h : word_hashes(figures))
        figure_filter_.set(h >> kFilterShift);
}

StopWords::Set StopWords::make_set(std::string_view list) {
    const std::vector<std::uint64_t> words = word_hashes(list);
    std::size_t size = 64;
    while (size < words.size() * 4)  // load under 1/4
        size *= 2;
    // Grow until every word sits within kWindow slots of its home, so that a lookup can
    // compare a fixed window without branching.
    for (Set set;; size *= 2) {
        set.assign(size, 0);
        bool fits = true;
        for (const std::uint64_t h : words) {
            if (listed(set, h))
                continue;
            const std::size_t mask = size - 1;
            std::size_t i = h & mask;
            std::size_t distance = 0;
            while (set[i] != 0) {
                i = (i + 1) & mask;
                ++distance;
            }
            set[i] = fingerprint(h);
            fits = fits && distance < kWindow;
        }
        if (fits)
            return set;
    }
}

const StopWords& StopWords::english() {
    static const StopWords kEnglish(
        detail::embedded_stop_words(),
        "four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
        "hundred thousand dozen "
        // one, two, three: stop words, not figures. Dates are figures too ("CALGARY, Alberta,
        // March 3 - Shr six cts"): months and their abbreviations, weekdays (not "may":
        // mostly the verb).
        "january february march april june july august september october november december "
        "jan feb mar apr jun jul aug sep sept oct nov dec "
        "monday tuesday wednesday thursday friday saturday sunday");
    return kEnglish;
}

bool StopWords::contains(std::string_view normalized_word) const noexcept {
    return contains_hash(hash64(normalized_word));
}

}  // namespace neardup
