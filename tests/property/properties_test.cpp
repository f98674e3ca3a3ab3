// Property tests: invariants checked over many fixed seeds (CAPTURE(seed) names a failure).
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>

#include <doctest/doctest.h>

#include "../support/support.hpp"
#include "neardup/lsh/index.hpp"
#include "neardup/minhash/minhash.hpp"
#include "neardup/shingle/shingle.hpp"
#include "neardup/story/story.hpp"
#include "neardup/story/weights.hpp"
#include "neardup/text/normalize.hpp"
#include "neardup/verify/similarity.hpp"

using namespace neardup;

namespace {

/// Random bytes from fragments that exercise every normalization path.
std::string random_messy_text(std::mt19937_64& rng) {
    static const char* kParts[] = {
        "Word",     "ÉCOLE",        "straße", " ",    "  ", ",",  "—", "’", "\xFF",
        "\xC3",     "e\xCC\x81",    "ﬁ",      "１２", "Σ",  "\n", "ǅ", "½", "x",
        "İstanbul", "\xE2\x80\x8B", "中文",   "ß"};
    std::uniform_int_distribution<std::size_t> pick(0, std::size(kParts) - 1);
    std::uniform_int_distribution<int> len(0, 40);
    std::string s;
    for (int i = len(rng); i > 0; --i)
        s += kParts[pick(rng)];
    return s;
}

/// Complete-link by the definition: scan every active pair for the most similar (first in
/// row-major order on ties), merge, repeat. O(n^3): the reference for complete_link().
std::vector<std::uint32_t> complete_link_reference(std::vector<float> sim, std::size_t n,
                                                   double threshold) {
    std::vector<std::uint32_t> label(n);
    std::iota(label.begin(), label.end(), 0u);
    std::vector<bool> active(n, true);
    for (;;) {
        float best = -1.0F;
        std::size_t bi = 0;
        std::size_t bj = 0;
        for (std::size_t i = 0; i < n; ++i) {
            for (std::size_t j = i + 1; j < n; ++j) {
                if (active[i] && active[j] && sim[i * n + j] > best) {
                    best = sim[i * n + j];
                    bi = i;
                    bj = j;
                }
            }
        }
        if (best < 0.0F || static_cast<double>(best) < threshold)
            return label;
        active[bj] = false;
        for (std::size_t k = 0; k < n; ++k) {
            const float m = std::min(sim[bi * n + k], sim[bj * n + k]);
            sim[bi * n + k] = m;
            sim[k * n + bi] = m;
            if (label[k] == bj)
                label[k] = static_cast<std::uint32_t>(bi);
        }
    }
}

std::vector<ShingleHash> random_set(std::mt19937_64& rng, std::size_t n) {
    std::vector<ShingleHash> s(n);
    for (auto& h : s)
        h = rng();
    make_set(s);
    return s;
}

/// Two sets with |A ∩ B| = common and |A \ B| = |B \ A| = only.
std::pair<std::vector<ShingleHash>, std::vector<ShingleHash>> pair_with(std::mt19937_64& rng,
                                                                        std::size_t common,
                                                                        std::size_t only) {
    auto shared = random_set(rng, common);
    auto a = shared;
    auto b = shared;
    for (std::size_t i = 0; i < only; ++i) {
        a.push_back(rng());
        b.push_back(rng());
    }
    make_set(a);
    make_set(b);
    return {a, b};
}

Signature sign(const std::vector<ShingleHash>& s, std::uint32_t k, std::uint64_t seed) {
    Signature sig(k);
    MinHasher(k, seed).sign(s, sig);
    return sig;
}

/// TermLookup's overlap of a with b, and of b with a, is `expected`.
void check_overlap_both_ways(const std::vector<WeightedTerm>& a, const std::vector<WeightedTerm>& b,
                             std::uint64_t expected) {
    TermLookup lookup;
    lookup.assign(a);
    CHECK(lookup.overlap(b) == expected);
    lookup.assign(b);
    CHECK(lookup.overlap(a) == expected);
}

}  // namespace

