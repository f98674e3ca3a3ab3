#include "neardup/story/story.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <functional>
#include <numeric>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_sort.h>

#include "neardup/core/error.hpp"
#include "neardup/core/hash.hpp"
#include "neardup/lsh/index.hpp"
#include "neardup/minhash/minhash.hpp"
#include "neardup/story/split.hpp"

namespace neardup {
namespace {

/// Weighted Jaccard of g and h, where `lookup` holds g's terms.
double similarity(const WeightedDocs& docs, const TermLookup& lookup, std::size_t g,
                  std::size_t h) noexcept {
    return weighted_jaccard_from(lookup.overlap(docs.of(h)), docs.total[g], docs.total[h]);
}

/// Every representative's sketch, flat: what LSH and the screen need, and nothing more.
/// The screen keeps the low byte of each weighted-MinHash slot (b-bit MinHash, Li & Koenig
/// 2010): two different slots agree by chance with probability 1/256, which the screen allows
/// for, at a quarter of the memory and a compare of 8 slots at a time.
struct Sketches {
    std::uint32_t num_perm = 0;
    std::uint32_t bands = 0;
    RawVector<std::uint8_t> low_bytes;  ///< [g * num_perm, (g + 1) * num_perm)
    /// keys[b][g]: the high half of g's key in band b (a rare collision only adds a
    /// candidate); one vector per band, each turned into that band's links (band_links)
    std::vector<RawVector<std::uint32_t>> keys;
    RawVector<std::uint32_t> content;  ///< a hash of the whole sketch (orders equal keys)

    /// Uninitialized: sketch() writes every document's part, in parallel.
    Sketches(std::size_t n, std::uint32_t perm, std::uint32_t b)
        : num_perm(perm), bands(b), low_bytes(n * perm), keys(b), content(n) {
        for (RawVector<std::uint32_t>& band : keys)
            band.resize(n);
    }

    /// Slots where g and h hold the same low byte.
    [[nodiscard]] std::uint32_t matches(std::size_t g, std::size_t h) const noexcept {
        const std::uint8_t* x = low_bytes.data() + g * num_perm;
        const std::uint8_t* y = low_bytes.data() + h * num_perm;
        std::uint32_t same = 0;
        std::uint32_t i = 0;
#if defined(__SSE2__)
        // Equal bytes compare to 0xFF (-1): subtracting counts them per byte lane (at most
        // 255 blocks before a lane could wrap), and one sum of absolute differences adds up
        // the lanes.
        while (i + 16 <= num_perm) {
            const std::uint32_t end = std::min(num_perm - 15, i + 255 * 16);
            __m128i counts = _mm_setzero_si128();
            for (; i < end; i += 16) {
                const __m128i u = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i));
                const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(y + i));
                counts = _mm_sub_epi8(counts, _mm_cmpeq_epi8(u, v));
            }
            const __m128i sums = _mm_sad_epu8(counts, _mm_setzero_si128());
            same += static_cast<std::uint32_t>(_mm_cvtsi128_si32(sums)) +
                    static_cast<std::uint32_t>(_mm_cvtsi128_si32(_mm_srli_si128(sums, 8)));
        }
#endif
        for (; i < num_perm; ++i)
            same += x[i] == y[i] ? 1u : 0u;
        return same;
    }
};

/// Weighted MinHash by expansion: a term of weight w contributes round(w * kCopiesPerWeight)
/// distinct features (term, 0), (term, 1), ..., so the plain Jaccard of two expanded sets is
/// the weighted Jaccard of the quantized weights, and one-permutation MinHash sketches it at
/// O(1) per feature (a few thousand features per article, versus ICWS's O(terms x slots)).
/// The weighted MinHash signature of a non-empty term list.
void weighted_signature(std::span<const WeightedTerm> terms, const StoryOptions& o,
                        const MinHasher& hasher, Signature& signature) {
    thread_local std::vector<FeatureRun> runs;
    runs.resize(terms.size());
    // copies = round(weight x copies_per_weight) in integers: weights are fixed-point (2^-16)
    // and so is the factor, so their product is in units of 2^-32.
    const auto per_unit = static_cast<std::uint64_t>(
        std::lround(static_cast<double>(o.copies_per_weight) * kWeightScale));
    for (std::size_t i = 0; i < terms.size(); ++i) {
        const std::uint64_t copies = std::max<std::uint64_t>(
            1, (terms[i].weight * per_unit + (std::uint64_t{1} << 31)) >> 32);
        runs[i] = {static_cast<std::uint64_t>(terms[i].hash) << 20,
                   static_cast<std::uint32_t>(copies)};
    }
    signature.resize(hasher.num_perm());
    hasher.sign_runs(runs, signature);
}

