#include "neardup/extract/page.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <libxml/tree.h>
#include <simdjson.h>

#include "neardup/core/utf8.hpp"
#include "neardup/text/date.hpp"

namespace neardup {
namespace {

/// A byline box holds fewer characters than this (readability's limit).
constexpr std::uint32_t kBylineText = 100;

/// The walks below recurse this deep at most; a deeper page is refused (extract_page).
constexpr std::size_t kMaxDepth = 1000;
/// Characters of text below which a box is not taken for the article (about 15 words).
constexpr std::uint32_t kMinArticleChars = 100;

// ---- nodes and attributes -------------------------------------------------------------------

std::string_view name_of(const xmlNode* n) {
    return n->name == nullptr ? std::string_view() : reinterpret_cast<const char*>(n->name);
}

bool is_element(const xmlNode* n) { return n->type == XML_ELEMENT_NODE; }

/// The value of attribute `name` (libxml2 lower-cases HTML names), or empty.
std::string_view attr(const xmlNode* n, std::string_view name) {
    for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
        if (reinterpret_cast<const char*>(a->name) == name && a->children != nullptr &&
            a->children->content != nullptr) {
            return reinterpret_cast<const char*>(a->children->content);
        }
        if (reinterpret_cast<const char*>(a->name) == name)
            return "";
    }
    return {};
}

bool has_attr(const xmlNode* n, std::string_view name) {
    for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
        if (reinterpret_cast<const char*>(a->name) == name)
            return true;
    }
    return false;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return out;
}

bool contains_any(std::string_view hay, std::initializer_list<std::string_view> needles) {
    return std::any_of(needles.begin(), needles.end(),
                       [&](std::string_view n) { return hay.find(n) != std::string_view::npos; });
}

// ---- what is never text, what is a block ------------------------------------------------------

bool never_text(std::string_view tag) {
    // Not <form>: ASP.NET pages wrap the whole body in one. Not <head>: libxml2 leaves a page's
    // body inside it when a stray block comes first; <title> is metadata, read apart.
    static constexpr std::array<std::string_view, 16> kTags = {
        "script", "style", "noscript", "template", "svg",      "select", "button", "iframe",
        "object", "embed", "canvas",   "input",    "textarea", "option", "title",  "math"};
    return std::find(kTags.begin(), kTags.end(), tag) != kTags.end();
}

bool is_block(std::string_view tag) {
    static constexpr std::array<std::string_view, 33> kTags = {
        "p",     "div", "section", "article", "main",       "header", "footer", "aside",      "nav",
        "ul",    "ol",  "li",      "h1",      "h2",         "h3",     "h4",     "h5",         "h6",
        "table", "tr",  "td",      "th",      "blockquote", "pre",    "figure", "figcaption", "dl",
        "dt",    "dd",  "address", "hr",      "center",     "body"};
    return std::find(kTags.begin(), kTags.end(), tag) != kTags.end();
}

/// Adds the visible characters (not bytes, not spaces) and the commas of a text node to the
/// counts.
void count_text(const char* t, std::uint32_t& text, std::uint32_t& commas) {
    for (const char* p = t; p != nullptr && *p != 0; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        text += c > ' ' && (c & 0xC0) != 0x80 ? 1 : 0;
        commas += c == ',' ? 1 : 0;
    }
}

/// Whether the class attribute `c` holds one of `tokens` as a whole class name.
bool class_token(std::string_view c, std::initializer_list<std::string_view> tokens) {
    std::size_t at = 0;
    while (at < c.size()) {
        const std::size_t from = c.find_first_not_of(" \t\n\r\f", at);
        if (from == std::string_view::npos)
            return false;
        std::size_t to = c.find_first_of(" \t\n\r\f", from);
        if (to == std::string_view::npos)
            to = c.size();
        const std::string_view name = c.substr(from, to - from);
        if (std::find(tokens.begin(), tokens.end(), name) != tokens.end())
            return true;
        at = to;
    }
    return false;
}

/// Whether an inline style hides the element.
bool hiding_style(std::string_view style) {
    std::string s = lower(style);
    s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
    return contains_any(s, {"display:none", "visibility:hidden"});
}

/// The value of attribute `a` (empty when it has none).
std::string_view value_of(const xmlAttr* a) {
    return a->children == nullptr || a->children->content == nullptr
               ? std::string_view()
               : reinterpret_cast<const char*>(a->children->content);
}

/// One pass over the attributes (this runs for every element, twice).
bool hidden(const xmlNode* n) {
    for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
        const std::string_view name = reinterpret_cast<const char*>(a->name);
        if (name == "hidden" || (name == "aria-hidden" && value_of(a) == "true"))
            return true;
        // The class names that CSS frameworks hide with (Bootstrap's d-none and sr-only,
        // WordPress's screen-reader-text): text for screen readers only, or shown by a script.
        if (name == "class" &&
            class_token(value_of(a), {"hidden", "hide", "invisible", "d-none", "sr-only",
                                      "visually-hidden", "visuallyhidden", "screen-reader-text"}))
            return true;
        if (name == "style" && hiding_style(value_of(a)))
            return true;
    }
    return false;
}

/// The class, id and role of an element, lower-cased, for the hint lists.
std::string hints_of(const xmlNode* n) {
    std::string_view parts[3];  // class, id, role: one pass over the attributes
    for (const xmlAttr* a = n->properties; a != nullptr; a = a->next) {
        const std::string_view name = reinterpret_cast<const char*>(a->name);
        const int at = name == "class" ? 0 : name == "id" ? 1 : name == "role" ? 2 : -1;
        if (at >= 0 && parts[at].data() == nullptr)
            parts[at] = value_of(a);
    }
    std::string h;
    h.reserve(parts[0].size() + parts[1].size() + parts[2].size() + 2);
    for (int i = 0; i < 3; ++i) {
        for (const char c : parts[i])
            h.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
        if (i < 2)
            h.push_back(' ');
    }
    return h;
}

