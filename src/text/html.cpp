#include "neardup/text/html.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace neardup {
namespace {

struct NamedEntity {
    std::string_view name;
    char32_t cp;
};

// The entities news pages actually use; the full HTML5 table has 2,231.
constexpr std::array<NamedEntity, 40> kEntities{{
    {"amp", U'&'},         {"lt", U'<'},          {"gt", U'>'},          {"quot", U'"'},
    {"apos", U'\''},       {"nbsp", U'\u00A0'},   {"mdash", U'\u2014'},  {"ndash", U'\u2013'},
    {"hellip", U'\u2026'}, {"rsquo", U'\u2019'},  {"lsquo", U'\u2018'},  {"rdquo", U'\u201D'},
    {"ldquo", U'\u201C'},  {"laquo", U'\u00AB'},  {"raquo", U'\u00BB'},  {"copy", U'\u00A9'},
    {"reg", U'\u00AE'},    {"trade", U'\u2122'},  {"euro", U'\u20AC'},   {"pound", U'\u00A3'},
    {"yen", U'\u00A5'},    {"cent", U'\u00A2'},   {"deg", U'\u00B0'},    {"middot", U'\u00B7'},
    {"bull", U'\u2022'},   {"eacute", U'\u00E9'}, {"egrave", U'\u00E8'}, {"aacute", U'\u00E1'},
    {"agrave", U'\u00E0'}, {"iacute", U'\u00ED'}, {"oacute", U'\u00F3'}, {"uacute", U'\u00FA'},
    {"ntilde", U'\u00F1'}, {"ccedil", U'\u00E7'}, {"auml", U'\u00E4'},   {"ouml", U'\u00F6'},
    {"uuml", U'\u00FC'},   {"szlig", U'\u00DF'},  {"shy", U'\u00AD'},    {"thinsp", U'\u2009'},
}};

constexpr std::array<std::string_view, 30> kBlockTags{
    "p",          "div", "br", "li", "ul", "ol",    "h1",         "h2",      "h3",     "h4",
    "h5",         "h6",  "tr", "td", "th", "table", "section",    "article", "header", "footer",
    "blockquote", "pre", "hr", "dd", "dt", "dl",    "figcaption", "main",    "nav",    "aside"};

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool istarts_with(std::string_view s, std::size_t pos, std::string_view prefix) {
    if (s.size() - pos < prefix.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (lower(s[pos + i]) != prefix[i])
            return false;
    }
    return true;
}

std::size_t ifind(std::string_view s, std::size_t from, std::string_view needle) {
    for (std::size_t i = from; i + needle.size() <= s.size(); ++i) {
        if (istarts_with(s, i, needle))
            return i;
    }
    return std::string_view::npos;
}

/// Tag name of `<name ...>` or `</name ...>` at `lt`, lower-cased.
std::string tag_name(std::string_view s, std::size_t lt) {
    std::size_t i = lt + 1;
    if (i < s.size() && s[i] == '/')
        ++i;
    std::string name;
    while (i < s.size() && name.size() < 16) {
        char c = lower(s[i]);
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            break;
        name.push_back(c);
        ++i;
    }
    return name;
}

/// Decodes the character reference at s[amp] == '&'. Returns the bytes consumed (0 if none).
std::size_t decode_entity(std::string_view s, std::size_t amp, std::string& out) {
    std::size_t semi = s.find(';', amp + 1);
    if (semi == std::string_view::npos || semi - amp > 12)
        return 0;
    std::string_view body = s.substr(amp + 1, semi - amp - 1);
    if (body.size() >= 2 && body[0] == '#') {
        std::uint32_t cp = 0;
        bool hex = body[1] == 'x' || body[1] == 'X';
        std::string_view digits = body.substr(hex ? 2 : 1);
        if (digits.empty())
            return 0;
        for (char c : digits) {
            int v = -1;
            if (c >= '0' && c <= '9')
                v = c - '0';
            else if (hex && lower(c) >= 'a' && lower(c) <= 'f')
                v = lower(c) - 'a' + 10;
            if (v < 0 || cp > 0x10FFFF)
                return 0;
            cp = cp * (hex ? 16u : 10u) + static_cast<std::uint32_t>(v);
        }
        append_utf8(out, static_cast<char32_t>(cp));
        return semi - amp + 1;
    }
    for (const NamedEntity& e : kEntities) {
        if (e.name == body) {
            append_utf8(out, e.cp);
            return semi - amp + 1;
        }
    }
    return 0;
}

/// Appends text with entities decoded.
void append_decoded(std::string_view s, std::string& out) {
    for (std::size_t i = 0; i < s.size();) {
        if (s[i] == '&') {
            std::size_t used = decode_entity(s, i, out);
            if (used > 0) {
                i += used;
                continue;
            }
        }
        out.push_back(s[i++]);
    }
}

/// Skips a tag starting at `lt`; handles comments, script/style bodies and title capture.
std::size_t skip_markup(std::string_view s, std::size_t lt, std::string& title, std::string& text) {
    if (s.compare(lt, 4, "<!--") == 0) {
        std::size_t end = s.find("-->", lt + 4);
        return end == std::string_view::npos ? s.size() : end + 3;
    }
    std::size_t gt = s.find('>', lt);
    if (gt == std::string_view::npos)
        return s.size();
    const bool closing = lt + 1 < s.size() && s[lt + 1] == '/';
    std::string name = tag_name(s, lt);
    if (!closing && (name == "script" || name == "style" || name == "title")) {
        std::string close = "</" + name;
        std::size_t end = ifind(s, gt + 1, close);
        std::size_t body_end = end == std::string_view::npos ? s.size() : end;
        if (name == "title" && title.empty())
            append_decoded(s.substr(gt + 1, body_end - gt - 1), title);
        if (end == std::string_view::npos)
            return s.size();
        std::size_t close_gt = s.find('>', end);
        return close_gt == std::string_view::npos ? s.size() : close_gt + 1;
    }
    if (std::find(kBlockTags.begin(), kBlockTags.end(), name) != kBlockTags.end()) {
        text.push_back('\n');
    }
    return gt + 1;
}

}  // namespace

