// Term weights for the story level: inverse document frequency, blended with a background.
//
// idf(t) = ln((N_L + 1) / (df(t) + 1)) for a term t of language L (terms of different languages
// never share a hash: terms.hpp), where N_L (the documents of L) and df add the shipped English
// background table
// (corpus/idf/background-en.tsv: document frequencies over 23,802 BBC and Reuters articles,
// counts only, counted three times: see kBackgroundWeight in weights.cpp) to the counts of the
// corpus being scanned. A folder of two files is weighted by the background; a corpus several
// times larger than it dominates its own weights. A caps term (a name) weighs x2.
// weighted_jaccard() is sum(min(w_a, w_b)) / sum(max(w_a, w_b)) over the union of terms.
// Read-only after construction, so safe to share between threads.
//
// Example:
//   auto w = neardup::TermWeights::with_background();
//   w.add_document(terms_a);
//   w.add_document(terms_b);
//   w.finalize();
//   std::vector<neardup::WeightedTerm> wa(terms_a.size()), wb(terms_b.size());
//   w.weigh(terms_a, wa);
//   w.weigh(terms_b, wb);
//   double s = neardup::weighted_jaccard(wa, wb);
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/core/flat_table.hpp"
#include "neardup/core/types.hpp"
#include "neardup/lang/language.hpp"
#include "neardup/story/terms.hpp"

namespace neardup {

/// Weights are fixed-point integers (units of 2^-16): sums are exact, so an overlap is the
/// same whatever order the terms are visited in (terms are not sorted; see terms.hpp).
inline constexpr double kWeightScale = 65536.0;

/// Names (terms capitalised mid-sentence) weigh double: DESIGN.md measured +0.01 ARI on ECB+.
inline constexpr float kCapsFactor = 2.0F;

/// A story term with its weight (idf, x2 for a name, times kWeightScale), keyed by the term's
/// hash.
struct WeightedTerm {
    std::uint32_t hash;
    std::uint32_t weight;
};

class TermWeights {
public:
    /// Counts from the shipped background table.
    static TermWeights with_background();
    /// No background: weights from the corpus alone.
    TermWeights() = default;
    /// Adds a table in the background format ("#documents\tN", then "term\tdf"), every count
    /// multiplied by `times`.
    void add_table(std::string_view table, std::uint32_t times = 1);

    /// Adds `df` documents to the count of term hash `term` (counts kept elsewhere, such as an
    /// index's term_df), and `documents` of `lang` to N with add_documents_count().
    void add_count(std::uint32_t term, std::uint32_t df) { terms_.upsert(term).df += df; }
    void add_documents_count(std::uint64_t documents, LangCode lang = kEnglish);
    /// Counts one document's distinct terms. Call before finalize().
    void add_document(std::span<const TermCode> terms, LangCode lang = kEnglish);
    /// add_document(terms[which[i]], langs[i]) for every i, in parallel (`langs` empty: all
    /// English).
    void add_documents(std::span<const std::vector<TermCode>> terms, std::span<const DocId> which,
                       std::span<const LangCode> langs = {});
    void finalize();

    /// @pre finalize() was called
    [[nodiscard]] float weight(TermCode code, LangCode lang = kEnglish) const noexcept;
    /// out[i] = {term_hash(terms[i]), weight(terms[i], lang) in kWeightScale units}
    /// @pre out.size() == terms.size()
    void weigh(std::span<const TermCode> terms, std::span<WeightedTerm> out,
               LangCode lang = kEnglish) const;

    /// N_L, with the background's; documents() sums every language's.
    [[nodiscard]] std::uint64_t documents(LangCode lang) const noexcept;
    [[nodiscard]] std::uint64_t documents() const noexcept;

private:
    /// Per term hash: its document frequency, and after finalize() ln(df + 1).
    struct Entry {
        std::uint32_t df = 0;
        float log_df = 0;
    };
    struct Language {
        LangCode lang;
        std::uint64_t documents;
        float log_documents;  ///< ln(N_L + 1), after finalize(): the idf of an unseen term
    };
    [[nodiscard]] Language& language(LangCode lang);
    [[nodiscard]] float log_documents(LangCode lang) const noexcept;
    /// weight() given ln(N_L + 1) (weigh() looks the language up once per document).
    [[nodiscard]] float weight_given(TermCode code, float log_n) const noexcept {
        const Entry* e = terms_.find(term_hash(code));
        // A term of the language has df <= N_L; max() keeps a hash collision from going
        // negative.
        const float idf = std::max(0.0F, e == nullptr ? log_n : log_n - e->log_df);
        return term_caps(code) ? idf * kCapsFactor : idf;
    }
    FlatTable<std::uint32_t, Entry, 0xFFFFFFFFu> terms_;  ///< term hashes are < 2^31
    std::vector<Language> languages_;                     ///< a handful: searched in order
};

/// Identifies the shipped stop list and background table (stored with a persistent index:
/// terms and weights change when either does).
[[nodiscard]] std::string term_table_version();

/// One document's weighted terms in a small open-addressing table, to compare that document
/// with many others at about one probe per term of the other (a row of the complete-link
/// matrix, a document's LSH candidates). Every term sits within kWindow slots of its home
/// slot (the table grows until it does), so a probe compares a fixed window without a
/// branch: whether a term is shared is a coin toss the branch predictor cannot learn.
class TermLookup {
public:
    void assign(std::span<const WeightedTerm> terms);
    /// sum(min(w_a, w_b)) over the terms shared by the assigned list and `other`.
    [[nodiscard]] std::uint64_t overlap(std::span<const WeightedTerm> other) const noexcept;

private:
    static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;  ///< term hashes are < 2^31
    static constexpr std::size_t kWindow = 4;
    /// Places every term within kWindow slots of home in a table of `size` slots (+ the
    /// window's padding, no wrap-around); false if one does not fit, unless
    /// `overflow_allowed`: then it goes to overflow_.
    bool place(std::span<const WeightedTerm> terms, std::size_t size, bool overflow_allowed);
    // Hashes and weights apart, so that one 16-byte load holds a window's hashes.
    std::vector<std::uint32_t> hashes_;
    std::vector<std::uint32_t> weights_;
    std::vector<WeightedTerm> overflow_;  ///< terms no window could hold (adversarial input)
    std::size_t mask_ = 0;
};

/// Sum of the weights (a document's total, reused across its pairs).
[[nodiscard]] std::uint64_t total_weight(std::span<const WeightedTerm> terms) noexcept;
/// Weighted Jaccard from the overlap and the two totals: overlap / (total_a + total_b - overlap).
[[nodiscard]] double weighted_jaccard_from(std::uint64_t overlap, std::uint64_t total_a,
                                           std::uint64_t total_b) noexcept;
/// Weighted Jaccard sum(min) / sum(max) of two weighted term lists (distinct terms each).
[[nodiscard]] double weighted_jaccard(std::span<const WeightedTerm> a,
                                      std::span<const WeightedTerm> b);

}  // namespace neardup
