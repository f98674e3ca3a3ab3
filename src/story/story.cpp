#include "neardup/story/story.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <numeric>
#include <unordered_map>

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include "neardup/lsh/index.hpp"
#include "neardup/minhash/minhash.hpp"

namespace neardup {
namespace {

/// Story buckets are large (low thresholds); the newest 64 entries per band suffice to connect.
constexpr std::uint32_t kStoryBucketWalk = 8;

/// A representative's weighted terms and LSH keys.
struct StoryDoc {
    std::vector<float> weights;
    Signature signature;              ///< weighted MinHash sketch (empty without story terms)
    std::vector<std::uint64_t> keys;  ///< LSH keys of the sketch (empty without story terms)
};

/// Weighted MinHash by expansion: a term of weight w contributes round(w * kCopiesPerWeight)
/// distinct features (term, 0), (term, 1), ..., so the plain Jaccard of two expanded sets is
/// the weighted Jaccard of the quantized weights, and one-permutation MinHash sketches it at
/// O(1) per feature (a few thousand features per article, versus ICWS's O(terms x slots)).
void sketch(std::span<const TermCode> terms, const StoryOptions& o, const MinHasher& hasher,
            StoryDoc& doc) {
    if (terms.empty())
        return;
    const std::vector<float>& weights = doc.weights;
    std::vector<ShingleHash> features;
    features.reserve(terms.size() * 8);
    for (std::size_t i = 0; i < terms.size(); ++i) {
        const long copies = std::max(1L, std::lround(weights[i] * o.copies_per_weight));
        const std::uint64_t base = static_cast<std::uint64_t>(term_hash(terms[i])) << 20;
        for (long c = 0; c < copies; ++c)
            features.push_back(base | static_cast<std::uint64_t>(c));
    }
    doc.signature.resize(hasher.num_perm());
    hasher.sign(features, doc.signature);
    doc.keys.resize(o.lsh.bands);
    band_keys(doc.signature, o.lsh, doc.keys);
}

/// Connected components (as lists of representative indexes) of the story edges.
std::vector<std::vector<std::uint32_t>> component_lists(UnionFind& uf, std::size_t n) {
    std::vector<std::vector<std::uint32_t>> out;
    std::vector<std::uint32_t> slot(n, 0xFFFFFFFFu);
    for (std::size_t i = 0; i < n; ++i) {
        const DocId root = uf.find(static_cast<DocId>(i));
        if (slot[root] == 0xFFFFFFFFu) {
            slot[root] = static_cast<std::uint32_t>(out.size());
            out.emplace_back();
        }
        out[slot[root]].push_back(static_cast<std::uint32_t>(i));
    }
    return out;
}

}  // namespace

std::vector<std::uint32_t> complete_link(std::vector<float> sim, std::size_t n, double threshold) {
    std::vector<std::uint32_t> label(n);
    std::iota(label.begin(), label.end(), 0u);
    std::vector<bool> active(n, true);
    for (;;) {
        float best = -1.0F;
        std::size_t bi = 0;
        std::size_t bj = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (!active[i])
                continue;
            for (std::size_t j = i + 1; j < n; ++j) {
                if (active[j] && sim[i * n + j] > best) {
                    best = sim[i * n + j];
                    bi = i;
                    bj = j;
                }
            }
        }
        if (best < 0.0F || static_cast<double>(best) < threshold)
            break;
        active[bj] = false;  // bi < bj: the cluster keeps its smallest index as label
        for (std::size_t k = 0; k < n; ++k) {
            const float m = std::min(sim[bi * n + k], sim[bj * n + k]);
            sim[bi * n + k] = m;
            sim[k * n + bi] = m;
        }
        for (std::size_t k = 0; k < n; ++k) {
            if (label[k] == bj)
                label[k] = static_cast<std::uint32_t>(bi);
        }
    }
    return label;
}

namespace {

struct Edge {
    std::uint32_t a;
    std::uint32_t b;
    float similarity;
};

/// Splits one component into story clusters and unites each cluster's representatives.
class Refiner {
public:
    Refiner(const StoryOptions& o, std::function<double(std::size_t, std::size_t)> similarity)
        : o_(o), similarity_(std::move(similarity)) {}

