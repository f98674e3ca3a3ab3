#include "neardup/pipeline/night.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "neardup/core/error.hpp"
#include "night_story_impl.hpp"

namespace neardup {
namespace {

/// The newest this many held articles under each near-level key are a night's candidates.
/// The in-memory index walks 512, but keeps exact copies out of its buckets; the index's
/// buckets hold them, and a text copied thousands of times made 512 read 182,262 held
/// articles for 100,000 new ones (2M held, generated corpus). 64 newest reach past such runs
/// of copies (10 nights of real news: near ARI 1.0 against one scan).
constexpr std::uint32_t kBucketWalk = 64;

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

/// The earliest held member of each group (held DocIds are in insertion order).
std::vector<std::string> first_held(const Clustering& c, const ScanResult& r) {
    std::vector<std::string> out(c.groups());
    for (std::size_t d = r.held; d-- > 0;)
        out[c.group_of[d]] = r.docs[d].id;
    return out;
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
    detail::assign_night_stories(store, cfg, night);
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
    for (const StoryMove& m : night.moves)
        store.set_story(m.article.seq, m.story);
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
             terms,
             m.site == 0 ? 0 : IndexStore::site_key(r.site_names[m.site]),
             m.beside_figures});
    }
    store.write_story_keys(night.story_keys);
    store.add_term_df(night.df_deltas, night.df_documents);
    for (const SiteTemplateCounts& c : night.template_counts)
        store.add_template_counts(c.site, c.articles, c.terms);
    store.put_state("story_window", story_window ? std::to_string(*story_window) : "all");
    store.set_next_id("near", near.next);
    store.set_next_id("story", night.next_story);
    const std::int64_t number = store.record_run(run, rows);
    store.record_lineage(number, night.lineage);
    return number;
}

std::string night_summary(const ScanResult& r, std::span<const RunRow> rows, bool add,
                          std::int64_t run) {
    std::uint64_t copies = 0;
    std::uint64_t in_held_stories = 0;
    std::unordered_set<std::uint64_t> new_stories;
    std::uint64_t added = 0;
    std::uint64_t moved = 0;
    for (const RunRow& row : rows) {
        if (!new_article(row)) {
            ++moved;
            continue;
        }
        ++added;
        copies += row.matched_near.empty() ? 0U : 1U;
        in_held_stories += row.matched_story.empty() ? 0U : 1U;
        if (row.matched_story.empty())
            new_stories.insert(row.story);
    }
    std::string s = "tonight: " + std::to_string(added) + " new articles" +
                    (add ? " added" : " (not added)") + ": " + std::to_string(copies) +
                    " copies of held articles, " + std::to_string(in_held_stories) +
                    " in held stories, " + std::to_string(new_stories.size()) + " new stories, " +
                    std::to_string(r.updates.size()) + " updates of held articles, " +
                    std::to_string(moved) + " held articles moved to another story";
    if (add && run > 0)
        s += "; recorded as run " + std::to_string(run);
    else if (add)
        s += "; not recorded as a run (nothing new)";
    return s + "\n";
}

std::vector<RunRow> night_rows(const Night& night, Level level) {
    const ScanResult& r = night.scan;
    const StableIds& near = night.near;
    const auto& near_match = night.matched_near;
    const auto& story_match = night.matched_story;
    std::vector<RunRow> rows;
    rows.reserve(r.docs.size() - r.held);
    for (std::size_t d = r.held; d < r.docs.size(); ++d) {
        const std::uint32_t g = r.near.group_of[d];
        const std::uint32_t s = r.story.group_of[d];
        const DocMeta& m = r.docs[d];
        rows.push_back({m.id, near.id_of_group[g], night.story_id[s], r.near.representative[g] == d,
                        r.similarity[d], m.source, near_match[g], story_match[s], m.date, m.title,
                        m.url,
                        std::string(action_name(action_of(r, d, level, !near_match[g].empty(),
                                                          !story_match[s].empty()))),
                        language_name(m.lang), std::nullopt});
    }
    // Then one row per held article the story level moved, in insertion order.
    for (std::size_t i = 0; i < night.moves.size(); ++i) {
        const IndexRow& a = night.moves[i].article;
        rows.push_back({a.id, a.near, night.moves[i].story, false,
                        std::numeric_limits<float>::quiet_NaN(), a.source, std::string(),
                        night.moves[i].matched_story, a.date, a.title, a.url, "moved",
                        language_name(a.lang.value_or(kEnglish)), a.story});
    }
    return rows;
}

IndexSettings index_settings(const ScanConfig& cfg, LshParams lsh) {
    return {{"num_perm", std::to_string(cfg.num_perm)},
            {"seed", std::to_string(cfg.seed)},
            {"shingle", to_string(cfg.shingle)},
            {"bands", std::to_string(lsh.bands)},
            {"rows", std::to_string(lsh.rows)},
            {"normalization", cfg.normalize.unicode ? "nfkc-casefold-v1" : "ascii-v1"},
            {"story", cfg.story.enabled ? "on" : "off"},
            {"term_table", term_table_version()},
            {"hash", "xxh3-64+poly5-oph32-v1"}};
}

}  // namespace neardup
