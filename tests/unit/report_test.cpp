#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <doctest/doctest.h>

#include "../support/support.hpp"
#include "neardup/core/error.hpp"
#include "neardup/core/escape.hpp"
#include "neardup/report/html_report.hpp"
#include "neardup/report/output_file.hpp"
#include "neardup/report/writers.hpp"

using namespace neardup;

namespace {
ScanResult two_doc_result() {
    ScanResult r;
    r.docs = {{"a\tb", "f.jsonl:1", std::nullopt, 10, 0, "", ""},
              {"c,\"d\"", "f.jsonl:2", 1764577800, 5, 0, "A \"title\"", "https://x.org/c?a,b"}};
    UnionFind uf(2);
    uf.unite(0, 1);
    std::vector<RepresentativeKey> keys{{std::nullopt, 10, "a\tb"}, {std::nullopt, 5, "c,\"d\""}};
    r.near = make_clustering(uf, keys);
    r.similarity = {1.0F, 0.8125F};
    r.story = r.near;
    return r;
}
}  // namespace

TEST_SUITE("report") {
    TEST_CASE("TSV escapes tabs, CSV quotes") {
        const ScanResult r = two_doc_result();
        std::ostringstream tsv;
        write_assignments(r, OutputFormat::kTsv, tsv);
        CHECK(
            tsv.str() ==
            "id\tnear\tstory\trepresentative\tsimilarity\tsource\tdate\ttitle\turl\taction\tlang\n"
            "a\\tb\t1\t1\t1\t1.0000\tf.jsonl:1\t\t\t\tnew-story\tund\n"
            "c,\"d\"\t1\t1\t0\t0.8125\tf.jsonl:2\t2025-12-01T08:30:00Z\tA \"title\"\t"
            "https://x.org/c?a,b\tdrop\tund\n");
        std::ostringstream csv;
        write_assignments(r, OutputFormat::kCsv, csv);
        CHECK(csv.str() ==
              "id,near,story,representative,similarity,source,date,title,url,action,lang\n"
              "a\tb,1,1,1,1.0000,f.jsonl:1,,,,new-story,und\n"
              "\"c,\"\"d\"\"\",1,1,0,0.8125,f.jsonl:2,2025-12-01T08:30:00Z,\"A \"\"title\"\"\","
              "\"https://x.org/c?a,b\",drop,und\n");
        std::ostringstream bare;
        write_assignments(r, OutputFormat::kTsv, bare, false);
        CHECK(bare.str() == tsv.str().substr(tsv.str().find('\n') + 1));
    }

    TEST_CASE("JSONL rows: the same keys as the columns, unknown values null") {
        std::ostringstream out;
        write_assignments(two_doc_result(), OutputFormat::kJsonl, out);
        CHECK(out.str() ==
              "{\"id\":\"a\\tb\",\"near\":1,\"story\":1,\"representative\":true,"
              "\"similarity\":1.0000,\"source\":\"f.jsonl:1\",\"date\":null,\"title\":null,"
              "\"url\":null,\"action\":\"new-story\",\"lang\":\"und\"}\n"
              "{\"id\":\"c,\\\"d\\\"\",\"near\":1,\"story\":1,\"representative\":false,"
              "\"similarity\":0.8125,\"source\":\"f.jsonl:2\",\"date\":\"2025-12-01T08:30:00Z\","
              "\"title\":\"A "
              "\\\"title\\\"\",\"url\":\"https://x.org/"
              "c?a,b\",\"action\":\"drop\",\"lang\":\"und\"}\n");
    }

    TEST_CASE("index rows have the same columns, then their own") {
        const std::vector<IndexOutputRow> rows{
            {"a", 7, 9, true, 1.0F, "s:1", 1764577800, "T", "", "keep", "", "held", 0, "und",
             std::nullopt},
            {"b", 8, 10, false, std::numeric_limits<float>::quiet_NaN(), "s:2", std::nullopt, "",
             "", "moved", "", "a", 0, "en", 9}};
        std::ostringstream tsv;
        write_index_rows(rows, OutputFormat::kTsv, true, tsv);
        CHECK(tsv.str() ==
              "id\tnear\tstory\trepresentative\tsimilarity\tsource\tdate\ttitle\turl\taction\t"
              "matched_near\tmatched_story\tlang\told_story\n"
              "a\t7\t9\t1\t1.0000\ts:1\t2025-12-01T08:30:00Z\tT\t\tkeep\t\theld\tund\t\n"
              "b\t8\t10\t0\t\ts:2\t\t\t\tmoved\t\ta\ten\t9\n");
        std::ostringstream moved;
        write_index_rows(std::span(rows).subspan(1), OutputFormat::kJsonl, true, moved);
        CHECK(moved.str().find("\"similarity\":null") != std::string::npos);
        CHECK(moved.str().find("\"old_story\":9}") != std::string::npos);
        std::ostringstream json;
        write_index_rows(std::span(rows).first(1), OutputFormat::kJsonl, false, json);
        CHECK(json.str() ==
              "{\"id\":\"a\",\"near\":7,\"story\":9,\"representative\":true,"
              "\"similarity\":1.0000,\"source\":\"s:1\",\"date\":\"2025-12-01T08:30:00Z\","
              "\"title\":\"T\",\"url\":null,\"action\":\"keep\",\"added\":\"1970-01-01T00:00:00Z\","
              "\"lang\":\"und\"}"
              "\n");
    }

    TEST_CASE("stories: one record per story with its near groups nested") {
        std::ostringstream out;
        write_assignments(two_doc_result(), OutputFormat::kStories, out);
        CHECK(out.str() ==
              "{\"story\":1,\"size\":2,\"kept\":\"a\\tb\",\"groups\":["
              "{\"near\":1,\"size\":2,\"kept\":\"a\\tb\",\"members\":["
              "{\"id\":\"a\\tb\",\"representative\":true,\"similarity\":1.0000,\"source\":\"f."
              "jsonl:1\",\"lang\":\"und\"},"
              "{\"id\":\"c,\\\"d\\\"\",\"representative\":false,\"similarity\":0.8125,\"source\":"
              "\"f.jsonl:2\",\"lang\":\"und\"}]}]}\n");
    }

    TEST_CASE("keep and drop lists partition the ids") {
        std::ostringstream keep;
        std::ostringstream drop;
        write_id_list(two_doc_result(), Level::kNear, true, keep);
        write_id_list(two_doc_result(), Level::kNear, false, drop);
        CHECK(keep.str() == "a\\tb\n");
        CHECK(drop.str() == "c,\"d\"\n");
    }

    TEST_CASE("JSON strings escape controls and repair invalid UTF-8") {
        std::string s;
        append_json_string(s, std::string("q\"\\\n\x01\xFF\xC3\xA9", 8));
        CHECK(s == "\"q\\\"\\\\\\n\\u0001\xEF\xBF\xBD\xC3\xA9\"");
    }

    TEST_CASE("JSON strings never carry ill-formed UTF-8: overlong, surrogate, > U+10FFFF") {
        const std::string bad[] = {"\xC0\xAF",         "\xE0\x80\xAF",     "\xED\xA0\x80",
                                   "\xF0\x80\x80\xAF", "\xF4\x90\x80\x80", "\xF5\x80\x80\x80",
                                   "\xE2\x82"};
        for (const std::string& b : bad) {
            CAPTURE(b);
            std::string s;
            append_json_string(s, b);
            CHECK(s.find("\xEF\xBF\xBD") != std::string::npos);
            for (char c : s)
                CHECK(static_cast<unsigned char>(c) != 0x80);
        }
        std::string ok;
        append_json_string(ok, "\xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF \xED\x9F\xBF");
        CHECK(ok == "\"\xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF \xED\x9F\xBF\"");
    }

    TEST_CASE("output format names") {
        CHECK(parse_output_format("csv") == OutputFormat::kCsv);
        CHECK_THROWS_AS((void)parse_output_format("xml"), ConfigError);
    }

    TEST_CASE("OutputFile replaces a regular file only on commit") {
        test::TempDir dir;
        const auto target = dir.write("out.tsv", "old\n");
        {
            OutputFile out(target.string());
            out.stream() << "half";
            // no commit: an error happened
        }
        std::ifstream in(target);
        std::string content((std::istreambuf_iterator<char>(in)), {});
        CHECK(content == "old\n");
        {
            OutputFile out(target.string());
            out.stream() << "new\n";
            out.commit();
        }
        std::ifstream in2(target);
        std::string content2((std::istreambuf_iterator<char>(in2)), {});
        CHECK(content2 == "new\n");
        std::size_t files = 0;
        for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir.path()))
            ++files;
        CHECK(files == 1);  // no temporary file left behind
    }

    TEST_CASE("OutputFile writes devices in place") {
        OutputFile out("/dev/null");
        out.stream() << "discarded";
        out.commit();
        CHECK(std::filesystem::exists("/dev/null"));
    }
}

