// neardup dedup: the scan, then the deduplicated corpus: the kept JSONL lines as read, or a new
// folder of the kept files. Inputs are only read.
#include <cstdio>
#include <iostream>
#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.hpp"
#include "neardup/core/error.hpp"
#include "neardup/dedup/corpus.hpp"
#include "neardup/report/output_file.hpp"
#include "neardup/report/writers.hpp"
#include "scan_common.hpp"

namespace neardup::cli {
namespace {

constexpr const char* kUsage =
    "Usage: neardup dedup [options] PATH... (-o FILE | --to DIR)\n"
    "\n"
    "Writes the deduplicated corpus: the articles the scan keeps (one per near-duplicate group,\n"
    "or with --level story one per story), in the form they were read. JSONL inputs (files,\n"
    "compressed files, '-' for stdin): their kept lines, byte for byte, in input order, to -o\n"
    "FILE (stdout by default; compressed as FILE's name ends: .gz .zst .xz .bz2). A folder:\n"
    "--to DIR creates DIR holding each kept file at its relative path (--link: hard links),\n"
    "JSONL files with their kept lines. Skipped records are not written. Nothing is written\n"
    "unless the whole run succeeds; inputs are never changed. The scan's rows, keep and drop\n"
    "lists and report are written when asked (--rows, --keep, --drop, --report).\n"
    "Exit status: 0 ok, 1 error, 2 usage.";

struct DedupCli {
    std::string to;
    bool link = false;
    std::string rows;
};

boost::program_options::options_description dedup_options(ScanCli& c, OutputCli& o, DedupCli& d) {
    namespace po = boost::program_options;
    po::options_description opts("Output options");
    opts.add_options()("help,h", "show this help")(
        "output,o", po::value(&c.output)->default_value("-"),
        "write the kept JSONL lines to FILE ('-': stdout; .gz .zst .xz .bz2 compress)")(
        "to", po::value(&d.to), "create folder DIR holding the kept files at their relative paths")(
        "link", po::bool_switch(&d.link), "with --to: hard-link the kept files instead of copying")(
        "rows", po::value(&d.rows), "also write the scan's rows (one per document) to FILE")(
        "format,f", po::value(&c.format)->default_value("tsv"),
        "format of --rows: tsv, csv, jsonl or stories")("no-header", po::bool_switch(&c.no_header),
                                                        "leave out the --rows TSV/CSV header line")(
        "quiet,q", po::bool_switch(&c.quiet), "no progress, skip messages or summary on stderr");
    opts.add(run_output_options(o));
    return opts;
}

std::string megabytes(std::uint64_t bytes) {
    if (bytes < 100'000)  // "0.0 MB" says nothing of a small run
        return format_fixed(static_cast<double>(bytes) / 1e3, 1) + " kB";
    return format_fixed(static_cast<double>(bytes) / 1e6, 1) + " MB";
}

std::string summary_line(const DedupStats& s, const std::string& where) {
    const std::uint64_t docs = s.kept_docs + s.dropped_docs;
    std::string line = "neardup: dedup kept " + std::to_string(s.kept_docs) + " of " +
                       std::to_string(docs) + " documents (" + megabytes(s.kept_bytes) + " of " +
                       megabytes(s.kept_bytes + s.dropped_bytes) + "), dropped " +
                       std::to_string(s.dropped_docs) + " (" + megabytes(s.dropped_bytes) +
                       "); wrote " + where;
    if (s.files > 0) {
        line += " (" + std::to_string(s.files) + " files";
        line += s.links > 0 ? ", " + std::to_string(s.links) + " hard links)" : ")";
    }
    return line + "\n";
}

}  // namespace

int cmd_dedup(const std::vector<std::string>& args) {
    ScanCli c;
    OutputCli o;
    DedupCli d;
    const auto vm = parse_run_args(args, kUsage, dedup_options(c, o, d), c);
    if (!vm)
        return kExitOk;
    if (!d.to.empty() && !(*vm)["output"].defaulted())
        throw UsageError("-o (kept lines) and --to (a folder of kept files) exclude each other");
    if (d.link && d.to.empty())
        throw UsageError("--link goes with --to DIR");
    const OutputFormat format = parse_scan_format(c);
    const Level level = parse_level(o.level);
    const std::string lines_out = d.to.empty() ? c.output : "";
    refuse_outputs_among_inputs(c.paths, {lines_out, d.rows, o.keep, o.drop, o.report});
    refuse_same_outputs({{"-o", lines_out},
                         {"--rows", d.rows},
                         {"--keep", o.keep},
                         {"--drop", o.drop},
                         {"--report", o.report}});
    if (!d.to.empty())
        refuse_folder_among_inputs(c.paths, d.to);

    if (vm->count("to") > 0 && d.to.empty())
        throw UsageError("--to needs a folder name");
    std::vector<InputFile> inputs = collect_inputs(c.paths, c.ids);
    if (d.to.empty())
        refuse_stdout_among_inputs(inputs);
    try {
        if (d.to.empty())
            check_line_inputs(inputs);
        else
            KeptTree::check_places(inputs);
    } catch (const ConfigError& e) {
        throw UsageError(e.what());
    }
    // Every output opened before the run: one that cannot be written fails now.
    std::unique_ptr<KeptTree> tree;
    std::unique_ptr<OutputFile> lines;
    std::unique_ptr<HeldBack> held_back;  // lines for stdout, a pipe or a device wait here
    try {
        if (!d.to.empty()) {
            tree = std::make_unique<KeptTree>(d.to, d.link);
            tree->check_links(inputs);
        } else
            lines = std::make_unique<OutputFile>(c.output);
    } catch (const ConfigError& e) {
        throw UsageError(e.what());
    }
    if (lines && !lines->replaced_on_commit())
        held_back = std::make_unique<HeldBack>();
    std::unique_ptr<OutputFile> rows =
        d.rows.empty() ? nullptr : std::make_unique<OutputFile>(d.rows);
    RunOutputs extra(o);
    for (const InputFile& f : inputs) {
        if (f.path == "-" && f.error.empty()) {
            spool_stdin();
            break;
        }
    }
    const std::vector<InputStamp> stamps = stamp_inputs(inputs);

    const ScanResult result = run(c, inputs);
    check_what_was_read(c, result.stats);
    const std::vector<RecordChoice> records = record_choices(result, kept_documents(result, level));
    phase(c, "writing the kept documents");
    DedupStats stats;
    if (tree) {
        stats = tree->write(inputs, stamps, records);
    } else {
        ::lseek(STDIN_FILENO, 0, SEEK_SET);  // the copy of stdin, if one was read
        std::ostream& sink = held_back ? held_back->stream() : lines->stream();
        CompressedWriter writer(sink, compression_of(c.output),
                                c.output == "-" ? "stdout" : c.output);
        stats = write_kept_lines(inputs, stamps, records, writer);
        writer.finish();
    }
    // Every other output is written and synced before the corpus shows anywhere: one that fails
    // (a full disk, /dev/full) fails the run with no corpus in place.
    if (rows) {
        write_assignments(result, format, rows->stream(), !c.no_header, level);
        rows->prepare();
    }
    extra.write(result, c, level);
    if (held_back)
        held_back->finish(lines->stream());
    if (tree)
        tree->commit();
    else
        lines->commit();
    if (rows)
        rows->commit();
    extra.commit();
    if (!c.quiet) {
        report_skips(result.skips);
        std::cerr << format_summary(result);
        std::cerr << summary_line(stats, tree ? d.to : (c.output == "-" ? "stdout" : c.output));
    }
    return kExitOk;
}

}  // namespace neardup::cli