    /// @param members representative indexes of one component, ascending
    /// @param edges   the verified edges inside it (a spanning forest at least)
    /// @param unite   called with two representative indexes that share a story
    void refine(const std::vector<std::uint32_t>& members, const std::vector<Edge>& edges,
                double threshold, const std::function<void(std::uint32_t, std::uint32_t)>& unite) {
        if (members.size() <= kMaxDense) {
            dense(members, unite);
            return;
        }
        if (threshold >= 1.0) {  // still huge at identical similarity: keep it whole
            for (std::uint32_t m : members)
                unite(members[0], m);
            return;
        }
        // Too big for complete-link: split on the stronger edges first (single-link levels).
        const double next = threshold + kSplitStep;
        std::unordered_map<std::uint32_t, std::uint32_t> local;
        for (std::uint32_t i = 0; i < members.size(); ++i)
            local[members[i]] = i;
        UnionFind uf(members.size());
        for (const Edge& e : edges) {
            if (static_cast<double>(e.similarity) >= next)
                uf.unite(local[e.a], local[e.b]);
        }
        std::unordered_map<DocId, std::vector<std::uint32_t>> piece_members;
        for (std::uint32_t i = 0; i < members.size(); ++i)
            piece_members[uf.find(i)].push_back(members[i]);
        std::unordered_map<DocId, std::vector<Edge>> piece_edges;
        for (const Edge& e : edges) {
            if (static_cast<double>(e.similarity) >= next)
                piece_edges[uf.find(local[e.a])].push_back(e);
        }
        std::vector<DocId> roots;
        for (const auto& [root, list] : piece_members)
            roots.push_back(root);
        std::sort(roots.begin(), roots.end());
        for (DocId root : roots)
            refine(piece_members[root], piece_edges[root], next, unite);
    }

private:
    static constexpr std::size_t kMaxDense = 400;  // complete-link cost is O(m^3)
    static constexpr double kSplitStep = 0.05;

    void dense(const std::vector<std::uint32_t>& comp,
               const std::function<void(std::uint32_t, std::uint32_t)>& unite) {
        const std::size_t m = comp.size();
        if (m < 2)
            return;
        std::vector<float> sim(m * m, 1.0F);
        tbb::parallel_for(std::size_t{0}, m, [&](std::size_t i) {
            for (std::size_t j = i + 1; j < m; ++j) {
                const auto s = static_cast<float>(similarity_(comp[i], comp[j]));
                sim[i * m + j] = s;
                sim[j * m + i] = s;
            }
        });
        const std::vector<std::uint32_t> label =
            complete_link(std::move(sim), m, o_.link_threshold);
        for (std::size_t i = 0; i < m; ++i)
            unite(comp[i], comp[label[i]]);
    }

    const StoryOptions& o_;
    std::function<double(std::size_t, std::size_t)> similarity_;
};

/// For each document g, the earlier documents (< g) that share an LSH band with it, sorted.
/// The index is complete before the queries, so they run in parallel and the result does not
/// depend on the thread count.
std::vector<std::vector<DocId>> earlier_candidates(const std::vector<StoryDoc>& docs,
                                                   const StoryOptions& o) {
    LshIndex index(o.lsh, kStoryBucketWalk);
    index.reserve(docs.size());
    std::vector<std::uint64_t> no_keys(o.lsh.bands, 0);
    for (std::size_t g = 0; g < docs.size(); ++g) {
        // Documents without terms get keys no other document has (index ids must be dense).
        for (std::uint32_t b = 0; b < o.lsh.bands; ++b)
            no_keys[b] = ~(g * o.lsh.bands + b);
        index.add(static_cast<DocId>(g), docs[g].keys.empty() ? no_keys : docs[g].keys);
    }
    std::vector<std::vector<DocId>> found(docs.size());
    // Per thread: seen[c] == g + 1 marks c as already listed for g (no sort needed to dedupe).
    tbb::enumerable_thread_specific<std::vector<std::uint32_t>> seen_local(
        [&docs] { return std::vector<std::uint32_t>(docs.size(), 0); });
    tbb::parallel_for(std::size_t{0}, docs.size(), [&](std::size_t g) {
        if (docs[g].keys.empty())
            return;
        std::vector<std::uint32_t>& seen = seen_local.local();
        const auto mark = static_cast<std::uint32_t>(g + 1);
        index.for_each_candidate(docs[g].keys, [&](DocId c) {
            if (c >= g || seen[c] == mark)
                return;
            seen[c] = mark;
            found[g].push_back(c);
        });
        std::sort(found[g].begin(), found[g].end());
    });
    return found;
}

}  // namespace

