#include "scan_common.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.hpp"
#include "neardup/core/error.hpp"
#include "neardup/core/escape.hpp"
#include "neardup/core/hash.hpp"
#include "neardup/io/parse.hpp"
#include "neardup/pipeline/explain.hpp"
#include "neardup/report/output_file.hpp"
#include "neardup/report/writers.hpp"

namespace neardup::cli {

boost::program_options::options_description input_options(ScanCli& c, bool whole_run) {
    namespace po = boost::program_options;
    po::options_description opts("Input options");
    opts.add_options()("id-field", po::value(&c.cfg.fields.id)->default_value("id"),
                       "JSON field with the document id")(
        "text-field", po::value(&c.cfg.fields.text)->default_value("text"),
        "JSON field with the text")("title-field", po::value(&c.cfg.fields.title),
                                    "JSON field with the title (optional)")(
        "date-field", po::value(&c.cfg.fields.date),
        "JSON field with the publication date (optional)")(
        "html", po::value(&c.html)->default_value("main"),
        "web pages: main (the article only) or all (every visible text)")(
        "text-format", po::value(&c.text_format)->default_value("text"),
        "what the JSON text field holds: text, html (a web page) or auto")(
        "url-field", po::value(&c.cfg.fields.url)->default_value("url"),
        "JSON field with the article's URL (its host is its site)")(
        "lang-field", po::value(&c.cfg.fields.lang)->default_value("lang"),
        "JSON field with the article's language (else it is the page's own, or identified "
        "from the text)")("max-doc-bytes", po::value(&c.max_doc_bytes)->default_value("16M"),
                          "skip documents larger than this (k, M, G suffixes)");
    if (whole_run) {
        opts.add_options()("site-boilerplate",
                           po::value(&c.site_boilerplate)->default_value("auto"),
                           "paragraphs recurring across different articles of a site: drop, "
                           "keep, or auto (drop when web pages are read)")(
            "strict", po::bool_switch(&c.cfg.strict),
            "treat any skipped input, or a date not read or implausible, as an error");
    }
    return opts;
}

void finish_input_config(ScanCli& c) {
    c.cfg.reader.max_doc_bytes = parse_size(c.max_doc_bytes, "--max-doc-bytes", kMaxDocBytesLimit);
    if (c.html == "main")
        c.cfg.html.mode = ExtractMode::kMain;
    else if (c.html == "all")
        c.cfg.html.mode = ExtractMode::kAll;
    else
        throw UsageError("unknown --html '" + c.html + "': expected main or all");
    if (c.site_boilerplate != "drop" && c.site_boilerplate != "keep" &&
        c.site_boilerplate != "auto")
        throw UsageError("unknown --site-boilerplate '" + c.site_boilerplate +
                         "': expected drop, keep or auto");
    if (c.text_format == "text")
        c.cfg.fields.text_format = TextFormat::kText;
    else if (c.text_format == "html")
        c.cfg.fields.text_format = TextFormat::kHtml;
    else if (c.text_format == "auto")
        c.cfg.fields.text_format = TextFormat::kAuto;
    else
        throw UsageError("unknown --text-format '" + c.text_format +
                         "': expected text, html or auto");
}

boost::program_options::options_description matching_options(ScanCli& c, bool exact_verify,
                                                             bool whole_run) {
    namespace po = boost::program_options;
    po::options_description opts("Matching options");
    opts.add_options()("story-threshold",
                       po::value(&c.cfg.story.edge_threshold)->default_value(0.1, "0.1"),
                       "weighted Jaccard of IDF-weighted content terms linking two stories")(
        "story-link", po::value(&c.cfg.story.link_threshold)->default_value(0.05, "0.05"),
        "complete-link threshold inside linked stories (keeps different events apart)")(
        "story-bands", po::value(&c.story_bands)->default_value("96"), "story LSH bands")(
        "story-rows", po::value(&c.story_rows)->default_value("2"), "story LSH rows per band")(
        "no-story", "skip the story level (story = near group)")(
        "threshold,t", po::value(&c.cfg.threshold)->default_value(0.8, "0.8"),
        "Jaccard similarity at which two documents are near-duplicates")(
        "num-perm,k", po::value(&c.num_perm)->default_value("128"), "MinHash slots per signature")(
        "shingle", po::value(&c.shingle)->default_value("words:5"), "features: words:K or chars:N")(
        "seed", po::value(&c.seed)->default_value("1"), "MinHash seed");
    if (whole_run)
        opts.add_options()("threads,j", po::value(&c.threads)->default_value("0"),
                           "worker threads (0: all cores)");
    if (exact_verify)
        opts.add_options()("exact-verify", po::bool_switch(&c.cfg.exact_verify),
                           "verify candidates with exact Jaccard (keeps shingle sets in memory)");
    opts.add(input_options(c, whole_run));
    return opts;
}

namespace {

constexpr std::size_t kMaxSkipLines = 50;

/// The bytes the inputs will give, when that is known before reading them: regular,
/// uncompressed files (a compressed file's or a pipe's size says nothing of its text).
std::optional<std::uint64_t> known_input_bytes(const std::vector<InputFile>& inputs) {
    std::uint64_t total = 0;
    for (const InputFile& f : inputs) {
        if (!f.error.empty())
            continue;
        std::error_code ec;
        if (f.path == "-" || f.compression != Compression::kNone ||
            !std::filesystem::is_regular_file(f.path, ec))
            return std::nullopt;
        total += std::filesystem::file_size(f.path, ec);
    }
    return total;
}

/// One-line progress on a terminal, refreshed at most five times a second: documents, MB,
/// MB/s, and the percent done and time left when the input's size is known.
class ProgressLine {
public:
    explicit ProgressLine(bool enabled, std::optional<std::uint64_t> total = std::nullopt)
        : enabled_(enabled), total_(total) {}
    void update(const ScanProgress& p) {
        if (!enabled_)
            return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(200))
            return;
        last_ = now;
        const double secs = std::chrono::duration<double>(now - start_).count();
        const double mb = static_cast<double>(p.input_bytes) / 1e6;
        char left[64] = "";
        if (total_ && *total_ > 0) {
            const double done =
                std::min(1.0, static_cast<double>(p.input_bytes) / static_cast<double>(*total_));
            const double eta = done > 0 ? secs * (1 - done) / done : 0;
            std::snprintf(left, sizeof left, ", %.0f%%, %.0f s left", done * 100, eta);
        }
        std::fprintf(stderr, "\rneardup: %llu docs, %llu skipped, %.1f MB, %.1f MB/s%s\033[K",
                     static_cast<unsigned long long>(p.docs),
                     static_cast<unsigned long long>(p.skipped), mb, secs > 0 ? mb / secs : 0.0,
                     left);
        shown_ = true;
    }
    void clear() {
        if (shown_)
            std::fputs("\r\033[K", stderr);
    }

private:
    bool enabled_;
    std::optional<std::uint64_t> total_;
    bool shown_ = false;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_{};
};

}  // namespace

