// Web pages: the article a reader reads, and the metadata a news page carries.
//
// extract_page() parses HTML with libxml2's HTML parser (broken markup recovered, the full
// entity table) and, in ExtractMode::kMain, keeps the article body: blocks (and runs of text
// written straight into a box) are scored by their text (length, commas), discounted by link
// density, weighed by class/id/role hints (article, content, story vs nav, menu, footer,
// sidebar, related, comment, share, newsletter, cookie, promo, ad, gallery; caption, credit
// and short byline boxes are left out); the best-scoring container, widened, climbed and
// lifted out of its wrappers, and its qualifying siblings are the article. Hidden elements
// (hidden, aria-hidden, display:none, hiding class names), script, style, noscript, template,
// svg, forms, select, buttons and iframes are never text. kAll keeps every visible text of the
// page. Blocks are separated by blank lines.
//
// Metadata: title (og:title, JSON-LD headline, h1, <title> without its " | Site" suffix),
// publication date (JSON-LD datePublished, article:published_time, <time datetime>: the first
// one given; when it does not read, unreadable_date keeps its text),
// canonical URL (<link rel=canonical>, og:url) and language (<html lang>, else og:locale, else
// JSON-LD inLanguage).
//
// The charset, as the HTML standard decides it: a byte order mark (UTF-8, or UTF-16, which is
// decoded first); else a <meta charset> or http-equiv declaration in the page's head, where a
// declared UTF-16 means UTF-8 and a declared encoding that does not keep ASCII as ASCII (UTF-32,
// UTF-7, EBCDIC) is ignored; else UTF-8 when the bytes are valid UTF-8, else windows-1252. With
// ExtractOptions::utf8 (HTML from a JSON string) the page is UTF-8 whatever it declares.
//
// Pages it refuses (ExtractedPage::refused, nothing else set), rather than read part of them or
// take minutes: a tag with more than 512 attributes (libxml2 compares each attribute with all
// before it: 300,000 of them took over a minute), elements nested more than 1,000 deep, and a
// page libxml2 stops reading early. Its size limits (256 levels, 10 MB text nodes) are lifted.
//
// Module place: uses core and text (dates); io's record parser calls it for HTML records.
// Pure and single-threaded; one call allocates its own parse tree. Never throws on bad input.
//
// Example:
//   neardup::ExtractedPage page;
//   neardup::extract_page(html_bytes, {}, page);   // page.text: the article, page.title, ...
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace neardup {

enum class ExtractMode : std::uint8_t {
    kMain,  ///< the article body only
    kAll,   ///< every visible text of the page
};

struct ExtractOptions {
    ExtractMode mode = ExtractMode::kMain;
    /// The page is UTF-8 text already (HTML from a JSON string, which JSON decoded): its own
    /// charset declaration is not applied again.
    bool utf8 = false;
};

struct ExtractedPage {
    std::string title;
    std::string text;  ///< blocks separated by "\n\n"
    std::string url;   ///< canonical URL, when the page names one
    std::string lang;  ///< as the page declares it (<html lang>, og:locale, inLanguage)
    std::optional<std::int64_t> date;  ///< publication time, unix seconds
    /// The page's date text (its first 80 bytes) when it gives one that is not a date we read.
    std::string unreadable_date;
    /// Why the page could not be read whole (then nothing else is set): a reader skips it with
    /// this rather than keep a part of it.
    std::string refused;

    void clear() {
        refused.clear();
        title.clear();
        text.clear();
        url.clear();
        lang.clear();
        date.reset();
        unreadable_date.clear();
    }
};

/// Extracts the article (or all text) and metadata of one HTML page into `out` (cleared first).
void extract_page(std::string_view html, const ExtractOptions& options, ExtractedPage& out);

}  // namespace neardup
