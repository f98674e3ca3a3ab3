#include "neardup/pipeline/explain.hpp"

#include <algorithm>
#include <unordered_map>

#include "neardup/core/error.hpp"
#include "neardup/lsh/index.hpp"
#include "neardup/minhash/minhash.hpp"
#include "neardup/shingle/shingle.hpp"
#include "neardup/story/inputs.hpp"
#include "neardup/story/terms.hpp"
#include "neardup/verify/similarity.hpp"

namespace neardup {
namespace {

/// Everything a scan computes from one text.
struct Features {
    NormalizedText normalized;
    std::vector<std::uint64_t> token_hashes;
    std::vector<ShingleHash> shingles;  ///< in text order (word shingle i starts at token i)
    std::vector<ShingleHash> set;       ///< sorted, distinct
    std::vector<SigValue> signature;
    std::vector<std::uint64_t> keys;
    std::vector<TermCode> terms;
};

Features features_of(std::string_view text, const ScanConfig& cfg, const MinHasher& hasher,
                     LshParams lsh, LangCode lang) {
    Features f;
    normalize_tokens(text, cfg.normalize, true, f.normalized);
    if (f.normalized.tokens.empty())
        throw FormatError("a document has no words");
    token_hashes(f.normalized.text, f.normalized.tokens, f.token_hashes);
    compute_shingles(f.normalized.text, f.normalized.tokens, f.token_hashes, cfg.shingle,
                     f.shingles);
    f.set = f.shingles;
    make_set(f.set);
    f.signature.resize(hasher.num_perm());
    hasher.sign(f.shingles, f.signature);
    f.keys.resize(lsh.bands);
    band_keys(f.signature, lsh, f.keys);
    story_terms_from_tokens(f.normalized.text, f.normalized.tokens, f.token_hashes,
                            f.normalized.name_flags, f.terms, TermRules::of(lang));
    return f;
}

/// Runs of consecutive word shingles of `a` that `b` also has: (first shingle, count).
std::vector<std::pair<std::size_t, std::size_t>> shared_runs(const Features& a, const Features& b) {
    std::vector<std::pair<std::size_t, std::size_t>> runs;
    const auto shared = [&](std::size_t i) {
        return std::binary_search(b.set.begin(), b.set.end(), a.shingles[i]);
    };
    for (std::size_t i = 0; i < a.shingles.size();) {
        if (!shared(i)) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < a.shingles.size() && shared(j))
            ++j;
        runs.emplace_back(i, j - i);
        i = j;
    }
    return runs;
}

/// The tokens a run of word shingles covers: [first, last].
std::pair<std::size_t, std::size_t> run_tokens(const Features& a,
                                               std::pair<std::size_t, std::size_t> run,
                                               std::uint32_t k) {
    const std::size_t last =
        std::min(run.first + run.second - 1 + k - 1, a.normalized.tokens.size() - 1);
    return {run.first, last};
}

/// The longest shared runs as passages of a's normalized text.
std::vector<SharedPassage> shared_passages(const Features& a, const Features& b, std::uint32_t k,
                                           std::size_t max_passages) {
    std::vector<std::pair<std::size_t, std::size_t>> runs = shared_runs(a, b);
    std::stable_sort(runs.begin(), runs.end(),
                     [](const auto& x, const auto& y) { return x.second > y.second; });
    std::vector<SharedPassage> out;
    const std::vector<TokenSpan>& tokens = a.normalized.tokens;
    for (const auto& run : runs) {
        if (out.size() == max_passages)
            break;
        const auto [first, last] = run_tokens(a, run, k);
        const std::size_t begin = tokens[first].begin;
        out.push_back(
            {last - first + 1, a.normalized.text.substr(begin, tokens[last].end - begin)});
    }
    return out;
}

/// Byte ranges of `a`'s normalized text covered by the runs `b` shares, in text order.
std::vector<std::pair<std::size_t, std::size_t>> shared_ranges(const Features& a, const Features& b,
                                                               std::uint32_t k) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    for (const auto& run : shared_runs(a, b)) {
        const auto [first, last] = run_tokens(a, run, k);
        out.emplace_back(a.normalized.tokens[first].begin, a.normalized.tokens[last].end);
    }
    return out;
}

/// The words of a document's tokens by their story term hash (to name the shared terms).
void add_words(const Features& f, std::unordered_map<std::uint32_t, std::string>& words) {
    for (const TokenSpan& t : f.normalized.tokens) {
        const std::string_view w =
            std::string_view(f.normalized.text).substr(t.begin, t.end - t.begin);
        words.try_emplace(term_hash(make_term_code(w, false)), w);
    }
}

