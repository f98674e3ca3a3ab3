#include "neardup/story/story.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "neardup/pipeline/pipeline.hpp"
#include "neardup/story/terms.hpp"
#include "neardup/story/weights.hpp"

using namespace neardup;

namespace {

bool has_term(const std::vector<TermCode>& terms, std::string_view word, bool caps) {
    const TermCode want = make_term_code(word, caps);
    return std::find(terms.begin(), terms.end(), want) != terms.end();
}

}  // namespace

TEST_SUITE("story") {
    TEST_CASE("story terms: hashes alike in their low bits (one long probe run)") {
        // Crafted token hashes whose term hashes share their low 12 bits: all words share one
        // home slot of the seen-words table, which must still keep every word, its first-use
        // order and the caps flag of a later use.
        std::string text;
        std::vector<TokenSpan> tokens;
        std::vector<std::uint64_t> hashes;
        std::vector<std::uint8_t> flags;
        for (std::uint32_t i = 0; i < 40; ++i) {
            const std::uint32_t begin = static_cast<std::uint32_t>(text.size());
            text += "w";
            text += static_cast<char>('a' + i % 26);
            text += static_cast<char>('a' + i / 26);
            tokens.push_back({begin, static_cast<std::uint32_t>(text.size())});
            text += ' ';
            hashes.push_back((std::uint64_t{i + 1} << 12) << 33);
            flags.push_back(0);
        }
        // every word again, the third one capitalised mid-sentence
        for (std::uint32_t i = 0; i < 40; ++i) {
            tokens.push_back(tokens[i]);
            hashes.push_back(hashes[i]);
            flags.push_back(i == 2 ? 1 : 0);
        }
        std::vector<TermCode> terms;
        story_terms_from_tokens(text, tokens, hashes, flags, terms);
        REQUIRE(terms.size() == 40);
        for (std::uint32_t i = 0; i < 40; ++i) {
            CHECK(term_hash(terms[i]) == static_cast<std::uint32_t>(hashes[i] >> 33));
            CHECK(term_caps(terms[i]) == (i == 2));
        }
    }

    TEST_CASE("story terms drop stop words and numbers and flag names mid-sentence") {
        std::vector<TermCode> terms;
        extract_story_terms(
            "Yann LeCun said on Monday that 42 researchers left Meta.\n"
            "Researchers were told to wait.",
            terms);
        CHECK(has_term(terms, "yann", false));  // sentence start: not a name signal
        CHECK(has_term(terms, "lecun", true));
        CHECK(has_term(terms, "meta", true));
        CHECK(has_term(terms, "researchers", false));
        CHECK(has_term(terms, "left", false));
        CHECK_FALSE(has_term(terms, "said", false));
        CHECK_FALSE(has_term(terms, "monday", true));
        CHECK_FALSE(has_term(terms, "42", false));
        CHECK_FALSE(has_term(terms, "that", false));
        // the terms within two words of a figure (42; Monday is a figure too) first
        const std::vector<TermCode> in_order_of_use{
            make_term_code("researchers", false), make_term_code("left", false),
            make_term_code("yann", false),        make_term_code("lecun", true),
            make_term_code("meta", true),         make_term_code("wait", false)};
        CHECK(terms == in_order_of_use);
    }

    TEST_CASE(
        "figures: numbers and ordinals are no terms, number words are, and all mark "
        "their neighbours") {
        std::vector<TermCode> terms;
        const std::size_t beside = extract_story_terms(
            "GELCO CORP 2ND QTR SHR 67 CTS VS 23 CTS. The 49ers won nine games.", terms);
        CHECK_FALSE(has_term(terms, "2nd", true));
        CHECK_FALSE(has_term(terms, "67", false));
        CHECK(has_term(terms, "49ers", false));  // a name that starts with digits
        CHECK(has_term(terms, "nine", false));   // a figure that is a word stays a term
        const std::vector<TermCode> by_figure(terms.begin(),
                                              terms.begin() + static_cast<std::ptrdiff_t>(beside));
        const auto first = [&](const char* w, bool caps) {
            return std::count(by_figure.begin(), by_figure.end(), make_term_code(w, caps)) == 1;
        };
        CHECK(first("corp", true));  // two words before 2nd
        CHECK(first("qtr", true));   // right after it
        CHECK(first("shr", true));
        CHECK(first("cts", true));
        CHECK(first("vs", true));
        CHECK(first("games", false));       // after nine
        CHECK(first("49ers", false));       // two words before nine
        CHECK_FALSE(first("gelco", true));  // three words from 2nd
    }

    TEST_CASE("terms of other languages: salted apart, German capitals are no names") {
        std::vector<TermCode> en;
        std::vector<TermCode> de;
        extract_story_terms("Die Regierung in Berlin plant neue Gesetze.", en);
        extract_story_terms("Die Regierung in Berlin plant neue Gesetze.", de,
                            TermRules::of(language_code("de")));
        REQUIRE(!de.empty());
        for (const TermCode t : de) {
            CHECK_FALSE(term_caps(t));  // every noun is capitalised in German
            CHECK(std::find_if(en.begin(), en.end(), [t](TermCode e) {
                      return term_hash(e) == term_hash(t);
                  }) == en.end());  // no German term is an English one
        }
        CHECK(has_term(en, "berlin", true));
    }

    TEST_CASE("a term capitalised anywhere mid-sentence keeps its caps flag once") {
        std::vector<TermCode> terms;
        extract_story_terms("apple fell. Shares of Apple rose.", terms);
        CHECK(has_term(terms, "apple", true));
        CHECK_FALSE(has_term(terms, "apple", false));
    }

    TEST_CASE("background weights: rare terms weigh more than common ones, names double") {
        TermWeights w = TermWeights::with_background();
        w.finalize();
        CHECK(w.documents() > 20000);
        const float common = w.weight(make_term_code("government", false));
        const float rare = w.weight(make_term_code("zuckerberg", false));
        CHECK(rare > common);
        CHECK(common > 0.0F);
        CHECK(w.weight(make_term_code("zuckerberg", true)) == doctest::Approx(2.0F * rare));
    }

    TEST_CASE("corpus counts blend with the background") {
        TermWeights w;
        w.add_table("#documents\t100\nalpha\t50\n");
        const std::vector<TermCode> doc{make_term_code("alpha", false)};
        for (int i = 0; i < 100; ++i)
            w.add_document(doc);
        w.finalize();
        CHECK(w.documents() == 200);
        // df = 50 (background) + 100 (corpus) of 200 documents.
        CHECK(w.weight(doc[0]) == doctest::Approx(std::log(201.0 / 151.0)));
    }

    TEST_CASE("weighted Jaccard") {
        std::vector<TermCode> a{make_term_code("x", false), make_term_code("y", false)};
        std::vector<TermCode> b{make_term_code("x", false), make_term_code("z", false)};
        TermWeights w;
        w.add_table("#documents\t100\nx\t9\n");
        w.finalize();
        std::vector<WeightedTerm> wa(a.size());
        std::vector<WeightedTerm> wb(b.size());
        w.weigh(a, wa);
        w.weigh(b, wb);
        const double x = std::log(101.0 / 10.0);  // idf of x; y and z are unseen
        const double unseen = std::log(101.0);
        CHECK(weighted_jaccard(wa, wb) == doctest::Approx(x / (x + 2 * unseen)).epsilon(1e-4));
        CHECK(weighted_jaccard(wa, wa) == doctest::Approx(1.0));
        CHECK(weighted_jaccard({}, wa) == doctest::Approx(0.0));
        CHECK(static_cast<double>(total_weight(wa)) / kWeightScale ==
              doctest::Approx(x + unseen).epsilon(1e-4));
        TermLookup lookup;
        lookup.assign(wa);
        CHECK(lookup.overlap(wb) == wb[0].weight);  // x, the one shared term
        std::vector<WeightedTerm> reversed(wb.rbegin(), wb.rend());
        CHECK(lookup.overlap(reversed) == lookup.overlap(wb));
    }

    TEST_CASE("complete-link does not chain through a bridge") {
        // 0-1 similar, 1-2 similar, 0-2 not: single link would give one cluster.
        const std::vector<float> sim{1.0F, 0.5F, 0.0F,  //
                                     0.5F, 1.0F, 0.4F,  //
                                     0.0F, 0.4F, 1.0F};
        const auto label = complete_link(sim, 3, 0.3);
        CHECK(label[0] == label[1]);
        CHECK(label[2] != label[0]);
        const auto loose = complete_link(sim, 3, -1.0);
        CHECK(loose[0] == loose[2]);
    }

    TEST_CASE("groups linked as one story stay one above the link threshold, not below") {
        // Three documents of ten unseen terms each: 0 and 1 share 1 term (weighted Jaccard
        // 1/19, above the link threshold 0.05, below the edge threshold 0.1), 0 and 2 none.
        std::vector<std::vector<TermCode>> terms(3);
        for (int i = 0; i < 10; ++i) {
            terms[0].push_back(make_term_code("a" + std::to_string(i), false));
            terms[1].push_back(make_term_code(i == 0 ? "a0" : "b" + std::to_string(i), false));
            terms[2].push_back(make_term_code("c" + std::to_string(i), false));
        }
        TermWeights w;
        w.add_table("#documents\t100\n");  // every term unseen: one weight
        w.finalize();
        const std::vector<DocId> which{0, 1, 2};
        const WeightedDocs docs = weigh_documents(terms, which, w);
        UnionFind uf(3);
        const std::vector<std::string> ids{"0", "1", "2"};
        std::vector<RepresentativeKey> keys;
        for (const std::string& id : ids)
            keys.push_back({std::nullopt, 1, id});
        const Clustering near = make_clustering(uf, keys);
        StoryStats stats;
        const Clustering apart = cluster_stories(docs, near, StoryOptions{}, keys, stats);
        CHECK(apart.groups() == 3);
        const std::vector<std::pair<std::uint32_t, std::uint32_t>> linked{{0, 1}, {0, 2}};
        const Clustering held = cluster_stories(docs, near, StoryOptions{}, keys, stats, linked);
        CHECK(held.group_of[0] == held.group_of[1]);  // 1/19 >= 0.05: still one story
        CHECK(held.group_of[2] != held.group_of[0]);  // nothing shared: not held together
    }

    TEST_CASE("the seed pair shares a story, and unrelated articles do not join it") {
        ScanConfig cfg;
        const std::string corpus = NEARDUP_CORPUS_DIR;
        const ScanResult r =
            run_scan(cfg, collect_inputs({corpus + "/seeds", corpus + "/articles"}));
        REQUIRE(r.docs.size() == 8);
        std::uint32_t seed_story = 0xFFFFFFFF;
        std::size_t in_seed_story = 0;
        for (std::size_t i = 0; i < r.docs.size(); ++i) {
            if (r.docs[i].id.rfind("00", 0) == 0) {
                if (seed_story == 0xFFFFFFFF)
                    seed_story = r.story.group_of[i];
                CHECK(r.story.group_of[i] == seed_story);
            }
        }
        for (std::uint32_t s : r.story.group_of)
            in_seed_story += s == seed_story ? 1 : 0;
        CHECK(in_seed_story == 2);
        CHECK(r.near.groups() == 8);
        CHECK(r.story.groups() == 7);
    }
}
