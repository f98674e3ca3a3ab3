// The run report: one self-contained HTML file to look at (no script, font, style sheet or
// image from anywhere else; the plots are inline SVG written here).
//
// It shows the run's summary (documents, MB/s, skips by reason with the skipped inputs, groups,
// duplicates, stories, stage times), plots of near-group and story sizes, of the members'
// similarity, of the LSH S-curve for the run's bands x rows with the threshold marked, and of
// articles per day when dates are known; the largest stories with their near groups (title,
// source, date, URL, similarity, which one is kept); a side-by-side view of two members of one
// group with the passages they share highlighted (or why it is not there: the sources read
// again must be regular files still holding the texts matched); and what to drop. Titles link
// to their URLs only when these are http(s): a page's "javascript:" URL would run in the
// report. `neardup scan --report`
// and `neardup index report --run N -o FILE.html` fill it.
//
// Example:
//   neardup::ReportInput in;  // ... rows, summary, lsh
//   neardup::write_html_report(in, out);
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "neardup/lsh/params.hpp"

namespace neardup {

struct ReportRow {
    std::string id;
    std::uint64_t near = 0;
    std::uint64_t story = 0;
    bool representative = false;
    float similarity = 1.0F;
    std::string source;
    std::optional<std::int64_t> date;
    std::string title;
    std::string url;
    /// hash64 of the text matched: a source read again is that document only if its text has it
    std::optional<std::uint64_t> text_hash = std::nullopt;
};

/// Two members of one group, as normalized text, with the byte ranges each shares.
struct ReportPair {
    std::string a_source;
    std::string b_source;
    std::string a_title;
    std::string b_title;
    double similarity = 0;
    std::string a_text;
    std::string b_text;
    std::vector<std::pair<std::size_t, std::size_t>> a_shared;
    std::vector<std::pair<std::size_t, std::size_t>> b_shared;
};

struct ReportSkip {
    std::string location;
    std::string reason;
    std::string message;
};

struct ReportInput {
    std::string heading;  ///< "neardup scan: corpus/news corpus/seeds"
    std::vector<std::pair<std::string, std::string>> summary;        ///< label, value
    std::vector<std::pair<std::string, std::uint64_t>> skip_counts;  ///< reason, count
    std::vector<ReportSkip> skips;                                   ///< in input order
    std::vector<ReportRow> rows;                                     ///< one per document
    LshParams lsh;
    double threshold = 0.8;
    std::string threshold_label = "threshold";  ///< what the marked similarity is
    std::optional<ReportPair> pair;
    std::string pair_missing;  ///< why the side-by-side view is not shown (when there is a group)
    std::size_t max_stories = 20;  ///< largest stories shown
};

void write_html_report(const ReportInput& in, std::ostream& out);

}  // namespace neardup
