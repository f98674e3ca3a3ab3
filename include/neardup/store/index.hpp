// The persistent index for nightly runs: one SQLite file (WAL), documented schema.
//
// Schema (user_version 8; query it with the sqlite3 shell):
//   settings(key TEXT PRIMARY KEY, value TEXT)      -- what signatures and terms depend on,
//                                                   -- plus next_near / next_story counters
//                                                   -- and state_* (story_documents, v7:
//                                                   -- story_documents_<lang> per language,
//                                                   -- the last story window, story_keys)
//   docs(seq INTEGER PRIMARY KEY,                   -- insertion order
//        id TEXT UNIQUE NOT NULL, source TEXT, date INTEGER NULL (publication, unix s),
//        added INTEGER NOT NULL (insertion, unix s), length INTEGER,
//        near INTEGER NOT NULL, story INTEGER NOT NULL,   -- group ids as stored (v5: a
//                                                   -- merge does not rewrite them; current
//                                                   -- id = the alias's target, if any; v8:
//                                                   -- a story move rewrites story)
//        signature BLOB,   -- num_perm x uint32, little-endian
//        terms BLOB,       -- story term codes, uint32 little-endian (beside a figure first)
//        text_hash INTEGER NULL,  -- hash64 of the text (v2; NULL in rows stored by v1)
//        title TEXT NULL, url TEXT NULL,  -- v3: when known (NULL in rows stored before)
//        lang TEXT NULL,   -- v7: its language ("en", "de", "und"); NULL in rows stored
//                          -- before, whose story terms were made with English rules: read as
//                          -- English (the story level weighs them so, rows show "en")
//        site INTEGER NULL, beside INTEGER NULL)  -- v8: its story source's key (63 bits of
//                          -- hash64 of the name: a site, or a feed) and how many of its terms
//                          -- (at the blob's front) stand beside a figure; NULL before
//   template_sites(site INTEGER PRIMARY KEY, articles)     -- v8: the story level's source
//   template_terms(site, term, beside, uses,               -- templates (story/templates.hpp):
//                  PRIMARY KEY(site, term)) WITHOUT ROWID  -- near groups counted per source,
//                                                   -- and per term used beside a figure the
//                                                   -- articles that did so and that had it
//   aliases(kind TEXT, alias INTEGER, target INTEGER, merged INTEGER,  -- merged groups:
//           PRIMARY KEY(kind, alias))                                   -- alias -> surviving id
//   articles   -- v5 view: docs' columns but the blobs, near and story as current ids
//   runs(run INTEGER PRIMARY KEY, started INTEGER, finished INTEGER,   -- v2: each index add
//        inputs TEXT, added INTEGER, updated INTEGER, skipped INTEGER,  -- (unix s; inputs are
//        level TEXT NULL)                     -- the PATHs, tab-joined; v6: the run's --level,
//                                             -- near or story, NULL in runs stored before)
//   run_rows(run, seq, id, near, story, representative, similarity,     -- v2: the rows that
//            source, matched_near, matched_story,                       -- run wrote, to write
//            date, title, url, action,                                  -- them again (v3)
//            lang,                            -- v7 (NULL before: shown as "en", as docs')
//            old_story,                       -- v8: a `moved` row's story before the run
//                                             -- (its similarity, unknown, is stored as -1)
//            PRIMARY KEY(run, seq)) WITHOUT ROWID
//   story_lineage(run, old, new, articles,    -- v8: a run's story moves: `articles` of story
//            PRIMARY KEY(run, old, new))      -- `old` went to story `new` (a split, or part
//                                             -- of a story taken into another)
//   near_keys(key, seq, PRIMARY KEY(key, seq)) WITHOUT ROWID     -- v4: the near level's LSH:
//                                                   -- each held article's band keys (48 bits)
//   story_keys(key, near, PRIMARY KEY(key, near)) WITHOUT ROWID  -- v4: the story level's LSH:
//                                                   -- each near group's representative's
//                                                   -- weighted-MinHash band keys
//   term_df(term INTEGER PRIMARY KEY, df INTEGER)   -- v4: story terms' document frequencies
//                                                   -- over the near groups' representatives
//   key_runs(kind, run, rows, PRIMARY KEY(kind, run))   -- v4: a night's keys wait in tables
//                                                   -- of their own, near_keys_<run> and
//                                                   -- story_keys_<run> (same columns); the
//                                                   -- newest are merged into the oldest of
//                                                   -- them, each night's merge bounded by its
//                                                   -- own volume (store/key_runs.hpp)
// A night reads only what its articles' keys lead to: no part of the index is loaded whole.
// An older index is upgraded by its first writer (v2: new tables, the text_hash column; v3:
// the title, url and run_rows' date columns; v4: the key tables, near_keys filled from the
// signatures; story_keys and term_df are filled by the first night, state_story_keys says so;
// v5: the articles view and an index of aliases by target; v6: runs' level column; v7: docs'
// and run_rows' lang column, the articles view with it, and state_story_documents_en set to
// state_story_documents: the representatives counted so far were all weighed as English; v8:
// run_rows' old_story column and the story_lineage table).
// A writer holds SQLite's write lock from open to commit (BEGIN IMMEDIATE), so a second writer
// fails at once with a clear message (or waits, with `wait`); readers are never blocked (WAL)
// by a writer, and wait (up to 10 s) for the brief locks of a WAL checkpoint or recovery.
// A file once created is never deleted (another writer may hold it open): a first run that
// fails leaves an empty index (no tables), which readers name as such and `add` fills.
// Everything a batch changes is written in that one transaction: a crash or kill leaves the
// index as it was. Opening with settings that differ from the stored ones is a ConfigError.
// Stored lengths and blob sizes are checked before use (the file is treated as hostile input).
// Not thread-safe.
//
// Example:
//   neardup::IndexStore store("news.db", neardup::IndexStore::Mode::kWrite, false);
//   store.check_settings(settings);
//   auto held = store.load(std::nullopt, 128);
//   ... run_scan with cfg.held = &held, assign ids, store.insert(...), store.commit();
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "neardup/core/hash.hpp"
#include "neardup/lang/language.hpp"
#include "neardup/lsh/params.hpp"
#include "neardup/store/held.hpp"
#include "neardup/story/templates.hpp"

