// Private to the store: the SQLite connection of an IndexStore and a prepared-statement helper.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include "neardup/core/error.hpp"
#include "neardup/store/index.hpp"

namespace neardup {

/// Owns the connection; small helpers that throw IoError with the file name.
struct IndexStore::Db {
    sqlite3* handle = nullptr;
    std::string path;
    std::int64_t schema = 0;             ///< user_version of the file (1 lacks text_hash and runs)
    sqlite3_stmt* insert_doc = nullptr;  ///< prepared once per open, reused for every insert
    LshParams near_lsh{};                ///< the stored bands x rows (set by check_settings)
    /// Band keys of inserted documents (key, seq) and near groups (key, near id), written in
    /// key order by commit().
    std::vector<std::pair<std::int64_t, std::int64_t>> pending_near;
    std::vector<std::pair<std::int64_t, std::int64_t>> pending_story;
    /// Run numbers of the key tables, per kind ("near", "story"), ascending; read on first use
    /// (key_tables_impl.hpp).
    std::map<std::string, std::vector<std::int64_t>> runs;

    sqlite3_stmt* find_id = nullptr;  ///< held_text_hash()'s, kept likewise
    /// Per kind: the ids other ids were merged into (aliases' targets), read on first use and
    /// dropped by merge(): most groups were never merged, and their rows are asked for by their
    /// one stored id, in the order of the docs indexes.
    std::map<std::string, std::unordered_set<std::uint64_t>> alias_targets;

    ~Db() {
        sqlite3_finalize(insert_doc);
        sqlite3_finalize(find_id);
        sqlite3_close_v2(handle);
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw IoError(path + ": " + what + ": " + sqlite3_errmsg(handle));
    }

    void exec(const char* sql) const {
        char* msg = nullptr;
        if (sqlite3_exec(handle, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
            std::string text = msg != nullptr ? msg : "unknown error";
            sqlite3_free(msg);
            throw IoError(path + ": " + text);
        }
    }
};

namespace detail {

/// SQL for the current id of `row`'s group column `kind` ("near" or "story"): the stored id,
/// or the survivor an alias names (docs keep the ids they were stored with; so do story keys).
inline std::string current_id_sql(const std::string& kind, const std::string& row) {
    return "coalesce((SELECT target FROM aliases a WHERE a.kind = '" + kind +
           "' AND a.alias = " + row + "." + kind + "), " + row + "." + kind + ")";
}

/// A prepared statement, finalized with the object.
class Stmt {
public:
    Stmt(const IndexStore::Db& db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db.handle, sql, -1, &stmt_, nullptr) != SQLITE_OK)
            db.fail("prepare");
    }
    /// Uses a statement the connection keeps (not finalized here).
    Stmt(const IndexStore::Db& db, sqlite3_stmt* kept) : db_(db), stmt_(kept), owned_(false) {}
    ~Stmt() {
        if (owned_)
            sqlite3_finalize(stmt_);
    }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    Stmt& bind(int i, std::int64_t v) {
        sqlite3_bind_int64(stmt_, i, v);
        return *this;
    }
    Stmt& bind(int i, std::uint64_t v) { return bind(i, static_cast<std::int64_t>(v)); }
    Stmt& bind(int i, const std::string& v) {
        sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& bind_null(int i) {
        sqlite3_bind_null(stmt_, i);
        return *this;
    }
    template <typename T>
    Stmt& bind_blob(int i, std::span<const T> v) {
        if (v.empty())  // a null pointer would bind NULL, not an empty blob
            sqlite3_bind_zeroblob(stmt_, i, 0);
        else
            sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size_bytes()),
                              SQLITE_TRANSIENT);
        return *this;
    }
    /// Steps once; true when a row is available.
    bool step() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW)
            return true;
        if (rc != SQLITE_DONE)
            db_.fail("query");
        return false;
    }
    void run() {
        step();
        reset();
    }
    void reset() {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }
    [[nodiscard]] std::int64_t i64(int col) const { return sqlite3_column_int64(stmt_, col); }
    [[nodiscard]] std::optional<std::uint64_t> u64_or_null(int col) const {
        if (is_null(col))
            return std::nullopt;
        return static_cast<std::uint64_t>(i64(col));
    }
    [[nodiscard]] double real(int col) const { return sqlite3_column_double(stmt_, col); }
    Stmt& bind(int i, double v) {
        sqlite3_bind_double(stmt_, i, v);
        return *this;
    }
    [[nodiscard]] bool is_null(int col) const {
        return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
    }
    [[nodiscard]] std::string text(int col) const {
        const auto* p = sqlite3_column_text(stmt_, col);
        return p == nullptr
                   ? std::string()
                   : std::string(reinterpret_cast<const char*>(p),
                                 static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
    }
    /// Copies a blob of uint32 values; false when its size is not a multiple of 4 or > limit.
    bool u32s(int col, std::size_t limit, std::vector<std::uint32_t>& out) const {
        const int bytes = sqlite3_column_bytes(stmt_, col);
        const void* p = sqlite3_column_blob(stmt_, col);
        if (bytes < 0 || bytes % 4 != 0 || static_cast<std::size_t>(bytes) / 4 > limit)
            return false;
        out.resize(static_cast<std::size_t>(bytes) / 4);
        if (bytes > 0)
            std::memcpy(out.data(), p, static_cast<std::size_t>(bytes));
        return true;
    }

private:
    const IndexStore::Db& db_;
    sqlite3_stmt* stmt_ = nullptr;
    bool owned_ = true;
};

}  // namespace detail
}  // namespace neardup
