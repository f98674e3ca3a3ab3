// Dates that cannot be true are not trusted (issue 21): one per rule, each at its boundary.
#include "neardup/text/date.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "../support/support.hpp"
#include "neardup/core/error.hpp"
#include "neardup/extract/page.hpp"
#include "neardup/pipeline/night.hpp"
#include "neardup/pipeline/pipeline.hpp"

using namespace neardup;
using neardup::test::TempDir;

namespace {

constexpr std::int64_t kNow = 1764547200;  // 2025-12-01T00:00:00Z, the run's time in these tests
const std::string kText =
    "the central bank raised its main interest rate by a quarter point on thursday and "
    "said further increases were likely as inflation stayed well above its target";

std::string line(const std::string& id, const std::string& date, const std::string& text) {
    return "{\"id\":\"" + id + "\",\"date\":\"" + date + "\",\"text\":\"" + text + "\"}\n";
}

ScanConfig dated_config() {
    ScanConfig cfg;
    cfg.fields.date = "date";
    cfg.threads = 1;
    cfg.now = kNow;
    return cfg;
}

/// The DocMeta of `id` in a scan result.
const DocMeta& doc_of(const ScanResult& r, const std::string& id) {
    for (const DocMeta& d : r.docs) {
        if (d.id == id)
            return d;
    }
    FAIL("no document " << id);
    return r.docs.front();
}

}  // namespace

TEST_SUITE("dates") {
    TEST_CASE("a date later than the run's time plus a day is not trusted") {
        CHECK(doubt_date(kNow + kFutureDateSlack + 1, kNow) == DateDoubt::kAfterNow);
        CHECK(doubt_date(*parse_date("2099-01-01"), kNow) == DateDoubt::kAfterNow);
        CHECK(date_doubt_reason(DateDoubt::kAfterNow) == "after the run's time");
    }

    TEST_CASE("the day of slack: now + 86400 s is still trusted, one second more is not") {
        CHECK(kFutureDateSlack == 86400);
        CHECK(doubt_date(kNow, kNow) == DateDoubt::kNone);
        CHECK(doubt_date(kNow + 86400, kNow) == DateDoubt::kNone);
        CHECK(doubt_date(kNow + 86401, kNow) == DateDoubt::kAfterNow);
    }

    TEST_CASE("the floor: 1990-01-01T00:00:00Z is trusted, a second before it is not") {
        CHECK(parse_date("1990-01-01T00:00:00Z") == kEarliestTrustedDate);
        CHECK(doubt_date(kEarliestTrustedDate, kNow) == DateDoubt::kNone);
        CHECK(doubt_date(kEarliestTrustedDate - 1, kNow) == DateDoubt::kBeforeFloor);
        CHECK(doubt_date(0, kNow) == DateDoubt::kBeforeFloor);  // 1970-01-01, the epoch
        CHECK(doubt_date(*parse_date("1900-01-01"), kNow) == DateDoubt::kBeforeFloor);
        CHECK(date_doubt_reason(DateDoubt::kBeforeFloor) == "before 1990");
        CHECK(date_doubt_reason(DateDoubt::kNone).empty());
    }

    TEST_CASE("a scan leaves implausible dates out and counts them, the first with where") {
        TempDir dir;
        const auto p = dir.write("night.jsonl", line("ok", "2025-11-30T10:00:00Z", "one") +
                                                    line("future", "2099-01-01", "two") +
                                                    line("epoch", "1970-01-01", "three") +
                                                    line("edge", "2025-12-02T00:00:00Z", "four"));
        const ScanResult r = run_scan(dated_config(), collect_inputs({p.string()}));
        CHECK(doc_of(r, "ok").date == *parse_date("2025-11-30T10:00:00Z"));
        CHECK_FALSE(doc_of(r, "future").date.has_value());
        CHECK_FALSE(doc_of(r, "epoch").date.has_value());
        CHECK(doc_of(r, "edge").date == kNow + 86400);  // within the day of slack
        CHECK(r.stats.implausible_dates == 2);
        CHECK(r.stats.first_implausible_date ==
              "2099-01-01T00:00:00Z at " + p.string() + ":2, after the run's time");
        CHECK(r.stats.unreadable_dates == 0);
    }

    TEST_CASE("a copy dated 1970 is not the kept article (the earliest dated one)") {
        TempDir dir;
        const auto p = dir.write("copies.jsonl", line("later", "2025-06-02", kText) +
                                                     line("epoch", "1970-01-01", kText) +
                                                     line("earlier", "2025-06-01", kText));
        const ScanResult r = run_scan(dated_config(), collect_inputs({p.string()}));
        REQUIRE(r.near.groups() == 1);
        CHECK(r.docs[r.near.representative[0]].id == "earlier");
    }

    TEST_CASE("under --strict an implausible date is an error, as an unreadable one is") {
        TempDir dir;
        ScanConfig cfg = dated_config();
        cfg.strict = true;
        const auto bad = dir.write("bad.jsonl", line("future", "2099-01-01", "two"));
        CHECK_THROWS_WITH_AS((void)run_scan(cfg, collect_inputs({bad.string()})),
                             doctest::Contains("after the run's time (--strict)"), FormatError);
        const auto good = dir.write("good.jsonl", line("edge", "2025-12-02T00:00:00Z", "two"));
        CHECK(run_scan(cfg, collect_inputs({good.string()})).stats.implausible_dates == 0);
    }

    TEST_CASE("a web page's date that cannot be read is counted, not dropped in silence") {
        ExtractedPage page;
        extract_page(
            "<html><head><meta property=\"article:published_time\" content=\"le 3 mars\">"
            "</head><body><p>text</p></body></html>",
            {}, page);
        CHECK_FALSE(page.date.has_value());
        CHECK(page.unreadable_date == "le 3 mars");

        TempDir dir;
        dir.write("a.html",
                  "<html><head><script type=\"application/ld+json\">{\"datePublished\":"
                  "\"sometime\"}</script></head><body><article><p>" +
                      kText + "</p></article></body></html>");
        dir.write("b.html",
                  "<html><head><meta property=\"article:published_time\" "
                  "content=\"1970-01-01T00:00:00Z\"></head><body><article><p>other words "
                  "about the weather and the harvest</p></article></body></html>");
        const ScanResult r = run_scan(dated_config(), collect_inputs({dir.path().string()}));
        CHECK(r.stats.unreadable_dates == 1);
        CHECK(r.stats.first_unreadable_date.find("'sometime' at ") == 0);
        CHECK(r.stats.implausible_dates == 1);  // b's 1970
    }

    TEST_CASE("windows count back from the newest trusted date, never later than now") {
        std::vector<DocMeta> docs(3);
        CHECK(window_end(docs, 0, kNow) == kNow);  // none dated
        docs[0].date = kNow - 7200;
        docs[1].date = kNow - 3600;
        CHECK(window_end(docs, 0, kNow) == kNow - 3600);
        docs[2].date = kNow + 3600;  // within the day of slack: trusted, but no window end
        CHECK(window_end(docs, 0, kNow) == kNow);
        CHECK(window_end(docs, 2, kNow) == kNow);  // from `first` on only
        docs[2].date.reset();
        CHECK(window_end(docs, 1, kNow) == kNow - 3600);
    }
}