namespace neardup {

using IndexSettings = std::map<std::string, std::string>;

/// A stored document without its blobs (for export and stats).
struct IndexRow {
    std::string id;
    std::string source;
    std::optional<std::int64_t> date;  ///< publication time, unix seconds
    std::int64_t added = 0;            ///< insertion time, unix seconds
    std::uint64_t length = 0;
    std::uint64_t near = 0;
    std::uint64_t story = 0;
    std::optional<std::uint64_t> text_hash;  ///< hash64 of the text (nullopt: stored by v1)
    std::string title;                       ///< empty: unknown
    std::string url;
    /// Its language; nullopt: stored before v7 (NULL), read as English (see the schema).
    std::optional<LangCode> lang;
    std::int64_t seq = 0;  ///< insertion order (rows read back; not written by insert())
};

/// One row a run wrote (the matches file), kept so the run's output can be written again.
struct RunRow {
    std::string id;
    std::uint64_t near = 0;
    std::uint64_t story = 0;
    bool representative = false;
    float similarity = 1.0F;
    std::string source;
    std::string matched_near;
    std::string matched_story;
    std::optional<std::int64_t> date;
    std::string title;
    std::string url;
    std::string action;       ///< keep, drop, new-story, moved (a held article, v8)
    std::string lang = "en";  ///< language_name() of the article's language ("en" before v7)
    /// A `moved` row's story before the run (v8); nullopt for the other rows.
    std::optional<std::uint64_t> old_story;
};

/// A held story's articles that went to another story in a run (v8: table story_lineage).
struct StoryLineage {
    std::uint64_t from = 0;      ///< the story they had
    std::uint64_t to = 0;        ///< the story they have now
    std::uint64_t articles = 0;  ///< how many moved
};

/// One recorded `index add`.
struct RunInfo {
    std::int64_t run = 0;  ///< 1, 2, ... in commit order
    std::int64_t started = 0;
    std::int64_t finished = 0;
    std::string inputs;  ///< the command line's PATHs, tab-separated
    std::uint64_t added = 0;
    std::uint64_t updated = 0;  ///< held ids that came with a new text (replaced)
    std::uint64_t skipped = 0;
    std::string level;  ///< the run's --level: near, story; empty when stored before v6
};

/// One document to insert: its row and its blobs.
struct IndexedDoc {
    IndexRow row;
    std::span<const SigValue> signature;
    std::span<const TermCode> terms;
    std::uint64_t site = 0;            ///< its story source's key (0: none)
    std::uint16_t beside_figures = 0;  ///< terms at the front of `terms` beside a figure
};

/// A story source's template counts as the index keeps them (SourceTemplates::add_held()).
struct SiteTemplateCounts {
    std::uint64_t site = 0;            ///< the source's key
    std::uint64_t articles = 0;        ///< its near groups counted
    std::vector<TemplateCount> terms;  ///< ascending by term
};

struct IndexStats {
    std::uint64_t docs = 0;
    std::uint64_t near_groups = 0;
    std::uint64_t stories = 0;
    std::uint64_t aliases = 0;
    std::optional<std::int64_t> oldest;  ///< min(coalesce(date, added))
    std::optional<std::int64_t> newest;
    std::uint64_t file_bytes = 0;
    std::string story_window;  ///< as the last night used it: seconds, "all", "" (none yet)
    /// Bytes of each table and index (SQLite's dbstat), by name; empty when unavailable.
    std::vector<std::pair<std::string, std::uint64_t>> table_bytes;
};

class IndexStore {
public:
    enum class Mode : std::uint8_t { kRead, kWrite };
    static constexpr int kSchemaVersion = 8;

