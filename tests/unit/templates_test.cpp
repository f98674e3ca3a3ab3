#include "neardup/story/templates.hpp"

#include <vector>

#include <doctest/doctest.h>

#include "neardup/story/inputs.hpp"

namespace neardup {
namespace {

TermCode code(const char* word) { return make_term_code(word, false); }

}  // namespace

TEST_SUITE("story templates") {
    TEST_CASE("a term a source writes beside figures in most of many articles is its template") {
        TemplateOptions o;
        o.min_documents = 3;
        o.min_share = 0.5;
        o.min_source_documents = 5;
        SourceTemplates templates(o);
        // source 1: "shr" beside a figure in 4 articles of 5; "japan" in 1 of 4; "gelco" once
        const std::vector<TermCode> report{code("shr"), code("gelco")};  // first 1: beside
        const std::vector<TermCode> beside_japan{code("japan"), code("shr")};
        const std::vector<TermCode> japan{code("japan"), code("trade")};
        for (int i = 0; i < 3; ++i)
            templates.add(1, report, 1);
        templates.add(1, beside_japan, 2);  // both beside a figure
        templates.add(1, japan, 0);
        templates.add(1, japan, 0);
        templates.add(1, japan, 0);
        // source 2 uses "shr" beside figures in 4 articles too, but has only 4 articles
        for (int i = 0; i < 4; ++i)
            templates.add(2, report, 1);
        templates.finalize();
        CHECK(templates.contains(1, code("shr")));
        CHECK_FALSE(templates.contains(1, code("japan")));  // beside a figure in 1 of 4
        CHECK_FALSE(templates.contains(1, code("gelco")));
        CHECK_FALSE(templates.contains(2, code("shr")));  // too few articles to learn from
        CHECK(templates.size() == 1);
        std::vector<TermCode> terms = report;
        CHECK(templates.remove_from(1, terms) == 1);
        CHECK(terms == std::vector<TermCode>{code("gelco")});
    }

    TEST_CASE("languages without term weights get no story terms, the index counts count") {
        const std::vector<std::vector<TermCode>> terms{{code("a1")}, {code("b1")}, {code("c1")}};
        const std::vector<DocId> reps{0, 1, 2};
        const std::vector<LangCode> langs{kEnglish, language_code("de"), kUndetermined};
        const std::vector<std::uint32_t> sites{1, 1, 1};
        const std::vector<std::uint16_t> beside{0, 0, 0};
        const std::vector<std::uint32_t> sizes{1, 3, 2};
        StoryOptions o;
        o.min_language_documents = 10;
        StoryInputs in = prepare_story_inputs(terms, reps, {langs, sites, beside, sizes}, o);
        CHECK(in.weighable == std::vector<std::uint8_t>{1, 0, 0});
        REQUIRE(in.unweighed.size() == 2);
        CHECK(language_name(in.unweighed[0].lang) == "de");  // most documents first
        CHECK(in.unweighed[0].documents == 3);
        CHECK(in.unweighed[1].lang == kUndetermined);
        const std::vector<LanguageCount> held{{language_code("de"), 9}};
        in = prepare_story_inputs(terms, reps, {langs, sites, beside, sizes}, o, held);
        CHECK(in.weighable == std::vector<std::uint8_t>{1, 1, 0});  // 9 held + 1 tonight
        // weighed, a document of a language without weights has no terms
        TermWeights w;
        w.add_documents(terms, reps, langs);
        w.finalize();
        in = prepare_story_inputs(terms, reps, {langs, sites, beside, sizes}, o);
        const WeightedDocs docs = weigh_documents(terms, reps, w, in.weigh_options());
        for (std::size_t k = 0; k < docs.size(); ++k)
            CHECK(docs.of(k).empty() == (docs.source[k] != 0));
    }
}

}  // namespace neardup
