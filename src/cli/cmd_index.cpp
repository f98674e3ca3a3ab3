// neardup index: the persistent index for nightly runs (add, query, prune, stats, check, export).
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include <unistd.h>

#include "commands.hpp"
#include "index_checks.hpp"
#include "neardup/core/error.hpp"
#include "neardup/core/escape.hpp"
#include "neardup/dedup/corpus.hpp"
#include "neardup/io/parse.hpp"
#include "neardup/minhash/minhash.hpp"
#include "neardup/report/html_report.hpp"
#include "neardup/report/output_file.hpp"
#include "neardup/report/writers.hpp"
#include "neardup/store/index.hpp"
#include "neardup/store/stable_ids.hpp"
#include "neardup/text/date.hpp"
#include "scan_common.hpp"

namespace neardup::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kIndexHelp =
    "Usage: neardup index <add|query|prune|stats|check|export|runs|report> --db FILE ...\n"
    "\n"
    "  add     match new articles against the index and each other, write their rows, and\n"
    "          add them (one transaction, recorded as a run; a held id with the same text is\n"
    "          skipped and reported, with another text it is an update and replaces it)\n"
    "  query   the same matching, without adding\n"
    "  prune   delete articles older than --older-than (by date, else insertion time)\n"
    "  stats   counts, time span and file size (TSV: name, value)\n"
    "  check   verify the index; exit 0 when sound, 1 on damage\n"
    "  export  every held article: id, near, story, representative, similarity, source, ...\n"
    "  runs    the recorded 'index add' runs (TSV)\n"
    "  report  the rows a recorded run wrote, again (--run N)\n"
    "\n"
    "Story and near ids are stable across runs; when a new article joins two groups the older\n"
    "id survives and the other becomes its alias (table aliases). Run 'neardup index <command>\n"
    "--help' for options. Exit status: 0 ok, 1 error (also: index locked, damaged), 2 usage.\n";

/// The longest duration an option takes: 100 years (a cutoff further back is "everything",
/// and larger values overflowed into the future: prune then deleted the whole index).
constexpr std::int64_t kMaxDurationSeconds = std::int64_t{36525} * 86400;

/// "90d", "72h", "30m", "45s", "2w" -> seconds in 1..kMaxDurationSeconds. Throws UsageError.
std::int64_t parse_duration(const std::string& text, const std::string& option) {
    static const std::map<std::string, std::int64_t> kUnits{
        {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}, {"w", 604800}};
    const std::size_t digits = text.find_first_not_of("0123456789");
    const auto unit = kUnits.find(digits == std::string::npos ? "" : text.substr(digits));
    if (digits == 0 || unit == kUnits.end())
        throw UsageError("bad " + option + " '" + text + "': expected a duration like 90d or 72h");
    const auto count = static_cast<std::int64_t>(
        parse_count(text.substr(0, digits), option, 1,
                    static_cast<std::uint64_t>(kMaxDurationSeconds / unit->second)));
    return count * unit->second;
}

struct IndexCli {
    ScanCli scan;
    std::string db;
    std::string window;
    std::string as_of;
    std::string story_window;
    std::string keep;
    std::string drop;
    std::string kept;  ///< tonight's kept JSONL lines, as read
    std::string level = "near";
    bool wait = false;
};

/// --db, and for the commands that write (add, prune) --wait: readers never wait.
po::options_description db_options(IndexCli& c, bool writer = false) {
    po::options_description opts("Index options");
    opts.add_options()("help,h", "show this help")("db", po::value(&c.db), "index file (SQLite)");
    if (writer)
        opts.add_options()("wait", po::bool_switch(&c.wait),
                           "wait for another writer instead of failing");
    return opts;
}

void require_db(const IndexCli& c) {
    if (c.db.empty())
        throw UsageError("--db FILE is required");
}

/// tsv, csv or jsonl (scan's nested "stories" has no index counterpart). Throws UsageError.
OutputFormat parse_row_format(const std::string& name) {
    OutputFormat format{};
    try {
        format = parse_output_format(name);
    } catch (const ConfigError& e) {
        throw UsageError(e.what() + did_you_mean(name, {"tsv", "csv", "jsonl"}));
    }
    if (format == OutputFormat::kStories)
        throw UsageError("--format stories is scan's; index rows are tsv, csv or jsonl");
    return format;
}

/// Tonight's records: each new article's, kept unless its row says drop.
std::vector<RecordChoice> choices_of_night(const ScanResult& r, std::span<const RunRow> rows) {
    std::vector<bool> kept(r.docs.size(), false);
    for (std::size_t d = r.held; d < r.docs.size(); ++d)
        kept[d] = rows[d - r.held].action != "drop";
    return record_choices(r, kept);
}

