// Private to the CLI: what `scan` and `index add/query` share: options, configuration,
// running the pipeline with a progress line, and reporting skips.
#pragma once

#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "neardup/pipeline/night.hpp"
#include "neardup/pipeline/pipeline.hpp"
#include "neardup/report/html_report.hpp"
#include "neardup/report/output_file.hpp"
#include "neardup/report/writers.hpp"
#include "neardup/stages/signed_files.hpp"
#include "run_files.hpp"

namespace neardup::cli {

struct ScanCli {
    ScanConfig cfg;
    std::vector<std::string> paths;
    InputIds ids;  ///< how whole-file ids are formed (the index: absolute or --id-root)
    std::string output = "-";
    std::string format = "tsv";
    std::string shingle = "words:5";
    std::string max_doc_bytes = "16M";
    // Counts as text, checked by parse_count: Boost reads "-1" into an unsigned as 2^32 - 1.
    std::string threads = "0";
    std::string num_perm = "128";
    std::string seed = "1";
    std::string story_bands = "96";
    std::string story_rows = "2";
    std::string html = "main";
    std::string text_format = "text";
    std::string site_boilerplate = "auto";
    bool quiet = false;
    bool no_header = false;
    /// The staged scan's link stage: the documents come signed from these files (stage link),
    /// not from reading and signing the inputs.
    neardup::SignedRanks* signed_ranks = nullptr;
    /// The JSON fields named on the command line (--id-field ... given, not defaulted), with
    /// their option, to report one that no record has (set by finish_config).
    std::vector<std::pair<std::string, std::uint8_t>> named_fields;
};

/// The outputs of a run besides its rows: the keep and drop lists (at --level) and the report.
struct OutputCli {
    std::string keep;
    std::string drop;
    std::string level = "near";
    std::string report;
};

/// --keep, --drop, --level and --report.
[[nodiscard]] boost::program_options::options_description run_output_options(OutputCli& o);
/// scan's output options: -o, --format, --no-header, --quiet and run_output_options().
[[nodiscard]] boost::program_options::options_description scan_output_options(ScanCli& c,
                                                                              OutputCli& o);

/// OutputCli's files, opened when constructed (before the run: an output that cannot be
/// written fails before any work is done), written and synced by write() (a device such as a
/// full disk fails there), put in place by commit(): a caller with outputs of its own writes
/// them all before it commits any.
class RunOutputs {
public:
    explicit RunOutputs(const OutputCli& o);
    ~RunOutputs();
    RunOutputs(const RunOutputs&) = delete;
    RunOutputs& operator=(const RunOutputs&) = delete;
    void write(const ScanResult& result, const ScanCli& c, Level level);
    void commit();

private:
    std::unique_ptr<OutputFile> keep_;
    std::unique_ptr<OutputFile> drop_;
    std::unique_ptr<OutputFile> report_;
    std::string report_path_;
    bool quiet_ = false;
};

/// Parses `opts` and the PATHs into c, nothing finished. Returns nothing when --help was
/// given. Throws UsageError (no PATH, a mistake in an option).
[[nodiscard]] std::optional<boost::program_options::variables_map> parse_path_args(
    const std::vector<std::string>& args, const std::string& usage,
    const boost::program_options::options_description& opts, ScanCli& c);

/// Parses a run's command line: `opts` (the command's visible options, matching_options
/// added here) and the PATHs, into c (finish_config). Returns nothing when --help was given.
/// Throws UsageError (no PATH, a mistake in an option).
[[nodiscard]] std::optional<boost::program_options::variables_map> parse_run_args(
    const std::vector<std::string>& args, const std::string& usage,
    boost::program_options::options_description opts, ScanCli& c);

/// c.format as a row format (tsv, csv, jsonl, stories); a mistyped one is a UsageError with a
/// did-you-mean.
[[nodiscard]] OutputFormat parse_scan_format(const ScanCli& c);

/// Options of how inputs are read (fields, web pages, size limit; with `whole_run`, for the
/// commands that read a run of inputs, also site boilerplate and strictness).
[[nodiscard]] boost::program_options::options_description input_options(ScanCli& c,
                                                                        bool whole_run = true);

/// Parses the input option strings into c.cfg. Throws UsageError.
void finish_input_config(ScanCli& c);

/// Options of the input, features, thresholds and story level (everything `run` needs).
/// `exact_verify`: offer --exact-verify (an index keeps signatures, not shingle sets);
/// `whole_run`: --threads and input_options' run options (explain reads two documents).
[[nodiscard]] boost::program_options::options_description matching_options(ScanCli& c,
                                                                           bool exact_verify = true,
                                                                           bool whole_run = true);

/// Parses the option strings into c.cfg after argument parsing. Throws UsageError.
void finish_config(ScanCli& c, const boost::program_options::variables_map& vm);

/// Sets c.cfg.site_boilerplate from --site-boilerplate (auto: when web pages are read).
void resolve_site_boilerplate(ScanCli& c, const std::vector<InputFile>& inputs);

/// What a run read nothing of, or of a named field: a folder without documents ("read 0
/// documents" alone says too little), a JSON field named on the command line that no record
/// has (a mistyped name would give empty columns). A warning on stderr (unless --quiet), an
/// error (FormatError) with --strict. Call it before writing the outputs.
void check_what_was_read(const ScanCli& c, const ScanStats& stats);

/// Collects the inputs and runs the pipeline, with a progress line on a terminal.
[[nodiscard]] ScanResult run(ScanCli& c);
/// The same over inputs already collected (DocMeta::input indexes them).
[[nodiscard]] ScanResult run(ScanCli& c, std::vector<InputFile> inputs);
/// The same around another runner of the pipeline (an index's night).
template <typename Result>
[[nodiscard]] Result run_with_progress(ScanCli& c, std::vector<InputFile> inputs,
                                       const std::function<Result(std::vector<InputFile>)>& scan);
template <typename Result>
[[nodiscard]] Result run_with_progress(ScanCli& c,
                                       const std::function<Result(std::vector<InputFile>)>& scan);

/// One document named on the command line and what was read of it.
struct Doc {
    std::string where;  ///< "file" or "file:line"
    ParsedDoc parsed;
};

/// Reads "FILE" (its only record) or "FILE:LINE" (a JSONL line), with c's input settings;
/// with `regular_only`, only from a regular file (a FIFO or device is an IoError, not a wait).
/// Throws UsageError for a bad name, IoError when it cannot be read or is skipped.
[[nodiscard]] Doc read_document(const std::string& spec, const ScanCli& c,
                                bool regular_only = false);

/// The side-by-side pair of a report (in.pair): the kept article of the largest near group and
/// its least similar member, read again from their sources when they are still the documents
/// matched (regular files, their texts' hashes the stored ones: `stored_hash`, by default the
/// rows' text_hash); else in.pair_missing says why the view is not there.
using StoredHash = std::function<std::optional<std::uint64_t>(const ReportRow&)>;
void add_report_pair(ReportInput& in, const ScanCli& c, const StoredHash& stored_hash = {});

/// Skips as the report lists them, and their counts by reason.
void report_skips_into(std::span<const SkipRecord> skips, ReportInput& in);

/// On a terminal (and without --quiet), one line on stderr naming the phase begun ("loading
/// 1200000 held articles", "writing the rows"): the steps around the scan's progress line.
void phase(const ScanCli& c, const std::string& what);

/// Prints the first skipped inputs (and how many more) to stderr, each line after `prefix`.
void report_skips(std::span<const SkipRecord> skips, std::string_view prefix = "");

/// Every line of `lines` after `stamp` (a log line's time, "2026-12-01T02:30:05Z ").
[[nodiscard]] std::string stamped(std::string_view lines, std::string_view stamp);

}  // namespace neardup::cli
