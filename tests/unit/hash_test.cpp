#include "neardup/core/hash.hpp"

#include <doctest/doctest.h>

TEST_SUITE("hash") {
    TEST_CASE("XXH3-64 known answers") {
        // xxHash cli/xsum_sanity_check.c: XXH3_64bits of the empty input, seed 0.
        CHECK(neardup::hash64("") == 0x2D06800538D394C2ULL);
        // Pinned: shingle hashes are persisted, so this value must never change.
        CHECK(neardup::hash64("the quick brown fox jumps") == 0x90602c70ee7f6208ULL);
    }

    TEST_CASE("seeds give different hashes") {
        CHECK(neardup::hash64("abc", 1) != neardup::hash64("abc", 2));
        CHECK(neardup::hash64("abc", 0) == neardup::hash_bytes("abc", 3));
    }

    TEST_CASE("mix64 is a bijection on a sample and moves every input") {
        CHECK(neardup::mix64(1) != neardup::mix64(2));
        CHECK(neardup::mix64(0) == 0);  // the murmur finalizer fixes zero: callers xor a salt
    }
}
