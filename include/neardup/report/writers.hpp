// Result writers: per-document assignments (TSV/CSV), groups (JSONL), keep/drop id lists and
// the run summary.
//
// Every command that writes rows (scan, index add/query/report/export) writes the same columns:
//   id  near  story  representative  similarity  source  date  title  url  action
// then its own (index add/query/report: matched_near matched_story; export: added), then
// lang, and for index add/query/report old_story: the rows of a night end with one row per
// held article whose story changed (action `moved`, old_story its story before; similarity
// empty, representative 0; old_story is empty in every other row).
// `near` numbers near-duplicate groups (scan: 1, 2, ... by their first document; the index:
// stable ids), `story` story clusters; `representative` is 1 for the one document of each near
// group to keep; `similarity` (to the group's representative) has 4 decimals; `date` is the
// publication time in ISO 8601 UTC ("2026-12-01T08:30:00Z"), `title` and `url` the document's
// when known (a web page's, or the --title-field / --url-field), else empty. `action` is what
// to do with the article, by one rule in a batch and against an index, at the --level chosen:
// `drop` when its group (story, at the story level) already has a kept article (held in the
// index, or the batch's representative); else `new-story` when its story has no kept article
// yet, else `keep` (a new text of a known story). Export has no action (empty).
// TSV escapes backslash, tab, CR and LF in fields as \\ \t \r \n; CSV quotes as RFC 4180;
// `header` false leaves the header line out.
// JSONL: one object per row with the same keys (representative true/false, unknown values
// null). Stories (scan's --format stories): one object per story cluster, groups nested:
//   {"story":1,"size":3,"kept":"a","groups":[{"near":1,"size":2,"kept":"a",
//    "members":[{"id":"a","representative":true,"similarity":1.0000,"source":"a.txt"},...]},...]}
// ("kept" names the article to keep; "representative" is true/false, as in every row).
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

enum class OutputFormat : std::uint8_t { kTsv, kCsv, kJsonl, kStories };
/// Which clustering keep/drop lists follow.
enum class Level : std::uint8_t { kNear, kStory };

/// "near" or "story"; throws ConfigError otherwise.
[[nodiscard]] Level parse_level(std::string_view name);

enum class Action : std::uint8_t { kKeep, kDrop, kNewStory };
[[nodiscard]] std::string_view action_name(Action a) noexcept;

/// The one rule (see the header comment), for a document of `r`: `near_held` / `story_held`
/// say whether its near group / story already holds an article of the index (a scan: false).
[[nodiscard]] Action action_of(const ScanResult& r, std::size_t doc, Level level,
                               bool near_held = false, bool story_held = false) noexcept;

/// "tsv", "csv", "jsonl" or "stories"; throws ConfigError otherwise.
[[nodiscard]] OutputFormat parse_output_format(std::string_view name);

void write_assignments(const ScanResult& result, OutputFormat format, std::ostream& out,
                       bool header = true, Level level = Level::kNear);

/// `v` with `decimals` digits after the point ("%.*f").
[[nodiscard]] std::string format_fixed(double v, int decimals);

/// "2026-12-01T08:30:00Z" (UTC).
[[nodiscard]] std::string format_iso8601(std::int64_t seconds);

/// One line of an id list: `id` escaped as a TSV field is (a tab, newline, CR or backslash in
/// an id is written \t \n \r \\), so an id never splits into two lines of the list.
void write_id_line(std::string_view id, std::ostream& out);

/// Ids of the representatives of `level`'s clusters (keep) or of all other documents (drop),
/// one write_id_line() each.
void write_id_list(const ScanResult& result, Level level, bool keep, std::ostream& out);

/// One row of `index add/query` output or of `index export`.
struct IndexOutputRow {
    std::string id;
    std::uint64_t near = 0;   ///< stable near-duplicate group id
    std::uint64_t story = 0;  ///< stable story id
    bool representative = false;
    float similarity = 1.0F;
    std::string source;
    std::optional<std::int64_t> date;  ///< publication time
    std::string title;
    std::string url;
    std::string action;         ///< keep, drop, new-story (empty in export)
    std::string matched_near;   ///< earliest held article in the same near group (matches)
    std::string matched_story;  ///< earliest held article in the same story (matches)
    std::int64_t added = 0;     ///< insertion time (export)
    std::string lang = "und";   ///< language_name() of its language
    std::optional<std::uint64_t> old_story;  ///< a `moved` row's story before (matches)
};

/// The rows (see the header comment): the common columns, then matched_near matched_story
/// when `matches`, else added; then lang, and old_story when `matches`. Throws ConfigError for
/// kStories.
void write_index_rows(std::span<const IndexOutputRow> rows, OutputFormat format, bool matches,
                      std::ostream& out, bool header = true);

/// The story level's languages without term weights and its source templates, one line each
/// when there are any ("story level: 12 articles in languages without term weights: de 7,
/// fr 5": their stories are their near groups).
[[nodiscard]] std::string format_story_languages(const StoryStats& stats);

/// Human-readable end-of-run summary for stderr (several lines, each ending in '\n').
[[nodiscard]] std::string format_summary(const ScanResult& result);

/// JSON string literal for `s`, quotes included; invalid UTF-8 is written as U+FFFD.
void append_json_string(std::string& out, std::string_view s);

}  // namespace neardup