void sketch(std::span<const WeightedTerm> terms, const StoryOptions& o, const MinHasher& hasher,
            std::size_t g, Sketches& out) {
    if (terms.empty()) {  // no sketch: takes part in no band (band_links), never a candidate
        std::fill_n(out.low_bytes.begin() + static_cast<std::ptrdiff_t>(g * hasher.num_perm()),
                    hasher.num_perm(), std::uint8_t{0});
        for (std::uint32_t b = 0; b < o.lsh.bands; ++b)
            out.keys[b][g] = 0;
        out.content[g] = 0;
        return;
    }
    thread_local Signature signature;
    thread_local std::vector<std::uint64_t> full;
    weighted_signature(terms, o, hasher, signature);
    full.resize(o.lsh.bands);
    band_keys(signature, o.lsh, full);
    for (std::uint32_t b = 0; b < o.lsh.bands; ++b)
        out.keys[b][g] = static_cast<std::uint32_t>(full[b] >> 32);
    for (std::uint32_t i = 0; i < hasher.num_perm(); ++i)
        out.low_bytes[g * hasher.num_perm() + i] = static_cast<std::uint8_t>(signature[i]);
    out.content[g] = static_cast<std::uint32_t>(hash_words(signature, 0x5107));
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

bool story_band_keys(std::span<const WeightedTerm> terms, const StoryOptions& o,
                     const MinHasher& hasher, std::span<std::uint64_t> out) {
    NEARDUP_ASSERT(out.size() == o.lsh.bands);
    if (terms.empty())
        return false;
    thread_local Signature signature;
    weighted_signature(terms, o, hasher, signature);
    band_keys(signature, o.lsh, out);
    return true;
}

std::vector<std::uint32_t> complete_link(std::vector<float> sim, std::size_t n, double threshold) {
    // Merges the pair (i < j) of active clusters with the highest similarity, the first such
    // pair in row-major order on ties, while it reaches the threshold. Each row keeps its best
    // partner to the right; a merge only changes the merged row and the rows whose best was one
    // of the two, so a merge costs O(n) plus O(n) per such row instead of a full O(n^2) scan.
    std::vector<std::uint32_t> label(n);
    std::iota(label.begin(), label.end(), 0u);
    std::vector<bool> active(n, true);
    constexpr std::size_t kNoPartner = static_cast<std::size_t>(-1);
    std::vector<float> best(n, -1.0F);
    std::vector<std::size_t> partner(n, kNoPartner);
    auto rescan = [&](std::size_t i) {
        best[i] = -1.0F;
        partner[i] = kNoPartner;
        for (std::size_t j = i + 1; j < n; ++j) {
            if (active[j] && sim[i * n + j] > best[i]) {
                best[i] = sim[i * n + j];
                partner[i] = j;
            }
        }
    };
    for (std::size_t i = 0; i < n; ++i)
        rescan(i);
    for (;;) {
        std::size_t bi = kNoPartner;
        for (std::size_t i = 0; i < n; ++i) {
            if (active[i] && partner[i] != kNoPartner && (bi == kNoPartner || best[i] > best[bi]))
                bi = i;
        }
        if (bi == kNoPartner || static_cast<double>(best[bi]) < threshold)
            break;
        const std::size_t bj = partner[bi];
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
        // Similarities to bi only fell, so rows whose best partner was neither bi nor bj keep it.
        for (std::size_t k = 0; k < n; ++k) {
            if (active[k] && (k == bi || partner[k] == bi || partner[k] == bj))
                rescan(k);
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
    std::vector<std::uint32_t> members;  ///< ascending (by group once cluster_piece has run)
    bool whole = false;
    std::vector<Edge> edges;  ///< verified edges inside the piece (their similarity is known)
};

/// Dense complete-link over one piece: label[i] is the index (into the piece) of the first
/// member of i's cluster. Orders the members by group (docs.source) first, so that ties
/// break the same way whatever the layout of the arena.
std::vector<std::uint32_t> cluster_piece(Piece& piece, double link_threshold,
                                         const WeightedDocs& docs) {
    const std::size_t m = piece.members.size();
    if (piece.whole || m < 2)
        return std::vector<std::uint32_t>(m, 0);
    auto by_group = [&docs](std::uint32_t x, std::uint32_t y) {
        return docs.source[x] < docs.source[y];
    };
    std::sort(piece.members.begin(), piece.members.end(), by_group);
    // The members' terms copied side by side: each list is read m times, from cache.
    thread_local std::vector<WeightedTerm> local;
    thread_local std::vector<std::size_t> begin;
    local.clear();
    begin.assign(1, 0);
    for (const std::uint32_t g : piece.members) {
        const auto terms = docs.of(g);
        local.insert(local.end(), terms.begin(), terms.end());
        begin.push_back(local.size());
    }
    auto terms_of = [](std::size_t i) {
        return std::span<const WeightedTerm>(local.data() + begin[i], begin[i + 1] - begin[i]);
    };
    constexpr float kUnknown = -1.0F;
    std::vector<float> sim(m * m, kUnknown);
    auto local_index = [&piece, &by_group](std::uint32_t g) {
        return static_cast<std::size_t>(
            std::lower_bound(piece.members.begin(), piece.members.end(), g, by_group) -
            piece.members.begin());
    };
    for (const Edge& e : piece.edges) {  // verified already: reuse
        const std::size_t i = local_index(e.a);
        const std::size_t j = local_index(e.b);
        sim[i * m + j] = e.similarity;
        sim[j * m + i] = e.similarity;
    }
    thread_local TermLookup lookup;
    for (std::size_t i = 0; i < m; ++i) {
        sim[i * m + i] = 1.0F;
        bool assigned = false;
        const std::uint64_t total_i = docs.total[piece.members[i]];
        for (std::size_t j = i + 1; j < m; ++j) {
            if (sim[i * m + j] != kUnknown)
                continue;
            if (!assigned) {
                lookup.assign(terms_of(i));
                assigned = true;
            }
            const auto s = static_cast<float>(weighted_jaccard_from(
                lookup.overlap(terms_of(j)), total_i, docs.total[piece.members[j]]));
            sim[i * m + j] = s;
            sim[j * m + i] = s;
        }
    }
    return complete_link(std::move(sim), m, link_threshold);
}

constexpr DocId kNoLink = 0xFFFFFFFFu;

/// Per band, each document's LSH neighbour: the document before it in its band's run of equal
/// keys, runs ordered by (a hash of the sketch, DocId); kNoLink for none. Ordering by content
/// rather than by DocId makes the candidates, and so the stories, independent of the input
/// order (adding a corpus in batches gives what one scan gives). Documents are visited once in
/// that order, and each band keeps a table from key to the last document seen with it: the
/// previous holder of a key is the neighbour. The table (8-byte slots, at most half full) stays
/// in cache, which a sort of each band did not. Bands run in parallel; each band's links are
/// written over its keys (consumed: sk.keys is left empty).
/// Documents without terms have no sketch and take part in no band.
std::vector<RawVector<DocId>> band_links(const WeightedDocs& docs, Sketches& sk) {
    const std::size_t n = sk.content.size();
    std::vector<DocId> order;
    std::vector<DocId> without_terms;
    order.reserve(n);
    for (std::size_t g = 0; g < n; ++g)
        (docs.of(g).empty() ? without_terms : order).push_back(static_cast<DocId>(g));
    std::sort(order.begin(), order.end(), [&sk, &docs](DocId x, DocId y) {
        return sk.content[x] != sk.content[y] ? sk.content[x] < sk.content[y]
                                              : docs.source[x] < docs.source[y];
    });
    std::size_t size = 16;
    while (size < order.size() * 2)
        size *= 2;
    const std::size_t mask = size - 1;
    std::vector<RawVector<DocId>> prev(sk.bands);
    tbb::parallel_for(std::uint32_t{0}, sk.bands, [&](std::uint32_t b) {
        struct Slot {
            std::uint32_t key;
            DocId last;  ///< kNoLink: empty
        };
        thread_local std::vector<Slot> table;
        table.assign(size, {0, kNoLink});
        // The links take the keys' place: each document's key is read once, just before its
        // link is written (no second array to fault in).
        RawVector<std::uint32_t>& keys = sk.keys[b];
        for (const DocId g : order) {
            const std::uint32_t key = keys[g];
            std::size_t i = key & mask;  // keys are hash bits already
            while (table[i].last != kNoLink && table[i].key != key)
                i = (i + 1) & mask;
            keys[g] = table[i].last;
            table[i] = {key, g};
        }
        for (const DocId g : without_terms)
            keys[g] = kNoLink;
        prev[b] = std::move(keys);
    });
    return prev;
}

}  // namespace

WeightedDocs weigh_documents(std::span<const std::vector<TermCode>> terms,
                             std::span<const DocId> which, const TermWeights& weights,
                             const WeighOptions& options) {
    const std::size_t n = which.size();
    NEARDUP_CHECK(options.langs.empty() || options.langs.size() == n,
                  "weigh_documents: one language per document");
    NEARDUP_CHECK(options.weighable.empty() || options.weighable.size() == n,
                  "weigh_documents: one weighable flag per document");
    NEARDUP_CHECK(options.templates == nullptr ||
                      (options.sites.size() == n && options.beside_figures.size() == n),
                  "weigh_documents: one site and figure count per document");
    const auto lang_of = [&](std::size_t i) {
        return options.langs.empty() ? kEnglish : options.langs[i];
    };
    // The terms of entry i that the story level uses: none in a language it cannot weigh,
    // else all but its source's template terms.
    const auto for_each_kept = [&](std::size_t i, auto&& f) {
        if (!options.weighable.empty() && options.weighable[i] == 0)
            return;
        const std::vector<TermCode>& all = terms[which[i]];
        // Only a term beside a figure here can be a template use (templates.hpp).
        const std::size_t beside =
            options.templates == nullptr
                ? 0
                : std::min<std::size_t>(options.beside_figures[i], all.size());
        for (std::size_t k = 0; k < beside; ++k) {
            if (!options.templates->contains(options.sites[i], all[k]))
                f(all[k]);
        }
        for (std::size_t k = beside; k < all.size(); ++k)
            f(all[k]);
    };
    // (smallest hash among the names, else among all terms, i): a MinHash of the names, so
    // two articles share the key with the Jaccard similarity of their names. A document
    // without terms sorts last.
    std::vector<std::uint64_t> order(n);
    std::vector<std::uint32_t> kept(n);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1024), [&](const auto& r) {
        for (std::size_t i = r.begin(); i < r.end(); ++i) {
            std::uint32_t min_name = 0xFFFFFFFFu;
            std::uint32_t min_any = 0xFFFFFFFFu;
            std::uint32_t count = 0;
            for_each_kept(i, [&](TermCode c) {
                const std::uint32_t h = term_hash(c);
                min_any = std::min(min_any, h);
                min_name = term_caps(c) ? std::min(min_name, h) : min_name;
                ++count;
            });
            const std::uint32_t key = min_name != 0xFFFFFFFFu ? min_name : min_any;
            order[i] = (std::uint64_t{key} << 32) | i;
            kept[i] = count;
        }
    });
    tbb::parallel_sort(order.begin(), order.end());
    WeightedDocs out;
    out.source.resize(n);
    out.begin.assign(n + 1, 0);
    for (std::size_t k = 0; k < n; ++k) {
        out.source[k] = static_cast<std::uint32_t>(order[k]);
        out.begin[k + 1] = out.begin[k] + kept[out.source[k]];
    }
    std::vector<std::uint64_t>().swap(order);
    out.terms.resize(out.begin.back());
    out.total.resize(n);
    // Read in the order of `which` (the term lists lie in memory roughly in that order),
    // write each to its place.
    std::vector<std::uint32_t> place(n);
    for (std::size_t k = 0; k < n; ++k)
        place[out.source[k]] = static_cast<std::uint32_t>(k);
    tbb::parallel_for(std::size_t{0}, n, [&](std::size_t i) {
        const std::size_t k = place[i];
        const std::span<WeightedTerm> weighed(out.terms.data() + out.begin[k], kept[i]);
        if (kept[i] == terms[which[i]].size()) {
            weights.weigh(terms[which[i]], weighed, lang_of(i));
        } else {
            thread_local std::vector<TermCode> mine;
            mine.clear();
            for_each_kept(i, [&](TermCode c) { mine.push_back(c); });
            weights.weigh(mine, weighed, lang_of(i));
        }
        out.total[k] = total_weight(weighed);
    });
    return out;
}