bool negative_hint(std::string_view h) {
    return contains_any(
        h, {"nav",          "menu",          "footer",      "sidebar",    "related",    "comment",
            "share",        "social",        "newsletter",  "cookie",     "promo",      "advert",
            "banner",       "subscribe",     "popup",       "modal",      "breadcrumb", "widget",
            "sponsor",      "masthead",      "outbrain",    "taboola",    "signup",     "recommend",
            "trending",     "complementary", "contentinfo", "dialog",     "paywall",    "teaser",
            "more-stories", "most-popular",  "toolbar",     " ad ",       "-ad ",       " ads",
            "ad-slot",      "adslot",        "disqus",      "author-bio", "tags",       "gallery",
            "ai2html"});
}

bool positive_hint(std::string_view h) {
    return contains_any(
        h, {"article", "content", "story", "entry", "post", "main", "body", "text", "blog"});
}

/// Page chrome by tag or role: regions a reader skips whatever they hold.
bool chrome_by_tag(const xmlNode* n, std::string_view tag) {
    // Not <figcaption>: a reader reads a photo's caption (readability keeps it; readability-pages
    // 0.8393 -> 0.8414 with it, article-extraction, whose truth leaves captions out, 0.9721 ->
    // 0.9716). Boxes whose class names a caption still go (chrome_by_hint).
    if (tag == "nav" || tag == "footer" || tag == "aside")
        return true;
    if (tag == "body" || tag == "html" || tag == "main" || tag == "article")
        return false;
    return contains_any(lower(attr(n, "role")),
                        {"navigation", "banner", "contentinfo", "complementary", "dialog"});
}

/// A byline or dateline box ("By Jane Doe | March 3"), named so by its class, id (`h`), rel
/// or itemprop; readability takes it out as the page's byline.
bool byline(const xmlNode* n, std::string_view h) {
    return contains_any(h, {"byline", "dateline", "author"}) || attr(n, "rel") == "author" ||
           attr(n, "itemprop") == "author";
}

/// Boxes whose class or id says they are not the article (a hint both ways, like
/// "article-related", counts as not). Only applied to boxes holding a small part of the page's
/// text: wrappers named after ads or headers ("advertisement-off-canvas--pusher") hold the
/// whole page.
bool chrome_by_hint(std::string_view tag, std::string_view h) {
    if (tag == "header")
        return true;
    // A photo's caption or credit box ("caption-full", "wp-caption-text", "image-credit"),
    // often shown again under each slide of the page's gallery: the article's text is not in
    // it.
    if (h.find("caption") != std::string::npos || h.find("credit") != std::string::npos)
        return true;
    return negative_hint(h) &&
           (!positive_hint(h) || contains_any(h, {"related", "comment", "share", "social"}));
}

// ---- per-element text statistics --------------------------------------------------------------

struct Stats {
    std::uint32_t text = 0;    ///< visible characters in the subtree
    std::uint32_t links = 0;   ///< of them inside <a>
    std::uint32_t commas = 0;  ///< commas in the subtree's text
    double score = 0;          ///< content score gathered from paragraphs below
    bool candidate = false;
    bool drop = false;  ///< never text, hidden or chrome (main mode)
};

class Page {
public:
    explicit Page(ExtractMode mode) : mode_(mode) {}

    /// Measures every element twice: first without the class/id hints, to know how much of
    /// the page each box holds, then with them for boxes holding under a quarter of it.
    void analyse(xmlNode* root) {
        nodes_.clear();
        hints_ = false;
        const Stats page = measure(root, false, 0);
        if (mode_ != ExtractMode::kMain)
            return;  // no hints: the first pass is the answer
        first_.swap(nodes_);
        nodes_.clear();
        hint_limit_ = page.text / 4;
        hints_ = true;
        measure(root, false, 0);
    }

    /// An element's stats: each element's _private points at its entry (a deque keeps them
    /// in place as it grows).
    Stats& stats(const xmlNode* n) { return *static_cast<Stats*>(n->_private); }
    [[nodiscard]] bool known(const xmlNode* n) const { return n->_private != nullptr; }

    /// The best container of the article (nullptr: none scored).
    xmlNode* top_candidate(xmlNode* body) {
        score_paragraphs(body, 0);
        xmlNode* best = nullptr;
        double best_score = 0;
        for (xmlNode* n : candidates_) {
            Stats& s = stats(n);
            const double density = s.text == 0 ? 1.0 : static_cast<double>(s.links) / s.text;
            s.score *= 1.0 - density;
            // A box of a line or two (a video's title under a hinted "content" class) is no
            // article, however its class scores: a short article beside a list of links loses
            // to it otherwise.
            if (s.text < kMinArticleChars)
                continue;
            if (s.score > best_score) {
                best_score = s.score;
                best = n;
            }
        }
        return best == nullptr ? nullptr : lift(climb(widen(best)));
    }

    /// Readability's climb: going up from the top box while the ancestors keep a third of its
    /// score, an ancestor scoring more than the one below it holds more of the article.
    xmlNode* climb(xmlNode* top) {
        double last = stats(top).score;
        const double floor = last / 3;
        for (xmlNode* a = top->parent; a != nullptr && is_element(a) && name_of(a) != "body";
             a = a->parent) {
            if (!known(a) || !stats(a).candidate)
                continue;
            const double score = stats(a).score;
            if (score < floor)
                break;
            if (score > last)
                return a;
            last = score;
        }
        return top;
    }

