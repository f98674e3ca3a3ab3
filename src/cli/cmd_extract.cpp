// neardup extract: what neardup reads of each document (the article of a web page, the text
// field of a JSON record), as JSONL: id, source, title, date, url, lang, text.
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "neardup/boilerplate/site.hpp"
#include "neardup/core/error.hpp"
#include "neardup/io/input.hpp"
#include "neardup/io/parse.hpp"
#include "neardup/io/spool.hpp"
#include "neardup/lang/language.hpp"
#include "neardup/report/output_file.hpp"
#include "neardup/report/writers.hpp"
#include "scan_common.hpp"

namespace neardup::cli {
namespace {

constexpr const char* kUsage =
    "Usage: neardup extract [options] PATH...\n"
    "\n"
    "Writes one JSON line per accepted document with what neardup reads of it: id, source,\n"
    "title, date (ISO 8601, UTC) and url (the url field, or a page's canonical URL) when found,\n"
    "lang (as scan decides it: the --lang-field, else the text's, else the page's declared\n"
    "language; und when none), and text: the article of a web page with --html main (the "
    "default),\n"
    "without the paragraphs that recur across different articles of a site (--site-boilerplate).\n"
    "Skipped inputs are reported on stderr.";

void append_field(std::string& line, const char* name, std::string_view value) {
    line.append(line.size() == 1 ? "\"" : ",\"").append(name).append("\":");
    append_json_string(line, value);
}

/// The line of a document up to its text: {"id":...,"lang":...
std::string head_of(const ParsedDoc& d, const std::string& source) {
    std::string line = "{";
    append_field(line, "id", d.id);
    append_field(line, "source", source);
    if (!d.title.empty())
        append_field(line, "title", d.title);
    if (d.date)
        append_field(line, "date", format_iso8601(*d.date));
    if (!d.url.empty())
        append_field(line, "url", d.url);
    append_field(line, "lang",
                 language_name(language_of_text(d.text, language_code(d.stated_lang),
                                                language_code(d.lang))));
    return line;
}

/// Where the body starts in a document's text: after the title and its blank line.
std::size_t body_offset(const ParsedDoc& d) {
    return d.title.empty() || d.text.size() < d.title.size() + 2 ? 0 : d.title.size() + 2;
}

/// The text as read: for a web page the article, without the title joined in front.
std::string_view body_of(const ParsedDoc& d) {
    return std::string_view(d.text).substr(body_offset(d));
}

void write_line(std::string line, std::string_view body, std::ostream& out) {
    append_field(line, "text", body);
    line += "}\n";
    out << line;
}

/// Documents waiting for the site boilerplate of the whole run: their lines on disk.
struct Waiting {
    TextSpool spool;
    struct Doc {
        TextSpool::Ref head;
        TextSpool::Ref text;  ///< the whole text, as the finder saw it
        std::uint32_t site = 0;
        std::size_t body = 0;  ///< where the body starts in it
    };
    std::vector<Doc> docs;
    BoilerplateFinder finder;
    std::vector<Paragraph> paragraphs;

    void add(const ParsedDoc& d, const std::string& source, const std::string& folder_site) {
        paragraphs.clear();
        split_paragraphs(d.text, paragraphs);
        const std::uint32_t site = finder.site_id(
            d.url_claimed ? site_of_claimed(d.url, folder_site) : site_of(d.url, folder_site));
        finder.add(site, paragraphs, sketch_words(d.text), d.title);
        const TextSpool::Ref head = spool.append(head_of(d, source));
        docs.push_back({head, spool.append(d.text), site, body_offset(d)});
    }

    /// Writes every document without its site's boilerplate; returns the documents stripped.
    std::uint64_t write(std::ostream& out) {
        spool.flush();
        const Boilerplate found = finder.find(
            [&](std::uint32_t d, std::string& into) { spool.read(docs[d].text, into); });
        std::string head;
        std::string text;
        std::string stripped;
        std::uint64_t changed = 0;
        for (const Doc& d : docs) {
            spool.read(d.head, head);
            spool.read(d.text, text);
            const std::string_view body = std::string_view(text).substr(d.body);
            const bool strip = strip_boilerplate(body, d.site, found, stripped) > 0;
            changed += strip ? 1 : 0;
            write_line(std::move(head), strip ? stripped : body, out);
        }
        return changed;
    }
};

}  // namespace

int cmd_extract(const std::vector<std::string>& args) {
    namespace po = boost::program_options;
    ScanCli c;
    po::options_description opts("Options");
    opts.add_options()("help,h", "show this help")(
        "output,o", po::value(&c.output)->default_value("-"), "write JSONL to FILE")(
        "quiet,q", po::bool_switch(&c.quiet), "nothing on stderr but errors");
    opts.add(input_options(c));
    if (!parse_path_args(args, kUsage, opts, c))
        return kExitOk;
    finish_input_config(c);
    refuse_outputs_among_inputs(c.paths, {c.output});
    std::vector<InputFile> inputs = collect_inputs(c.paths);
    resolve_site_boilerplate(c, inputs);
    RecordReader reader(std::move(inputs), c.cfg.reader);
    RecordParser parser(c.cfg.fields, c.cfg.html);
    OutputFile out(c.output);
    RawBatch batch;
    ParsedDoc doc;
    std::vector<SkipRecord> skipped;
    std::uint64_t docs = 0;
    std::unique_ptr<Waiting> waiting;
    if (c.cfg.site_boilerplate)
        waiting = std::make_unique<Waiting>();
    while (reader.next_batch(batch)) {
        for (const RawRecord& rec : batch.records) {
            parser.parse(batch, rec, doc);
            const std::string where = record_location(batch, rec);
            if (doc.skip != SkipReason::kNone) {
                if (c.cfg.strict)
                    throw FormatError(where + ": " + std::string(skip_reason_name(doc.skip)) +
                                      ": " + doc.message + " (--strict)");
                skipped.push_back({where, doc.skip, doc.message, {}, 0, 0});
                continue;
            }
            ++docs;
            if (waiting)
                waiting->add(doc, where, batch.sources[rec.source].site);
            else
                write_line(head_of(doc, where), body_of(doc), out.stream());
        }
    }
    const std::uint64_t stripped = waiting ? waiting->write(out.stream()) : 0;
    out.commit();
    if (!c.quiet) {
        report_skips(skipped);
        std::cerr << "extract: " << docs << " documents (" << stripped
                  << " without some site boilerplate), " << skipped.size() << " skipped\n";
    }
    return kExitOk;
}

}  // namespace neardup::cli
