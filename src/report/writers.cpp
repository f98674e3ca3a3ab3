#include "neardup/report/writers.hpp"

#include <cstdio>

#include "neardup/core/error.hpp"
#include "neardup/text/html.hpp"

namespace neardup {
namespace {

std::string fixed4(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", v);
    return buf;
}

void append_tsv_field(std::string& out, std::string_view s) {
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
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
}

void write_rows(const ScanResult& r, bool csv, std::ostream& out) {
    const char sep = csv ? ',' : '\t';
    auto field = [csv](std::string& line, std::string_view s) {
        csv ? append_csv_field(line, s) : append_tsv_field(line, s);
    };
    std::string line;
    line.reserve(256);
    line = csv ? "id,near,representative,similarity,source\n"
               : "id\tnear\trepresentative\tsimilarity\tsource\n";
    out << line;
    for (std::size_t i = 0; i < r.docs.size(); ++i) {
        const std::uint32_t g = r.near.group_of[i];
        line.clear();
        field(line, r.docs[i].id);
        line += sep + std::to_string(g + 1) + sep;
        line += r.near.representative[g] == i ? '1' : '0';
        line += sep + fixed4(r.similarity[i]) + sep;
        field(line, r.docs[i].source);
        line.push_back('\n');
        out << line;
    }
}

void write_groups(const ScanResult& r, std::ostream& out) {
    // Members of each group in DocId order: bucket DocIds by group with a counting sort.
    const std::size_t groups = r.near.groups();
    std::vector<std::uint32_t> start(groups + 1, 0);
    for (std::uint32_t g : r.near.group_of) ++start[g + 1];
    for (std::size_t g = 0; g < groups; ++g) start[g + 1] += start[g];
    std::vector<DocId> members(r.docs.size());
    std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
    for (std::size_t i = 0; i < r.docs.size(); ++i) {
        members[fill[r.near.group_of[i]]++] = static_cast<DocId>(i);
    }
    std::string line;
    for (std::size_t g = 0; g < groups; ++g) {
        line = "{\"near\":" + std::to_string(g + 1) + ",\"size\":" + std::to_string(r.near.size[g]) +
               ",\"representative\":";
        append_json_string(line, r.docs[r.near.representative[g]].id);
        line += ",\"members\":[";
        for (std::uint32_t m = start[g]; m < start[g + 1]; ++m) {
            const DocId d = members[m];
            line += m == start[g] ? "{\"id\":" : ",{\"id\":";
            append_json_string(line, r.docs[d].id);
            line += ",\"similarity\":" + fixed4(r.similarity[d]) + ",\"source\":";
            append_json_string(line, r.docs[d].source);
            line += '}';
        }
        line += "]}\n";
        out << line;
    }
}

}  // namespace

OutputFormat parse_output_format(std::string_view name) {
    if (name == "tsv") return OutputFormat::kTsv;
    if (name == "csv") return OutputFormat::kCsv;
    if (name == "jsonl") return OutputFormat::kJsonl;
    throw ConfigError("unknown --format '" + std::string(name) + "': expected tsv, csv or jsonl");
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
            std::size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
            bool ok = len > 0 && i + len <= s.size();
            for (std::size_t k = 1; ok && k < len; ++k) {
                ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
            }
            if (ok) {
                out.append(s.substr(i, len));
                i += len - 1;
            } else {
                append_utf8(out, 0xFFFD);
            }
        }
    }
    out.push_back('"');
}

void write_assignments(const ScanResult& result, OutputFormat format, std::ostream& out) {
    switch (format) {
        case OutputFormat::kTsv:
            write_rows(result, false, out);
            break;
        case OutputFormat::kCsv:
            write_rows(result, true, out);
            break;
        case OutputFormat::kJsonl:
            write_groups(result, out);
            break;
    }
}

void write_id_list(const ScanResult& result, bool keep, std::ostream& out) {
    std::string line;
    for (std::size_t i = 0; i < result.docs.size(); ++i) {
        const bool is_rep = result.near.representative[result.near.group_of[i]] == i;
        if (is_rep != keep) continue;
        line.clear();
        append_tsv_field(line, result.docs[i].id);
        line.push_back('\n');
        out << line;
    }
}

std::string format_summary(const ScanResult& r) {
    const ScanStats& s = r.stats;
    const double mb = static_cast<double>(s.input_bytes) / 1e6;
    char buf[256];
    std::snprintf(buf, sizeof buf, "read %llu documents (%.1f MB) in %.2f s, %.1f MB/s\n",
                  static_cast<unsigned long long>(s.docs), mb, s.seconds,
                  s.seconds > 0 ? mb / s.seconds : 0.0);
    std::string out = buf;
    out += "skipped " + std::to_string(s.total_skipped());
    if (s.total_skipped() > 0) {
        std::string parts;
        for (int k = 1; k < kSkipReasonCount; ++k) {
            if (s.skipped[static_cast<std::size_t>(k)] == 0) continue;
            parts += parts.empty() ? " (" : ", ";
            parts += std::string(skip_reason_name(static_cast<SkipReason>(k))) + " " +
                     std::to_string(s.skipped[static_cast<std::size_t>(k)]);
        }
        out += parts + ")";
    }
    out += "\n";
    const std::size_t groups = r.near.groups();
    out += std::to_string(groups) + " near-duplicate groups, " +
           std::to_string(s.docs - groups) + " duplicates; LSH " + std::to_string(r.lsh.bands) +
           " bands x " + std::to_string(r.lsh.rows) + " rows, " + std::to_string(s.candidates) +
           " candidate pairs verified\n";
    return out;
}

}  // namespace neardup
