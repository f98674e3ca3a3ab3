// One night of a persistent index: match new articles against what the index holds, reading
// only what their keys lead to.
//
// Near level: run_scan() with a HeldLookup on the index: the new documents are signed, their
// band keys looked up in near_keys, and only the held documents found there (plus each of
// their groups' representative and earliest member) are linked with them, their groups
// pre-joined by their stored ids; the groups are the ones a scan of everything held and new
// would give. Held groups keep their ids (assign_stable_ids()).
// Story level: the scan's, over the story window. Tonight's new near groups (those without
// a held member) are weighed (background + the index's term_df + the night's groups; each group
// by its language, N_L the index's per-language count of representatives + tonight's; held
// groups stored before the index kept languages are English), as the scan weighs them
// (story/inputs.hpp); a language language_weighable() rejects gets no terms (counted in
// scan.story_stats.unweighed), and each source's template terms, learnt from tonight's new
// groups' representatives only, are left out. Their story-level keys are looked up in
// story_keys (the newest held group under each) and verified (edge_threshold): the held
// stories they reach, and the stories of held near groups that a group of tonight joined
// together, are touched. The touched stories' articles inside the window (dated, else added,
// >= story_since; the newest 256 of each) form one node per near group (its representative
// among them weighed with tonight's weights and its source's templates), tonight's new groups
// one each, and cluster_stories() clusters the nodes as one scan would, each held story's
// nodes linked to its first (one component, as it was). Ids are carried by overlap: each resulting
// story takes the held story that gives it most held articles (ties: the smaller, older id),
// greedily from the largest overlap, so a split story keeps its id in its largest part; the others
// get fresh ids. Every held article whose story changes is a move (Night::moves, `moved` rows); a
// held story that lost its id with every article gone into one other story and none older than the
// window becomes an alias of it, any other move a lineage record (story_lineage). Stories tonight
// does not touch are not read and do not move (so the weights' drift moves nothing they do not
// touch); articles older than the window never move. The work is the night's documents, their
// candidates and the touched stories' articles in the window: not the index. Deterministic: the
// scan is, cluster_stories() is, and ids follow sorted counts.
//
// Example:
//   neardup::IndexStore store("news.db", neardup::IndexStore::Mode::kWrite, false);
//   store.check_settings(settings);
//   neardup::Night night = neardup::run_night(store, cfg, inputs, {.now = now});
//   auto rows = neardup::night_rows(night, neardup::Level::kStory);
//   ... write the rows, then neardup::store_night(store, night, ...) and store.commit()
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "neardup/pipeline/pipeline.hpp"
#include "neardup/report/writers.hpp"
#include "neardup/store/index.hpp"
#include "neardup/store/stable_ids.hpp"