namespace {

/// "FILE" or "FILE:LINE" -> the path and the line (0: the file's only record).
std::pair<std::string, std::uint64_t> split_doc(const std::string& spec) {
    std::error_code ec;
    if (std::filesystem::exists(spec, ec))
        return {spec, 0};
    const std::size_t colon = spec.rfind(':');
    if (colon != std::string::npos && colon + 1 < spec.size() &&
        spec.find_first_not_of("0123456789", colon + 1) == std::string::npos &&
        std::filesystem::exists(spec.substr(0, colon), ec)) {
        return {spec.substr(0, colon), parse_count(spec.substr(colon + 1), "LINE", 1, UINT64_MAX)};
    }
    throw UsageError(spec + ": no such file (a DOC is FILE or FILE:LINE)");
}

}  // namespace

Doc read_document(const std::string& spec, const ScanCli& c, bool regular_only) {
    const auto [path, line] = split_doc(spec);
    if (std::filesystem::is_directory(path))
        throw UsageError(path + " is a folder: a DOC is one document (FILE or FILE:LINE)");
    std::vector<InputFile> inputs = collect_inputs({path});
    for (InputFile& f : inputs)
        f.regular_only = regular_only;
    RecordReader reader(std::move(inputs), c.cfg.reader);
    RecordParser parser(c.cfg.fields, c.cfg.html);
    RawBatch batch;
    std::uint64_t records = 0;
    std::optional<Doc> found;
    while (reader.next_batch(batch)) {
        for (const RawRecord& rec : batch.records) {
            ++records;
            const bool wanted = line == 0 ? records == 1 : rec.line == line;
            if (!wanted || found)
                continue;
            Doc d{record_location(batch, rec), {}};
            parser.parse(batch, rec, d.parsed);
            if (d.parsed.skip != SkipReason::kNone) {
                throw IoError(d.where + ": " + std::string(skip_reason_name(d.parsed.skip)) + ": " +
                              d.parsed.message);
            }
            found = std::move(d);
        }
    }
    if (line == 0 && records > 1) {
        throw UsageError(path + " holds " + std::to_string(records) + " records: name one as " +
                         path + ":LINE");
    }
    if (!found)
        throw IoError(spec + ": no such record");
    return std::move(*found);
}

