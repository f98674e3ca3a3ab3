#include "neardup/pipeline/explain.hpp"

#include <random>
#include <string>

#include <doctest/doctest.h>

#include "../support/support.hpp"

using namespace neardup;

namespace {

TermWeights weights_for(const std::string& a, const std::string& b) {
    TermWeights w = TermWeights::with_background();
    w.add_document(story_terms_of(a, {}));
    w.add_document(story_terms_of(b, {}));
    w.finalize();
    return w;
}

}  // namespace

TEST_SUITE("explain") {
    TEST_CASE("a copy: every band collides, the whole text is one shared passage") {
        std::mt19937_64 rng(3);
        const std::string a = test::random_text(rng, 120);
        const ScanConfig cfg;
        const PairExplanation e = explain_pair(a, a, cfg, weights_for(a, a));
        CHECK(e.exact == doctest::Approx(1.0));
        CHECK(e.estimated == doctest::Approx(1.0));
        CHECK(e.bands.size() == e.lsh.bands);
        CHECK(e.near);
        REQUIRE(e.passages.size() == 1);
        CHECK(e.passages[0].words == 120);
        CHECK(e.weighted == doctest::Approx(1.0));
    }

    TEST_CASE("the same text read as two languages shares no story term") {
        std::mt19937_64 rng(5);
        const std::string a = test::random_text(rng, 120);
        const LangCode de = language_code("de");
        TermWeights w = TermWeights::with_background();
        w.add_document(story_terms_of(a, {}, de), de);
        w.add_document(story_terms_of(a, {}), kEnglish);
        w.finalize();
        const PairExplanation e = explain_pair(a, a, ScanConfig{}, w, 3, 15, de, kEnglish);
        CHECK(e.near);  // the near level reads text, not languages
        CHECK(e.weighted == doctest::Approx(0.0));
        CHECK(e.lang_a == de);
        CHECK_FALSE(e.weighable_a);  // two German articles are not enough to weigh German
        CHECK(e.weighable_b);
    }

    TEST_CASE("an edited copy shares long passages, an unrelated text shares nothing") {
        std::mt19937_64 rng(4);
        const std::string a = test::random_text(rng, 200);
        const std::string edited = test::mutate_words(rng, a, 0.02);
        const std::string other = test::random_text(rng, 200);
        const ScanConfig cfg;
        const PairExplanation near = explain_pair(a, edited, cfg, weights_for(a, edited));
        CHECK(near.exact > 0.8);
        CHECK_FALSE(near.passages.empty());
        CHECK(near.passages.front().words >= near.passages.back().words);
        CHECK(near.shingles_shared > 0);
        const PairExplanation far = explain_pair(a, other, cfg, weights_for(a, other));
        CHECK(far.bands.empty());
        CHECK_FALSE(far.near);
        CHECK(far.passages.empty());
        CHECK(far.exact < 0.05);
    }

    TEST_CASE("a rewrite: no shingles in common, shared terms carry the story") {
        const std::string a =
            "Yann LeCun said Meta's new chief Alexandr Wang is inexperienced, in an interview "
            "with the Financial Times about the Llama models and Mark Zuckerberg.";
        const std::string b =
            "Former Meta scientist LeCun called Alexandr Wang young and inexperienced and "
            "predicted more departures; Zuckerberg hired Wang to lead superintelligence work.";
        const PairExplanation e = explain_pair(a, b, ScanConfig{}, weights_for(a, b));
        CHECK(e.exact < 0.1);
        CHECK(e.weighted > 0.1);
        REQUIRE(!e.shared_terms.empty());
        bool lecun = false;
        for (const SharedTerm& t : e.shared_terms)
            lecun = lecun || (t.term == "lecun" && t.name);
        CHECK(lecun);
        for (std::size_t i = 1; i < e.shared_terms.size(); ++i)
            CHECK(e.shared_terms[i - 1].weight >= e.shared_terms[i].weight);
    }
}
