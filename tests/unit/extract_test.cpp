#include <chrono>
#include <initializer_list>
#include <string>

#include <doctest/doctest.h>

#include "neardup/extract/page.hpp"

using neardup::extract_page;
using neardup::ExtractedPage;
using neardup::ExtractMode;

namespace {

ExtractedPage extract(const std::string& html, ExtractMode mode = ExtractMode::kMain) {
    ExtractedPage page;
    extract_page(html, {mode}, page);
    return page;
}

/// A page of a news site: navigation, the article, a related-links box, a newsletter box and
/// a footer around it.
std::string news_page(const std::string& article) {
    return "<html lang=\"en\"><head><title>Harbour closes | Example Times</title></head><body>"
           "<nav><a href=/>Home</a> <a href=/world>World</a> <a href=/sport>Sport</a></nav>"
           "<div class=\"site-header\"><a href=/>Example Times</a></div>"
           "<div class=\"article-body\">" +
           article +
           "</div><div class=\"related-stories\"><a href=/a>Other story one</a>"
           "<a href=/b>Other story two</a><a href=/c>Other story three</a></div>"
           "<div class=\"newsletter\">Sign up for our newsletter, every morning.</div>"
           "<footer>Copyright 2025 Example Media. All rights reserved.</footer></body></html>";
}

const std::string kArticle =
    "<p>The harbour closed on Monday after waves reached six metres, the port authority said, "
    "and ferries stayed in port.</p><p>Fishermen, who had been warned on Sunday, moved their "
    "boats to the inner basin, where the water was calmer.</p><p>The authority said the harbour "
    "would reopen when the swell fell below three metres, perhaps on Wednesday.</p>";

/// Checks that none of `gone` is in `text`.
void check_gone(const std::string& text, std::initializer_list<const char*> gone) {
    for (const char* g : gone) {
        CAPTURE(g);
        CHECK(text.find(g) == std::string::npos);
    }
}

}  // namespace

