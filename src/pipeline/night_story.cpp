// The story level of a night (night.hpp): tonight's new near groups are weighed, their
// story-level keys looked up among the held groups', and the held stories they reach (and
// those a near group of tonight joined two of) are clustered again, with their articles in
// the story window and tonight's groups, by the scan's own algorithm; ids are carried by
// overlap and every held article that changes story is a move.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "neardup/pipeline/night.hpp"
#include "neardup/story/inputs.hpp"
#include "neardup/story/story.hpp"
#include "neardup/story/weights.hpp"
#include "night_story_impl.hpp"

namespace neardup {
namespace {

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

/// The index's representatives per language (story_documents_by_language()).
std::vector<LanguageCount> held_languages(const IndexStore& store) {
    std::vector<LanguageCount> out;
    for (const auto& [lang, n] : store.story_documents_by_language())
        out.push_back({lang, n});
    return out;
}

/// What the story level decides about tonight's new groups (`new_groups`, their
/// representatives `reps`) before weighing them: their languages, which it weighs (with the
/// index's counts), and their sources' templates, learnt from the index's template counts and
/// tonight's representatives (the counts tonight adds are kept: run_template_counts()).
StoryInputs night_inputs(const IndexStore& store, const ScanResult& r,
                         std::span<const std::uint32_t> new_groups, std::span<const DocId> reps,
                         std::span<const LanguageCount> held, const StoryOptions& o) {
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
    // Each source's templates are learnt from its counts in the index and tonight's.
    SourceTemplates templates(o.templates);
    templates.keep_run_counts();
    std::vector<std::uint64_t> keys;
    std::map<std::uint64_t, std::uint32_t> local;
    for (const std::uint32_t site : sites) {
        if (site == 0)
            continue;
        const std::uint64_t key = IndexStore::site_key(r.site_names[site]);
        if (local.emplace(key, site).second)
            keys.push_back(key);
    }
    for (const SiteTemplateCounts& c : store.template_counts(keys))
        templates.add_held(local.at(c.site), c.articles, c.terms);
    return prepare_story_inputs(r.terms, reps, {langs, sites, beside, sizes}, o, held, &templates);
}

/// What tonight adds to the index's template counts, per source: its weighed
/// representatives and their terms' counts.
std::vector<SiteTemplateCounts> run_template_counts(const ScanResult& r, const StoryInputs& in) {
    std::map<std::uint32_t, SiteTemplateCounts> by_site;
    for (std::size_t k = 0; k < in.sites.size(); ++k) {
        if (in.sites[k] != 0 && in.weighable[k] != 0)
            ++by_site[in.sites[k]].articles;
    }
    for (const auto& [site, count] : in.templates.run_counts()) {
        if (site != 0)
            by_site[site].terms.push_back(count);
    }
    std::vector<SiteTemplateCounts> out;
    for (auto& [site, c] : by_site) {
        c.site = IndexStore::site_key(r.site_names[site]);
        out.push_back(std::move(c));
    }
    return out;
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

/// Held stories' candidates are the newest this many groups under each story-level key: one,
/// as cluster_stories() links each group to the one before it in each band (10 nights of ECB+
/// dev, BBC, Reuters, stories clustered again: story ARI against one scan 0.750 with 1, 0.755
/// with 4, 0.757 with 32; generated articles that are rewrites of a few thousand texts fill
/// every bucket, and 32 made 215 million pairs of 100,000 under the merge-only design).
constexpr std::uint32_t kStoryBucketWalk = 1;

/// The held stories tonight's new groups have an edge to: story-level LSH candidates (the
/// index's story_keys) whose representatives' weighted Jaccard reaches the edge threshold.
/// Held groups count only with a member in the story window. Ascending.
std::vector<std::uint64_t> touched_stories(
    const IndexStore& store, std::span<const std::pair<std::int64_t, std::uint32_t>> key_group,
    const std::vector<Weighed>& weighed, const NightWeights& weights, const StoryOptions& o,
    std::optional<std::int64_t> since) {
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
    const std::vector<HeldMember> members = store.representatives(groups, since);
    struct Rep {
        std::size_t member;
        Weighed weighed;
    };
    std::map<std::uint64_t, Rep> reps;
    for (std::size_t i = 0; i < members.size(); ++i)
        reps.emplace(members[i].near, Rep{i, weights.weigh(members[i].terms, members[i].lang)});
    std::vector<std::uint64_t> touched;
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
        if (sim >= o.edge_threshold)
            touched.push_back(members[it->second.member].story);
    }
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    return touched;
}

/// The templates held articles' terms are judged by: tonight's for tonight's sources (learnt
/// from the index's counts and tonight's), the index's counts alone for the other sources.
class HeldTemplates {
public:
    HeldTemplates(const IndexStore& store, const ScanResult& r, const StoryInputs& in,
                  const StoryOptions& o)
        : store_(store), tonight_(in.templates), others_(o.templates) {
        for (std::size_t site = 1; site < r.site_names.size(); ++site)
            tonight_ids_.emplace(IndexStore::site_key(r.site_names[site]),
                                 static_cast<std::uint32_t>(site));
    }
    /// Learns the other sources' templates (the index's counts of `sites`). Call once, before
    /// remove().
    void learn(std::span<const std::uint64_t> sites) {
        std::vector<std::uint64_t> keys;
        for (const std::uint64_t s : sites) {
            if (s != 0 && tonight_ids_.count(s) == 0 &&
                other_ids_.emplace(s, static_cast<std::uint32_t>(other_ids_.size() + 1)).second)
                keys.push_back(s);
        }
        for (const SiteTemplateCounts& c : store_.template_counts(keys))
            others_.add_held(other_ids_.at(c.site), c.articles, c.terms);
        others_.finalize();
    }
    /// `m`'s terms without its source's template terms among those beside a figure.
    [[nodiscard]] std::vector<TermCode> remove(const HeldMember& m) const {
        std::vector<TermCode> terms = m.terms;
        const SourceTemplates* t = &tonight_;
        auto it = tonight_ids_.find(m.site);
        if (it == tonight_ids_.end()) {
            t = &others_;
            it = other_ids_.find(m.site);
            if (it == other_ids_.end())
                return terms;
        }
        const std::size_t beside = std::min<std::size_t>(m.beside_figures, terms.size());
        const std::uint32_t source = it->second;
        const auto kept =
            std::remove_if(terms.begin(), terms.begin() + static_cast<std::ptrdiff_t>(beside),
                           [&](TermCode c) { return t->contains(source, c); });
        terms.erase(kept, terms.begin() + static_cast<std::ptrdiff_t>(beside));
        return terms;
    }

private:
    const IndexStore& store_;
    const SourceTemplates& tonight_;
    std::map<std::uint64_t, std::uint32_t> tonight_ids_;
    SourceTemplates others_;
    std::map<std::uint64_t, std::uint32_t> other_ids_;
};

/// A touched story is clustered again through its newest this many articles in the window
/// (the others stay in it): what a night reads grows with the stories it touches, not with
/// how long they have run. The largest story of one scan of ECB+ dev, BBC and Reuters has 115
/// articles; generated articles rewrite a few thousand texts, whose stories grow without end.
constexpr std::uint32_t kMaxStoryArticles = 256;

/// One node of tonight's story clustering: a held near group (its articles in the story
/// window) or one of tonight's new groups, with its representative's weighed terms.
struct Node {
    Weighed weighed;
    std::optional<std::int64_t> date;  ///< the representative's key (RepresentativeKey)
    std::uint64_t length = 0;
    std::string id;
};

/// The held near groups of the touched stories' articles (`articles`, in insertion order),
/// as tonight's near level numbers them (`tonight_near`): one node each, in order of their
/// first article; node_of[i] is articles[i]'s. Each node's representative among those
/// articles (better_representative(), as the index picks it) is read and weighed.
std::vector<Node> held_nodes(const IndexStore& store, std::span<const IndexRow> articles,
                             const std::function<std::uint64_t(std::uint64_t)>& tonight_near,
                             const NightWeights* weights, HeldTemplates* templates,
                             std::map<std::uint64_t, std::uint32_t>& node_of_near,
                             std::vector<std::uint32_t>& node_of) {
    node_of.resize(articles.size());
    std::vector<std::size_t> best;  // per node: its representative's index in `articles`
    for (std::size_t i = 0; i < articles.size(); ++i) {
        const auto [it, fresh] = node_of_near.try_emplace(
            tonight_near(articles[i].near), static_cast<std::uint32_t>(node_of_near.size()));
        node_of[i] = it->second;
        if (fresh) {
            best.push_back(i);
            continue;
        }
        const IndexRow& a = articles[i];
        const IndexRow& b = articles[best[it->second]];
        if (better_representative({a.date, a.length, a.id}, static_cast<DocId>(i),
                                  {b.date, b.length, b.id}, static_cast<DocId>(best[it->second])))
            best[it->second] = i;
    }
    std::vector<Node> nodes(best.size());
    for (std::size_t n = 0; n < nodes.size(); ++n) {
        const IndexRow& a = articles[best[n]];
        nodes[n].date = a.date;
        nodes[n].length = a.length;
        nodes[n].id = a.id;
    }
    if (weights == nullptr)
        return nodes;
    std::vector<std::int64_t> seqs;
    for (const std::size_t i : best)
        seqs.push_back(articles[i].seq);
    const std::vector<HeldMember> reps = store.members_at(seqs);
    std::vector<std::uint64_t> sites;
    for (const HeldMember& m : reps)
        sites.push_back(m.site);
    templates->learn(sites);
    for (std::size_t n = 0; n < nodes.size(); ++n)
        nodes[n].weighed = weights->weigh(templates->remove(reps[n]), reps[n].lang);
    return nodes;
}

/// The scan's story clustering (cluster_stories()) of the nodes, each its own near group, with
/// the pairs `linked` (nodes of one held story) as edges: node n's cluster, clusters numbered
/// by their first node.
std::vector<std::uint32_t> cluster_nodes(
    const std::vector<Node>& nodes, const StoryOptions& o, StoryStats& stats,
    std::span<const std::pair<std::uint32_t, std::uint32_t>> linked) {
    WeightedDocs docs;
    docs.begin.push_back(0);
    Clustering each;
    std::vector<RepresentativeKey> keys;
    for (std::size_t n = 0; n < nodes.size(); ++n) {
        const Weighed& w = nodes[n].weighed;
        docs.terms.insert(docs.terms.end(), w.terms.begin(), w.terms.end());
        docs.begin.push_back(docs.terms.size());
        docs.total.push_back(w.total);
        docs.source.push_back(static_cast<std::uint32_t>(n));
        each.group_of.push_back(static_cast<std::uint32_t>(n));
        each.representative.push_back(static_cast<DocId>(n));
        each.size.push_back(1);
        keys.push_back({nodes[n].date, nodes[n].length, nodes[n].id});
    }
    return cluster_stories(docs, each, o, keys, stats, linked).group_of;
}

/// Story ids carried by overlap: each cluster takes the held story that gives it most of its
/// held articles (ties: the older, smaller id), greedily from the largest overlap, so a held
/// story that splits keeps its id in its largest part; the rest get fresh ids in cluster
/// order. `article_cluster[i]` is articles[i]'s cluster.
std::vector<std::uint64_t> carry_ids(std::span<const IndexRow> articles,
                                     std::span<const std::uint32_t> article_cluster,
                                     std::size_t clusters, std::uint64_t& next_story) {
    std::map<std::pair<std::uint32_t, std::uint64_t>, std::uint64_t> overlap;
    for (std::size_t i = 0; i < articles.size(); ++i)
        ++overlap[{article_cluster[i], articles[i].story}];
    struct Share {
        std::uint64_t count;
        std::uint64_t story;
        std::uint32_t cluster;
    };
    std::vector<Share> shares;
    for (const auto& [key, count] : overlap)
        shares.push_back({count, key.second, key.first});
    std::sort(shares.begin(), shares.end(), [](const Share& a, const Share& b) {
        return std::tie(b.count, a.story, a.cluster) < std::tie(a.count, b.story, b.cluster);
    });
    std::vector<std::uint64_t> id(clusters, 0);
    std::unordered_set<std::uint64_t> taken;
    for (const Share& s : shares) {
        if (id[s.cluster] == 0 && taken.insert(s.story).second)
            id[s.cluster] = s.story;
    }
    for (std::uint64_t& i : id) {
        if (i == 0)
            i = next_story++;
    }
    return id;
}

/// The touched stories that have articles not read tonight (older than the window or than
/// their newest kMaxStoryArticles): those stay in them whatever tonight decides.
std::set<std::uint64_t> stories_with_unread(const IndexStore& store,
                                            std::span<const IndexRow> articles) {
    std::map<std::uint64_t, std::uint64_t> read;
    for (const IndexRow& a : articles)
        ++read[a.story];
    std::vector<std::uint64_t> ids;
    for (const auto& [story, n] : read)
        ids.push_back(story);
    const std::vector<std::uint64_t> sizes = store.story_sizes(ids);
    std::set<std::uint64_t> out;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (sizes[i] > read.at(ids[i]))
            out.insert(ids[i]);
    }
    return out;
}

/// Where the held articles that changed story went: a held story that lost its id and all of
/// whose articles (none `unread`) went into one other story is an alias of it (merges); every
/// other move is a lineage record (old -> new, articles).
void record_moves(std::span<const StoryMove> moves, std::span<const std::uint64_t> kept_ids,
                  const std::set<std::uint64_t>& unread, Night& night) {
    std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint64_t> flows;
    for (const StoryMove& m : moves)
        ++flows[{m.article.story, m.story}];
    std::map<std::uint64_t, std::vector<std::uint64_t>> to_of;
    for (const auto& [flow, n] : flows)
        to_of[flow.first].push_back(flow.second);
    std::unordered_set<std::uint64_t> kept(kept_ids.begin(), kept_ids.end());
    std::set<std::uint64_t> aliased;
    for (const auto& [from, tos] : to_of) {
        if (kept.count(from) == 0 && tos.size() == 1 && unread.count(from) == 0) {
            night.story_merges.push_back({from, tos.front()});
            aliased.insert(from);
        }
    }
    for (const auto& [flow, n] : flows) {
        if (aliased.count(flow.first) == 0)
            night.lineage.push_back({flow.first, flow.second, n});
    }
}

/// The earliest held article of each story id in `ids` as it stands after tonight: of a held
/// story none of whose articles were read (untouched), or with `unread` articles (older than
/// those read, and they stay), its first member in the index; else the earliest of the
/// articles read that have it now (`earliest`); empty for a new story.
std::vector<std::string> first_held_of(const IndexStore& store, std::span<const std::uint64_t> ids,
                                       std::uint64_t first_fresh,
                                       const std::map<std::uint64_t, std::string>& earliest,
                                       const std::set<std::uint64_t>& unread) {
    std::map<std::uint64_t, std::string> first;  // each story once (moves repeat them)
    std::vector<std::string> out;
    for (const std::uint64_t s : ids) {
        const auto [known, fresh] = first.try_emplace(s);
        if (fresh) {
            const auto it = earliest.find(s);
            if (s < first_fresh && (it == earliest.end() || unread.count(s) > 0))
                known->second = store.first_member("story", s);
            else if (it != earliest.end())
                known->second = it->second;
        }
        out.push_back(known->second);
    }
    return out;
}

/// The story-level band keys of tonight's weighed groups, as stored (stored_key()), with the
/// group's index; ascending, distinct.
std::vector<std::pair<std::int64_t, std::uint32_t>> story_keys_of(std::span<const Weighed> weighed,
                                                                  const StoryOptions& o) {
    const MinHasher hasher(o.num_perm, o.seed);
    std::vector<std::pair<std::int64_t, std::uint32_t>> key_group;
    key_group.reserve(weighed.size() * o.lsh.bands);
    std::vector<std::uint64_t> band(o.lsh.bands);
    for (std::uint32_t k = 0; k < weighed.size(); ++k) {
        if (!story_band_keys(weighed[k].terms, o, hasher, band))
            continue;
        for (const std::uint64_t key : band)
            key_group.emplace_back(IndexStore::stored_key(key), k);
    }
    std::sort(key_group.begin(), key_group.end());
    key_group.erase(std::unique(key_group.begin(), key_group.end()), key_group.end());
    return key_group;
}

/// The night's stories as a clustering of its documents: those whose near groups have one
/// story id (`group_story`, per near group) are one story.
Clustering story_clustering(const ScanResult& r, std::span<const std::uint64_t> group_story) {
    std::unordered_map<std::uint64_t, DocId> first_of_story;
    UnionFind uf(r.docs.size());
    for (std::size_t d = 0; d < r.docs.size(); ++d) {
        const auto [it, first] =
            first_of_story.emplace(group_story[r.near.group_of[d]], static_cast<DocId>(d));
        if (!first)
            uf.unite(it->second, static_cast<DocId>(d));
    }
    std::vector<RepresentativeKey> keys;
    keys.reserve(r.docs.size());
    for (const DocMeta& m : r.docs)
        keys.push_back({m.date, m.length, m.id});
    return make_clustering(uf, keys);
}

}  // namespace

