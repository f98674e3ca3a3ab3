// neardup scan: read inputs, cluster near-duplicates, write assignments and keep/drop lists.
#include <iostream>

#include "commands.hpp"
#include "neardup/core/error.hpp"
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
    "title, url, action, lang) to stdout or -o FILE; 'near' groups copies of one text, 'story'\n"
    "groups articles telling the same story in other words, in one language. --format jsonl\n"
    "writes the rows as JSON objects, --format stories one line per story with its near groups\n"
    "nested.\n"
    "Progress and the summary go to stderr. Exit status: 0 ok, 1 error, 2 usage.";

}  // namespace

boost::program_options::options_description scan_output_options(ScanCli& c, OutputCli& o) {
    namespace po = boost::program_options;
    po::options_description opts("Output options");
    opts.add_options()("help,h", "show this help")("output,o",
                                                   po::value(&c.output)->default_value("-"),
                                                   "write results to FILE ('-': stdout)")(
        "format,f", po::value(&c.format)->default_value("tsv"), "tsv, csv, jsonl or stories")(
        "no-header", po::bool_switch(&c.no_header), "leave out the TSV/CSV header line")(
        "quiet,q", po::bool_switch(&c.quiet), "no progress, skip messages or summary on stderr");
    opts.add(run_output_options(o));
    return opts;
}

int cmd_scan(const std::vector<std::string>& args) { return scan_command(args, kUsage, nullptr); }

int scan_command(const std::vector<std::string>& args, const std::string& usage,
                 SignedRanks* signed_ranks) {
    ScanCli c;
    c.signed_ranks = signed_ranks;
    OutputCli o;
    const auto vm = parse_run_args(args, usage, scan_output_options(c, o), c);
    if (!vm)
        return kExitOk;
    const OutputFormat format = parse_scan_format(c);
    const Level level = parse_level(o.level);
    refuse_outputs_among_inputs(c.paths, {c.output, o.keep, o.drop, o.report});
    refuse_same_outputs(
        {{"-o", c.output}, {"--keep", o.keep}, {"--drop", o.drop}, {"--report", o.report}});
    // Opened before the run: an output that cannot be written fails now, not after it.
    OutputFile out(c.output);
    RunOutputs extra(o);

    const ScanResult result = run(c);
    check_what_was_read(c, result.stats);
    phase(c, "writing " + std::to_string(result.docs.size()) + " rows");
    write_assignments(result, format, out.stream(), !c.no_header, level);
    out.prepare();
    extra.write(result, c, level);  // every output written before any is put in place
    out.commit();
    extra.commit();
    if (!c.quiet) {
        report_skips(result.skips);
        std::cerr << format_summary(result);
    }
    return kExitOk;
}

}  // namespace neardup::cli