namespace {

/// The kept article of the largest near group (the first of equal ones) and its least similar
/// member; nothing when no group has two.
std::optional<std::pair<const ReportRow*, const ReportRow*>> pair_rows(
    std::span<const ReportRow> rows) {
    std::unordered_map<std::uint64_t, std::size_t> size;
    for (const ReportRow& r : rows)
        ++size[r.near];
    std::optional<std::uint64_t> largest;
    for (const ReportRow& r : rows) {
        if (size[r.near] >= 2 && (!largest || size[r.near] > size[*largest]))
            largest = r.near;
    }
    if (!largest)
        return std::nullopt;
    const ReportRow* kept = nullptr;
    const ReportRow* member = nullptr;
    for (const ReportRow& r : rows) {
        if (r.near != *largest)
            continue;
        if (r.representative)
            kept = &r;
        else if (member == nullptr || r.similarity < member->similarity)
            member = &r;
    }
    if (kept == nullptr || member == nullptr)
        return std::nullopt;
    return std::make_pair(kept, member);
}

/// A row's source read again, if it is still the document the run matched: a regular file
/// (a FIFO there would hang the report) whose text has the hash stored for the row (a file
/// replaced since, or a symlink to another file, is not that document). Throws IoError saying
/// why not.
Doc read_again(const ReportRow& row, const ScanCli& c, const StoredHash& stored_hash) {
    const std::optional<std::uint64_t> hash = stored_hash ? stored_hash(row) : row.text_hash;
    if (!hash)
        throw IoError(row.source + ": no hash of the text matched is stored to check it by");
    Doc d = read_document(row.source, c, true);
    if (hash64(d.parsed.text) != *hash)
        throw IoError(row.source + ": not the document the run matched (its text has changed)");
    return d;
}

}  // namespace

void add_report_pair(ReportInput& in, const ScanCli& c, const StoredHash& stored_hash) {
    const auto rows = pair_rows(in.rows);
    if (!rows)
        return;
    const auto& [kept, member] = *rows;
    try {
        const Doc a = read_again(*kept, c, stored_hash);
        const Doc b = read_again(*member, c, stored_hash);
        SharedSpans spans = shared_spans(a.parsed.text, b.parsed.text, c.cfg);
        in.pair = ReportPair{kept->source,
                             member->source,
                             kept->title,
                             member->title,
                             static_cast<double>(member->similarity),
                             std::move(spans.normalized_a),
                             std::move(spans.normalized_b),
                             std::move(spans.a),
                             std::move(spans.b)};
    } catch (const std::exception& e) {
        in.pair_missing = e.what();  // moved, gone or changed since: the report says so
    }
}

