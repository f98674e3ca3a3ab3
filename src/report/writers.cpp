#include "neardup/report/writers.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <span>

#include <tbb/parallel_for.h>

#include "neardup/core/error.hpp"
#include "neardup/core/escape.hpp"
#include "neardup/core/utf8.hpp"

namespace neardup {
namespace {

/// printf's "%.4f" (std::to_chars with a precision is specified to print the same).
void append_fixed4(std::string& out, float v) {
    char buf[64];
    const auto r =
        std::to_chars(buf, buf + sizeof buf, static_cast<double>(v), std::chars_format::fixed, 4);
    out.append(buf, r.ptr);
}

std::string fixed4(float v) {
    std::string s;
    append_fixed4(s, v);
    return s;
}

void append_number(std::string& out, std::uint64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void append_tsv_field(std::string& out, std::string_view s) {
    if (s.find_first_of("\t\n\r\\") == std::string_view::npos) {
        out.append(s);
        return;
    }
    for (char c : s) {
        switch (c) {
            case '\t':
                out += "\\t";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\\':
                out += "\\\\";
                break;
            default:
                out.push_back(c);
        }
    }
}

void append_csv_field(std::string& out, std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
        out.append(s);
        return;
    }
    out.push_back('"');
    for (char c : s) {
        if (c == '"')
            out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

/// What every command's rows hold about one document (scan, index add/query/export/report).
struct RowView {
    std::string_view id;
    std::uint64_t near = 0;
    std::uint64_t story = 0;
    bool representative = false;
    float similarity = 1.0F;
    std::string_view source;
    std::optional<std::int64_t> date;
    std::string_view title;
    std::string_view url;
    std::string_view action;
};

constexpr std::string_view kRowColumns =
    "id\tnear\tstory\trepresentative\tsimilarity\tsource\tdate\ttitle\turl\taction";

/// The header line: the common columns, then `extra` (tab-separated), then lang (the last
/// column, so that the columns before it stay where scripts written for them look), commas
/// for CSV.
std::string header_line(OutputFormat format, std::string_view extra, std::string_view tail = {}) {
    std::string line(kRowColumns);
    if (!extra.empty())
        line.append("\t").append(extra);
    line.append("\tlang");
    if (!tail.empty())
        line.append("\t").append(tail);
    if (format == OutputFormat::kCsv)
        std::replace(line.begin(), line.end(), '\t', ',');
    return line + "\n";
}

/// A text field of a row: TSV- or CSV-escaped, or a JSON string (null when empty and `nullable`).
void append_field(std::string& line, OutputFormat format, std::string_view s,
                  bool nullable = false) {
    switch (format) {
        case OutputFormat::kCsv:
            append_csv_field(line, s);
            break;
        case OutputFormat::kJsonl:
            if (nullable && s.empty())
                line += "null";
            else
                append_json_string(line, s);
            break;
        default:
            append_tsv_field(line, s);
    }
}

/// The row's last field, its language: "\ten", or ",\"lang\":\"en\"" in JSONL (still open).
void append_lang(std::string& line, OutputFormat format, std::string_view lang) {
    if (format == OutputFormat::kJsonl) {
        line += ",\"lang\":";
        append_json_string(line, lang);
        return;
    }
    line.push_back(format == OutputFormat::kCsv ? ',' : '\t');
    line += lang;
}

/// The common part of a row: TSV/CSV fields, or a JSON object's first keys (not closed).
void append_row(std::string& line, OutputFormat format, const RowView& r) {
    const std::string date = r.date ? format_iso8601(*r.date) : std::string();
    if (format == OutputFormat::kJsonl) {
        line += "{\"id\":";
        append_json_string(line, r.id);
        line += ",\"near\":";
        append_number(line, r.near);
        line += ",\"story\":";
        append_number(line, r.story);
        line += r.representative ? ",\"representative\":true" : ",\"representative\":false";
        line += ",\"similarity\":";
        if (std::isnan(r.similarity))
            line += "null";  // unknown (a held article's move)
        else
            append_fixed4(line, r.similarity);
        line += ",\"source\":";
        append_json_string(line, r.source);
        line += ",\"date\":";
        append_field(line, format, date, true);
        line += ",\"title\":";
        append_field(line, format, r.title, true);
        line += ",\"url\":";
        append_field(line, format, r.url, true);
        line += ",\"action\":";
        append_field(line, format, r.action, true);
        return;
    }
    const char sep = format == OutputFormat::kCsv ? ',' : '\t';
    append_field(line, format, r.id);
    line.push_back(sep);
    append_number(line, r.near);
    line.push_back(sep);
    append_number(line, r.story);
    line.push_back(sep);
    line.push_back(r.representative ? '1' : '0');
    line.push_back(sep);
    if (!std::isnan(r.similarity))
        append_fixed4(line, r.similarity);
    line.push_back(sep);
    append_field(line, format, r.source);
    line.push_back(sep);
    line += date;
    line.push_back(sep);
    append_field(line, format, r.title);
    line.push_back(sep);
    append_field(line, format, r.url);
    line.push_back(sep);
    line += r.action;
}

void write_rows(const ScanResult& r, OutputFormat format, bool header, Level level,
                std::ostream& out) {
    auto format_row = [&](std::size_t i, std::string& buf) {
        const std::uint32_t g = r.near.group_of[i];
        const DocMeta& d = r.docs[i];
        append_row(buf, format,
                   {d.id, std::uint64_t{g} + 1, std::uint64_t{r.story.group_of[i]} + 1,
                    r.near.representative[g] == i, r.similarity[i], d.source, d.date, d.title,
                    d.url, action_name(action_of(r, i, level))});
        append_lang(buf, format, language_name(d.lang));
        buf += format == OutputFormat::kJsonl ? "}\n" : "\n";
    };
    if (header && format != OutputFormat::kJsonl)
        out << header_line(format, "");
    // Blocks of rows are formatted in parallel (formatting is most of the time left after
    // the scan, and it would otherwise run on one core), a window of blocks at a time so
    // that the text held at once stays small, and written in order.
    constexpr std::size_t kBlockRows = 4096;
    constexpr std::size_t kWindowBlocks = 16;
    std::vector<std::string> blocks(kWindowBlocks);
    const std::size_t n = r.docs.size();
    for (std::size_t window = 0; window < n; window += kBlockRows * kWindowBlocks) {
        const std::size_t count =
            std::min(kWindowBlocks, (n - window + kBlockRows - 1) / kBlockRows);
        tbb::parallel_for(std::size_t{0}, count, [&](std::size_t b) {
            std::string& buf = blocks[b];
            buf.clear();
            const std::size_t first = window + b * kBlockRows;
            for (std::size_t i = first; i < std::min(n, first + kBlockRows); ++i)
                format_row(i, buf);
        });
        for (std::size_t b = 0; b < count; ++b)
            out.write(blocks[b].data(), static_cast<std::streamsize>(blocks[b].size()));
    }
}

/// Item indexes bucketed by label (counting sort): members of label L are
/// order[start[L] .. start[L + 1]), ascending.
struct Buckets {
    std::vector<std::uint32_t> start;
    std::vector<std::uint32_t> order;
};

Buckets bucket_by(std::span<const std::uint32_t> label, std::size_t labels) {
    Buckets b;
    b.start.assign(labels + 1, 0);
    for (std::uint32_t l : label)
        ++b.start[l + 1];
    for (std::size_t l = 0; l < labels; ++l)
        b.start[l + 1] += b.start[l];
    b.order.resize(label.size());
    std::vector<std::uint32_t> fill(b.start.begin(), b.start.end() - 1);
    for (std::size_t i = 0; i < label.size(); ++i) {
        b.order[fill[label[i]]++] = static_cast<std::uint32_t>(i);
    }
    return b;
}

void append_group(const ScanResult& r, const Buckets& docs_by_group, std::uint32_t g,
                  std::string& line) {
    line += "{\"near\":" + std::to_string(g + 1) + ",\"size\":" + std::to_string(r.near.size[g]) +
            ",\"kept\":";
    append_json_string(line, r.docs[r.near.representative[g]].id);
    line += ",\"members\":[";
    for (std::uint32_t m = docs_by_group.start[g]; m < docs_by_group.start[g + 1]; ++m) {
        const std::uint32_t d = docs_by_group.order[m];
        line += m == docs_by_group.start[g] ? "{\"id\":" : ",{\"id\":";
        append_json_string(line, r.docs[d].id);
        line += std::string(",\"representative\":") +
                (r.near.representative[g] == d ? "true" : "false") +
                ",\"similarity\":" + fixed4(r.similarity[d]) + ",\"source\":";
        append_json_string(line, r.docs[d].source);
        line += ",\"lang\":";
        append_json_string(line, language_name(r.docs[d].lang));
        line += '}';
    }
    line += "]}";
}

/// One line per story: its near-duplicate groups nested, each with its members.
void write_stories(const ScanResult& r, std::ostream& out) {
    const Buckets docs_by_group = bucket_by(r.near.group_of, r.near.groups());
    std::vector<std::uint32_t> story_of_group(r.near.groups());
    for (std::size_t g = 0; g < r.near.groups(); ++g) {
        story_of_group[g] = r.story.group_of[r.near.representative[g]];
    }
    const Buckets groups_by_story = bucket_by(story_of_group, r.story.groups());
    std::string line;
    for (std::size_t s = 0; s < r.story.groups(); ++s) {
        line = "{\"story\":" + std::to_string(s + 1) +
               ",\"size\":" + std::to_string(r.story.size[s]) + ",\"kept\":";
        append_json_string(line, r.docs[r.story.representative[s]].id);
        line += ",\"groups\":[";
        for (std::uint32_t k = groups_by_story.start[s]; k < groups_by_story.start[s + 1]; ++k) {
            if (k != groups_by_story.start[s])
                line += ',';
            append_group(r, docs_by_group, groups_by_story.order[k], line);
        }
        line += "]}\n";
        out << line;
    }
}

}  // namespace

Level parse_level(std::string_view name) {
    if (name == "near")
        return Level::kNear;
    if (name == "story")
        return Level::kStory;
    throw ConfigError("unknown --level '" + std::string(name) + "': expected near or story");
}

OutputFormat parse_output_format(std::string_view name) {
    if (name == "tsv")
        return OutputFormat::kTsv;
    if (name == "csv")
        return OutputFormat::kCsv;
    if (name == "jsonl")
        return OutputFormat::kJsonl;
    if (name == "stories")
        return OutputFormat::kStories;
    throw ConfigError("unknown --format '" + std::string(name) +
                      "': expected tsv, csv, jsonl or stories");
}

void append_json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c == '\n' || c == '\t' || c == '\r') {
            out.push_back('\\');
            out.push_back(c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
        } else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
        } else if (c < 0x80) {
            out.push_back(static_cast<char>(c));
        } else {
            // Copy one valid UTF-8 sequence, or write U+FFFD for an invalid byte.
            const std::size_t len = valid_utf8_length(s.substr(i));
            if (len > 0) {
                out.append(s.substr(i, len));
                i += len - 1;
            } else {
                append_utf8(out, 0xFFFD);
            }
        }
    }
    out.push_back('"');
}

