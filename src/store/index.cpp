#include "neardup/store/index.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

#include <sqlite3.h>
#include <unistd.h>

#include "key_tables_impl.hpp"
#include "neardup/core/error.hpp"
#include "neardup/lsh/index.hpp"
#include "sqlite_impl.hpp"

namespace neardup {
using detail::KeyTables;
using detail::Stmt;
namespace {

static_assert(std::endian::native == std::endian::little,
              "index blobs are little-endian uint32 arrays; add byte swaps for big-endian hosts");

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs(
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  date INTEGER,
  added INTEGER NOT NULL,
  length INTEGER NOT NULL,
  near INTEGER NOT NULL,
  story INTEGER NOT NULL,
  signature BLOB NOT NULL,
  terms BLOB NOT NULL,
  text_hash INTEGER,
  title TEXT,
  url TEXT,
  lang TEXT,
  site INTEGER,
  beside INTEGER);
CREATE INDEX IF NOT EXISTS docs_near ON docs(near);
CREATE INDEX IF NOT EXISTS docs_story ON docs(story);
CREATE INDEX IF NOT EXISTS docs_time ON docs(coalesce(date, added));
CREATE TABLE IF NOT EXISTS aliases(
  kind TEXT NOT NULL CHECK(kind IN ('near', 'story')),
  alias INTEGER NOT NULL,
  target INTEGER NOT NULL,
  merged INTEGER NOT NULL,
  PRIMARY KEY(kind, alias));
)SQL";

// Added by schema v2 (kSchema holds the docs table as of v7; a v1 index also gets
// docs.text_hash, v1/v2 indexes docs.title, docs.url and run_rows' date, title, url, and
// every older index docs.lang and run_rows.lang).
constexpr const char* kRunsSchema = R"SQL(
CREATE TABLE IF NOT EXISTS runs(
  run INTEGER PRIMARY KEY,
  started INTEGER NOT NULL,
  finished INTEGER NOT NULL,
  inputs TEXT NOT NULL,
  added INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  skipped INTEGER NOT NULL,
  level TEXT);
CREATE TABLE IF NOT EXISTS run_rows(
  run INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  id TEXT NOT NULL,
  near INTEGER NOT NULL,
  story INTEGER NOT NULL,
  representative INTEGER NOT NULL,
  similarity REAL NOT NULL,
  source TEXT NOT NULL,
  matched_near TEXT NOT NULL,
  matched_story TEXT NOT NULL,
  date INTEGER,
  title TEXT,
  url TEXT,
  action TEXT,
  lang TEXT,
  old_story INTEGER,
  PRIMARY KEY(run, seq)) WITHOUT ROWID;
)SQL";