    /// A box that is its parent's only element child (besides dropped and empty ones) stands
    /// for the parent: wrappers around wrappers (section > div > div > p...) hide the siblings that
    /// hold the rest of the article, so the box climbs to the outermost such wrapper below
    /// <body>, keeping its score.
    xmlNode* lift(xmlNode* top) {
        const double score = stats(top).score;
        while (top->parent != nullptr && is_element(top->parent) && known(top->parent) &&
               name_of(top->parent) != "body" && !stats(top->parent).drop && only_child(top))
            top = top->parent;
        stats(top).score = std::max(stats(top).score, score);
        return top;
    }

    /// An article cut into sections that each score alone (between ads, pull quotes, or a
    /// grid's chunks): when three or more other candidates score at least 60% of the top one,
    /// the nearest ancestor holding three of them is the article (readability's rule, which
    /// takes 75%; 60% measured better on the benchmark: F1 0.958 vs 0.954).
    xmlNode* widen(xmlNode* top) {
        const double top_score = stats(top).score;
        std::vector<const xmlNode*> close;
        for (const xmlNode* n : candidates_) {
            if (n != top && stats(n).score >= 0.6 * top_score)
                close.push_back(n);
        }
        if (close.size() >= 3) {
            for (xmlNode* a = top->parent; a != nullptr && is_element(a) && name_of(a) != "body";
                 a = a->parent) {
                const auto inside =
                    std::count_if(close.begin(), close.end(), [&](const xmlNode* c) {
                        for (const xmlNode* x = c; x != nullptr; x = x->parent) {
                            if (x == a)
                                return true;
                        }
                        return false;
                    });
                if (inside >= 3) {
                    top = a;
                    break;
                }
            }
        }
        return top;
    }

    /// The article: the top candidate and the siblings that belong with it (readability's
    /// idea: an article split into several boxes between ads and pictures), in page order.
    std::vector<const xmlNode*> article(const xmlNode* top) {
        std::vector<const xmlNode*> out;
        if (top->parent == nullptr || !is_element(top->parent)) {
            out.push_back(top);
            return out;
        }
        const double top_score = stats(top).score;
        const double threshold = std::max(10.0, top_score * 0.2);
        const std::string_view top_class = attr(top, "class");
        for (const xmlNode* s = top->parent->children; s != nullptr; s = s->next) {
            if (s == top) {
                out.push_back(s);
                continue;
            }
            if (!is_element(s) || !known(s) || stats(s).drop)
                continue;
            if (belongs_with(s, top_class, top_score, threshold))
                out.push_back(s);
        }
        return out;
    }

private:
    /// Whether `n` is the only element among its siblings that is neither dropped nor empty
    /// (an ad's placeholder, a picture).
    bool only_child(const xmlNode* n) {
        for (const xmlNode* s = n->parent->children; s != nullptr; s = s->next) {
            if (s != n && is_element(s) && known(s) && !stats(s).drop && stats(s).text > 0)
                return false;
        }
        return true;
    }

    bool belongs_with(const xmlNode* s, std::string_view top_class, double top_score,
                      double threshold) {
        const Stats& st = stats(s);
        const double density = st.text == 0 ? 1.0 : static_cast<double>(st.links) / st.text;
        double score = st.candidate ? st.score : 0;
        if (!top_class.empty() && attr(s, "class") == top_class)
            score += top_score * 0.2;
        if (score >= threshold)
            return true;
        if (name_of(s) != "p")
            return false;
        return (st.text > 80 && density < 0.25) || (st.text > 0 && density == 0 && st.commas > 0);
    }

