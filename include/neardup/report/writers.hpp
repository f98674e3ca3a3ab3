// Result writers: per-document assignments (TSV/CSV), groups (JSONL), keep/drop id lists and
// the run summary.
//
// TSV/CSV: a header, then one row per document in input order with the columns
//   id  near  representative  similarity  source
// `near` numbers groups 1, 2, ... by their first document; `representative` is 1 for the one
// document of each group to keep; `similarity` (to the representative) has 4 decimals.
// TSV escapes backslash, tab, CR and LF in fields as \\ \t \r \n; CSV quotes as RFC 4180.
// JSONL: one object per group, in group order:
//   {"near":1,"size":2,"representative":"a","members":[{"id":"a","similarity":1.0000,
//    "source":"a.txt"}, ...]}
// All output is canonical: the same input gives the same bytes for any thread count.
//
// Example:
//   neardup::write_assignments(result, neardup::OutputFormat::kTsv, std::cout);
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "neardup/pipeline/pipeline.hpp"

namespace neardup {

enum class OutputFormat : std::uint8_t { kTsv, kCsv, kJsonl };

/// "tsv", "csv" or "jsonl"; throws ConfigError otherwise.
[[nodiscard]] OutputFormat parse_output_format(std::string_view name);

void write_assignments(const ScanResult& result, OutputFormat format, std::ostream& out);

/// Ids of representatives (keep) or of all other documents (drop), one per line.
void write_id_list(const ScanResult& result, bool keep, std::ostream& out);

/// Human-readable end-of-run summary for stderr (several lines, each ending in '\n').
[[nodiscard]] std::string format_summary(const ScanResult& result);

/// JSON string literal for `s`, quotes included; invalid UTF-8 is written as U+FFFD.
void append_json_string(std::string& out, std::string_view s);

}  // namespace neardup