// Added by schema v8: the story level's source template counts, and where it moved held
// articles (an older index also gets docs.site and docs.beside, a v2-v7 one run_rows.old_story).
constexpr const char* kLineageSchema = R"SQL(
CREATE TABLE IF NOT EXISTS template_sites(
  site INTEGER PRIMARY KEY,
  articles INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS template_terms(
  site INTEGER NOT NULL,
  term INTEGER NOT NULL,
  beside INTEGER NOT NULL,
  uses INTEGER NOT NULL,
  PRIMARY KEY(site, term)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_lineage(
  run INTEGER NOT NULL,
  old INTEGER NOT NULL,
  new INTEGER NOT NULL,
  articles INTEGER NOT NULL,
  PRIMARY KEY(run, old, new)) WITHOUT ROWID;
)SQL";

// Added by schema v4: the LSH band keys of the held articles (near level) and of their near
// groups' representatives (story level), and the story terms' document frequencies.
constexpr const char* kKeysSchema = R"SQL(
CREATE TABLE IF NOT EXISTS near_keys(
  key INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY(key, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_keys(
  key INTEGER NOT NULL,
  near INTEGER NOT NULL,
  PRIMARY KEY(key, near)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS term_df(
  term INTEGER PRIMARY KEY,
  df INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS key_runs(
  kind TEXT NOT NULL CHECK(kind IN ('near', 'story')),
  run INTEGER NOT NULL,
  rows INTEGER NOT NULL,
  PRIMARY KEY(kind, run));
)SQL";

// Added by schema v5: docs keep the group ids they were stored with and a merge writes one
// alias row (rewriting a merged story's members cost 7.8 s of a 100,000-article night into
// 2,000,000: 3,015 merges of ~95 scattered rows each); the current id is the alias's target.
// v7 made it again with the lang column.
constexpr const char* kAliasSchema = R"SQL(
CREATE INDEX IF NOT EXISTS aliases_target ON aliases(kind, target);
CREATE VIEW IF NOT EXISTS articles AS SELECT seq, id, source, date, added, length,
  coalesce((SELECT target FROM aliases a WHERE a.kind = 'near' AND a.alias = docs.near), near)
    AS near,
  coalesce((SELECT target FROM aliases a WHERE a.kind = 'story' AND a.alias = docs.story), story)
    AS story,
  text_hash, title, url, lang FROM docs;
)SQL";

constexpr std::size_t kMaxTermsPerDoc = 1u << 20;  // bound on a stored terms blob (4 MiB)

/// Sorts and drops repeated pairs (keys waiting to be written in key order: a B-tree takes
/// sorted inserts at a fraction of the page writes of scattered ones).
void sort_unique(std::vector<std::pair<std::int64_t, std::int64_t>>& pairs) {
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
}

/// The current id of a docs row's group column `kind` ("near" or "story"): the stored id, or
/// the survivor an alias names.
std::string current(const char* kind) { return detail::current_id_sql(kind, "docs"); }

/// A query on the rows of group ?1 of `kind` (`head` WHERE <group> `tail`), prepared in two
/// forms: on the stored id alone (the docs index's order serves ORDER BY seq) and on the id
/// with those merged into it.
class GroupQuery {
public:
    GroupQuery(IndexStore::Db& db, const std::string& kind, const std::string& head,
               const std::string& tail)
        : db_(db),
          kind_(kind),
          single_(db, (head + " WHERE docs." + kind + " = ?1" + tail).c_str()),
          merged_(db,
                  (head + " WHERE docs." + kind + " IN (SELECT ?1 UNION ALL SELECT alias FROM " +
                   "aliases WHERE kind = '" + kind + "' AND target = ?1)" + tail)
                      .c_str()) {}
    /// The statement for group `id`, with ?1 bound to it.
    Stmt& of(std::uint64_t id) {
        auto it = db_.alias_targets.find(kind_);
        if (it == db_.alias_targets.end()) {
            std::unordered_set<std::uint64_t> targets;
            Stmt q(db_, "SELECT target FROM aliases WHERE kind = ?");
            q.bind(1, kind_);
            while (q.step())
                targets.insert(static_cast<std::uint64_t>(q.i64(0)));
            it = db_.alias_targets.emplace(kind_, std::move(targets)).first;
        }
        Stmt& q = it->second.count(id) > 0 ? merged_ : single_;
        q.bind(1, id);
        return q;
    }

private:
    IndexStore::Db& db_;
    std::string kind_;
    Stmt single_;
    Stmt merged_;
};

/// Docs rows in the order better_representative() ranks them, the representative alone.
constexpr const char* kRepresentativeOrder =
    " ORDER BY date IS NULL, date, length DESC, id LIMIT 1";

/// A lang column of a docs or run_rows row: NULL (stored before v7, when every document's
/// story terms were made with English rules) is English; a text that is no language code
/// (the file is hostile input) is "und".
LangCode read_lang(const Stmt& q, int i) {
    return q.is_null(i) ? kEnglish : language_code(q.text(i));
}

/// The lang column of docs or run_rows: NULL for a reader of an index no writer has upgraded
/// to v7 yet.
std::string lang_column(std::int64_t schema) { return schema >= 7 ? "lang" : "NULL"; }

/// The columns read_member() reads.
std::string member_columns(std::int64_t schema) {
    return "SELECT seq, id, date, length, " + current("near") + ", " + current("story") +
           ", terms, " + lang_column(schema) + (schema >= 8 ? ", site, beside" : ", NULL, NULL");
}

/// A HeldMember from the current row of a query selecting member_columns().
HeldMember read_member(const Stmt& q, const std::string& path) {
    HeldMember m;
    m.seq = q.i64(0);
    m.id = q.text(1);
    m.date = q.is_null(2) ? std::nullopt : std::optional(q.i64(2));
    m.length = static_cast<std::uint64_t>(q.i64(3));
    m.near = static_cast<std::uint64_t>(q.i64(4));
    m.story = static_cast<std::uint64_t>(q.i64(5));
    if (!q.u32s(6, kMaxTermsPerDoc, m.terms))
        throw FormatError(path + ": document '" + m.id + "': bad terms blob");
    m.lang = read_lang(q, 7);
    m.site = q.is_null(8) ? 0 : static_cast<std::uint64_t>(q.i64(8));
    m.beside_figures =
        q.is_null(9)
            ? 0
            : static_cast<std::uint16_t>(std::clamp<std::int64_t>(q.i64(9), 0, UINT16_MAX));
    return m;
}

/// The columns append_held() reads, from the docs table.
std::string held_columns(std::int64_t schema) {
    return "id, source, date, length, " + current("near") + ", " + current("story") +
           ", signature, terms, " + (schema >= 2 ? "text_hash" : "NULL") + ", " +
           lang_column(schema);
}

}  // namespace

namespace {

/// An optional text column: NULL when empty (unknown).
void bind_text_or_null(Stmt& q, int i, const std::string& value) {
    if (value.empty())
        q.bind_null(i);
    else
        q.bind(i, value);
}

/// An optional number column: NULL when absent.
template <typename T>
void bind_or_null(Stmt& q, int i, const std::optional<T>& value) {
    if (value)
        q.bind(i, *value);
    else
        q.bind_null(i);
}

/// Appends one held document from columns first .. first + 9 (id, source, date, length, near,
/// story, signature, terms, text_hash, lang) of the current row.
void append_held(const Stmt& q, int first, std::uint32_t num_perm, const std::string& path,
                 HeldDocuments& held) {
    thread_local std::vector<std::uint32_t> sig;
    held.ids.push_back(q.text(first));
    held.sources.push_back(q.text(first + 1));
    held.dates.push_back(q.is_null(first + 2) ? std::nullopt : std::optional(q.i64(first + 2)));
    held.lengths.push_back(static_cast<std::uint64_t>(q.i64(first + 3)));
    held.near.push_back(static_cast<std::uint64_t>(q.i64(first + 4)));
    held.story.push_back(static_cast<std::uint64_t>(q.i64(first + 5)));
    if (!q.u32s(first + 6, num_perm, sig) || sig.size() != num_perm)
        throw FormatError(path + ": document '" + held.ids.back() + "': bad signature blob");
    held.signatures.insert(held.signatures.end(), sig.begin(), sig.end());
    held.terms.emplace_back();
    if (!q.u32s(first + 7, kMaxTermsPerDoc, held.terms.back()))
        throw FormatError(path + ": document '" + held.ids.back() + "': bad terms blob");
    held.text_hashes.push_back(q.u64_or_null(first + 8));
    held.langs.push_back(read_lang(q, first + 9));
}

std::string time_filter(std::optional<std::int64_t> since) {
    return since ? " WHERE coalesce(date, added) >= " + std::to_string(*since) : "";
}

}  // namespace

namespace {

/// Opens the connection. A reader in a folder it cannot write (no -shm can be made there) reads
/// the file as immutable when no -wal file exists: nobody can be writing it, since a writer
/// would have to create the -wal file in that folder.
sqlite3* open_connection(const std::string& path, IndexStore::Mode mode) {
    const bool write = mode == IndexStore::Mode::kWrite;
    const int flags = write ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : SQLITE_OPEN_READONLY;
    sqlite3* handle = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
    if (rc == SQLITE_OK && !write) {
        // The -shm file is opened lazily: probe with a read.
        rc = sqlite3_exec(handle, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
        const bool shm_refused = rc == SQLITE_CANTOPEN || rc == SQLITE_READONLY ||
                                 (sqlite3_extended_errcode(handle) & 0xff) == SQLITE_READONLY;
        if (rc != SQLITE_OK && shm_refused && !std::filesystem::exists(path + "-wal") &&
            ::access(std::filesystem::path(path).parent_path().empty()
                         ? "."
                         : std::filesystem::path(path).parent_path().c_str(),
                     W_OK) != 0) {
            sqlite3_close_v2(handle);
            handle = nullptr;
            const std::string uri =
                "file:" + std::filesystem::absolute(path).string() + "?immutable=1";
            rc = sqlite3_open_v2(uri.c_str(), &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                                 nullptr);
        } else {
            rc = SQLITE_OK;  // other errors surface, with their message, at the first query
        }
    }
    if (rc != SQLITE_OK) {
        const std::string msg = handle != nullptr ? sqlite3_errmsg(handle) : "out of memory";
        sqlite3_close_v2(handle);
        throw IoError(path + ": cannot open: " + msg);
    }
    return handle;
}

/// How long a reader (and a writer's look before locking) waits for a connection that holds a
/// lock briefly, as one checkpointing or recovering the WAL does: readers are never blocked by
/// a writer, but without a busy timeout they failed at once with "database is locked" then.
constexpr int kBriefLockMs = 10'000;

/// What an existing file holds, read before any write: a file that is not a neardup index is
/// refused unchanged (switching it to WAL mode first changed another program's file for good).
enum class FileKind : std::uint8_t { kIndex, kEmpty, kForeign };

FileKind file_kind(const IndexStore::Db& db, std::int64_t& version) {
    Stmt v(db, "PRAGMA user_version");
    v.step();
    version = v.i64(0);
    Stmt t(db,
           "SELECT count(*), count(CASE WHEN name IN ('settings', 'docs') AND type = 'table' "
           "THEN 1 END) FROM sqlite_master");
    t.step();
    if (t.i64(0) == 0 && version == 0)
        return FileKind::kEmpty;  // a first 'index add' that failed or was killed left it
    return version > 0 && t.i64(1) == 2 ? FileKind::kIndex : FileKind::kForeign;
}

}  // namespace

IndexStore::IndexStore(const std::string& path, Mode mode, bool wait)
    : db_(std::make_unique<Db>()), path_(path) {
    db_->path = path;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw IoError(path + ": is a folder, not an index file");
    const bool exists = std::filesystem::exists(path, ec);
    if (mode == Mode::kRead && !exists)
        throw IoError(path + ": no such index");
    empty_file_ = exists && std::filesystem::file_size(path, ec) == 0 && !ec;
    db_->handle = open_connection(path, mode);
    sqlite3_busy_timeout(db_->handle, wait ? 24 * 3600 * 1000 : kBriefLockMs);
    if (exists)
        refuse_other_files(mode);
    if (mode == Mode::kWrite) {
        // Without --wait a second writer fails at once instead of waiting for the lock.
        sqlite3_busy_timeout(db_->handle, wait ? 24 * 3600 * 1000 : 0);
        begin_write(wait);
    }
    read_schema_version(exists, mode);
    if (mode == Mode::kWrite) {
        upgrade_schema();
    } else {
        // One read transaction for the whole open: every query sees the same snapshot, and a
        // night's thousands of lookups take SQLite's file locks once, not once each.
        db_->exec("BEGIN");
        in_transaction_ = true;
    }
}

void IndexStore::refuse_other_files(Mode mode) {
    std::int64_t version = 0;
    FileKind kind = FileKind::kForeign;
    try {
        kind = file_kind(*db_, version);
    } catch (const IoError&) {
        if ((sqlite3_errcode(db_->handle) & 0xff) != SQLITE_NOTADB)
            throw;  // locked for longer than a reader waits, unreadable: as SQLite says
        throw FormatError(path_ + ": not a neardup index (not an SQLite database)");
    }
    if (version > kSchemaVersion) {
        throw FormatError(path_ + ": index schema v" + std::to_string(version) + " > supported v" +
                          std::to_string(kSchemaVersion));
    }
    if (kind == FileKind::kForeign)
        throw FormatError(path_ +
                          ": not a neardup index (its tables are another program's); "
                          "left unchanged");
    if (kind == FileKind::kEmpty && mode == Mode::kRead)
        throw FormatError(path_ + ": empty index: no 'index add' has finished on it yet");
}

void IndexStore::begin_write(bool wait) {
    // Each step may meet another writer (one creating the file sets WAL mode too).
    for (const char* sql :
         {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
          // A night writes millions of keys: pages it changes stay in memory until the commit
          // instead of spilling to the WAL and being read back (128 MiB at most).
          "PRAGMA cache_size=-131072", "BEGIN IMMEDIATE"}) {
        if (sqlite3_exec(db_->handle, sql, nullptr, nullptr, nullptr) == SQLITE_OK)
            continue;
        if ((sqlite3_errcode(db_->handle) & 0xff) == SQLITE_BUSY) {
            throw IoError(path_ + ": index is locked by another writer" +
                          (wait ? std::string() : " (use --wait to wait)"));
        }
        db_->fail("cannot lock");
    }
    in_transaction_ = true;
}

void IndexStore::read_schema_version(bool exists, Mode mode) {
    Stmt version(*db_, "PRAGMA user_version");
    version.step();
    db_->schema = version.i64(0);
    if (db_->schema > kSchemaVersion) {
        throw FormatError(path_ + ": index schema v" + std::to_string(db_->schema) +
                          " > supported v" + std::to_string(kSchemaVersion));
    }
    if (exists && db_->schema == 0 && mode == Mode::kRead)
        throw FormatError(path_ + ": not a neardup index");
}

void IndexStore::upgrade_schema() {
    if (db_->schema == 0) {
        Stmt tables(*db_, "SELECT count(*) FROM sqlite_master");
        tables.step();
        if (tables.i64(0) > 0)
            throw FormatError(path_ + ": not a neardup index (other tables present)");
        db_->exec(kSchema);
        created_ = true;
    } else {
        created_ = false;
        if (db_->schema == 1)
            db_->exec("ALTER TABLE docs ADD COLUMN text_hash INTEGER");
        if (db_->schema < 3) {
            db_->exec("ALTER TABLE docs ADD COLUMN title TEXT");
            db_->exec("ALTER TABLE docs ADD COLUMN url TEXT");
        }
        if (db_->schema == 2) {
            db_->exec("ALTER TABLE run_rows ADD COLUMN date INTEGER");
            db_->exec("ALTER TABLE run_rows ADD COLUMN title TEXT");
            db_->exec("ALTER TABLE run_rows ADD COLUMN url TEXT");
            db_->exec("ALTER TABLE run_rows ADD COLUMN action TEXT");
        }
        if (db_->schema >= 2 && db_->schema < 6)  // v1's runs table comes from kRunsSchema
            db_->exec("ALTER TABLE runs ADD COLUMN level TEXT");
        if (db_->schema < 7)
            upgrade_to_v7();
        if (db_->schema >= 2 && db_->schema < 8)  // v1's run_rows comes from kRunsSchema
            db_->exec("ALTER TABLE run_rows ADD COLUMN old_story INTEGER");
        if (db_->schema < 8) {
            db_->exec("ALTER TABLE docs ADD COLUMN site INTEGER");
            db_->exec("ALTER TABLE docs ADD COLUMN beside INTEGER");
        }
    }
    if (db_->schema < kSchemaVersion) {
        if (db_->schema < 2)
            db_->exec(kRunsSchema);
        if (db_->schema < 4) {
            db_->exec(kKeysSchema);
            fill_near_keys();
        }
        db_->exec(kAliasSchema);
        db_->exec(kLineageSchema);
        db_->exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
        db_->schema = kSchemaVersion;
    }
}

void IndexStore::upgrade_to_v7() {
    // The documents held so far stay NULL: their terms were made with English rules (read
    // as English), and the representatives term_df counts were all weighed as English.
    db_->exec("ALTER TABLE docs ADD COLUMN lang TEXT");
    if (db_->schema >= 2)  // v1's run_rows table comes from kRunsSchema
        db_->exec("ALTER TABLE run_rows ADD COLUMN lang TEXT");
    if (db_->schema >= 5)  // made again by kAliasSchema, with the lang column
        db_->exec("DROP VIEW IF EXISTS articles");
    if (const std::optional<std::string> n = state("story_documents"))
        put_state("story_documents_" + language_name(kEnglish), *n);
}

LshParams IndexStore::stored_lsh() const {
    const IndexSettings s = settings();
    const auto bands = s.find("bands");
    const auto rows = s.find("rows");
    if (bands == s.end() || rows == s.end())
        return {};
    return {static_cast<std::uint32_t>(stored_number(bands->second, "bands", 1, 4096)),
            static_cast<std::uint32_t>(stored_number(rows->second, "rows", 1, 4096))};
}

void IndexStore::fill_near_keys() {
    const LshParams lsh = stored_lsh();
    if (lsh.bands == 0)
        return;  // no settings yet: no documents either
    const std::uint32_t num_perm = this->num_perm();
    std::vector<std::uint32_t> sig;
    std::vector<std::uint64_t> keys(lsh.bands);
    Stmt q(*db_, "SELECT seq, id, signature FROM docs");
    while (q.step()) {
        if (!q.u32s(2, num_perm, sig) || sig.size() != num_perm ||
            std::size_t{lsh.bands} * lsh.rows > sig.size())
            throw FormatError(path_ + ": document '" + q.text(1) + "': bad signature blob");
        band_keys(sig, lsh, keys);
        for (const std::uint64_t k : keys)
            db_->pending_near.emplace_back(IndexStore::stored_key(k), q.i64(0));
    }
    write_pending_keys();
}

void IndexStore::write_pending_keys() {
    KeyTables keys(*db_);
    sort_unique(db_->pending_near);
    keys.write("near", db_->pending_near);
    std::vector<std::pair<std::int64_t, std::int64_t>>().swap(db_->pending_near);
    sort_unique(db_->pending_story);
    keys.write("story", db_->pending_story);
    std::vector<std::pair<std::int64_t, std::int64_t>>().swap(db_->pending_story);
}

IndexStore::~IndexStore() {
    // A failed run leaves the index as it was. A created file is never removed: another writer
    // (--wait) may have it open already and would add its night to an unlinked file. A first
    // run that failed leaves an empty index, which the next 'index add' fills.
    if (in_transaction_)
        sqlite3_exec(db_->handle, "ROLLBACK", nullptr, nullptr, nullptr);
}

IndexSettings IndexStore::settings() const {
    IndexSettings out;
    Stmt q(*db_,
           "SELECT key, value FROM settings WHERE key NOT LIKE 'next_%' AND key NOT LIKE "
           "'state_%'");
    while (q.step())
        out[q.text(0)] = q.text(1);
    return out;
}

std::uint64_t IndexStore::stored_number(const std::string& text, const std::string& key,
                                        std::uint64_t lo, std::uint64_t hi) const {
    std::uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || v < lo || v > hi)
        throw FormatError(path_ + ": setting " + key + " = '" + text + "' is not a valid value");
    return v;
}

std::uint32_t IndexStore::num_perm() const {
    const IndexSettings s = settings();
    const auto it = s.find("num_perm");
    if (it == s.end())
        throw FormatError(path_ + ": index has no num_perm setting");
    return static_cast<std::uint32_t>(stored_number(it->second, "num_perm", 1, 4096));
}

void IndexStore::check_settings(const IndexSettings& wanted) {
    if (created_) {
        Stmt put(*db_, "INSERT INTO settings(key, value) VALUES(?, ?)");
        for (const auto& [k, v] : wanted)
            put.bind(1, k).bind(2, v).run();
        put_state("story_keys", "complete");  // nothing held yet: nothing to fill in
        db_->near_lsh = stored_lsh();
        return;
    }
    const IndexSettings stored = settings();
    // The settings others derive from first: bands and rows follow from num_perm, so a
    // num_perm mismatch must be reported as one, not as "bands".
    std::vector<std::pair<std::string, std::string>> ordered;
    for (const char* key : {"num_perm", "seed", "shingle", "normalization", "hash"}) {
        if (const auto w = wanted.find(key); w != wanted.end())
            ordered.emplace_back(*w);
    }
    for (const auto& [k, v] : wanted) {
        const auto same_key = [&k = k](const auto& o) { return o.first == k; };
        if (std::none_of(ordered.begin(), ordered.end(), same_key))
            ordered.emplace_back(k, v);
    }
    for (const auto& [k, v] : ordered) {
        auto it = stored.find(k);
        const std::string have = it == stored.end() ? "(missing)" : it->second;
        if (have != v) {
            std::string message = path_;
            message.append(": index was built with ").append(k).append("=").append(have);
            message.append(", this run uses ").append(k).append("=").append(v);
            throw ConfigError(message);
        }
    }
    db_->near_lsh = stored_lsh();
}

HeldDocuments IndexStore::load(std::optional<std::int64_t> since, std::uint32_t num_perm) {
    HeldDocuments held;
    const std::string hash = db_->schema >= 2 ? "text_hash" : "NULL";
    const std::string sql =
        "SELECT " + held_columns(db_->schema) + " FROM docs" + time_filter(since) + " ORDER BY seq";
    if (since) {
        const std::string others = "SELECT id, " + hash +
                                   " FROM docs WHERE coalesce(date, added) < " +
                                   std::to_string(*since);
        Stmt o(*db_, others.c_str());
        while (o.step()) {
            held.other_ids.push_back(o.text(0));
            held.other_text_hashes.push_back(o.u64_or_null(1));
        }
    }
    Stmt q(*db_, sql.c_str());
    while (q.step())
        append_held(q, 0, num_perm, path_, held);
    return held;
}

std::uint64_t IndexStore::next_id(const std::string& kind) const {
    Stmt q(*db_, "SELECT value FROM settings WHERE key = ?");
    q.bind(1, "next_" + kind);
    if (!q.step())
        return 1;
    return stored_number(q.text(0), "next_" + kind, 1, UINT64_MAX);
}

void IndexStore::set_next_id(const std::string& kind, std::uint64_t next) {
    Stmt q(*db_, "INSERT OR REPLACE INTO settings(key, value) VALUES(?, ?)");
    q.bind(1, "next_" + kind).bind(2, std::to_string(next)).run();
}

void IndexStore::insert(const IndexedDoc& d) {
    static constexpr const char* kSql =
        "INSERT INTO docs(id, source, date, added, length, near, story, signature, terms, "
        "text_hash, title, url, lang, site, beside) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?)";
    if (db_->insert_doc == nullptr &&
        sqlite3_prepare_v2(db_->handle, kSql, -1, &db_->insert_doc, nullptr) != SQLITE_OK)
        db_->fail("prepare");
    Stmt q(*db_, db_->insert_doc);
    const IndexRow& r = d.row;
    q.bind(1, r.id).bind(2, r.source);
    bind_or_null(q, 3, r.date);
    q.bind(4, r.added).bind(5, r.length).bind(6, r.near).bind(7, r.story);
    q.bind_blob(8, d.signature).bind_blob(9, d.terms);
    bind_or_null(q, 10, r.text_hash);
    bind_text_or_null(q, 11, r.title);
    bind_text_or_null(q, 12, r.url);
    if (r.lang)
        q.bind(13, language_name(*r.lang));
    else
        q.bind_null(13);
    if (d.site != 0)
        q.bind(14, static_cast<std::int64_t>(d.site & INT64_MAX))
            .bind(15, std::int64_t{d.beside_figures});
    else
        q.bind_null(14).bind_null(15);
    q.run();
    if (db_->near_lsh.bands == 0)
        db_->near_lsh = stored_lsh();
    const LshParams lsh = db_->near_lsh;
    NEARDUP_CHECK(lsh.bands > 0, "insert() into an index without bands and rows settings");
    if (std::size_t{lsh.bands} * lsh.rows > d.signature.size())
        return;  // a short signature has no keys ('index check' reports its size)
    const std::int64_t seq = sqlite3_last_insert_rowid(db_->handle);
    std::array<std::uint64_t, 512> keys{};
    NEARDUP_CHECK(lsh.bands <= keys.size(), "too many bands");
    band_keys(d.signature, lsh, std::span(keys.data(), lsh.bands));
    for (std::uint32_t b = 0; b < lsh.bands; ++b)
        db_->pending_near.emplace_back(IndexStore::stored_key(keys[b]), seq);
}

void IndexStore::add_story_keys(std::uint64_t near, std::span<const std::uint64_t> keys) {
    for (const std::uint64_t k : keys)
        db_->pending_story.emplace_back(IndexStore::stored_key(k), static_cast<std::int64_t>(near));
}

void IndexStore::write_story_keys(std::span<const std::pair<std::int64_t, std::int64_t>> keys) {
    KeyTables(*db_).write("story", keys);
}

std::optional<std::optional<std::uint64_t>> IndexStore::held_text_hash(
    const std::string& id) const {
    static constexpr const char* kSql = "SELECT text_hash FROM docs WHERE id = ?";
    if (db_->find_id == nullptr &&
        sqlite3_prepare_v2(db_->handle, kSql, -1, &db_->find_id, nullptr) != SQLITE_OK)
        db_->fail("prepare");
    Stmt q(*db_, db_->find_id);
    q.bind(1, id);
    std::optional<std::optional<std::uint64_t>> out;
    if (q.step())
        out.emplace(q.u64_or_null(0));  // held: the hash, or an empty one (NULL)
    q.reset();
    return out;
}

void IndexStore::delete_near_keys(const char* where, std::int64_t value) {
    const LshParams lsh = stored_lsh();
    if (lsh.bands == 0)
        return;
    const std::uint32_t num_perm = this->num_perm();
    std::vector<std::uint32_t> sig;
    std::vector<std::uint64_t> keys(lsh.bands);
    std::vector<std::pair<std::int64_t, std::int64_t>> doomed;
    const std::string sql = std::string("SELECT seq, signature FROM docs WHERE ") + where;
    Stmt q(*db_, sql.c_str());
    q.bind(1, value);
    while (q.step()) {
        if (!q.u32s(1, num_perm, sig) || sig.size() != num_perm ||
            std::size_t{lsh.bands} * lsh.rows > sig.size())
            continue;  // a damaged row has no keys to find ('index check' reports it)
        band_keys(sig, lsh, keys);
        for (const std::uint64_t k : keys)
            doomed.emplace_back(IndexStore::stored_key(k), q.i64(0));
    }
    sort_unique(doomed);
    KeyTables(*db_).erase("near", doomed);
    // Keys of documents inserted in this transaction still wait to be written: drop them too.
    std::vector<std::int64_t> seqs;
    for (const auto& [key, seq] : doomed)
        seqs.push_back(seq);
    std::sort(seqs.begin(), seqs.end());
    std::erase_if(db_->pending_near, [&seqs](const auto& p) {
        return std::binary_search(seqs.begin(), seqs.end(), p.second);
    });
}

bool IndexStore::remove(const std::string& id) {
    Stmt find(*db_, "SELECT seq FROM docs WHERE id = ?");
    find.bind(1, id);
    if (!find.step())
        return false;
    const std::int64_t seq = find.i64(0);
    delete_near_keys("seq = ?", seq);
    Stmt(*db_, "DELETE FROM docs WHERE seq = ?").bind(1, seq).run();
    return sqlite3_changes64(db_->handle) > 0;
}

HeldDocuments IndexStore::near_groups(std::span<const std::uint64_t> keys, std::uint32_t num_perm,
                                      std::optional<std::int64_t> since, std::uint32_t per_key) {
    std::vector<std::int64_t> wanted;
    wanted.reserve(keys.size());
    for (const std::uint64_t k : keys)
        wanted.push_back(IndexStore::stored_key(k));
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    // 1. the held articles in the keys' buckets (the newest per_key of each, as the in-memory
    //    index walks them), in the window; 2. of each of their near groups, the two members a
    //    night needs besides them: the representative (the earliest dated, else longest, else
    //    smallest id: better_representative()) and the earliest held. A group of thousands of
    //    copies costs three reads, not thousands.
    std::vector<std::int64_t> seqs;
    for (const auto& [key, seq] : KeyTables(*db_).lookup("near", wanted, per_key))
        seqs.push_back(seq);
    std::sort(seqs.begin(), seqs.end());
    seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
    const std::string window = since ? " AND coalesce(date, added) >= ?" : "";
    Stmt group(*db_, ("SELECT " + current("near") + " FROM docs WHERE seq = ?" + window).c_str());
    std::vector<std::int64_t> groups;
    std::vector<std::int64_t> chosen;  // the seqs to read
    for (const std::int64_t seq : seqs) {
        group.bind(1, seq);
        if (since)
            group.bind(2, *since);
        if (group.step()) {
            groups.push_back(group.i64(0));
            chosen.push_back(seq);
        }
        group.reset();
    }
    std::sort(groups.begin(), groups.end());
    groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
    GroupQuery rep(*db_, "near", "SELECT seq FROM docs", window + kRepresentativeOrder);
    GroupQuery first(*db_, "near", "SELECT seq FROM docs", window + " ORDER BY seq LIMIT 1");
    for (const std::int64_t g : groups) {
        for (GroupQuery* pick : {&rep, &first}) {
            Stmt& q = pick->of(static_cast<std::uint64_t>(g));
            if (since)
                q.bind(2, *since);
            if (q.step())
                chosen.push_back(q.i64(0));
            q.reset();
        }
    }
    // In insertion order, as load() gives them.
    std::sort(chosen.begin(), chosen.end());
    chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
    Stmt row(*db_, ("SELECT " + held_columns(db_->schema) + " FROM docs WHERE seq = ?").c_str());
    HeldDocuments out;
    for (const std::int64_t seq : chosen) {
        row.bind(1, seq);
        if (row.step())
            append_held(row, 0, num_perm, path_, out);
        row.reset();
    }
    return out;
}

std::vector<std::pair<std::int64_t, std::uint64_t>> IndexStore::story_bucket_entries(
    std::span<const std::int64_t> keys, std::uint32_t per_key) const {
    std::vector<std::pair<std::int64_t, std::uint64_t>> out;
    for (const auto& [key, near] : KeyTables(*db_).lookup("story", keys, per_key))
        out.emplace_back(key, static_cast<std::uint64_t>(near));
    return out;
}

std::uint64_t IndexStore::resolve_alias(const std::string& kind, std::uint64_t id) const {
    Stmt alias(*db_, "SELECT target FROM aliases WHERE kind = ? AND alias = ?");
    alias.bind(1, kind).bind(2, id);
    // merge() keeps every alias pointing at a surviving id: one step is enough.
    return alias.step() ? static_cast<std::uint64_t>(alias.i64(0)) : id;
}

std::string IndexStore::first_member(const std::string& kind, std::uint64_t id) const {
    NEARDUP_CHECK(kind == "near" || kind == "story", "first_member: near or story");
    GroupQuery first(*db_, kind, "SELECT id FROM docs", " ORDER BY seq LIMIT 1");
    Stmt& q = first.of(id);
    return q.step() ? q.text(0) : std::string();
}

std::vector<HeldMember> IndexStore::members(const std::string& kind,
                                            std::span<const std::uint64_t> ids,
                                            std::optional<std::int64_t> since,
                                            std::uint32_t newest) const {
    NEARDUP_CHECK(kind == "near" || kind == "story", "members: near or story");
    std::vector<HeldMember> out;
    // Newest first (docs_story holds seq after the id: no sort), reversed per group below.
    GroupQuery members(
        *db_, kind, member_columns(db_->schema) + " FROM docs",
        std::string(since ? " AND coalesce(date, added) >= ?" : "") + " ORDER BY seq DESC LIMIT ?");
    for (const std::uint64_t s : ids) {
        Stmt& q = members.of(s);
        if (since)
            q.bind(2, *since);
        q.bind(since ? 3 : 2, newest == 0 ? std::int64_t{-1} : std::int64_t{newest});
        const std::size_t first = out.size();
        while (q.step())
            out.push_back(read_member(q, path_));
        q.reset();
        std::reverse(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
    }
    return out;
}

std::vector<IndexRow> IndexStore::story_articles(std::span<const std::uint64_t> stories,
                                                 std::int64_t since, std::uint32_t newest) const {
    // Newest first (docs_story holds seq after the id: no sort), reversed per story below.
    GroupQuery q(*db_, "story",
                 "SELECT seq, id, date, added, length, " + current("near") + ", " +
                     current("story") + " FROM docs",
                 " AND coalesce(date, added) >= ?2 ORDER BY seq DESC LIMIT ?3");
    std::vector<IndexRow> out;
    for (const std::uint64_t s : stories) {
        const std::size_t first = out.size();
        Stmt& r = q.of(s);
        r.bind(2, since).bind(3, std::int64_t{newest});
        while (r.step()) {
            IndexRow row;
            row.seq = r.i64(0);
            row.id = r.text(1);
            row.date = r.is_null(2) ? std::nullopt : std::optional(r.i64(2));
            row.added = r.i64(3);
            row.length = static_cast<std::uint64_t>(r.i64(4));
            row.near = static_cast<std::uint64_t>(r.i64(5));
            row.story = static_cast<std::uint64_t>(r.i64(6));
            out.push_back(std::move(row));
        }
        r.reset();
        std::reverse(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
    }
    return out;
}

void IndexStore::fill_details(std::span<IndexRow* const> rows) const {
    Stmt q(*db_,
           ("SELECT source, title, url, " + lang_column(db_->schema) + " FROM docs WHERE seq = ?")
               .c_str());
    for (IndexRow* row : rows) {
        q.bind(1, row->seq);
        if (q.step()) {
            row->source = q.text(0);
            row->title = q.text(1);
            row->url = q.text(2);
            row->lang = q.is_null(3) ? std::nullopt : std::optional(read_lang(q, 3));
        }
        q.reset();
    }
}

std::vector<HeldMember> IndexStore::members_at(std::span<const std::int64_t> seqs) const {
    Stmt row(*db_, (member_columns(db_->schema) + " FROM docs WHERE seq = ?").c_str());
    std::vector<HeldMember> out;
    out.reserve(seqs.size());
    for (const std::int64_t seq : seqs) {
        row.bind(1, seq);
        if (!row.step())
            throw FormatError(path_ + ": no held article at seq " + std::to_string(seq));
        out.push_back(read_member(row, path_));
        row.reset();
    }
    return out;
}

std::vector<std::uint64_t> IndexStore::story_sizes(std::span<const std::uint64_t> stories) const {
    GroupQuery q(*db_, "story", "SELECT count(*) FROM docs", "");
    std::vector<std::uint64_t> out;
    out.reserve(stories.size());
    for (const std::uint64_t story : stories) {
        Stmt& r = q.of(story);
        r.step();
        out.push_back(static_cast<std::uint64_t>(r.i64(0)));
        r.reset();
    }
    return out;
}

std::vector<SiteTemplateCounts> IndexStore::template_counts(
    std::span<const std::uint64_t> sites) const {
    std::vector<SiteTemplateCounts> out;
    if (db_->schema < 8)
        return out;
    Stmt articles(*db_, "SELECT articles FROM template_sites WHERE site = ?");
    Stmt terms(*db_, "SELECT term, beside, uses FROM template_terms WHERE site = ? ORDER BY term");
    const auto count = [](std::int64_t v) {
        return static_cast<std::uint32_t>(std::clamp<std::int64_t>(v, 0, UINT32_MAX));
    };
    for (const std::uint64_t site : sites) {
        const auto key = static_cast<std::int64_t>(site & INT64_MAX);
        articles.bind(1, key);
        if (!articles.step()) {
            articles.reset();
            continue;
        }
        SiteTemplateCounts c{
            site, static_cast<std::uint64_t>(std::max<std::int64_t>(0, articles.i64(0))), {}};
        articles.reset();
        terms.bind(1, key);
        while (terms.step())
            c.terms.push_back({static_cast<std::uint32_t>(terms.i64(0)), count(terms.i64(1)),
                               count(terms.i64(2))});
        terms.reset();
        out.push_back(std::move(c));
    }
    return out;
}

void IndexStore::add_template_counts(std::uint64_t site, std::uint64_t articles,
                                     std::span<const TemplateCount> terms) {
    const auto key = static_cast<std::int64_t>(site & INT64_MAX);
    Stmt(*db_,
         "INSERT INTO template_sites(site, articles) VALUES(?1, ?2) ON CONFLICT(site) DO UPDATE "
         "SET articles = articles + ?2")
        .bind(1, key)
        .bind(2, articles)
        .run();
    Stmt put(*db_,
             "INSERT INTO template_terms(site, term, beside, uses) VALUES(?1, ?2, ?3, ?4) "
             "ON CONFLICT(site, term) DO UPDATE SET beside = beside + ?3, uses = uses + ?4");
    for (const TemplateCount& t : terms) {
        put.bind(1, key).bind(2, std::int64_t{t.term}).bind(3, std::int64_t{t.beside});
        put.bind(4, std::int64_t{t.uses}).run();
    }
}

void IndexStore::set_story(std::int64_t seq, std::uint64_t story) {
    Stmt(*db_, "UPDATE docs SET story = ? WHERE seq = ?").bind(1, story).bind(2, seq).run();
}

std::vector<HeldMember> IndexStore::representatives(std::span<const std::uint64_t> near,
                                                    std::optional<std::int64_t> since) const {
    // The pick (its sort holds short rows), then the one row read in full.
    const std::string window = since ? " AND coalesce(date, added) >= ?" : "";
    GroupQuery pick(*db_, "near", "SELECT seq FROM docs", window + kRepresentativeOrder);
    Stmt row(*db_, (member_columns(db_->schema) + " FROM docs WHERE seq = ?").c_str());
    std::vector<HeldMember> out;
    for (const std::uint64_t g : near) {
        Stmt& q = pick.of(g);
        if (since)
            q.bind(2, *since);
        const bool found = q.step();
        const std::int64_t seq = found ? q.i64(0) : 0;
        q.reset();
        if (!found)
            continue;
        row.bind(1, seq);
        if (row.step())
            out.push_back(read_member(row, path_));
        row.reset();
    }
    return out;
}

void IndexStore::for_each_term_df(
    const std::function<void(std::uint32_t term, std::uint32_t df)>& f) const {
    Stmt q(*db_, "SELECT term, df FROM term_df");
    while (q.step())
        f(static_cast<std::uint32_t>(q.i64(0)), static_cast<std::uint32_t>(q.i64(1)));
}

std::uint64_t IndexStore::story_documents() const {
    const std::optional<std::string> v = state("story_documents");
    return v ? stored_number(*v, "state_story_documents", 0, UINT64_MAX) : 0;
}

namespace {

/// The state key of language `lang`'s count of representatives.
std::string documents_key(LangCode lang) { return "story_documents_" + language_name(lang); }

}  // namespace

std::vector<std::pair<LangCode, std::uint64_t>> IndexStore::story_documents_by_language() const {
    std::vector<std::pair<LangCode, std::uint64_t>> out;
    if (db_->schema < 7) {  // a reader of an index not upgraded yet: all English
        if (const std::uint64_t n = story_documents(); n > 0)
            out.emplace_back(kEnglish, n);
        return out;
    }
    Stmt q(*db_, "SELECT key, value FROM settings WHERE key GLOB 'state_story_documents_*'");
    const std::string prefix = "state_story_documents_";
    while (q.step()) {
        const std::string key = q.text(0);
        const LangCode lang = language_code(std::string_view(key).substr(prefix.size()));
        const std::uint64_t n = stored_number(q.text(1), key, 0, UINT64_MAX);
        if (n == 0)
            continue;
        const auto it =
            std::find_if(out.begin(), out.end(), [lang](const auto& c) { return c.first == lang; });
        if (it == out.end())
            out.emplace_back(lang, n);
        else
            it->second += n;  // two keys that name one language (hostile file): both count
    }
    std::sort(out.begin(), out.end());
    return out;
}

void IndexStore::add_term_df(std::span<const std::pair<std::uint32_t, std::int64_t>> deltas,
                             std::span<const std::pair<LangCode, std::int64_t>> documents) {
    Stmt q(*db_,
           "INSERT INTO term_df(term, df) VALUES(?1, ?2) ON CONFLICT(term) DO UPDATE SET df = "
           "max(0, df + ?2)");
    for (const auto& [term, delta] : deltas) {
        if (delta != 0)
            q.bind(1, std::int64_t{term}).bind(2, delta).run();
    }
    std::int64_t total = 0;
    for (const auto& [lang, change] : documents) {
        if (change == 0)
            continue;
        total += change;
        const std::optional<std::string> v = state(documents_key(lang));
        const std::int64_t was = v ? static_cast<std::int64_t>(stored_number(
                                         *v, "state_" + documents_key(lang), 0, INT64_MAX))
                                   : 0;
        put_state(documents_key(lang), std::to_string(std::max<std::int64_t>(0, was + change)));
    }
    const auto n = static_cast<std::int64_t>(story_documents()) + total;
    put_state("story_documents", std::to_string(std::max<std::int64_t>(0, n)));
}

std::optional<std::string> IndexStore::state(const std::string& key) const {
    Stmt q(*db_, "SELECT value FROM settings WHERE key = ?");
    q.bind(1, "state_" + key);
    if (!q.step())
        return std::nullopt;
    return q.text(0);
}

void IndexStore::put_state(const std::string& key, const std::string& value) {
    Stmt(*db_, "INSERT OR REPLACE INTO settings(key, value) VALUES(?, ?)")
        .bind(1, "state_" + key)
        .bind(2, value)
        .run();
}

std::int64_t IndexStore::record_run(const RunInfo& info, std::span<const RunRow> rows) {
    Stmt ins(*db_,
             "INSERT INTO runs(started, finished, inputs, added, updated, skipped, level) "
             "VALUES(?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, info.started).bind(2, info.finished).bind(3, info.inputs);
    ins.bind(4, info.added).bind(5, info.updated).bind(6, info.skipped);
    bind_text_or_null(ins, 7, info.level);
    ins.run();
    const std::int64_t run = sqlite3_last_insert_rowid(db_->handle);
    Stmt put(*db_,
             "INSERT INTO run_rows(run, seq, id, near, story, representative, similarity, source, "
             "matched_near, matched_story, date, title, url, action, lang, old_story) "
             "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const RunRow& r = rows[i];
        put.bind(1, run).bind(2, static_cast<std::uint64_t>(i)).bind(3, r.id).bind(4, r.near);
        put.bind(5, r.story).bind(6, std::int64_t{r.representative ? 1 : 0});
        // Unknown (a moved row's: NaN) is stored as -1 (the column is NOT NULL since v2).
        put.bind(7, std::isnan(r.similarity) ? -1.0 : static_cast<double>(r.similarity));
        put.bind(8, r.source);
        put.bind(9, r.matched_near).bind(10, r.matched_story);
        bind_or_null(put, 11, r.date);
        bind_text_or_null(put, 12, r.title);
        bind_text_or_null(put, 13, r.url);
        bind_text_or_null(put, 14, r.action);
        put.bind(15, language_name(language_code(r.lang)));
        if (r.old_story)
            put.bind(16, *r.old_story);
        else
            put.bind_null(16);
        put.run();
    }
    return run;
}

std::vector<RunInfo> IndexStore::runs() const {
    std::vector<RunInfo> out;
    if (db_->schema < 2)
        return out;
    // A reader of an index that no writer has upgraded yet (v2 to v5) knows no levels.
    Stmt q(*db_, db_->schema >= 6 ? "SELECT run, started, finished, inputs, added, updated, "
                                    "skipped, level FROM runs ORDER BY run"
                                  : "SELECT run, started, finished, inputs, added, updated, "
                                    "skipped, NULL FROM runs ORDER BY run");
    while (q.step()) {
        out.push_back({q.i64(0), q.i64(1), q.i64(2), q.text(3),
                       static_cast<std::uint64_t>(q.i64(4)), static_cast<std::uint64_t>(q.i64(5)),
                       static_cast<std::uint64_t>(q.i64(6)), q.text(7)});
    }
    return out;
}

std::vector<RunRow> IndexStore::run_rows(std::int64_t run) const {
    const auto all = runs();
    if (std::none_of(all.begin(), all.end(), [&](const RunInfo& r) { return r.run == run; }))
        throw IoError(path_ + ": no run " + std::to_string(run) + " (see 'neardup index runs')");
    std::vector<RunRow> out;
    const std::string sql =
        std::string(
            "SELECT id, near, story, representative, similarity, source, matched_near, "
            "matched_story, ") +
        (db_->schema >= 3 ? "date, title, url, action, " : "NULL, NULL, NULL, NULL, ") +
        lang_column(db_->schema) + (db_->schema >= 8 ? ", old_story" : ", NULL") +
        " FROM run_rows WHERE run = ? ORDER BY seq";
    Stmt q(*db_, sql.c_str());
    q.bind(1, run);
    while (q.step()) {
        out.push_back(
            {q.text(0), static_cast<std::uint64_t>(q.i64(1)), static_cast<std::uint64_t>(q.i64(2)),
             q.i64(3) != 0,
             q.real(4) < 0 ? std::numeric_limits<float>::quiet_NaN()
                           : static_cast<float>(q.real(4)),
             q.text(5), q.text(6), q.text(7), q.is_null(8) ? std::nullopt : std::optional(q.i64(8)),
             q.text(9), q.text(10), q.text(11), language_name(read_lang(q, 12)),
             q.is_null(13) ? std::nullopt : std::optional(static_cast<std::uint64_t>(q.i64(13)))});
    }
    return out;
}

void IndexStore::record_lineage(std::int64_t run, std::span<const StoryLineage> lineage) {
    Stmt put(*db_, "INSERT INTO story_lineage(run, old, new, articles) VALUES(?, ?, ?, ?)");
    for (const StoryLineage& l : lineage)
        put.bind(1, run).bind(2, l.from).bind(3, l.to).bind(4, l.articles).run();
}

std::vector<std::pair<std::int64_t, StoryLineage>> IndexStore::lineage() const {
    std::vector<std::pair<std::int64_t, StoryLineage>> out;
    if (db_->schema < 8)
        return out;
    Stmt q(*db_, "SELECT run, old, new, articles FROM story_lineage ORDER BY run, old, new");
    while (q.step()) {
        out.push_back({q.i64(0),
                       {static_cast<std::uint64_t>(q.i64(1)), static_cast<std::uint64_t>(q.i64(2)),
                        static_cast<std::uint64_t>(q.i64(3))}});
    }
    return out;
}

void IndexStore::merge(const std::string& kind, std::uint64_t alias, std::uint64_t target,
                       std::int64_t when) {
    // The members keep their stored ids (current() resolves them); aliases of the merged id
    // are pointed at the survivor, so one step always resolves.
    db_->alias_targets.erase(kind);
    Stmt(*db_, "UPDATE aliases SET target = ? WHERE kind = ? AND target = ?")
        .bind(1, target)
        .bind(2, kind)
        .bind(3, alias)
        .run();
    Stmt(*db_, "INSERT OR REPLACE INTO aliases(kind, alias, target, merged) VALUES(?, ?, ?, ?)")
        .bind(1, kind)
        .bind(2, alias)
        .bind(3, target)
        .bind(4, when)
        .run();
}

std::uint64_t IndexStore::prune(std::int64_t cutoff) {
    delete_near_keys("coalesce(date, added) < ?", cutoff);
    Stmt q(*db_, "DELETE FROM docs WHERE coalesce(date, added) < ?");
    q.bind(1, cutoff).run();
    const auto removed = static_cast<std::uint64_t>(sqlite3_changes64(db_->handle));
    // Story keys are kept by near group (computed with the weights of their night, so they
    // cannot be computed again): those of groups no longer held go in one pass.
    if (removed > 0)
        KeyTables(*db_).erase_unheld_story_keys();
    if (db_->schema >= 2) {  // the record of runs older than what is kept goes too
        Stmt(*db_, "DELETE FROM run_rows WHERE run IN (SELECT run FROM runs WHERE finished < ?)")
            .bind(1, cutoff)
            .run();
        if (db_->schema >= 8) {
            Stmt(*db_,
                 "DELETE FROM story_lineage WHERE run IN (SELECT run FROM runs WHERE finished < ?)")
                .bind(1, cutoff)
                .run();
        }
        Stmt(*db_, "DELETE FROM runs WHERE finished < ?").bind(1, cutoff).run();
    }
    return removed;
}

void IndexStore::commit() {
    if (!in_transaction_)
        return;
    write_pending_keys();
    db_->exec("COMMIT");
    in_transaction_ = false;
}

std::vector<std::string> IndexStore::ids_before(std::int64_t cutoff) const {
    std::vector<std::string> out;
    Stmt q(*db_, "SELECT id FROM docs WHERE coalesce(date, added) < ? ORDER BY seq");
    q.bind(1, cutoff);
    while (q.step())
        out.push_back(q.text(0));
    return out;
}

std::uint64_t IndexStore::compact() {
    NEARDUP_CHECK(!in_transaction_, "compact() inside a transaction");
    db_->exec("VACUUM");
    db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    std::error_code ec;
    std::uint64_t bytes = std::filesystem::file_size(path_, ec);
    const std::uintmax_t wal = std::filesystem::file_size(path_ + "-wal", ec);
    if (!ec)
        bytes += wal;
    return bytes;
}

std::uint64_t IndexStore::free_pages() const {
    Stmt q(*db_, "PRAGMA freelist_count");
    q.step();
    return static_cast<std::uint64_t>(q.i64(0));
}

std::vector<IndexRow> IndexStore::rows() const {
    std::vector<IndexRow> out;
    // A reader of an index that no writer has upgraded yet (v1, v2) sees no titles and urls.
    const std::string sql = "SELECT id, source, date, added, length, " + current("near") + ", " +
                            current("story") +
                            (db_->schema >= 3 ? ", title, url, " : ", NULL, NULL, ") +
                            lang_column(db_->schema) + " FROM docs ORDER BY seq";
    Stmt q(*db_, sql.c_str());
    while (q.step()) {
        out.push_back({q.text(0), q.text(1), q.is_null(2) ? std::nullopt : std::optional(q.i64(2)),
                       q.i64(3), static_cast<std::uint64_t>(q.i64(4)),
                       static_cast<std::uint64_t>(q.i64(5)), static_cast<std::uint64_t>(q.i64(6)),
                       std::nullopt, q.text(7), q.text(8),
                       q.is_null(9) ? std::nullopt : std::optional(read_lang(q, 9))});
    }
    return out;
}

std::vector<SigValue> IndexStore::signatures(std::uint32_t num_perm) const {
    std::vector<SigValue> out;
    std::vector<std::uint32_t> sig;
    Stmt q(*db_, "SELECT id, signature FROM docs ORDER BY seq");
    while (q.step()) {
        if (!q.u32s(1, num_perm, sig) || sig.size() != num_perm)
            throw FormatError(path_ + ": document '" + q.text(0) + "': bad signature blob");
        out.insert(out.end(), sig.begin(), sig.end());
    }
    return out;
}

IndexStats IndexStore::stats() const {
    IndexStats s;
    const std::string sql = "SELECT count(*), count(DISTINCT " + current("near") +
                            "), count(DISTINCT " + current("story") +
                            "), min(coalesce(date, added)), max(coalesce(date, added)) FROM docs";
    Stmt q(*db_, sql.c_str());
    q.step();
    s.docs = static_cast<std::uint64_t>(q.i64(0));
    s.near_groups = static_cast<std::uint64_t>(q.i64(1));
    s.stories = static_cast<std::uint64_t>(q.i64(2));
    if (!q.is_null(3)) {
        s.oldest = q.i64(3);
        s.newest = q.i64(4);
    }
    Stmt a(*db_, "SELECT count(*) FROM aliases");
    a.step();
    s.aliases = static_cast<std::uint64_t>(a.i64(0));
    if (db_->schema >= 4) {
        s.story_window = state("story_window").value_or("");
    }
    std::error_code ec;
    s.file_bytes = std::filesystem::file_size(path_, ec);
    // Bytes per table and index, from SQLite's dbstat table (when the library has it: Debian's
    // does); without it the list stays empty.
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_->handle,
                           "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY name", -1,
                           &raw, nullptr) == SQLITE_OK) {
        while (sqlite3_step(raw) == SQLITE_ROW) {
            const auto* name = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
            if (name != nullptr)
                s.table_bytes.emplace_back(
                    name, static_cast<std::uint64_t>(sqlite3_column_int64(raw, 1)));
        }
    }
    sqlite3_finalize(raw);
    return s;
}

void IndexStore::check_tables(std::vector<std::string>& problems) const {
    struct Table {
        const char* name;
        std::vector<std::string> columns;
        int since;  ///< schema version that added it
    };
    const Table tables[] = {
        {"settings", {"key", "value"}, 1},
        {"docs",
         {"seq", "id", "source", "date", "added", "length", "near", "story", "signature", "terms"},
         1},
        {"aliases", {"kind", "alias", "target", "merged"}, 1},
        {"runs", {"run", "started", "finished", "inputs", "added", "updated", "skipped"}, 2},
        {"run_rows",
         {"run", "seq", "id", "near", "story", "representative", "similarity", "source",
          "matched_near", "matched_story"},
         2},
        {"near_keys", {"key", "seq"}, 4},
        {"story_keys", {"key", "near"}, 4},
        {"key_runs", {"kind", "run", "rows"}, 4},
        {"term_df", {"term", "df"}, 4},
        {"template_sites", {"site", "articles"}, 8},
        {"template_terms", {"site", "term", "beside", "uses"}, 8},
        {"story_lineage", {"run", "old", "new", "articles"}, 8},
        {"articles",
         {"seq", "id", "source", "date", "added", "length", "near", "story", "text_hash", "title",
          "url"},
         5},
    };
    if (db_->schema < 1)
        problems.push_back("schema version " + std::to_string(db_->schema) + " (not an index)");
    for (const Table& t : tables) {
        if (db_->schema < t.since)
            continue;
        std::vector<std::string> have;
        Stmt q(*db_, "SELECT name FROM pragma_table_info(?)");
        q.bind(1, std::string(t.name));
        while (q.step())
            have.push_back(q.text(0));
        if (have.empty()) {
            problems.push_back(std::string("table '") + t.name + "' is missing");
            continue;
        }
        std::vector<std::string> want = t.columns;
        const std::string name(t.name);
        if (name == "docs" && db_->schema >= 2)
            want.emplace_back("text_hash");
        if (name == "docs" && db_->schema >= 3)
            want.insert(want.end(), {"title", "url"});
        if (name == "run_rows" && db_->schema >= 3)
            want.insert(want.end(), {"date", "title", "url", "action"});
        if ((name == "docs" || name == "run_rows" || name == "articles") && db_->schema >= 7)
            want.emplace_back("lang");
        if (name == "docs" && db_->schema >= 8)
            want.insert(want.end(), {"site", "beside"});
        if (name == "run_rows" && db_->schema >= 8)
            want.emplace_back("old_story");
        for (const std::string& c : want) {
            if (std::find(have.begin(), have.end(), c) == have.end())
                problems.push_back(std::string("table '") + t.name + "' lacks column '" + c + "'");
        }
    }
}

std::vector<std::string> IndexStore::check() const {
    std::vector<std::string> problems;
    try {
        Stmt integrity(*db_, "PRAGMA integrity_check");
        while (integrity.step()) {
            if (integrity.text(0) != "ok")
                problems.push_back("sqlite: " + integrity.text(0));
        }
        if (!problems.empty())
            return problems;
        check_tables(problems);
        if (!problems.empty())
            return problems;
        const IndexSettings s = settings();
        for (const char* key : {"num_perm", "seed", "shingle", "bands", "rows"}) {
            if (s.count(key) == 0)
                problems.push_back(std::string("setting '") + key + "' is missing");
        }
        const std::uint32_t num_perm = s.count("num_perm") > 0 ? this->num_perm() : 0;
        Stmt blobs(*db_, "SELECT id, length(signature), length(terms) FROM docs");
        while (blobs.step()) {
            if (blobs.i64(1) != std::int64_t{num_perm} * 4)
                problems.push_back("document '" + blobs.text(0) + "': signature blob size");
            if (blobs.i64(2) % 4 != 0)
                problems.push_back("document '" + blobs.text(0) + "': terms blob size");
        }
        if (db_->schema >= 4) {
            const LshParams lsh = stored_lsh();
            const auto [keys, orphans] = KeyTables(*db_).count_near();
            Stmt docs(*db_, "SELECT count(*) FROM docs");
            docs.step();
            if (orphans > 0)
                problems.push_back("near_keys: " + std::to_string(orphans) +
                                   " keys of documents not held");
            if (keys != docs.i64(0) * std::int64_t{lsh.bands})
                problems.push_back("near_keys: " + std::to_string(keys) + " keys for " +
                                   std::to_string(docs.i64(0)) + " documents x " +
                                   std::to_string(lsh.bands) + " bands");
        }
        if (db_->schema >= 7) {  // the per-language counts add up to the whole (add_term_df())
            std::uint64_t by_language = 0;
            for (const auto& [lang, n] : story_documents_by_language())
                by_language += n;
            if (by_language != story_documents())
                problems.push_back("state_story_documents_<lang> add up to " +
                                   std::to_string(by_language) + ", state_story_documents is " +
                                   std::to_string(story_documents()));
        }
        // Every alias names a surviving id (merge() keeps them so): one step resolves.
        Stmt chained(*db_,
                     "SELECT a.kind, a.alias, a.target FROM aliases a JOIN aliases b ON b.kind = "
                     "a.kind AND b.alias = a.target ORDER BY a.kind, a.alias");
        while (chained.step())
            problems.push_back(chained.text(0) + " alias " + chained.text(1) + " -> " +
                               chained.text(2) + " leads to another alias");
    } catch (const Error& e) {
        problems.push_back(e.what());
    }
    return problems;
}

}  // namespace neardup