namespace {

std::unique_ptr<OutputFile> open_if_named(const std::string& path) {
    return path.empty() ? nullptr : std::make_unique<OutputFile>(path);
}

void write_report(OutputFile& out, const ScanResult& r, const ScanCli& c) {
    ReportInput in;
    std::string inputs;
    for (const std::string& p : c.paths)
        inputs += (inputs.empty() ? "" : " ") + p;
    in.heading = "neardup scan " + inputs;
    const ScanStats& s = r.stats;
    const double mb = static_cast<double>(s.input_bytes) / 1e6;
    const std::size_t groups = r.near.groups();
    in.summary = {
        {"documents", std::to_string(s.docs)},
        {"read", format_fixed(mb, 1) + " MB in " + format_fixed(s.seconds, 2) + " s (" +
                     format_fixed(s.seconds > 0 ? mb / s.seconds : 0, 1) + " MB/s)"},
        {"skipped", std::to_string(s.total_skipped())},
        {"near-duplicate groups", std::to_string(groups)},
        {"duplicates (to drop)", std::to_string(r.docs.size() - groups)},
        {"stories", std::to_string(r.story.groups())},
        {"LSH", std::to_string(r.lsh.bands) + " bands x " + std::to_string(r.lsh.rows) +
                    " rows, threshold " + format_fixed(c.cfg.threshold, 2) + ", " +
                    std::to_string(s.candidates) + " candidate pairs verified, " +
                    std::to_string(s.exact_copies) + " exact copies joined directly"},
        {"story level", c.cfg.story.enabled
                            ? std::to_string(r.story_stats.candidates) + " candidate pairs, " +
                                  std::to_string(r.story_stats.edges) + " edges"
                            : "off (--no-story)"},
        {"site boilerplate", c.cfg.site_boilerplate
                                 ? std::to_string(s.boilerplate_paragraphs) +
                                       " paragraphs, dropped from " +
                                       std::to_string(s.boilerplate_docs) + " documents"
                                 : "not looked for"},
        {"stage times",
         "scan " +
             format_fixed(s.seconds - r.story_stats.weights_seconds - r.story_stats.sketch_seconds -
                              r.story_stats.candidate_seconds - r.story_stats.link_seconds -
                              r.story_stats.refine_seconds,
                          3) +
             " s, story weights " + format_fixed(r.story_stats.weights_seconds, 3) + " s, sketch " +
             format_fixed(r.story_stats.sketch_seconds, 3) + " s, candidates " +
             format_fixed(r.story_stats.candidate_seconds, 3) + " s, link " +
             format_fixed(r.story_stats.link_seconds, 3) + " s, refine " +
             format_fixed(r.story_stats.refine_seconds, 3) + " s"}};
    report_skips_into(r.skips, in);
    in.rows.reserve(r.docs.size());
    for (std::size_t i = 0; i < r.docs.size(); ++i) {
        const DocMeta& d = r.docs[i];
        const std::uint32_t g = r.near.group_of[i];
        in.rows.push_back({d.id, std::uint64_t{g} + 1, std::uint64_t{r.story.group_of[i]} + 1,
                           r.near.representative[g] == i, r.similarity[i], d.source, d.date,
                           d.title, d.url, d.text_hash});
    }
    in.lsh = r.lsh;
    in.threshold = c.cfg.threshold;
    add_report_pair(in, c);
    write_html_report(in, out.stream());
}

}  // namespace

boost::program_options::options_description run_output_options(OutputCli& o) {
    namespace po = boost::program_options;
    po::options_description opts;
    opts.add_options()("keep", po::value(&o.keep), "write the ids to keep (one per group) to FILE")(
        "drop", po::value(&o.drop), "write the ids to drop (all other documents) to FILE")(
        "level", po::value(&o.level)->default_value("near"),
        "clusters --keep/--drop follow: near (copies) or story (same story)")(
        "report", po::value(&o.report),
        "write a self-contained HTML report of the run (plots, largest stories) to FILE");
    return opts;
}

RunOutputs::RunOutputs(const OutputCli& o)
    : keep_(open_if_named(o.keep)),
      drop_(open_if_named(o.drop)),
      report_(open_if_named(o.report)),
      report_path_(o.report) {}

RunOutputs::~RunOutputs() = default;

void RunOutputs::write(const ScanResult& result, const ScanCli& c, Level level) {
    if (keep_) {
        write_id_list(result, level, true, keep_->stream());
        keep_->prepare();
    }
    if (drop_) {
        write_id_list(result, level, false, drop_->stream());
        drop_->prepare();
    }
    if (report_) {
        write_report(*report_, result, c);
        report_->prepare();
    }
    quiet_ = c.quiet;
}

void RunOutputs::commit() {
    for (const auto& out : {keep_.get(), drop_.get(), report_.get()}) {
        if (out != nullptr)
            out->commit();
    }
    if (report_) {
        if (!quiet_)
            std::cerr << "neardup: report written to " << escape_for_terminal(report_path_) << "\n";
    }
}

void report_skips_into(std::span<const SkipRecord> skips, ReportInput& in) {
    std::map<std::string, std::uint64_t> counts;
    for (const SkipRecord& s : skips) {
        const std::string reason(skip_reason_name(s.reason));
        ++counts[reason];
        in.skips.push_back({s.location, reason, s.message});
    }
    in.skip_counts.assign(counts.begin(), counts.end());
}

void phase(const ScanCli& c, const std::string& what) {
    if (!c.quiet && ::isatty(STDERR_FILENO) == 1)
        std::fprintf(stderr, "neardup: %s\n", what.c_str());
}

