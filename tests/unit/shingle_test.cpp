#include "neardup/shingle/shingle.hpp"

#include <doctest/doctest.h>

#include "neardup/core/error.hpp"
#include "neardup/core/hash.hpp"

using namespace neardup;

namespace {
std::vector<ShingleHash> shingles_of(std::string_view normalized, ShingleOptions o) {
    std::vector<TokenSpan> toks;
    tokenize(normalized, toks);
    std::vector<ShingleHash> out;
    compute_shingles(normalized, toks, o, out);
    return out;
}
}  // namespace

TEST_SUITE("shingle") {
    TEST_CASE("word shingles: the polynomial of the window's token hashes") {
        auto s = shingles_of("a b c d e f", {ShingleKind::kWords, 5});
        REQUIRE(s.size() == 2);
        auto window = [](std::initializer_list<const char*> words) {
            std::uint64_t h = 0;
            for (const char* w : words)
                h = h * kShingleBase + hash64(w);
            return h;
        };
        CHECK(s[0] == window({"a", "b", "c", "d", "e"}));
        CHECK(s[1] == window({"b", "c", "d", "e", "f"}));
        CHECK(s[0] != window({"b", "a", "c", "d", "e"}));  // order matters
    }

    TEST_CASE("short documents get one shingle of their whole text") {
        auto s = shingles_of("only three words", {ShingleKind::kWords, 5});
        REQUIRE(s.size() == 1);
        CHECK(s[0] == hash64("only three words"));
        CHECK(shingles_of("", {}).empty());
    }

    TEST_CASE("char shingles count code points, not bytes") {
        std::vector<ShingleHash> out;
        char_shingles("héllo", 3, out);
        CHECK(out.size() == 3);
        CHECK(out[0] == hash64("hél"));
    }

    TEST_CASE("make_set sorts and dedups") {
        std::vector<ShingleHash> v{5, 1, 5, 3, 1};
        make_set(v);
        CHECK(v == std::vector<ShingleHash>{1, 3, 5});
    }

    TEST_CASE("shingle specs") {
        CHECK(to_string(parse_shingle_spec("words:3")) == "words:3");
        CHECK(to_string(parse_shingle_spec("chars:7")) == "chars:7");
        CHECK(to_string(parse_shingle_spec("words")) == "words:5");
        CHECK_THROWS_AS((void)parse_shingle_spec("bytes:3"), ConfigError);
        CHECK_THROWS_AS((void)parse_shingle_spec("words:0"), ConfigError);
        CHECK_THROWS_AS((void)parse_shingle_spec("words:x"), ConfigError);
    }
}