Clustering cluster_stories(std::span<const std::vector<TermCode>> terms, const Clustering& near,
                           const TermWeights& weights, const StoryOptions& o,
                           std::span<const RepresentativeKey> keys, StoryStats& stats) {
    const std::size_t groups = near.groups();
    const std::vector<DocId>& reps = near.representative;
    const MinHasher hasher(o.num_perm, o.seed);
    using Clock = std::chrono::steady_clock;
    auto lap = [last = Clock::now()]() mutable {
        const auto now = Clock::now();
        const double secs = std::chrono::duration<double>(now - last).count();
        last = now;
        return secs;
    };
    std::vector<StoryDoc> docs(groups);
    tbb::parallel_for(std::size_t{0}, groups, [&](std::size_t g) {
        weights.weigh(terms[reps[g]], docs[g].weights);
        sketch(terms[reps[g]], o, hasher, docs[g]);
    });
    stats.sketch_seconds = lap();
    auto similarity = [&](std::size_t a, std::size_t b) {
        return weighted_jaccard(terms[reps[a]], docs[a].weights, terms[reps[b]], docs[b].weights);
    };

    // 1-2: LSH candidates in document order. A pair already in one component is skipped (the
    // dense step recomputes every pair inside small components anyway); the others are screened
    // by the sketch estimate (two standard deviations below the threshold still pass) and
    // verified by exact weighted Jaccard.
    const auto candidates = earlier_candidates(docs, o);
    stats.candidate_seconds = lap();
    const double t = o.edge_threshold;
    const double screen = t - 2.0 * std::sqrt(t * (1.0 - t) / o.num_perm);
    UnionFind components(groups);
    std::vector<Edge> edges;
    for (std::size_t g = 0; g < groups; ++g) {
        for (DocId c : candidates[g]) {
            if (components.find(c) == components.find(static_cast<DocId>(g)))
                continue;
            ++stats.candidates;
            if (estimate_jaccard(docs[c].signature, docs[g].signature) < screen)
                continue;
            const double sim = similarity(c, g);
            if (sim < t)
                continue;
            edges.push_back({c, static_cast<std::uint32_t>(g), static_cast<float>(sim)});
            components.unite(c, static_cast<DocId>(g));
        }
    }
    stats.edges = edges.size();
    stats.link_seconds = lap();

    // 3: refine each component; every document follows its near group's representative.
    UnionFind stories(terms.size());
    for (std::size_t d = 0; d < terms.size(); ++d) {
        stories.unite(static_cast<DocId>(d), reps[near.group_of[d]]);
    }
    const auto comps = component_lists(components, groups);
    std::vector<std::vector<Edge>> comp_edges(comps.size());
    std::vector<std::uint32_t> comp_of(groups);
    for (std::uint32_t k = 0; k < comps.size(); ++k) {
        for (std::uint32_t m : comps[k])
            comp_of[m] = k;
    }
    for (const Edge& e : edges)
        comp_edges[comp_of[e.a]].push_back(e);
    Refiner refiner(o, similarity);
    auto unite = [&](std::uint32_t a, std::uint32_t b) { stories.unite(reps[a], reps[b]); };
    for (std::uint32_t k = 0; k < comps.size(); ++k) {
        stats.largest_component = std::max<std::uint64_t>(stats.largest_component, comps[k].size());
        if (comps[k].size() > 1)
            refiner.refine(comps[k], comp_edges[k], o.edge_threshold, unite);
    }
    stats.refine_seconds = lap();
    return make_clustering(stories, keys);
}

}  // namespace neardup
