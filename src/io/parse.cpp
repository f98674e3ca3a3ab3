#include "neardup/io/parse.hpp"

#include <cstdio>
#include <cstring>

#include <simdjson.h>
#include <utf8proc.h>

#include "neardup/core/hash.hpp"
#include "neardup/core/utf8.hpp"
#include "neardup/text/date.hpp"

namespace neardup {

std::string record_location(const RawBatch& batch, const RawRecord& rec) {
    std::string loc = batch.sources[rec.source].display;
    if (rec.line > 0) {
        loc.push_back(':');
        loc.append(std::to_string(rec.line));
    }
    return loc;
}

namespace {

/// The id of a record without one: "<file id>:<line>", the file id of a whole file, or (an
/// empty file id: stdin read into an index) "text:<hash of the text>".
std::string fallback_id(const RawBatch& batch, const RawRecord& rec, std::string_view text) {
    const std::string& file_id = batch.sources[rec.source].file_id;
    if (file_id.empty()) {  // stdin into an index: the text is the only stable identity
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash64(text)));
        return std::string("text:") + hex;
    }
    return rec.line > 0 ? file_id + ":" + std::to_string(rec.line) : file_id;
}

}  // namespace

bool repair_utf8(std::string_view in, std::string& out) {
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(in.data());
    const auto n = static_cast<utf8proc_ssize_t>(in.size());
    bool repaired = false;
    for (utf8proc_ssize_t i = 0; i < n;) {
        utf8proc_int32_t cp = 0;
        utf8proc_ssize_t len = p[i] < 0x80 ? 1 : utf8proc_iterate(p + i, n - i, &cp);
        if (len <= 0) {
            if (!repaired)
                out.assign(in.substr(0, static_cast<std::size_t>(i)));
            repaired = true;
            out.append("\xEF\xBF\xBD");
            ++i;
            continue;
        }
        if (repaired)
            out.append(in.substr(static_cast<std::size_t>(i), static_cast<std::size_t>(len)));
        i += len;
    }
    return repaired;
}

bool repair_surrogate_escapes(std::string_view in, std::string& out) {
    // A JSON \\uXXXX escape of a UTF-16 surrogate must pair a high (D800-DBFF) with a low
    // (DC00-DFFF); a lone one cannot become UTF-8, and simdjson rejects the whole record.
    const auto hex4 = [&](std::size_t at, unsigned& v) {
        if (at + 6 > in.size() || in[at] != '\\' || in[at + 1] != 'u')
            return false;
        v = 0;
        for (std::size_t k = at + 2; k < at + 6; ++k) {
            const char c = in[k];
            const int d = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
            if (d < 0)
                return false;
            v = v * 16 + static_cast<unsigned>(d);
        }
        return true;
    };
    bool repaired = false;
    std::string result;
    result.reserve(in.size());
    for (std::size_t i = 0; i < in.size();) {
        unsigned v = 0;
        if (in[i] == '\\' && i + 1 < in.size() && in[i + 1] != 'u') {
            result.append(in.substr(i, 2));  // another escape, maybe an escaped backslash
            i += 2;
            continue;
        }
        if (!hex4(i, v) || v < 0xD800 || v > 0xDFFF) {
            result.push_back(in[i++]);
            continue;
        }
        unsigned low = 0;
        if (v <= 0xDBFF && hex4(i + 6, low) && low >= 0xDC00 && low <= 0xDFFF) {
            result.append(in.substr(i, 12));  // a proper pair
            i += 12;
            continue;
        }
        result.append("\\uFFFD");
        repaired = true;
        i += 6;
    }
    if (repaired)
        out.swap(result);
    return repaired;
}

struct RecordParser::Impl {
    FieldNames fields;
    ExtractOptions html;
    ExtractedPage page;
    simdjson::dom::parser json;
    std::string padded;    // JSON bytes + SIMDJSON_PADDING
    std::string repaired;  // JSON bytes with invalid UTF-8 replaced
    std::string title;
    std::string body;
    bool bad_id = false;  ///< the id field held an object, array or boolean

    void fail(ParsedDoc& out, SkipReason reason, std::string message) {
        out.skip = reason;
        out.message = std::move(message);
    }