    /// Fills the stats of every element below `n` (post-order); returns its own.
    Stats measure(xmlNode* n, bool in_link, int depth) {
        Stats own;
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            count_text(reinterpret_cast<const char*>(n->content), own.text, own.commas);
            own.links = in_link ? own.text : 0;
            return own;
        }
        if (!is_element(n) || depth > static_cast<int>(kMaxDepth))
            return own;
        const std::string_view tag = name_of(n);
        const bool link = in_link || tag == "a";
        for (xmlNode* c = n->children; c != nullptr; c = c->next) {
            const Stats s = measure(c, link, depth + 1);
            if (s.drop)
                continue;
            own.text += s.text;
            own.links += s.links;
            own.commas += s.commas;
        }
        // In the second pass _private still points at the first pass's entry, whose drop
        // holds what does not depend on the hints.
        own.drop = hints_ ? stats(n).drop || hinted_away(n, tag, stats(n).text)
                          : never_text(tag) || hidden(n) ||
                                (mode_ == ExtractMode::kMain && chrome_by_tag(n, tag));
        nodes_.push_back(own);
        n->_private = &nodes_.back();
        return own;
    }

    /// Whether the class/id hints drop a box holding `text` characters: any chrome hint below
    /// a quarter of the page's text, and a photo gallery below three quarters (its slides'
    /// captions may outweigh the article they illustrate; a page that is all gallery keeps it).
    [[nodiscard]] bool hinted_away(const xmlNode* n, std::string_view tag,
                                   std::uint32_t text) const {
        if (text >= 3 * static_cast<std::uint64_t>(hint_limit_) || tag == "body" || tag == "html" ||
            tag == "main" || tag == "article")
            return false;
        if (tag == "header")
            return text < hint_limit_;
        if (n->properties == nullptr)
            return false;  // no class, id, role, rel or itemprop
        const std::string h = hints_of(n);
        if (text < hint_limit_ && chrome_by_hint(tag, h))
            return true;
        // Short: a box named after its author ("author-content") may hold the article.
        if (text < kBylineText && byline(n, h))
            return true;
        return h.find("gallery") != std::string::npos;
    }

    /// A block whose own text makes it a paragraph: <p>, <pre>, <td>, <blockquote>, or a
    /// <div>/<section> holding text directly and no block children.
    static bool paragraph_like(const xmlNode* n, std::string_view tag) {
        if (tag == "p" || tag == "pre" || tag == "td" || tag == "blockquote")
            return true;
        if (tag != "div" && tag != "section" && tag != "li")
            return false;
        bool direct_text = false;
        for (const xmlNode* c = n->children; c != nullptr; c = c->next) {
            if (is_element(c) && is_block(name_of(c)))
                return false;
            if (c->type == XML_TEXT_NODE && c->content != nullptr &&
                std::strlen(reinterpret_cast<const char*>(c->content)) > 20)
                direct_text = true;
        }
        return direct_text;
    }

    static double tag_weight(std::string_view tag) {
        if (tag == "div" || tag == "article" || tag == "main")
            return 5;
        if (tag == "pre" || tag == "td" || tag == "blockquote")
            return 3;
        if (tag == "ol" || tag == "ul" || tag == "dl" || tag == "dd" || tag == "dt" || tag == "li")
            return -3;
        if (tag.size() == 2 && tag[0] == 'h')
            return -5;
        return 0;
    }

    static double hint_weight(const xmlNode* n) {
        const std::string h = hints_of(n);
        double w = 0;
        if (positive_hint(h))
            w += 25;
        if (negative_hint(h))
            w -= 25;
        if (has_attr(n, "itemprop") && attr(n, "itemprop") == "articleBody")
            w += 50;
        return w;
    }

    void make_candidate(xmlNode* n) {
        Stats& s = stats(n);
        if (s.candidate)
            return;
        s.candidate = true;
        s.score += tag_weight(name_of(n)) + hint_weight(n);
        candidates_.push_back(n);
    }

    /// Readability's idea: each paragraph of 25+ characters gives its ancestors points for its
    /// length and commas, the parent all of them, the grandparent half, further up a third.
    void score_paragraphs(xmlNode* n, int depth) {
        if (!is_element(n) || !known(n) || depth > static_cast<int>(kMaxDepth))
            return;
        const Stats own = stats(n);
        if (own.drop)
            return;
        const std::string_view tag = name_of(n);
        if (paragraph_like(n, tag)) {
            if (own.text >= 25)
                give_points(n->parent, own.text, own.commas);
        } else if (tag == "div" || tag == "section" || tag == "article" || tag == "main") {
            score_loose_text(n);
        }
        for (xmlNode* c = n->children; c != nullptr; c = c->next)
            score_paragraphs(c, depth + 1);
    }

    /// A paragraph of `text` characters and `commas` commas gives its container `a` points
    /// for them, the container's parent half, further up a third.
    void give_points(xmlNode* a, std::uint32_t text, std::uint32_t commas) {
        const double points = 1.0 + commas + std::min(text / 100.0, 3.0);
        for (int level = 0; level < 3 && a != nullptr && is_element(a) && known(a); ++level) {
            make_candidate(a);
            stats(a).score += points / (level == 0 ? 1.0 : level == 1 ? 2.0 : 3.0 * level);
            a = a->parent;
        }
    }

    /// Text written straight into a box beside its blocks ("text<br><br>text<center>..."):
    /// each run of it between blocks or double line breaks is a paragraph of that box, as
    /// readability makes one of it.
    void score_loose_text(xmlNode* box) {
        std::uint32_t text = 0;
        std::uint32_t commas = 0;
        bool after_br = false;
        const auto end_run = [&] {
            if (text >= 25)
                give_points(box, text, commas);
            text = commas = 0;
        };
        for (const xmlNode* c = box->children; c != nullptr; c = c->next) {
            if (c->type == XML_TEXT_NODE && c->content != nullptr) {
                const std::uint32_t before = text;
                count_text(reinterpret_cast<const char*>(c->content), text, commas);
                after_br = after_br && text == before;
                continue;
            }
            if (!is_element(c) || !known(c) || stats(c).drop)
                continue;
            const std::string_view tag = name_of(c);
            if (tag == "br") {
                if (after_br)
                    end_run();
                after_br = true;
            } else if (is_block(tag)) {
                end_run();
                after_br = false;
            } else {
                text += stats(c).text;
                commas += stats(c).commas;
                after_br = after_br && stats(c).text == 0;
            }
        }
        end_run();
    }

    ExtractMode mode_;
    bool hints_ = false;            ///< apply chrome_by_hint (second pass, main mode)
    std::uint32_t hint_limit_ = 0;  ///< boxes with less text than this may be hinted away
    std::deque<Stats> first_;       ///< the first pass's stats (kept while the second reads them)
    std::deque<Stats> nodes_;
    std::vector<xmlNode*> candidates_;
};

// ---- text rendering ---------------------------------------------------------------------------

class TextWriter {
public:
    explicit TextWriter(std::string& out) : out_(out) {}
    void text(const char* t) {
        for (const char* p = t; *p != 0; ++p) {
            const char c = *p;
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                space_ = !out_.empty();
                continue;
            }
            flush_pending();
            out_.push_back(c);
        }
    }
    void block() { paragraph_ = !out_.empty(); }
    void line() {
        if (!out_.empty() && !paragraph_)
            newline_ = true;
    }

