#include "neardup/story/story.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include <tbb/parallel_for.h>

#include "neardup/core/hash.hpp"
#include "neardup/lsh/index.hpp"
#include "neardup/minhash/minhash.hpp"

namespace neardup {
namespace {

/// A representative's weighted terms and LSH keys.
struct StoryDoc {
    std::vector<float> weights;
    Signature signature;              ///< weighted MinHash sketch (empty without story terms)
    std::vector<std::uint32_t> keys;  ///< high halves of the sketch's LSH band keys (empty
                                      ///< without story terms); a rare collision only adds a
                                      ///< candidate that verification drops
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
    std::vector<std::uint64_t> full(o.lsh.bands);
    band_keys(doc.signature, o.lsh, full);
    doc.keys.resize(o.lsh.bands);
    for (std::uint32_t b = 0; b < o.lsh.bands; ++b)
        doc.keys[b] = static_cast<std::uint32_t>(full[b] >> 32);
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

/// A set of representatives small enough for dense complete-link, or (`whole`) a set that
/// stayed too large even at the highest split level and is kept as one story.
struct Piece {
    std::vector<std::uint32_t> members;
    bool whole = false;
};

constexpr std::size_t kMaxDense = 200;  // complete-link costs O(m^3) time and O(m^2) memory
constexpr double kSplitStep = 0.05;

/// Cuts a component into pieces of at most kMaxDense members: while a part is too big, keep
/// only its edges at the next similarity level and take connected parts again (single-link
/// levels). Pieces come out in a fixed order (by their smallest member at every level).
void split_component(const std::vector<std::uint32_t>& members, const std::vector<Edge>& edges,
                     double threshold, std::vector<Piece>& out) {
    if (members.size() <= kMaxDense) {
        out.push_back({members, false});
        return;
    }
    if (threshold >= 1.0) {
        out.push_back({members, true});
        return;
    }
    const double next = threshold + kSplitStep;
    std::unordered_map<std::uint32_t, std::uint32_t> local;
    for (std::uint32_t i = 0; i < members.size(); ++i)
        local[members[i]] = i;
    UnionFind uf(members.size());
    std::vector<Edge> kept;
    for (const Edge& e : edges) {
        if (static_cast<double>(e.similarity) < next)
            continue;
        uf.unite(local[e.a], local[e.b]);
        kept.push_back(e);
    }
    // Parts numbered by their smallest member (members are ascending).
    std::vector<std::uint32_t> part_of_root(members.size(), 0xFFFFFFFFu);
    std::vector<std::vector<std::uint32_t>> parts;
    for (std::uint32_t i = 0; i < members.size(); ++i) {
        std::uint32_t& part = part_of_root[uf.find(i)];
        if (part == 0xFFFFFFFFu) {
            part = static_cast<std::uint32_t>(parts.size());
            parts.emplace_back();
        }
        parts[part].push_back(members[i]);
    }
    std::vector<std::vector<Edge>> part_edges(parts.size());
    for (const Edge& e : kept)
        part_edges[part_of_root[uf.find(local[e.a])]].push_back(e);
    for (std::size_t k = 0; k < parts.size(); ++k)
        split_component(parts[k], part_edges[k], next, out);
}

/// Dense complete-link over one piece: label[i] is the index (into the piece) of the first
/// member of i's cluster.
template <typename Similarity>
std::vector<std::uint32_t> cluster_piece(const Piece& piece, double link_threshold,
                                         const Similarity& similarity) {
    const std::size_t m = piece.members.size();
    if (piece.whole || m < 2)
        return std::vector<std::uint32_t>(m, 0);
    std::vector<float> sim(m * m, 1.0F);
    for (std::size_t i = 0; i < m; ++i) {
        for (std::size_t j = i + 1; j < m; ++j) {
            const auto s = static_cast<float>(similarity(piece.members[i], piece.members[j]));
            sim[i * m + j] = s;
            sim[j * m + i] = s;
        }
    }
    return complete_link(std::move(sim), m, link_threshold);
}

/// For each document, the documents that share an LSH band with it: each band is a sort, not
/// a hash table. Documents are sorted by (band key, a hash of their sketch), and each one links
/// to the one before it in its run of equal keys. Ordering by content rather than by DocId makes
/// the candidates, and so the stories, independent of the input order (adding a corpus in
/// batches gives what one scan gives). Bands and documents run in parallel.
std::vector<std::vector<DocId>> band_neighbours(const std::vector<StoryDoc>& docs,
                                                const StoryOptions& o) {
    constexpr DocId kNone = 0xFFFFFFFFu;
    const std::size_t n = docs.size();
    std::vector<std::uint32_t> content(n, 0);
    for (std::size_t g = 0; g < n; ++g) {
        if (!docs[g].signature.empty())
            content[g] = static_cast<std::uint32_t>(hash_words(docs[g].signature, 0x5107));
    }
    struct Keyed {
        std::uint64_t order;  ///< high 32 bits of the band key, then the content hash
        DocId doc;
        bool operator<(const Keyed& other) const {
            return order != other.order ? order < other.order : doc < other.doc;
        }
    };
    std::vector<std::vector<DocId>> prev(o.lsh.bands);
    tbb::parallel_for(std::uint32_t{0}, o.lsh.bands, [&](std::uint32_t b) {
        std::vector<Keyed> keyed;
        keyed.reserve(n);
        for (std::size_t g = 0; g < n; ++g) {
            if (!docs[g].keys.empty()) {
                keyed.push_back(
                    {(std::uint64_t{docs[g].keys[b]} << 32) | content[g], static_cast<DocId>(g)});
            }
        }
        std::sort(keyed.begin(), keyed.end());
        std::vector<DocId>& links = prev[b];
        links.assign(n, kNone);
        for (std::size_t p = 1; p < keyed.size(); ++p) {
            if ((keyed[p].order >> 32) == (keyed[p - 1].order >> 32))
                links[keyed[p].doc] = keyed[p - 1].doc;
        }
    });
    std::vector<std::vector<DocId>> found(n);
    tbb::parallel_for(std::size_t{0}, n, [&](std::size_t g) {
        std::vector<DocId>& list = found[g];
        for (std::uint32_t b = 0; b < o.lsh.bands; ++b) {
            if (prev[b][g] != kNone)
                list.push_back(prev[b][g]);
        }
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
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

    // 1-2: LSH candidates, screened by the sketch estimate (two standard deviations below the
    // threshold still pass) and verified by exact weighted Jaccard, all in parallel; then the
    // edges (each pair once) join groups into components.
    const auto candidates = band_neighbours(docs, o);
    const double t = o.edge_threshold;
    const double screen = t - 2.0 * std::sqrt(t * (1.0 - t) / o.num_perm);
    std::vector<std::vector<Edge>> found(groups);
    tbb::parallel_for(std::size_t{0}, groups, [&](std::size_t g) {
        for (DocId c : candidates[g]) {
            if (estimate_jaccard(docs[c].signature, docs[g].signature) < screen)
                continue;
            const double sim = similarity(c, g);
            if (sim >= t) {
                const auto a = static_cast<std::uint32_t>(std::min<std::size_t>(c, g));
                const auto b = static_cast<std::uint32_t>(std::max<std::size_t>(c, g));
                found[g].push_back({a, b, static_cast<float>(sim)});
            }
        }
    });
    std::vector<Edge> edges;
    for (std::size_t g = 0; g < groups; ++g) {
        stats.candidates += candidates[g].size();
        edges.insert(edges.end(), found[g].begin(), found[g].end());
    }
    std::sort(edges.begin(), edges.end(),
              [](const Edge& x, const Edge& y) { return x.a != y.a ? x.a < y.a : x.b < y.b; });
    edges.erase(std::unique(edges.begin(), edges.end(),
                            [](const Edge& x, const Edge& y) { return x.a == y.a && x.b == y.b; }),
                edges.end());
    stats.candidate_seconds = lap();
    UnionFind components(groups);
    for (const Edge& e : edges)
        components.unite(e.a, e.b);
    stats.edges = edges.size();
    stats.link_seconds = lap();

    // 3: cut components into pieces, complete-link each piece (in parallel), then unite.
    const auto comps = component_lists(components, groups);
    std::vector<std::vector<Edge>> comp_edges(comps.size());
    std::vector<std::uint32_t> comp_of(groups);
    for (std::uint32_t k = 0; k < comps.size(); ++k) {
        for (std::uint32_t m : comps[k])
            comp_of[m] = k;
    }
    for (const Edge& e : edges)
        comp_edges[comp_of[e.a]].push_back(e);
    std::vector<Piece> pieces;
    for (std::uint32_t k = 0; k < comps.size(); ++k) {
        stats.largest_component = std::max<std::uint64_t>(stats.largest_component, comps[k].size());
        if (comps[k].size() > 1)
            split_component(comps[k], comp_edges[k], t, pieces);
    }
    std::vector<std::vector<std::uint32_t>> labels(pieces.size());
    tbb::parallel_for(std::size_t{0}, pieces.size(), [&](std::size_t k) {
        labels[k] = cluster_piece(pieces[k], o.link_threshold, similarity);
    });
    UnionFind stories(terms.size());
    for (std::size_t d = 0; d < terms.size(); ++d) {
        stories.unite(static_cast<DocId>(d), reps[near.group_of[d]]);
    }
    for (std::size_t k = 0; k < pieces.size(); ++k) {
        const auto& members = pieces[k].members;
        for (std::size_t i = 0; i < members.size(); ++i) {
            stories.unite(reps[members[i]], reps[members[labels[k][i]]]);
        }
    }
    stats.refine_seconds = lap();
    return make_clustering(stories, keys);
}

}  // namespace neardup
