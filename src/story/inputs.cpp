#include "neardup/story/inputs.hpp"

#include <algorithm>

#include "neardup/core/error.hpp"

namespace neardup {
namespace {

/// Adds `n` to `lang`'s count in a short list.
void add_count(std::vector<LanguageCount>& counts, LangCode lang, std::uint64_t n) {
    for (LanguageCount& c : counts) {
        if (c.lang == lang) {
            c.documents += n;
            return;
        }
    }
    counts.push_back({lang, n});
}

std::uint64_t count_of(std::span<const LanguageCount> counts, LangCode lang) noexcept {
    for (const LanguageCount& c : counts) {
        if (c.lang == lang)
            return c.documents;
    }
    return 0;
}

}  // namespace

bool language_weighable(LangCode lang, std::uint64_t groups, const StoryOptions& options) noexcept {
    if (lang == kEnglish)
        return true;
    return lang != kUndetermined && groups >= options.min_language_documents;
}

StoryInputs prepare_story_inputs(std::span<const std::vector<TermCode>> terms,
                                 std::span<const DocId> reps, const RepresentativeFacts& facts,
                                 const StoryOptions& options, std::span<const LanguageCount> known,
                                 SourceTemplates* templates) {
    const std::size_t n = reps.size();
    NEARDUP_CHECK(facts.langs.size() == n && facts.sites.size() == n &&
                      facts.beside_figures.size() == n && facts.group_sizes.size() == n,
                  "prepare_story_inputs: one fact of each kind per representative");
    StoryInputs in{
        {facts.langs.begin(), facts.langs.end()},
        std::vector<std::uint8_t>(n, 0),
        {facts.sites.begin(), facts.sites.end()},
        {facts.beside_figures.begin(), facts.beside_figures.end()},
        templates != nullptr ? std::move(*templates) : SourceTemplates(options.templates),
        0,
        {}};
    std::vector<LanguageCount> groups(known.begin(), known.end());
    for (const LangCode l : facts.langs)
        add_count(groups, l, 1);
    for (std::size_t i = 0; i < n; ++i) {
        const LangCode l = facts.langs[i];
        in.weighable[i] = language_weighable(l, count_of(groups, l), options) ? 1 : 0;
        if (in.weighable[i] != 0)
            in.templates.add(facts.sites[i], terms[reps[i]], facts.beside_figures[i]);
        else
            add_count(in.unweighed, l, facts.group_sizes[i]);
    }
    in.templates.finalize();
    if (in.templates.size() > 0) {
        for (std::size_t i = 0; i < n; ++i) {
            if (in.weighable[i] == 0)
                continue;
            const std::vector<TermCode>& mine = terms[reps[i]];
            const auto beside =
                mine.begin() + std::min<std::ptrdiff_t>(facts.beside_figures[i],
                                                        static_cast<std::ptrdiff_t>(mine.size()));
            in.template_documents += std::any_of(mine.begin(), beside, [&](TermCode t) {
                return in.templates.contains(facts.sites[i], t);
            });
        }
    }
    std::sort(in.unweighed.begin(), in.unweighed.end(), [](const auto& a, const auto& b) {
        return a.documents != b.documents ? a.documents > b.documents : a.lang < b.lang;
    });
    return in;
}

}  // namespace neardup