namespace neardup {

inline constexpr std::int64_t kDefaultStoryWindow = std::int64_t{30} * 86400;

struct NightOptions {
    std::optional<std::int64_t> near_since;  ///< near level: only held articles dated >= this
    /// Story level: held stories are matched through their members dated (else added) within
    /// this many seconds before `as_of`; nullopt: all of them.
    std::optional<std::int64_t> story_window = kDefaultStoryWindow;
    std::optional<std::int64_t> as_of;  ///< else window_end() of the night's articles
    /// The night's time (unix seconds): insertion time, and what dates are judged against
    /// (ScanConfig::now: a date after now + a day or before 1990 is not trusted).
    std::int64_t now = 0;
};

/// A held article the night's story level moved to another story.
struct StoryMove {
    IndexRow article;           ///< as held (story: its story before tonight; near: tonight's id)
    std::uint64_t story = 0;    ///< its story now
    std::string matched_story;  ///< the earliest held article of that story
};

struct Night {
    /// The scan of the new documents with the held near groups they met (DocIds below
    /// scan.held); scan.story holds the stories of those documents.
    ScanResult scan;
    StableIds near;                       ///< per scan.near group
    std::vector<std::uint64_t> story_id;  ///< per scan.story group
    /// Held stories that became aliases tonight (all their articles went to the target).
    std::vector<IdMerge> story_merges;
    std::vector<StoryMove> moves;            ///< held articles whose story changed, by seq
    std::vector<StoryLineage> lineage;       ///< the other moves, per (from, to)
    std::uint64_t next_story = 1;            ///< first story id not handed out
    std::vector<std::string> matched_near;   ///< per scan.near group: earliest held member
    std::vector<std::string> matched_story;  ///< per scan.story group: earliest held member
    /// Story-level band keys of the new near groups, as stored (IndexStore::stored_key), with
    /// their stable near id; ascending.
    std::vector<std::pair<std::int64_t, std::int64_t>> story_keys;
    /// term_df changes (term hash, +count) and representatives counted, per language
    /// (ascending).
    std::vector<std::pair<std::uint32_t, std::int64_t>> df_deltas;
    std::vector<std::pair<LangCode, std::int64_t>> df_documents;
    /// What tonight adds to the index's source template counts, per source.
    std::vector<SiteTemplateCounts> template_counts;
    std::optional<std::int64_t> story_since;  ///< the story window's start (nullopt: none)
    std::uint64_t held_stories_met = 0;       ///< held stories touched tonight (clustered again)
    double lookup_seconds = 0;  ///< reading the held near groups the night's keys lead to
    double story_seconds = 0;   ///< the story level (lookups in story_keys included)
};

/// Where windows count back from when no --as-of says: the newest date among docs[first..],
/// but never later than `now` (a date a little ahead, within the day of slack, does not move
/// the windows either); `now` when none is dated.
[[nodiscard]] std::int64_t window_end(std::span<const DocMeta> docs, std::size_t first,
                                      std::int64_t now);

/// The held articles a night's near level matches (--window): `span` seconds back from `as_of`
/// when given, else from the batch's newest trusted date `newest` (newest_batch_date()) but
/// never later than `now`, else from now. `from` says which, for the log.
struct NearWindow {
    std::int64_t since = 0;  ///< held articles dated (else added) >= since
    std::int64_t end = 0;    ///< what the window counts back from
    std::string from;        ///< "--as-of", "the batch's newest article", "now (...)"
};
[[nodiscard]] NearWindow near_window(std::int64_t span, std::optional<std::int64_t> as_of,
                                     std::optional<std::int64_t> newest, std::int64_t now);

/// The newest publication date among the documents of `inputs` (a look at the batch before the
/// held articles are loaded, for --window), or nothing when none is dated. A date the run does
/// not trust (after `now` + a day, before 1990: doubt_date()) is no date here either.
[[nodiscard]] std::optional<std::int64_t> newest_batch_date(std::vector<InputFile> inputs,
                                                            const ScanConfig& cfg,
                                                            std::int64_t now);

/// Runs the night (reads the index; changes nothing). `cfg` is the scan's configuration for
/// the new documents (its held/lookup fields are set here).
[[nodiscard]] Night run_night(IndexStore& store, ScanConfig cfg, std::vector<InputFile> inputs,
                              const NightOptions& options);

/// What signatures and stored terms depend on, as the index stores them (IndexStore::
/// check_settings()): a mismatch makes the index unusable.
[[nodiscard]] IndexSettings index_settings(const ScanConfig& cfg, LshParams lsh);

/// True for a row of a new article (not a held article's move).
[[nodiscard]] inline bool new_article(const RunRow& row) { return row.action != "moved"; }

/// The rows of the night: one per new article, in input order (its action at `level`), then
/// one per held article the story level moved (action `moved`, old_story), in insertion order.
[[nodiscard]] std::vector<RunRow> night_rows(const Night& night, Level level);

/// The night's line for the log: new articles, copies of held ones, in held stories, new
/// stories, updates, moves, and the run it was recorded as (`run` 0: none).
[[nodiscard]] std::string night_summary(const ScanResult& r, std::span<const RunRow> rows, bool add,
                                        std::int64_t run);

/// True when tonight brought nothing new: every article is held with the same text (at least
/// one, skipped as already held), none is new or an update. Such a night is no run.
[[nodiscard]] bool all_held(const ScanResult& r);

/// The run that added this very batch before, when tonight is that batch again (all_held(),
/// and the same inputs by identity: input_identities() of the run's stored PATHs, made against
/// the current folder, equal tonight's `paths`'): a cron job run twice. The newest such run.
[[nodiscard]] std::optional<RunInfo> same_batch_run(const IndexStore& store, const ScanResult& r,
                                                    std::span<const std::string> paths);

/// The --level run `run` was made with ("near", "story"); a run stored before runs kept their
/// level (v6) has it read from its `rows`' actions (keep: near, new-story: story); empty when
/// they do not tell (every row a drop).
[[nodiscard]] std::string run_level(const RunInfo& run, std::span<const RunRow> rows);

/// What a night writes. A batch run again writes the rows of its first run, not a header alone
/// (cron's retry must not destroy what the first run wrote), and is not recorded: it adds
/// nothing.
struct NightOutputs {
    std::vector<RunRow> rows;        ///< tonight's rows (night_rows()): what the run records
    std::optional<RunInfo> again;    ///< same_batch_run(), if tonight is a batch run again
    std::vector<RunRow> again_rows;  ///< `again`'s rows (empty unless `again`)
    bool nothing_new = false;        ///< all_held(): nothing to record

    /// What the night writes: `rows`, or `again`'s rows.
    [[nodiscard]] const std::vector<RunRow>& written() const noexcept {
        return again ? again_rows : rows;
    }

    /// The ids --keep (`keep`) or --drop lists: the new articles whose written row keeps (or
    /// drops) them, in row order.
    [[nodiscard]] std::vector<std::string> listed_ids(bool keep) const;
};
/// The night's outputs at `level`, its inputs being `paths` (as given).
[[nodiscard]] NightOutputs night_outputs(const IndexStore& store, const Night& night, Level level,
                                         std::span<const std::string> paths);

/// Writes the night into the store's open transaction: merges, moves, replaced updates, the new
/// articles (inserted at run.started) with their keys, term counts, the story window, the id
/// counters and the run's record with its rows and lineage. Returns the run number. Commit after.
std::int64_t store_night(IndexStore& store, const Night& night, std::uint32_t num_perm,
                         const RunInfo& run, std::span<const RunRow> rows,
                         std::optional<std::int64_t> story_window);

/// An index stored before v4 has no story keys and term counts: computes them from every held
/// article once (the night after an upgrade pays for it). Returns the groups filled in.
std::uint64_t fill_story_index(IndexStore& store, const ScanConfig& cfg);

}  // namespace neardup
