// From raw record bytes to a document: JSON field extraction, web pages (extract/page.hpp), ids,
// dates.
//
// One RecordParser per thread (it owns a simdjson parser and scratch buffers). parse() never
// throws for bad data: a malformed JSON line, a missing or non-string text field, or a record
// the reader already rejected comes back with `skip` set and a message saying why.
//
// Web pages go through extract_page() (extract/page.hpp): the article, its title and date; a
// page it refuses is a kMalformed skip with its reason. HTML in a JSON string is UTF-8 (JSON
// decoded it): its own charset declaration is not applied. A text file that is not valid UTF-8
// is read as windows-1252, as web pages are. An id field that is an object, array or boolean is
// a skip that says so.
// Document ids: the JSON id field (string or number) when present, else "<file>:<line>" for
// JSONL; for whole files, the path relative to the folder given on the command line.
// The text that features are computed from is the title (if any), a blank line, then the body.
//
// Example:
//   neardup::RecordParser parser({});
//   neardup::ParsedDoc doc;
//   parser.parse(batch, batch.records[0], doc);
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "neardup/extract/page.hpp"
#include "neardup/io/record.hpp"

namespace neardup {

/// What a JSON record's text field holds: plain text, a web page (read like an .html file),
/// or either (a field that starts with markup is read as a page).
enum class TextFormat : std::uint8_t { kText, kHtml, kAuto };

struct FieldNames {
    std::string id = "id";
    std::string text = "text";
    std::string title;          ///< empty: no title field
    std::string date;           ///< empty: no date field
    std::string url = "url";    ///< the record's URL (its site, for site boilerplate)
    std::string lang = "lang";  ///< the record's language (a BCP 47 tag: "en", "pt-BR")
    TextFormat text_format = TextFormat::kText;
};

/// Which named JSON fields a record had (ParsedDoc::fields_found): a field named on the command
/// line that no record has is a mistyped name, which a run reports rather than passing over.
enum FieldBit : std::uint8_t {
    kIdField = 1,
    kTitleField = 2,
    kDateField = 4,
    kUrlField = 8,
    kLangField = 16
};

struct ParsedDoc {
    std::string id;
    std::string text;                  ///< title + "\n\n" + body, UTF-8 (possibly invalid)
    std::string title;                 ///< the title alone (JSON title field, page title)
    std::string url;                   ///< the url field, else a web page's canonical URL
    bool url_claimed = false;          ///< url is the page's claim (canonical), not the field
    std::string lang;                  ///< a web page's declared language, when given
    std::string stated_lang;           ///< the JSON language field, when given
    std::optional<std::int64_t> date;  ///< seconds since the epoch, UTC
    std::uint8_t fields_found = 0;     ///< FieldBit flags of the named JSON fields the record has
    /// The id is "<file id>:<line>" (a JSONL line without one): a line of a piece of its file
    /// (InputFile::ranged()) is numbered in the piece, and the staged scan numbers it again.
    bool id_from_line = false;
    /// The date field's (else the web page's) date text when it is not a date we read.
    std::string unreadable_date;
    SkipReason skip = SkipReason::kNone;
    std::string message;  ///< why it was skipped
};

/// "path" for whole files, "path:line" for JSONL records.
[[nodiscard]] std::string record_location(const RawBatch& batch, const RawRecord& rec);

/// Replaces each invalid UTF-8 sequence with U+FFFD. Returns false when `in` was valid (and
/// leaves `out` untouched).
bool repair_utf8(std::string_view in, std::string& out);

/// Replaces each \\u escape of an unpaired UTF-16 surrogate in JSON text with \\uFFFD.
/// Returns false when there was none (and leaves `out` untouched).
bool repair_surrogate_escapes(std::string_view in, std::string& out);

class RecordParser {
public:
    /// `html`: how web pages are read (the article only, or all their text).
    explicit RecordParser(FieldNames fields, ExtractOptions html = {});
    ~RecordParser();
    RecordParser(const RecordParser&) = delete;
    RecordParser& operator=(const RecordParser&) = delete;

    void parse(const RawBatch& batch, const RawRecord& rec, ParsedDoc& out);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace neardup