TEST_SUITE("report") {
    TEST_CASE("escape_for_terminal writes controls, DEL, C1 and backslashes as escapes") {
        using neardup::escape_for_terminal;
        CHECK(escape_for_terminal("plain id 42") == "plain id 42");
        CHECK(escape_for_terminal("a\nb\rc\td") == "a\\nb\\rc\\td");
        CHECK(escape_for_terminal("\x1b[2Jx") == "\\x1b[2Jx");
        CHECK(escape_for_terminal(std::string_view("\0\x7f", 2)) == "\\x00\\x7f");
        CHECK(escape_for_terminal("\xC2\x9B"
                                  "31m") == "\\u009b31m");  // C1 CSI as UTF-8
        CHECK(escape_for_terminal("caf\xC3\xA9 \xE2\x82\xAC") == "caf\xC3\xA9 \xE2\x82\xAC");
        CHECK(escape_for_terminal("a\\nb") == "a\\\\nb");  // a backslash is not an escape
        CHECK(escape_for_terminal("\x9b"
                                  "x\xff") == "\\x9bx\\xff");  // not UTF-8
        CHECK(escape_for_terminal("\xC2\x85") == "\\u0085");   // NEL
        CHECK(escape_for_terminal("\xC2\xA0") == "\xC2\xA0");  // no-break space stays
    }

    TEST_CASE("the HTML report links only http(s) URLs") {
        neardup::ReportInput in;
        const std::vector<std::string> urls = {
            "javascript:alert(1)",     " JaVaScRiPt:alert(2)",
            "\tjava\nscript:alert(3)", "data:text/html,<script>alert(4)</script>",
            "vbscript:msgbox(5)",      "\x01javascript:alert(6)",
            "//evil.example/7",        "https://ok.example/a?b=1&c=2",
            " HTTP://ok.example/b"};
        for (std::size_t i = 0; i < urls.size(); ++i)
            in.rows.push_back({"id" + std::to_string(i),
                               i + 1,
                               1,
                               true,
                               1.0F,
                               "s",
                               {},
                               "title " + std::to_string(i),
                               urls[i]});
        in.max_stories = 100;
        std::ostringstream out;
        neardup::write_html_report(in, out);
        const std::string h = out.str();
        CHECK(h.find("javascript:") == std::string::npos);
        CHECK(h.find("data:text") == std::string::npos);
        CHECK(h.find("vbscript:") == std::string::npos);
        CHECK(h.find("evil.example") == std::string::npos);
        CHECK(h.find("<a href=\"https://ok.example/a?b=1&amp;c=2\">title 7</a>") !=
              std::string::npos);
        CHECK(h.find("<a href=\"HTTP://ok.example/b\">title 8</a>") != std::string::npos);
        CHECK(h.find("title 0") != std::string::npos);  // the title stays, unlinked
    }
}
