// Micro-benchmarks, one per pipeline stage, on the shipped corpus text (NEARDUP_CORPUS_DIR).
// BM_Floor_TokenizeHash is the floor: split on whitespace and XXH3 every word, nothing else.
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <benchmark/benchmark.h>

#include "neardup/core/hash.hpp"
#include "neardup/lsh/index.hpp"
#include "neardup/minhash/minhash.hpp"
#include "neardup/shingle/shingle.hpp"
#include "neardup/story/terms.hpp"
#include "neardup/story/weights.hpp"
#include "neardup/text/normalize.hpp"
#include "neardup/verify/similarity.hpp"

namespace {

using namespace neardup;

/// All corpus articles concatenated: about 7 KB of realistic English news.
const std::string& corpus_text() {
    static const std::string text = [] {
        std::string all;
        for (const auto& e : std::filesystem::directory_iterator(NEARDUP_CORPUS_DIR "/articles")) {
            std::ifstream in(e.path());
            std::ostringstream s;
            s << in.rdbuf();
            all += s.str() + "\n";
        }
        return all;
    }();
    return text;
}

/// About 1 MB of the corpus's words in a seeded random order, with its punctuation: text the
/// branch predictor cannot learn by heart, as it can the 7 KB above repeated.
const std::string& shuffled_text() {
    static const std::string text = [] {
        std::vector<std::string> words;
        std::istringstream in(corpus_text());
        for (std::string w; in >> w;)
            words.push_back(w);
        std::mt19937_64 rng(1);
        std::string all;
        while (all.size() < (1u << 20))
            all += words[rng() % words.size()] + (rng() % 12 == 0 ? "\n" : " ");
        return all;
    }();
    return text;
}

struct Prepared {
    std::string normalized;
    std::vector<TokenSpan> tokens;
    std::vector<ShingleHash> shingles;
    Signature signature;
};

const Prepared& prepared() {
    static const Prepared p = [] {
        Prepared r;
        normalize(corpus_text(), {}, r.normalized);
        tokenize(r.normalized, r.tokens);
        compute_shingles(r.normalized, r.tokens, {}, r.shingles);
        r.signature.resize(128);
        MinHasher(128, 1).sign(r.shingles, r.signature);
        return r;
    }();
    return p;
}

void BM_Floor_TokenizeHash(benchmark::State& state) {
    const std::string& text = corpus_text();
    for (auto _ : state) {
        std::uint64_t acc = 0;
        std::size_t i = 0;
        while (i < text.size()) {
            while (i < text.size() && (text[i] == ' ' || text[i] == '\n'))
                ++i;
            std::size_t start = i;
            while (i < text.size() && text[i] != ' ' && text[i] != '\n')
                ++i;
            if (i > start)
                acc ^= hash_bytes(text.data() + start, i - start);
        }
        benchmark::DoNotOptimize(acc);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Floor_TokenizeHash);

void BM_Normalize_News(benchmark::State& state) {
    const std::string& text = corpus_text();
    std::string out;
    for (auto _ : state) {
        normalize(text, {}, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Normalize_News);

/// The pipeline's one-pass normalize + tokenize (pure ASCII here: the SWAR fast path).
void BM_NormalizeTokens_News(benchmark::State& state) {
    const std::string& text = shuffled_text();
    NormalizedText out;
    for (auto _ : state) {
        normalize_tokens(text, {}, false, out);
        benchmark::DoNotOptimize(out.tokens.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_NormalizeTokens_News);

/// XXH3 of every token of 1 MB of shuffled news words (word lengths vary as in news, so the
/// length classes of XXH3 come in no predictable order).
void BM_Hash_Tokens(benchmark::State& state) {
    NormalizedText text;
    normalize_tokens(shuffled_text(), {}, false, text);
    std::vector<std::uint64_t> hashes(text.tokens.size());
    for (auto _ : state) {
        hash_ranges(text.text.data(), text.tokens, hashes.data());
        benchmark::DoNotOptimize(hashes.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * hashes.size()));
}
BENCHMARK(BM_Hash_Tokens);

void BM_Shingle_Words5(benchmark::State& state) {
    const Prepared& p = prepared();
    std::vector<TokenSpan> toks;
    std::vector<ShingleHash> out;
    for (auto _ : state) {
        tokenize(p.normalized, toks);
        compute_shingles(p.normalized, toks, {}, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * p.normalized.size()));
}
BENCHMARK(BM_Shingle_Words5);

void BM_Sign_OnePermutation(benchmark::State& state) {
    const Prepared& p = prepared();
    const auto k = static_cast<std::uint32_t>(state.range(0));
    MinHasher hasher(k, 1);
    Signature sig(k);
    for (auto _ : state) {
        hasher.sign(p.shingles, sig);
        benchmark::DoNotOptimize(sig.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * p.shingles.size()));
}
BENCHMARK(BM_Sign_OnePermutation)->Arg(64)->Arg(128)->Arg(256);

/// A short article (Reuters' median is about 100 words): many bins stay empty and are filled
/// by densification, which dominates signing at this size.
void BM_Sign_ShortDocument(benchmark::State& state) {
    const Prepared& p = prepared();
    const auto n = static_cast<std::size_t>(state.range(0));
    const std::span<const ShingleHash> shingles(p.shingles.data(), n);
    MinHasher hasher(128, 1);
    Signature sig(128);
    for (auto _ : state) {
        hasher.sign(shingles, sig);
        benchmark::DoNotOptimize(sig.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_Sign_ShortDocument)->Arg(50)->Arg(100)->Arg(200);

void BM_Band_Keys(benchmark::State& state) {
    const Prepared& p = prepared();
    const LshParams params{16, 8};
    std::vector<std::uint64_t> keys(params.bands);
    for (auto _ : state) {
        band_keys(p.signature, params, keys);
        benchmark::DoNotOptimize(keys.data());
    }
}
BENCHMARK(BM_Band_Keys);

void BM_Verify_Estimate(benchmark::State& state) {
    const Prepared& p = prepared();
    Signature other = p.signature;
    other[3] ^= 1;
    for (auto _ : state)
        benchmark::DoNotOptimize(estimate_jaccard(p.signature, other));
}
BENCHMARK(BM_Verify_Estimate);

void BM_Verify_Exact(benchmark::State& state) {
    std::vector<ShingleHash> a = prepared().shingles;
    make_set(a);
    std::vector<ShingleHash> b(a.begin() + 10, a.end());
    for (auto _ : state)
        benchmark::DoNotOptimize(exact_jaccard(a, b));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * (a.size() + b.size())));
}
BENCHMARK(BM_Verify_Exact);

void BM_Story_Terms(benchmark::State& state) {
    NormalizedText n;
    normalize_tokens(corpus_text(), {}, true, n);
    std::vector<std::uint64_t> hashes;
    token_hashes(n.text, n.tokens, hashes);
    std::vector<TermCode> terms;
    for (auto _ : state) {
        story_terms_from_tokens(n.text, n.tokens, hashes, n.name_flags, terms);
        benchmark::DoNotOptimize(terms.data());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n.tokens.size()));
}
BENCHMARK(BM_Story_Terms);

/// Weighted overlap of two articles' terms (half of them shared), the story verify step.
void BM_Story_Overlap(benchmark::State& state) {
    std::vector<TermCode> terms;
    extract_story_terms(corpus_text(), terms);
    const TermWeights weights = [] {
        TermWeights w = TermWeights::with_background();
        w.finalize();
        return w;
    }();
    std::vector<WeightedTerm> a(terms.size());
    weights.weigh(terms, a);
    const std::size_t half = a.size() / 2;
    std::vector<WeightedTerm> b(a.begin() + static_cast<std::ptrdiff_t>(half), a.end());
    for (std::size_t i = 0; i < half; ++i)
        b.push_back({a[i].hash ^ 0x5555u, a[i].weight});
    TermLookup lookup;
    lookup.assign(a);
    for (auto _ : state)
        benchmark::DoNotOptimize(lookup.overlap(b));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * b.size()));
}
BENCHMARK(BM_Story_Overlap);

}  // namespace