    /// kWrite creates the file if needed and takes the write lock (IoError if another writer
    /// holds it and !wait). kRead requires an existing index. An existing file is checked to be
    /// a neardup index (or the empty one a failed first run leaves) before anything is written:
    /// FormatError otherwise, the file unchanged. A folder is an IoError. Readers wait up to 10 s
    /// for a brief lock (a WAL checkpoint or recovery by another connection).
    IndexStore(const std::string& path, Mode mode, bool wait);
    ~IndexStore();
    IndexStore(const IndexStore&) = delete;
    IndexStore& operator=(const IndexStore&) = delete;

    /// True when this open created the index's tables (in a new file, a 0-byte one or the empty
    /// index a failed first run left). A created file is never removed again, even when its
    /// transaction is not committed: another writer may have opened it already.
    [[nodiscard]] bool created() const noexcept { return created_; }
    /// True when the file existed with 0 bytes (taken as a new index; the CLI says so).
    [[nodiscard]] bool was_empty_file() const noexcept { return empty_file_; }
    /// Stores `settings` in a new index, or throws ConfigError when they differ from the stored.
    void check_settings(const IndexSettings& settings);
    [[nodiscard]] IndexSettings settings() const;
    /// The stored num_perm (FormatError when missing or not a number in 1..4096).
    [[nodiscard]] std::uint32_t num_perm() const;

