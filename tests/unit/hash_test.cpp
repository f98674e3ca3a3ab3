#include "neardup/core/hash.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "neardup/core/raw_vector.hpp"

using namespace neardup;

TEST_SUITE("hash") {
    TEST_CASE("XXH3-64 known answers") {
        // xxHash cli/xsum_sanity_check.c: XXH3_64bits of the empty input, seed 0.
        CHECK(neardup::hash64("") == 0x2D06800538D394C2ULL);
        // Pinned: shingle hashes are persisted, so this value must never change.
        CHECK(neardup::hash64("the quick brown fox jumps") == 0x90602c70ee7f6208ULL);
    }

    TEST_CASE("hash_ranges gives hash64 of every range, of every length class, in any order") {
        // 0..40 bytes covers XXH3's 0, 1-3, 4-8, 9-16 and 17-128 paths; the lengths are
        // shuffled so that each class meets the others.
        std::string text;
        for (int i = 0; i < 2000; ++i)
            text.push_back(static_cast<char>('a' + (i * 7919) % 26));
        std::vector<ByteRange> ranges;
        std::uint32_t begin = 0;
        for (std::uint32_t k = 0; k < 120; ++k) {
            const std::uint32_t len = (k * 17) % 41;
            ranges.push_back({begin, begin + len});
            begin += len + 1;
        }
        std::vector<std::uint64_t> out(ranges.size());
        hash_ranges(text.data(), ranges, out.data());
        for (std::size_t i = 0; i < ranges.size(); ++i) {
            const std::string_view word(text.data() + ranges[i].begin,
                                        ranges[i].end - ranges[i].begin);
            CHECK_MESSAGE(out[i] == hash64(word), "range ", i, " length ", word.size());
        }
        hash_ranges(text.data(), std::span<const ByteRange>(ranges).first(3), out.data());
        CHECK(out[2] == hash64(std::string_view(text.data() + ranges[2].begin,
                                                ranges[2].end - ranges[2].begin)));
    }

    TEST_CASE("seeds give different hashes") {
        CHECK(neardup::hash64("abc", 1) != neardup::hash64("abc", 2));
        CHECK(neardup::hash64("abc", 0) == neardup::hash_bytes("abc", 3));
    }

    TEST_CASE("mix64 is a bijection on a sample and moves every input") {
        CHECK(neardup::mix64(1) != neardup::mix64(2));
        CHECK(neardup::mix64(0) == 0);  // the murmur finalizer fixes zero: callers xor a salt
    }

    TEST_CASE("RawVector holds what is written and constructs from arguments like std::vector") {
        RawVector<std::uint32_t> v;
        v.resize(1000);  // indeterminate until written
        for (std::uint32_t i = 0; i < v.size(); ++i)
            v[i] = i * 3;
        v.resize(2000);
        for (std::uint32_t i = 0; i < 1000; ++i)
            CHECK(v[i] == i * 3);                // growth keeps the written elements
        RawVector<std::uint32_t> filled(5, 7u);  // an explicit value is still copied in
        CHECK(filled == RawVector<std::uint32_t>{7, 7, 7, 7, 7});
        RawVector<std::string> words;
        words.emplace_back(std::size_t{3}, 'x');
        words.resize(2);  // class types are still constructed
        CHECK(words[0] == "xxx");
        CHECK(words[1].empty());
    }
}
