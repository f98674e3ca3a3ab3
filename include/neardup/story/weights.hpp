// Term weights for the story level: inverse document frequency, blended with a background.
//
// idf(t) = ln((N + 1) / (df(t) + 1)), where N and df add the shipped background table
// (corpus/idf/background-en.tsv: document frequencies over 23,802 BBC and Reuters articles,
// counts only) to the counts of the corpus being scanned. A folder of two files is weighted by
// the background; a large corpus dominates its own weights. A caps term (a name) weighs x2.
// weighted_jaccard() is sum(min(w_a, w_b)) / sum(max(w_a, w_b)) over the union of terms.
// Read-only after construction, so safe to share between threads.
//
// Example:
//   auto w = neardup::TermWeights::with_background();
//   w.add_document(terms_a);
//   w.add_document(terms_b);
//   w.finalize();
//   double s = neardup::weighted_jaccard(terms_a, wa, terms_b, wb);
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/core/flat_table.hpp"
#include "neardup/story/terms.hpp"

namespace neardup {

class TermWeights {
public:
    /// Counts from the shipped background table.
    static TermWeights with_background();
    /// No background: weights from the corpus alone.
    TermWeights() = default;
    /// Adds a table in the background format ("#documents\tN", then "term\tdf").
    void add_table(std::string_view table);

    /// Counts one document's distinct terms. Call before finalize().
    void add_document(std::span<const TermCode> terms);
    void finalize();

    /// @pre finalize() was called
    [[nodiscard]] float weight(TermCode code) const noexcept;
    /// weights[i] = weight(terms[i])
    void weigh(std::span<const TermCode> terms, std::vector<float>& weights) const;

    [[nodiscard]] std::uint64_t documents() const noexcept { return documents_; }

private:
    /// Per term hash: its document frequency, and after finalize() its idf (x1, not x2).
    struct Entry {
        std::uint32_t df = 0;
        float idf = 0;
    };
    FlatTable<std::uint32_t, Entry, 0xFFFFFFFFu> terms_;  ///< term hashes are < 2^31
    std::uint64_t documents_ = 0;
    float unseen_idf_ = 0;  ///< idf of a term no document has
};

/// Identifies the shipped stop list and background table (stored with a persistent index:
/// terms and weights change when either does).
[[nodiscard]] std::string term_table_version();

/// Weighted Jaccard of two sorted term lists with their weights.
[[nodiscard]] double weighted_jaccard(std::span<const TermCode> a, std::span<const float> wa,
                                      std::span<const TermCode> b,
                                      std::span<const float> wb) noexcept;

}  // namespace neardup
