#include <filesystem>
#include <map>

#include <doctest/doctest.h>

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
        CHECK(classify_path("c.md", f, c));
        CHECK(f == RecordFormat::kText);
        CHECK_FALSE(classify_path("d.pdf", f, c));
        CHECK_FALSE(classify_path("e.gz", f, c));
    }

    TEST_CASE("folders are walked recursively in sorted order; ids are relative paths") {
        TempDir dir;
        dir.write("b/two.txt", "second file");
        dir.write("a.txt", "first file");
        dir.write("ignored.pdf", "not read");
        auto inputs = collect_inputs({dir.path().string()});
        REQUIRE(inputs.size() == 2);
        CHECK(inputs[0].file_id == "a.txt");
        CHECK(inputs[1].file_id == "b/two.txt");
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
        // zlib reads non-gzip bytes transparently as plain data: that is text, not an error.
        CHECK(by_loc[d + "corrupt.txt.gz"] == SkipReason::kNone);
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
