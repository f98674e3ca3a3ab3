#include "neardup/report/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <unordered_map>

#include "neardup/core/utf8.hpp"
#include "neardup/report/writers.hpp"

namespace neardup {
namespace {

/// Text for HTML: & < > " escaped, invalid UTF-8 as U+FFFD.
std::string esc(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 16);
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                if ((static_cast<unsigned char>(c) & 0x80) == 0) {
                    out.push_back(c);
                } else if (const std::size_t len = valid_utf8_length(s.substr(i)); len > 0) {
                    out.append(s.substr(i, len));
                    i += len - 1;
                } else {
                    append_utf8(out, 0xFFFD);
                }
        }
    }
    return out;
}

/// The URL to link to, or empty when it is not http(s). Pages choose their URLs: a
/// "javascript:", "data:" or "vbscript:" one would run the page's script when the report's
/// reader clicks. Browsers strip leading and trailing C0 controls and spaces, and tabs and
/// newlines anywhere, before reading the scheme ("java\nscript:" is "javascript:"): the check
/// reads the URL the way they do, and the link is that URL.
std::string link_target(std::string_view url) {
    std::string cleaned;
    for (const char c : url) {
        if (c != '\t' && c != '\n' && c != '\r')
            cleaned.push_back(c);
    }
    const auto is_c0_or_space = [](char c) { return static_cast<unsigned char>(c) <= 0x20; };
    while (!cleaned.empty() && is_c0_or_space(cleaned.back()))
        cleaned.pop_back();
    const auto first = std::find_if_not(cleaned.begin(), cleaned.end(), is_c0_or_space);
    cleaned.erase(cleaned.begin(), first);
    std::string scheme = cleaned.substr(0, std::min(cleaned.find(':'), cleaned.size()));
    for (char& c : scheme)
        c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (cleaned.find(':') == std::string::npos || (scheme != "http" && scheme != "https"))
        return {};
    return cleaned;
}

std::string day_of(std::int64_t t) { return format_iso8601(t).substr(0, 10); }

/// A bar chart: one bar per label, the count written above it.
std::string svg_bars(const std::string& title, const std::vector<std::string>& labels,
                     const std::vector<std::uint64_t>& values, const std::string& x_label) {
    constexpr int kW = 420;
    constexpr int kH = 200;
    constexpr int kLeft = 40;
    constexpr int kBottom = 40;
    constexpr int kTop = 24;
    const std::uint64_t top = std::max<std::uint64_t>(
        1, values.empty() ? 1 : *std::max_element(values.begin(), values.end()));
    const double slot = static_cast<double>(kW - kLeft - 10) /
                        static_cast<double>(std::max<std::size_t>(1, labels.size()));
    std::string s = "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                    std::to_string(kW) + "\" height=\"" + std::to_string(kH) +
                    "\" role=\"img\" aria-label=\"" + esc(title) + "\">";
    s +=
        "<text x=\"" + std::to_string(kW / 2) + "\" y=\"14\" class=\"t\">" + esc(title) + "</text>";
    s += "<line x1=\"" + std::to_string(kLeft) + "\" y1=\"" + std::to_string(kH - kBottom) +
         "\" x2=\"" + std::to_string(kW - 10) + "\" y2=\"" + std::to_string(kH - kBottom) +
         "\" class=\"axis\"/>";
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const double h =
            static_cast<double>(values[i]) / static_cast<double>(top) * (kH - kBottom - kTop - 12);
        const double x = kLeft + slot * static_cast<double>(i) + slot * 0.1;
        const double y = kH - kBottom - h;
        s += "<rect class=\"bar\" x=\"" + format_fixed(x, 1) + "\" y=\"" + format_fixed(y, 1) +
             "\" width=\"" + format_fixed(slot * 0.8, 1) + "\" height=\"" + format_fixed(h, 1) +
             "\"><title>" + esc(labels[i]) + ": " + std::to_string(values[i]) + "</title></rect>";
        s += "<text class=\"v\" x=\"" + format_fixed(x + slot * 0.4, 1) + "\" y=\"" +
             format_fixed(y - 3, 1) + "\">" + std::to_string(values[i]) + "</text>";
        s += "<text class=\"l\" x=\"" + format_fixed(x + slot * 0.4, 1) + "\" y=\"" +
             std::to_string(kH - kBottom + 14) + "\">" + esc(labels[i]) + "</text>";
    }
    s += "<text x=\"" + std::to_string(kW / 2) + "\" y=\"" + std::to_string(kH - 6) +
         "\" class=\"l\">" + esc(x_label) + "</text></svg></figure>";
    return s;
}

