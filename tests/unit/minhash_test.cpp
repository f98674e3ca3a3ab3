#include "neardup/minhash/minhash.hpp"

#include <array>

#include <doctest/doctest.h>

#include "neardup/core/error.hpp"
#include "neardup/shingle/shingle.hpp"
#include "neardup/text/normalize.hpp"

using namespace neardup;

namespace {
Signature sign_text(std::string_view text, std::uint32_t k, std::uint64_t seed) {
    std::string norm;
    normalize(text, {}, norm);
    std::vector<TokenSpan> toks;
    tokenize(norm, toks);
    std::vector<ShingleHash> sh;
    compute_shingles(norm, toks, {}, sh);
    MinHasher h(k, seed);
    Signature sig(k);
    h.sign(sh, sig);
    return sig;
}
}  // namespace

TEST_SUITE("minhash") {
    TEST_CASE("known answer: signatures are persisted and must not drift") {
        const Signature sig =
            sign_text("The quick brown fox jumps over the lazy dog near the river bank.", 16, 1);
        const Signature expected{0x1f0cee07, 0x1f0cee07, 0x1f0cee07, 0xa7b1376e,
                                 0x105bbe11, 0x0c00ccca, 0x105bbe11, 0xac70ddbf,
                                 0x1f0cee07, 0x618021a1, 0xa7b1376e, 0x105bbe11,
                                 0x0c00ccca, 0xa7b1376e, 0x105bbe11, 0x1f0cee07};
        CHECK(sig == expected);
    }

    TEST_CASE("identical shingle sets give identical signatures") {
        CHECK(sign_text("one two three four five six seven", 64, 3) ==
              sign_text("ONE two, three; four five six seven!", 64, 3));
    }

    TEST_CASE("the seed changes the signature") {
        const char* text = "one two three four five six seven eight nine ten";
        CHECK(sign_text(text, 64, 1) != sign_text(text, 64, 2));
    }

    TEST_CASE("a single shingle fills every slot by densification") {
        std::array<ShingleHash, 1> one{42};
        MinHasher h(128, 7);
        Signature sig(128);
        h.sign(one, sig);
        for (SigValue v : sig)
            CHECK(v == sig[0]);
    }

    TEST_CASE("estimate_jaccard counts equal slots") {
        const Signature a{1, 2, 3, 4};
        const Signature b{1, 2, 9, 9};
        CHECK(estimate_jaccard(a, b) == doctest::Approx(0.5));
        CHECK(estimate_jaccard(a, a) == doctest::Approx(1.0));
    }

    TEST_CASE("num_perm out of range is a config error") {
        CHECK_THROWS_AS(MinHasher(0, 1), ConfigError);
        CHECK_THROWS_AS(MinHasher(kMaxNumPerm + 1, 1), ConfigError);
    }
}
