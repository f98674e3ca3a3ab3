#include <doctest/doctest.h>

#include "neardup/cluster/clustering.hpp"
#include "neardup/verify/similarity.hpp"

using namespace neardup;

TEST_SUITE("cluster") {
    TEST_CASE("groups are numbered by their smallest member") {
        UnionFind uf(5);
        uf.unite(4, 1);
        uf.unite(3, 0);
        std::vector<RepresentativeKey> keys(5);
        const Clustering c = make_clustering(uf, keys);
        CHECK(c.group_of == std::vector<std::uint32_t>{0, 1, 2, 0, 1});
        CHECK(c.groups() == 3);
        CHECK(c.size == std::vector<std::uint32_t>{2, 2, 1});
    }

    TEST_CASE("representative: earliest date, else longest, else smallest id") {
        UnionFind uf(3);
        uf.unite(0, 1);
        uf.unite(1, 2);
        SUBCASE("dated beats undated, earlier beats later") {
            std::vector<RepresentativeKey> keys{
                {std::nullopt, 999, "a"}, {200, 1, "b"}, {100, 1, "c"}};
            CHECK(make_clustering(uf, keys).representative[0] == 2);
        }
        SUBCASE("longest when no dates") {
            std::vector<RepresentativeKey> keys{
                {std::nullopt, 10, "a"}, {std::nullopt, 30, "b"}, {std::nullopt, 20, "c"}};
            CHECK(make_clustering(uf, keys).representative[0] == 1);
        }
        SUBCASE("smallest id on ties") {
            std::vector<RepresentativeKey> keys{
                {std::nullopt, 10, "z"}, {std::nullopt, 10, "m"}, {std::nullopt, 10, "x"}};
            CHECK(make_clustering(uf, keys).representative[0] == 1);
        }
    }

    TEST_CASE("unite reports whether sets merged") {
        UnionFind uf(3);
        CHECK(uf.unite(0, 1));
        CHECK_FALSE(uf.unite(1, 0));
        CHECK(uf.find(0) == uf.find(1));
        CHECK(uf.find(2) != uf.find(0));
    }

    TEST_CASE("exact_jaccard over sorted sets") {
        const std::vector<ShingleHash> a{1, 2, 3, 4};
        const std::vector<ShingleHash> b{3, 4, 5, 6};
        CHECK(exact_jaccard(a, b) == doctest::Approx(2.0 / 6.0));
        CHECK(exact_jaccard(a, a) == doctest::Approx(1.0));
        CHECK(exact_jaccard({}, {}) == doctest::Approx(1.0));
        CHECK(exact_jaccard(a, {}) == doctest::Approx(0.0));
    }
}