    /// Held documents whose time (date, else added) is >= since (all when nullopt).
    [[nodiscard]] HeldDocuments load(std::optional<std::int64_t> since, std::uint32_t num_perm);
    /// The stored text hash of held document `id`: nullopt when not held, an empty inner value
    /// when it was stored before the index kept text hashes.
    [[nodiscard]] std::optional<std::optional<std::uint64_t>> held_text_hash(
        const std::string& id) const;
    /// The held documents found under the near-level band `keys` (the newest per_key in each
    /// bucket) dated (else added) >= since, with the representative and the earliest member
    /// (in the window) of each of their near groups, in insertion order: what a night's new
    /// documents can join, and what their rows need of those groups.
    [[nodiscard]] HeldDocuments near_groups(std::span<const std::uint64_t> keys,
                                            std::uint32_t num_perm,
                                            std::optional<std::int64_t> since,
                                            std::uint32_t per_key);
    /// Stored band keys keep 48 bits (SQLite stores them in 6 bytes, not 8): among 100 million
    /// stored keys a query key meets a foreign one with probability 100e6 / 2^48 = 4e-7, and
    /// such a meeting only adds a candidate, which verification drops.
    [[nodiscard]] static constexpr std::int64_t stored_key(std::uint64_t key) noexcept {
        return static_cast<std::int64_t>(key & 0xFFFF'FFFF'FFFFull);
    }
    /// The key a story source (DocMeta::site's name: a site, or a feed) is stored under: 63 bits
    /// of its hash (never 0, which stands for none).
    [[nodiscard]] static std::uint64_t site_key(std::string_view name) noexcept {
        const std::uint64_t k = hash64(name) & INT64_MAX;
        return k == 0 ? 1 : k;
    }
    /// (stored key, near id) of the story_keys entries under `keys` (stored keys, best sorted):
    /// the newest (largest near ids) per_key of each.
    [[nodiscard]] std::vector<std::pair<std::int64_t, std::uint64_t>> story_bucket_entries(
        std::span<const std::int64_t> keys, std::uint32_t per_key) const;
    /// The surviving id of a group ("near" or "story") merged away, else `id` itself.
    [[nodiscard]] std::uint64_t resolve_alias(const std::string& kind, std::uint64_t id) const;
    /// The id of the earliest held member of group `id` ("near" or "story"); empty if none.
    [[nodiscard]] std::string first_member(const std::string& kind, std::uint64_t id) const;
    /// The members of the groups `ids` ("near" or "story") dated (else added) >= since, in
    /// insertion order per group: the `newest` of each (0: all).
    [[nodiscard]] std::vector<HeldMember> members(const std::string& kind,
                                                  std::span<const std::uint64_t> ids,
                                                  std::optional<std::int64_t> since,
                                                  std::uint32_t newest = 0) const;
    /// The representative of each near group `near` (current ids) among its members dated
    /// (else added) >= since, as better_representative() picks it; groups without one are left
    /// out. In the order of `near`.
    [[nodiscard]] std::vector<HeldMember> representatives(std::span<const std::uint64_t> near,
                                                          std::optional<std::int64_t> since) const;
    /// The newest `newest` articles of each story `stories` (current ids) dated (else added)
    /// >= since, per story in insertion order: seq, id, date, added, length, near and story
    /// (current ids) only (fill_details() reads the rest).
    [[nodiscard]] std::vector<IndexRow> story_articles(std::span<const std::uint64_t> stories,
                                                       std::int64_t since,
                                                       std::uint32_t newest) const;
    /// Reads the source, title, url and language of the rows (by their seq).
    void fill_details(std::span<IndexRow* const> rows) const;
    /// The held articles `seqs` as the story level compares them, in that order (FormatError
    /// for one not held).
    [[nodiscard]] std::vector<HeldMember> members_at(std::span<const std::int64_t> seqs) const;
    /// How many articles each story `stories` (current ids) has.
    [[nodiscard]] std::vector<std::uint64_t> story_sizes(
        std::span<const std::uint64_t> stories) const;
    /// The stored template counts of the story sources `sites` (keys; sources never counted are
    /// left out).
    [[nodiscard]] std::vector<SiteTemplateCounts> template_counts(
        std::span<const std::uint64_t> sites) const;
    /// Adds a run's counts of story source `site`: `articles` near groups and its terms'.
    void add_template_counts(std::uint64_t site, std::uint64_t articles,
                             std::span<const TemplateCount> terms);
    /// Gives held article `seq` the story `story` (a move of the story level).
    void set_story(std::int64_t seq, std::uint64_t story);
    /// Records where run `run`'s moved articles went (story_lineage).
    void record_lineage(std::int64_t run, std::span<const StoryLineage> lineage);
    /// The lineage records, in run order then by from and to: (run, record).
    [[nodiscard]] std::vector<std::pair<std::int64_t, StoryLineage>> lineage() const;
    /// Writes story-level keys (stored key, near id) now: best in key order.
    void write_story_keys(std::span<const std::pair<std::int64_t, std::int64_t>> keys);
    /// Stores the story-level band keys of near group `near` (written at commit()).
    void add_story_keys(std::uint64_t near, std::span<const std::uint64_t> keys);
    /// Calls f(term hash, document frequency) for every stored story term.
    void for_each_term_df(const std::function<void(std::uint32_t term, std::uint32_t df)>& f) const;
    /// How many representatives term_df counts.
    [[nodiscard]] std::uint64_t story_documents() const;
    /// Of them, how many per language (N_L of the story level's weights, and the near groups
    /// language_weighable() counts), ascending by LangCode; languages counted 0 left out.
    /// Representatives counted before v7 count as English.
    [[nodiscard]] std::vector<std::pair<LangCode, std::uint64_t>> story_documents_by_language()
        const;
    /// Adds `deltas` (term hash, change) to term_df and `documents` (language, change) to
    /// story_documents() and story_documents_by_language().
    void add_term_df(std::span<const std::pair<std::uint32_t, std::int64_t>> deltas,
                     std::span<const std::pair<LangCode, std::int64_t>> documents);
    /// Bookkeeping values (settings' state_* rows): nullopt when unset.
    [[nodiscard]] std::optional<std::string> state(const std::string& key) const;
    void put_state(const std::string& key, const std::string& value);