    [[nodiscard]] bool is_page(std::string_view text) const {
        if (fields.text_format != TextFormat::kAuto)
            return fields.text_format == TextFormat::kHtml;
        const std::size_t at = text.find_first_not_of(" \t\r\n");
        return at != std::string_view::npos && text[at] == '<' &&
               text.find("</", at) != std::string_view::npos;
    }

    /// The text field holds a web page: its article is the body; the page's title and date
    /// stand in for fields the record lacks.
    void read_page_field(ParsedDoc& out) {
        // JSON decoded the string to UTF-8 already: the page's charset must not apply again.
        ExtractOptions utf8 = html;
        utf8.utf8 = true;
        extract_page(body, utf8, page);
        if (!page.refused.empty()) {
            fail(out, SkipReason::kMalformed, page.refused);
            return;
        }
        body.swap(page.text);
        if (title.empty())
            title.swap(page.title);
        if (!out.date) {
            out.date = page.date;
            if (out.unreadable_date.empty())
                out.unreadable_date.swap(page.unreadable_date);
        }
        if (out.url.empty()) {
            out.url.swap(page.url);
            out.url_claimed = !out.url.empty();
        }
        out.lang.swap(page.lang);
    }

    void join_title_body(ParsedDoc& out) {
        out.title = title;
        out.text.clear();
        if (!title.empty()) {
            out.text.append(title);
            out.text.append("\n\n");
        }
        out.text.append(body);
    }

    // Reads the configured fields of one JSON object into id/title/body/date. The DOM API is
    // used rather than On-Demand because Debian's simdjson dispatches DOM parsing at run time
    // to the CPU's best kernel, while On-Demand would be compiled for the generic target.
    simdjson::error_code read_object(std::string_view json_bytes, ParsedDoc& out, bool& has_text) {
        padded.resize(json_bytes.size() + simdjson::SIMDJSON_PADDING);
        std::memcpy(padded.data(), json_bytes.data(), json_bytes.size());
        simdjson::dom::element doc;
        if (auto err = json.parse(padded.data(), json_bytes.size(), false).get(doc))
            return err;
        simdjson::dom::object obj;
        if (auto err = doc.get_object().get(obj))
            return err;
        for (auto field : obj) {
            const std::string_view key = field.key;
            const simdjson::dom::element value = field.value;
            if (key == fields.text && !has_text) {
                std::string_view s;
                if (auto err = value.get_string().get(s))
                    return err;
                body.assign(s);
                has_text = true;
            } else if (key == fields.id && out.id.empty()) {
                out.fields_found |= kIdField;
                if (auto err = scalar_text(value, out.id)) {
                    bad_id = true;  // valid JSON: the id is what is wrong, and the skip says so
                    return err;
                }
            } else if (!fields.title.empty() && key == fields.title && title.empty()) {
                out.fields_found |= kTitleField;
                std::string_view s;
                if (value.get_string().get(s) == simdjson::SUCCESS)
                    title.assign(s);
            } else if (!fields.url.empty() && key == fields.url && out.url.empty()) {
                out.fields_found |= kUrlField;
                std::string_view s;
                if (value.get_string().get(s) == simdjson::SUCCESS)
                    out.url.assign(s);
            } else if (!fields.lang.empty() && key == fields.lang && out.stated_lang.empty()) {
                out.fields_found |= kLangField;
                std::string_view s;
                if (value.get_string().get(s) == simdjson::SUCCESS)
                    out.stated_lang.assign(s);
            } else if (!fields.date.empty() && key == fields.date && !out.date) {
                out.fields_found |= kDateField;
                read_date(value, out);
            }
        }
        return simdjson::SUCCESS;
    }

    /// A date field: a date, or null/"" (no date), else its text is kept as unreadable.
    static void read_date(const simdjson::dom::element& value, ParsedDoc& out) {
        std::string d;
        if (scalar_text(value, d) != simdjson::SUCCESS) {
            out.unreadable_date = simdjson::minify(value).substr(0, 80);
            return;
        }
        out.date = parse_date(d);
        if (!out.date && d.find_first_not_of(" \t") != std::string::npos)
            out.unreadable_date = d.substr(0, 80);
    }