void append_utf8(std::string& out, char32_t cp) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0)
        cp = 0xFFFD;
    auto put = [&out](std::uint32_t b) { out.push_back(static_cast<char>(b)); };
    const auto c = static_cast<std::uint32_t>(cp);
    if (c < 0x80) {
        put(c);
    } else if (c < 0x800) {
        put(0xC0 | (c >> 6));
        put(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        put(0xE0 | (c >> 12));
        put(0x80 | ((c >> 6) & 0x3F));
        put(0x80 | (c & 0x3F));
    } else {
        put(0xF0 | (c >> 18));
        put(0x80 | ((c >> 12) & 0x3F));
        put(0x80 | ((c >> 6) & 0x3F));
        put(0x80 | (c & 0x3F));
    }
}

void html_to_text(std::string_view html, std::string& title, std::string& text) {
    title.clear();
    text.clear();
    std::size_t i = 0;
    while (i < html.size()) {
        std::size_t lt = html.find('<', i);
        std::size_t stop = lt == std::string_view::npos ? html.size() : lt;
        append_decoded(html.substr(i, stop - i), text);
        if (lt == std::string_view::npos)
            break;
        const bool is_tag = lt + 1 < html.size() &&
                            (std::isalpha(static_cast<unsigned char>(html[lt + 1])) ||
                             html[lt + 1] == '/' || html[lt + 1] == '!' || html[lt + 1] == '?');
        if (!is_tag) {  // a lone '<' in text
            text.push_back('<');
            i = lt + 1;
            continue;
        }
        i = skip_markup(html, lt, title, text);
    }
}

}  // namespace neardup
