// neardup extract: what neardup reads of each document (the article of a web page, the text
// field of a JSON record), as JSONL: id, source, title, date, url, lang, text.
#include <ctime>
#include <iostream>

#include "commands.hpp"
#include "neardup/core/error.hpp"
#include "neardup/io/input.hpp"
#include "neardup/io/parse.hpp"
#include "neardup/report/output_file.hpp"
#include "neardup/report/writers.hpp"
#include "scan_common.hpp"

namespace neardup::cli {
namespace {

constexpr const char* kUsage =
    "Usage: neardup extract [options] PATH...\n"
    "\n"
    "Writes one JSON line per accepted document with what neardup reads of it: id, source,\n"
    "title, date (ISO 8601, UTC), url and lang (web pages, when found) and text (the article of\n"
    "a web page with --html main, the default). Skipped inputs are reported on stderr.";

std::string iso_date(std::int64_t t) {
    const auto tt = static_cast<std::time_t>(t);
    std::tm tm{};
    if (::gmtime_r(&tt, &tm) == nullptr)
        return {};
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void append_field(std::string& line, const char* name, std::string_view value) {
    line.append(line.size() == 1 ? "\"" : ",\"").append(name).append("\":");
    append_json_string(line, value);
}

void write_doc(const ParsedDoc& d, const std::string& source, std::ostream& out) {
    std::string line = "{";
    append_field(line, "id", d.id);
    append_field(line, "source", source);
    if (!d.title.empty())
        append_field(line, "title", d.title);
    if (d.date)
        append_field(line, "date", iso_date(*d.date));
    if (!d.url.empty())
        append_field(line, "url", d.url);
    if (!d.lang.empty())
        append_field(line, "lang", d.lang);
    // The text as read: for a web page the article, without the title joined in front.
    const std::string_view body = std::string_view(d.text).substr(
        d.title.empty() || d.text.size() < d.title.size() + 2 ? 0 : d.title.size() + 2);
    append_field(line, "text", body);
    line += "}\n";
    out << line;
}

}  // namespace

int cmd_extract(const std::vector<std::string>& args) {
    namespace po = boost::program_options;
    ScanCli c;
    po::options_description opts("Options");
    opts.add_options()("help,h", "show this help")(
        "output,o", po::value(&c.output)->default_value("-"), "write JSONL to FILE")(
        "quiet,q", po::bool_switch(&c.quiet), "nothing on stderr but errors");
    opts.add(input_options(c));
    po::options_description hidden;
    hidden.add_options()("path", po::value(&c.paths), "input paths");
    po::positional_options_description pos;
    pos.add("path", -1);
    po::variables_map vm;
    if (!parse_args(args, kUsage, opts, pos, vm, &hidden))
        return kExitOk;
    if (c.paths.empty())
        throw UsageError("no input PATH given");
    finish_input_config(c);
    refuse_outputs_among_inputs(c.paths, {c.output});
    RecordReader reader(collect_inputs(c.paths), c.cfg.reader);
    RecordParser parser(c.cfg.fields, c.cfg.html);
    OutputFile out(c.output);
    RawBatch batch;
    ParsedDoc doc;
    std::vector<SkipRecord> skipped;
    std::uint64_t docs = 0;
    while (reader.next_batch(batch)) {
        for (const RawRecord& rec : batch.records) {
            parser.parse(batch, rec, doc);
            const std::string where = record_location(batch, rec);
            if (doc.skip != SkipReason::kNone) {
                if (c.cfg.strict)
                    throw FormatError(where + ": " + std::string(skip_reason_name(doc.skip)) +
                                      ": " + doc.message + " (--strict)");
                skipped.push_back({where, doc.skip, doc.message});
                continue;
            }
            write_doc(doc, where, out.stream());
            ++docs;
        }
    }
    out.commit();
    if (!c.quiet) {
        report_skips(skipped);
        std::cerr << "extract: " << docs << " documents, " << skipped.size() << " skipped\n";
    }
    return kExitOk;
}

}  // namespace neardup::cli