private:
    void flush_pending() {
        if (paragraph_) {
            out_ += "\n\n";
        } else if (newline_) {
            out_ += "\n";
        } else if (space_) {
            out_ += " ";
        }
        paragraph_ = newline_ = space_ = false;
    }
    std::string& out_;
    bool space_ = false;
    bool newline_ = false;
    bool paragraph_ = false;
};

/// Inside the article: a box that is mostly links (a list of related stories, share buttons)
/// is left out, like readability's conditional cleaning.
bool link_box(Page& page, const xmlNode* n, std::string_view tag) {
    if (tag != "div" && tag != "ul" && tag != "ol" && tag != "section" && tag != "table" &&
        tag != "figure")
        return false;
    const Stats& s = page.stats(n);
    return s.text > 0 && s.text < 1000 && static_cast<double>(s.links) > 0.5 * s.text;
}

void render(Page& page, const xmlNode* n, TextWriter& w, bool clean, int depth) {
    if (depth > static_cast<int>(kMaxDepth))
        return;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content != nullptr)
            w.text(reinterpret_cast<const char*>(n->content));
        return;
    }
    if (!is_element(n) || !page.known(n))
        return;
    const std::string_view tag = name_of(n);
    if (page.stats(n).drop || (clean && link_box(page, n, tag)))
        return;
    if (tag == "br") {
        w.line();
        return;
    }
    const bool block = is_block(tag);
    if (block)
        w.block();
    for (const xmlNode* c = n->children; c != nullptr; c = c->next)
        render(page, c, w, clean, depth + 1);
    if (block)
        w.block();
}

/// Short paragraphs that are a page's furniture, not its article ("Advertisement", "Comments",
/// "Read more:", a gallery's "Close"), compared without case and punctuation.
/// A paragraph compared without case and punctuation: ASCII letters, digits and single spaces
/// (other bytes are left out).
std::string folded_key(std::string_view para) {
    std::string key;
    for (const char c : para) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            key.push_back(c);
        else if (c >= 'A' && c <= 'Z')
            key.push_back(static_cast<char>(c - 'A' + 'a'));
        else if (c == ' ' && !key.empty() && key.back() != ' ')
            key.push_back(' ');
    }
    while (!key.empty() && key.back() == ' ')
        key.pop_back();
    return key;
}

bool furniture(std::string_view para) {
    if (std::any_of(para.begin(), para.end(),
                    [](char c) { return (static_cast<unsigned char>(c) & 0x80) != 0; }))
        return false;  // the phrases are English; other scripts are article text
    const std::string key = folded_key(para);
    static constexpr std::array<std::string_view, 27> kPhrases = {
        "advertisement",
        "advertising",
        "sponsored",
        "sponsored links",
        "advert",
        "ad",
        "comments",
        "comment",
        "caption",
        "close",
        "share",
        "share this",
        "read more",
        "related",
        "related articles",
        "subscribe",
        "sign up",
        "continue reading",
        "continue reading below",
        "back to gallery",
        "more",
        "next",
        "previous",
        "you may also like",
        "iklan",
        "story continues below advertisement",
        "skip to content"};
    if (std::find(kPhrases.begin(), kPhrases.end(), key) != kPhrases.end())
        return true;
    // Credit, byline and call-to-action lines ("Learn more about Sync", "Read more: ..."):
    // short, and opening with what only such lines open with.
    const auto words = static_cast<std::size_t>(std::count(key.begin(), key.end(), ' ')) + 1;
    static constexpr std::array<std::string_view, 11> kOpenings = {
        "by ",         "photo ",     "photo by ",  "image ",      "credit ",   "reporting by ",
        "editing by ", "copyright ", "follow us ", "learn more ", "read more "};
    return words <= 12 && std::any_of(kOpenings.begin(), kOpenings.end(), [&](std::string_view o) {
               return key.compare(0, o.size(), o) == 0;
           });
}

/// Drops furniture paragraphs from rendered text (blocks are separated by "\n\n") and the
/// headline repeated in the article (`title`, the title the page declares: it stands before the
/// text already). A block the
/// page shows twice stays: an article may repeat itself, and the captions a gallery repeats are
/// left out by their boxes' class (chrome_by_hint).
void drop_furniture(std::string& text, std::string_view title) {
    std::string out;
    out.reserve(text.size());
    const std::string title_key = folded_key(title);
    bool title_seen = false;
    std::size_t at = 0;
    while (at <= text.size()) {
        std::size_t end = text.find("\n\n", at);
        if (end == std::string::npos)
            end = text.size();
        const std::string_view para = std::string_view(text).substr(at, end - at);
        const bool headline = !title_seen && !title_key.empty() &&
                              para.size() < 2 * title.size() + 16 && folded_key(para) == title_key;
        title_seen = title_seen || headline;
        if (para.find_first_not_of(" \n") != std::string_view::npos && !furniture(para) &&
            !headline) {
            if (!out.empty())
                out += "\n\n";
            out.append(para);
        }
        at = end + 2;
    }
    text.swap(out);
}

// ---- metadata ---------------------------------------------------------------------------------

struct Meta {
    std::string og_title, json_title, h1, title_tag;
    std::string canonical, og_url;
    std::string date_text;
    std::string json_body;
    std::string og_locale, json_language;  ///< the page's language when <html lang> is absent
};

/// The text of a title-like element: its text nodes, outside never-text children.
void append_node_text(const xmlNode* n, TextWriter& w, int depth) {
    for (const xmlNode* c = n->children; c != nullptr && depth < 64; c = c->next) {
        if (c->type == XML_TEXT_NODE && c->content != nullptr)
            w.text(reinterpret_cast<const char*>(c->content));
        else if (is_element(c) && !never_text(name_of(c)))
            append_node_text(c, w, depth + 1);
    }
}