void report_skips(std::span<const SkipRecord> skips, std::string_view prefix) {
    std::size_t shown = 0;
    for (const SkipRecord& s : skips) {
        if (shown++ == kMaxSkipLines)
            break;
        // Paths, ids and messages quote the inputs: a newline there would forge a log line.
        std::cerr << prefix << "neardup: skipped " << escape_for_terminal(s.location) << ": "
                  << skip_reason_name(s.reason) << ": " << escape_for_terminal(s.message) << "\n";
    }
    if (skips.size() > kMaxSkipLines) {
        std::cerr << prefix << "neardup: ... " << skips.size() - kMaxSkipLines
                  << " more skipped (counts below)\n";
    }
}

std::string stamped(std::string_view lines, std::string_view stamp) {
    std::string out;
    std::size_t at = 0;
    while (at < lines.size()) {
        std::size_t end = lines.find('\n', at);
        end = end == std::string_view::npos ? lines.size() : end + 1;
        out.append(stamp).append(lines.substr(at, end - at));
        at = end;
    }
    return out;
}

void finish_config(ScanCli& c, const boost::program_options::variables_map& vm) {
    const std::pair<const char*, std::uint8_t> fields[] = {{"id-field", kIdField},
                                                           {"title-field", kTitleField},
                                                           {"date-field", kDateField},
                                                           {"url-field", kUrlField},
                                                           {"lang-field", kLangField}};
    for (const auto& [option, bit] : fields) {
        if (vm.count(option) > 0 && !vm[option].defaulted())
            c.named_fields.emplace_back(option, bit);
    }
    c.cfg.shingle = parse_shingle_spec(c.shingle);
    finish_input_config(c);
    c.cfg.threads = static_cast<std::uint32_t>(parse_count(c.threads, "--threads", 0, 1024));
    c.cfg.num_perm = static_cast<std::uint32_t>(parse_count(c.num_perm, "--num-perm", 1, 4096));
    c.cfg.seed = parse_count(c.seed, "--seed", 0, UINT64_MAX);
    c.cfg.story.lsh.bands =
        static_cast<std::uint32_t>(parse_count(c.story_bands, "--story-bands", 1, 4096));
    c.cfg.story.lsh.rows =
        static_cast<std::uint32_t>(parse_count(c.story_rows, "--story-rows", 1, 4096));
    c.cfg.story.enabled = vm.count("no-story") == 0;
    c.cfg.story.num_perm = c.cfg.story.lsh.bands * c.cfg.story.lsh.rows;
    if (c.cfg.story.num_perm > 4096)
        throw UsageError("--story-bands x --story-rows must be at most 4096");
    check_fraction(c.cfg.threshold, "--threshold");
    check_fraction(c.cfg.story.edge_threshold, "--story-threshold");
    check_fraction(c.cfg.story.link_threshold, "--story-link");
}

std::optional<boost::program_options::variables_map> parse_path_args(
    const std::vector<std::string>& args, const std::string& usage,
    const boost::program_options::options_description& opts, ScanCli& c) {
    namespace po = boost::program_options;
    po::options_description hidden;
    hidden.add_options()("path", po::value(&c.paths), "input paths");
    po::positional_options_description pos;
    pos.add("path", -1);
    po::variables_map vm;
    if (!parse_args(args, usage, opts, pos, vm, &hidden))
        return std::nullopt;
    if (c.paths.empty())
        throw UsageError("no input PATH given");
    return vm;
}

std::optional<boost::program_options::variables_map> parse_run_args(
    const std::vector<std::string>& args, const std::string& usage,
    boost::program_options::options_description opts, ScanCli& c) {
    opts.add(matching_options(c));
    auto vm = parse_path_args(args, usage, opts, c);
    if (vm)
        finish_config(c, *vm);
    return vm;
}

OutputFormat parse_scan_format(const ScanCli& c) {
    try {
        return parse_output_format(c.format);
    } catch (const ConfigError& e) {
        throw UsageError(e.what() + did_you_mean(c.format, {"tsv", "csv", "jsonl", "stories"}));
    }
}

