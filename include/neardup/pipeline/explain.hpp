// Why two documents are (or are not) grouped: the near level's and the story level's view of
// one pair, computed the way a scan computes them (same normalization, shingles, MinHash, LSH
// bands and story terms), for `neardup explain`.
//
// Near level: the signature estimate and the exact shingle Jaccard, the LSH bands whose keys
// collide (a pair is a candidate when at least one does), the chance of that at the pair's
// similarity, and the longest passages the two share (runs of consecutive shared word
// shingles of the first document, as normalized text). Story level: the weighted Jaccard of
// the IDF-weighted content terms (weights: the shipped background, the two documents and,
// when given, more documents, e.g. an index's), and the shared terms by weight.
// The two documents are read alone: site boilerplate (a look at the whole run) is not applied.
//
// Example:
//   neardup::TermWeights w = neardup::TermWeights::with_background();
//   auto e = neardup::explain_pair(doc_a.text, doc_b.text, cfg, w);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/lsh/params.hpp"
#include "neardup/pipeline/pipeline.hpp"
#include "neardup/story/weights.hpp"

namespace neardup {

struct SharedPassage {
    std::uint64_t words = 0;  ///< tokens in the passage
    std::string text;         ///< the passage as normalized text
};

struct SharedTerm {
    std::string term;   ///< the normalized word
    double weight = 0;  ///< its weight in the weighted Jaccard (the lower of the two)
    bool name = false;  ///< written as a name (capitalised mid-sentence) in either document
};

struct PairExplanation {
    // Near level
    LshParams lsh;
    double threshold = 0;
    std::uint64_t shingles_a = 0;  ///< distinct shingles of each document
    std::uint64_t shingles_b = 0;
    std::uint64_t shingles_shared = 0;
    double estimated = 0;              ///< MinHash estimate of the shingle Jaccard
    double exact = 0;                  ///< exact shingle Jaccard
    std::vector<std::uint32_t> bands;  ///< the colliding bands (0-based)
    double candidate_probability = 0;  ///< P(some band collides) at the exact Jaccard
    bool near = false;  ///< a scan groups them directly: candidates, and over the threshold
    std::vector<SharedPassage> passages;  ///< the longest first, at most `max_passages`
    // Story level
    bool story_enabled = true;
    double edge_threshold = 0;
    double link_threshold = 0;
    LangCode lang_a = kEnglish;  ///< each document's language (the terms follow its rules)
    LangCode lang_b = kEnglish;
    /// Whether the story level weighs each one's language (story/inputs.hpp): an article in a
    /// language it does not weigh gets no story links in a scan.
    bool weighable_a = true;
    bool weighable_b = true;
    std::uint64_t terms_a = 0;
    std::uint64_t terms_b = 0;
    double weighted = 0;                   ///< weighted Jaccard of the story terms
    std::vector<SharedTerm> shared_terms;  ///< heaviest first, at most `max_terms`
};

/// Explains a pair of texts (title and body as the parser joins them). `weights` must be
/// finalized and include the two documents' terms (add_pair_terms() does that).
/// Throws ConfigError for bad settings.
/// `lang_a`, `lang_b`: the documents' languages (language_of_text(), as a scan decides them).
[[nodiscard]] PairExplanation explain_pair(std::string_view text_a, std::string_view text_b,
                                           const ScanConfig& config, const TermWeights& weights,
                                           std::size_t max_passages = 3, std::size_t max_terms = 15,
                                           LangCode lang_a = kEnglish, LangCode lang_b = kEnglish);

/// Two texts as normalized for shingling, with the byte ranges of each that the other shares
/// (runs of consecutive shared word shingles; none for character shingles): what a report's
/// side-by-side view highlights.
struct SharedSpans {
    std::string normalized_a;
    std::string normalized_b;
    std::vector<std::pair<std::size_t, std::size_t>> a;  ///< [begin, end) in normalized_a
    std::vector<std::pair<std::size_t, std::size_t>> b;
};
[[nodiscard]] SharedSpans shared_spans(std::string_view text_a, std::string_view text_b,
                                       const ScanConfig& config);

/// The story terms of a text in `lang`, as the scan extracts them (for the weights).
[[nodiscard]] std::vector<TermCode> story_terms_of(std::string_view text,
                                                   const NormalizeOptions& options,
                                                   LangCode lang = kEnglish);

}  // namespace neardup
