#include <string>

#include <doctest/doctest.h>

#include "neardup/io/parse.hpp"
#include "neardup/report/writers.hpp"
#include "neardup/text/date.hpp"
#include "neardup/text/normalize.hpp"

using neardup::normalize;

namespace {
std::string norm(std::string_view s, neardup::NormalizeOptions o = {}) {
    std::string out;
    normalize(s, o, out);
    return out;
}
}  // namespace

TEST_SUITE("text") {
    TEST_CASE("ASCII: case folded, punctuation and whitespace collapsed") {
        CHECK(norm("  Hello,   WORLD!! It's 2025.\n") == "hello world it s 2025");
        CHECK(norm("") == "");
        CHECK(norm("...!!!") == "");
        CHECK(norm("a_b-c") == "a b c");
    }

    TEST_CASE("Unicode: NFKC, case folding, punctuation as separators") {
        CHECK(norm("Straße") == "strasse");
        CHECK(norm("ÉCOLE école") == "école école");
        CHECK(norm("e\xCC\x81") == "\xC3\xA9");   // e + combining acute -> é
        CHECK(norm("ﬁnance") == "finance");       // ligature fi (NFKC)
        CHECK(norm("ＡＢＣ１２３") == "abc123");  // fullwidth forms
        CHECK(norm("Meta’s “big” bet—now") == "meta s big bet now");
        CHECK(norm("ΣΊΣΥΦΟΣ") == norm("σίσυφοσ"));
    }

    TEST_CASE("invalid UTF-8 is a separator, never a crash") {
        CHECK(norm("abc\xFF\xFE"
                   "def") == "abc def");
        CHECK(norm("\xC3") == "");
        CHECK(norm("ok\xE2\x82") == "ok");
    }

    TEST_CASE("a run of combining marks is cut to the stream-safe 30 (UAX #15), not sorted") {
        std::string marks;
        for (int i = 0; i < 200000; ++i)
            marks += i % 2 == 0 ? "\xCC\x81" : "\xCC\x96";  // U+0301 (ccc 230), U+0316 (220)
        const std::string out = norm("a" + marks + " end");
        // "a" + 30 marks in canonical order (ccc 220 first), then composed: U+00E1 (a + the
        // first acute), 15 x U+0316, 14 x U+0301.
        std::string want = "\xC3\xA1";
        for (int i = 0; i < 15; ++i)
            want += "\xCC\x96";
        for (int i = 0; i < 14; ++i)
            want += "\xCC\x81";
        CHECK(out == want + " end");
        // Up to 30 marks nothing is cut: U+00F6 (o + the first diaeresis) and 29 more.
        std::string thirty = "o";
        for (int i = 0; i < 30; ++i)
            thirty += "\xCC\x88";
        CHECK(norm(thirty).size() == 2 + 29 * 2);
    }

    TEST_CASE("long words map in pieces to the same text as short ones") {
        std::string word;
        for (int i = 0; i < 3000; ++i)
            word += "e\xCC\x81\xEF\xAC\x81";  // e + acute (composes), ligature fi (NFKC)
        std::string want;
        for (int i = 0; i < 3000; ++i)
            want +=
                "\xC3\xA9"
                "fi";
        CHECK(norm(word) == want);
    }

    TEST_CASE("normalization output is bounded: 3x the input, 2^20 words") {
        std::string fdfa;
        for (int i = 0; i < 20000; ++i)
            fdfa += "\xEF\xB7\xBA";  // U+FDFA: NFKC gives 18 letters (33 bytes)
        const std::string out = norm(fdfa);
        CHECK(out.size() <= 3 * fdfa.size() + 64 + 4);  // checked per code point
        CHECK(out.size() >= 2 * fdfa.size());
        std::string words;
        for (std::size_t i = 0; i < neardup::kMaxDocumentTokens + 10; ++i)
            words += "ab ";
        neardup::NormalizedText t;
        neardup::normalize_tokens(words, {}, true, t);
        CHECK(t.tokens.size() == neardup::kMaxDocumentTokens);
        CHECK(t.name_flags.size() == neardup::kMaxDocumentTokens);
        CHECK(t.text.size() == 3 * neardup::kMaxDocumentTokens - 1);
        neardup::normalize_tokens("\xC3\xA9" + words, {}, false, t);  // the general path
        CHECK(t.tokens.size() == neardup::kMaxDocumentTokens);
    }

    TEST_CASE("JSON repairs: lone surrogate escapes become U+FFFD, pairs stay") {
        std::string out;
        CHECK(neardup::repair_surrogate_escapes(R"({"t":"a\ud800b\udc00c\ud83d\ude00\\ud800"})",
                                                out));
        CHECK(out == R"({"t":"a\uFFFDb\uFFFDc\ud83d\ude00\\ud800"})");
        CHECK_FALSE(neardup::repair_surrogate_escapes(R"({"t":"\ud83d\ude00 \\ud800"})", out));
    }

    TEST_CASE("case folding can be turned off") {
        neardup::NormalizeOptions o;
        o.fold_case = false;
        CHECK(norm("Hello World", o) == "Hello World");
    }

    TEST_CASE("tokenize splits on single spaces") {
        std::vector<neardup::TokenSpan> toks;
        neardup::tokenize("ab cd e", toks);
        REQUIRE(toks.size() == 3);
        CHECK(toks[1].begin == 3);
        CHECK(toks[1].end == 5);
        neardup::tokenize("", toks);
        CHECK(toks.empty());
    }

    TEST_CASE("parse_date reads ISO 8601 and epoch seconds") {
        CHECK(neardup::parse_date("1970-01-02") == 86400);
        CHECK(neardup::parse_date("2025-11-20T10:00:00Z") == 1763632800);
        CHECK(neardup::parse_date("2025-11-20T11:00:00+01:00") == 1763632800);
        CHECK(neardup::parse_date("2025-11-20 10:00:00.250") == 1763632800);
        CHECK(neardup::parse_date("1763632800") == 1763632800);
        CHECK_FALSE(neardup::parse_date("yesterday").has_value());
        CHECK_FALSE(neardup::parse_date("2025-13-01").has_value());
        CHECK_FALSE(neardup::parse_date("").has_value());
    }

    TEST_CASE("parse_date reads the forms feeds and pages use") {
        constexpr std::int64_t t = 1763632800;  // 2025-11-20T10:00:00Z, a Thursday
        CHECK(neardup::parse_date("Thu, 20 Nov 2025 10:00:00 GMT") == t);    // RFC 1123
        CHECK(neardup::parse_date("Thu, 20 Nov 2025 11:00:00 +0100") == t);  // RFC 2822
        CHECK(neardup::parse_date("Thu, 20 Nov 25 05:00 EST") == t);         // RFC 822
        CHECK(neardup::parse_date("20 Nov 2025 10:00:00 UT") == t);
        CHECK(neardup::parse_date("November 20, 2025 10:00") == t);  // a page's byline
        CHECK(neardup::parse_date("20 November 2025") == t - 10 * 3600);
        CHECK(neardup::parse_date("Sept. 20, 2025") == neardup::parse_date("2025-09-20"));
        CHECK(neardup::parse_date("2025-11-20T10:00:00.123Z") == t);
        CHECK(neardup::parse_date("2025-11-20 11:00:00 +0100") == t);  // zone after a space
        CHECK(neardup::parse_date("2025-11-20T10:00:00 UTC") == t);
        CHECK(neardup::parse_date("1763632800000") == t);  // epoch milliseconds
        CHECK_FALSE(neardup::parse_date("Thu, 20 Foo 2025 10:00:00 GMT").has_value());
        CHECK_FALSE(neardup::parse_date("20 Nov 2025 10:00 XYZ").has_value());
        CHECK_FALSE(neardup::parse_date("November 2025").has_value());
        CHECK_FALSE(neardup::parse_date("Thu, 32 Nov 2025").has_value());
    }

    TEST_CASE("parse_date refuses years outside 1000-9999 (ISO 8601 writes four digits)") {
        CHECK_FALSE(neardup::parse_date("0001-01-01T00:00:00Z").has_value());
        CHECK_FALSE(neardup::parse_date("0999-12-31").has_value());
        CHECK_FALSE(neardup::parse_date("1000-01-01T00:30:00+01:00").has_value());  // 0999 UTC
        CHECK_FALSE(neardup::parse_date("9999-12-31T23:30:00-01:00").has_value());  // 10000 UTC
        CHECK_FALSE(neardup::parse_date("999999999999").has_value());  // epoch: year 33658
        CHECK_FALSE(neardup::parse_date("1 Jan 0010").has_value());
        CHECK(neardup::parse_date("1000-01-01") == -30610224000);
        CHECK(neardup::parse_date("9999-12-31T23:59:59Z") == 253402300799);
        CHECK(neardup::format_iso8601(*neardup::parse_date("1000-01-01")) ==
              "1000-01-01T00:00:00Z");
    }

    TEST_CASE("parse_date refuses days a month lacks, with leap years right") {
        CHECK_FALSE(neardup::parse_date("2026-02-30").has_value());
        CHECK_FALSE(neardup::parse_date("2026-02-29").has_value());
        CHECK_FALSE(neardup::parse_date("2026-04-31T10:00:00Z").has_value());
        CHECK_FALSE(neardup::parse_date("1900-02-29").has_value());  // no leap year
        CHECK_FALSE(neardup::parse_date("30 Feb 2026").has_value());
        CHECK_FALSE(neardup::parse_date("February 29, 2025").has_value());
        CHECK(neardup::parse_date("2024-02-29") ==
              neardup::parse_date("2024-02-28").value() + 86400);
        CHECK(neardup::parse_date("2000-02-29").has_value());  // a leap year (divisible by 400)
        CHECK(neardup::parse_date("2026-12-31").has_value());
    }

    TEST_CASE("parse_date refuses zones beyond +-14:00 and minutes over 59") {
        CHECK_FALSE(neardup::parse_date("2026-01-01T00:00:00+99:99").has_value());
        CHECK_FALSE(neardup::parse_date("2026-01-01T00:00:00+15:00").has_value());
        CHECK_FALSE(neardup::parse_date("2026-01-01T00:00:00-14:30").has_value());
        CHECK_FALSE(neardup::parse_date("2026-01-01T00:00:00+05:60").has_value());
        CHECK_FALSE(neardup::parse_date("Thu, 01 Jan 2026 00:00:00 +9999").has_value());
        CHECK(neardup::parse_date("2026-01-01T14:00:00+14:00") ==
              neardup::parse_date("2026-01-01"));
        CHECK(neardup::parse_date("2025-12-31T12:00:00-12:00") ==
              neardup::parse_date("2026-01-01"));
        CHECK(neardup::parse_date("2026-01-01T05:45:00+05:45") ==
              neardup::parse_date("2026-01-01"));
    }

    TEST_CASE("repair_utf8 replaces only invalid bytes") {
        std::string out;
        CHECK_FALSE(neardup::repair_utf8("fine é", out));
        CHECK(
            neardup::repair_utf8("a\xFF"
                                 "b",
                                 out));
        CHECK(out ==
              "a\xEF\xBF\xBD"
              "b");
    }
}
