// neardup scan: read inputs, cluster near-duplicates, write assignments and keep/drop lists.
#include <iostream>

#include "commands.hpp"
#include "neardup/core/error.hpp"
#include "neardup/core/escape.hpp"
#include "neardup/report/html_report.hpp"
#include "neardup/report/output_file.hpp"
#include "neardup/report/writers.hpp"
#include "scan_common.hpp"

namespace neardup::cli {
namespace {

constexpr const char* kUsage =
    "Usage: neardup scan [options] PATH...\n"
    "\n"
    "Clusters near-duplicate articles. PATH is a file, a folder (read recursively: .txt .md\n"
    ".html .htm .shtml .xhtml .php .asp .aspx .json .jsonl, each also .gz .zst .xz or .bz2) or\n"
    "'-' for JSONL on stdin.\n"
    "Writes one row per document (id, near, story, representative, similarity, source, date,\n"
    "title, url) to stdout or -o FILE; 'near' groups copies of one text, 'story' groups articles\n"
    "telling the same story in other words. --format jsonl writes the rows as JSON objects,\n"
    "--format stories one line per story with its near groups nested.\n"
    "Progress and the summary go to stderr. Exit status: 0 ok, 1 error, 2 usage.";

struct OutputCli {
    std::string keep;
    std::string drop;
    std::string level = "near";
    std::string report;
};

boost::program_options::options_description output_options(ScanCli& c, OutputCli& o) {
    namespace po = boost::program_options;
    po::options_description opts("Output options");
    opts.add_options()("help,h", "show this help")("output,o",
                                                   po::value(&c.output)->default_value("-"),
                                                   "write results to FILE ('-': stdout)")(
        "format,f", po::value(&c.format)->default_value("tsv"), "tsv, csv, jsonl or stories")(
        "no-header", po::bool_switch(&c.no_header), "leave out the TSV/CSV header line")(
        "keep", po::value(&o.keep), "write the ids to keep (one per group) to FILE")(
        "drop", po::value(&o.drop), "write the ids to drop (all other documents) to FILE")(
        "level", po::value(&o.level)->default_value("near"),
        "clusters --keep/--drop follow: near (copies) or story (same story)")(
        "report", po::value(&o.report),
        "write a self-contained HTML report of the run (plots, largest stories) to FILE")(
        "quiet,q", po::bool_switch(&c.quiet), "no progress, skip messages or summary on stderr");
    return opts;
}

void write_report(const std::string& path, const ScanResult& r, const ScanCli& c) {
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
    OutputFile out(path);
    write_html_report(in, out.stream());
    out.commit();
}

void write_list(const std::string& path, const ScanResult& result, Level level, bool keep) {
    if (path.empty())
        return;
    OutputFile out(path);
    write_id_list(result, level, keep, out.stream());
    out.commit();
}

}  // namespace

int cmd_scan(const std::vector<std::string>& args) {
    ScanCli c;
    OutputCli o;
    auto opts = output_options(c, o);
    opts.add(matching_options(c));
    boost::program_options::options_description hidden;
    hidden.add_options()("path", boost::program_options::value(&c.paths), "input paths");
    boost::program_options::positional_options_description pos;
    pos.add("path", -1);
    boost::program_options::variables_map vm;
    if (!parse_args(args, kUsage, opts, pos, vm, &hidden))
        return kExitOk;
    if (c.paths.empty())
        throw UsageError("no input PATH given");
    finish_config(c, vm);
    OutputFormat format{};
    try {
        format = parse_output_format(c.format);
    } catch (const ConfigError& e) {
        throw UsageError(e.what() + did_you_mean(c.format, {"tsv", "csv", "jsonl", "stories"}));
    }
    const Level level = parse_level(o.level);
    refuse_outputs_among_inputs(c.paths, {c.output, o.keep, o.drop, o.report});

    const ScanResult result = run(c);
    phase(c, "writing " + std::to_string(result.docs.size()) + " rows");
    OutputFile out(c.output);
    write_assignments(result, format, out.stream(), !c.no_header, level);
    out.commit();
    write_list(o.keep, result, level, true);
    write_list(o.drop, result, level, false);
    if (!o.report.empty()) {
        write_report(o.report, result, c);
        if (!c.quiet)
            std::cerr << "neardup: report written to " << escape_for_terminal(o.report) << "\n";
    }
    if (!c.quiet) {
        report_skips(result.skips);
        std::cerr << format_summary(result);
    }
    return kExitOk;
}

}  // namespace neardup::cli
