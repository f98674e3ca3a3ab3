// Source templates: terms a source writes in a fixed pattern across many of its articles.
//
// A wire service's results tables ("WHITTAKER CORP 1ST QTR OPER SHR 17 CTS VS 25 CTS") share
// every word but the company's name and the figures, so two reports of different companies
// look like one story to weighted Jaccard: one scan of Reuters-21578 put 156 of them in one
// story. What marks such terms is how they are used: beside a figure (terms.hpp puts those
// first), in most of their uses, in many articles of one source ("shr": beside a figure in 90%
// of the 2,537 Reuters articles that have it; "japan": in 12%). Those terms of a source are
// its template and are left out of its articles' story terms, so the names (and what else
// differs) decide. Learnt from the run, one article per near group (copies would count a
// template many times), the way site boilerplate (boilerplate/site.hpp) learns recurring
// paragraphs; no hand list.
// Measured on Reuters-21578 (2,166 earnings reports, a sample of 177,402 pairs of different
// companies): pairs at weighted Jaccard >= 0.1 fell from 49% to 2.4%, pairs of one company's
// reports at >= 0.1 from 11% to 10%.
//
// Example:
//   neardup::SourceTemplates templates;
//   templates.add(source, terms, beside_figures);  // per near group's representative
//   templates.finalize();
//   bool t = templates.contains(source, terms[0]);
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "neardup/core/bit_filter.hpp"
#include "neardup/core/flat_table.hpp"
#include "neardup/story/terms.hpp"

namespace neardup {

struct TemplateOptions {
    /// Articles of the source that must use the term beside a figure: a story with a figure in
    /// its headline ("Flight 370") stays a story until it is in this many different articles.
    /// Reuters-21578 earnings reports of different companies in one story: 428 pairs at 100,
    /// 447 at 80, 595 at 120.
    std::uint32_t min_documents = 100;
    /// Of the source's articles that have the term, the share that use it beside a figure.
    double min_share = 0.5;
    /// Articles (near groups) a source needs before its templates are learnt. ECB+ dev (772
    /// articles of one event-centred collection, read as one source) learns "old" from "a
    /// 45-year-old man" in 158 articles, which cost 0.006 ARI; a wire template shows across
    /// thousands of articles (Reuters' "shr": 2,288 of 21,578).
    std::uint32_t min_source_documents = 2000;
};

/// One source's counts of one term, as an index keeps them between runs.
struct TemplateCount {
    std::uint32_t term = 0;    ///< term_hash()
    std::uint32_t beside = 0;  ///< articles that used it beside a figure
    /// Articles that had it: counted from the run in which it first stood beside a figure in
    /// that source (a term never beside a figure is never a candidate, and is not kept).
    std::uint32_t uses = 0;
};

class SourceTemplates {
public:
    explicit SourceTemplates(TemplateOptions options = {}) : options_(options) {}

    /// Counts one article of `source`: its terms, the first `beside_figures` of them used
    /// beside a figure (story_terms_from_tokens()).
    void add(std::uint32_t source, std::span<const TermCode> terms, std::size_t beside_figures);
    /// Counts of earlier runs (an index's) of `source`: `articles` more articles, and its terms'
    /// counts. Call before finalize().
    void add_held(std::uint32_t source, std::uint64_t articles,
                  std::span<const TemplateCount> counts);
    /// Asks finalize() to keep what this run's add()s counted (run_counts()).
    void keep_run_counts() noexcept { keep_run_counts_ = true; }
    /// Decides the templates. Call after every add().
    void finalize();
    /// After finalize(), with keep_run_counts(): for each (source, term) used beside a figure in
    /// this run or held, this run's counts; ascending by source, then term. What an index adds
    /// to its counts.
    [[nodiscard]] const std::vector<std::pair<std::uint32_t, TemplateCount>>& run_counts()
        const noexcept {
        return run_counts_;
    }

    /// Whether `term` is part of `source`'s template. @pre finalize() was called
    [[nodiscard]] bool contains(std::uint32_t source, TermCode term) const noexcept {
        return template_bits_.may_hold(term_hash(term)) &&
               templates_.find(key(source, term)) != nullptr;
    }
    /// Removes the template terms of `source` from `terms`; returns how many went.
    std::size_t remove_from(std::uint32_t source, std::vector<TermCode>& terms) const;
    /// Template terms found, over all sources.
    [[nodiscard]] std::size_t size() const noexcept { return templates_.size(); }

private:
    [[nodiscard]] static std::uint64_t key(std::uint32_t source, TermCode term) noexcept {
        return std::uint64_t{source} << 32 | term_hash(term);
    }
    [[nodiscard]] static std::uint64_t hash_key(std::uint32_t source, std::uint32_t hash) noexcept {
        return std::uint64_t{source} << 32 | hash;
    }
    /// A bit per low 16 bits of a set of term hashes (core/bit_filter.hpp).
    using TermBits = BitFilter<1 << 16>;
    struct Count {
        std::uint32_t beside = 0;       ///< articles that use the term beside a figure
        std::uint32_t all = 0;          ///< articles that have it (counted for candidates only)
        std::uint32_t held_beside = 0;  ///< of `beside`, counted in earlier runs (add_held())
        std::uint32_t held_all = 0;     ///< articles of earlier runs that have it
    };
    /// A term that may be a template (finalize()): its counts and its place in the
    /// per-thread count vectors.
    struct Candidate : Count {
        std::uint32_t index = 0;
    };
    struct Article {
        std::uint32_t source;
        std::span<const TermCode> terms;
    };
    FlatTable<std::uint32_t, std::uint32_t, 0xFFFFFFFFu> articles_of_;  ///< by source
    TemplateOptions options_;
    FlatTable<std::uint64_t, Count, ~std::uint64_t{0}> counts_;  ///< by (source, term)
    FlatTable<std::uint64_t, std::uint8_t, ~std::uint64_t{0}> templates_;
    TermBits template_bits_;         ///< the term hashes in templates_
    std::vector<Article> articles_;  ///< what add() saw, for finalize()'s second count
    bool keep_run_counts_ = false;
    std::vector<std::pair<std::uint32_t, TemplateCount>> run_counts_;
};

}  // namespace neardup