std::string format_fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string format_iso8601(std::int64_t seconds) {
    const auto t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    if (::gmtime_r(&t, &tm) == nullptr)
        return std::to_string(seconds);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string_view action_name(Action a) noexcept {
    switch (a) {
        case Action::kKeep:
            return "keep";
        case Action::kDrop:
            return "drop";
        case Action::kNewStory:
            return "new-story";
    }
    return "keep";
}

Action action_of(const ScanResult& r, std::size_t doc, Level level, bool near_held,
                 bool story_held) noexcept {
    const bool new_story = !story_held && r.story.representative[r.story.group_of[doc]] == doc;
    if (level == Level::kStory)
        return new_story ? Action::kNewStory : Action::kDrop;
    if (near_held || r.near.representative[r.near.group_of[doc]] != doc)
        return Action::kDrop;
    return new_story ? Action::kNewStory : Action::kKeep;
}

void write_assignments(const ScanResult& result, OutputFormat format, std::ostream& out,
                       bool header, Level level) {
    if (format == OutputFormat::kStories)
        write_stories(result, out);
    else
        write_rows(result, format, header, level, out);
}

void write_id_line(std::string_view id, std::ostream& out) {
    std::string line;
    append_tsv_field(line, id);
    line.push_back('\n');
    out << line;
}

void write_id_list(const ScanResult& result, Level level, bool keep, std::ostream& out) {
    const Clustering& c = level == Level::kStory ? result.story : result.near;
    for (std::size_t i = 0; i < result.docs.size(); ++i) {
        const bool is_rep = c.representative[c.group_of[i]] == i;
        if (is_rep == keep)
            write_id_line(result.docs[i].id, out);
    }
}

void write_index_rows(std::span<const IndexOutputRow> rows, OutputFormat format, bool matches,
                      std::ostream& out, bool header) {
    if (format == OutputFormat::kStories)
        throw ConfigError("--format stories is scan's; index rows are tsv, csv or jsonl");
    const char sep = format == OutputFormat::kCsv ? ',' : '\t';
    if (header && format != OutputFormat::kJsonl)
        out << (matches ? header_line(format, "matched_near\tmatched_story", "old_story")
                        : header_line(format, "added"));
    std::string line;
    for (const IndexOutputRow& r : rows) {
        line.clear();
        append_row(line, format,
                   {r.id, r.near, r.story, r.representative, r.similarity, r.source, r.date,
                    r.title, r.url, r.action});
        const bool json = format == OutputFormat::kJsonl;
        if (matches) {
            line += json ? ",\"matched_near\":" : std::string(1, sep);
            append_field(line, format, r.matched_near, true);
            line += json ? ",\"matched_story\":" : std::string(1, sep);
            append_field(line, format, r.matched_story, true);
        } else {
            line += json ? ",\"added\":" : std::string(1, sep);
            append_field(line, format, format_iso8601(r.added));
        }
        append_lang(line, format, r.lang);
        if (matches) {
            line += json ? ",\"old_story\":" : std::string(1, sep);
            if (r.old_story)
                line += std::to_string(*r.old_story);
            else if (json)
                line += "null";
        }
        line += json ? "}\n" : "\n";
        out << line;
    }
}

std::string format_story_languages(const StoryStats& s) {
    std::string out;
    if (!s.unweighed.empty()) {  // sorted most first
        std::uint64_t total = 0;
        std::string parts;
        for (const LanguageCount& c : s.unweighed) {
            total += c.documents;
            parts += (parts.empty() ? "" : ", ") + language_name(c.lang) + " " +
                     std::to_string(c.documents);
        }
        out += "story level: " + std::to_string(total) + (total == 1 ? " article" : " articles") +
               " in languages without term weights: " + parts + "\n";
    }
    if (s.template_terms > 0) {
        out += "story level: " + std::to_string(s.template_terms) +
               " template terms of sources left out of " + std::to_string(s.template_documents) +
               " articles\n";
    }
    return out;
}

std::string format_summary(const ScanResult& r) {
    const ScanStats& s = r.stats;
    const double mb = static_cast<double>(s.input_bytes) / 1e6;
    char buf[256];
    // An index's night reads only the held articles its own lead to ("index:" counts them).
    std::snprintf(buf, sizeof buf, "read %llu documents (%.1f MB) in %.2f s, %.1f MB/s\n",
                  static_cast<unsigned long long>(s.docs), mb, s.seconds,
                  s.seconds > 0 ? mb / s.seconds : 0.0);
    std::string out = buf;
    out += "skipped " + std::to_string(s.total_skipped());
    if (s.total_skipped() > 0) {
        std::string parts;
        for (int k = 1; k < kSkipReasonCount; ++k) {
            if (s.skipped[static_cast<std::size_t>(k)] == 0)
                continue;
            parts += parts.empty() ? " (" : ", ";
            parts += std::string(skip_reason_name(static_cast<SkipReason>(k))) + " " +
                     std::to_string(s.skipped[static_cast<std::size_t>(k)]);
        }
        out += parts + ")";
    }
    out += "\n";
    if (s.unreadable_dates > 0) {
        out += "dates not read: " + std::to_string(s.unreadable_dates) +
               " (the first: " + escape_for_terminal(s.first_unreadable_date) +
               "); those articles have no date\n";
    }
    if (s.implausible_dates > 0) {
        out += "implausible dates: " + std::to_string(s.implausible_dates) +
               " (the first: " + escape_for_terminal(s.first_implausible_date) +
               "); those articles have no date\n";
    }
    const std::size_t groups = r.near.groups();
    out += std::to_string(groups) + " near-duplicate groups, " +
           std::to_string(r.docs.size() - groups) + " duplicates; LSH " +
           std::to_string(r.lsh.bands) + " bands x " + std::to_string(r.lsh.rows) + " rows, " +
           std::to_string(s.candidates) + " candidate pairs verified, " +
           std::to_string(s.exact_copies) + " exact copies joined directly\n";
    if (s.boilerplate_seconds > 0) {
        std::snprintf(buf, sizeof buf,
                      "site boilerplate: %llu paragraphs recurring across different articles of a "
                      "site, dropped from %llu documents (%.3f s)\n",
                      static_cast<unsigned long long>(s.boilerplate_paragraphs),
                      static_cast<unsigned long long>(s.boilerplate_docs), s.boilerplate_seconds);
        out += buf;
    }
    out += std::to_string(r.story.groups()) + " story clusters; " +
           std::to_string(r.story_stats.candidates) + " story candidate pairs (" +
           std::to_string(r.story_stats.verified) + " verified), " +
           std::to_string(r.story_stats.edges) + " edges, largest component " +
           std::to_string(r.story_stats.largest_component) + "\n";
    out += format_story_languages(r.story_stats);
    std::snprintf(buf, sizeof buf,
                  "time: scan %.3f s, story weights %.3f s, sketch %.3f s, candidates %.3f s, "
                  "link %.3f s, refine %.3f s\n",
                  s.seconds - r.story_stats.weights_seconds - r.story_stats.sketch_seconds -
                      r.story_stats.candidate_seconds - r.story_stats.link_seconds -
                      r.story_stats.refine_seconds,
                  r.story_stats.weights_seconds, r.story_stats.sketch_seconds,
                  r.story_stats.candidate_seconds, r.story_stats.link_seconds,
                  r.story_stats.refine_seconds);
    out += buf;
    return out;
}

}  // namespace neardup
