// What the story level decides about its documents before weighing them: which languages it
// can weigh, and each source's template terms.
//
// Works on one representative per near group. A language is weighed when the story level has
// document frequencies for it: English always (the shipped background table), any other
// language once the run (and index) hold StoryOptions::min_language_documents near groups of
// it; "und" (no language could be told) never. The others' articles get no story links: on
// ~1,000 real web pages of many languages, English weights on German and French text made 34
// false multi-page stories (German function words weighed as rare terms).
//
// Example:
//   auto in = neardup::prepare_story_inputs(terms, reps, {langs, sites, beside, sizes}, options);
//   auto groups = neardup::weigh_documents(terms, reps, weights,
//                                          in.weigh_options());
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "neardup/core/types.hpp"
#include "neardup/lang/language.hpp"
#include "neardup/story/story.hpp"
#include "neardup/story/templates.hpp"

namespace neardup {

/// Per representative (parallel to `reps`): its language, site, story terms beside a figure,
/// and the documents of its near group.
struct RepresentativeFacts {
    std::span<const LangCode> langs;
    std::span<const std::uint32_t> sites;
    std::span<const std::uint16_t> beside_figures;
    std::span<const std::uint32_t> group_sizes;
};

struct StoryInputs {
    std::vector<LangCode> langs;          ///< per representative
    std::vector<std::uint8_t> weighable;  ///< per representative: 1 if its language is weighed
    std::vector<std::uint32_t> sites;     ///< per representative
    std::vector<std::uint16_t> beside_figures;  ///< per representative
    SourceTemplates templates;
    std::uint64_t template_documents = 0;  ///< representatives with template terms
    std::vector<LanguageCount> unweighed;  ///< documents per language not weighed, most first

    [[nodiscard]] WeighOptions weigh_options() const noexcept {
        return {langs, weighable, &templates, sites, beside_figures};
    }
};

/// Whether the story level weighs `lang`, given the near groups of it it knows of.
[[nodiscard]] bool language_weighable(LangCode lang, std::uint64_t groups,
                                      const StoryOptions& options) noexcept;

/// @param terms  story terms by DocId (the representatives' are read)
/// @param known  near groups per language held elsewhere (an index), added to the run's
/// @param templates the templates to count into, seeded with an index's counts (add_held());
///               nullptr: fresh ones with options.templates
[[nodiscard]] StoryInputs prepare_story_inputs(std::span<const std::vector<TermCode>> terms,
                                               std::span<const DocId> reps,
                                               const RepresentativeFacts& facts,
                                               const StoryOptions& options,
                                               std::span<const LanguageCount> known = {},
                                               SourceTemplates* templates = nullptr);

}  // namespace neardup
