#include <filesystem>
#include <map>

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "../support/support.hpp"
#include "neardup/core/error.hpp"
#include "neardup/io/input.hpp"
#include "neardup/io/parse.hpp"

using namespace neardup;
using neardup::test::TempDir;

namespace {

struct ReadAll {
    std::vector<ParsedDoc> docs;
    std::vector<std::string> locations;
};

ReadAll read_all(const std::vector<std::string>& paths, ReaderOptions opts = {},
                 FieldNames fields = {}) {
    RecordReader reader(collect_inputs(paths), opts);
    RecordParser parser(fields);
    RawBatch batch;
    ReadAll out;
    while (reader.next_batch(batch)) {
        for (const RawRecord& rec : batch.records) {
            ParsedDoc d;
            parser.parse(batch, rec, d);
            out.docs.push_back(std::move(d));
            out.locations.push_back(record_location(batch, rec));
        }
    }
    return out;
}

}  // namespace

TEST_SUITE("io") {
    TEST_CASE("classify_path by extension, compression outermost") {
        RecordFormat f{};
        Compression c{};
        CHECK(classify_path("a.JSONL.zst", f, c));
        CHECK(f == RecordFormat::kJsonLine);
        CHECK(c == Compression::kZstd);
        CHECK(classify_path("b.htm.gz", f, c));
        CHECK(f == RecordFormat::kHtml);
        CHECK(c == Compression::kGzip);
        for (const char* saved : {"a.shtml", "b.PHP", "c.aspx.gz", "d.asp", "e.xhtml"}) {
            CAPTURE(saved);
            CHECK(classify_path(saved, f, c));
            CHECK(f == RecordFormat::kHtml);
        }
        CHECK(classify_path("c.md", f, c));
        CHECK(f == RecordFormat::kText);
        CHECK_FALSE(classify_path("d.pdf", f, c));
        CHECK_FALSE(classify_path("e.gz", f, c));
    }

    TEST_CASE("folders are walked recursively in sorted order, ids are relative paths") {
        TempDir dir;
        dir.write("b/two.txt", "second file");
        dir.write("a.txt", "first file");
        dir.write("ignored.pdf", "not read");
        auto inputs = collect_inputs({dir.path().string()});
        REQUIRE(inputs.size() == 3);
        CHECK(inputs[0].file_id == "a.txt");
        CHECK(inputs[1].file_id == "b/two.txt");
        // a name neardup does not read is a counted skip, never passed over in silence
        CHECK(inputs[2].file_id == "ignored.pdf");
        CHECK(inputs[2].error_reason == SkipReason::kUnknownName);
        CHECK(inputs[0].error.empty());
    }

    TEST_CASE("wget's names are read: a URL's query and a download's number after the name") {
        RecordFormat f{};
        Compression c{};
        CHECK(classify_path("article.php?id=1", f, c));
        CHECK(f == RecordFormat::kHtml);
        CHECK(classify_path("index.html?id=2&x=.txt", f, c));
        CHECK(f == RecordFormat::kHtml);
        CHECK(classify_path("page.htm.1", f, c));
        CHECK(f == RecordFormat::kHtml);
        CHECK(classify_path("feed.jsonl.gz.12", f, c));
        CHECK(f == RecordFormat::kJsonLine);
        CHECK(c == Compression::kGzip);
        CHECK_FALSE(classify_path("report.2024", f, c));
        CHECK_FALSE(classify_path("photo.jpg?w=100", f, c));
    }

    TEST_CASE("a file named twice is read once: folder and file, symlinked folder, hard link") {
        TempDir dir;
        const auto a = dir.write("news/a.txt", "first file");
        dir.write("news/b.txt", "second file");
        std::filesystem::create_directory_symlink(dir.path() / "news", dir.path() / "alias");
        std::filesystem::create_hard_link(a, dir.path() / "hard.txt");
        auto inputs =
            collect_inputs({(dir.path() / "news").string(), a.string(),
                            (dir.path() / "alias").string(), (dir.path() / "hard.txt").string()});
        REQUIRE(inputs.size() == 6);
        CHECK(inputs[0].error.empty());
        CHECK(inputs[1].error.empty());
        for (std::size_t i = 2; i < inputs.size(); ++i) {
            CAPTURE(inputs[i].path);
            CHECK(inputs[i].error_reason == SkipReason::kDuplicate);
            CHECK(inputs[i].error.find("the same file as") != std::string::npos);
        }
    }

    TEST_CASE("a missing path is an error") {
        CHECK_THROWS_AS((void)collect_inputs({"/nonexistent/neardup/path"}), IoError);
    }

    TEST_CASE("JSONL fields, ids, dates, titles and line numbers") {
        TempDir dir;
        auto p = dir.write(
            "x.jsonl",
            "{\"id\":\"a\",\"text\":\"hello\",\"head\":\"Title\",\"when\":\"2020-01-01\"}\n"
            "{\"id\":7,\"text\":\"numbered id\"}\r\n"
            "{\"text\":\"no id\"}\n"
            "not json\n"
            "{\"id\":\"b\"}\n"
            "\n"
            "{\"id\":\"c\",\"text\":\"last line without newline\"}");
        FieldNames fields;
        fields.title = "head";
        fields.date = "when";
        auto r = read_all({p.string()}, {}, fields);
        REQUIRE(r.docs.size() == 7);
        CHECK(r.docs[0].id == "a");
        CHECK(r.docs[0].text == "Title\n\nhello");
        CHECK(r.docs[0].date == 1577836800);
        CHECK(r.docs[1].id == "7");
        CHECK(r.docs[2].id == p.string() + ":3");
        CHECK(r.docs[3].skip == SkipReason::kMalformed);
        CHECK(r.locations[3] == p.string() + ":4");
        CHECK(r.docs[4].skip == SkipReason::kMalformed);
        CHECK(r.docs[4].message.find("text") != std::string::npos);
        CHECK(r.docs[5].skip == SkipReason::kEmpty);
        CHECK(r.docs[6].id == "c");
    }

    TEST_CASE("invalid UTF-8 inside JSON is repaired, not rejected") {
        TempDir dir;
        auto p = dir.write("bad.jsonl", "{\"id\":\"u\",\"text\":\"caf\xE9 ok\"}\n");
        auto r = read_all({p.string()});
        REQUIRE(r.docs.size() == 1);
        CHECK(r.docs[0].skip == SkipReason::kNone);
        CHECK(r.docs[0].text == "caf\xEF\xBF\xBD ok");
    }

    TEST_CASE("a BOM, a null id and a lone surrogate escape do not drop the record") {
        TempDir dir;
        auto p = dir.write("odd.jsonl",
                           "\xEF\xBB\xBF{\"id\":\"bom\",\"text\":\"one\"}\n"
                           "{\"id\":null,\"text\":\"two\"}\n"
                           "{\"id\":\"s\",\"text\":\"three \\ud800 x\"}\n");
        auto r = read_all({p.string()});
        REQUIRE(r.docs.size() == 3);
        for (const ParsedDoc& d : r.docs)
            CHECK(d.skip == SkipReason::kNone);
        CHECK(r.docs[0].id == "bom");
        CHECK(r.docs[1].id == p.string() + ":2");
        CHECK(r.docs[2].text == "three \xEF\xBF\xBD x");
    }

    TEST_CASE("a JSON text field holding a web page is read like one (--text-format)") {
        TempDir dir;
        auto p = dir.write(
            "pages.jsonl",
            "{\"id\":\"w\",\"text\":\"<html><head><title>Head | Site</title></head><body><nav>"
            "Menu</nav><p>The article text, long enough to be a paragraph of its own.</p>"
            "</body></html>\"}\n{\"id\":\"t\",\"text\":\"a < b and c\"}\n");
        FieldNames fields;
        fields.text_format = TextFormat::kAuto;
        auto r = read_all({p.string()}, {}, fields);
        REQUIRE(r.docs.size() == 2);
        CHECK(r.docs[0].title == "Head");
        CHECK(r.docs[0].text ==
              "Head\n\nThe article text, long enough to be a paragraph of its own.");
        CHECK(r.docs[1].text == "a < b and c");  // no markup: text
        fields.text_format = TextFormat::kText;
        CHECK(read_all({p.string()}, {}, fields).docs[0].text.find("<nav>") != std::string::npos);
    }

    TEST_CASE("compressed inputs read like plain ones") {
        TempDir dir;
        const std::string jsonl = "{\"id\":\"z1\",\"text\":\"zstd text\"}\n";
        test::write_zstd(dir.path() / "a.jsonl.zst", jsonl);
        test::write_gzip(dir.path() / "b.txt.gz", "gzip text body");
        auto r = read_all({dir.path().string()});
        REQUIRE(r.docs.size() == 2);
        CHECK(r.docs[0].id == "z1");
        CHECK(r.docs[0].text == "zstd text");
        CHECK(r.docs[1].id == "b.txt.gz");
        CHECK(r.docs[1].text == "gzip text body");
    }

    TEST_CASE("bad files are skipped with their reason") {
        TempDir dir;
        dir.write("empty.txt", "");
        dir.write("binary.txt", std::string("abc\0def", 7));
        dir.write("big.txt", std::string(5000, 'x'));
        dir.write("corrupt.txt.gz", "this is not gzip data at all");
        dir.write("corrupt.jsonl.zst", "not zstd either");
        dir.write("long.jsonl",
                  "{\"text\":\"" + std::string(5000, 'y') + "\"}\n{\"text\":\"ok\"}\n");
        std::filesystem::create_symlink(dir.path() / "missing-target", dir.path() / "dangling.txt");
        ReaderOptions opts;
        opts.max_doc_bytes = 1000;
        auto r = read_all({dir.path().string()}, opts);
        std::map<std::string, SkipReason> by_loc;
        for (std::size_t i = 0; i < r.docs.size(); ++i)
            by_loc[r.locations[i]] = r.docs[i].skip;
        const std::string d = dir.path().string() + "/";
        CHECK(by_loc[d + "empty.txt"] == SkipReason::kEmpty);
        CHECK(by_loc[d + "binary.txt"] == SkipReason::kBinary);
        CHECK(by_loc[d + "big.txt"] == SkipReason::kTooLarge);
        CHECK(by_loc[d + "dangling.txt"] == SkipReason::kUnreadable);
        CHECK(by_loc[d + "corrupt.jsonl.zst"] == SkipReason::kUnreadable);
        CHECK(by_loc[d + "long.jsonl:1"] == SkipReason::kTooLarge);
        CHECK(by_loc[d + "long.jsonl:2"] == SkipReason::kNone);
        // A file named .gz must be gzip: zlib's gzread passed other bytes through as text.
        CHECK(by_loc[d + "corrupt.txt.gz"] == SkipReason::kUnreadable);
    }

    TEST_CASE("gzip data must be complete: cut, garbage after it or not gzip is unreadable") {
        TempDir dir;
        std::string lines;
        for (int i = 0; i < 2000; ++i)
            lines += "{\"id\":\"" + std::to_string(i) + "\",\"text\":\"words " +
                     std::to_string(i * 7919) + "\"}\n";
        test::write_gzip(dir.path() / "whole.jsonl.gz", lines);
        const std::string whole = test::read_file(dir.path() / "whole.jsonl.gz");
        const std::string half = lines.substr(0, lines.size() / 2);
        test::write_gzip(dir.path() / "first.gz", half);
        test::write_gzip(dir.path() / "second.gz", lines.substr(half.size()));
        const std::string first = test::read_file(dir.path() / "first.gz");
        const std::string second = test::read_file(dir.path() / "second.gz");
        dir.write("members.jsonl.gz", first + second);
        dir.write("cut.jsonl.gz", whole.substr(0, whole.size() / 3));
        dir.write("cut-trailer.jsonl.gz", whole.substr(0, whole.size() - 4));
        dir.write("cut-second.jsonl.gz", first + second.substr(0, second.size() / 2));
        dir.write("garbage.jsonl.gz", whole + "trailing junk");
        std::filesystem::remove(dir.path() / "first.gz");
        std::filesystem::remove(dir.path() / "second.gz");
        for (const char* name : {"whole.jsonl.gz", "members.jsonl.gz"}) {
            CAPTURE(name);
            auto r = read_all({(dir.path() / name).string()});
            CHECK(r.docs.size() == 2000);
            CHECK(r.docs.back().id == "1999");
            CHECK(r.docs.back().skip == SkipReason::kNone);
        }
        for (const char* name :
             {"cut.jsonl.gz", "cut-trailer.jsonl.gz", "cut-second.jsonl.gz", "garbage.jsonl.gz"}) {
            CAPTURE(name);
            auto r = read_all({(dir.path() / name).string()});
            REQUIRE(!r.docs.empty());
            CHECK(r.docs.back().skip == SkipReason::kUnreadable);
        }
        test::write_gzip(dir.path() / "doc.txt.gz", lines);
        const std::string doc = test::read_file(dir.path() / "doc.txt.gz");
        dir.write("doc.txt.gz", doc.substr(0, doc.size() / 3));
        auto r = read_all({(dir.path() / "doc.txt.gz").string()});
        REQUIRE(r.docs.size() == 1);
        CHECK(r.docs[0].skip == SkipReason::kUnreadable);
        CHECK(r.docs[0].message.find("truncated gzip") != std::string::npos);
    }

    TEST_CASE("a folder walk reads only regular files, a FIFO is a named skip, not a hang") {
        TempDir dir;
        dir.write("good.txt", "plain words");
        REQUIRE(::mkfifo((dir.path() / "pipe.txt").c_str(), 0600) == 0);
        std::filesystem::create_directory(dir.path() / "sub");
        dir.write("sub/inner.txt", "inner words");
        auto r = read_all({dir.path().string()});
        REQUIRE(r.docs.size() == 3);
        CHECK(r.docs[0].skip == SkipReason::kNone);
        CHECK(r.locations[1] == (dir.path() / "pipe.txt").string());
        CHECK(r.docs[1].skip == SkipReason::kUnreadable);
        CHECK(r.docs[1].message.find("FIFO") != std::string::npos);
        CHECK(r.docs[2].id == "sub/inner.txt");
    }

    TEST_CASE("ids of whole files: relative to the folder, absolute, or relative to a root") {
        TempDir dir;
        dir.write("day1/site/0001.txt", "words");
        const std::string day = (dir.path() / "day1").string();
        CHECK(collect_inputs({day})[0].file_id == "site/0001.txt");
        const auto abs = collect_inputs({day}, {.absolute = true, .root = ""})[0].file_id;
        CHECK(abs == (std::filesystem::absolute(dir.path()) / "day1/site/0001.txt").string());
        const auto rooted =
            collect_inputs({day}, {.absolute = true, .root = dir.path().string()})[0].file_id;
        CHECK(rooted == "day1/site/0001.txt");
        // Outside the root: the absolute path, never a "../" id.
        const auto outside =
            collect_inputs({day}, {.absolute = true, .root = day + "/site/x"})[0].file_id;
        CHECK(outside == abs);
    }

    TEST_CASE("small batches split input without losing records") {
        TempDir dir;
        std::string jsonl;
        for (int i = 0; i < 100; ++i)
            jsonl += "{\"id\":\"" + std::to_string(i) + "\",\"text\":\"t\"}\n";
        auto p = dir.write("many.jsonl", jsonl);
        ReaderOptions opts;
        opts.batch_docs = 7;
        auto r = read_all({p.string()}, opts);
        REQUIRE(r.docs.size() == 100);
        CHECK(r.docs[99].id == "99");
    }

    TEST_CASE("HTML files keep their title") {
        TempDir dir;
        dir.write("page.html", "<html><title>Head line</title><p>Body text</p></html>");
        auto r = read_all({dir.path().string()});
        REQUIRE(r.docs.size() == 1);
        CHECK(r.docs[0].text.rfind("Head line\n\n", 0) == 0);
    }
}