/// P(candidate) = 1 - (1 - s^r)^b over s in [0, 1], the threshold marked.
std::string svg_s_curve(LshParams lsh, double threshold, const std::string& label) {
    constexpr int kW = 420;
    constexpr int kH = 200;
    constexpr int kLeft = 40;
    constexpr int kBottom = 36;
    constexpr int kTop = 24;
    const auto px = [](double s) { return kLeft + s * (kW - kLeft - 10); };
    const auto py = [](double p) { return kH - kBottom - p * (kH - kBottom - kTop); };
    std::string pts;
    for (int i = 0; i <= 100; ++i) {
        const double s = i / 100.0;
        pts +=
            format_fixed(px(s), 1) + "," + format_fixed(py(candidate_probability(s, lsh)), 1) + " ";
    }
    const std::string title = "LSH S-curve: " + std::to_string(lsh.bands) + " bands x " +
                              std::to_string(lsh.rows) + " rows";
    std::string svg = "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                      std::to_string(kW) + "\" height=\"" + std::to_string(kH) +
                      "\" role=\"img\" aria-label=\"" + esc(title) + "\">";
    svg +=
        "<text x=\"" + std::to_string(kW / 2) + "\" y=\"14\" class=\"t\">" + esc(title) + "</text>";
    svg += "<line class=\"axis\" x1=\"" + format_fixed(px(0), 1) + "\" y1=\"" +
           format_fixed(py(0), 1) + "\" x2=\"" + format_fixed(px(1), 1) + "\" y2=\"" +
           format_fixed(py(0), 1) + "\"/>";
    svg += "<line class=\"axis\" x1=\"" + format_fixed(px(0), 1) + "\" y1=\"" +
           format_fixed(py(0), 1) + "\" x2=\"" + format_fixed(px(0), 1) + "\" y2=\"" +
           format_fixed(py(1), 1) + "\"/>";
    svg += "<polyline class=\"curve\" points=\"" + pts + "\"/>";
    svg += "<line class=\"thr\" x1=\"" + format_fixed(px(threshold), 1) + "\" y1=\"" +
           format_fixed(py(0), 1) + "\" x2=\"" + format_fixed(px(threshold), 1) + "\" y2=\"" +
           format_fixed(py(1), 1) + "\"/>";
    svg += "<text class=\"l\" x=\"" + format_fixed(px(threshold), 1) + "\" y=\"" +
           format_fixed(py(1) - 2, 1) + "\">" + esc(label) + " " + format_fixed(threshold, 2) +
           "</text>";
    for (double s : {0.0, 0.5, 1.0}) {
        svg += "<text class=\"l\" x=\"" + format_fixed(px(s), 1) + "\" y=\"" +
               format_fixed(py(0) + 14, 1) + "\">" + format_fixed(s, 1) + "</text>";
    }
    svg += "<text class=\"l\" x=\"" + std::to_string(kW / 2) + "\" y=\"" + std::to_string(kH - 4) +
           "\">Jaccard similarity; height: chance of becoming a candidate pair</text></svg>"
           "</figure>";
    return svg;
}

