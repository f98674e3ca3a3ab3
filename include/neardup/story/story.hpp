// Story clustering: groups near-duplicate groups that tell the same story in different words.
//
// Works on one representative per near-duplicate group (copies add nothing at this level):
//  1. weigh each representative's story terms (weights.hpp) and sketch them with weighted
//     MinHash (expansion into weight-many features, then one-permutation MinHash); LSH over
//     those sketches (bands x rows in `lsh`) proposes candidates;
//  2. a candidate pair is an edge when its exact weighted Jaccard reaches `edge_threshold`;
//  3. connected components of those edges are refined by complete-link clustering at
//     `link_threshold` (merge the two clusters whose least similar members are most similar,
//     while that similarity reaches the threshold), so one bridge article cannot chain two
//     different events of the same kind together (DESIGN.md: about +0.1 ARI on ECB+).
// Every document then gets the story of its near-duplicate group's representative.
// Deterministic: edges are found in DocId order and ties broken by index.
//
// Example:
//   neardup::StoryStats stats;
//   auto stories = neardup::cluster_stories(terms, near, weights, {}, keys, stats);
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "neardup/cluster/clustering.hpp"
#include "neardup/lsh/params.hpp"
#include "neardup/story/terms.hpp"
#include "neardup/story/weights.hpp"

namespace neardup {

struct StoryOptions {
    bool enabled = true;
    double edge_threshold = 0.1;     ///< weighted Jaccard for an edge between two stories
    double link_threshold = 0.05;    ///< complete-link threshold inside a component
    float copies_per_weight = 2.0F;  ///< weighted MinHash quantization (features per unit weight)
    std::uint32_t num_perm = 128;    ///< MinHash slots per sketch (bands x rows)
    LshParams lsh{64, 2};            ///< bands x rows over the sketch
    std::uint64_t seed = 7;
};

struct StoryStats {
    std::uint64_t candidates = 0;  ///< candidate pairs verified
    std::uint64_t edges = 0;       ///< pairs at or above edge_threshold
    std::uint64_t largest_component = 0;
    double weights_seconds = 0;    ///< document frequencies and idf (set by the caller)
    double sketch_seconds = 0;     ///< weighing and weighted MinHash (parallel)
    double candidate_seconds = 0;  ///< LSH index and candidate lists (parallel)
    double link_seconds = 0;       ///< verification and components (serial)
    double refine_seconds = 0;     ///< complete-link inside components
};

/// @param terms per DocId, sorted (extract_story_terms)
/// @param near  the near-duplicate clustering of the same documents
/// @param keys  representative keys per DocId (for the story representatives)
[[nodiscard]] Clustering cluster_stories(std::span<const std::vector<TermCode>> terms,
                                         const Clustering& near, const TermWeights& weights,
                                         const StoryOptions& options,
                                         std::span<const RepresentativeKey> keys,
                                         StoryStats& stats);

/// Complete-link agglomeration of n items with similarity `sim` (row-major n x n, symmetric).
/// Returns a cluster label per item: labels are the smallest item index in each cluster.
[[nodiscard]] std::vector<std::uint32_t> complete_link(std::vector<float> sim, std::size_t n,
                                                       double threshold);

}  // namespace neardup