    /// Next unused group ids ("near" or "story"); allocate() hands them out in order.
    [[nodiscard]] std::uint64_t next_id(const std::string& kind) const;
    void set_next_id(const std::string& kind, std::uint64_t next);

    /// Inserts a document; its near-level band keys are written at commit().
    void insert(const IndexedDoc& doc);
    /// Deletes the held document `id` (an update replaces it); true when it was held.
    bool remove(const std::string& id);
    /// Records a run and the rows it wrote; returns its number. Part of the open transaction.
    std::int64_t record_run(const RunInfo& info, std::span<const RunRow> rows);
    [[nodiscard]] std::vector<RunInfo> runs() const;
    /// The rows run `run` wrote, in their order. Throws IoError when there is no such run.
    [[nodiscard]] std::vector<RunRow> run_rows(std::int64_t run) const;
    /// Merges group `alias` into `target`: records the alias (and points aliases of `alias` at
    /// `target`); the members keep their stored ids, which every reader resolves.
    void merge(const std::string& kind, std::uint64_t alias, std::uint64_t target,
               std::int64_t when);
    /// Deletes documents whose time (date, else added) is before `cutoff`; returns how many.
    std::uint64_t prune(std::int64_t cutoff);
    /// The ids prune(cutoff) would delete, in insertion order.
    [[nodiscard]] std::vector<std::string> ids_before(std::int64_t cutoff) const;
    void commit();
    /// Gives the space of deleted rows back to the file system (VACUUM, then a WAL checkpoint
    /// that truncates the -wal file); after commit(). Returns the file's bytes (index + WAL).
    std::uint64_t compact();
    /// Pages of the file that hold nothing (SQLite's freelist): what compact() would give back.
    [[nodiscard]] std::uint64_t free_pages() const;

    [[nodiscard]] std::vector<IndexRow> rows() const;
    [[nodiscard]] std::vector<SigValue> signatures(std::uint32_t num_perm) const;
    [[nodiscard]] IndexStats stats() const;
    /// Problems found (empty when sound): SQLite integrity, schema, settings, blobs, aliases.
    [[nodiscard]] std::vector<std::string> check() const;

    struct Db;  ///< the SQLite connection (opaque)

private:
    void begin_write(bool wait);
    /// Refuses (FormatError) an existing file that is not a neardup index, before any write.
    void refuse_other_files(Mode mode);
    void read_schema_version(bool exists, Mode mode);
    void upgrade_schema();
    void upgrade_to_v7();                        ///< the lang columns (v1 .. v6)
    [[nodiscard]] LshParams stored_lsh() const;  ///< {0, 0} before settings are stored
    void fill_near_keys();
    void write_pending_keys();
    /// Deletes the near-level keys of the documents matching `where` (one `?`, bound to value).
    void delete_near_keys(const char* where, std::int64_t value);
    void check_tables(std::vector<std::string>& problems) const;
    /// A stored number in lo..hi, or FormatError naming the setting.
    [[nodiscard]] std::uint64_t stored_number(const std::string& text, const std::string& key,
                                              std::uint64_t lo, std::uint64_t hi) const;

    std::unique_ptr<Db> db_;
    std::string path_;
    bool created_ = false;
    bool empty_file_ = false;
    bool in_transaction_ = false;
};

}  // namespace neardup
