#include "neardup/minhash/minhash.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include <doctest/doctest.h>

#include "neardup/core/error.hpp"
#include "neardup/core/hash.hpp"
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

/// One-permutation MinHash with optimal densification written from its definition (the form
/// the persisted signatures were first made with): every probe hashed, one bin at a time.
Signature sign_by_definition(std::span<const ShingleHash> shingles, std::uint32_t k,
                             std::uint64_t seed) {
    const std::uint64_t seed_mix = mix64(seed ^ 0x9E3779B97F4A7C15ULL);
    auto range = [k](std::uint64_t x) {
        __extension__ using U128 = unsigned __int128;
        return static_cast<std::uint32_t>((static_cast<U128>(x) * k) >> 64);
    };
    Signature sig(k, 0xFFFFFFFFu);
    std::vector<bool> filled(k, false);
    for (ShingleHash h : shingles) {
        const std::uint64_t x = mix64(h ^ seed_mix);
        const std::uint32_t bin = range(x);
        filled[bin] = true;
        sig[bin] = std::min(sig[bin], static_cast<SigValue>(x));
    }
    Signature out = sig;
    for (std::uint32_t i = 0; i < k; ++i) {
        for (std::uint64_t attempt = 0; !filled[i]; ++attempt) {
            const std::uint32_t j =
                range(mix64(seed_mix + ((static_cast<std::uint64_t>(i) << 32) | attempt)));
            if (filled[j]) {
                out[i] = sig[j];
                break;
            }
        }
    }
    return out;
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

    TEST_CASE("sign matches the definition, also for short documents (densification)") {
        // 1 shingle: nearly every bin walks past the tabled probes; a few hundred: few empty
        // bins. Widths that are not a multiple of 16 take the scalar tail.
        std::vector<ShingleHash> shingles;
        for (std::uint64_t n = 1; n <= 400; n = n < 40 ? n + 1 : n * 3 / 2) {
            shingles.clear();
            for (std::uint64_t i = 0; i < n; ++i)
                shingles.push_back(mix64(n * 1000 + i));
            for (std::uint32_t k : {1u, 7u, 64u, 100u, 128u, 200u}) {
                MinHasher h(k, 5);
                Signature sig(k);
                h.sign(shingles, sig);
                CHECK_MESSAGE(sig == sign_by_definition(shingles, k, 5), "n ", n, " k ", k);
            }
        }
    }

    TEST_CASE("sign_runs is sign over the runs written out") {
        // Runs of 1 to 60 features (a story term's copies), a run of 0, one run alone.
        std::vector<FeatureRun> runs;
        std::vector<ShingleHash> features;
        for (std::uint32_t terms = 1; terms <= 120; terms += 17) {
            runs.clear();
            features.clear();
            for (std::uint32_t t = 0; t < terms; ++t) {
                const ShingleHash base = (mix64(terms * 7919 + t) >> 33) << 20;
                const std::uint32_t count = (t * 13) % 61;
                runs.push_back({base, count});
                for (std::uint32_t c = 0; c < count; ++c)
                    features.push_back(base | c);
            }
            if (features.empty())
                continue;
            for (std::uint32_t k : {1u, 96u, 192u}) {
                MinHasher h(k, 7);
                Signature by_runs(k);
                Signature by_features(k);
                h.sign_runs(runs, by_runs);
                h.sign(features, by_features);
                CHECK_MESSAGE(by_runs == by_features, "terms ", terms, " k ", k);
            }
        }
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