TEST_SUITE("property") {
    TEST_CASE("normalize is idempotent") {
        for (std::uint64_t seed = 0; seed < 500; ++seed) {
            CAPTURE(seed);
            std::mt19937_64 rng(seed);
            const std::string text = random_messy_text(rng);
            std::string once;
            std::string twice;
            normalize(text, {}, once);
            normalize(once, {}, twice);
            CHECK(once == twice);
        }
    }

    TEST_CASE("normalize_tokens agrees with normalize + tokenize, name flags included") {
        for (std::uint64_t seed = 0; seed < 500; ++seed) {
            CAPTURE(seed);
            std::mt19937_64 rng(seed);
            const std::string text = random_messy_text(rng) + " Mid Sentence. Start here";
            std::string norm;
            std::vector<std::uint8_t> flags;
            normalize(text, {}, norm, &flags);
            std::vector<TokenSpan> toks;
            tokenize(norm, toks);
            NormalizedText one_pass;
            normalize_tokens(text, {}, true, one_pass);
            CHECK(one_pass.text == norm);
            CHECK(one_pass.name_flags == flags);
            REQUIRE(one_pass.tokens.size() == toks.size());
            for (std::size_t i = 0; i < toks.size(); ++i) {
                CHECK(one_pass.tokens[i].begin == toks[i].begin);
                CHECK(one_pass.tokens[i].end == toks[i].end);
            }
        }
    }

    TEST_CASE("the pure-ASCII fast path agrees with the general path") {
        static const char kAscii[] = "aZ09 .,!?:\n\t-'\"Mx";
        static const char kWord[] = "abcxyzABCXYZ0189";
        for (std::uint64_t seed = 0; seed < 1500; ++seed) {
            CAPTURE(seed);
            std::mt19937_64 rng(seed);
            std::string text;
            for (std::size_t i = rng() % 200; i > 0; --i) {
                switch (seed % 3) {
                    case 0:  // few kinds of bytes, often repeated
                        text.push_back(kAscii[rng() % (sizeof kAscii - 1)]);
                        break;
                    case 1:  // any ASCII byte: every class and SWAR range edge ('@', '[', '`', '{')
                        text.push_back(static_cast<char>(1 + rng() % 127));
                        break;
                    default:  // words of 1 to 30 bytes (across 8-byte steps), single separators
                        for (std::size_t k = 1 + rng() % 30; k > 0; --k)
                            text.push_back(kWord[rng() % (sizeof kWord - 1)]);
                        text.push_back(kAscii[4 + rng() % 6]);
                }
            }
            NormalizedText fast;
            normalize_tokens(text, {}, true, fast);
            // The general path, forced by a non-ASCII separator that normalizes to a space.
            NormalizedText general;
            normalize_tokens(text + "\xE2\x80\x94", {}, true, general);
            CHECK(fast.text == general.text);
            CHECK(fast.name_flags == general.name_flags);
            REQUIRE(fast.tokens.size() == general.tokens.size());
            for (std::size_t i = 0; i < fast.tokens.size(); ++i) {
                CHECK(fast.tokens[i].begin == general.tokens[i].begin);
                CHECK(fast.tokens[i].end == general.tokens[i].end);
            }
        }
    }

    TEST_CASE("a document of n tokens gives max(0, n - k + 1) word shingles") {
        for (std::uint64_t seed = 0; seed < 100; ++seed) {
            CAPTURE(seed);
            std::mt19937_64 rng(seed);
            const std::size_t n = rng() % 30;
            const auto k = static_cast<std::uint32_t>(1 + rng() % 8);
            std::string norm;
            normalize(test::random_text(rng, n), {}, norm);
            std::vector<TokenSpan> toks;
            tokenize(norm, toks);
            REQUIRE(toks.size() == n);
            std::vector<ShingleHash> out;
            word_shingles(norm, toks, k, out);
            CHECK(out.size() == (n >= k ? n - k + 1 : 0));
        }
    }

    TEST_CASE("a signature does not depend on shingle order or duplicates") {
        for (std::uint64_t seed = 0; seed < 50; ++seed) {
            CAPTURE(seed);
            std::mt19937_64 rng(seed);
            auto s = random_set(rng, 1 + rng() % 300);
            auto shuffled = s;
            shuffled.insert(shuffled.end(), s.begin(), s.begin() + static_cast<long>(s.size() / 2));
            std::shuffle(shuffled.begin(), shuffled.end(), rng);
            CHECK(sign(s, 128, seed) == sign(shuffled, 128, seed));
        }
    }

    TEST_CASE("the signature estimate is within 4 sigma of exact Jaccard") {
        constexpr std::uint32_t k = 128;
        for (std::uint64_t seed = 0; seed < 400; ++seed) {
            CAPTURE(seed);
            std::mt19937_64 rng(seed);
            const std::size_t common = 5 + rng() % 1500;
            const std::size_t only = rng() % (common + 50);
            auto [a, b] = pair_with(rng, common, only);
            const double j = exact_jaccard(a, b);
            const double est = estimate_jaccard(sign(a, k, seed), sign(b, k, seed));
            CAPTURE(j);
            CAPTURE(a.size());
            CHECK(std::abs(est - j) <= 4.0 * std::sqrt(j * (1 - j) / k) + 1e-9);
        }
    }

    TEST_CASE("the LSH candidate rate follows 1 - (1 - J^r)^b") {
        const LshParams p{16, 8};
        for (double target : {0.5, 0.6, 0.7, 0.8}) {
            CAPTURE(target);
            std::mt19937_64 rng(static_cast<std::uint64_t>(target * 1000));
            const int trials = 1500;
            int hits = 0;
            double j_sum = 0;
            for (int t = 0; t < trials; ++t) {
                // J = common / (common + 2 * only)
                const std::size_t common = 400;
                const auto only = static_cast<std::size_t>(common * (1 - target) / (2 * target));
                auto [a, b] = pair_with(rng, common, only);
                j_sum += exact_jaccard(a, b);
                std::vector<std::uint64_t> ka(p.bands);
                std::vector<std::uint64_t> kb(p.bands);
                band_keys(sign(a, 128, static_cast<std::uint64_t>(t)), p, ka);
                band_keys(sign(b, 128, static_cast<std::uint64_t>(t)), p, kb);
                bool any = false;
                for (std::uint32_t i = 0; i < p.bands; ++i)
                    any = any || ka[i] == kb[i];
                hits += any ? 1 : 0;
            }
            const double expected = candidate_probability(j_sum / trials, p);
            const double rate = static_cast<double>(hits) / trials;
            const double sigma = std::sqrt(expected * (1 - expected) / trials);
            CAPTURE(expected);
            CHECK(std::abs(rate - expected) <= 4 * sigma + 0.01);
        }
    }

    TEST_CASE("TermLookup's overlap is sum(min) over shared terms, in any order") {
        for (std::uint64_t seed = 1; seed <= 300; ++seed) {
            CAPTURE(seed);
            std::mt19937_64 rng(seed);
            // Hashes from a small range, so that home slots collide and lists share terms.
            // Every 10th seed: long lists (the 512-term sums) and weights up to the bound.
            const bool long_lists = seed % 10 == 0;
            const std::uint32_t range =
                8 + static_cast<std::uint32_t>(rng() % (long_lists ? 200000 : 2000));
            const std::uint32_t max_weight = long_lists ? (1u << 22) - 1 : 100000;
            auto random_terms = [&] {
                std::map<std::uint32_t, std::uint32_t> terms;
                for (std::size_t k = rng() % (long_lists ? 3000 : 300); k > 0; --k)
                    terms[static_cast<std::uint32_t>(rng() % range)] =
                        static_cast<std::uint32_t>(1 + rng() % max_weight);
                std::vector<WeightedTerm> list;
                for (const auto& [hash, weight] : terms)
                    list.push_back({hash, weight});
                std::shuffle(list.begin(), list.end(), rng);
                return list;
            };
            const std::vector<WeightedTerm> a = random_terms();
            const std::vector<WeightedTerm> b = random_terms();
            std::uint64_t expected = 0;
            for (const WeightedTerm& x : a) {
                for (const WeightedTerm& y : b)
                    expected += x.hash == y.hash ? std::min(x.weight, y.weight) : 0;
            }
            check_overlap_both_ways(a, b, expected);
        }
    }

    TEST_CASE("TermLookup: hashes alike in their low bits (overflowing every window)") {
        // Hashes that differ only above bit 24 share a home slot in any table the lookup
        // would grow to; the terms that fit no window must still count.
        std::vector<WeightedTerm> a;
        std::vector<WeightedTerm> b;
        for (std::uint32_t i = 0; i < 64; ++i) {
            a.push_back({(i << 24) | 5u, 1000 + i});
            if (i % 3 == 0)
                b.push_back({(i << 24) | 5u, 2000 - i});
        }
        b.push_back({7u, 50});  // not in a
        std::uint64_t expected = 0;
        for (std::uint32_t i = 0; i < 64; i += 3)
            expected += std::min(1000 + i, 2000 - i);
        check_overlap_both_ways(a, b, expected);
    }

    TEST_CASE("complete_link agrees with the O(n^3) definition, ties included") {
        for (std::uint64_t seed = 1; seed <= 300; ++seed) {
            CAPTURE(seed);
            std::mt19937_64 rng(seed);
            const std::size_t n = 1 + rng() % 40;
            // Few distinct values, so ties are common.
            std::uniform_int_distribution<int> level(0, 1 + static_cast<int>(seed % 12));
            std::vector<float> sim(n * n, 1.0F);
            for (std::size_t i = 0; i < n; ++i) {
                for (std::size_t j = i + 1; j < n; ++j) {
                    const float v = static_cast<float>(level(rng)) / 10.0F;
                    sim[i * n + j] = v;
                    sim[j * n + i] = v;
                }
            }
            const double threshold = static_cast<double>(rng() % 8) / 10.0 - 0.1;
            CHECK(complete_link(sim, n, threshold) == complete_link_reference(sim, n, threshold));
        }
    }

    TEST_CASE("clusters partition the input and representatives are members") {
        for (std::uint64_t seed = 0; seed < 5; ++seed) {
            CAPTURE(seed);
            std::mt19937_64 rng(seed);
            test::TempDir dir;
            std::string jsonl;
            std::vector<std::string> bases;
            for (int i = 0; i < 200; ++i) {
                std::string text;
                if (!bases.empty() && rng() % 3 == 0) {
                    text = test::mutate_words(rng, bases[rng() % bases.size()], 0.02);
                } else {
                    text = test::random_text(rng, 60 + rng() % 200);
                    bases.push_back(text);
                }
                jsonl += "{\"id\":\"d" + std::to_string(i) + "\",\"text\":\"" + text + "\"}\n";
            }
            auto path = dir.write("in.jsonl", jsonl);
            ScanConfig cfg;
            const ScanResult r = run_scan(cfg, collect_inputs({path.string()}));
            REQUIRE(r.docs.size() == 200);
            std::vector<std::uint32_t> count(r.near.groups(), 0);
            for (std::uint32_t g : r.near.group_of) {
                REQUIRE(g < r.near.groups());
                ++count[g];
            }
            CHECK(count == r.near.size);
            for (std::size_t g = 0; g < r.near.groups(); ++g) {
                CHECK(r.near.group_of[r.near.representative[g]] == g);
            }
            CHECK(r.near.groups() < 200);  // the mutated copies were found
        }
    }

    TEST_CASE("exact copies join their original and leave every other group as it was") {
        for (std::uint64_t seed = 0; seed < 4; ++seed) {
            CAPTURE(seed);
            std::mt19937_64 rng(seed);
            test::TempDir dir;
            std::vector<std::string> texts;
            std::string originals;
            for (int i = 0; i < 150; ++i) {
                texts.push_back(!texts.empty() && rng() % 3 == 0
                                    ? test::mutate_words(rng, texts[rng() % texts.size()], 0.03)
                                    : test::random_text(rng, 40 + rng() % 150));
                originals +=
                    "{\"id\":\"d" + std::to_string(i) + "\",\"text\":\"" + texts.back() + "\"}\n";
            }
            std::string with_copies = originals;
            std::vector<std::size_t> copy_of;
            for (int i = 0; i < 400; ++i) {  // many copies of a few texts, as scrapes have
                copy_of.push_back(rng() % 8 == 0 ? rng() % texts.size() : rng() % 3);
                with_copies += "{\"id\":\"c" + std::to_string(i) + "\",\"text\":\"" +
                               texts[copy_of.back()] + "\"}\n";
            }
            ScanConfig cfg;
            cfg.story.enabled = false;
            const ScanResult a =
                run_scan(cfg, collect_inputs({dir.write("a.jsonl", originals).string()}));
            const ScanResult b =
                run_scan(cfg, collect_inputs({dir.write("b.jsonl", with_copies).string()}));
            REQUIRE(b.docs.size() == 550);
            // Most copies take the shortcut (one whose first band's newest document is a near
            // copy walks the buckets as before; an original equal to an earlier one counts too).
            CHECK(b.stats.exact_copies >= 380);
            for (std::size_t d = 0; d < 150; ++d)
                CHECK(b.near.group_of[d] == a.near.group_of[d]);
            for (std::size_t c = 0; c < copy_of.size(); ++c)
                CHECK(b.near.group_of[150 + c] == b.near.group_of[copy_of[c]]);
        }
    }

    TEST_CASE("output is identical for 1, 2, 4 and 8 threads") {
        std::mt19937_64 rng(99);
        test::TempDir dir;
        std::string jsonl;
        std::vector<std::string> bases;
        for (int i = 0; i < 3000; ++i) {
            std::string text = (!bases.empty() && rng() % 4 == 0)
                                   ? test::mutate_words(rng, bases[rng() % bases.size()], 0.03)
                                   : test::random_text(rng, 30 + rng() % 120);
            if (bases.size() < 300)
                bases.push_back(text);
            jsonl += "{\"id\":\"d" + std::to_string(i) + "\",\"text\":\"" + text + "\"}\n";
            if (i % 500 == 0)
                jsonl += "broken line\n";
        }
        auto path = dir.write("in.jsonl", jsonl);
        ScanConfig cfg;
        cfg.reader.batch_docs = 37;  // many small tokens, so threads really interleave
        std::string first;
        for (std::uint32_t threads : {1u, 2u, 4u, 8u}) {
            CAPTURE(threads);
            cfg.threads = threads;
            const std::string out = test::scan_tsv(cfg, {path.string()});
            if (first.empty())
                first = out;
            CHECK(out == first);
        }
    }
}