/// Sizes bucketed for a histogram: 1, 2, 3, 4, 5-9, 10-19, 20-49, 50+.
void size_histogram(const std::unordered_map<std::uint64_t, std::uint64_t>& sizes,
                    std::vector<std::string>& labels, std::vector<std::uint64_t>& counts) {
    labels = {"1", "2", "3", "4", "5-9", "10-19", "20-49", "50+"};
    counts.assign(labels.size(), 0);
    for (const auto& [id, n] : sizes) {
        const std::size_t b = n <= 4 ? n - 1 : n < 10 ? 4 : n < 20 ? 5 : n < 50 ? 6 : 7;
        ++counts[b];
    }
}

std::string highlighted(const std::string& text,
                        const std::vector<std::pair<std::size_t, std::size_t>>& spans) {
    std::string out;
    std::size_t at = 0;
    for (const auto& [b, e] : spans) {
        if (b < at || e > text.size())
            continue;
        out += esc(std::string_view(text).substr(at, b - at));
        out += "<mark>" + esc(std::string_view(text).substr(b, e - b)) + "</mark>";
        at = e;
    }
    out += esc(std::string_view(text).substr(at));
    return out;
}

constexpr const char* kStyle = R"CSS(
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
h3{font-size:15px;margin:18px 0 6px}table{border-collapse:collapse;margin:4px 0 12px}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f4f4f4}
td.n{text-align:right}.muted{color:#777}figure{display:inline-block;margin:6px 12px 6px 0}
svg text{font:11px system-ui,sans-serif;fill:#333;text-anchor:middle}svg .t{font-weight:600}
.bar{fill:#4a78b5}.axis{stroke:#888}.curve{fill:none;stroke:#c0392b;stroke-width:2}
.thr{stroke:#27ae60;stroke-dasharray:4 3}tr.group td{border-top:2px solid #999}
.pair{display:flex;gap:16px}.pair>div{flex:1;border:1px solid #ddd;padding:8px;white-space:pre-wrap;
font-size:13px}mark{background:#ffe08a}code{background:#f4f4f4;padding:0 3px}
)CSS";

struct Story {
    std::uint64_t id = 0;
    std::vector<std::size_t> rows;  ///< input order
};

void write_stories(const ReportInput& in, std::string& h) {
    std::map<std::uint64_t, Story> by_id;
    std::vector<std::uint64_t> order;
    for (std::size_t i = 0; i < in.rows.size(); ++i) {
        auto [it, fresh] = by_id.try_emplace(in.rows[i].story);
        if (fresh) {
            it->second.id = in.rows[i].story;
            order.push_back(in.rows[i].story);
        }
        it->second.rows.push_back(i);
    }
    std::vector<const Story*> stories;
    for (std::uint64_t id : order)
        stories.push_back(&by_id[id]);
    std::stable_sort(stories.begin(), stories.end(), [](const Story* a, const Story* b) {
        return a->rows.size() > b->rows.size();
    });
    h += "<h2>Largest stories</h2><p class=\"muted\">Each story with its near-duplicate groups; "
         "&#10003; marks the article to keep in its group.</p>";
    for (std::size_t k = 0; k < std::min(in.max_stories, stories.size()); ++k) {
        const Story& st = *stories[k];
        if (st.rows.size() < 2 && k > 0)
            break;
        std::vector<std::size_t> rows = st.rows;
        std::stable_sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
            return in.rows[a].near < in.rows[b].near;
        });
        std::size_t groups = 0;
        for (std::size_t i = 0; i < rows.size(); ++i)
            groups += i == 0 || in.rows[rows[i]].near != in.rows[rows[i - 1]].near ? 1U : 0U;
        const ReportRow& first = in.rows[st.rows.front()];
        h += "<section class=\"story\" data-story=\"" + std::to_string(st.id) + "\"><h3>Story " +
             std::to_string(st.id) + ": " + esc(first.title.empty() ? first.id : first.title) +
             " <span class=\"muted\">(" + std::to_string(st.rows.size()) + " articles, " +
             std::to_string(groups) + " near groups)</span></h3>";
        h += "<table><tr><th>near</th><th>keep</th><th>title</th><th>source</th><th>date</th>"
             "<th>similarity</th></tr>";
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const ReportRow& r = in.rows[rows[i]];
            const bool new_group = i == 0 || r.near != in.rows[rows[i - 1]].near;
            const std::string title = esc(r.title.empty() ? r.id : r.title);
            const std::string link = link_target(r.url);
            h += std::string("<tr") + (new_group && i > 0 ? " class=\"group\"" : "") +
                 " data-id=\"" + esc(r.id) + "\"><td class=\"n\">" + std::to_string(r.near) +
                 "</td><td>" + (r.representative ? "&#10003;" : "") + "</td><td>" +
                 (link.empty() ? title : "<a href=\"" + esc(link) + "\">" + title + "</a>") +
                 "</td><td>" + esc(r.source) + "</td><td>" + (r.date ? day_of(*r.date) : "") +
                 "</td><td class=\"n\">" + format_fixed(static_cast<double>(r.similarity), 4) +
                 "</td></tr>";
        }
        h += "</table></section>";
    }
}

void write_plots(const ReportInput& in, std::string& h) {
    std::unordered_map<std::uint64_t, std::uint64_t> near_sizes;
    std::unordered_map<std::uint64_t, std::uint64_t> story_sizes;
    std::vector<std::uint64_t> sim(11, 0);
    std::map<std::string, std::uint64_t> per_day;
    std::map<std::uint64_t, std::int64_t> story_start;  ///< story -> its first article's date
    for (const ReportRow& r : in.rows) {
        ++near_sizes[r.near];
        ++story_sizes[r.story];
        if (!r.representative) {
            const auto s = static_cast<double>(r.similarity);
            ++sim[s < 0.5
                      ? 0
                      : std::min<std::size_t>(10, static_cast<std::size_t>((s - 0.5) * 20) + 1)];
        }
        if (r.date) {
            ++per_day[day_of(*r.date)];
            auto [it, fresh] = story_start.try_emplace(r.story, *r.date);
            if (!fresh)
                it->second = std::min(it->second, *r.date);
        }
    }
    h += "<h2>Plots</h2>";
    std::vector<std::string> labels;
    std::vector<std::uint64_t> counts;
    size_histogram(near_sizes, labels, counts);
    h += svg_bars("Near-duplicate groups by size", labels, counts, "articles in the group");
    size_histogram(story_sizes, labels, counts);
    h += svg_bars("Stories by size", labels, counts, "articles in the story");
    std::vector<std::string> sim_labels{"<0.5"};
    for (int i = 0; i < 10; ++i)
        sim_labels.push_back(format_fixed(0.5 + i * 0.05, 2));
    h += svg_bars("Members' similarity to their group's kept article", sim_labels, sim,
                  "similarity (bins of 0.05)");
    h += svg_s_curve(in.lsh, in.threshold, in.threshold_label);
    if (!per_day.empty()) {
        std::vector<std::string> days;
        std::vector<std::uint64_t> n;
        for (const auto& [d, c] : per_day) {
            days.push_back(d.substr(5));
            n.push_back(c);
        }
        if (days.size() > 60) {  // the latest 60 days with articles
            days.erase(days.begin(), days.end() - 60);
            n.erase(n.begin(), n.end() - 60);
        }
        h += svg_bars("Articles per day (by publication date)", days, n,
                      per_day.begin()->first.substr(0, 4) + "; days with dated articles");
        std::map<std::string, std::uint64_t> started;
        for (const auto& [story, t] : story_start)
            ++started[day_of(t)];
        std::vector<std::string> story_days;
        std::vector<std::uint64_t> counts_per_day;
        for (const auto& [d, c] : started) {
            story_days.push_back(d.substr(5));
            counts_per_day.push_back(c);
        }
        if (story_days.size() > 60) {
            story_days.erase(story_days.begin(), story_days.end() - 60);
            counts_per_day.erase(counts_per_day.begin(), counts_per_day.end() - 60);
        }
        h += svg_bars("Stories over time: new stories per day (first article's date)", story_days,
                      counts_per_day, "days on which a dated story began");
    }
}

}  // namespace