/// A batch run again: tonight's records (every one skipped as held with the same text), each
/// kept as the first run's row of its id says. Found by id in tonight's reading, never by the
/// first run's line numbers: a retry whose files moved lines or were renamed writes the
/// records it read, and a record the first run dropped (or did not have) is never written.
std::vector<RecordChoice> choices_of_retry(std::span<const SkipRecord> skips,
                                           std::span<const RunRow> rows) {
    std::unordered_map<std::string_view, bool> kept_by_id;
    for (const RunRow& row : rows) {
        if (new_article(row))
            kept_by_id.emplace(row.id, row.action != "drop");
    }
    std::vector<RecordChoice> records;
    for (const SkipRecord& s : skips) {
        if (s.reason != SkipReason::kAlreadyHeld || s.line == 0)
            continue;
        const auto it = kept_by_id.find(s.id);
        if (it != kept_by_id.end())
            records.push_back({s.input, s.line, it->second});
    }
    std::sort(records.begin(), records.end(), [](const RecordChoice& a, const RecordChoice& b) {
        return std::tie(a.input, a.line) < std::tie(b.input, b.line);
    });
    return records;
}

void write_run_rows(std::span<const RunRow> rows, OutputFormat format, bool header,
                    std::ostream& out) {
    std::vector<IndexOutputRow> out_rows;
    out_rows.reserve(rows.size());
    for (const RunRow& r : rows) {
        out_rows.push_back({r.id, r.near, r.story, r.representative, r.similarity, r.source, r.date,
                            r.title, r.url, r.action, r.matched_near, r.matched_story, 0, r.lang,
                            r.old_story});
    }
    write_index_rows(out_rows, format, true, out, header);
}

std::string joined_paths(const std::vector<std::string>& paths) {
    std::string out;
    for (const std::string& p : paths)
        out.append(out.empty() ? "" : "\t").append(p);
    return out;
}

void report_updates(const ScanResult& r, std::string_view stamp) {
    constexpr std::size_t kMaxLines = 50;
    for (std::size_t i = 0; i < std::min(r.updates.size(), kMaxLines); ++i) {
        const DocMeta& m = r.docs[r.updates[i]];
        std::cerr << stamp << "neardup: updated " << escape_for_terminal(m.source) << ": id '"
                  << escape_for_terminal(m.id)
                  << "' is held with another text; the held version is replaced\n";
    }
    if (r.updates.size() > kMaxLines)
        std::cerr << stamp << "neardup: ... " << r.updates.size() - kMaxLines << " more updated\n";
}

/// Refuses (UsageError, before the index is opened) --kept with inputs that are whole files:
/// they have no lines to copy.
void refuse_whole_files(const ScanCli& c) {
    const std::vector<InputFile> inputs = collect_inputs(c.paths, c.ids);
    try {
        check_rereadable(inputs);  // a FIFO: its own reason
    } catch (const ConfigError& e) {
        throw UsageError(std::string("--kept: ") + e.what());
    }
    try {
        check_line_inputs(inputs);
    } catch (const ConfigError&) {
        throw UsageError("--kept takes JSONL inputs only; whole files: neardup dedup --to DIR");
    }
}

/// True when `path` is a file (not stdout) that holds something: a night's output that an
/// empty one must not replace.
bool holds_something(const std::string& path) {
    if (path.empty() || path == "-" || standard_stream_fd(path) >= 0)
        return false;
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec) && std::filesystem::file_size(path, ec) > 0 &&
           !ec;
}

/// The nightly log's line for a batch whose articles are all held, from inputs no recorded
/// run had (another spelling from another folder, files copied): its rows are a run's.
std::string no_run_note(const std::vector<std::string>& paths,
                        const std::vector<std::string>& left_alone) {
    std::string note = "neardup: every article of " + escape_for_terminal(joined_paths(paths)) +
                       " is held with the same text, and no recorded run had these inputs: "
                       "nothing new, no run recorded";
    for (std::size_t i = 0; i < left_alone.size(); ++i)
        note += (i == 0 ? "; left as they were, not replaced by empty ones: " : ", ") +
                escape_for_terminal(left_alone[i]);
    return note +
           "; 'neardup index runs' lists the runs, 'neardup index report --run N' writes the "
           "rows of run N again\n";
}

