// A night of the index without the CLI: run_night(), night_rows(), store_night().
#include "neardup/pipeline/night.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "../support/support.hpp"
#include "neardup/io/input.hpp"
#include "neardup/lsh/params.hpp"

using namespace neardup;

namespace {

/// Invented names (rare words, alike in weight), ten to a block, never repeated.
class Names {
public:
    std::vector<std::string> block(std::size_t n = 10) {
        static const char* const kSyllables[] = {"bar", "dok", "fen", "gul", "hor",  "jax", "kel",
                                                 "lom", "mup", "nir", "pov", "rast", "sil", "tov"};
        std::vector<std::string> out;
        for (std::size_t i = 0; i < n; ++i) {
            std::string w;
            for (int k = 0; k < 3; ++k) {
                state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
                w += kSyllables[(state_ >> 33) % 14];
            }
            w[0] = static_cast<char>(w[0] - 'a' + 'A');
            if (used_.insert(w).second)
                out.push_back(w);
            else
                --i;
        }
        return out;
    }

private:
    std::uint64_t state_ = 7;
    std::set<std::string> used_;
};

/// A JSONL line: the blocks' names, rotated by `shift` so no two texts are near copies,
/// between stop words.
std::string line(const std::string& id, std::size_t shift,
                 std::initializer_list<std::vector<std::string>> blocks) {
    std::vector<std::string> words;
    for (const auto& b : blocks)
        words.insert(words.end(), b.begin(), b.end());
    std::rotate(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(shift % words.size()),
                words.end());
    std::string text;
    for (std::size_t i = 0; i + 1 < words.size(); i += 2)
        text += "It is the " + words[i] + " and the " + words[i + 1] + ". ";
    return R"({"id":")" + id + R"(","date":"2026-11-20T08:00:00Z","text":")" + text + "\"}\n";
}

/// Adds the JSONL file `path` to the index as one night; returns its rows.
std::vector<RunRow> add_night(IndexStore& store, const ScanConfig& cfg, const std::string& path) {
    NightOptions options;
    options.now = 1764633600;  // 2025-12-02
    const Night night = run_night(store, cfg, collect_inputs({path}), options);
    std::vector<RunRow> rows = night_rows(night, Level::kStory);
    const RunInfo run{0, options.now, options.now, path, night.scan.docs.size() - night.scan.held,
                      0, 0,           "story"};
    (void)store_night(store, night, cfg.num_perm, run, rows, options.story_window);
    store.commit();
    return rows;
}

const RunRow& row_of(const std::vector<RunRow>& rows, const std::string& id) {
    const auto it =
        std::find_if(rows.begin(), rows.end(), [&](const RunRow& r) { return r.id == id; });
    REQUIRE(it != rows.end());
    return *it;
}

}  // namespace