TEST_SUITE("extract") {
    TEST_CASE("the article is kept, the site around it is not") {
        const ExtractedPage p = extract(news_page(kArticle));
        CHECK(p.text.find("waves reached six metres") != std::string::npos);
        CHECK(p.text.find("perhaps on Wednesday") != std::string::npos);
        check_gone(p.text, {"World", "Other story", "newsletter", "Copyright"});
        CHECK(p.title == "Harbour closes");  // the " | Site" suffix goes
        CHECK(p.lang == "en");
        // Paragraphs are blocks, separated by blank lines.
        CHECK(p.text.find("ferries stayed in port.\n\nFishermen") != std::string::npos);
    }

    TEST_CASE("--html all keeps every visible text, still without scripts and hidden parts") {
        const std::string html =
            news_page(kArticle +
                      "<p hidden>hidden one</p><div style=\"display: none\">hidden "
                      "two</div><span aria-hidden=\"true\">hidden three</span>"
                      "<script>var secret = 1;</script><style>p{}</style>"
                      "<noscript>enable js</noscript><select><option>opt</option>"
                      "</select><button>Click</button><template>tpl</template>");
        const ExtractedPage all = extract(html, ExtractMode::kAll);
        CHECK(all.text.find("World") != std::string::npos);
        CHECK(all.text.find("Copyright") != std::string::npos);
        for (const char* gone : {"hidden", "secret", "p{}", "enable js", "opt", "Click", "tpl"}) {
            CAPTURE(gone);
            CHECK(all.text.find(gone) == std::string::npos);
            CHECK(extract(html).text.find(gone) == std::string::npos);
        }
    }

    TEST_CASE("character references, broken markup and charsets") {
        const ExtractedPage p =
            extract("<p>caf&eacute; &mdash; it&#8217;s &#x263A; &amp; <b>bold <i>unclosed</p>");
        CHECK(p.text == "café — it’s ☺ & bold unclosed");
        // No declaration and bytes that are not UTF-8: windows-1252, as browsers read them.
        CHECK(extract("<p>caf\xE9 \x93quoted\x94</p>").text == "café “quoted”");
        // A declared charset wins.
        CHECK(extract("<meta charset=\"iso-8859-1\"><p>na\xEFve</p>").text == "naïve");
        CHECK(extract("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">"
                      "<p>\xD6\xD0\xCE\xC4</p>")
                  .text == "中文");
        CHECK(extract("<p>caf\xC3\xA9</p>").text == "café");  // UTF-8 without a declaration
    }

    TEST_CASE("metadata: og and JSON-LD, canonical URL, dates") {
        const ExtractedPage p = extract(
            "<html lang=\"fr\"><head><title>T | S</title><meta property=\"og:title\" "
            "content=\"The headline\"><link rel=\"canonical\" href=\"https://ex.com/a\">"
            "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\","
            "\"@graph\":[{\"@type\":\"NewsArticle\",\"headline\":\"LD headline\","
            "\"datePublished\":\"2025-01-02T03:04:05Z\"}]}</script></head><body><h1>H1</h1>"
            "<p>Body text of the article, long enough to count as a paragraph here.</p></body>"
            "</html>");
        CHECK(p.title == "The headline");
        CHECK(p.url == "https://ex.com/a");
        CHECK(p.lang == "fr");
        REQUIRE(p.date.has_value());
        CHECK(*p.date == 1735787045);
        const ExtractedPage q = extract(
            "<head><meta property=\"og:url\" content=\"https://ex.com/b\"><meta "
            "property=\"article:published_time\" content=\"2024-05-06\"></head><h1>Only h1</h1>");
        CHECK(q.title == "Only h1");
        CHECK(q.url == "https://ex.com/b");
        CHECK(q.date == 1714953600);
        CHECK(extract("<time datetime=\"1970-01-02\">Jan 2</time>").date == 86400);
    }

    TEST_CASE("a page whose markup lacks the article uses JSON-LD's articleBody") {
        const ExtractedPage p = extract(
            "<script type=\"application/ld+json\">{\"@type\":\"Article\",\"articleBody\":"
            "\"The whole story is here in the structured data, rendered later by a script on the "
            "reader's screen.\"}</script><div id=root>Loading</div>");
        CHECK(p.text.find("rendered later by a script") != std::string::npos);
    }

    TEST_CASE("an article in sections between ads is read whole, furniture paragraphs go") {
        std::string body = "<div class=\"story\">";
        for (int i = 0; i < 4; ++i) {
            body += "<div class=\"story-section\"><p>Section " + std::to_string(i) +
                    " tells more of the story, with commas, clauses, and detail enough to "
                    "score as a paragraph of real text.</p><p>A second paragraph of section " +
                    std::to_string(i) +
                    ", equally long, equally plain, and equally real.</p>"
                    "</div><div class=\"ad-slot\">Advertisement</div><p>Advertisement</p>";
        }
        body += "</div>";
        const ExtractedPage p = extract(news_page(body));
        for (int i = 0; i < 4; ++i) {
            CAPTURE(i);
            CHECK(p.text.find("Section " + std::to_string(i)) != std::string::npos);
        }
        CHECK(p.text.find("Advertisement") == std::string::npos);
    }

    TEST_CASE("hostile pages: deep nesting, huge attributes, unclosed comments, no markup") {
        std::string deep;
        for (int i = 0; i < 100000; ++i)
            deep += "<div>";
        deep += "deep";
        CHECK_NOTHROW((void)extract(deep));
        CHECK(extract("<p class=\"" + std::string(1 << 20, 'a') + "\">text</p>").text == "text");
        CHECK(extract("<p>before</p><!-- never closed <p>after</p>").text == "before");
        CHECK(extract("").text.empty());
        CHECK(extract("just words, no tags").text == "just words, no tags");
        CHECK_NOTHROW((void)extract(std::string("\0\0<p>\xFF\xFE</p>", 10)));
    }
}

