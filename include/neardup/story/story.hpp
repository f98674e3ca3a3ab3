// Story clustering: groups near-duplicate groups that tell the same story in different words.
//
// Works on one representative per near-duplicate group (copies add nothing at this level):
//  1. weigh each representative's story terms (weights.hpp; weigh_documents() lays them out in
//     one arena) and sketch them with weighted MinHash (expansion into weight-many features,
//     then one-permutation MinHash); LSH over those sketches (bands x rows in `lsh`), one pass
//     per band in sketch-content order, proposes candidates; the low byte of each sketch slot
//     screens them;
//  2. a candidate pair is an edge when its exact weighted Jaccard reaches `edge_threshold`;
//  3. connected components of those edges are refined by complete-link clustering at
//     `link_threshold` (merge the two clusters whose least similar members are most similar,
//     while that similarity reaches the threshold), so one bridge article cannot chain two
//     different events of the same kind together (DESIGN.md: about +0.1 ARI on ECB+).
// Every document then gets the story of its near-duplicate group's representative.
// Deterministic and independent of input order: band runs are ordered by sketch content,
// similarities are exact integer sums, edges are sorted, ties are broken by index.
//
// Example:
//   neardup::StoryStats stats;
//   auto groups = neardup::weigh_documents(terms, near.representative, weights);
//   auto stories = neardup::cluster_stories(groups, near, {}, keys, stats);
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "neardup/cluster/clustering.hpp"
#include "neardup/core/raw_vector.hpp"
#include "neardup/lsh/params.hpp"
#include "neardup/minhash/minhash.hpp"
#include "neardup/story/templates.hpp"
#include "neardup/story/terms.hpp"
#include "neardup/story/weights.hpp"

namespace neardup {

struct StoryOptions {
    bool enabled = true;
    double edge_threshold = 0.1;     ///< weighted Jaccard for an edge between two stories
    double link_threshold = 0.05;    ///< complete-link threshold inside a component
    float copies_per_weight = 2.0F;  ///< weighted MinHash quantization (features per unit weight)
    std::uint32_t num_perm = 192;    ///< MinHash slots per sketch (bands x rows)
    /// bands x rows over the sketch: a pair at weighted Jaccard 0.1 shares a band with
    /// probability 1 - (1 - 0.1^2)^96 = 62% (64 bands: 47%); ECB+ dev ARI rose with the bands
    /// (64: 0.869, 80: 0.872, 96: 0.876, 128: 0.876), the cost grows with them.
    LshParams lsh{96, 2};
    std::uint64_t seed = 7;
    /// Near groups a language without a shipped background table (all but English) needs in
    /// the run (and index) before its own document frequencies weigh its terms; with fewer its
    /// articles get no story links (their stories are their near groups). See DEFAULT in
    /// README: no false stories is worth more than a few missed ones.
    std::uint64_t min_language_documents = 1000;
    TemplateOptions templates;  ///< terms a source writes in a fixed pattern (templates.hpp)
};

/// The story level's languages: which it weighs, and the documents it could not.
struct LanguageCount {
    LangCode lang = kUndetermined;
    std::uint64_t documents = 0;
};

struct StoryStats {
    std::uint64_t candidates = 0;  ///< candidate pairs from LSH
    std::uint64_t verified = 0;    ///< of them, passed the sketch screen and were verified
    std::uint64_t edges = 0;       ///< pairs at or above edge_threshold
    std::uint64_t largest_component = 0;
    /// Documents in languages the story level cannot weigh (no table, too few documents, or
    /// undetermined), by language (most first): their stories are their near groups.
    std::vector<LanguageCount> unweighed;
    std::uint64_t template_terms = 0;      ///< (source, term) pairs found to be templates
    std::uint64_t template_documents = 0;  ///< representatives that lost terms to them
    double weights_seconds = 0;    ///< document frequencies, idf, weighing (set by the caller)
    double sketch_seconds = 0;     ///< weighted MinHash sketches (parallel)
    double candidate_seconds = 0;  ///< LSH bands, screen, exact verification (parallel)
    double link_seconds = 0;       ///< components, cut into pieces (serial)
    double refine_seconds = 0;     ///< complete-link inside each piece (parallel)
};

/// Weighted term lists side by side in one arena: the story level compares pairs of them
/// millions of times, and contiguous lists keep that cache-friendly. Entry k stands for
/// document which[source[k]] of weigh_documents(): entries are laid out by locality (see
/// there), not in the order of `which`.
struct WeightedDocs {
    std::vector<std::size_t> begin;  ///< entry k's terms are [begin[k], begin[k + 1])
    RawVector<WeightedTerm> terms;
    std::vector<std::uint64_t> total;   ///< sum of entry k's weights
    std::vector<std::uint32_t> source;  ///< entry k is which[source[k]]

