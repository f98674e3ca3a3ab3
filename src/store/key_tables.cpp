#include <algorithm>
#include <functional>
#include <memory>

#include "key_tables_impl.hpp"
#include "neardup/core/error.hpp"
#include "neardup/store/key_runs.hpp"

namespace neardup {

std::size_t runs_to_merge(std::span<const std::uint64_t> rows) {
    if (rows.empty())
        return 0;
    const std::uint64_t cap = std::max(kMergeFactor * rows.back(), kMergeFloor);
    std::uint64_t newer = rows.back();
    std::size_t k = 1;
    for (; k < rows.size(); ++k) {
        const std::uint64_t older = rows[rows.size() - 1 - k];
        if (older > newer || older + newer > cap)
            break;
        newer += older;
    }
    return k;
}

namespace detail {
namespace {

const char* value_column(const std::string& kind) { return kind == "near" ? "seq" : "near"; }

}  // namespace

std::vector<std::int64_t>& KeyTables::runs(const std::string& kind) const {
    auto it = db_.runs.find(kind);
    if (it == db_.runs.end()) {
        std::vector<std::int64_t> found;
        if (db_.schema >= 4) {
            Stmt q(db_, "SELECT run FROM key_runs WHERE kind = ? ORDER BY run");
            q.bind(1, kind);
            while (q.step())
                found.push_back(q.i64(0));
        }
        it = db_.runs.emplace(kind, std::move(found)).first;
    }
    return it->second;
}

std::vector<std::string> KeyTables::tables(const std::string& kind) const {
    std::vector<std::string> out{kind + "_keys"};
    for (const std::int64_t run : runs(kind))
        out.push_back(kind + "_keys_" + std::to_string(run));
    return out;
}

void KeyTables::insert(const std::string& table, const char* second, std::span<const Pair> pairs) {
    // Many rows per statement: a night writes millions of keys, and one statement per row
    // spent most of its time starting and ending statements (100,000 articles' 8 million
    // keys: 9.1 s of writing in all, one row per statement; 8.2 s with 128).
    constexpr std::size_t kRows = 128;
    const auto sql = [&](std::size_t rows) {
        std::string text = "INSERT OR IGNORE INTO " + table + "(key, " + second + ") VALUES(?, ?)";
        for (std::size_t i = 1; i < rows; ++i)
            text += ", (?, ?)";
        return text;
    };
    const auto put = [&](Stmt& q, std::size_t at, std::size_t rows) {
        for (std::size_t i = 0; i < rows; ++i) {
            q.bind(static_cast<int>(2 * i + 1), pairs[at + i].first);
            q.bind(static_cast<int>(2 * i + 2), pairs[at + i].second);
        }
        q.run();
    };
    const std::size_t full = pairs.size() / kRows * kRows;
    if (full > 0) {
        Stmt many(db_, sql(kRows).c_str());
        for (std::size_t at = 0; at < full; at += kRows)
            put(many, at, kRows);
    }
    if (full < pairs.size()) {
        Stmt rest(db_, sql(pairs.size() - full).c_str());
        put(rest, full, pairs.size() - full);
    }
}

void KeyTables::write(const std::string& kind, std::span<const Pair> pairs) {
    if (pairs.empty())
        return;
    const char* second = value_column(kind);
    const std::string main = kind + "_keys";
    bool empty = false;
    {
        Stmt any(db_, ("SELECT 1 FROM " + main + " LIMIT 1").c_str());
        empty = !any.step();
    }             // finalized: a DROP TABLE below needs no statement pending
    if (empty) {  // the first night: sorted inserts into an empty table append
        insert(main, second, pairs);
        return;
    }
    std::vector<std::int64_t>& list = runs(kind);
    const std::int64_t run = list.empty() ? 1 : list.back() + 1;
    const std::string table = kind + "_keys_" + std::to_string(run);
    db_.exec(("CREATE TABLE " + table + "(key INTEGER NOT NULL, " + second +
              " INTEGER NOT NULL, PRIMARY KEY(key, " + second + ")) WITHOUT ROWID")
                 .c_str());
    insert(table, second, pairs);
    Stmt(db_, "INSERT INTO key_runs(kind, run, rows) VALUES(?, ?, ?)")
        .bind(1, kind)
        .bind(2, run)
        .bind(3, static_cast<std::uint64_t>(pairs.size()))
        .run();
    list.push_back(run);
    merge_newest_runs(kind);
}

void KeyTables::merge_newest_runs(const std::string& kind) {
    std::vector<std::int64_t>& list = runs(kind);
    std::vector<std::uint64_t> rows;
    {
        Stmt q(db_, "SELECT rows FROM key_runs WHERE kind = ? ORDER BY run");
        q.bind(1, kind);
        while (q.step())
            rows.push_back(static_cast<std::uint64_t>(q.i64(0)));
    }  // finalized: a DROP TABLE below needs no statement pending
    if (rows.size() != list.size())
        throw FormatError(db_.path + ": key_runs lists " + std::to_string(rows.size()) + " " +
                          kind + " runs, the index has " + std::to_string(list.size()));
    const std::size_t k = runs_to_merge(rows);
    if (k < 2)
        return;
    const std::size_t first = list.size() - k;
    const std::string into = kind + "_keys_" + std::to_string(list[first]);
    std::uint64_t total = rows[first];
    for (std::size_t i = first + 1; i < list.size(); ++i) {
        const std::string from = kind + "_keys_" + std::to_string(list[i]);
        db_.exec(("INSERT OR IGNORE INTO " + into + " SELECT key, " + value_column(kind) +
                  " FROM " + from)
                     .c_str());
        db_.exec(("DROP TABLE " + from).c_str());
        Stmt(db_, "DELETE FROM key_runs WHERE kind = ? AND run = ?")
            .bind(1, kind)
            .bind(2, list[i])
            .run();
        total += rows[i];
    }
    Stmt(db_, "UPDATE key_runs SET rows = ? WHERE kind = ? AND run = ?")
        .bind(1, total)
        .bind(2, kind)
        .bind(3, list[first])
        .run();
    list.resize(first + 1);
}

std::vector<KeyTables::Pair> KeyTables::lookup(const std::string& kind,
                                               std::span<const std::int64_t> keys,
                                               std::uint32_t newest) const {
    // One statement asks every table (the main one and each run): a night's millions of
    // lookups pay SQLite's per-statement cost once per key, not once per key and table.
    const std::string second = value_column(kind);
    std::string sql;
    for (const std::string& table : tables(kind)) {
        sql += (sql.empty() ? "SELECT * FROM (SELECT " : " UNION ALL SELECT * FROM (SELECT ") +
               second + " FROM " + table + " WHERE key = ?1 ORDER BY " + second + " DESC LIMIT ?2)";
    }
    Stmt bucket(db_, sql.c_str());
    std::vector<Pair> out;
    std::vector<std::int64_t> found;
    for (const std::int64_t k : keys) {
        found.clear();
        bucket.bind(1, k).bind(2, std::int64_t{newest});
        while (bucket.step())
            found.push_back(bucket.i64(0));
        bucket.reset();
        std::sort(found.begin(), found.end(), std::greater<>());
        found.erase(std::unique(found.begin(), found.end()), found.end());
        if (found.size() > newest)
            found.resize(newest);
        for (const std::int64_t v : found)
            out.emplace_back(k, v);
    }
    return out;
}

void KeyTables::erase(const std::string& kind, std::span<const Pair> pairs) {
    if (pairs.empty())
        return;
    for (const std::string& table : tables(kind)) {
        Stmt del(
            db_,
            ("DELETE FROM " + table + " WHERE key = ? AND " + value_column(kind) + " = ?").c_str());
        for (const auto& [key, value] : pairs)
            del.bind(1, key).bind(2, value).run();
    }
}

void KeyTables::erase_unheld_story_keys() {
    for (const std::string& table : tables("story")) {
        // Keys carry the group's id of their night, docs their stored ids: both are compared
        // as current ids (an alias's target).
        db_.exec(("DELETE FROM " + table + " WHERE " + current_id_sql("near", table) +
                  " NOT IN (SELECT " + current_id_sql("near", "docs") + " FROM docs)")
                     .c_str());
    }
}

std::pair<std::int64_t, std::int64_t> KeyTables::count_near() const {
    std::int64_t keys = 0;
    std::int64_t orphans = 0;
    for (const std::string& table : tables("near")) {
        Stmt q(db_,
               ("SELECT count(*), (SELECT count(*) FROM " + table +
                " k WHERE NOT EXISTS (SELECT 1 FROM docs d WHERE d.seq = k.seq)) FROM " + table)
                   .c_str());
        q.step();
        keys += q.i64(0);
        orphans += q.i64(1);
    }
    return {keys, orphans};
}

}  // namespace detail
}  // namespace neardup