namespace {

/// Seconds since the last call (stage timings).
class Lap {
public:
    double operator()() {
        const auto now = std::chrono::steady_clock::now();
        const double secs = std::chrono::duration<double>(now - last_).count();
        last_ = now;
        return secs;
    }

private:
    std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

/// Moves the distinct values of `ids` to its front (first occurrences, in order) and returns
/// how many there are. A document meets the same neighbour in many bands; a small hash set
/// (at most one band's worth of neighbours each) drops the repeats without sorting.
std::size_t drop_repeats(std::span<DocId> ids) {
    thread_local std::vector<DocId> seen;
    std::size_t size = 16;
    while (size < ids.size() * 2)
        size *= 2;
    seen.assign(size, kNoLink);
    const std::size_t mask = size - 1;
    std::size_t kept = 0;
    for (const DocId id : ids) {
        std::size_t i = mix64(id) & mask;
        while (seen[i] != kNoLink && seen[i] != id)
            i = (i + 1) & mask;
        if (seen[i] == id)
            continue;
        seen[i] = id;
        ids[kept++] = id;
    }
    return kept;
}

/// 1-2: LSH candidates (a document's neighbours over all bands, each pair once), screened by
/// the sketch (two standard deviations below the threshold still pass; with b-bit slots the
/// expected match rate is J + (1 - J) / 256) and verified by exact weighted Jaccard, all in
/// parallel. Returns the edges, each pair once, ordered by (a, b). Consumes the sketches
/// (freed here: the refinement does not need them).
std::vector<Edge> verified_edges(const WeightedDocs& docs, Sketches sketches, const StoryOptions& o,
                                 StoryStats& stats) {
    const std::size_t groups = docs.size();
    std::vector<RawVector<DocId>> links = band_links(docs, sketches);
    const double t = o.edge_threshold;
    const double screen = t - 2.0 * std::sqrt(t * (1.0 - t) / o.num_perm);
    const double chance = 1.0 / 256.0;
    const auto min_matches = static_cast<std::uint32_t>(
        std::ceil((screen + (1.0 - screen) * chance) * o.num_perm - 1e-9));
    // Sorted below, so any split works; a deque grows without copying (a vector's doubling
    // would hold old and new copies at once, at the peak of the story level's memory).
    tbb::enumerable_thread_specific<std::deque<Edge>> found;
    tbb::enumerable_thread_specific<std::uint64_t> candidate_count(0);
    tbb::enumerable_thread_specific<std::uint64_t> verified_count(0);
    // Each document's neighbours over all bands, each once, then screen and verify.
    // Each document's neighbours over all bands go through three steps, each a document ahead
    // of the next, so that what a step reads was asked of memory one document earlier
    // (candidates sit anywhere in arrays far larger than the cache):
    //  1. drop repeated neighbours, ask for their sketches;
    //  2. screen them by sketch, ask for the survivors' term lists;
    //  3. verify the survivors by exact weighted Jaccard.
    auto ask_sketches = [&](std::span<DocId> near_g) {
        near_g = near_g.first(drop_repeats(near_g));
        candidate_count.local() += near_g.size();
        for (const DocId c : near_g) {
            const std::uint8_t* bytes =
                sketches.low_bytes.data() + std::size_t{c} * sketches.num_perm;
            for (std::uint32_t line = 0; line < sketches.num_perm; line += 64)
                __builtin_prefetch(bytes + line);
            __builtin_prefetch(docs.begin.data() + c);
        }
        return near_g.size();
    };
    auto screen_by_sketch = [&](std::size_t g, std::span<DocId> near_g) {
        // Half the candidates pass: a coin toss for a branch, so the survivors are kept by
        // moving the write position instead.
        std::size_t passed = 0;
        for (const DocId c : near_g) {
            near_g[passed] = c;
            passed += sketches.matches(c, g) >= min_matches ? 1u : 0u;
        }
        for (const DocId c : near_g.first(passed)) {
            const auto terms = docs.of(c);
            for (std::size_t line = 0; line < terms.size(); line += 8)  // 8 terms a line
                __builtin_prefetch(terms.data() + line);
            __builtin_prefetch(docs.total.data() + c);
        }
        verified_count.local() += passed;
        return passed;
    };
    auto verify = [&](std::size_t g, std::span<const DocId> passed) {
        if (passed.empty())
            return;
        thread_local TermLookup lookup;
        lookup.assign(docs.of(g));
        for (const DocId c : passed) {
            const double sim = similarity(docs, lookup, g, c);
            if (sim >= t) {
                const auto a = static_cast<std::uint32_t>(std::min<std::size_t>(c, g));
                const auto b = static_cast<std::uint32_t>(std::max<std::size_t>(c, g));
                found.local().push_back({a, b, static_cast<float>(sim)});
            }
        }
    };
    // Blocks of documents: the link arrays are read band by band (sequentially), not with
    // one cache miss per band and document.
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, groups, 512), [&](const auto& r) {
        thread_local std::vector<DocId> block;  // at most one neighbour per band and document
        thread_local std::vector<std::uint32_t> count;
        const std::size_t bands = o.lsh.bands;
        block.resize(r.size() * bands);
        count.assign(r.size(), 0);
        for (std::size_t b = 0; b < bands; ++b) {
            const RawVector<DocId>& prev = links[b];
            for (std::size_t g = r.begin(); g < r.end(); ++g) {
                const std::size_t k = g - r.begin();
                if (prev[g] != kNoLink)
                    block[k * bands + count[k]++] = prev[g];
            }
        }
        auto neighbours = [&](std::size_t k) {
            return std::span<DocId>(block.data() + k * bands, count[k]);
        };
        const std::size_t n = r.size();
        for (std::size_t k = 0; k < n + 2; ++k) {
            if (k < n)
                count[k] = static_cast<std::uint32_t>(ask_sketches(neighbours(k)));
            if (k >= 1 && k - 1 < n)
                count[k - 1] = static_cast<std::uint32_t>(
                    screen_by_sketch(r.begin() + k - 1, neighbours(k - 1)));
            if (k >= 2)
                verify(r.begin() + k - 2, neighbours(k - 2));
        }
    });
    stats.candidates = candidate_count.combine(std::plus<>());
    stats.verified = verified_count.combine(std::plus<>());
    std::vector<RawVector<DocId>>().swap(links);
    RawVector<std::uint8_t>().swap(sketches.low_bytes);
    std::vector<Edge> edges;
    std::size_t total = 0;
    for (const std::deque<Edge>& f : found)
        total += f.size();
    edges.reserve(total);
    for (std::deque<Edge>& f : found) {
        edges.insert(edges.end(), f.begin(), f.end());
        std::deque<Edge>().swap(f);
    }
    tbb::parallel_sort(edges.begin(), edges.end(), [](const Edge& x, const Edge& y) {
        return x.a != y.a ? x.a < y.a : x.b < y.b;
    });
    edges.erase(std::unique(edges.begin(), edges.end(),
                            [](const Edge& x, const Edge& y) { return x.a == y.a && x.b == y.b; }),
                edges.end());
    return edges;
}