TEST_SUITE("night") {
    TEST_CASE("a story that new articles pull apart splits: the larger part keeps its id") {
        test::TempDir dir;
        Names names;
        const auto p = names.block(), q = names.block(), r = names.block(), t = names.block(),
                   u = names.block(), v = names.block();
        const auto x = names.block(3);
        const std::string night1 = (dir.path() / "night1.jsonl").string();
        const std::string night2 = (dir.path() / "night2.jsonl").string();
        std::ofstream(night1) << line("A", 1, {p, q, x}) << line("B", 2, {q, r})
                              << line("C", 3, {r, t, x});
        std::ofstream(night2) << line("D", 4, {r, t, u}) << line("E", 5, {r, t, u, v});
        ScanConfig cfg;
        const LshParams lsh = choose_params(cfg.threshold, cfg.num_perm);
        const std::string db = (dir.path() / "news.db").string();
        {
            IndexStore store(db, IndexStore::Mode::kWrite, false);
            store.check_settings(index_settings(cfg, lsh));
            const std::vector<RunRow> rows = add_night(store, cfg, night1);
            REQUIRE(rows.size() == 3);
            CHECK(rows[0].story == rows[1].story);
            CHECK(rows[0].story == rows[2].story);
        }
        IndexStore store(db, IndexStore::Mode::kWrite, false);
        const std::vector<RunRow> rows = add_night(store, cfg, night2);
        REQUIRE(rows.size() == 3);  // D, E, then C's move
        const RunRow& c = row_of(rows, "C");
        CHECK(c.action == "moved");
        CHECK_FALSE(new_article(c));
        REQUIRE(c.old_story.has_value());
        CHECK(c.story != *c.old_story);
        CHECK(row_of(rows, "D").story == c.story);
        CHECK(row_of(rows, "E").story == c.story);
        CHECK(rows.back().id == "C");
        std::map<std::string, std::uint64_t> story;
        for (const IndexRow& held : store.rows())
            story[held.id] = held.story;
        CHECK(story["A"] == *c.old_story);  // A and B keep the id: the larger part
        CHECK(story["B"] == *c.old_story);
        CHECK(story["C"] == c.story);
        const auto lineage = store.lineage();
        REQUIRE(lineage.size() == 1);
        CHECK(lineage[0].second.from == *c.old_story);
        CHECK(lineage[0].second.to == c.story);
        CHECK(lineage[0].second.articles == 1);
        CHECK(night_summary(ScanResult{}, rows, true, 2).find("1 held articles moved") !=
              std::string::npos);
    }

    TEST_CASE(
        "the near window counts back from --as-of, else the batch's newest date, never "
        "from later than now") {
        constexpr std::int64_t kNow = 1'000'000, kDay = 86'400;
        NearWindow w = near_window(kDay, std::nullopt, std::nullopt, kNow);
        CHECK(w.since == kNow - kDay);
        CHECK(w.from.rfind("now", 0) == 0);
        w = near_window(kDay, std::nullopt, kNow - 5 * kDay, kNow);
        CHECK(w.end == kNow - 5 * kDay);
        CHECK(w.since == kNow - 6 * kDay);
        CHECK(w.from == "the batch's newest article");
        w = near_window(kDay, std::nullopt, kNow + 100, kNow);  // dated a little ahead
        CHECK(w.end == kNow);
        CHECK(w.from.find("dated later") != std::string::npos);
        w = near_window(kDay, kNow - 10 * kDay, kNow - 5 * kDay, kNow);
        CHECK(w.since == kNow - 11 * kDay);
        CHECK(w.from == "--as-of");
    }

    TEST_CASE("a batch added again writes its first run's rows and lists, records nothing") {
        test::TempDir dir;
        Names names;
        const auto p = names.block(), q = names.block(), r = names.block();
        const std::string night1 = (dir.path() / "night1.jsonl").string();
        const std::string night2 = (dir.path() / "night2.jsonl").string();
        std::ofstream(night1) << line("A", 1, {p, q}) << line("A2", 1, {p, q}) << line("B", 2, {r});
        std::ofstream(night2) << line("C", 3, {q, r});
        ScanConfig cfg;
        const std::string db = (dir.path() / "news.db").string();
        IndexStore store(db, IndexStore::Mode::kWrite, false);
        store.check_settings(index_settings(cfg, choose_params(cfg.threshold, cfg.num_perm)));
        const std::vector<RunRow> first = add_night(store, cfg, night1);
        REQUIRE(first.size() == 3);
        CHECK(row_of(first, "A2").action == "drop");  // a copy of A
        (void)add_night(store, cfg, night2);
        const std::vector<std::string> paths{night1};
        NightOptions options;
        options.now = 1764633600;
        const Night again = run_night(store, cfg, collect_inputs(paths), options);
        CHECK(all_held(again.scan));
        const NightOutputs out = night_outputs(store, again, Level::kStory, paths);
        CHECK(out.nothing_new);
        CHECK(out.rows.empty());
        REQUIRE(out.again.has_value());
        CHECK(out.again->run == 1);  // night 1's, not night 2's
        CHECK(run_level(*out.again, out.written()) == "story");
        REQUIRE(out.written().size() == first.size());
        for (std::size_t i = 0; i < first.size(); ++i)
            CHECK(out.written()[i].id == first[i].id);
        CHECK(out.listed_ids(false) == std::vector<std::string>{"A2"});
        CHECK(out.listed_ids(true) == std::vector<std::string>{"A", "B"});
        // Another batch (night 2's file with night 1's) is no repeat of either run.
        const std::vector<std::string> both{night1, night2};
        const Night mixed = run_night(store, cfg, collect_inputs(both), options);
        CHECK_FALSE(night_outputs(store, mixed, Level::kStory, both).again.has_value());
        RunInfo unknown = *out.again;
        unknown.level.clear();  // a run stored before runs kept their level
        CHECK(run_level(unknown, out.written()) == "story");  // read from its new-story row
    }
}