std::vector<SharedTerm> shared_terms(const Features& a, const Features& b,
                                     const std::vector<WeightedTerm>& wa,
                                     const std::vector<WeightedTerm>& wb, std::size_t max_terms) {
    std::unordered_map<std::uint32_t, std::size_t> in_b;
    for (std::size_t i = 0; i < wb.size(); ++i)
        in_b.emplace(wb[i].hash, i);
    std::unordered_map<std::uint32_t, std::string> words;
    add_words(a, words);
    std::vector<SharedTerm> out;
    for (std::size_t i = 0; i < wa.size(); ++i) {
        const auto it = in_b.find(wa[i].hash);
        if (it == in_b.end())
            continue;
        const std::uint32_t w = std::min(wa[i].weight, wb[it->second].weight);
        const auto word = words.find(wa[i].hash);
        out.push_back({word == words.end() ? std::string("?") : word->second, w / kWeightScale,
                       term_caps(a.terms[i]) || term_caps(b.terms[it->second])});
    }
    std::stable_sort(out.begin(), out.end(), [](const SharedTerm& x, const SharedTerm& y) {
        return x.weight != y.weight ? x.weight > y.weight : x.term < y.term;
    });
    if (out.size() > max_terms)
        out.resize(max_terms);
    return out;
}

}  // namespace

SharedSpans shared_spans(std::string_view text_a, std::string_view text_b,
                         const ScanConfig& config) {
    const LshParams lsh =
        choose_params(config.threshold < 1.0 ? config.threshold : 0.99, config.num_perm);
    const MinHasher hasher(config.num_perm, config.seed);
    const Features a = features_of(text_a, config, hasher, lsh, kEnglish);
    const Features b = features_of(text_b, config, hasher, lsh, kEnglish);
    SharedSpans out;
    if (config.shingle.kind == ShingleKind::kWords) {
        out.a = shared_ranges(a, b, config.shingle.size);
        out.b = shared_ranges(b, a, config.shingle.size);
    }
    out.normalized_a = a.normalized.text;
    out.normalized_b = b.normalized.text;
    return out;
}

std::vector<TermCode> story_terms_of(std::string_view text, const NormalizeOptions& options,
                                     LangCode lang) {
    NormalizedText n;
    normalize_tokens(text, options, true, n);
    std::vector<std::uint64_t> hashes;
    token_hashes(n.text, n.tokens, hashes);
    std::vector<TermCode> terms;
    story_terms_from_tokens(n.text, n.tokens, hashes, n.name_flags, terms, TermRules::of(lang));
    return terms;
}

PairExplanation explain_pair(std::string_view text_a, std::string_view text_b,
                             const ScanConfig& config, const TermWeights& weights,
                             std::size_t max_passages, std::size_t max_terms, LangCode lang_a,
                             LangCode lang_b) {
    NEARDUP_CHECK(config.threshold > 0.0 && config.threshold <= 1.0,
                  "--threshold must be in (0, 1]");
    PairExplanation e;
    e.threshold = config.threshold;
    // As run_scan chooses them.
    e.lsh = choose_params(config.threshold < 1.0 ? config.threshold : 0.99, config.num_perm);
    const MinHasher hasher(config.num_perm, config.seed);
    const Features a = features_of(text_a, config, hasher, e.lsh, lang_a);
    const Features b = features_of(text_b, config, hasher, e.lsh, lang_b);

    e.shingles_a = a.set.size();
    e.shingles_b = b.set.size();
    std::vector<ShingleHash> both;
    std::set_intersection(a.set.begin(), a.set.end(), b.set.begin(), b.set.end(),
                          std::back_inserter(both));
    e.shingles_shared = both.size();
    e.estimated = estimate_jaccard(a.signature, b.signature);
    e.exact = exact_jaccard(a.set, b.set);
    for (std::uint32_t band = 0; band < e.lsh.bands; ++band) {
        if (a.keys[band] == b.keys[band])
            e.bands.push_back(band);
    }
    e.candidate_probability = candidate_probability(e.exact, e.lsh);
    e.near = !e.bands.empty() && (config.exact_verify ? e.exact : e.estimated) >= config.threshold;
    if (config.shingle.kind == ShingleKind::kWords)
        e.passages = shared_passages(a, b, config.shingle.size, max_passages);

    e.story_enabled = config.story.enabled;
    e.edge_threshold = config.story.edge_threshold;
    e.link_threshold = config.story.link_threshold;
    e.lang_a = lang_a;
    e.lang_b = lang_b;
    // The groups a language has here: the background's aside (only English has one).
    const auto groups = [&](LangCode l) { return weights.documents(l); };
    e.weighable_a = language_weighable(lang_a, groups(lang_a), config.story);
    e.weighable_b = language_weighable(lang_b, groups(lang_b), config.story);
    e.terms_a = a.terms.size();
    e.terms_b = b.terms.size();
    std::vector<WeightedTerm> wa(a.terms.size());
    std::vector<WeightedTerm> wb(b.terms.size());
    weights.weigh(a.terms, wa, lang_a);
    weights.weigh(b.terms, wb, lang_b);
    e.weighted = weighted_jaccard(wa, wb);
    e.shared_terms = shared_terms(a, b, wa, wb, max_terms);
    return e;
}

}  // namespace neardup
