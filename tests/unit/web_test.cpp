// Web pages on real site templates (corpus/web-templates/, from scrapinghub's benchmark, MIT):
// the project's six articles, each put into the three templates, must come out as the article:
// its three copies one near group (exact copies once the templates are gone) and one story,
// different articles apart, although each template's pages share all the site around them.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "../support/support.hpp"
#include "neardup/extract/page.hpp"
#include "neardup/pipeline/pipeline.hpp"

using namespace neardup;
namespace fs = std::filesystem;

namespace {

const fs::path kCorpus = NEARDUP_CORPUS_DIR;

std::string escape_html(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '&':
                out += "&amp;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

void replace_all(std::string& s, std::string_view marker, const std::string& by) {
    for (std::size_t at = s.find(marker); at != std::string::npos;
         at = s.find(marker, at + by.size()))
        s.replace(at, marker.size(), by);
}

/// The template with the article (title line, blank line, paragraphs) in its place.
std::string page_of(std::string page, const std::string& article) {
    const std::size_t title_end = article.find("\n\n");
    std::string paragraphs;
    for (std::size_t start = title_end + 2; start < article.size();) {
        std::size_t end = article.find("\n\n", start);
        if (end == std::string::npos)
            end = article.size();
        if (end > start)
            paragraphs += "<p>" + escape_html(article.substr(start, end - start)) + "</p>\n";
        start = end + 2;
    }
    replace_all(page, "<!--neardup:title-->", escape_html(article.substr(0, title_end)));
    replace_all(page, "<!--neardup:article-->", paragraphs);
    return page;
}

/// The project's six articles (corpus/articles/), in name order.
std::vector<fs::path> article_files() {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(kCorpus / "articles"))
        files.push_back(e.path());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() == 6);
    return files;
}

/// Writes the 18 pages: web/a<article>-<template>.html. Returns the folder.
fs::path write_pages(const test::TempDir& dir) {
    const std::vector<fs::path> articles = article_files();
    for (const char* t : {"0d461229", "8267acac", "db6b0816"}) {
        const std::string tmpl =
            test::read_gzip(kCorpus / "web-templates" / (std::string(t) + ".html.gz"));
        for (std::size_t i = 0; i < articles.size(); ++i) {
            dir.write("web/a" + std::to_string(i) + "-" + t + ".html",
                      page_of(tmpl, test::read_file(articles[i])));
        }
    }
    return dir.path() / "web";
}

/// Short articles (issue 22): each paragraph of 30 words or more of the six articles, under
/// a headline of its first eight words.
std::vector<std::string> short_articles() {
    std::vector<std::string> out;
    for (const fs::path& f : article_files()) {
        const std::string text = test::read_file(f);
        for (std::size_t start = text.find("\n\n") + 2; start < text.size();) {
            std::size_t end = std::min(text.find("\n\n", start), text.size());
            const std::string para = text.substr(start, end - start);
            start = end + 2;
            const auto words =
                static_cast<std::size_t>(std::count(para.begin(), para.end(), ' ') + 1);
            if (words < 30)
                continue;
            std::size_t cut = 0;
            for (int w = 0; w < 8 && cut != std::string::npos; ++w)
                cut = para.find(' ', cut + 1);
            out.push_back(para.substr(0, cut) + "\n\n" + para);
        }
    }
    return out;
}

}  // namespace

TEST_SUITE("web") {
    TEST_CASE("short articles on a template nine tenths of the page: copies kept, articles apart") {
        // corpus/web-templates/heavy-db6b0816: a block of ~580 words kept in the article box.
        // Each short article is on it (site "heavy") and on a second real template ("other").
        const std::vector<std::string> articles = short_articles();
        REQUIRE(articles.size() >= 20);
        test::TempDir dir;
        const std::string heavy =
            test::read_gzip(kCorpus / "web-templates" / "heavy-db6b0816.html.gz");
        const std::string other = test::read_gzip(kCorpus / "web-templates" / "8267acac.html.gz");
        for (std::size_t i = 0; i < articles.size(); ++i) {
            const std::string name = "a" + std::to_string(100 + i) + ".html";
            dir.write("web/heavy/" + name, page_of(heavy, articles[i]));
            dir.write("web/other/" + name, page_of(other, articles[i]));
        }
        // The case is what it says: extraction keeps the block, 90% or more of the page's text.
        ExtractedPage page;
        extract_page(page_of(heavy, articles[0]), {}, page);
        CHECK(page.text.find(articles[0].substr(articles[0].find("\n\n") + 2)) !=
              std::string::npos);
        CHECK(static_cast<double>(articles[0].size()) <
              0.1 * static_cast<double>(page.text.size()));

        ScanConfig cfg;
        cfg.site_boilerplate = true;
        const ScanResult r = run_scan(cfg, collect_inputs({(dir.path() / "web").string()}));
        REQUIRE(r.docs.size() == 2 * articles.size());
        const auto article_of = [](const std::string& id) { return id.substr(id.rfind('/') + 1); };
        for (std::size_t a = 0; a < r.docs.size(); ++a) {
            for (std::size_t b = a + 1; b < r.docs.size(); ++b) {
                CAPTURE(r.docs[a].id);
                CAPTURE(r.docs[b].id);
                const bool same = article_of(r.docs[a].id) == article_of(r.docs[b].id);
                CHECK((r.near.group_of[a] == r.near.group_of[b]) == same);
            }
        }
        // Without site boilerplate the heavy site's pages are one another's near duplicates.
        cfg.site_boilerplate = false;
        const ScanResult kept = run_scan(cfg, collect_inputs({(dir.path() / "web").string()}));
        CHECK(kept.near.groups() < articles.size() + 2);
    }

    TEST_CASE("the same article on three real site templates: one group, one story") {
        test::TempDir dir;
        const fs::path web = write_pages(dir);
        ScanConfig cfg;
        cfg.site_boilerplate = true;
        const ScanResult r = run_scan(cfg, collect_inputs({web.string()}));
        REQUIRE(r.docs.size() == 18);
        // Extraction leaves nothing of the site on 6 of the 18 pages (caption, credit and byline
        // boxes go), so site boilerplate strips something from the other 12.
        CHECK(r.stats.boilerplate_docs == 12);
        for (std::size_t a = 0; a < 18; ++a) {
            for (std::size_t b = a + 1; b < 18; ++b) {
                // ids "a<article>-<template>.html", in sorted order
                const bool same_article = r.docs[a].id[1] == r.docs[b].id[1];
                CAPTURE(r.docs[a].id);
                CAPTURE(r.docs[b].id);
                CHECK((r.near.group_of[a] == r.near.group_of[b]) == same_article);
                CHECK((r.story.group_of[a] == r.story.group_of[b]) == same_article);
            }
        }
        for (float s : r.similarity)
            CHECK(s == doctest::Approx(1.0));  // nothing of the sites is left

        // Extraction alone leaves some sites' furniture: without site boilerplate, not every
        // article's three copies are one near group (6 groups). Extraction takes out enough of
        // some templates (their caption boxes, mostly) that some copies join: 9 groups of 18.
        cfg.site_boilerplate = false;
        const ScanResult kept = run_scan(cfg, collect_inputs({web.string()}));
        CHECK(kept.near.groups() > 6);
    }
}
