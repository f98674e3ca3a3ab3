#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "../support/support.hpp"
#include "neardup/boilerplate/site.hpp"
#include "neardup/pipeline/pipeline.hpp"

using namespace neardup;

namespace {

std::vector<Paragraph> paragraphs(std::string_view text) {
    std::vector<Paragraph> out;
    split_paragraphs(text, out);
    return out;
}

/// Finds the boilerplate of documents that all belong to one site.
Boilerplate find_in(const std::vector<std::string>& docs,
                    std::uint32_t min_articles = BoilerplateOptions{}.min_articles) {
    BoilerplateFinder finder({min_articles});
    const std::uint32_t site = finder.site_id("example.com");
    for (const std::string& d : docs)
        finder.add(site, paragraphs(d), sketch_words(d));
    return finder.find([&](std::uint32_t d, std::string& out) { out = docs[d]; });
}

bool found(const Boilerplate& b, std::string_view paragraph) {
    const std::vector<Paragraph> p = paragraphs(paragraph);
    REQUIRE(p.size() == 1);
    return b.contains(0, p[0].hash);
}

std::string article(std::mt19937_64& rng) {
    return test::random_text(rng, 60) + "\n\n" + test::random_text(rng, 40) + "\n\n" +
           test::random_text(rng, 25);
}

}  // namespace

