// Result writers: per-document assignments (TSV/CSV), groups (JSONL), keep/drop id lists and
// the run summary.
//
// TSV/CSV: a header, then one row per document in input order with the columns
//   id  near  story  representative  similarity  source
// `near` numbers near-duplicate groups 1, 2, ... by their first document, `story` numbers
// story clusters the same way; `representative` is 1 for the one document of each near group
// to keep; `similarity` (to the group's representative) has 4 decimals.
// TSV escapes backslash, tab, CR and LF in fields as \\ \t \r \n; CSV quotes as RFC 4180.
// JSONL: one object per story cluster, its near-duplicate groups nested:
//   {"story":1,"size":3,"representative":"a","groups":[{"near":1,"size":2,
//    "representative":"a","members":[{"id":"a","similarity":1.0000,"source":"a.txt"},...]},...]}
// All output is canonical: the same input gives the same bytes for any thread count.
//
// Example:
//   neardup::write_assignments(result, neardup::OutputFormat::kTsv, std::cout);
#pragma once

#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "neardup/pipeline/pipeline.hpp"

namespace neardup {

enum class OutputFormat : std::uint8_t { kTsv, kCsv, kJsonl };
/// Which clustering keep/drop lists follow.
enum class Level : std::uint8_t { kNear, kStory };

/// "near" or "story"; throws ConfigError otherwise.
[[nodiscard]] Level parse_level(std::string_view name);

/// "tsv", "csv" or "jsonl"; throws ConfigError otherwise.
[[nodiscard]] OutputFormat parse_output_format(std::string_view name);

void write_assignments(const ScanResult& result, OutputFormat format, std::ostream& out);

/// Ids of the representatives of `level`'s clusters (keep) or of all other documents (drop).
void write_id_list(const ScanResult& result, Level level, bool keep, std::ostream& out);

/// One row of `index add/query` output or of `index export`.
struct IndexOutputRow {
    std::string id;
    std::uint64_t near = 0;   ///< stable near-duplicate group id
    std::uint64_t story = 0;  ///< stable story id
    bool representative = false;
    float similarity = 1.0F;
    std::string source;
    std::string matched_near;          ///< earliest held article in the same near group
    std::string matched_story;         ///< earliest held article in the same story
    std::optional<std::int64_t> date;  ///< export only
    std::int64_t added = 0;            ///< export only
};

/// TSV/CSV with a header (id near story representative similarity source, then
/// matched_near matched_story when `matches`, else date added), or JSONL, one object per row.
void write_index_rows(std::span<const IndexOutputRow> rows, OutputFormat format, bool matches,
                      std::ostream& out);

/// Human-readable end-of-run summary for stderr (several lines, each ending in '\n').
[[nodiscard]] std::string format_summary(const ScanResult& result);

/// JSON string literal for `s`, quotes included; invalid UTF-8 is written as U+FFFD.
void append_json_string(std::string& out, std::string_view s);

}  // namespace neardup