/// 3a: the connected components of the edges, cut into pieces small enough for complete-link.
/// Consumes the edges.
std::vector<Piece> pieces_of(std::vector<Edge> edges, std::size_t groups, double threshold,
                             StoryStats& stats) {
    UnionFind components(groups);
    for (const Edge& e : edges)
        components.unite(e.a, e.b);
    stats.edges = edges.size();
    const auto comps = component_lists(components, groups);
    std::vector<std::vector<Edge>> comp_edges(comps.size());
    std::vector<std::uint32_t> comp_of(groups);
    for (std::uint32_t k = 0; k < comps.size(); ++k) {
        for (std::uint32_t m : comps[k])
            comp_of[m] = k;
    }
    for (const Edge& e : edges)
        comp_edges[comp_of[e.a]].push_back(e);
    std::vector<Edge>().swap(edges);
    std::vector<Piece> pieces;
    std::vector<std::uint32_t> local(groups);
    for (std::uint32_t k = 0; k < comps.size(); ++k) {
        stats.largest_component = std::max<std::uint64_t>(stats.largest_component, comps[k].size());
        if (comps[k].size() > 1) {
            cut_component(comps[k], comp_edges[k], threshold, local,
                          [&pieces](const std::vector<std::uint32_t>& members,
                                    std::vector<Edge> piece_edges, bool whole) {
                              pieces.push_back({members, whole, std::move(piece_edges)});
                          });
        }
        std::vector<Edge>().swap(comp_edges[k]);
    }
    return pieces;
}

}  // namespace