TEST_SUITE("extract") {
    TEST_CASE("a declared UTF-16 on ASCII bytes is UTF-8, a declared UTF-32 or EBCDIC is ignored") {
        const std::string body = "<p>Le caf\xC3\xA9 ouvre.</p>";
        for (const char* cs : {"UTF-16LE", "utf-16", "UTF-16BE", "unicode"}) {
            CAPTURE(cs);
            CHECK(extract("<meta charset=\"" + std::string(cs) + "\">" + body).text ==
                  "Le caf\xC3\xA9 ouvre.");
        }
        for (const char* cs : {"UTF-32", "utf-32le", "IBM037", "EBCDIC-US", "cp500", "utf-7"}) {
            CAPTURE(cs);
            CHECK(extract("<meta charset=\"" + std::string(cs) + "\">" + body).text ==
                  "Le caf\xC3\xA9 ouvre.");
            // Ignored, the bytes decide: not UTF-8, so windows-1252.
            CHECK(extract("<meta charset=" + std::string(cs) + "><p>caf\xE9</p>").text ==
                  "caf\xC3\xA9");
        }
        CHECK(extract("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-16\">" +
                      body)
                  .text == "Le caf\xC3\xA9 ouvre.");
    }

    TEST_CASE("a UTF-16 page with a byte order mark is decoded") {
        std::string le = "\xFF\xFE";
        std::string be = "\xFE\xFF";
        for (const char c : std::string("<html><body><p>Le caf")) {
            le += std::string{c, '\0'};
            be += std::string{'\0', c};
        }
        le += std::string("\xE9\x00 \x00\x3A\x26", 6);  // é, space, U+263A
        be += std::string("\x00\xE9\x00 \x26\x3A", 6);
        for (const char c : std::string("</p></body></html>")) {
            le += std::string{c, '\0'};
            be += std::string{'\0', c};
        }
        CHECK(extract(le).text == "Le caf\xC3\xA9 \xE2\x98\xBA");
        CHECK(extract(be).text == "Le caf\xC3\xA9 \xE2\x98\xBA");
    }

    TEST_CASE("HTML that is UTF-8 already (from JSON) keeps its text whatever it declares") {
        ExtractedPage page;
        neardup::ExtractOptions options;
        options.utf8 = true;
        extract_page("<meta charset=\"iso-8859-1\"><p>Le caf\xC3\xA9</p>", options, page);
        CHECK(page.text == "Le caf\xC3\xA9");
    }

    TEST_CASE("a tag with 300,000 attributes is refused at once, not parsed for minutes") {
        std::string html = "<html><body><div";
        for (int i = 0; i < 300000; ++i)
            html += " a" + std::to_string(i) + "=\"\"";
        html += "><p>text</p></div></body></html>";
        const auto start = std::chrono::steady_clock::now();
        const ExtractedPage p = extract(html);
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        CHECK(secs < 1.0);
        CHECK(p.text.empty());
        CHECK(p.refused.find("more than 512 attributes") != std::string::npos);
        std::string fine = "<p";  // 500 attributes are read as before
        for (int i = 0; i < 500; ++i)
            fine += " a" + std::to_string(i);
        CHECK(extract(fine + ">text</p>").text == "text");
        // A script's words are no attributes (five real pages were refused so); a textarea's
        // tags are tags to libxml2.
        std::string words;
        for (int i = 0; i < 2000; ++i)
            words += " w" + std::to_string(i);
        CHECK(extract("<script>if (i<n" + words + ") {}</script><p>text</p>").text == "text");
        CHECK(extract("<STYLE>a<b" + words + "</style><p>text</p>").text == "text");
        CHECK_FALSE(extract("<textarea><div" + words + "></textarea><p>text</p>").refused.empty());
        // NUL bytes inside a tag (the attribute scan once stood still on them)
        CHECK(extract(std::string("<p a\0\0=\0 b>text</p><i \0", 23)).refused.empty());
    }

    TEST_CASE("libxml2's limits cut nothing silently: deep nesting, huge text nodes") {
        std::string deep = "<html><body>";
        for (int i = 0; i < 300; ++i)
            deep += "<div>";
        deep += "<p>the article, nested 300 deep</p>";
        for (int i = 0; i < 300; ++i)
            deep += "</div>";
        deep += "<p>and after it</p></body></html>";
        ExtractedPage p = extract(deep, ExtractMode::kAll);
        CHECK(p.refused.empty());
        CHECK(p.text == "the article, nested 300 deep\n\nand after it");
        std::string deeper;
        for (int i = 0; i < 1500; ++i)
            deeper += "<div>";
        p = extract(deeper + "<p>too deep</p>");
        CHECK(p.text.empty());
        CHECK(p.refused.find("nested more than 1000 levels") != std::string::npos);
        const std::string big(11 << 20, 'a');
        p = extract("<html><body><p>" + big + " end</p></body></html>");
        CHECK(p.refused.empty());
        CHECK(p.text.size() == big.size() + 4);
    }

    TEST_CASE(
        "photo caption and credit boxes are left out, a paragraph the article repeats is kept") {
        const std::string caption =
            "<div class=\"caption-full\"><p>In this photo taken on Monday, waves break over the "
            "harbour wall while a ferry waits in port, the authority said. "
            "(Photo/Agency)</p></div>";
        const std::string repeated =
            "<p>The refrain of the article comes back at its end, word for word, as the writer "
            "meant it to, and a reader reads it twice: a block of more than a hundred and fifty "
            "characters, like a caption.</p>";
        const std::string credit = "<span class=\"image-credit\">Jane Doe/Agency</span>";
        const ExtractedPage p =
            extract(news_page(caption + credit + kArticle + repeated + caption +
                              "<p>Between the refrains, a paragraph.</p>" + repeated));
        CHECK(p.text.find("waves reached six metres") != std::string::npos);
        CHECK(p.text.find("In this photo") == std::string::npos);
        CHECK(p.text.find("Jane Doe") == std::string::npos);
        const std::string refrain = "The refrain of the article";
        const auto first = p.text.find(refrain);
        REQUIRE(first != std::string::npos);
        CHECK(p.text.find(refrain, first + 1) != std::string::npos);
    }

    TEST_CASE("an article in sections under single-child wrappers is read whole") {
        // Each part of the article sits in section > div > div > p; the parts are siblings only
        // at the outermost wrapper, between figures.
        std::string body;
        for (int i = 0; i < 3; ++i) {
            body += "<section class=\"outer\"><div class=\"container\"><div class=\"post\">";
            for (int j = 0; j < (i == 1 ? 6 : 2); ++j) {
                body += "<p>Part " + std::to_string(i) + " paragraph " + std::to_string(j) +
                        " of the story, with commas, clauses, and detail enough to score as "
                        "real text.</p>";
            }
            body += "</div></div></section><figure><img src=a.jpg></figure>";
        }
        const ExtractedPage p = extract("<html><body><div>" + body + "</div></body></html>");
        for (int i = 0; i < 3; ++i) {
            CAPTURE(i);
            CHECK(p.text.find("Part " + std::to_string(i) + " paragraph 0") != std::string::npos);
        }
    }

    TEST_CASE("the paragraphs before a read-more box belong to the article") {
        // The box of most paragraphs sits one level below the first ones, beside a link and an
        // ad: its parent's parent holds the whole article and scores more than its parent.
        std::string more;
        for (int i = 0; i < 10; ++i) {
            more += "<p>Later paragraph " + std::to_string(i) +
                    " goes on with the story, with commas, clauses, and detail enough.</p>";
        }
        const std::string body =
            "<div class=\"story-body\"><p>First paragraph of the story, which opens it, with "
            "commas, clauses, and names, as stories do.</p><p>Second paragraph, saying more, "
            "with a comma or two, and a quote.</p><p>Third paragraph, before the box, with "
            "commas, and a date, and a place.</p><div id=\"more\"><div><a href=\"#\">Read "
            "more</a></div><div class=\"ad-block\"></div><div id=\"more-content\">" +
            more + "</div></div></div>";
        const ExtractedPage p = extract(news_page(body));
        CHECK(p.text.find("First paragraph of the story") != std::string::npos);
        CHECK(p.text.find("Third paragraph") != std::string::npos);
        CHECK(p.text.find("Later paragraph 9") != std::string::npos);
    }

    TEST_CASE("a photo gallery beside the article is left out") {
        const std::string gallery =
            "<div class=\"full-gallery\"><ul><li><p>Slide one: a crowd waits at the harbour "
            "gate in the rain.</p></li><li><p>Slide two: the ferry stays at its berth.</p></li>"
            "</ul></div>";
        const ExtractedPage p = extract(news_page(kArticle + gallery));
        CHECK(p.text.find("waves reached six metres") != std::string::npos);
        CHECK(p.text.find("Slide one") == std::string::npos);
    }

    TEST_CASE("elements with a hiding class name are not text, a class merely containing it is") {
        const std::string extra =
            "<span class=\"sr-only\">Screen reader note.</span><p class=\"post d-none\">A "
            "hidden teaser.</p><div class=\"hidden\">Shown by a script.</div>"
            "<p class=\"unhidden-text\">Kept line of the article.</p>";
        const ExtractedPage p = extract(news_page(kArticle + extra));
        check_gone(p.text, {"Screen reader", "hidden teaser", "Shown by"});
        CHECK(p.text.find("Kept line of the article") != std::string::npos);
        CHECK(p.text.find("waves reached six metres") != std::string::npos);
    }

    TEST_CASE("a gallery longer than the article it illustrates is left out, and chart labels") {
        std::string gallery = "<div class=\"full-gallery\"><ul>";
        for (int i = 0; i < 8; ++i) {
            gallery += "<li><p>Slide " + std::to_string(i) +
                       ": another story of the week in pictures, with a long caption, and a "
                       "credit.</p></li>";
        }
        gallery += "</ul></div>";
        const ExtractedPage p = extract(news_page(kArticle + gallery + kArticle));
        CHECK(p.text.find("waves reached six metres") != std::string::npos);
        CHECK(p.text.find("Slide 0") == std::string::npos);
        // A chart's text labels (ai2html's boxes) go too.
        const ExtractedPage q = extract(news_page(
            kArticle + "<div class=\"ai2html\"><p>Interest payments</p><p>915 billion</p></div>"));
        CHECK(q.text.find("Interest payments") == std::string::npos);
    }

    TEST_CASE("text written straight into a box between line breaks scores as paragraphs") {
        // No <p>: runs of text between <br><br>, and a centred picture credit (a block) among
        // them. Beside it, a box of two short real paragraphs.
        std::string runs;
        for (int i = 0; i < 5; ++i) {
            runs += "Run " + std::to_string(i) +
                    " of the story, written straight into its box, with commas, clauses, and "
                    "names, as a story has.<br> <br>";
            if (i == 1)
                runs += "<center><em>A picture, by its maker</em></center>";
        }
        const std::string html =
            "<html><body><div class=\"box\"><p>Elsewhere: a teaser of another story here, "
            "with a comma.</p><p>And one more teaser, with a comma, for good measure.</p></div>"
            "<div class=\"box\"><h1>The headline</h1><div class=\"body\">" +
            runs + "</div></div></body></html>";
        const ExtractedPage p = extract(html);
        CHECK(p.text.find("Run 0 of the story") != std::string::npos);
        CHECK(p.text.find("Run 4 of the story") != std::string::npos);
        CHECK(p.text.find("teaser") == std::string::npos);
    }

    TEST_CASE("a short byline box is left out, a long box named after its author is not") {
        const std::string byline =
            "<div class=\"byline\">Monday March 3, 2025 7:45 am by <a href=/jd>Jane Doe</a>"
            "</div><span rel=\"author\">Written by John Roe</span>";
        const ExtractedPage p = extract(news_page(byline + kArticle));
        CHECK(p.text.find("Jane Doe") == std::string::npos);
        CHECK(p.text.find("John Roe") == std::string::npos);
        CHECK(p.text.find("waves reached six metres") != std::string::npos);
        const ExtractedPage q =
            extract(news_page("<div class=\"author-content\">" + kArticle + "</div>"));
        CHECK(q.text.find("waves reached six metres") != std::string::npos);
    }

    TEST_CASE("a part of the article beside an empty ad slot still joins the other parts") {
        const auto part = [](int from, int count) {
            std::string out = "<div class=\"story-body story-body-" + std::to_string(from) + "\">";
            for (int i = from; i < from + count; ++i) {
                out += "<p>Paragraph " + std::to_string(i) +
                       " of the story, with commas, clauses, and detail enough to score.</p>";
            }
            return out + "</div>";
        };
        const std::string body = "<div class=\"wrap\">" + part(0, 3) +
                                 "</div><div class=\"wrap\"><div class=\"slot\"></div>" +
                                 part(3, 12) + "<div><img src=a.jpg></div></div>";
        const ExtractedPage p = extract("<html><body><main>" + body + "</main></body></html>");
        CHECK(p.text.find("Paragraph 0 of the story") != std::string::npos);
        CHECK(p.text.find("Paragraph 14 of the story") != std::string::npos);
    }

    TEST_CASE("advertising and sponsored labels and calls to action are furniture") {
        const ExtractedPage p = extract(
            news_page("<p>ADVERTISING</p>" + kArticle +
                      "<p>Sponsored</p><p>Sponsored links</p><p>Learn more about the port</p>"
                      "<p>Read more: Storm closes the bridge</p>"));
        CHECK(p.text.find("waves reached six metres") != std::string::npos);
        check_gone(p.text, {"ADVERTISING", "Sponsored", "Learn more", "Read more"});
    }

    TEST_CASE("the headline goes when it repeats the declared title, an h1 that differs stays") {
        const std::string body = "<h1>Harbour closes</h1>" + kArticle;
        CHECK(extract(news_page(body)).text.find("Harbour closes") == std::string::npos);
        const std::string other = "<h1>Waves of six metres: the port shuts</h1>" + kArticle;
        const ExtractedPage p = extract(news_page(other));
        CHECK(p.text.find("Waves of six metres") != std::string::npos);
        CHECK(p.title == "Waves of six metres: the port shuts");  // the title is still the h1
    }

    TEST_CASE("a short article beside a list of links is not lost to a hinted box of one line") {
        // A video's title under a "content" class (a hint worth more than a short article's
        // paragraphs) against three paragraphs sharing their section with a list of links.
        std::string links = "<ul>";
        for (int i = 0; i < 12; ++i)
            links += "<li><a href=\"/s" + std::to_string(i) + "\">Another story headline number " +
                     std::to_string(i) + " of the day</a></li>";
        links += "</ul>";
        const std::string html =
            "<html><body><article><div class=\"embed-content\"><div class=\"player\">Video shows "
            "a dramatic rescue at sea</div></div><section><p>MEMPHIS, June 18 - A bank said it has "
            "agreed to operate branch offices in supermarkets in two states.</p><p>It said 20 "
            "locations will open in one state and 10 in the other, the company said.</p><p>The "
            "first branches open in the autumn. Reuter</p></section><div class=\"recirc\">" +
            links + "</div></article></body></html>";
        const ExtractedPage p = extract(html);
        CHECK(p.text.find("agreed to operate branch offices") != std::string::npos);
    }

    TEST_CASE("a figure's caption inside the article is read with it") {
        std::string body = "<article>";
        for (int i = 0; i < 4; ++i)
            body += "<p>Paragraph " + std::to_string(i) +
                    " of the story, with commas, clauses, and detail enough to score.</p>";
        body +=
            "<figure><img src=a.jpg><figcaption>Firefighters at the harbor bridge on "
            "Monday.</figcaption></figure></article>";
        const ExtractedPage p = extract("<html><body>" + body + "</body></html>");
        CHECK(p.text.find("Paragraph 3 of the story") != std::string::npos);
        CHECK(p.text.find("Firefighters at the harbor bridge") != std::string::npos);
    }
}