void check_what_was_read(const ScanCli& c, const ScanStats& stats) {
    std::vector<std::string> problems;
    // A night whose articles are all held read what it should: only an empty one is said.
    if (stats.docs == 0 && stats.skipped[static_cast<std::size_t>(SkipReason::kAlreadyHeld)] == 0) {
        std::string paths;
        for (const std::string& p : c.paths)
            paths += (paths.empty() ? "" : " ") + p;
        problems.push_back("no documents were read from " + paths +
                           (stats.total_skipped() > 0 ? " (every input was skipped)"
                                                      : " (no file neardup reads is there)"));
    }
    for (const auto& [option, bit] : c.named_fields) {
        if (stats.json_records > 0 && (stats.fields_found & bit) == 0) {
            const std::string& name = option == "id-field"      ? c.cfg.fields.id
                                      : option == "title-field" ? c.cfg.fields.title
                                      : option == "date-field"  ? c.cfg.fields.date
                                      : option == "lang-field"  ? c.cfg.fields.lang
                                                                : c.cfg.fields.url;
            problems.push_back("--" + option + " '" + name + "' is in none of the " +
                               std::to_string(stats.json_records) + " JSON records read");
        }
    }
    if (problems.empty())
        return;
    if (c.cfg.strict)
        throw FormatError(problems.front() + " (--strict)");
    if (!c.quiet) {
        for (const std::string& p : problems)
            std::cerr << "neardup: warning: " << p << "\n";
    }
}

void resolve_site_boilerplate(ScanCli& c, const std::vector<InputFile>& inputs) {
    if (c.site_boilerplate != "auto") {
        c.cfg.site_boilerplate = c.site_boilerplate == "drop";
        return;
    }
    // Web pages: site templates are what the extractor leaves most of. Text and JSONL text are
    // read without the look at the whole run (it would cost them a third of their speed).
    c.cfg.site_boilerplate = c.cfg.fields.text_format != TextFormat::kText ||
                             std::any_of(inputs.begin(), inputs.end(), [](const InputFile& f) {
                                 return f.format == RecordFormat::kHtml;
                             });
}

namespace {

template <typename Result>
Result run_inputs_with_progress(ScanCli& c, std::vector<InputFile> inputs,
                                const std::function<Result(std::vector<InputFile>)>& scan) {
    resolve_site_boilerplate(c, inputs);
    const bool terminal = !c.quiet && ::isatty(STDERR_FILENO) == 1;
    ProgressLine progress(terminal, known_input_bytes(inputs));
    c.cfg.on_progress = [&progress](const ScanProgress& p) { progress.update(p); };
    try {
        Result result = scan(std::move(inputs));
        progress.clear();
        return result;
    } catch (...) {
        progress.clear();
        throw;
    }
}

}  // namespace

template <typename Result>
Result run_with_progress(ScanCli& c, const std::function<Result(std::vector<InputFile>)>& scan) {
    return run_inputs_with_progress<Result>(c, collect_inputs(c.paths, c.ids), scan);
}

template <typename Result>
Result run_with_progress(ScanCli& c, std::vector<InputFile> inputs,
                         const std::function<Result(std::vector<InputFile>)>& scan) {
    return run_inputs_with_progress<Result>(c, std::move(inputs), scan);
}

template Night run_with_progress<Night>(ScanCli&, std::vector<InputFile>,
                                        const std::function<Night(std::vector<InputFile>)>&);
template Night run_with_progress<Night>(ScanCli&,
                                        const std::function<Night(std::vector<InputFile>)>&);

ScanResult run(ScanCli& c) { return run(c, collect_inputs(c.paths, c.ids)); }

ScanResult run(ScanCli& c, std::vector<InputFile> inputs) {
    if (c.signed_ranks != nullptr) {
        SignedRanks& ranks = *c.signed_ranks;
        if (ranks.header().inputs != inputs.size())
            throw IoError("the sign stage read " + std::to_string(ranks.header().inputs) +
                          " inputs, these PATHs are " + std::to_string(inputs.size()) +
                          " now: files came or went since");
        c.cfg.now = ranks.header().now;
        return run_inputs_with_progress<ScanResult>(
            c, std::move(inputs), [&](std::vector<InputFile>) {
                return scan_signed(
                    c.cfg, ranks.total_bytes() / 1024,
                    [&ranks](std::string& bytes) { return ranks.next_chunk(bytes); },
                    [&ranks](std::string_view bytes, SignedBatch& b) { ranks.decode(bytes, b); });
            });
    }
    return run_inputs_with_progress<ScanResult>(
        c, std::move(inputs),
        [&c](std::vector<InputFile> in) { return run_scan(c.cfg, std::move(in)); });
}

}  // namespace neardup::cli