void write_html_report(const ReportInput& in, std::ostream& out) {
    std::string h =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>neardup report</title><style>";
    h += kStyle;
    h += "</style></head><body><header><h1>neardup report</h1><p class=\"muted\">" +
         esc(in.heading) + "</p></header>";
    h += "<h2>Summary</h2><table id=\"summary\">";
    for (const auto& [k, v] : in.summary)
        h += "<tr><th>" + esc(k) + "</th><td>" + esc(v) + "</td></tr>";
    h += "</table>";
    if (!in.skip_counts.empty()) {
        h += "<h3>Skipped inputs</h3><table id=\"skips\"><tr><th>reason</th><th>count</th></tr>";
        for (const auto& [reason, n] : in.skip_counts)
            h += "<tr><td>" + esc(reason) + "</td><td class=\"n\">" + std::to_string(n) +
                 "</td></tr>";
        h += "</table><details><summary>the skipped inputs</summary><table>";
        constexpr std::size_t kMaxSkips = 500;
        for (std::size_t i = 0; i < std::min(kMaxSkips, in.skips.size()); ++i) {
            const ReportSkip& s = in.skips[i];
            h += "<tr><td>" + esc(s.location) + "</td><td>" + esc(s.reason) + "</td><td>" +
                 esc(s.message) + "</td></tr>";
        }
        h += "</table>";
        if (in.skips.size() > kMaxSkips)
            h += "<p>... " + std::to_string(in.skips.size() - kMaxSkips) + " more</p>";
        h += "</details>";
    }
    write_plots(in, h);
    write_stories(in, h);
    if (in.pair) {
        const ReportPair& p = *in.pair;
        h += "<h2>Side by side</h2><p>Two members of the largest near-duplicate group "
             "(similarity " +
             format_fixed(p.similarity, 4) +
             "), as normalized for matching; the passages they share are marked.</p>"
             "<div class=\"pair\" id=\"pair\"><div><h3>" +
             esc(p.a_title.empty() ? p.a_source : p.a_title) + "</h3><p class=\"muted\">" +
             esc(p.a_source) + "</p>" + highlighted(p.a_text, p.a_shared) + "</div><div><h3>" +
             esc(p.b_title.empty() ? p.b_source : p.b_title) + "</h3><p class=\"muted\">" +
             esc(p.b_source) + "</p>" + highlighted(p.b_text, p.b_shared) + "</div></div>";
    } else if (!in.pair_missing.empty()) {
        h += "<h2>Side by side</h2><p id=\"pair-missing\" class=\"muted\">Not shown: the two "
             "members of the largest near-duplicate group could not be read again as they were "
             "matched: " +
             esc(in.pair_missing) + "</p>";
    }
    std::size_t drop = 0;
    for (const ReportRow& r : in.rows)
        drop += r.representative ? 0 : 1;
    h += "<h2>What to drop</h2><p id=\"drop\">" + std::to_string(drop) + " of " +
         std::to_string(in.rows.size()) +
         " articles are copies of a kept one (near level). <code>neardup scan --drop FILE</code> "
         "writes their ids; <code>--level story --drop FILE</code> keeps one article per "
         "story instead.</p><details><summary>the ids</summary><pre>";
    constexpr std::size_t kMaxIds = 2000;
    std::size_t listed = 0;
    for (const ReportRow& r : in.rows) {
        if (r.representative || listed == kMaxIds)
            continue;
        h += esc(r.id) + "\n";
        ++listed;
    }
    h += "</pre></details></body></html>\n";
    out << h;
}

}  // namespace neardup