    static simdjson::error_code scalar_text(const simdjson::dom::element& value, std::string& out) {
        std::string_view s;
        if (value.get_string().get(s) == simdjson::SUCCESS) {
            out.assign(s);
            return simdjson::SUCCESS;
        }
        if (value.is_number()) {
            out = simdjson::minify(value);
            return simdjson::SUCCESS;
        }
        if (value.is_null()) {  // "id": null is no id: the record gets its fallback id
            out.clear();
            return simdjson::SUCCESS;
        }
        return simdjson::INCORRECT_TYPE;
    }

    void parse_json(std::string_view bytes, const RawBatch& batch, const RawRecord& rec,
                    ParsedDoc& out) {
        constexpr std::string_view kBom = "\xEF\xBB\xBF";  // editors put one before line 1
        if (bytes.substr(0, kBom.size()) == kBom)
            bytes.remove_prefix(kBom.size());
        bool has_text = false;
        bad_id = false;
        simdjson::error_code err = read_object(bytes, out, has_text);
        const bool repairable =
            (err == simdjson::UTF8_ERROR && repair_utf8(bytes, repaired)) ||
            (err == simdjson::STRING_ERROR && repair_surrogate_escapes(bytes, repaired));
        if (repairable) {
            out.id.clear();
            out.url.clear();
            out.date.reset();
            out.fields_found = 0;
            out.unreadable_date.clear();
            title.clear();
            has_text = false;
            err = read_object(repaired, out, has_text);
        }
        if (bad_id) {
            fail(out, SkipReason::kMalformed,
                 "the id field \"" + fields.id + "\" is not a string or a number");
            return;
        }
        if (err != simdjson::SUCCESS) {
            fail(out, SkipReason::kMalformed,
                 std::string("invalid JSON: ") + simdjson::error_message(err));
            return;
        }
        if (!has_text) {
            fail(out, SkipReason::kMalformed, "no string field \"" + fields.text + "\"");
            return;
        }
        if (is_page(body))
            read_page_field(out);
        if (out.skip != SkipReason::kNone)
            return;
        join_title_body(out);
        if (out.id.empty()) {
            out.id = fallback_id(batch, rec, out.text);
            out.id_from_line = rec.line > 0 && !batch.sources[rec.source].file_id.empty();
        }
    }
};

RecordParser::RecordParser(FieldNames fields, ExtractOptions html)
    : impl_(std::make_unique<Impl>()) {
    impl_->fields = std::move(fields);
    impl_->html = html;
}

RecordParser::~RecordParser() = default;

void RecordParser::parse(const RawBatch& batch, const RawRecord& rec, ParsedDoc& out) {
    out.id.clear();
    out.text.clear();
    out.title.clear();
    out.url.clear();
    out.url_claimed = false;
    out.lang.clear();
    out.stated_lang.clear();
    out.date.reset();
    out.fields_found = 0;
    out.id_from_line = false;
    out.unreadable_date.clear();
    out.skip = rec.skip;
    out.message = rec.message;
    if (rec.skip != SkipReason::kNone)
        return;
    Impl& im = *impl_;
    im.title.clear();
    im.body.clear();
    std::string_view bytes = batch.bytes(rec);
    switch (rec.format) {
        case RecordFormat::kJson:
        case RecordFormat::kJsonLine:
            im.parse_json(bytes, batch, rec, out);
            return;
        case RecordFormat::kHtml:
            extract_page(bytes, im.html, im.page);
            if (!im.page.refused.empty()) {
                im.fail(out, SkipReason::kMalformed, im.page.refused);
                return;
            }
            im.title.swap(im.page.title);
            im.body.swap(im.page.text);
            out.url.swap(im.page.url);
            out.url_claimed = !out.url.empty();
            out.lang.swap(im.page.lang);
            out.date = im.page.date;
            out.unreadable_date.swap(im.page.unreadable_date);
            im.join_title_body(out);
            break;
        case RecordFormat::kText:
            // Not UTF-8: read as windows-1252, the fallback of web pages too, so the Latin-1
            // copy of a text matches its UTF-8 copy.
            if (is_valid_utf8(bytes))
                out.text.assign(bytes);
            else
                out.text = decode_windows1252(bytes);
            break;
    }
    out.id = batch.sources[rec.source].file_id;
}

}  // namespace neardup
