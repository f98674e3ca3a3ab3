#include <doctest/doctest.h>

#include "neardup/core/error.hpp"
#include "neardup/lsh/index.hpp"
#include "neardup/lsh/params.hpp"

using namespace neardup;

TEST_SUITE("lsh") {
    TEST_CASE("choose_params: 0.8 over 128 slots gives 16 bands x 8 rows") {
        const LshParams p = choose_params(0.8, 128);
        CHECK(p.bands == 16);
        CHECK(p.rows == 8);
        CHECK(candidate_probability(0.9, p) > 0.9998);
        CHECK(candidate_probability(0.3, p) < 0.002);
    }

    TEST_CASE("choose_params never exceeds num_perm and moves with the threshold") {
        for (double t : {0.3, 0.5, 0.7, 0.9}) {
            CAPTURE(t);
            const LshParams p = choose_params(t, 64);
            CHECK(p.bands * p.rows <= 64);
        }
        CHECK(choose_params(0.9, 128).rows > choose_params(0.5, 128).rows);
        CHECK_THROWS_AS((void)choose_params(0.0, 128), ConfigError);
        CHECK_THROWS_AS((void)choose_params(1.0, 128), ConfigError);
    }

    TEST_CASE("choose_params picks the least weighted error of false_positive/negative_area") {
        // The search sums the same integrals incrementally; check it against the definitions.
        const LshWeights w;
        for (std::uint32_t n : {16u, 48u, 128u}) {
            for (double t : {0.35, 0.6, 0.8, 0.95}) {
                CAPTURE(n);
                CAPTURE(t);
                double best = 1e300;
                LshParams expected{1, n};
                for (std::uint32_t b = 1; b <= n; ++b) {
                    for (std::uint32_t r = 1; b * r <= n; ++r) {
                        const double e = w.false_positive * false_positive_area(t, {b, r}) +
                                         w.false_negative * false_negative_area(t, {b, r});
                        if (e < best) {
                            best = e;
                            expected = {b, r};
                        }
                    }
                }
                const LshParams got = choose_params(t, n);
                CHECK(got.bands == expected.bands);
                CHECK(got.rows == expected.rows);
            }
        }
    }

    TEST_CASE("error areas are consistent with equal weights at the S-curve middle") {
        const LshParams p{20, 5};
        CHECK(false_positive_area(0.5, p) > 0.0);
        CHECK(false_negative_area(0.5, p) > 0.0);
        CHECK(false_positive_area(0.5, p) + false_negative_area(0.5, p) < 0.5);
    }

    TEST_CASE("index returns documents sharing a band, sorted and unique") {
        const LshParams p{3, 2};
        LshIndex index(p);
        index.add(0, std::vector<std::uint64_t>{11, 12, 13});
        index.add(1, std::vector<std::uint64_t>{11, 22, 23});
        index.add(2, std::vector<std::uint64_t>{31, 32, 33});
        std::vector<DocId> found;
        index.candidates(std::vector<std::uint64_t>{11, 12, 99}, found);
        CHECK(found == std::vector<DocId>{0, 1});
        index.candidates(std::vector<std::uint64_t>{98, 99, 33}, found);
        CHECK(found == std::vector<DocId>{2});
        index.candidates(std::vector<std::uint64_t>{1, 2, 3}, found);
        CHECK(found.empty());
    }

    TEST_CASE("the index grows past its initial table") {
        const LshParams p{2, 1};
        LshIndex index(p);
        for (DocId i = 0; i < 5000; ++i) {
            index.add(i, std::vector<std::uint64_t>{1000 + i, 7});
        }
        std::vector<DocId> found;
        index.candidates(std::vector<std::uint64_t>{1000 + 4321, 8}, found);
        CHECK(found == std::vector<DocId>{4321});
    }

    TEST_CASE("bucket walks are capped, newest first") {
        LshIndex index({1, 1}, 3);
        for (DocId i = 0; i < 10; ++i)
            index.add(i, std::vector<std::uint64_t>{5});
        std::vector<DocId> found;
        index.candidates(std::vector<std::uint64_t>{5}, found);
        CHECK(found == std::vector<DocId>{7, 8, 9});
    }

    TEST_CASE("a key of one band that another band has too (a tag collision) hides no bucket") {
        // Keys 2^32 and 1 have one 32-bit tag. A table shared by all bands made a later
        // document's band-1 entry the head of doc 0's band-0 bucket, and the walk, following
        // band 0's links from it, left that bucket: doc 0 was never found.
        LshIndex index({2, 1});
        index.add(0, std::vector<std::uint64_t>{std::uint64_t{1} << 32, 200});
        index.add(1, std::vector<std::uint64_t>{300, 1});
        index.add(2, std::vector<std::uint64_t>{100, 1});
        std::vector<DocId> found;
        index.candidates(std::vector<std::uint64_t>{std::uint64_t{1} << 32, 999}, found);
        CHECK(found == std::vector<DocId>{0});
        index.candidates(std::vector<std::uint64_t>{999, 1}, found);
        CHECK(found == std::vector<DocId>{1, 2});
        CHECK(index.newest(0, std::uint64_t{1} << 32) == std::optional<DocId>{0});
        CHECK(index.newest(1, 1) == std::optional<DocId>{2});
        CHECK(!index.newest(0, 200).has_value());  // band 1 has it
    }

    TEST_CASE("band keys differ per band for equal rows") {
        const Signature sig{1, 1, 1, 1};
        std::vector<std::uint64_t> keys(2);
        band_keys(sig, {2, 2}, keys);
        CHECK(keys[0] != keys[1]);
    }
}