TEST_SUITE("io") {
    TEST_CASE("an id that is an object says so, not 'invalid JSON'") {
        TempDir dir;
        auto p = dir.write("ids.jsonl",
                           "{\"id\":{\"a\":1},\"text\":\"one\"}\n{\"id\":[1],\"text\":\"two\"}\n"
                           "{\"id\":true,\"text\":\"three\"}\n{\"id\":7,\"text\":\"four\"}\n");
        auto r = read_all({p.string()});
        REQUIRE(r.docs.size() == 4);
        for (std::size_t i = 0; i < 3; ++i) {
            CAPTURE(i);
            CHECK(r.docs[i].skip == SkipReason::kMalformed);
            CHECK(r.docs[i].message == "the id field \"id\" is not a string or a number");
        }
        CHECK(r.docs[3].skip == SkipReason::kNone);
        CHECK(r.docs[3].id == "7");
    }

    TEST_CASE("a text file that is not UTF-8 is read as windows-1252") {
        TempDir dir;
        auto utf8 = dir.write("utf8.txt",
                              "Le caf\xC3\xA9 \xE2\x80\x9C"
                              "de la gare\xE2\x80\x9D \xE2\x82\xAC");
        auto latin = dir.write("latin.txt",
                               "Le caf\xE9 \x93"
                               "de la gare\x94 \x80");
        auto r = read_all({utf8.string(), latin.string()});
        REQUIRE(r.docs.size() == 2);
        CHECK(r.docs[1].skip == SkipReason::kNone);
        CHECK(r.docs[1].text == r.docs[0].text);
    }

    TEST_CASE("UTF-16 files with a byte order mark are decoded, not skipped as binary") {
        TempDir dir;
        const auto utf16le = [](std::string_view ascii) {
            std::string out = "\xFF\xFE";
            for (const char c : ascii)
                out += std::string{c, '\0'};
            return out;
        };
        const auto utf16be = [](std::string_view ascii) {
            std::string out = "\xFE\xFF";
            for (const char c : ascii)
                out += std::string{'\0', c};
            return out;
        };
        dir.write("a.txt", utf16le("plain text in UTF-16"));
        dir.write("b.html", utf16le("<html><head><meta charset=\"utf-16\"></head><body><p>a page "
                                    "in UTF-16</p></body></html>"));
        dir.write("c.htm", utf16be("<html><body><p>big endian page</p></body></html>"));
        // without a byte order mark: ASCII's NUL in every other byte
        dir.write("d.html",
                  utf16le("<html><body><p>a page without a BOM</p></body></html>").substr(2));
        dir.write("e.txt", utf16be("big endian text without a BOM").substr(2));
        dir.write("f.txt", std::string("\0a\0b\0\0c\0d\0", 10));  // NUL pairs: binary
        auto r = read_all({dir.path().string()});
        REQUIRE(r.docs.size() == 6);
        CHECK(r.docs[3].text == "a page without a BOM");
        CHECK(r.docs[4].text == "big endian text without a BOM");
        CHECK(r.docs[5].skip == SkipReason::kBinary);
        r.docs.resize(3);
        for (const ParsedDoc& d : r.docs)
            CHECK(d.skip == SkipReason::kNone);
        CHECK(r.docs[0].text == "plain text in UTF-16");
        CHECK(r.docs[1].text == "a page in UTF-16");
        CHECK(r.docs[2].text == "big endian page");
    }

    TEST_CASE("HTML in a JSON string is UTF-8: the page's charset is not applied again") {
        TempDir dir;
        auto p =
            dir.write("pages.jsonl",
                      "{\"id\":\"l\",\"text\":\"<html><head><meta charset=\\\"iso-8859-1\\\">"
                      "</head><body><p>Le caf\xC3\xA9 de la gare ouvre.</p></body></html>\"}\n");
        FieldNames fields;
        fields.text_format = TextFormat::kHtml;
        auto r = read_all({p.string()}, {}, fields);
        REQUIRE(r.docs.size() == 1);
        CHECK(r.docs[0].text == "Le caf\xC3\xA9 de la gare ouvre.");
    }

    TEST_CASE("a page libxml2 cannot read in time or whole is a skip with its reason") {
        TempDir dir;
        std::string attrs = "<html><body><div";
        for (int i = 0; i < 2000; ++i)
            attrs += " a" + std::to_string(i);
        dir.write("attrs.html", attrs + "><p>text</p></div></body></html>");
        std::string deep;
        for (int i = 0; i < 1200; ++i)
            deep += "<div>";
        dir.write("deep.html", deep + "<p>deep</p>");
        auto r = read_all({dir.path().string()});
        REQUIRE(r.docs.size() == 2);
        CHECK(r.docs[0].skip == SkipReason::kMalformed);
        CHECK(r.docs[0].message.find("attributes") != std::string::npos);
        CHECK(r.docs[1].skip == SkipReason::kMalformed);
        CHECK(r.docs[1].message.find("nested") != std::string::npos);
    }
}

