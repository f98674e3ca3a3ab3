#include "neardup/pipeline/night.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "neardup/core/error.hpp"
#include "neardup/story/story.hpp"
#include "neardup/story/weights.hpp"

namespace neardup {
namespace {

/// A held near group's bucket walk: the newest this many held articles under a key, as the
/// in-memory index walks its buckets (lsh/index.hpp).
constexpr std::uint32_t kBucketWalk = 512;

/// Held stories are compared through at most this many of their newest near groups in the
/// window: cluster_stories()' limit for one dense complete-link.
constexpr std::size_t kMaxHeldGroups = 200;

/// The index as run_scan() looks it up.
class IndexLookup final : public HeldLookup {
public:
    IndexLookup(IndexStore& store, std::uint32_t num_perm, std::optional<std::int64_t> since)
        : store_(store), num_perm_(num_perm), since_(since) {}
    std::optional<std::optional<std::uint64_t>> text_hash(const std::string& id) override {
        return store_.held_text_hash(id);
    }
    HeldDocuments groups(std::span<const std::uint64_t> keys) override {
        return store_.near_groups(keys, num_perm_, since_, kBucketWalk);
    }

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

Weighed weigh(std::span<const TermCode> terms, const TermWeights& weights) {
    Weighed w;
    w.terms.resize(terms.size());
    weights.weigh(terms, w.terms);
    w.total = total_weight(w.terms);
    return w;
}

/// Weighted Jaccard of every pair (a in `as`, b in `bs`): min and max.
std::pair<double, double> pair_range(std::span<const Weighed* const> as,
                                     std::span<const Weighed* const> bs) {
    double lo = 1.0;
    double hi = 0.0;
    TermLookup lookup;
    for (const Weighed* a : as) {
        lookup.assign(a->terms);
        for (const Weighed* b : bs) {
            const double s = weighted_jaccard_from(lookup.overlap(b->terms), a->total, b->total);
            lo = std::min(lo, s);
            hi = std::max(hi, s);
        }
    }
    return {lo, hi};
}

/// A held story as the night compares it: its newest groups' representatives, weighed.
struct HeldStory {
    std::vector<Weighed> groups;
};

/// Loads and weighs the held stories `ids` (members dated >= since).
std::map<std::uint64_t, HeldStory> load_held_stories(const IndexStore& store,
                                                     std::span<const std::uint64_t> ids,
                                                     std::optional<std::int64_t> since,
                                                     const TermWeights& weights) {
    const std::vector<HeldMember> members = store.story_members(ids, since);
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
        if (!fresh && better_representative({m.date, m.length, m.id}, static_cast<DocId>(i),
                                            {cur.date, cur.length, cur.id},
                                            static_cast<DocId>(b.member)))
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
            if (!members[b.member].terms.empty())
                h.groups.push_back(weigh(members[b.member].terms, weights));
        }
    }
    return out;
}

/// The weights of tonight: background, the index's counts, the new groups' representatives.
TermWeights night_weights(const IndexStore& store, std::span<const std::vector<TermCode>> terms,
                          std::span<const DocId> new_reps) {
    TermWeights w = TermWeights::with_background();
    store.for_each_term_df([&w](std::uint32_t term, std::uint32_t df) { w.add_count(term, df); });
    w.add_documents_count(store.story_documents());
    w.add_documents(terms, new_reps);
    w.finalize();
    return w;
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

/// Term hashes of each new group's representative, counted once per representative.
void count_df(std::span<const std::vector<TermCode>> terms, std::span<const DocId> reps,
              Night& night) {
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
    night.df_documents = static_cast<std::int64_t>(reps.size());
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
    std::vector<std::uint32_t> local_story(new_groups.size());
    for (std::uint32_t k = 0; k < local_story.size(); ++k)
        local_story[k] = k;
    std::vector<Weighed> weighed(new_groups.size());
    if (story) {
        const TermWeights weights = night_weights(store, r.terms, reps);
        count_df(r.terms, reps, night);
        // cluster_stories over the new groups alone: one document per group.
        Clustering local;
        std::vector<RepresentativeKey> keys;
        for (std::uint32_t k = 0; k < new_groups.size(); ++k) {
            local.group_of.push_back(k);
            local.representative.push_back(k);
            local.size.push_back(1);
            const DocMeta& m = r.docs[reps[k]];
            keys.push_back({m.date, m.length, m.id});
        }
        std::vector<DocId> which(new_groups.size());
        for (std::uint32_t k = 0; k < which.size(); ++k)
            which[k] = k;
        std::vector<std::vector<TermCode>> rep_terms(new_groups.size());
        for (std::uint32_t k = 0; k < new_groups.size(); ++k)
            rep_terms[k] = r.terms[reps[k]];
        const WeightedDocs docs = weigh_documents(rep_terms, which, weights);
        const Clustering stories = cluster_stories(docs, local, cfg.story, keys, r.story_stats);
        for (std::uint32_t k = 0; k < new_groups.size(); ++k) {
            local_story[k] = stories.group_of[k];
            weighed[k] = weigh(rep_terms[k], weights);
        }
        // Story-level keys of the new groups: stored tonight, looked up now.
        const MinHasher hasher(cfg.story.num_perm, cfg.story.seed);
        std::vector<std::pair<std::int64_t, std::uint32_t>> key_group;
        std::vector<std::uint64_t> band(cfg.story.lsh.bands);
        for (std::uint32_t k = 0; k < new_groups.size(); ++k) {
            if (!story_band_keys(weighed[k].terms, cfg.story, hasher, band))
                continue;
            night.story_keys.emplace_back(night.near.id_of_group[new_groups[k]], band);
            for (const std::uint64_t key : band)
                key_group.emplace_back(IndexStore::stored_key(key), k);
        }
        std::sort(key_group.begin(), key_group.end());
        std::vector<std::int64_t> distinct;
        for (const auto& [key, k] : key_group) {
            if (distinct.empty() || distinct.back() != key)
                distinct.push_back(key);
        }
        const auto entries = store.story_bucket_entries(distinct);
        // (local story, held near group) candidate pairs.
        std::vector<std::pair<std::uint32_t, std::uint64_t>> met;
        std::size_t at = 0;
        for (const auto& [key, near] : entries) {
            while (at < key_group.size() && key_group[at].first < key)
                ++at;
            for (std::size_t i = at; i < key_group.size() && key_group[i].first == key; ++i)
                met.emplace_back(local_story[key_group[i].second], near);
        }
        std::sort(met.begin(), met.end());
        met.erase(std::unique(met.begin(), met.end()), met.end());
        std::vector<std::uint64_t> nears;
        for (const auto& [s, near] : met)
            nears.push_back(near);
        std::sort(nears.begin(), nears.end());
        nears.erase(std::unique(nears.begin(), nears.end()), nears.end());
        std::unordered_map<std::uint64_t, std::uint64_t> story_of_near;
        for (const auto& [near, s] : store.stories_of_groups(nears, night.story_since))
            story_of_near.emplace(near, s);
        // Per local story: the held stories met.
        std::map<std::uint32_t, std::vector<std::uint64_t>> candidates;
        std::vector<std::uint64_t> held_ids;
        for (const auto& [s, near] : met) {
            const auto it = story_of_near.find(near);
            if (it == story_of_near.end())
                continue;
            candidates[s].push_back(it->second);
            held_ids.push_back(it->second);
        }
        std::sort(held_ids.begin(), held_ids.end());
        held_ids.erase(std::unique(held_ids.begin(), held_ids.end()), held_ids.end());
        night.held_stories_met = held_ids.size();
        const std::map<std::uint64_t, HeldStory> held_stories =
            load_held_stories(store, held_ids, night.story_since, weights);
        // Members of each local story.
        std::map<std::uint32_t, std::vector<const Weighed*>> members;
        for (std::uint32_t k = 0; k < new_groups.size(); ++k) {
            if (!weighed[k].terms.empty())
                members[local_story[k]].push_back(&weighed[k]);
        }
        // Local stories in order (numbered by their first group): join what they match.
        std::vector<std::uint64_t> joined(new_groups.size(), 0);
        for (auto& [s, met_stories] : candidates) {
            std::sort(met_stories.begin(), met_stories.end());
            met_stories.erase(std::unique(met_stories.begin(), met_stories.end()),
                              met_stories.end());
            const std::vector<const Weighed*>& mine = members[s];
            if (mine.empty())
                continue;
            std::vector<std::vector<const Weighed*>> items{mine};
            std::vector<std::uint64_t> item_story{0};
            for (const std::uint64_t h : met_stories) {
                const auto it = held_stories.find(h);
                if (it == held_stories.end() || it->second.groups.empty())
                    continue;
                std::vector<const Weighed*> theirs;
                for (const Weighed& w : it->second.groups)
                    theirs.push_back(&w);
                if (pair_range(mine, theirs).second < cfg.story.edge_threshold)
                    continue;  // no edge: a scan would not have linked them
                items.push_back(std::move(theirs));
                item_story.push_back(h);
            }
            if (items.size() < 2)
                continue;
            const std::size_t n = items.size();
            std::vector<float> sim(n * n, 1.0F);
            for (std::size_t i = 0; i < n; ++i) {
                for (std::size_t j = i + 1; j < n; ++j) {
                    const auto lo = static_cast<float>(pair_range(items[i], items[j]).first);
                    sim[i * n + j] = lo;
                    sim[j * n + i] = lo;
                }
            }
            const std::vector<std::uint32_t> label =
                complete_link(std::move(sim), n, cfg.story.link_threshold);
            std::uint64_t target = 0;
            for (std::size_t i = 1; i < n; ++i) {
                if (label[i] != label[0])
                    continue;
                const std::uint64_t h = merges.find(item_story[i]);
                if (target == 0) {
                    target = h;
                } else {
                    merges.unite(target, h);
                    target = merges.find(target);
                }
            }
            if (target != 0)
                joined[s] = target;
        }
        // Every new group of a local story takes its joined held story.
        for (std::uint32_t k = 0; k < new_groups.size(); ++k) {
            if (joined[local_story[k]] != 0)
                group_story[new_groups[k]] = joined[local_story[k]];
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

Night run_night(IndexStore& store, ScanConfig cfg, std::vector<InputFile> inputs,
                const NightOptions& options) {
    Night night;
    IndexLookup lookup(store, cfg.num_perm, options.near_since);
    cfg.held = nullptr;
    cfg.lookup = &lookup;
    cfg.keep_document_data = true;
    night.scan = run_scan(cfg, std::move(inputs));
    ScanResult& r = night.scan;
    night.near = assign_stable_ids(r.near, r.held_near, store.next_id("near"));
    night.matched_near = first_held(r.near, r);
    if (options.story_window) {
        std::optional<std::int64_t> as_of = options.as_of;
        if (!as_of) {
            for (std::size_t d = r.held; d < r.docs.size(); ++d) {
                if (r.docs[d].date && (!as_of || *r.docs[d].date > *as_of))
                    as_of = r.docs[d].date;
            }
        }
        night.story_since = as_of.value_or(options.now) - *options.story_window;
    }
    assign_stories(store, cfg, store.next_id("story"), night);
    return night;
}

std::uint64_t fill_story_index(IndexStore& store, const ScanConfig& cfg) {
    HeldDocuments held = store.load(std::nullopt, store.num_perm());
    std::map<std::uint64_t, std::size_t> rep;  // near id -> representative
    for (std::size_t i = 0; i < held.size(); ++i) {
        const auto [it, fresh] = rep.emplace(held.near[i], i);
        const std::size_t b = it->second;
        if (!fresh && better_representative({held.dates[i], held.lengths[i], held.ids[i]},
                                            static_cast<DocId>(i),
                                            {held.dates[b], held.lengths[b], held.ids[b]},
                                            static_cast<DocId>(b)))
            it->second = i;
    }
    std::vector<DocId> reps;
    for (const auto& [near, i] : rep)
        reps.push_back(static_cast<DocId>(i));
    Night counts;
    count_df(held.terms, reps, counts);
    store.add_term_df(counts.df_deltas, counts.df_documents);
    if (cfg.story.enabled) {
        TermWeights w = TermWeights::with_background();
        w.add_documents(held.terms, reps);
        w.finalize();
        const MinHasher hasher(cfg.story.num_perm, cfg.story.seed);
        std::vector<std::uint64_t> band(cfg.story.lsh.bands);
        for (const auto& [near, i] : rep) {
            const Weighed weighed = weigh(held.terms[i], w);
            if (story_band_keys(weighed.terms, cfg.story, hasher, band))
                store.add_story_keys(near, band);
        }
    }
    store.put_state("story_keys", "complete");
    return rep.size();
}

}  // namespace neardup