std::string node_text(const xmlNode* n) {
    std::string out;
    TextWriter w(out);
    append_node_text(n, w, 0);
    return out;
}

void read_json_ld(std::string_view json, Meta& m) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    const simdjson::padded_string padded(json);
    if (parser.parse(padded).get(root) != simdjson::SUCCESS)
        return;
    std::vector<simdjson::dom::element> todo{root};
    for (std::size_t i = 0; i < todo.size() && i < 256; ++i) {
        const simdjson::dom::element e = todo[i];
        simdjson::dom::array arr;
        if (e.get_array().get(arr) == simdjson::SUCCESS) {
            for (auto x : arr)
                todo.push_back(x);
            continue;
        }
        simdjson::dom::object obj;
        if (e.get_object().get(obj) != simdjson::SUCCESS)
            continue;
        std::string_view s;
        if (m.json_title.empty() && obj["headline"].get_string().get(s) == simdjson::SUCCESS)
            m.json_title.assign(s);
        if (m.date_text.empty() && obj["datePublished"].get_string().get(s) == simdjson::SUCCESS)
            m.date_text.assign(s);
        if (m.json_body.empty() && obj["articleBody"].get_string().get(s) == simdjson::SUCCESS)
            m.json_body.assign(s);
        if (m.json_language.empty() && obj["inLanguage"].get_string().get(s) == simdjson::SUCCESS)
            m.json_language.assign(s);
        simdjson::dom::element graph;
        if (obj["@graph"].get(graph) == simdjson::SUCCESS)
            todo.push_back(graph);
    }
}

void read_meta(const xmlNode* n, Meta& m, int depth) {
    if (depth > static_cast<int>(kMaxDepth))
        return;
    for (const xmlNode* c = n; c != nullptr; c = c->next) {
        if (!is_element(c))
            continue;
        const std::string_view tag = name_of(c);
        if (tag == "meta") {
            const std::string key =
                lower(attr(c, "property").empty() ? attr(c, "name") : attr(c, "property"));
            const std::string_view content = attr(c, "content");
            if (key == "og:title" && m.og_title.empty())
                m.og_title.assign(content);
            else if (key == "og:url" && m.og_url.empty())
                m.og_url.assign(content);
            else if (key == "og:locale" && m.og_locale.empty())
                m.og_locale.assign(content);
            else if ((key == "article:published_time" || key == "datepublished") &&
                     m.date_text.empty())
                m.date_text.assign(content);
        } else if (tag == "link" && lower(attr(c, "rel")) == "canonical" && m.canonical.empty()) {
            m.canonical.assign(attr(c, "href"));
        } else if (tag == "title" && m.title_tag.empty()) {
            m.title_tag = node_text(c);
        } else if (tag == "h1" && m.h1.empty()) {
            m.h1 = node_text(c);
        } else if (tag == "time" && m.date_text.empty() && has_attr(c, "datetime")) {
            m.date_text.assign(attr(c, "datetime"));
        } else if (tag == "script" && lower(attr(c, "type")) == "application/ld+json") {
            if (c->children != nullptr && c->children->content != nullptr)
                read_json_ld(reinterpret_cast<const char*>(c->children->content), m);
            continue;
        }
        if (c->children != nullptr)
            read_meta(c->children, m, depth + 1);
    }
}

/// "Headline | Site" or "Headline - Site": the headline, when the rest is short.
std::string strip_site_suffix(std::string title) {
    for (std::string_view sep : {" | ", " - ", " – ", " — ", " :: "}) {
        const std::size_t at = title.rfind(sep);
        if (at != std::string::npos && at > 0 && title.size() - at - sep.size() <= 40)
            return title.substr(0, at);
    }
    return title;
}

// ---- charset ----------------------------------------------------------------------------------

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/// Whether `c` is one of `set` (unlike strchr, never true for a NUL byte).
bool is_one_of(char c, std::string_view set) { return set.find(c) != std::string_view::npos; }

/// The charset a <meta> in the page's head declares (<meta charset=X> or http-equiv's
/// "content=text/html; charset=X"), lower-cased; empty when none does.
std::string declared_charset(std::string_view html) {
    constexpr std::size_t kHead = 16384;  // the head, not the article's text
    const std::string head = lower(html.substr(0, kHead));
    for (std::size_t at = head.find("<meta"); at != std::string::npos;
         at = head.find("<meta", at + 5)) {
        const std::size_t end = std::min(head.find('>', at), head.size());
        std::size_t p = head.find("charset", at);
        if (p >= end)
            continue;
        p += 7;
        while (p < end && is_space(head[p]))
            ++p;
        if (p >= end || head[p] != '=')
            continue;
        ++p;
        while (p < end && (is_space(head[p]) || head[p] == '"' || head[p] == '\''))
            ++p;
        std::size_t q = p;
        while (q < end && (std::isalnum(static_cast<unsigned char>(head[q])) != 0 ||
                           is_one_of(head[q], "-_.:")))
            ++q;
        if (q > p)
            return head.substr(p, q - p);
    }
    return {};
}

/// The labels of UTF-16 (the Encoding Standard's and iconv's): a page declaring one is UTF-8,
/// since a page whose <meta> could be read as ASCII is not UTF-16.
bool is_utf16_label(std::string_view label) {
    return label.rfind("utf-16", 0) == 0 || label.rfind("utf16", 0) == 0 || label == "unicode" ||
           label == "ucs-2" || label == "csunicode" || label == "iso-10646-ucs-2" ||
           label == "unicodefeff" || label == "unicodefffe";
}

