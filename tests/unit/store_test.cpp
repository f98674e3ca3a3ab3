#include <algorithm>
#include <fstream>
#include <iterator>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include "../support/support.hpp"
#include "neardup/core/error.hpp"
#include "neardup/lsh/index.hpp"
#include "neardup/store/index.hpp"
#include "neardup/store/key_runs.hpp"
#include "neardup/store/stable_ids.hpp"

using namespace neardup;

namespace {

Clustering clustering_of(std::size_t n, std::initializer_list<std::pair<DocId, DocId>> edges) {
    UnionFind uf(n);
    for (auto [a, b] : edges)
        uf.unite(a, b);
    std::vector<RepresentativeKey> keys(n);
    return make_clustering(uf, keys);
}

/// The bytes of a file.
std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const IndexSettings kTinySettings{
    {"num_perm", "4"}, {"seed", "1"}, {"shingle", "words:5"}, {"bands", "2"}, {"rows", "2"}};

}  // namespace

TEST_SUITE("store") {
    TEST_CASE("a first write that never commits leaves an empty index, which the next one fills") {
        test::TempDir dir;
        const std::string path = (dir.path() / "i.db").string();
        {
            IndexStore store(path, IndexStore::Mode::kWrite, false);
            store.check_settings(kTinySettings);
        }  // not committed: a waiting writer may hold the file, so it stays
        REQUIRE(std::filesystem::exists(path));
        CHECK_THROWS_WITH_AS(IndexStore(path, IndexStore::Mode::kRead, false),
                             doctest::Contains("empty index"), FormatError);
        {
            IndexStore store(path, IndexStore::Mode::kWrite, false);
            CHECK(store.created());
            store.check_settings(kTinySettings);
            store.commit();
        }
        const IndexStore store(path, IndexStore::Mode::kRead, false);
        CHECK(store.num_perm() == 4);
    }

    TEST_CASE("another program's SQLite file is refused before anything is written") {
        test::TempDir dir;
        const std::string path = (dir.path() / "other.db").string();
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db, "CREATE TABLE t(x); PRAGMA user_version = 3", nullptr, nullptr,
                             nullptr) == SQLITE_OK);
        sqlite3_close(db);
        const std::string before = file_bytes(path);
        for (const auto mode : {IndexStore::Mode::kWrite, IndexStore::Mode::kRead}) {
            CHECK_THROWS_WITH_AS(IndexStore(path, mode, false),
                                 doctest::Contains("not a neardup index"), FormatError);
        }
        CHECK(file_bytes(path) == before);  // still in rollback-journal mode: no WAL switch
        CHECK_FALSE(std::filesystem::exists(path + "-wal"));
    }

    TEST_CASE("a folder is named as one") {
        test::TempDir dir;
        CHECK_THROWS_WITH_AS(IndexStore(dir.path().string(), IndexStore::Mode::kWrite, false),
                             doctest::Contains("is a folder"), IoError);
    }

    TEST_CASE("stable ids: held ids kept, new groups numbered in order, bridges merge") {
        // Docs 0-2 held with ids 5, 7, 9; docs 3-5 new. 3 joins 0; 4 bridges 1 and 2; 5 alone.
        const Clustering c = clustering_of(6, {{3, 0}, {4, 1}, {4, 2}});
        const std::vector<std::uint64_t> held{5, 7, 9};
        const StableIds ids = assign_stable_ids(c, held, 10);
        CHECK(ids.id_of_group[c.group_of[3]] == 5);
        CHECK(ids.id_of_group[c.group_of[4]] == 7);  // the older of 7 and 9 survives
        CHECK(ids.id_of_group[c.group_of[5]] == 10);
        CHECK(ids.next == 11);
        REQUIRE(ids.merges.size() == 1);
        CHECK(ids.merges[0].alias == 9);
        CHECK(ids.merges[0].target == 7);
    }

    TEST_CASE("stable ids: one old id in two groups joins their ids") {
        const Clustering c = clustering_of(4, {{0, 2}, {1, 3}});
        const std::vector<std::uint64_t> held{4, 4, 2};  // 0 and 1 share id 4, 2 has id 2
        const StableIds ids = assign_stable_ids(c, held, 8);
        CHECK(ids.id_of_group[c.group_of[0]] == 2);
        CHECK(ids.id_of_group[c.group_of[1]] == 2);
    }

    TEST_CASE("save then load gives back the same documents") {
        test::TempDir dir;
        const std::string path = (dir.path() / "i.db").string();
        const std::vector<SigValue> sig_a{1, 2, 3, 4};
        const std::vector<SigValue> sig_b{5, 6, 7, 8};
        const std::vector<TermCode> terms_a{10, 20, 31};
        {
            IndexStore store(path, IndexStore::Mode::kWrite, false);
            CHECK(store.created());
            store.check_settings({{"num_perm", "4"},
                                  {"seed", "1"},
                                  {"shingle", "words:5"},
                                  {"bands", "2"},
                                  {"rows", "2"}});
            store.insert({{"a", "src:1", 1700000000, 1800000000, 42, 1, 1, std::nullopt, "Title A",
                           "https://a.example/1", language_code("de")},
                          sig_a,
                          terms_a});
            store.insert(
                {{"b", "src:2", std::nullopt, 1800000001, 7, 2, 1, std::nullopt, "", "", kEnglish},
                 sig_b,
                 {}});
            store.set_next_id("near", 3);
            store.commit();
        }
        const IndexStore store(path, IndexStore::Mode::kRead, false);
        CHECK(store.next_id("near") == 3);
        CHECK(store.next_id("story") == 1);
        CHECK(store.check().empty());
        IndexStore reader(path, IndexStore::Mode::kRead, false);
        const HeldDocuments held = reader.load(std::nullopt, 4);
        REQUIRE(held.size() == 2);
        CHECK(held.ids == std::vector<std::string>{"a", "b"});
        CHECK(held.dates[0] == 1700000000);
        CHECK_FALSE(held.dates[1].has_value());
        CHECK(held.near == std::vector<std::uint64_t>{1, 2});
        CHECK(held.signatures == std::vector<SigValue>{1, 2, 3, 4, 5, 6, 7, 8});
        CHECK(held.terms[0] == terms_a);
        CHECK(held.terms[1].empty());
        CHECK(held.langs == std::vector<LangCode>{language_code("de"), kEnglish});
        const HeldDocuments recent = reader.load(1750000000, 4);  // "a" is dated 1700000000
        CHECK(recent.ids == std::vector<std::string>{"b"});
        CHECK(recent.other_ids == std::vector<std::string>{"a"});
        const std::vector<IndexRow> rows = reader.rows();
        REQUIRE(rows.size() == 2);
        CHECK(rows[0].title == "Title A");
        CHECK(rows[0].url == "https://a.example/1");
        CHECK(rows[1].title.empty());
        CHECK(rows[0].lang == language_code("de"));
        CHECK(rows[1].lang == kEnglish);
    }

    TEST_CASE("runs are recorded with their rows, remove deletes, text hashes round-trip") {
        test::TempDir dir;
        const std::string path = (dir.path() / "i.db").string();
        const std::vector<SigValue> sig{1, 2, 3, 4};
        {
            IndexStore store(path, IndexStore::Mode::kWrite, false);
            store.check_settings({{"num_perm", "4"},
                                  {"seed", "1"},
                                  {"shingle", "words:5"},
                                  {"bands", "2"},
                                  {"rows", "2"}});
            store.insert(
                {{"a", "s", std::nullopt, 0, 1, 1, 1, 0xFEDCBA9876543210ULL, "", "", kEnglish},
                 sig,
                 {}});
            store.insert(
                {{"b", "s", std::nullopt, 0, 1, 2, 2, std::nullopt, "", "", kEnglish}, sig, {}});
            const std::vector<RunRow> rows{
                {"a", 1, 1, true, 1.0F, "f:1", "", "", std::nullopt, "", "", "new-story", "en",
                 std::nullopt},
                {"b", 2, 2, false, 0.8125F, "f:2", "x\ty", "z", 1700000000, "Title", "https://b",
                 "drop", "fr", std::nullopt},
                {"c", 3, 5, false, 1.0F, "f:3", "", "a", std::nullopt, "", "", "moved", "en", 4}};
            CHECK(store.record_run({0, 10, 20, "in1\tin2", 2, 0, 1, "story"}, rows) == 1);
            const std::vector<StoryLineage> lineage{{4, 5, 1}, {4, 6, 2}};
            store.record_lineage(1, lineage);
            CHECK(store.remove("b"));
            CHECK_FALSE(store.remove("nobody"));
            store.commit();
        }
        const IndexStore store(path, IndexStore::Mode::kRead, false);
        const auto runs = store.runs();
        REQUIRE(runs.size() == 1);
        CHECK(runs[0].run == 1);
        CHECK(runs[0].inputs == "in1\tin2");
        CHECK(runs[0].skipped == 1);
        CHECK(runs[0].level == "story");
        const auto rows = store.run_rows(1);
        REQUIRE(rows.size() == 3);
        CHECK_FALSE(rows[0].old_story.has_value());
        CHECK(rows[2].action == "moved");
        CHECK(rows[2].old_story == 4);
        const auto lineage = store.lineage();
        REQUIRE(lineage.size() == 2);
        CHECK(lineage[1].first == 1);
        CHECK(lineage[1].second.from == 4);
        CHECK(lineage[1].second.to == 6);
        CHECK(lineage[1].second.articles == 2);
        CHECK(rows[1].matched_near == "x\ty");
        CHECK(rows[1].date == 1700000000);
        CHECK(rows[1].title == "Title");
        CHECK(rows[1].url == "https://b");
        CHECK(rows[1].action == "drop");
        CHECK(rows[0].lang == "en");
        CHECK(rows[1].lang == "fr");
        CHECK_FALSE(rows[0].date.has_value());
        CHECK(rows[1].similarity == 0.8125F);
        CHECK(rows[0].representative);
        CHECK_THROWS_AS((void)store.run_rows(2), IoError);
        IndexStore reader(path, IndexStore::Mode::kRead, false);
        const HeldDocuments held = reader.load(std::nullopt, 4);
        REQUIRE(held.size() == 1);
        CHECK(held.text_hashes[0] == 0xFEDCBA9876543210ULL);
        CHECK(store.check().empty());
    }

    TEST_CASE("v6 -> v7: languages stored, NULL read as English, counts per language") {
        test::TempDir dir;
        const std::string path = (dir.path() / "i.db").string();
        const std::vector<SigValue> sig{1, 2, 3, 4};
        const std::vector<TermCode> terms{10, 20};
        const LangCode de = language_code("de");
        {  // a v7 index, made a v6 one below (what a v6 neardup left)
            IndexStore store(path, IndexStore::Mode::kWrite, false);
            store.check_settings(kTinySettings);
            store.insert({{"a", "s", 1000, 0, 1, 1, 1, 11, "", "", kEnglish}, sig, terms});
            store.insert({{"b", "s", 1000, 0, 1, 2, 2, 12, "", "", de}, sig, terms});
            store.add_term_df(
                std::vector<std::pair<std::uint32_t, std::int64_t>>{{5, 2}},
                std::vector<std::pair<LangCode, std::int64_t>>{{kEnglish, 1}, {de, 1}});
            const std::vector<RunRow> rows{{"a", 1, 1, true, 1.0F, "f:1", "", "", std::nullopt, "",
                                            "", "new-story", "en", std::nullopt}};
            (void)store.record_run({0, 10, 20, "in", 2, 0, 0, "near"}, rows);
            store.commit();
            CHECK(store.story_documents() == 2);
            CHECK(store.story_documents_by_language() ==
                  std::vector<std::pair<LangCode, std::uint64_t>>{{de, 1}, {kEnglish, 1}});
        }
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db,
                             "DROP VIEW articles; ALTER TABLE docs DROP COLUMN lang; "
                             "ALTER TABLE run_rows DROP COLUMN lang; ALTER TABLE run_rows DROP "
                             "COLUMN old_story; "
                             "DROP TABLE story_lineage; "
                             "ALTER TABLE docs DROP COLUMN site; ALTER TABLE docs DROP COLUMN "
                             "beside; DROP TABLE template_sites; DROP TABLE template_terms; "
                             "DELETE FROM settings WHERE key GLOB 'state_story_documents_*'; "
                             "CREATE VIEW articles AS SELECT seq, id, source, date, added, length, "
                             "near, story, text_hash, title, url FROM docs; "
                             "PRAGMA user_version = 6",
                             nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
        const auto english_only = std::vector<std::pair<LangCode, std::uint64_t>>{{kEnglish, 2}};
        {  // read before any writer upgrades it: every document English
            const IndexStore store(path, IndexStore::Mode::kRead, false);
            CHECK(store.story_documents_by_language() == english_only);
            for (const IndexRow& row : store.rows())
                CHECK_FALSE(row.lang.has_value());
            CHECK(store.run_rows(1).at(0).lang == "en");
            const std::vector<std::uint64_t> story{2};
            CHECK(store.members("story", story, std::nullopt).at(0).lang == kEnglish);
            CHECK(store.check().empty());
        }
        {  // the first writer upgrades: NULL stays NULL, counted so far = English
            IndexStore store(path, IndexStore::Mode::kWrite, false);
            store.check_settings(kTinySettings);
            CHECK(store.check().empty());
            CHECK(store.story_documents_by_language() == english_only);
            const HeldDocuments held = store.load(std::nullopt, 4);
            CHECK(held.langs == std::vector<LangCode>{kEnglish, kEnglish});
            store.insert({{"c", "s", 1000, 0, 1, 3, 3, 13, "", "", de}, sig, terms});
            store.add_term_df({}, std::vector<std::pair<LangCode, std::int64_t>>{{de, 1}});
            const std::vector<RunRow> rows{{"c", 3, 3, true, 1.0F, "f:1", "", "", std::nullopt, "",
                                            "", "new-story", "de", std::nullopt}};
            CHECK(store.record_run({0, 30, 40, "in", 1, 0, 0, "near"}, rows) == 2);
            store.commit();
        }
        const IndexStore store(path, IndexStore::Mode::kRead, false);
        CHECK(store.check().empty());
        const std::vector<IndexRow> rows = store.rows();
        REQUIRE(rows.size() == 3);
        CHECK_FALSE(rows[0].lang.has_value());
        CHECK_FALSE(rows[1].lang.has_value());  // "b" was German, but v6 did not say so
        CHECK(rows[2].lang == de);
        CHECK(store.run_rows(1).at(0).lang == "en");
        CHECK(store.run_rows(2).at(0).lang == "de");
        CHECK(store.story_documents() == 3);
        CHECK(store.story_documents_by_language() ==
              std::vector<std::pair<LangCode, std::uint64_t>>{{de, 1}, {kEnglish, 2}});
        const std::vector<std::uint64_t> story{3};
        CHECK(store.members("story", story, std::nullopt).at(0).lang == de);
        sqlite3* check = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &check) == SQLITE_OK);
        sqlite3_stmt* q = nullptr;
        REQUIRE(sqlite3_prepare_v2(check, "SELECT count(lang) FROM articles", -1, &q, nullptr) ==
                SQLITE_OK);
        REQUIRE(sqlite3_step(q) == SQLITE_ROW);
        CHECK(sqlite3_column_int64(q, 0) == 1);  // the view has the column; c's is set
        sqlite3_finalize(q);
        // Counts that do not add up are damage 'index check' names.
        REQUIRE(sqlite3_exec(check,
                             "UPDATE settings SET value = '5' WHERE key = "
                             "'state_story_documents_de'",
                             nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(check);
        const IndexStore damaged(path, IndexStore::Mode::kRead, false);
        const std::vector<std::string> problems = damaged.check();
        REQUIRE(problems.size() == 1);
        CHECK(problems[0].find("add up to 7") != std::string::npos);
    }

    TEST_CASE("key tables: a night reads only what its keys lead to, removes and prunes clean up") {
        test::TempDir dir;
        const std::string path = (dir.path() / "i.db").string();
        const IndexSettings settings{{"num_perm", "4"},
                                     {"seed", "1"},
                                     {"shingle", "words:5"},
                                     {"bands", "2"},
                                     {"rows", "2"}};
        const std::vector<SigValue> sig_a{1, 2, 3, 4};
        const std::vector<SigValue> sig_b{1, 2, 9, 9};  // shares band 0 with a
        const std::vector<SigValue> sig_c{7, 7, 7, 7};
        const std::vector<SigValue> sig_d{8, 8, 3, 4};  // shares band 1 with a, outside the window
        const std::vector<TermCode> terms{10, 20};
        {
            IndexStore store(path, IndexStore::Mode::kWrite, false);
            store.check_settings(settings);
            store.insert({{"a", "s", 1000, 0, 1, 1, 1, 11, "", "", kEnglish}, sig_a, terms});
            store.insert(
                {{"b", "s", 1000, 0, 1, 1, 1, 12, "", "", kEnglish}, sig_b, terms});  // a's group
            store.insert({{"c", "s", 1000, 0, 1, 2, 2, 13, "", "", kEnglish}, sig_c, terms});
            store.insert(
                {{"d", "s", 10, 0, 1, 3, 3, std::nullopt, "", "", kEnglish}, sig_d, terms});
            const std::vector<std::uint64_t> key_a{100, 200};
            store.add_story_keys(1, key_a);
            store.add_story_keys(2, std::vector<std::uint64_t>{200});
            store.add_term_df(std::vector<std::pair<std::uint32_t, std::int64_t>>{{5, 2}, {6, 1}},
                              std::vector<std::pair<LangCode, std::int64_t>>{{kEnglish, 3}});
            store.commit();
        }
        {
            IndexStore store(path, IndexStore::Mode::kWrite, false);
            store.check_settings(settings);
            CHECK(store.check().empty());
            // A query signature equal to a: a's and d's buckets; b comes with a's group.
            std::vector<std::uint64_t> keys(2);
            band_keys(sig_a, {2, 2}, keys);
            HeldDocuments found = store.near_groups(keys, 4, std::nullopt, 512);
            CHECK(found.ids == std::vector<std::string>{"a", "b", "d"});
            found = store.near_groups(keys, 4, 500, 512);  // d is dated 10: outside
            CHECK(found.ids == std::vector<std::string>{"a", "b"});
            CHECK(found.near == std::vector<std::uint64_t>{1, 1});
            CHECK(found.signatures.size() == 8);
            CHECK(store.near_groups(keys, 4, std::nullopt, 1).ids.size() == 3);  // b via a's group
            CHECK(store.held_text_hash("a") ==
                  std::optional<std::optional<std::uint64_t>>(std::in_place, 11));
            const auto d_hash = store.held_text_hash("d");  // held, stored without a hash
            REQUIRE(d_hash.has_value());
            CHECK_FALSE(d_hash->has_value());
            CHECK_FALSE(store.held_text_hash("zz").has_value());
            // Story keys: bucket entries, aliases lead to survivors, members by story.
            const std::vector<std::int64_t> wanted{IndexStore::stored_key(200)};
            const auto entries = store.story_bucket_entries(wanted, 32);
            REQUIRE(entries.size() == 2);
            CHECK(entries[0].second == 2);  // newest (largest near id) first
            CHECK(store.story_bucket_entries(wanted, 1).size() == 1);
            store.merge("near", 2, 1, 0);
            CHECK(store.resolve_alias("near", 2) == 1);
            CHECK(store.resolve_alias("near", 7) == 7);
            const std::vector<std::uint64_t> story{1};
            const std::vector<HeldMember> members = store.members("story", story, std::nullopt);
            REQUIRE(members.size() == 2);
            CHECK(members[0].id == "a");
            CHECK(members[1].terms == terms);
            CHECK(store.first_member("story", 1) == "a");
            CHECK(store.first_member("near", 9).empty());
            std::uint64_t df5 = 0;
            store.for_each_term_df([&](std::uint32_t t, std::uint32_t df) {
                if (t == 5)
                    df5 = df;
            });
            CHECK(df5 == 2);
            CHECK(store.story_documents() == 3);
            // A merge rewrites no member: readers see current ids through the aliases, and an
            // alias of an alias is pointed at the survivor (one step resolves).
            const std::vector<std::uint64_t> near1{1};
            const std::vector<HeldMember> group = store.members("near", near1, std::nullopt);
            REQUIRE(group.size() == 3);  // a, b and c (stored with near 2)
            CHECK(group[2].id == "c");
            CHECK(group[2].near == 1);
            store.merge("story", 3, 2, 0);
            store.merge("story", 2, 1, 0);
            CHECK(store.resolve_alias("story", 3) == 1);
            CHECK(store.members("story", story, std::nullopt).size() == 4);
            CHECK(store.first_member("story", 1) == "a");
            CHECK(store.stats().near_groups == 2);  // {a, b, c}, {d}
            CHECK(store.stats().stories == 1);
            for (const IndexRow& row : store.rows())
                CHECK(row.story == 1);
            CHECK(store.check().empty());
            // A removed or pruned document's near keys go with it.
            CHECK(store.remove("c"));
            CHECK(store.prune(500) == 1);  // d
            store.commit();
        }
        IndexStore store(path, IndexStore::Mode::kRead, false);
        CHECK(store.check().empty());
        std::vector<std::uint64_t> keys(2);
        band_keys(sig_d, {2, 2}, keys);
        // a shares band 1 with d; b, of a's group, is neither its representative nor its first
        CHECK(store.near_groups(keys, 4, std::nullopt, 512).ids == std::vector<std::string>{"a"});
        band_keys(sig_c, {2, 2}, keys);
        CHECK(store.near_groups(keys, 4, std::nullopt, 512).ids.empty());
    }

    TEST_CASE("key runs: each night's merge is bounded by its own rows, runs stay few") {
        // Simulated nights: the runs' rows as the store keeps them (oldest first).
        const auto nights = [](const std::vector<std::uint64_t>& sizes) {
            std::vector<std::uint64_t> rows;
            std::size_t most_runs = 0;
            for (const std::uint64_t tonight : sizes) {
                rows.push_back(tonight);
                const std::size_t k = runs_to_merge(rows);
                REQUIRE(k >= 1);
                REQUIRE(k <= rows.size());
                if (k >= 2) {
                    const std::size_t first = rows.size() - k;
                    std::uint64_t merged = 0;
                    for (std::size_t i = first; i < rows.size(); ++i)
                        merged += rows[i];
                    // The merged run (all a night inserts into, or reads) stays within the cap;
                    // its oldest run is no larger than the newer ones together.
                    CHECK(merged <= std::max(kMergeFactor * tonight, kMergeFloor));
                    CHECK(rows[first] <= merged - rows[first]);
                    rows.resize(first);
                    rows.push_back(merged);
                }
                most_runs = std::max(most_runs, rows.size());
            }
            return most_runs;
        };
        // 90 equal nights of 2 million keys: nights / 16 + a binary counter's few.
        CHECK(nights(std::vector<std::uint64_t>(90, 2'000'000)) <= 10);
        // 1,000 nights of 100 keys merge up to the floor: a few dozen runs, not 1,000.
        CHECK(nights(std::vector<std::uint64_t>(1000, 100)) <= 12);
        // Varying nights, a huge one among small ones: never a merge past the bound.
        std::vector<std::uint64_t> varied;
        for (std::uint64_t i = 0; i < 200; ++i)
            varied.push_back(i == 50 ? 50'000'000 : 1'000 + (i * 7'919) % 3'000'000);
        CHECK(nights(varied) <= 40);
        CHECK(runs_to_merge(std::vector<std::uint64_t>{5}) == 1);
        CHECK(runs_to_merge(std::vector<std::uint64_t>{10, 4, 4}) == 2);  // 10 > 8: kept
        CHECK(runs_to_merge(std::vector<std::uint64_t>{8, 4, 4}) == 3);
    }

    TEST_CASE("key runs: many nights' story keys all found, in few tables, index check clean") {
        test::TempDir dir;
        const std::string path = (dir.path() / "i.db").string();
        constexpr std::int64_t kNights = 40;
        for (std::int64_t night = 0; night < kNights; ++night) {
            IndexStore store(path, IndexStore::Mode::kWrite, false);
            store.check_settings(kTinySettings);
            std::vector<std::pair<std::int64_t, std::int64_t>> keys;
            for (std::int64_t k = 0; k < 50 + night; ++k)  // key k * 1000 + night, group night
                keys.emplace_back(k * 1000 + night, night + 1);
            store.write_story_keys(keys);
            store.commit();
        }
        IndexStore store(path, IndexStore::Mode::kRead, false);
        std::vector<std::int64_t> wanted;
        for (std::int64_t night = 0; night < kNights; ++night)
            wanted.push_back(7 * 1000 + night);
        const auto entries = store.story_bucket_entries(wanted, 8);
        REQUIRE(entries.size() == kNights);
        for (std::int64_t night = 0; night < kNights; ++night)
            CHECK(entries[static_cast<std::size_t>(night)].second ==
                  static_cast<std::uint64_t>(night + 1));
        CHECK(store.story_bucket_entries(std::vector<std::int64_t>{88'039}, 8).size() == 1);
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        sqlite3_stmt* q = nullptr;
        REQUIRE(sqlite3_prepare_v2(db,
                                   "SELECT (SELECT count(*) FROM sqlite_master WHERE type = "
                                   "'table' AND name LIKE 'story_keys_%'), (SELECT count(*) FROM "
                                   "key_runs), (SELECT sum(rows) FROM key_runs)",
                                   -1, &q, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_step(q) == SQLITE_ROW);
        const std::int64_t tables = sqlite3_column_int64(q, 0);
        CHECK(tables >= 2);  // merged, and not all into one
        CHECK(tables <= 7);  // 39 runs as a binary counter carries them
        CHECK(sqlite3_column_int64(q, 1) == tables);
        CHECK(sqlite3_column_int64(q, 2) == (kNights - 1) * 50 + kNights * (kNights - 1) / 2);
        sqlite3_finalize(q);
        sqlite3_close(db);
        CHECK(store.check().empty());
    }

    TEST_CASE("an uncommitted batch leaves the index as it was") {
        test::TempDir dir;
        const std::string path = (dir.path() / "i.db").string();
        const std::vector<SigValue> sig{1, 2};
        {
            IndexStore store(path, IndexStore::Mode::kWrite, false);
            store.check_settings({{"num_perm", "2"}, {"bands", "2"}, {"rows", "1"}});
            store.insert(
                {{"a", "s", std::nullopt, 0, 1, 1, 1, std::nullopt, "", "", kEnglish}, sig, {}});
            store.commit();
        }
        {
            IndexStore store(path, IndexStore::Mode::kWrite, false);
            store.insert(
                {{"b", "s", std::nullopt, 0, 1, 2, 2, std::nullopt, "", "", kEnglish}, sig, {}});
            // destroyed without commit
        }
        IndexStore store(path, IndexStore::Mode::kRead, false);
        CHECK(store.stats().docs == 1);
    }

    TEST_CASE("different settings are refused, a bad blob is a format error") {
        test::TempDir dir;
        const std::string path = (dir.path() / "i.db").string();
        {
            IndexStore store(path, IndexStore::Mode::kWrite, false);
            store.check_settings({{"num_perm", "2"}, {"bands", "2"}, {"rows", "1"}});
            const std::vector<SigValue> short_sig{1};
            store.insert({{"a", "s", std::nullopt, 0, 1, 1, 1, std::nullopt, "", "", kEnglish},
                          short_sig,
                          {}});
            store.commit();
        }
        IndexStore store(path, IndexStore::Mode::kRead, false);
        CHECK_THROWS_AS(store.check_settings({{"num_perm", "4"}, {"bands", "2"}, {"rows", "1"}}),
                        ConfigError);
        CHECK_THROWS_AS((void)store.load(std::nullopt, 2), FormatError);
        CHECK_FALSE(store.check().empty());
    }
}
