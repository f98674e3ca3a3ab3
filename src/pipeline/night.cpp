#include "neardup/pipeline/night.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "neardup/core/error.hpp"
#include "neardup/story/inputs.hpp"
#include "neardup/story/split.hpp"
#include "neardup/story/story.hpp"
#include "neardup/story/weights.hpp"

namespace neardup {
namespace {

/// The newest this many held articles under each near-level key are a night's candidates.
/// The in-memory index walks 512, but keeps exact copies out of its buckets; the index's
/// buckets hold them, and a text copied thousands of times made 512 read 182,262 held
/// articles for 100,000 new ones (2M held, generated corpus). 64 newest reach past such runs
/// of copies (10 nights of real news: near ARI 1.0 against one scan).
constexpr std::uint32_t kBucketWalk = 64;

/// Held stories are compared through at most this many of their newest near groups in the
/// window (a complete link is checked against them).
/// (10 nights of ECB+ dev, BBC, Reuters: 8 gives gold ARI 0.799, 20, 50, 200 give 0.795, and
/// story ARI against one scan 0.28, 0.27, 0.38, 0.43; what a night reads of the held stories
/// it meets grows with it.)
constexpr std::uint32_t kMaxHeldGroups = 8;

/// The index as run_scan() looks it up.
class IndexLookup final : public HeldLookup {
public:
    IndexLookup(IndexStore& store, std::uint32_t num_perm, std::optional<std::int64_t> since)
        : store_(store), num_perm_(num_perm), since_(since) {}
    std::optional<std::optional<std::uint64_t>> text_hash(const std::string& id) override {
        return store_.held_text_hash(id);
    }
    HeldDocuments groups(std::span<const std::uint64_t> keys) override {
        const auto start = std::chrono::steady_clock::now();
        HeldDocuments found = store_.near_groups(keys, num_perm_, since_, kBucketWalk);
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return found;
    }
    double seconds = 0;  ///< spent in groups()

private:
    IndexStore& store_;
    std::uint32_t num_perm_;
    std::optional<std::int64_t> since_;
};

/// Story ids joined tonight: the smaller id survives.
class StoryMerges {
public:
    std::uint64_t find(std::uint64_t s) {
        auto it = parent_.find(s);
        if (it == parent_.end())
            return s;
        const std::uint64_t root = find(it->second);
        it->second = root;
        return root;
    }
    void unite(std::uint64_t a, std::uint64_t b) {
        a = find(a);
        b = find(b);
        if (a == b)
            return;
        if (b < a)
            std::swap(a, b);
        parent_[b] = a;
    }
    [[nodiscard]] std::vector<IdMerge> merges() {
        std::vector<IdMerge> out;
        for (const auto& [alias, parent] : parent_)
            out.push_back({alias, find(alias)});
        return out;  // std::map: ascending by alias
    }

private:
    std::map<std::uint64_t, std::uint64_t> parent_;
};

/// One near group's weighted terms and total, for pair similarities.
struct Weighed {
    std::vector<WeightedTerm> terms;
    std::uint64_t total = 0;
};

/// The night's weights and which languages it weighs: the index's near groups per language
/// and tonight's new ones decide (language_weighable()).
class NightWeights {
public:
    NightWeights(TermWeights weights, std::vector<LanguageCount> groups, const StoryOptions& o)
        : weights_(std::move(weights)), groups_(std::move(groups)), options_(o) {}
    [[nodiscard]] const TermWeights& weights() const noexcept { return weights_; }
    [[nodiscard]] bool weighable(LangCode lang) const noexcept {
        std::uint64_t n = 0;
        for (const LanguageCount& c : groups_)
            n += c.lang == lang ? c.documents : 0;
        return language_weighable(lang, n, options_);
    }
    /// A held group's representative, weighed by its own language (none: no terms, no links).
    [[nodiscard]] Weighed weigh(std::span<const TermCode> terms, LangCode lang) const {
        Weighed w;
        if (!weighable(lang))
            return w;
        w.terms.resize(terms.size());
        weights_.weigh(terms, w.terms, lang);
        w.total = total_weight(w.terms);
        return w;
    }

private:
    TermWeights weights_;
    std::vector<LanguageCount> groups_;
    StoryOptions options_;
};

/// The least weighted Jaccard over the pairs (a in `as`, b in `bs`): complete link's.
double least_similarity(std::span<const Weighed* const> as, std::span<const Weighed* const> bs) {
    double lo = 1.0;
    TermLookup lookup;
    for (const Weighed* a : as) {
        lookup.assign(a->terms);
        for (const Weighed* b : bs)
            lo = std::min(lo, weighted_jaccard_from(lookup.overlap(b->terms), a->total, b->total));
    }
    return lo;
}

/// A held story as the night compares it: its newest groups' representatives, weighed.
struct HeldStory {
    std::vector<Weighed> groups;
};

/// Loads and weighs the held stories `ids` (members dated >= since).
std::map<std::uint64_t, HeldStory> load_held_stories(const IndexStore& store,
                                                     std::span<const std::uint64_t> ids,
                                                     std::optional<std::int64_t> since,
                                                     const NightWeights& weights) {
    // The newest articles only: a story held for months has thousands (twice the groups
    // compared: copies of one group are read too).
    const std::vector<HeldMember> members = store.members("story", ids, since, 2 * kMaxHeldGroups);
    // Per story and near group: the group's representative among the members in the window.
    struct Best {
        std::size_t member;
        std::int64_t newest_seq;
    };
    std::map<std::uint64_t, std::map<std::uint64_t, Best>> by_story;
    for (std::size_t i = 0; i < members.size(); ++i) {
        const HeldMember& m = members[i];
        auto [it, fresh] = by_story[m.story].try_emplace(m.near, Best{i, m.seq});
        Best& b = it->second;
        b.newest_seq = std::max(b.newest_seq, m.seq);
        const HeldMember& cur = members[b.member];
        if (!fresh &&
            better_representative({m.date, m.length, m.id}, static_cast<DocId>(i),
                                  {cur.date, cur.length, cur.id}, static_cast<DocId>(b.member)))
            b.member = i;
    }
    std::map<std::uint64_t, HeldStory> out;
    for (auto& [story, groups] : by_story) {
        std::vector<Best> list;
        for (const auto& [near, best] : groups)
            list.push_back(best);
        std::sort(list.begin(), list.end(),
                  [](const Best& a, const Best& b) { return a.newest_seq > b.newest_seq; });
        if (list.size() > kMaxHeldGroups)
            list.resize(kMaxHeldGroups);
        HeldStory& h = out[story];
        for (const Best& b : list) {
            const HeldMember& m = members[b.member];
            if (m.terms.empty())
                continue;
            h.groups.push_back(weights.weigh(m.terms, m.lang));
        }
    }
    return out;
}

/// The index's representatives per language (story_documents_by_language()).
std::vector<LanguageCount> held_languages(const IndexStore& store) {
    std::vector<LanguageCount> out;
    for (const auto& [lang, n] : store.story_documents_by_language())
        out.push_back({lang, n});
    return out;
}

/// What the story level decides about tonight's new groups (`new_groups`, their
/// representatives `reps`) before weighing them: their languages, which it weighs (with the
/// index's counts), and their sources' templates, learnt from tonight's representatives alone.
StoryInputs night_inputs(const ScanResult& r, std::span<const std::uint32_t> new_groups,
                         std::span<const DocId> reps, std::span<const LanguageCount> held,
                         const StoryOptions& o) {
    const std::size_t n = reps.size();
    std::vector<LangCode> langs(n);
    std::vector<std::uint32_t> sites(n);
    std::vector<std::uint16_t> beside(n);
    std::vector<std::uint32_t> sizes(n);
    for (std::size_t k = 0; k < n; ++k) {
        const DocMeta& d = r.docs[reps[k]];
        langs[k] = d.lang;
        sites[k] = d.site;
        beside[k] = d.beside_figures;
        sizes[k] = r.near.size[new_groups[k]];  // a new group: new documents only
    }
    return prepare_story_inputs(r.terms, reps, {langs, sites, beside, sizes}, o, held);
}

/// The weights of tonight: background, the index's counts (per language), the new groups'
/// representatives (each in its language).
NightWeights night_weights(const IndexStore& store, std::span<const std::vector<TermCode>> terms,
                           std::span<const DocId> new_reps, std::span<const LangCode> langs,
                           std::vector<LanguageCount> held, const StoryOptions& o) {
    TermWeights w = TermWeights::with_background();
    store.for_each_term_df([&w](std::uint32_t term, std::uint32_t df) { w.add_count(term, df); });
    for (const LanguageCount& c : held)
        w.add_documents_count(c.documents, c.lang);
    w.add_documents(terms, new_reps, langs);
    w.finalize();
    for (const LangCode l : langs) {
        const auto it = std::find_if(held.begin(), held.end(),
                                     [l](const LanguageCount& c) { return c.lang == l; });
        if (it == held.end())
            held.push_back({l, 1});
        else
            ++it->documents;
    }
    return {std::move(w), std::move(held), o};
}

/// Tonight's new groups weighed (entry k: group new_groups[k]), as the scan weighs its groups:
/// none of the terms of a language it cannot weigh, none of a source's template terms.
std::vector<Weighed> weigh_new_groups(std::span<const std::vector<TermCode>> terms,
                                      std::span<const DocId> reps, const TermWeights& weights,
                                      const StoryInputs& in) {
    const WeightedDocs docs = weigh_documents(terms, reps, weights, in.weigh_options());
    std::vector<Weighed> out(reps.size());
    for (std::size_t e = 0; e < docs.size(); ++e) {
        const std::span<const WeightedTerm> t = docs.of(e);
        out[docs.source[e]] = {{t.begin(), t.end()}, docs.total[e]};
    }
    return out;
}

/// Per near group of r.near: true when it has a held member.
std::vector<bool> held_groups(const ScanResult& r) {
    std::vector<bool> held(r.near.groups(), false);
    for (std::size_t d = 0; d < r.held; ++d)
        held[r.near.group_of[d]] = true;
    return held;
}

/// The earliest held member of each group (held DocIds are in insertion order).
std::vector<std::string> first_held(const Clustering& c, const ScanResult& r) {
    std::vector<std::string> out(c.groups());
    for (std::size_t d = r.held; d-- > 0;)
        out[c.group_of[d]] = r.docs[d].id;
    return out;
}

/// Term hashes of each new group's representative, counted once per representative, and the
/// representatives per language (langs[i]: reps[i]'s).
void count_df(std::span<const std::vector<TermCode>> terms, std::span<const DocId> reps,
              std::span<const LangCode> langs, Night& night) {
    std::unordered_map<std::uint32_t, std::int64_t> counts;
    std::unordered_set<std::uint32_t> seen;
    for (const DocId d : reps) {
        seen.clear();
        for (const TermCode t : terms[d]) {
            if (seen.insert(term_hash(t)).second)
                ++counts[term_hash(t)];
        }
    }
    night.df_deltas.assign(counts.begin(), counts.end());
    std::sort(night.df_deltas.begin(), night.df_deltas.end());
    std::map<LangCode, std::int64_t> documents;
    for (const LangCode l : langs)
        ++documents[l];
    night.df_documents.assign(documents.begin(), documents.end());
}

/// A verified pair of a new group (local index) and a held story, through one of its groups.
struct Edge {
    std::uint32_t group;
    std::uint64_t story;
    float similarity;
};

/// Held stories' candidates are the newest this many groups under each story-level key: one,
/// as cluster_stories() links each group to the one before it in each band (10 nights of ECB+
/// dev, BBC, Reuters: gold ARI 0.7944 with 1, 0.7949 with 4 or 32; generated articles that are
/// rewrites of a few thousand texts fill every bucket, and 32 made 215 million pairs of 100,000).
constexpr std::uint32_t kStoryBucketWalk = 1;

/// The edges between tonight's new groups and held groups: story-level LSH candidates (the
/// index's story_keys) whose representatives' weighted Jaccard reaches the edge threshold,
/// with the held group's story. Held groups count only with a member in the story window.
std::vector<Edge> held_edges(const IndexStore& store,
                             std::span<const std::pair<std::int64_t, std::uint32_t>> key_group,
                             const std::vector<Weighed>& weighed, const NightWeights& weights,
                             const StoryOptions& o, const Night& night) {
    std::vector<std::int64_t> distinct;
    for (const auto& [key, k] : key_group) {
        if (distinct.empty() || distinct.back() != key)
            distinct.push_back(key);
    }
    const auto entries = store.story_bucket_entries(distinct, kStoryBucketWalk);
    std::vector<std::pair<std::uint64_t, std::uint32_t>> pairs;  // (held near, new group)
    std::size_t at = 0;
    for (const auto& [key, near] : entries) {
        while (at < key_group.size() && key_group[at].first < key)
            ++at;
        for (std::size_t i = at; i < key_group.size() && key_group[i].first == key; ++i)
            pairs.emplace_back(near, key_group[i].second);
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    // The held groups' representatives (a merged group's keys lead to its survivor).
    std::map<std::uint64_t, std::uint64_t> survivor;
    std::vector<std::uint64_t> groups;
    for (const auto& [near, k] : pairs) {
        if (survivor.count(near) == 0) {
            const std::uint64_t s = store.resolve_alias("near", near);
            survivor.emplace(near, s);
            groups.push_back(s);
        }
    }
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    const std::vector<HeldMember> members = store.representatives(groups, night.story_since);
    struct Rep {
        std::size_t member;
        Weighed weighed;
    };
    std::map<std::uint64_t, Rep> reps;
    for (std::size_t i = 0; i < members.size(); ++i)
        reps.emplace(members[i].near, Rep{i, weights.weigh(members[i].terms, members[i].lang)});
    std::vector<Edge> edges;
    TermLookup lookup;
    std::uint64_t looked_up = ~std::uint64_t{0};
    for (const auto& [near, k] : pairs) {
        const auto it = reps.find(survivor.at(near));
        if (it == reps.end() || it->second.weighed.terms.empty() || weighed[k].terms.empty())
            continue;  // outside the window, or no terms
        const Weighed& h = it->second.weighed;
        if (looked_up != it->first) {
            lookup.assign(h.terms);
            looked_up = it->first;
        }
        const double sim =
            weighted_jaccard_from(lookup.overlap(weighed[k].terms), h.total, weighed[k].total);
        const std::uint64_t story = members[it->second.member].story;
        if (sim >= o.edge_threshold)
            edges.push_back({k, story, static_cast<float>(sim)});
    }
    return edges;
}

/// Complete-link agglomeration of clusters formed already (each item: its members), merging
/// the pair with the largest margin (least similar pair of members) - t(a, b) while it is >= 0,
/// where t(a, b) = max(link, small_link / sqrt(a * b)) for clusters of a and b members: the
/// least similar of a few pairs overestimates how far a story spreads, and a merge is for good.
/// Returns each item's cluster as the smallest item index in it.
std::vector<std::uint32_t> agglomerate(const std::vector<std::vector<const Weighed*>>& items,
                                       double link, double small_link) {
    const std::size_t n = items.size();
    std::vector<double> sim(n * n, 1.0);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = i + 1; j < n; ++j) {
            const double lo = least_similarity(items[i], items[j]);
            sim[i * n + j] = lo;
            sim[j * n + i] = lo;
        }
    }
    std::vector<std::uint32_t> label(n);
    std::vector<double> size(n);
    for (std::size_t i = 0; i < n; ++i) {
        label[i] = static_cast<std::uint32_t>(i);
        size[i] = static_cast<double>(items[i].size());
    }
    std::vector<bool> active(n, true);
    for (;;) {
        double best = -1.0;
        std::size_t bi = 0;
        std::size_t bj = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (!active[i])
                continue;
            for (std::size_t j = i + 1; j < n; ++j) {
                if (!active[j])
                    continue;
                const double t = std::max(link, small_link / std::sqrt(size[i] * size[j]));
                const double margin = sim[i * n + j] - t;
                if (margin > best || (best < 0 && margin >= 0 && bi == bj)) {
                    best = margin;
                    bi = i;
                    bj = j;
                }
            }
        }
        if (best < 0.0 || bi == bj)
            break;
        active[bj] = false;
        size[bi] += size[bj];
        for (std::size_t k = 0; k < n; ++k) {
            const double m = std::min(sim[bi * n + k], sim[bj * n + k]);
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

/// agglomerate()'s t for a merge of two single articles (it falls to the link threshold as
/// the pairs behind a least-similar pair grow): ECB+ dev over 10 nights, gold ARI 0.778 at
/// 0.05 (plain complete link), 0.784 at 0.10, 0.795 at 0.15, 0.761 at 0.20.
constexpr double kSmallLink = 0.15;

/// A graph edge of the night: between two nodes (new groups, then held stories).
struct NodeEdge {
    std::uint32_t a;
    std::uint32_t b;
    double similarity;
};

/// Tonight's story level in one agglomeration: the new groups (LSH candidates among them,
/// verified), the held stories they have edges to (held_edges), components of those edges cut
/// like the scan's, then agglomerate() from the held stories as clusters formed already.
void agglomerate_night(const IndexStore& store, const std::vector<Edge>& held,
                       std::span<const std::pair<std::int64_t, std::uint32_t>> key_group,
                       const std::vector<Weighed>& weighed, const NightWeights& weights,
                       const StoryOptions& o, Night& night, StoryMerges& merges,
                       std::vector<std::uint64_t>& joined_group,
                       std::vector<std::uint32_t>& local_story) {
    const auto n = static_cast<std::uint32_t>(weighed.size());
    std::vector<NodeEdge> edges;
    {  // new-new edges: under each key, each group and the one before it (cluster_stories'
       // band links: a run of equal keys is chained, not paired all with all)
        std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
        for (std::size_t i = 1; i < key_group.size(); ++i) {
            if (key_group[i].first == key_group[i - 1].first)
                pairs.emplace_back(key_group[i].second, key_group[i - 1].second);
        }
        std::sort(pairs.begin(), pairs.end());
        pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
        TermLookup lookup;
        std::uint32_t looked_up = 0xFFFFFFFFu;
        for (const auto& [k, j] : pairs) {
            if (k != looked_up) {
                lookup.assign(weighed[k].terms);
                looked_up = k;
            }
            const double sim = weighted_jaccard_from(lookup.overlap(weighed[j].terms),
                                                     weighed[k].total, weighed[j].total);
            if (sim >= o.edge_threshold)
                edges.push_back({j, k, sim});
        }
    }
    std::vector<std::uint64_t> held_ids;
    for (const Edge& e : held)
        held_ids.push_back(merges.find(e.story));
    std::sort(held_ids.begin(), held_ids.end());
    held_ids.erase(std::unique(held_ids.begin(), held_ids.end()), held_ids.end());
    night.held_stories_met = held_ids.size();
    const std::map<std::uint64_t, HeldStory> held_stories =
        load_held_stories(store, held_ids, night.story_since, weights);
    std::map<std::uint64_t, std::uint32_t> node_of;
    std::vector<std::uint64_t> story_of_node;
    for (const std::uint64_t h : held_ids) {
        const auto it = held_stories.find(h);
        if (it == held_stories.end() || it->second.groups.empty())
            continue;
        node_of.emplace(h, n + static_cast<std::uint32_t>(story_of_node.size()));
        story_of_node.push_back(h);
    }
    for (const Edge& e : held) {
        const auto it = node_of.find(merges.find(e.story));
        if (it != node_of.end())
            edges.push_back({e.group, it->second, static_cast<double>(e.similarity)});
    }
    const std::size_t nodes = n + story_of_node.size();
    UnionFind uf(nodes);
    for (const NodeEdge& e : edges)
        uf.unite(e.a, e.b);
    std::map<DocId, std::vector<std::uint32_t>> comps;
    for (std::uint32_t v = 0; v < nodes; ++v)
        comps[uf.find(v)].push_back(v);
    std::map<DocId, std::vector<NodeEdge>> comp_edges;
    for (const NodeEdge& e : edges)
        comp_edges[uf.find(e.a)].push_back(e);
    std::vector<std::uint32_t> local(nodes);
    for (const auto& [root, members] : comps) {
        if (members.size() < 2)
            continue;
        cut_component(
            members, comp_edges[root], o.edge_threshold, local,
            [&](const std::vector<std::uint32_t>& part, const std::vector<NodeEdge>&, bool whole) {
                std::vector<std::vector<const Weighed*>> items;
                for (const std::uint32_t v : part) {
                    items.emplace_back();
                    if (v < n) {
                        items.back().push_back(&weighed[v]);
                    } else {
                        for (const Weighed& w : held_stories.at(story_of_node[v - n]).groups)
                            items.back().push_back(&w);
                    }
                }
                // A part too big even at level 1.0 is one story, as in the scan.
                const std::vector<std::uint32_t> label =
                    whole ? std::vector<std::uint32_t>(part.size(), 0)
                          : agglomerate(items, o.link_threshold, kSmallLink);
                std::map<std::uint32_t, std::uint64_t> target;
                std::map<std::uint32_t, std::uint32_t> first_new;
                for (std::size_t i = 0; i < part.size(); ++i) {
                    const std::uint32_t v = part[i];
                    if (v >= n) {
                        std::uint64_t& t = target[label[i]];
                        const std::uint64_t h = merges.find(story_of_node[v - n]);
                        if (t == 0) {
                            t = h;
                        } else {
                            merges.unite(t, h);
                            t = merges.find(t);
                        }
                    } else if (first_new.count(label[i]) == 0) {
                        first_new[label[i]] = v;
                    }
                }
                for (std::size_t i = 0; i < part.size(); ++i) {
                    const std::uint32_t v = part[i];
                    if (v >= n)
                        continue;
                    const auto t = target.find(label[i]);
                    if (t != target.end())
                        joined_group[v] = t->second;
                    local_story[v] = first_new[label[i]];
                }
            });
    }
}

/// The story level of the night (see the header). Fills night.story_id and the rest.
void assign_stories(IndexStore& store, const ScanConfig& cfg, std::uint64_t next_story,
                    Night& night) {
    const std::uint64_t first_fresh = next_story;
    ScanResult& r = night.scan;
    const std::vector<bool> held = held_groups(r);
    StoryMerges merges;
    // Held groups keep their stories; a group holding two (it joined two held groups) joins them.
    std::vector<std::uint64_t> group_story(r.near.groups(), 0);
    for (std::size_t d = 0; d < r.held; ++d) {
        std::uint64_t& s = group_story[r.near.group_of[d]];
        if (s == 0)
            s = r.held_story[d];
        else
            merges.unite(s, r.held_story[d]);
    }
    // The new groups, and their stories among themselves.
    std::vector<std::uint32_t> new_groups;
    std::vector<DocId> reps;
    for (std::uint32_t g = 0; g < r.near.groups(); ++g) {
        if (!held[g]) {
            new_groups.push_back(g);
            reps.push_back(r.near.representative[g]);
        }
    }
    const bool story = cfg.story.enabled && !r.terms.empty();
    // Per new group: the held story it joins (0: none), and the smallest new group of its
    // cluster (which numbers the fresh stories).
    std::vector<std::uint64_t> joined(new_groups.size(), 0);
    std::vector<std::uint32_t> local_story(new_groups.size());
    for (std::uint32_t k = 0; k < local_story.size(); ++k)
        local_story[k] = k;
    if (story) {
        std::vector<LanguageCount> held_langs = held_languages(store);
        const StoryInputs in = night_inputs(r, new_groups, reps, held_langs, cfg.story);
        const NightWeights weights =
            night_weights(store, r.terms, reps, in.langs, std::move(held_langs), cfg.story);
        count_df(r.terms, reps, in.langs, night);
        r.story_stats.unweighed = in.unweighed;
        r.story_stats.template_terms = in.templates.size();
        r.story_stats.template_documents = in.template_documents;
        const std::vector<Weighed> weighed = weigh_new_groups(r.terms, reps, weights.weights(), in);
        // Story-level keys of the new groups: looked up now, stored tonight.
        const MinHasher hasher(cfg.story.num_perm, cfg.story.seed);
        std::vector<std::pair<std::int64_t, std::uint32_t>> key_group;
        key_group.reserve(new_groups.size() * cfg.story.lsh.bands);
        std::vector<std::uint64_t> band(cfg.story.lsh.bands);
        for (std::uint32_t k = 0; k < new_groups.size(); ++k) {
            if (!story_band_keys(weighed[k].terms, cfg.story, hasher, band))
                continue;
            for (const std::uint64_t key : band)
                key_group.emplace_back(IndexStore::stored_key(key), k);
        }
        std::sort(key_group.begin(), key_group.end());
        key_group.erase(std::unique(key_group.begin(), key_group.end()), key_group.end());
        const std::vector<Edge> edges =
            held_edges(store, key_group, weighed, weights, cfg.story, night);
        agglomerate_night(store, edges, key_group, weighed, weights, cfg.story, night, merges,
                          joined, local_story);
        // What tonight stores: (key, stable near id), still in key order.
        night.story_keys.reserve(key_group.size());
        for (const auto& [key, k] : key_group)
            night.story_keys.emplace_back(
                key, static_cast<std::int64_t>(night.near.id_of_group[new_groups[k]]));
        for (std::uint32_t k = 0; k < new_groups.size(); ++k) {
            if (joined[k] != 0)
                group_story[new_groups[k]] = joined[k];
        }
    }
    // Fresh ids for the local stories that joined nothing, in order.
    std::vector<std::uint64_t> fresh(new_groups.size(), 0);
    for (std::uint32_t k = 0; k < new_groups.size(); ++k) {
        const std::uint32_t g = new_groups[k];
        if (group_story[g] != 0)
            continue;
        std::uint64_t& id = fresh[local_story[k]];
        if (id == 0)
            id = next_story++;
        group_story[g] = id;
    }
    night.next_story = next_story;
    night.story_merges = merges.merges();
    // The night's stories as a clustering of its documents, by their final story id.
    std::unordered_map<std::uint64_t, DocId> first_of_story;
    UnionFind uf(r.docs.size());
    for (std::size_t d = 0; d < r.docs.size(); ++d) {
        const std::uint64_t s = merges.find(group_story[r.near.group_of[d]]);
        const auto [it, first] = first_of_story.emplace(s, static_cast<DocId>(d));
        if (!first)
            uf.unite(it->second, static_cast<DocId>(d));
    }
    std::vector<RepresentativeKey> keys;
    keys.reserve(r.docs.size());
    for (const DocMeta& m : r.docs)
        keys.push_back({m.date, m.length, m.id});
    r.story = make_clustering(uf, keys);
    night.story_id.assign(r.story.groups(), 0);
    night.matched_story.assign(r.story.groups(), std::string());
    for (std::uint32_t g = 0; g < r.story.groups(); ++g) {
        const DocId rep = r.story.representative[g];
        const std::uint64_t s = merges.find(group_story[r.near.group_of[rep]]);
        night.story_id[g] = s;
        if (s < first_fresh) {
            // A held story: its earliest held article (of the survivor, else of what joins it).
            std::string first = store.first_member("story", s);
            for (const IdMerge& m : night.story_merges) {
                if (first.empty() && m.target == s)
                    first = store.first_member("story", m.alias);
            }
            night.matched_story[g] = first;
        }
    }
}

}  // namespace

std::int64_t window_end(std::span<const DocMeta> docs, std::size_t first, std::int64_t now) {
    std::optional<std::int64_t> newest;
    for (std::size_t d = first; d < docs.size(); ++d) {
        if (docs[d].date && (!newest || *docs[d].date > *newest))
            newest = docs[d].date;
    }
    // The run judged its dates already; a date within the day of slack still ends at now.
    return newest ? std::min(*newest, now) : now;
}

Night run_night(IndexStore& store, ScanConfig cfg, std::vector<InputFile> inputs,
                const NightOptions& options) {
    Night night;
    IndexLookup lookup(store, cfg.num_perm, options.near_since);
    cfg.held = nullptr;
    cfg.lookup = &lookup;
    cfg.keep_document_data = true;
    cfg.now = options.now;  // dates are judged against the night's time
    night.scan = run_scan(cfg, std::move(inputs));
    ScanResult& r = night.scan;
    night.near = assign_stable_ids(r.near, r.held_near, store.next_id("near"));
    night.matched_near = first_held(r.near, r);
    if (options.story_window) {
        const std::int64_t as_of = options.as_of.value_or(window_end(r.docs, r.held, options.now));
        night.story_since = as_of - *options.story_window;
    }
    const auto start = std::chrono::steady_clock::now();
    assign_stories(store, cfg, store.next_id("story"), night);
    night.story_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    night.lookup_seconds = lookup.seconds;
    return night;
}

std::int64_t store_night(IndexStore& store, const Night& night, std::uint32_t num_perm,
                         const RunInfo& run, std::span<const RunRow> rows,
                         std::optional<std::int64_t> story_window) {
    const ScanResult& r = night.scan;
    const StableIds& near = night.near;
    for (const IdMerge& m : near.merges)
        store.merge("near", m.alias, m.target, run.finished);
    for (const IdMerge& m : night.story_merges)
        store.merge("story", m.alias, m.target, run.finished);
    for (DocId d : r.updates)
        (void)store.remove(r.docs[d].id);
    for (std::size_t d = r.held; d < r.docs.size(); ++d) {
        const DocMeta& m = r.docs[d];
        const std::span<const SigValue> sig(r.signatures.data() + (d - r.held) * num_perm,
                                            num_perm);
        const std::span<const TermCode> terms =
            r.terms.empty() ? std::span<const TermCode>() : std::span(r.terms[d]);
        store.insert(
            {{m.id, m.source, m.date, run.started, m.length, near.id_of_group[r.near.group_of[d]],
              night.story_id[r.story.group_of[d]], m.text_hash, m.title, m.url, m.lang},
             sig,
             terms});
    }
    store.write_story_keys(night.story_keys);
    store.add_term_df(night.df_deltas, night.df_documents);
    store.put_state("story_window", story_window ? std::to_string(*story_window) : "all");
    store.set_next_id("near", near.next);
    store.set_next_id("story", night.next_story);
    return store.record_run(run, rows);
}

std::uint64_t fill_story_index(IndexStore& store, const ScanConfig& cfg) {
    HeldDocuments held = store.load(std::nullopt, store.num_perm());
    std::map<std::uint64_t, std::size_t> rep;  // near id -> representative
    for (std::size_t i = 0; i < held.size(); ++i) {
        const auto [it, fresh] = rep.emplace(held.near[i], i);
        const std::size_t b = it->second;
        if (!fresh && better_representative(
                          {held.dates[i], held.lengths[i], held.ids[i]}, static_cast<DocId>(i),
                          {held.dates[b], held.lengths[b], held.ids[b]}, static_cast<DocId>(b)))
            it->second = i;
    }
    std::vector<DocId> reps;
    std::vector<LangCode> langs;
    for (const auto& [near, i] : rep) {
        reps.push_back(static_cast<DocId>(i));
        langs.push_back(held.langs[i]);
    }
    Night counts;
    count_df(held.terms, reps, langs, counts);
    store.add_term_df(counts.df_deltas, counts.df_documents);
    if (cfg.story.enabled) {
        TermWeights w = TermWeights::with_background();
        w.add_documents(held.terms, reps, langs);
        w.finalize();
        std::vector<LanguageCount> groups;
        for (const auto& [lang, n] : counts.df_documents)
            groups.push_back({lang, static_cast<std::uint64_t>(n)});
        const NightWeights weights(std::move(w), std::move(groups), cfg.story);
        const MinHasher hasher(cfg.story.num_perm, cfg.story.seed);
        std::vector<std::uint64_t> band(cfg.story.lsh.bands);
        for (const auto& [near, i] : rep) {
            const Weighed weighed = weights.weigh(held.terms[i], held.langs[i]);
            if (story_band_keys(weighed.terms, cfg.story, hasher, band))
                store.add_story_keys(near, band);  // written in key order at commit()
        }
    }
    store.put_state("story_keys", "complete");
    return rep.size();
}

}  // namespace neardup