namespace {

/// Adds the pairs of groups `linked` (one story already) whose weighted Jaccard reaches the
/// link threshold to `edges` (entries a < b), which stay sorted and distinct.
void add_linked_edges(const WeightedDocs& docs,
                      std::span<const std::pair<std::uint32_t, std::uint32_t>> linked,
                      double threshold, std::vector<Edge>& edges) {
    if (linked.empty())
        return;
    std::vector<std::uint32_t> entry_of(docs.size());
    for (std::uint32_t k = 0; k < docs.size(); ++k)
        entry_of[docs.source[k]] = k;
    TermLookup lookup;
    for (const auto& [g, h] : linked) {
        const std::uint32_t a = std::min(entry_of[g], entry_of[h]);
        const std::uint32_t b = std::max(entry_of[g], entry_of[h]);
        if (a == b)
            continue;
        lookup.assign(docs.of(a));
        const double sim = similarity(docs, lookup, a, b);
        if (sim >= threshold)
            edges.push_back({a, b, static_cast<float>(sim)});
    }
    std::sort(edges.begin(), edges.end(),
              [](const Edge& x, const Edge& y) { return x.a != y.a ? x.a < y.a : x.b < y.b; });
    edges.erase(std::unique(edges.begin(), edges.end(),
                            [](const Edge& x, const Edge& y) { return x.a == y.a && x.b == y.b; }),
                edges.end());
}

}  // namespace

