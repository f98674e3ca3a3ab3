#include <doctest/doctest.h>

#include "../support/support.hpp"
#include "neardup/core/error.hpp"
#include "neardup/store/index.hpp"
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

}  // namespace

TEST_SUITE("store") {
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

    TEST_CASE("majority ids: homes keep their ids, bridges keep the oldest, splits get fresh ids") {
        // Held: 0,1 story 4; 2,3 story 2; 4,5,6 story 9. New run: {0,1,2,3,7} {4,5} {6,8} {9}.
        const Clustering c = clustering_of(10, {{0, 1}, {1, 2}, {2, 3}, {3, 7}, {4, 5}, {6, 8}});
        const std::vector<std::uint64_t> held{4, 4, 2, 2, 9, 9, 9};
        const RelabeledIds r = assign_majority_ids(c, held, 20);
        CHECK(r.ids.id_of_group[c.group_of[0]] == 2);   // 2 and 4 bridged: the older survives
        CHECK(r.ids.id_of_group[c.group_of[4]] == 9);   // 9's home keeps 9
        CHECK(r.ids.id_of_group[c.group_of[6]] == 20);  // split-off part: fresh id
        CHECK(r.ids.id_of_group[c.group_of[9]] == 21);
        REQUIRE(r.ids.merges.size() == 1);
        CHECK(r.ids.merges[0].alias == 4);
        CHECK(r.ids.merges[0].target == 2);
        CHECK(r.changed == std::vector<std::size_t>{0, 1, 6});
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
                           "https://a.example/1"},
                          sig_a,
                          terms_a});
            store.insert({{"b", "src:2", std::nullopt, 1800000001, 7, 2, 1, std::nullopt, "", ""},
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
        const HeldDocuments recent = reader.load(1750000000, 4);  // "a" is dated 1700000000
        CHECK(recent.ids == std::vector<std::string>{"b"});
        CHECK(recent.other_ids == std::vector<std::string>{"a"});
        const std::vector<IndexRow> rows = reader.rows();
        REQUIRE(rows.size() == 2);
        CHECK(rows[0].title == "Title A");
        CHECK(rows[0].url == "https://a.example/1");
        CHECK(rows[1].title.empty());
    }

    TEST_CASE("runs are recorded with their rows; remove deletes; text hashes round-trip") {
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
                {{"a", "s", std::nullopt, 0, 1, 1, 1, 0xFEDCBA9876543210ULL, "", ""}, sig, {}});
            store.insert({{"b", "s", std::nullopt, 0, 1, 2, 2, std::nullopt, "", ""}, sig, {}});
            const std::vector<RunRow> rows{
                {"a", 1, 1, true, 1.0F, "f:1", "", "", std::nullopt, "", "", "new-story"},
                {"b", 2, 2, false, 0.8125F, "f:2", "x\ty", "z", 1700000000, "Title", "https://b",
                 "drop"}};
            CHECK(store.record_run({0, 10, 20, "in1\tin2", 2, 0, 1}, rows) == 1);
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
        const auto rows = store.run_rows(1);
        REQUIRE(rows.size() == 2);
        CHECK(rows[1].matched_near == "x\ty");
        CHECK(rows[1].date == 1700000000);
        CHECK(rows[1].title == "Title");
        CHECK(rows[1].url == "https://b");
        CHECK(rows[1].action == "drop");
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

    TEST_CASE("an uncommitted batch leaves the index as it was") {
        test::TempDir dir;
        const std::string path = (dir.path() / "i.db").string();
        const std::vector<SigValue> sig{1, 2};
        {
            IndexStore store(path, IndexStore::Mode::kWrite, false);
            store.check_settings({{"num_perm", "2"}, {"bands", "2"}, {"rows", "1"}});
            store.insert({{"a", "s", std::nullopt, 0, 1, 1, 1, std::nullopt, "", ""}, sig, {}});
            store.commit();
        }
        {
            IndexStore store(path, IndexStore::Mode::kWrite, false);
            store.insert({{"b", "s", std::nullopt, 0, 1, 2, 2, std::nullopt, "", ""}, sig, {}});
            // destroyed without commit
        }
        IndexStore store(path, IndexStore::Mode::kRead, false);
        CHECK(store.stats().docs == 1);
    }

    TEST_CASE("different settings are refused; a bad blob is a format error") {
        test::TempDir dir;
        const std::string path = (dir.path() / "i.db").string();
        {
            IndexStore store(path, IndexStore::Mode::kWrite, false);
            store.check_settings({{"num_perm", "2"}, {"bands", "2"}, {"rows", "1"}});
            const std::vector<SigValue> short_sig{1};
            store.insert(
                {{"a", "s", std::nullopt, 0, 1, 1, 1, std::nullopt, "", ""}, short_sig, {}});
            store.commit();
        }
        IndexStore store(path, IndexStore::Mode::kRead, false);
        CHECK_THROWS_AS(store.check_settings({{"num_perm", "4"}, {"bands", "2"}, {"rows", "1"}}), ConfigError);
        CHECK_THROWS_AS((void)store.load(std::nullopt, 2), FormatError);
        CHECK_FALSE(store.check().empty());
    }
}
