#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <doctest/doctest.h>

#include "../support/support.hpp"
#include "neardup/core/error.hpp"
#include "neardup/dedup/corpus.hpp"
#include "neardup/io/compressed_writer.hpp"
#include "neardup/report/writers.hpp"

namespace neardup {
namespace {

using test::TempDir;

/// Five articles: 0 and 2 are copies, 3 is a copy of 1, 4 stands alone; line 3 is malformed.
std::string feed() {
    std::mt19937_64 rng(5);
    const std::string a = test::random_text(rng, 120);
    const std::string b = test::random_text(rng, 120);
    const std::string c = test::random_text(rng, 120);
    return "{\"id\":\"a\",\"text\":\"" + a + "\"}\n{\"id\":\"b\",\"text\":\"" + b +
           "\"}\nnot json\n{\"id\":\"a2\",\"text\":\"" + a + "\"}\r\n{\"id\":\"b2\",\"text\":\"" +
           b + "\"}\n{\"id\":\"c\",\"text\":\"" + c + "\"}";
}

/// The near level of `inputs` (no story level: these tests are about records, not stories).
ScanResult scanned(const std::vector<InputFile>& inputs) {
    ScanConfig cfg;
    cfg.story.enabled = false;
    return run_scan(cfg, inputs);
}

/// The kept lines of `r`'s documents; `stamps` as the caller took them (default: now).
std::string kept_lines(const std::vector<InputFile>& inputs, const ScanResult& r,
                       const std::vector<bool>& kept, DedupStats* stats = nullptr,
                       std::vector<InputStamp> stamps = {}) {
    if (stamps.empty())
        stamps = stamp_inputs(inputs);
    std::ostringstream out;
    CompressedWriter w(out, Compression::kNone);
    const DedupStats s = write_kept_lines(inputs, stamps, record_choices(r, kept), w);
    w.finish();
    if (stats != nullptr)
        *stats = s;
    return out.str();
}

}  // namespace

TEST_SUITE("dedup") {
    TEST_CASE("the kept lines are the keep list's records, as read, in input order") {
        TempDir dir;
        const std::string text = feed();
        const auto path = dir.write("f.jsonl", text);
        const auto inputs = collect_inputs({path.string()});
        const ScanResult r = scanned(inputs);
        const std::vector<bool> kept = kept_documents(r, Level::kNear);
        std::ostringstream keep;
        write_id_list(r, Level::kNear, true, keep);
        CHECK(keep.str() == "a\nb\nc\n");
        DedupStats s;
        const std::string out = kept_lines(inputs, r, kept, &s);
        std::istringstream lines(text);
        std::string l1, l2, l3, l4, l5, l6;
        std::getline(lines, l1);
        std::getline(lines, l2);
        std::getline(lines, l3);
        std::getline(lines, l4);
        std::getline(lines, l5);
        std::getline(lines, l6);
        CHECK(out == l1 + "\n" + l2 + "\n" + l6 + "\n");  // the last line gets its newline
        CHECK(s.kept_docs == 3);
        CHECK(s.dropped_docs == 2);
        CHECK(s.dropped_bytes == l4.size() + 1 + l5.size() + 1);  // "\r\n" counted as read
    }

    TEST_CASE("an input changed since the scan read it is an error, not a mixed corpus") {
        TempDir dir;
        const auto path = dir.write("f.jsonl", feed());
        const auto inputs = collect_inputs({path.string()});
        const ScanResult r = scanned(inputs);
        const auto stamps = stamp_inputs(inputs);
        std::filesystem::last_write_time(
            path, std::filesystem::file_time_type::clock::now() + std::chrono::hours(1));
        CHECK_THROWS_AS(
            (void)kept_lines(inputs, r, kept_documents(r, Level::kNear), nullptr, stamps), IoError);
    }

    TEST_CASE("an input replaced by rename, same size and time, is a changed input") {
        TempDir dir;
        const std::string text = feed();
        const auto path = dir.write("f.jsonl", text);
        std::string other = text;
        other[10] = other[10] == 'x' ? 'y' : 'x';  // same size
        const auto next = dir.write("f.next", other);
        const auto inputs = collect_inputs({path.string()});
        const ScanResult r = scanned(inputs);
        const auto stamps = stamp_inputs(inputs);
        std::filesystem::last_write_time(next, std::filesystem::last_write_time(path));
        std::filesystem::rename(next, path);
        CHECK_THROWS_AS(
            (void)kept_lines(inputs, r, kept_documents(r, Level::kNear), nullptr, stamps), IoError);
    }

    TEST_CASE("compressed output reads back through the reader, every format") {
        TempDir dir;
        std::string lines;
        for (int i = 0; i < 20000; ++i)
            lines += "{\"id\":\"" + std::to_string(i) + "\",\"text\":\"line " + std::to_string(i) +
                     "\"}\n";
        for (const char* name : {"o.jsonl.gz", "o.jsonl.zst", "o.jsonl.xz", "o.jsonl.bz2"}) {
            CAPTURE(name);
            const auto path = dir.path() / name;
            {
                std::ofstream f(path, std::ios::binary);
                CompressedWriter w(f, compression_of(name));
                w.write(lines);
                w.finish();
            }
            const auto inputs = collect_inputs({path.string()});
            std::string back;
            for_each_raw_line(inputs[0], [&](std::uint64_t, std::string_view l) { back += l; });
            CHECK(back == lines);
        }
        CHECK(compression_of("X.JSONL.GZ") == Compression::kGzip);
        CHECK(compression_of("x.jsonl") == Compression::kNone);
    }

    TEST_CASE("a folder of kept files: places below it, refused when they would leave it") {
        TempDir dir;
        dir.write("a/x.jsonl", feed());
        dir.write("b/x.jsonl", feed());
        const auto a = collect_inputs({(dir.path() / "a").string()});
        const auto both =
            collect_inputs({(dir.path() / "a").string(), (dir.path() / "b").string()});
        CHECK_NOTHROW(KeptTree::check_places(a));
        CHECK_THROWS_AS(KeptTree::check_places(both), ConfigError);  // both x.jsonl
        InputFile above;
        above.path = "../x.txt";
        above.relative = "../x.txt";
        CHECK_THROWS_AS(KeptTree::check_places(std::vector<InputFile>{above}), ConfigError);
        InputFile absolute;
        absolute.path = "/data/x.txt";
        absolute.relative = "/data/x.txt";
        CHECK_NOTHROW(KeptTree::check_places(std::vector<InputFile>{absolute}));
    }

    TEST_CASE("a kept tree is renamed into place on commit only") {
        TempDir dir;
        const auto src = dir.write("in/f.jsonl", feed());
        const auto inputs = collect_inputs({(dir.path() / "in").string()});
        const ScanResult r = scanned(inputs);
        const auto target = (dir.path() / "out").string();
        {
            KeptTree tree(target, false);
            (void)tree.write(inputs, stamp_inputs(inputs),
                             record_choices(r, kept_documents(r, Level::kNear)));
        }  // no commit: nothing there, no temporary folder left
        CHECK_FALSE(std::filesystem::exists(target));
        std::size_t entries = 0;
        for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path()))
            ++entries;
        CHECK(entries == 1);  // in/
        KeptTree tree(target, false);
        (void)tree.write(inputs, stamp_inputs(inputs),
                         record_choices(r, kept_documents(r, Level::kNear)));
        tree.commit();
        CHECK(test::read_file(dir.path() / "out" / "f.jsonl") ==
              kept_lines(inputs, r, kept_documents(r, Level::kNear)));
        CHECK_THROWS_AS(KeptTree(target, false), ConfigError);  // it holds something now
    }
}

}  // namespace neardup