TEST_SUITE("boilerplate") {
    TEST_CASE("site_of: the URL's host, else the fallback") {
        CHECK(site_of("https://www.Example.com/news/a.html", "f") == "example.com");
        CHECK(site_of("http://user:pw@news.example.org:8080/x?y#z", "f") == "news.example.org");
        CHECK(site_of("https://[::1]:80/a", "f") == "[::1]");
        CHECK(site_of("example.com/a", "folder") == "folder");
        CHECK(site_of("", "folder") == "folder");
        CHECK(site_of("https:///nohost", "folder") == "folder");
    }

    TEST_CASE("paragraphs are lines, compared without case and end spaces") {
        const auto p = paragraphs("Read More\n\n  read more  \nREAD MORE\nRead  More\n");
        REQUIRE(p.size() == 4);
        CHECK(p[0].hash == p[1].hash);
        CHECK(p[0].hash == p[2].hash);
        CHECK(p[0].hash != p[3].hash);  // inner spacing is kept
        CHECK(paragraphs("Shr 1.20 dlrs")[0].hash != paragraphs("Shr 1.30 dlrs")[0].hash);
    }

    TEST_CASE("hard-wrapped lines are one paragraph, an indented line starts the next") {
        const std::string wrapped =
            "The company reported a sharp rise in profits for the quarter, the\n"
            "chairman said.\n"
            "    A new paragraph starts here.";
        const auto p = paragraphs(wrapped);
        REQUIRE(p.size() == 2);
        CHECK(p[0].hash != paragraphs("chairman said.")[0].hash);
        CHECK(paragraphs("A short line without a stop\nanother line").size() == 2);
    }

    TEST_CASE("a line on two different articles is boilerplate, on one it is not") {
        std::mt19937_64 rng(7);
        const std::string line = "Sign up for our newsletter";
        std::vector<std::string> docs;
        for (int i = 0; i < 2; ++i)
            docs.push_back(article(rng) + "\n\n" + line);
        docs.push_back(article(rng));
        const Boilerplate two = find_in(docs);
        CHECK(found(two, line));
        CHECK(two.documents() == std::vector<std::uint32_t>{0, 1});
        docs.erase(docs.begin());
        CHECK_FALSE(found(find_in(docs), line));
        // A stricter setting counts as asked.
        docs.push_back(article(rng) + "\n\n" + line);
        CHECK_FALSE(found(find_in(docs, 3), line));
        docs.push_back(article(rng) + "\n\n" + line);
        CHECK(found(find_in(docs, 3), line));
    }

    TEST_CASE("copies of one article do not make their paragraphs boilerplate") {
        std::mt19937_64 rng(8);
        const std::string a = article(rng);
        const std::string tail = "Reporting by the news desk";
        // Three exact copies, and a lightly edited fourth (one paragraph changed).
        std::vector<std::string> docs(3, a + "\n\n" + tail);
        docs.push_back(a.substr(0, a.rfind("\n\n")) + "\n\n" + test::random_text(rng, 25) + "\n\n" +
                       tail);
        const Boilerplate b = find_in(docs);
        CHECK(b.size() == 0);
        CHECK(b.documents().empty());
    }

    TEST_CASE("copies count once among different articles") {
        std::mt19937_64 rng(9);
        const std::string line = "All rights reserved.";
        const std::string a = article(rng) + "\n" + line;
        std::vector<std::string> docs{a, a, a};
        CHECK_FALSE(found(find_in(docs), line));  // one article
        docs.push_back(article(rng) + "\n" + line);
        CHECK(found(find_in(docs), line));  // two
    }

    TEST_CASE("a template nine tenths of its pages: different short articles still tell it apart") {
        // The whole-text sketches of such pages agree (the template is most of their words):
        // what decides is what each page has of its own.
        std::mt19937_64 rng(13);
        std::string furniture;
        for (int i = 0; i < 8; ++i)
            furniture += test::random_text(rng, 60) + "\n\n";
        const std::string story = test::random_text(rng, 50);
        // First two pages whose extraction kept only the template: no article of their own,
        // so not the same article as the pages that have one.
        std::vector<std::string> docs(2, furniture + "Headline");
        for (int i = 0; i < 6; ++i)
            docs.push_back(furniture + test::random_text(rng, 50));
        // The same short article three times (copies on one site): its text is no template.
        for (int i = 0; i < 3; ++i)
            docs.push_back(furniture + story);
        CHECK(sketch_similarity(sketch_words(docs[2]), sketch_words(docs[3])) >= 0.5);
        const Boilerplate b = find_in(docs);
        CHECK(found(b, furniture.substr(0, furniture.find('\n'))));
        CHECK(b.size() == 8);
        CHECK_FALSE(found(b, story));
    }

    TEST_CASE("pages with only the same site text tell apart by their headlines") {
        // Extraction kept one block of the site instead of each page's (short) article: the
        // pages agree in everything but their headlines.
        std::mt19937_64 rng(14);
        const std::string block = test::random_text(rng, 80) + "\n\n" + test::random_text(rng, 80);
        const std::vector<std::string> titles{"Storm closes harbor bridge",
                                              "Nurses call off strike", "Museum manuscripts found"};
        BoilerplateFinder finder;
        const std::uint32_t site = finder.site_id("example.com");
        std::vector<std::string> docs;
        for (const std::string& t : titles) {
            docs.push_back(t + "\n\n" + block);
            finder.add(site, paragraphs(docs.back()), sketch_words(docs.back()), t);
        }
        const auto read = [&](std::uint32_t d, std::string& out) { out = docs[d]; };
        CHECK(found(finder.find(read), block.substr(0, block.find('\n'))));
        // The same page saved three times (one headline): a copy, no boilerplate.
        BoilerplateFinder copies;
        for (std::size_t i = 0; i < 3; ++i) {
            docs[i] = titles[0] + "\n\n" + block;
            copies.add(copies.site_id("example.com"), paragraphs(docs[i]), sketch_words(docs[i]),
                       i == 2 ? "UPDATE 1-" + titles[0] : titles[0]);
        }
        CHECK(copies.find(read).size() == 0);
    }

    TEST_CASE("a long template paragraph is found first, then the short lines it anchored") {
        std::mt19937_64 rng(10);
        const std::string disclaimer = test::random_text(rng, 120);  // longer than any article's
        const std::string share = "Share this article";
        std::vector<std::string> docs;
        for (int i = 0; i < 4; ++i)
            docs.push_back(article(rng) + "\n" + disclaimer + "\n" + share);
        const Boilerplate b = find_in(docs);
        CHECK(found(b, disclaimer));
        CHECK(found(b, share));
        CHECK(b.size() == 2);
    }

    TEST_CASE("sites are apart: a line of three sites is nobody's boilerplate") {
        std::mt19937_64 rng(11);
        BoilerplateFinder finder;
        const std::string line = "Follow us on social media";
        std::vector<std::string> docs;
        for (const char* site : {"a.com", "b.com", "c.com"}) {
            docs.push_back(article(rng) + "\n" + line);
            finder.add(finder.site_id(site), paragraphs(docs.back()), sketch_words(docs.back()));
        }
        CHECK(finder.find([&](std::uint32_t d, std::string& out) { out = docs[d]; }).size() == 0);
    }

    TEST_CASE("strip_boilerplate drops the lines and one of the blank lines around them") {
        std::mt19937_64 rng(12);
        std::vector<std::string> docs;
        std::vector<std::string> bodies;
        for (int i = 0; i < 3; ++i) {
            bodies.push_back(test::random_text(rng, 50));
            docs.push_back("Title " + std::to_string(i) + "\n\nRead More\n\n" + bodies.back() +
                           "\n\nRead More");
        }
        const Boilerplate b = find_in(docs);
        std::string out;
        CHECK(strip_boilerplate(docs[1], 0, b, out) == 2);
        CHECK(out == "Title 1\n\n" + bodies[1] + "\n\n");
        CHECK(strip_boilerplate("Nothing to drop here.", 0, b, out) == 0);
        CHECK(out.empty());
        CHECK(strip_boilerplate("Read More", 0, b, out) == 1);
        CHECK(out.empty());
    }

    TEST_CASE("scan: copies on two site templates match once the templates are gone") {
        std::mt19937_64 rng(13);
        test::TempDir dir;
        const auto make_template = [&] {
            std::string t;
            for (int i = 0; i < 10; ++i)
                t += test::random_text(rng, 10) + "\n\n";
            return t;
        };
        const std::string site_a = make_template();
        const std::string site_b = make_template();
        std::vector<std::string> bodies;
        for (int i = 0; i < 4; ++i) {
            bodies.push_back(test::random_text(rng, 120));
            dir.write("a/" + std::to_string(i) + ".txt", bodies.back() + "\n\n" + site_a);
        }
        // The first article again, on the other site's template, with two articles of its own.
        dir.write("b/0.txt", site_b + bodies[0]);
        for (int i = 1; i < 3; ++i)
            dir.write("b/" + std::to_string(i) + ".txt", site_b + test::random_text(rng, 120));
        ScanConfig cfg;
        cfg.story.enabled = false;
        const ScanResult kept = run_scan(cfg, collect_inputs({dir.path().string()}));
        CHECK(kept.near.groups() == 7);  // the templates keep the copies apart
        CHECK(kept.stats.boilerplate_docs == 0);
        cfg.site_boilerplate = true;
        const ScanResult dropped = run_scan(cfg, collect_inputs({dir.path().string()}));
        CHECK(dropped.stats.boilerplate_paragraphs == 20);
        CHECK(dropped.stats.boilerplate_docs == 7);
        CHECK(dropped.near.groups() == 6);
        CHECK(dropped.near.group_of[0] == dropped.near.group_of[4]);
        CHECK(dropped.similarity[4] == doctest::Approx(1.0));
        cfg.threads = 1;
        const std::string one = test::scan_tsv(cfg, {dir.path().string()});
        cfg.threads = 2;
        CHECK(test::scan_tsv(cfg, {dir.path().string()}) == one);
    }
}

TEST_SUITE("boilerplate") {
    TEST_CASE("a claimed URL sets the site only when its host is the folder's name") {
        using neardup::site_of_claimed;
        CHECK(site_of_claimed("https://www.example.com/a", "pages/example.com") == "example.com");
        CHECK(site_of_claimed("https://example.com/a", "pages/www.Example.com/") == "example.com");
        CHECK(site_of_claimed("https://example.com/a", "pages/evil") == "pages/evil");
        CHECK(site_of_claimed("https://example.com/a", "example.org") == "example.org");
        CHECK(site_of_claimed("not a url", "pages/evil") == "pages/evil");
    }
}
