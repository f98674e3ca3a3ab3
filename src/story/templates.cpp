#include "neardup/story/templates.hpp"

#include <algorithm>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

namespace neardup {

void SourceTemplates::add(std::uint32_t source, std::span<const TermCode> terms,
                          std::size_t beside_figures) {
    for (std::size_t i = 0; i < beside_figures; ++i)
        ++counts_.upsert(key(source, terms[i])).beside;
    articles_.push_back({source, terms});
    ++articles_of_.upsert(source);
}

void SourceTemplates::add_held(std::uint32_t source, std::uint64_t articles,
                               std::span<const TemplateCount> counts) {
    std::uint32_t& n = articles_of_.upsert(source);
    n = static_cast<std::uint32_t>(std::min<std::uint64_t>(n + articles, UINT32_MAX));
    for (const TemplateCount& c : counts) {
        Count& mine = counts_.upsert(hash_key(source, c.term));
        mine.beside += c.beside;
        mine.held_beside += c.beside;
        mine.held_all += c.uses;
    }
}

void SourceTemplates::finalize() {
    // Only terms used beside a figure in enough articles can be a template: count every use
    // of those (a table of a few thousand entries) instead of every term of every article.
    // Kept run counts need every use of every term used beside a figure.
    FlatTable<std::uint64_t, Candidate, ~std::uint64_t{0}> candidates;
    std::uint32_t numbered = 0;
    TermBits maybe;
    counts_.for_each([&](std::uint64_t k, Count& c) {
        const std::uint32_t* articles = articles_of_.find(static_cast<std::uint32_t>(k >> 32));
        if (keep_run_counts_ || (c.beside >= options_.min_documents && articles != nullptr &&
                                 *articles >= options_.min_source_documents)) {
            Candidate& candidate = candidates.upsert(k);
            static_cast<Count&>(candidate) = c;
            candidate.index = numbered++;  // a thread counts it in a vector, not a table
            maybe.set(static_cast<std::uint32_t>(k));
        }
    });
    counts_ = {};
    if (numbered > 0) {
        tbb::enumerable_thread_specific<std::vector<std::uint32_t>> counts(
            [&] { return std::vector<std::uint32_t>(numbered, 0); });
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, articles_.size(), 4096),
                          [&](const auto& r) {
                              std::vector<std::uint32_t>& mine = counts.local();
                              for (std::size_t i = r.begin(); i < r.end(); ++i) {
                                  const Article& a = articles_[i];
                                  for (const TermCode t : a.terms) {
                                      if (!maybe.may_hold(term_hash(t)))
                                          continue;
                                      if (const Candidate* c = candidates.find(key(a.source, t)))
                                          ++mine[c->index];
                                  }
                              }
                          });
        candidates.for_each([&](std::uint64_t, Candidate& c) {
            for (const std::vector<std::uint32_t>& mine : counts)
                c.all += mine[c.index];
        });
    }
    candidates.for_each([&](std::uint64_t k, Candidate& c) {
        if (keep_run_counts_) {
            run_counts_.push_back(
                {static_cast<std::uint32_t>(k >> 32),
                 {static_cast<std::uint32_t>(k), c.beside - c.held_beside, c.all}});
        }
        const std::uint32_t* articles = articles_of_.find(static_cast<std::uint32_t>(k >> 32));
        if (c.beside >= options_.min_documents && articles != nullptr &&
            *articles >= options_.min_source_documents &&
            static_cast<double>(c.beside) >= options_.min_share * (c.all + c.held_all)) {
            templates_.upsert(k) = 1;
            template_bits_.set(static_cast<std::uint32_t>(k));
        }
    });
    std::sort(run_counts_.begin(), run_counts_.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : a.second.term < b.second.term;
    });
    std::vector<Article>().swap(articles_);
}

std::size_t SourceTemplates::remove_from(std::uint32_t source, std::vector<TermCode>& terms) const {
    if (templates_.empty())
        return 0;
    const auto end =
        std::remove_if(terms.begin(), terms.end(), [&](TermCode t) { return contains(source, t); });
    const auto removed = static_cast<std::size_t>(terms.end() - end);
    terms.erase(end, terms.end());
    return removed;
}

}  // namespace neardup