TEST_SUITE("io") {
    /// Every record of `inputs` read in order: its line, skip reason, bytes; and the bytes read.
    struct Lines {
        std::vector<std::uint64_t> lines;
        std::vector<SkipReason> skips;
        std::vector<std::string> bytes;
        std::uint64_t input_bytes = 0;
    };
    Lines read_lines(std::vector<InputFile> inputs, ReaderOptions opts) {
        RecordReader reader(std::move(inputs), opts);
        RawBatch batch;
        Lines out;
        while (reader.next_batch(batch)) {
            out.input_bytes += batch.input_bytes;
            for (const RawRecord& rec : batch.records) {
                out.lines.push_back(rec.line);
                out.skips.push_back(rec.skip);
                out.bytes.emplace_back(batch.bytes(rec));
            }
        }
        return out;
    }

    TEST_CASE("a JSONL file read in pieces gives its lines, each once, in order (any piece size)") {
        TempDir dir;
        std::string jsonl;
        for (int i = 0; i < 300; ++i) {
            if (i % 13 == 0)
                jsonl += "\n";  // blank lines are records (skips) too
            if (i == 150)
                jsonl += "{\"text\":\"" + std::string(3000, 'x') + "\"}\n";  // over the limit
            jsonl += "{\"id\":\"" + std::to_string(i) + "\",\"text\":\"" +
                     std::string(static_cast<std::size_t>(i % 37), 'w') + "\"}" +
                     (i % 5 == 0 ? "\r\n" : "\n");
        }
        jsonl += "{\"id\":\"last\",\"text\":\"no newline\"}";
        const auto path = dir.write("big.jsonl", jsonl);
        ReaderOptions opts;
        opts.max_doc_bytes = 2000;
        opts.batch_docs = 16;
        const std::vector<InputFile> whole = collect_inputs({path.string()});
        const Lines expected = read_lines(whole, opts);
        CHECK(expected.input_bytes == jsonl.size());
        for (const std::uint64_t piece_bytes :
             {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{40}, std::uint64_t{997},
              std::uint64_t{4096}, std::uint64_t{jsonl.size() - 1}}) {
            CAPTURE(piece_bytes);
            const std::vector<InputFile> pieces = split_input(whole[0], piece_bytes);
            REQUIRE(pieces.size() == (jsonl.size() + piece_bytes - 1) / piece_bytes);
            Lines got;
            std::uint64_t line_base = 0;
            for (const InputFile& piece : pieces) {
                const Lines part = read_lines({piece}, opts);
                for (std::size_t i = 0; i < part.lines.size(); ++i) {
                    got.lines.push_back(part.lines[i] + line_base);
                    got.skips.push_back(part.skips[i]);
                    got.bytes.push_back(part.bytes[i]);
                }
                if (!part.lines.empty())
                    line_base += part.lines.back();
                got.input_bytes += part.input_bytes;
            }
            CHECK(got.lines == expected.lines);
            CHECK(got.skips == expected.skips);
            CHECK(got.bytes == expected.bytes);
            CHECK(got.input_bytes == expected.input_bytes);
        }
    }

    TEST_CASE("only plain JSONL files larger than a piece are cut, a binary one is skipped once") {
        TempDir dir;
        const auto small = dir.write("small.jsonl", "{\"id\":\"a\",\"text\":\"t\"}\n");
        const auto text = dir.write("x.txt", std::string(5000, 'a'));
        std::string binary = "{\"id\":\"b\",\"text\":\"t\"}\n";
        binary += std::string(1, '\0') + std::string(5000, 'b') + "\n";
        const auto bin = dir.write("bin.jsonl", binary);
        CHECK(split_input(collect_inputs({small.string()})[0], 4).size() == 6);
        CHECK(split_input(collect_inputs({small.string()})[0], 0).size() == 1);
        CHECK(split_input(collect_inputs({small.string()})[0], 1000).size() == 1);
        CHECK(split_input(collect_inputs({text.string()})[0], 100).size() == 1);
        const std::vector<InputFile> pieces = split_input(collect_inputs({bin.string()})[0], 1000);
        REQUIRE(pieces.size() == 6);
        std::vector<SkipReason> skips;
        for (const InputFile& piece : pieces) {
            for (const SkipReason s : read_lines({piece}, {}).skips)
                skips.push_back(s);
        }
        CHECK(skips == std::vector<SkipReason>{SkipReason::kBinary});
    }
}