/// Whether libxml2 knows `label` and reads ASCII bytes as those same characters: UTF-32,
/// UTF-7 and EBCDIC do not, and a page whose declaration was readable as ASCII is none of them.
bool ascii_compatible(const std::string& label) {
    xmlCharEncodingHandler* handler = xmlFindCharEncodingHandler(label.c_str());
    if (handler == nullptr)
        return false;
    static constexpr std::string_view kProbe = "<meta charset=\"a+b-c_d.e:0;9\">\n\t";
    xmlBuffer* in = xmlBufferCreate();
    xmlBuffer* out = xmlBufferCreate();
    xmlBufferAdd(in, reinterpret_cast<const xmlChar*>(kProbe.data()),
                 static_cast<int>(kProbe.size()));
    const int n = xmlCharEncInFunc(handler, out, in);
    const bool same = n == static_cast<int>(kProbe.size()) &&
                      std::string_view(reinterpret_cast<const char*>(xmlBufferContent(out)),
                                       static_cast<std::size_t>(xmlBufferLength(out))) == kProbe;
    xmlBufferFree(in);
    xmlBufferFree(out);
    xmlCharEncCloseFunc(handler);
    return same;
}

/// The encoding to hand libxml2, which is then told to ignore the page's declarations (it
/// would apply a declared UTF-16 to ASCII bytes): a UTF-8 BOM; else what the page declares,
/// when it can be so (see the header); else UTF-8 when the bytes are valid UTF-8, else
/// windows-1252 (what browsers assume for Western pages).
std::string encoding_for(std::string_view html, bool utf8) {
    if (utf8 || html.substr(0, 3) == "\xEF\xBB\xBF")
        return "UTF-8";
    const std::string label = declared_charset(html);
    if (is_utf16_label(label))
        return "UTF-8";
    if (label == "x-user-defined")
        return "windows-1252";
    if (!label.empty() && ascii_compatible(label))
        return label;
    return is_valid_utf8(html) ? "UTF-8" : "windows-1252";
}

// ---- what libxml2 cannot read in time, or whole ------------------------------------------------

constexpr std::size_t kMaxAttributes = 512;

/// Moves `i` past one tag's attributes (from after its name to after its '>'); returns how
/// many it holds.
std::size_t attributes_in_tag(std::string_view html, std::size_t& i) {
    std::size_t count = 0;
    while (i < html.size()) {
        const char c = html[i];
        if (c == '>') {
            ++i;
            break;
        }
        if (is_space(c) || c == '/') {
            ++i;
            continue;
        }
        ++count;
        ++i;  // the name's first character, whatever it is: every turn moves on
        while (i < html.size() && !is_space(html[i]) && !is_one_of(html[i], "=>/"))
            ++i;
        while (i < html.size() && is_space(html[i]))
            ++i;
        if (i >= html.size() || html[i] != '=')
            continue;
        ++i;
        while (i < html.size() && is_space(html[i]))
            ++i;
        if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
            const std::size_t close = html.find(html[i], i + 1);
            i = close == std::string_view::npos ? html.size() : close + 1;
        } else {
            while (i < html.size() && !is_space(html[i]) && html[i] != '>')
                ++i;
        }
    }
    return count;
}

/// Whether `tag` (a tag's name as written) opens raw text, which holds no tags until its end
/// tag: a script's "i<n" is no tag, and its words are no attributes. Only script and style,
/// the two libxml2 reads so: inside a textarea or title it parses tags, and so must this scan.
bool raw_text_tag(std::string_view tag) {
    const std::string name = lower(tag);
    return name == "script" || name == "style";
}

/// The position after the end tag "</name" of a raw-text element (case-insensitive), from `i`;
/// the end of `html` when there is none.
std::size_t after_end_tag(std::string_view html, std::size_t i, std::string_view name) {
    for (i = html.find("</", i); i != std::string_view::npos; i = html.find("</", i + 2)) {
        if (lower(html.substr(i + 2, name.size())) == lower(name))
            return i + 2 + name.size();
    }
    return html.size();
}

/// Whether a tag of the page holds more than kMaxAttributes attributes. libxml2 checks each
/// attribute against all before it in its tag: quadratic time (a 2.9 MB tag of 300,000
/// attributes took over a minute). One pass over the bytes; comments and raw text skipped.
bool has_absurd_tag(std::string_view html) {
    for (std::size_t i = html.find('<'); i != std::string_view::npos; i = html.find('<', i)) {
        if (html.substr(i, 4) == "<!--") {
            const std::size_t end = html.find("-->", i + 4);
            i = end == std::string_view::npos ? html.size() : end + 3;
            continue;
        }
        ++i;
        if (i >= html.size() || std::isalpha(static_cast<unsigned char>(html[i])) == 0)
            continue;
        const std::size_t name = i;
        while (i < html.size() && !is_space(html[i]) && html[i] != '>' && html[i] != '/')
            ++i;
        const std::string_view tag = html.substr(name, i - name);
        if (attributes_in_tag(html, i) > kMaxAttributes)
            return true;
        if (raw_text_tag(tag))
            i = after_end_tag(html, i, tag);
    }
    return false;
}

/// How deep the tree under `root` goes (walked without recursion: a page may nest thousands
/// of levels).
std::size_t tree_depth(const xmlNode* root) {
    std::size_t depth = 1;
    std::size_t deepest = 1;
    const xmlNode* n = root;
    for (;;) {
        if (n->children != nullptr) {
            n = n->children;
            deepest = std::max(deepest, ++depth);
            continue;
        }
        while (n != root && n->next == nullptr) {
            n = n->parent;
            --depth;
        }
        if (n == root)
            return deepest;
        n = n->next;
    }
}