void detail::assign_night_stories(IndexStore& store, const ScanConfig& cfg, Night& night) {
    ScanResult& r = night.scan;
    const std::uint64_t first_fresh = store.next_id("story");
    std::uint64_t next_story = first_fresh;
    std::map<std::uint64_t, std::uint64_t> near_target;  // tonight's near merges
    for (const IdMerge& m : night.near.merges)
        near_target.emplace(m.alias, m.target);
    const auto tonight_near = [&near_target](std::uint64_t id) {
        const auto it = near_target.find(id);
        return it == near_target.end() ? id : it->second;
    };
    // Held groups keep their stories unless tonight touches them; a group that joined held
    // groups of two stories touches both.
    std::set<std::uint64_t> touched;
    std::vector<std::uint64_t> group_story(r.near.groups(), 0);
    for (std::size_t d = 0; d < r.held; ++d) {
        std::uint64_t& s = group_story[r.near.group_of[d]];
        if (s == 0) {
            s = r.held_story[d];
        } else if (s != r.held_story[d]) {
            touched.insert(s);
            touched.insert(r.held_story[d]);
        }
    }
    std::vector<std::uint32_t> new_groups;
    std::vector<DocId> reps;
    for (std::uint32_t g = 0; g < r.near.groups(); ++g) {
        if (group_story[g] == 0) {
            new_groups.push_back(g);
            reps.push_back(r.near.representative[g]);
        }
    }
    const bool story = cfg.story.enabled && !r.terms.empty();
    std::optional<NightWeights> weights;
    std::optional<StoryInputs> in_store;
    std::optional<HeldTemplates> templates;
    std::vector<Weighed> weighed(new_groups.size());
    if (story) {
        std::vector<LanguageCount> held_langs = held_languages(store);
        const StoryInputs& in =
            in_store.emplace(night_inputs(store, r, new_groups, reps, held_langs, cfg.story));
        night.template_counts = run_template_counts(r, in);
        templates.emplace(store, r, in, cfg.story);
        weights.emplace(
            night_weights(store, r.terms, reps, in.langs, std::move(held_langs), cfg.story));
        count_df(r.terms, reps, in.langs, night);
        r.story_stats.unweighed = in.unweighed;
        r.story_stats.template_terms = in.templates.size();
        r.story_stats.template_documents = in.template_documents;
        weighed = weigh_new_groups(r.terms, reps, weights->weights(), in);
        // Story-level keys of the new groups: looked up now, stored tonight.
        const auto key_group = story_keys_of(weighed, cfg.story);
        for (const std::uint64_t s :
             touched_stories(store, key_group, weighed, *weights, cfg.story, night.story_since))
            touched.insert(s);
        // What tonight stores: (key, stable near id), still in key order.
        night.story_keys.reserve(key_group.size());
        for (const auto& [key, k] : key_group)
            night.story_keys.emplace_back(
                key, static_cast<std::int64_t>(night.near.id_of_group[new_groups[k]]));
    }
    night.held_stories_met = touched.size();

    // The touched stories' articles in the window and their near groups, then tonight's new
    // groups: clustered again as one scan clusters them.
    std::vector<IndexRow> articles;
    if (!touched.empty()) {
        const std::vector<std::uint64_t> ids(touched.begin(), touched.end());
        articles =
            store.story_articles(ids, night.story_since.value_or(INT64_MIN), kMaxStoryArticles);
        std::sort(articles.begin(), articles.end(),
                  [](const IndexRow& a, const IndexRow& b) { return a.seq < b.seq; });
    }
    std::map<std::uint64_t, std::uint32_t> node_of_near;
    std::vector<std::uint32_t> article_node;
    std::vector<Node> nodes =
        held_nodes(store, articles, tonight_near, weights ? &*weights : nullptr,
                   templates ? &*templates : nullptr, node_of_near, article_node);
    const std::size_t held_count = nodes.size();
    for (std::uint32_t k = 0; k < new_groups.size(); ++k) {
        const DocMeta& m = r.docs[reps[k]];
        nodes.push_back({std::move(weighed[k]), m.date, m.length, m.id});
    }
    std::vector<std::uint32_t> cluster(nodes.size());
    if (story) {
        // A held story stays one component (its groups may have been connected through groups
        // of other stories, which are not read): each of its nodes is linked to its first.
        std::map<std::uint64_t, std::uint32_t> first_node;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> linked;
        for (std::size_t i = 0; i < articles.size(); ++i) {
            const auto [it, fresh] = first_node.try_emplace(articles[i].story, article_node[i]);
            if (!fresh && it->second != article_node[i])
                linked.emplace_back(it->second, article_node[i]);
        }
        std::sort(linked.begin(), linked.end());
        linked.erase(std::unique(linked.begin(), linked.end()), linked.end());
        cluster = cluster_nodes(nodes, cfg.story, r.story_stats, linked);
    } else {
        for (std::uint32_t n = 0; n < nodes.size(); ++n)
            cluster[n] = n;
    }
    const std::size_t clusters =
        cluster.empty() ? 0 : *std::max_element(cluster.begin(), cluster.end()) + 1;
    std::vector<std::uint32_t> article_cluster(articles.size());
    for (std::size_t i = 0; i < articles.size(); ++i)
        article_cluster[i] = cluster[article_node[i]];
    const std::vector<std::uint64_t> cluster_id =
        carry_ids(articles, article_cluster, clusters, next_story);

    // The held articles that changed story, and what became of their stories.
    // A held article updated tonight is replaced by its new version (which has its own row):
    // the held version does not move.
    std::unordered_set<std::string_view> updated;
    for (const DocId d : r.updates)
        updated.insert(r.docs[d].id);
    std::map<std::uint64_t, std::string> earliest;  // story now -> its earliest window article
    for (std::size_t i = 0; i < articles.size(); ++i) {
        if (updated.count(articles[i].id) > 0)
            continue;
        const std::uint64_t to = cluster_id[article_cluster[i]];
        earliest.try_emplace(to, articles[i].id);
        if (to == articles[i].story)
            continue;
        IndexRow a = articles[i];
        a.near = tonight_near(a.near);
        night.moves.push_back({std::move(a), to, {}});
    }
    {  // the moved articles' rows need their source, title, url and language
        std::vector<IndexRow*> rows;
        for (StoryMove& m : night.moves)
            rows.push_back(&m.article);
        store.fill_details(rows);
    }
    const std::set<std::uint64_t> unread = stories_with_unread(store, articles);
    record_moves(night.moves, cluster_id, unread, night);
    std::map<std::uint64_t, std::uint64_t> alias;
    for (const IdMerge& m : night.story_merges)
        alias.emplace(m.alias, m.target);
    // Tonight's groups: held ones in a node take its cluster's story, the others keep theirs.
    for (std::uint32_t g = 0; g < r.near.groups(); ++g) {
        const auto it = node_of_near.find(night.near.id_of_group[g]);
        if (it != node_of_near.end())
            group_story[g] = cluster_id[cluster[it->second]];
    }
    for (std::uint32_t k = 0; k < new_groups.size(); ++k)
        group_story[new_groups[k]] = cluster_id[cluster[held_count + k]];
    for (std::uint64_t& s : group_story) {
        const auto it = alias.find(s);
        s = it == alias.end() ? s : it->second;
    }
    night.next_story = next_story;

    r.story = story_clustering(r, group_story);
    night.story_id.assign(r.story.groups(), 0);
    for (std::uint32_t g = 0; g < r.story.groups(); ++g)
        night.story_id[g] = group_story[r.near.group_of[r.story.representative[g]]];
    night.matched_story = first_held_of(store, night.story_id, first_fresh, earliest, unread);
    std::vector<std::uint64_t> move_ids;
    for (const StoryMove& m : night.moves)
        move_ids.push_back(m.story);
    const std::vector<std::string> move_first =
        first_held_of(store, move_ids, first_fresh, earliest, unread);
    for (std::size_t i = 0; i < night.moves.size(); ++i)
        night.moves[i].matched_story = move_first[i];
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