int match(const std::vector<std::string>& args, bool add) {
    IndexCli c;
    auto opts = db_options(c, add);
    opts.add_options()("window", po::value(&c.window),
                       "only match held articles dated (else added) within this time before "
                       "the batch's newest article, never later than now (e.g. 72h, 30d)")(
        "as-of", po::value(&c.as_of),
        "count --window and --story-window back from this date instead (e.g. "
        "2026-12-01T02:00Z)")(
        "story-window", po::value(&c.story_window)->default_value("30d"),
        "match held stories through their articles dated (else added) within this time before "
        "the batch's newest article, never later than now (e.g. 30d, 90d; all: no limit)")(
        "keep", po::value(&c.keep), "write the ids of the new articles to keep to FILE")(
        "drop", po::value(&c.drop), "write the ids of the new articles to drop to FILE")(
        "kept", po::value(&c.kept),
        "write the JSONL lines of the new articles kept (action not drop), as read, to FILE "
        "(.gz .zst .xz .bz2 compress)")(
        "level", po::value(&c.level)->default_value("near"),
        "the action and --keep/--drop follow: near (copies) or story (same story)")(
        "output,o", po::value(&c.scan.output)->default_value("-"), "write rows to FILE")(
        "format,f", po::value(&c.scan.format)->default_value("tsv"), "tsv, csv or jsonl")(
        "no-header", po::bool_switch(&c.scan.no_header), "leave out the TSV/CSV header line")(
        "quiet,q", po::bool_switch(&c.scan.quiet), "nothing on stderr but errors")(
        "id-root", po::value(&c.scan.ids.root),
        "ids of whole files are paths relative to DIR (default: absolute paths); the index "
        "keeps the first add's");
    opts.add(matching_options(c.scan, false));
    po::options_description hidden;
    // Not offered, but named when asked for: the index keeps signatures, not shingle sets.
    hidden.add_options()("path", po::value(&c.scan.paths), "input paths")(
        "exact-verify", po::bool_switch(&c.scan.cfg.exact_verify), "refused");
    po::positional_options_description pos;
    pos.add("path", -1);
    po::variables_map vm;
    const std::string usage = std::string("Usage: neardup index ") + (add ? "add" : "query") +
                              " --db FILE [options] PATH...\n\nWrites one row per new article: "
                              "id, near, story, representative, similarity, source,\ndate, title, "
                              "url, matched_near, matched_story (earliest held article in the\n"
                              "same group), lang, old_story; then one row per held article whose "
                              "story\nchanged tonight (action moved, old_story its story before).";
    if (!parse_args(args, usage, opts, pos, vm, &hidden))
        return kExitOk;
    require_db(c);
    if (c.scan.paths.empty())
        throw UsageError("no input PATH given");
    finish_config(c.scan, vm);
    if (c.scan.cfg.exact_verify)
        throw UsageError(
            "--exact-verify is not available with the index (it stores signatures, "
            "not shingle sets)");
    const OutputFormat format = parse_row_format(c.scan.format);
    refuse_outputs_among_inputs(c.scan.paths, {c.scan.output, c.keep, c.drop, c.kept});
    refuse_index_as_output(c.db, {c.scan.output, c.keep, c.drop, c.kept});
    refuse_same_outputs(
        {{"-o", c.scan.output}, {"--keep", c.keep}, {"--drop", c.drop}, {"--kept", c.kept}});
    const Level level = parse_level(c.level);
    if (!c.kept.empty())
        refuse_whole_files(c.scan);
    // Two different files are never one article: ids are absolute paths (or relative to
    // --id-root), so day folders that reuse file names do not collide.
    c.scan.ids.absolute = true;
    const std::int64_t now = clock_seconds();
    std::optional<std::int64_t> story_window;
    if (c.story_window != "all")
        story_window = parse_duration(c.story_window, "--story-window");
    std::optional<std::int64_t> as_of_date;
    if (!c.as_of.empty()) {
        as_of_date = parse_date(c.as_of);
        if (!as_of_date)
            throw UsageError("bad --as-of '" + c.as_of + "': expected a date (see DATES in " +
                             "man neardup)");
        // Windows never count back from a date later than now (a day of slack, as for dates
        // in the data): such an --as-of is a typo, and would leave every held article out.
        if (doubt_date(*as_of_date, now) == DateDoubt::kAfterNow)
            throw UsageError("bad --as-of '" + c.as_of + "': later than now (" +
                             format_iso8601(now) + ")");
    }
    std::optional<std::int64_t> since;
    std::string window_note;
    if (!c.window.empty()) {
        const NearWindow w = near_window(
            parse_duration(c.window, "--window"), as_of_date,
            as_of_date
                ? std::nullopt
                : newest_batch_date(collect_inputs(c.scan.paths, c.scan.ids), c.scan.cfg, now),
            now);
        since = w.since;
        window_note = "window: held articles since " + format_iso8601(w.since) + " (" + c.window +
                      " before " + format_iso8601(w.end) + ", " + w.from + ")\n";
    }

    // Every output is opened before the index and the night,
    // so one that cannot be written fails now, and a first add leaves no index behind.
    OutputFile out(c.scan.output);
    std::vector<std::pair<std::unique_ptr<OutputFile>, bool>> lists;  // and keep (vs drop)
    for (const auto& [path, keep] : {std::pair{c.keep, true}, std::pair{c.drop, false}}) {
        if (!path.empty())
            lists.emplace_back(std::make_unique<OutputFile>(path), keep);
    }
    IndexStore store(c.db, add ? IndexStore::Mode::kWrite : IndexStore::Mode::kRead, c.wait);
    const LshParams lsh = choose_params(c.scan.cfg.threshold, c.scan.cfg.num_perm);
    refuse_other_threshold(store, c.scan.cfg, lsh, c.db);
    store.check_settings(index_settings(c.scan.cfg, lsh));
    resolve_id_root(store, add, c.scan, c.db);
    if (store.was_empty_file() && store.created() && !c.scan.quiet)
        std::cerr << "neardup: " << escape_for_terminal(c.db)
                  << ": an empty file (0 bytes), not an index: a new index is made in it\n";
    if (!store.state("story_keys")) {
        if (!add)
            throw IoError(c.db +
                          ": index written by an older neardup: its story keys are filled in "
                          "by the next 'index add'");
        phase(c.scan,
              "filling in the story keys and term counts of an index of an older "
              "neardup (once)");
        fill_story_index(store, c.scan.cfg);
    }
    // Tonight's kept lines are read again after the night: the inputs are collected (and
    // stdin copied) first.
    std::vector<InputFile> inputs = collect_inputs(c.scan.paths, c.scan.ids);
    std::unique_ptr<OutputFile> kept_out;
    std::vector<InputStamp> stamps;
    if (!c.kept.empty()) {
        kept_out = std::make_unique<OutputFile>(c.kept);
        if (std::any_of(inputs.begin(), inputs.end(),
                        [](const InputFile& f) { return f.path == "-" && f.error.empty(); }))
            spool_stdin();
        stamps = stamp_inputs(inputs);
    }
    NightOptions night_options;
    night_options.near_since = since;
    night_options.now = now;
    night_options.story_window = story_window;
    night_options.as_of = as_of_date;
    const Night night = run_with_progress<Night>(c.scan, inputs, [&](std::vector<InputFile> in) {
        return run_night(store, c.scan.cfg, std::move(in), night_options);
    });
    const ScanResult& r = night.scan;
    check_what_was_read(c.scan, r.stats);
    if (night.story_since)
        window_note += "story window: held stories' articles since " +
                       format_iso8601(*night.story_since) + " (" + c.story_window + ")\n";

    const NightOutputs outputs = night_outputs(store, night, level, c.scan.paths);
    const std::vector<RunRow>& rows = outputs.rows;
    const std::vector<RunRow>& written = outputs.written();
    const std::optional<RunInfo>& again = outputs.again;
    if (again)
        refuse_other_level(*again, written, level);
    // Every article held, but no run had these inputs: the night's existing outputs stay.
    const bool nothing_new = outputs.nothing_new;
    std::vector<std::string> left_alone;
    if (nothing_new && !again) {
        for (const std::string& path : {c.scan.output, c.keep, c.drop, c.kept}) {
            if (holds_something(path))
                left_alone.push_back(path);
        }
    }
    const auto commit_unless_left = [&](OutputFile& file, const std::string& path) {
        if (std::find(left_alone.begin(), left_alone.end(), path) == left_alone.end())
            file.commit();
    };

    // A night is all or nothing: the rows are written and synced first, so a full disk fails
    // the run before the index changes; the run is recorded with its rows in the index's
    // transaction, so a kill between the commit and the rename loses nothing ('index report
    // --run N' writes them again).
    phase(c.scan, "writing " + std::to_string(rows.size()) + " rows" +
                      (add ? " and adding them to the index" : ""));
    write_run_rows(written, format, !c.scan.no_header, out.stream());
    out.prepare();
    for (const auto& [list, keep] : lists) {
        for (const std::string& id : outputs.listed_ids(keep))
            write_id_line(id, list->stream());
        list->prepare();
    }
    DedupStats kept_stats;
    if (kept_out) {
        ::lseek(STDIN_FILENO, 0, SEEK_SET);  // the copy of stdin, if one was read
        CompressedWriter writer(kept_out->stream(), compression_of(c.kept), c.kept);
        kept_stats = write_kept_lines(
            inputs, stamps, again ? choices_of_retry(r.skips, written) : choices_of_night(r, rows),
            writer);
        writer.finish();
        kept_out->prepare();
    }
    std::int64_t run = 0;
    double write_seconds = 0;
    if (add) {
        const auto start = std::chrono::steady_clock::now();
        RunInfo info{0,
                     now,
                     clock_seconds(),
                     joined_paths(c.scan.paths),
                     r.docs.size() - r.held,
                     r.updates.size(),
                     r.stats.total_skipped(),
                     level_name(level)};
        // A night that adds nothing (every article held with the same text) is no run; the
        // commit keeps what opening the index did (an upgrade, the story keys filled in).
        if (!nothing_new)
            run = store_night(store, night, c.scan.cfg.num_perm, info, rows, story_window);
        store.commit();
        write_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    commit_unless_left(out, c.scan.output);
    for (const auto& [list, keep] : lists)
        commit_unless_left(*list, keep ? c.keep : c.drop);
    if (kept_out)
        commit_unless_left(*kept_out, c.kept);
    // Said even with -q: outputs asked for were not written.
    if (nothing_new && !again)
        std::cerr << format_iso8601(clock_seconds()) << " "
                  << no_run_note(c.scan.paths, left_alone);
    if (!c.scan.quiet) {
        // Cron keeps stderr as the night's log: every line carries its time.
        const std::string stamp = format_iso8601(clock_seconds()) + " ";
        report_skips(r.skips, stamp);  // escaped there: a scraped id cannot forge a line
        report_updates(r, stamp);
        std::cerr << stamped(
            window_note + format_summary(r) + night_summary(r, rows, add, run) +
                (again ? "the batch of run " + std::to_string(again->run) +
                             " again (same inputs, every article held with the same text): " +
                             "its rows are written again, as 'neardup index report --run " +
                             std::to_string(again->run) + "' writes them\n"
                       : std::string()) +
                (kept_out ? "kept lines: " + std::to_string(kept_stats.kept_docs) + " of " +
                                std::to_string(kept_stats.kept_docs + kept_stats.dropped_docs) +
                                " written to " + escape_for_terminal(c.kept) + "\n"
                          : std::string()) +
                "index: " + std::to_string(r.held) + " held articles in the near groups met, " +
                std::to_string(night.held_stories_met) + " held stories touched, " +
                std::to_string(night.near.merges.size() + night.story_merges.size()) +
                " ids merged; held near groups read in " + format_fixed(night.lookup_seconds, 2) +
                " s, story level " + format_fixed(night.story_seconds, 2) + " s, written in " +
                format_fixed(write_seconds, 2) + " s\n",
            stamp);
    }
    return kExitOk;
}

/// `index runs`: one TSV row per recorded run.
int list_runs(const std::vector<std::string>& args) {
    IndexCli c;
    auto opts = db_options(c);
    po::variables_map vm;
    if (!parse_args(
            args,
            "Usage: neardup index runs --db FILE\n\nOne row per recorded 'index add' "
            "(TSV): run, started, finished (ISO 8601\nUTC), added, updated, skipped, inputs.",
            opts, {}, vm))
        return kExitOk;
    require_db(c);
    const IndexStore store(c.db, IndexStore::Mode::kRead, false);
    std::cout << "run\tstarted\tfinished\tadded\tupdated\tskipped\tinputs\n";
    for (const RunInfo& i : store.runs()) {
        std::string inputs = i.inputs;
        std::replace(inputs.begin(), inputs.end(), '\t', ' ');
        std::cout << i.run << '\t' << format_iso8601(i.started) << '\t'
                  << format_iso8601(i.finished) << '\t' << i.added << '\t' << i.updated << '\t'
                  << i.skipped << '\t' << inputs << '\n';
    }
    return kExitOk;
}

/// The HTML report of run `run` (its rows, as the night's matches file has them).
void write_run_report(const IndexStore& store, std::int64_t run, std::span<const RunRow> rows,
                      const IndexCli& c) {
    ReportInput in;
    const std::vector<RunInfo> runs = store.runs();
    const auto info =
        std::find_if(runs.begin(), runs.end(), [&](const RunInfo& r) { return r.run == run; });
    std::string inputs = info->inputs;
    std::replace(inputs.begin(), inputs.end(), '\t', ' ');
    in.heading = "neardup index add, run " + std::to_string(run) + " of " + c.db + ": " + inputs;
    std::uint64_t matched = 0;
    std::uint64_t moved = 0;
    for (const RunRow& r : rows) {
        matched += r.matched_near.empty() ? 0U : 1U;
        moved += new_article(r) ? 0U : 1U;
    }
    in.summary = {{"started", format_iso8601(info->started)},
                  {"finished", format_iso8601(info->finished)},
                  {"new articles", std::to_string(info->added)},
                  {"matched to held articles (near level)", std::to_string(matched)},
                  {"updated (held ids with a new text)", std::to_string(info->updated)},
                  {"held articles moved to another story", std::to_string(moved)},
                  {"skipped", std::to_string(info->skipped)}};
    const IndexSettings s = store.settings();
    const auto setting = [&](const char* key) {
        const auto it = s.find(key);
        return it == s.end() ? std::uint64_t{0}
                             : parse_count(it->second, std::string("the index's ") + key, 1, 4096);
    };
    in.lsh = {static_cast<std::uint32_t>(setting("bands")),
              static_cast<std::uint32_t>(setting("rows"))};
    // The index keeps bands x rows, not the threshold they were chosen for: mark where a pair
    // becomes a candidate with even odds.
    in.threshold = std::pow(1.0 - std::pow(0.5, 1.0 / in.lsh.bands), 1.0 / in.lsh.rows);
    in.threshold_label = "50% at";
    for (const RunRow& r : rows) {
        if (!new_article(r))
            continue;  // a move: the report shows the run's new articles
        in.rows.push_back({r.id, r.near, r.story, r.representative, r.similarity, r.source, r.date,
                           r.title, r.url});
    }
    // The hash of a text as held (nothing for a row pruned since, or stored before v2): the
    // report reads a source again only when it still holds that text.
    add_report_pair(in, c.scan, [&store](const ReportRow& r) {
        const auto held = store.held_text_hash(r.id);
        return held ? *held : std::nullopt;
    });
    OutputFile out(c.scan.output);
    write_html_report(in, out.stream());
    out.commit();
}

/// `index report --run N`: the rows run N wrote, again.
int report_run(const std::vector<std::string>& args) {
    IndexCli c;
    std::string run_text;
    auto opts = db_options(c);
    opts.add_options()("run", po::value(&run_text), "the run's number (see 'index runs')")(
        "output,o", po::value(&c.scan.output)->default_value("-"), "write rows to FILE")(
        "format,f", po::value(&c.scan.format)->default_value("tsv"), "tsv, csv, jsonl or html")(
        "no-header", po::bool_switch(&c.scan.no_header), "leave out the TSV/CSV header line");
    po::variables_map vm;
    if (!parse_args(args,
                    "Usage: neardup index report --db FILE --run N [-f tsv|csv|jsonl|html] "
                    "[-o FILE]\n\n"
                    "Writes the rows 'index add' run N wrote (its matches file), byte for byte;\n"
                    "with -f html (or -o FILE.html) that night's report as one HTML file.",
                    opts, {}, vm))
        return kExitOk;
    const bool html = c.scan.format == "html" ||
                      (vm["format"].defaulted() && c.scan.output.size() > 5 &&
                       c.scan.output.compare(c.scan.output.size() - 5, 5, ".html") == 0);
    require_db(c);
    if (run_text.empty())
        throw UsageError("--run N is required");
    const auto run = static_cast<std::int64_t>(parse_count(run_text, "--run", 1, INT64_MAX));
    const OutputFormat format = html ? OutputFormat::kTsv : parse_row_format(c.scan.format);
    refuse_index_as_output(c.db, {c.scan.output});
    const IndexStore store(c.db, IndexStore::Mode::kRead, false);
    const std::vector<RunRow> rows = store.run_rows(run);
    if (html) {
        write_run_report(store, run, rows, c);
        return kExitOk;
    }
    OutputFile out(c.scan.output);
    write_run_rows(rows, format, !c.scan.no_header, out.stream());
    out.commit();
    return kExitOk;
}

int prune(const std::vector<std::string>& args) {
    IndexCli c;
    std::string older;
    std::string before;
    std::string list;
    bool dry_run = false;
    auto opts = db_options(c, true);
    opts.add_options()("older-than", po::value(&older), "age, e.g. 90d (by date, else insertion)")(
        "before", po::value(&before), "or a date: delete what is dated (else added) before it")(
        "dry-run", po::bool_switch(&dry_run), "say what would be deleted; change nothing")(
        "list", po::value(&list), "write the deleted (or, with --dry-run, the doomed) ids to FILE")(
        "quiet,q", po::bool_switch(&c.scan.quiet), "nothing on stderr but errors");
    po::variables_map vm;
    if (!parse_args(args,
                    "Usage: neardup index prune --db FILE (--older-than 90d | --before DATE) "
                    "[--dry-run] [--list FILE]\n\n"
                    "Deletes the articles dated (else added) before the cutoff and gives their "
                    "space back to the\nfile system. Writes TSV: pruned, dry_run, bytes_before, "
                    "bytes_after. Aliases stay.",
                    opts, {}, vm))
        return kExitOk;
    require_db(c);
    if (older.empty() == before.empty())
        throw UsageError("give one of --older-than and --before");
    std::int64_t cutoff = 0;
    if (!older.empty()) {
        cutoff = clock_seconds() - parse_duration(older, "--older-than");
    } else {
        const std::optional<std::int64_t> t = parse_date(before);
        if (!t)
            throw UsageError("bad --before '" + before + "': expected a date");
        cutoff = *t;
    }
    refuse_index_as_output(c.db, {list});
    if (!std::filesystem::exists(c.db))
        throw IoError(c.db + ": no such index");
    std::error_code ec;
    const std::uintmax_t bytes_before = std::filesystem::file_size(c.db, ec);
    IndexStore store(c.db, IndexStore::Mode::kWrite, c.wait);
    if (store.created())
        throw IoError(c.db + ": empty index: no 'index add' has finished on it yet");
    const std::vector<std::string> doomed = store.ids_before(cutoff);
    // The list is written first but renamed into place only once the deletion is committed:
    // a prune that fails leaves no list of ids that are all still held.
    std::unique_ptr<OutputFile> list_out;
    if (!list.empty()) {
        list_out = std::make_unique<OutputFile>(list);
        for (const std::string& id : doomed)
            write_id_line(id, list_out->stream());
        list_out->prepare();
    }
    std::uint64_t removed = doomed.size();
    std::uint64_t bytes_after = bytes_before;
    if (!dry_run) {
        removed = store.prune(cutoff);
        store.commit();
    }
    if (list_out)
        list_out->commit();
    // Free pages, whoever left them (this deletion, or an earlier prune killed in VACUUM or
    // kept from it by a writer or a full disk), go back to the file system.
    if (!dry_run && store.free_pages() > 0)
        bytes_after = store.compact();
    std::cout << "pruned\t" << removed << "\ndry_run\t" << (dry_run ? "yes" : "no")
              << "\nbytes_before\t" << bytes_before << "\nbytes_after\t" << bytes_after << "\n";
    return kExitOk;
}

/// The stored story window (seconds, "all" or "") as a duration: 30d, 36h, 90s, all.
std::string window_text(const std::string& stored) {
    if (stored.empty() || stored == "all")
        return stored;
    const std::int64_t seconds = std::stoll(stored);
    if (seconds % 86400 == 0)
        return std::to_string(seconds / 86400) + "d";
    if (seconds % 3600 == 0)
        return std::to_string(seconds / 3600) + "h";
    return std::to_string(seconds) + "s";
}

int stats(const std::vector<std::string>& args) {
    IndexCli c;
    auto opts = db_options(c);
    po::variables_map vm;
    if (!parse_args(args, "Usage: neardup index stats --db FILE", opts, {}, vm))
        return kExitOk;
    require_db(c);
    const IndexStore store(c.db, IndexStore::Mode::kRead, false);
    const IndexStats s = store.stats();
    std::cout << "documents\t" << s.docs << "\nnear_groups\t" << s.near_groups << "\nstories\t"
              << s.stories << "\naliases\t" << s.aliases << "\noldest\t"
              << (s.oldest ? format_iso8601(*s.oldest) : "") << "\nnewest\t"
              << (s.newest ? format_iso8601(*s.newest) : "") << "\nfile_bytes\t" << s.file_bytes
              << "\nbytes_per_document\t" << (s.docs > 0 ? s.file_bytes / s.docs : 0)
              << "\nstory_window\t" << window_text(s.story_window) << "\n";
    // The story level's near groups per language: a language other than English is weighed
    // once it has StoryOptions::min_language_documents of them.
    for (const auto& [lang, n] : store.story_documents_by_language())
        std::cout << "story_documents." << language_name(lang) << "\t" << n << "\n";
    for (const auto& [table, bytes] : s.table_bytes)
        std::cout << "table_bytes." << table << "\t" << bytes << "\n";
    for (const auto& [k, v] : store.settings())
        std::cout << "setting." << k << "\t" << v << "\n";
    return kExitOk;
}

int check(const std::vector<std::string>& args) {
    IndexCli c;
    auto opts = db_options(c);
    po::variables_map vm;
    if (!parse_args(args, "Usage: neardup index check --db FILE\nExit 0 when sound, 1 on damage.",
                    opts, {}, vm))
        return kExitOk;
    require_db(c);
    std::vector<std::string> problems;
    try {
        const IndexStore store(c.db, IndexStore::Mode::kRead, false);
        problems = store.check();
    } catch (const Error& e) {
        problems.push_back(e.what());
    }
    // Each line names the file once (messages of the store's errors start with it).
    const std::string prefix = c.db + ": ";
    for (const std::string& p : problems)
        std::cerr << "neardup: " << escape_for_terminal(p.rfind(prefix, 0) == 0 ? p : prefix + p)
                  << "\n";
    if (!problems.empty())
        return kExitError;
    std::cout << "ok\n";
    return kExitOk;
}

int export_index(const std::vector<std::string>& args) {
    IndexCli c;
    auto opts = db_options(c);
    opts.add_options()("output,o", po::value(&c.scan.output)->default_value("-"),
                       "write rows to FILE")(
        "format,f", po::value(&c.scan.format)->default_value("tsv"), "tsv, csv or jsonl")(
        "no-header", po::bool_switch(&c.scan.no_header), "leave out the TSV/CSV header line");
    po::variables_map vm;
    if (!parse_args(args,
                    "Usage: neardup index export --db FILE [--format tsv|csv|jsonl] [-o FILE]",
                    opts, {}, vm))
        return kExitOk;
    require_db(c);
    const OutputFormat format = parse_row_format(c.scan.format);
    refuse_index_as_output(c.db, {c.scan.output});
    const IndexStore store(c.db, IndexStore::Mode::kRead, false);
    const std::uint32_t num_perm = store.num_perm();
    const std::vector<IndexRow> rows = store.rows();
    const std::vector<SigValue> sigs = store.signatures(num_perm);
    // Representative of each near group: earliest date, else longest, else smallest id.
    std::unordered_map<std::uint64_t, std::size_t> rep;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto [it, fresh] = rep.emplace(rows[i].near, i);
        const IndexRow& a = rows[i];
        const IndexRow& b = rows[it->second];
        if (!fresh &&
            better_representative({a.date, a.length, a.id}, static_cast<DocId>(i),
                                  {b.date, b.length, b.id}, static_cast<DocId>(it->second)))
            it->second = i;
    }
    std::vector<IndexOutputRow> out_rows;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::size_t r = rep.at(rows[i].near);
        const double sim = estimate_jaccard(std::span(sigs.data() + i * num_perm, num_perm),
                                            std::span(sigs.data() + r * num_perm, num_perm));
        out_rows.push_back({rows[i].id, rows[i].near, rows[i].story, r == i,
                            static_cast<float>(sim), rows[i].source, rows[i].date, rows[i].title,
                            rows[i].url, "", "", "", rows[i].added,
                            // Stored before v7 (NULL): English, as the story level reads it.
                            language_name(rows[i].lang.value_or(kEnglish)), std::nullopt});
    }
    OutputFile out(c.scan.output);
    write_index_rows(out_rows, format, false, out.stream(), !c.scan.no_header);
    out.commit();
    return kExitOk;
}

int index_command(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        (args.empty() ? std::cerr : std::cout) << kIndexHelp;
        return args.empty() ? kExitUsage : kExitOk;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    const std::string& sub = args[0];
    if (sub == "add")
        return match(rest, true);
    if (sub == "query")
        return match(rest, false);
    if (sub == "prune")
        return prune(rest);
    if (sub == "stats")
        return stats(rest);
    if (sub == "check")
        return check(rest);
    if (sub == "export")
        return export_index(rest);
    if (sub == "runs")
        return list_runs(rest);
    if (sub == "report")
        return report_run(rest);
    throw UsageError(
        "unknown index command '" + sub + "'" +
        did_you_mean(sub, {"add", "query", "prune", "stats", "check", "export", "runs", "report"}));
}

}  // namespace

int cmd_index(const std::vector<std::string>& args) {
    return index_command(args);  // main escapes the messages of errors (they quote ids, paths)
}

}  // namespace neardup::cli