    [[nodiscard]] std::size_t size() const noexcept { return total.size(); }
    [[nodiscard]] std::span<const WeightedTerm> of(std::size_t g) const noexcept {
        return {terms.data() + begin[g], begin[g + 1] - begin[g]};
    }
};

/// What the story level leaves out of the documents it weighs, and their languages (all per
/// entry of `which`).
struct WeighOptions {
    std::span<const LangCode> langs;  ///< empty: all English
    /// 0: a document in a language the story level cannot weigh: it is weighed as having no
    /// terms (no story links). Empty: all weighable.
    std::span<const std::uint8_t> weighable;
    /// Terms left out where a document uses them beside a figure, per source: the first
    /// beside_figures[i] terms of entry i (terms.hpp) of source sites[i].
    const SourceTemplates* templates = nullptr;
    std::span<const std::uint32_t> sites;
    std::span<const std::uint16_t> beside_figures;
};

/// Every terms[which[i]] weighed by `weights` (in parallel), without what `options` leaves
/// out. Entries are ordered by the smallest hash among their names (caps terms; else among all
/// terms), then by i: a MinHash of the names, so articles on one story, which share their
/// names, land side by side, and comparing a story's members then reads memory the cache
/// already holds (a story's rewrites otherwise sit anywhere in an arena far larger than the
/// cache).
[[nodiscard]] WeightedDocs weigh_documents(std::span<const std::vector<TermCode>> terms,
                                           std::span<const DocId> which, const TermWeights& weights,
                                           const WeighOptions& options = {});

/// @param groups one weighted document per near-duplicate group: its representative's terms
///               (weigh_documents(terms, near.representative, weights): entry k stands for
///               group groups.source[k])
/// @param near   the near-duplicate clustering of the documents
/// @param keys   representative keys per DocId (for the story representatives)
/// @param linked pairs of groups that are one story already (an index's held stories): each
///               is an edge when its weighted Jaccard reaches the link threshold, so a held
///               story whose groups were connected through groups not given stays one
///               component (complete link still decides; its pairs reached that threshold)
[[nodiscard]] Clustering cluster_stories(
    const WeightedDocs& groups, const Clustering& near, const StoryOptions& options,
    std::span<const RepresentativeKey> keys, StoryStats& stats,
    std::span<const std::pair<std::uint32_t, std::uint32_t>> linked = {});

/// The story-level LSH band keys of one weighted term list, as cluster_stories() bands it
/// (o.lsh.bands keys; an index stores them to find held stories): false, with no keys, when
/// the list is empty. `hasher` is MinHasher(o.num_perm, o.seed).
bool story_band_keys(std::span<const WeightedTerm> terms, const StoryOptions& o,
                     const MinHasher& hasher, std::span<std::uint64_t> out);

/// Complete-link agglomeration of n items with similarity `sim` (row-major n x n, symmetric).
/// Returns a cluster label per item: labels are the smallest item index in each cluster.
[[nodiscard]] std::vector<std::uint32_t> complete_link(std::vector<float> sim, std::size_t n,
                                                       double threshold);

}  // namespace neardup