Clustering cluster_stories(const WeightedDocs& docs, const Clustering& near, const StoryOptions& o,
                           std::span<const RepresentativeKey> keys, StoryStats& stats,
                           std::span<const std::pair<std::uint32_t, std::uint32_t>> linked) {
    const std::size_t groups = near.groups();
    NEARDUP_CHECK(docs.size() == groups, "cluster_stories: one weighted document per group");
    const std::vector<DocId>& reps = near.representative;
    Lap lap;
    const MinHasher hasher(o.num_perm, o.seed);
    Sketches sketches(groups, o.num_perm, o.lsh.bands);
    tbb::parallel_for(std::size_t{0}, groups,
                      [&](std::size_t g) { sketch(docs.of(g), o, hasher, g, sketches); });
    stats.sketch_seconds = lap();
    std::vector<Edge> edges = verified_edges(docs, std::move(sketches), o, stats);
    add_linked_edges(docs, linked, o.link_threshold, edges);
    stats.candidate_seconds = lap();
    std::vector<Piece> pieces = pieces_of(std::move(edges), groups, o.edge_threshold, stats);
    stats.link_seconds = lap();

    // 3b: complete-link each piece (in parallel), then unite.
    std::vector<std::vector<std::uint32_t>> labels(pieces.size());
    tbb::parallel_for(std::size_t{0}, pieces.size(), [&](std::size_t k) {
        labels[k] = cluster_piece(pieces[k], o.link_threshold, docs);
    });
    UnionFind stories(near.group_of.size());
    for (std::size_t d = 0; d < near.group_of.size(); ++d) {
        stories.unite(static_cast<DocId>(d), reps[near.group_of[d]]);
    }
    for (std::size_t k = 0; k < pieces.size(); ++k) {
        const auto& members = pieces[k].members;
        for (std::size_t i = 0; i < members.size(); ++i) {
            stories.unite(reps[docs.source[members[i]]], reps[docs.source[members[labels[k][i]]]]);
        }
    }
    stats.refine_seconds = lap();
    return make_clustering(stories, keys);
}

}  // namespace neardup