/// libxml2 reports encoding errors through its generic error handler even with
/// HTML_PARSE_NOERROR, on stderr; a page with bad bytes is read as well as it can be, silently.
void ignore_libxml_message(void* /*context*/, const char* /*format*/, ...) {}

/// Once per process: libxml2's global tables (before threads use it, as its manual asks); then
/// per thread, since libxml2 keeps its handlers per thread: the silent handler.
void prepare_libxml() {
    static std::once_flag once;
    std::call_once(once, [] { xmlInitParser(); });
    thread_local const bool silenced = [] {
        xmlSetGenericErrorFunc(nullptr, &ignore_libxml_message);
        return true;
    }();
    (void)silenced;
}

struct DocDeleter {
    void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};

struct ContextDeleter {
    void operator()(htmlParserCtxt* c) const { htmlFreeParserCtxt(c); }
};

using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

/// The page's tree, read whole; nothing (and why in `refused`) when it cannot be.
DocPtr parse_whole(std::string_view html, const ExtractOptions& options, std::string& refused) {
    if (html.size() > static_cast<std::size_t>(INT32_MAX)) {
        refused = "a page over 2 GiB (more than libxml2 reads)";
        return nullptr;
    }
    if (has_absurd_tag(html)) {
        refused = "a tag with more than " + std::to_string(kMaxAttributes) +
                  " attributes (libxml2 would take minutes over it)";
        return nullptr;
    }
    // XML_PARSE_HUGE: libxml2's default limits (256 levels, 10 MB text nodes) cut a page where
    // they are reached and keep the part before, silently. The document size is bounded by
    // --max-doc-bytes, the depth below.
    const int flags = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                      HTML_PARSE_NONET | HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC |
                      XML_PARSE_HUGE;
    const std::unique_ptr<htmlParserCtxt, ContextDeleter> context(htmlNewParserCtxt());
    if (!context)
        throw std::bad_alloc();
    const std::string encoding = encoding_for(html, options.utf8);
    DocPtr doc(htmlCtxtReadMemory(context.get(), html.data(), static_cast<int>(html.size()),
                                  nullptr, encoding.c_str(), flags));
    if (context->disableSAX != 0) {  // stopped before the end: what it kept is a part
        refused = "libxml2 stopped reading the page (error " + std::to_string(context->errNo) + ")";
        return nullptr;
    }
    if (doc && xmlDocGetRootElement(doc.get()) != nullptr &&
        tree_depth(xmlDocGetRootElement(doc.get())) > kMaxDepth) {
        refused = "elements nested more than " + std::to_string(kMaxDepth) + " levels deep";
        return nullptr;
    }
    return doc;
}

}  // namespace

void extract_page(std::string_view html, const ExtractOptions& options, ExtractedPage& out) {
    const bool little = html.substr(0, 2) == "\xFF\xFE";
    if (little || html.substr(0, 2) == "\xFE\xFF") {  // UTF-16: its BOM outranks any <meta>
        ExtractOptions utf8 = options;
        utf8.utf8 = true;
        extract_page(decode_utf16(html.substr(2), !little), utf8, out);
        return;
    }
    out.clear();
    prepare_libxml();
    const DocPtr doc = parse_whole(html, options, out.refused);
    if (!doc)
        return;
    xmlNode* root = xmlDocGetRootElement(doc.get());
    if (root == nullptr)
        return;
    Meta meta;
    read_meta(root, meta, 0);
    out.lang.assign(attr(root, "lang"));
    if (out.lang.empty())
        out.lang = !meta.og_locale.empty() ? meta.og_locale : meta.json_language;
    out.url = !meta.canonical.empty() ? meta.canonical : meta.og_url;
    out.title = !meta.og_title.empty()     ? meta.og_title
                : !meta.json_title.empty() ? meta.json_title
                : !meta.h1.empty()         ? meta.h1
                                           : strip_site_suffix(meta.title_tag);
    if (!meta.date_text.empty()) {
        out.date = parse_date(meta.date_text);
        // A date the page gives in a form we cannot read is said, not passed over.
        if (!out.date && meta.date_text.find_first_not_of(" \t\r\n") != std::string::npos)
            out.unreadable_date = meta.date_text.substr(0, 80);
    }

    xmlNode* body = root;
    for (xmlNode* c = root->children; c != nullptr; c = c->next) {
        if (is_element(c) && name_of(c) == "body")
            body = c;
    }
    Page page(options.mode);
    page.analyse(root);
    TextWriter w(out.text);
    if (options.mode == ExtractMode::kAll) {
        render(page, body, w, false, 0);
        return;
    }
    xmlNode* top = page.top_candidate(body);
    if (top == nullptr) {
        render(page, body, w, true, 0);
    } else {
        for (const xmlNode* part : page.article(top))
            render(page, part, w, true, 0);
    }
    // The headline repeated in the text is the title the page declares; an <h1> that differs
    // from it is a heading of the text (readability's rule).
    const std::string declared = !meta.og_title.empty()     ? meta.og_title
                                 : !meta.json_title.empty() ? meta.json_title
                                                            : strip_site_suffix(meta.title_tag);
    drop_furniture(out.text, declared);
    // A page whose markup hides its article (script-rendered) often carries it in JSON-LD.
    if (meta.json_body.size() > 2 * out.text.size())
        out.text = meta.json_body;
}

}  // namespace neardup
