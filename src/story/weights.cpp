#include "neardup/story/weights.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "embedded_tables.hpp"
#include "neardup/core/error.hpp"
#include "neardup/core/hash.hpp"

namespace neardup {
namespace {

/// The background table counts as this many copies of itself (23,802 articles -> 71,406). A
/// corpus being deduplicated is bursty by construction: it holds many articles on each story,
/// which inflates the document frequency of exactly the terms that identify a story and so
/// weighs them down. The heavier background damps that until the corpus is several times its
/// size. ECB+ dev ARI (96 bands): x1 0.876, x2 0.879, x3 0.880; all-pairs exact: x1 0.873,
/// x3 0.881, background alone 0.881; ECB+ mixed into BBC+Reuters 0.878, 0.07% of the
/// background joining an ECB+ story.
constexpr std::uint32_t kBackgroundWeight = 3;

/// Per-thread document-frequency tables hold a corpus's vocabulary (megabytes, beyond the
/// core's cache): counting asks for the slot of the term this many places ahead (100k
/// articles: 16 -> 14.5 ms; the same in weigh() gained nothing).
constexpr std::size_t kLookAhead = 8;

}  // namespace

std::string term_table_version() {
    const std::uint64_t h =
        hash64(detail::embedded_stop_words()) ^ mix64(hash64(detail::embedded_background_df()));
    char buf[32];
    std::snprintf(buf, sizeof buf, "en-%016llx", static_cast<unsigned long long>(h));
    return buf;
}

TermWeights TermWeights::with_background() {
    TermWeights w;
    w.add_table(detail::embedded_background_df(), kBackgroundWeight);
    return w;
}

void TermWeights::add_table(std::string_view table, std::uint32_t times) {
    std::size_t pos = 0;
    while (pos < table.size()) {
        std::size_t end = table.find('\n', pos);
        if (end == std::string_view::npos)
            end = table.size();
        const std::string_view line = table.substr(pos, end - pos);
        pos = end + 1;
        const std::size_t tab = line.find('\t');
        if (tab == std::string_view::npos)
            continue;
        std::uint64_t count = 0;
        const std::string_view num = line.substr(tab + 1);
        auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), count);
        if (ec != std::errc())
            throw FormatError("term table: bad count in line '" + std::string(line) + "'");
        if (line.substr(0, tab) == "#documents") {
            language(kEnglish).documents += count * times;  // the shipped table is English
        } else {
            terms_.upsert(term_hash(make_term_code(line.substr(0, tab), false))).df +=
                static_cast<std::uint32_t>(count * times);
        }
    }
}

TermWeights::Language& TermWeights::language(LangCode lang) {
    for (Language& l : languages_) {
        if (l.lang == lang)
            return l;
    }
    return languages_.emplace_back(Language{lang, 0, 0.0F});
}

float TermWeights::log_documents(LangCode lang) const noexcept {
    for (const Language& l : languages_) {
        if (l.lang == lang)
            return l.log_documents;
    }
    return 0.0F;  // no document of the language: every term weighs 0
}

void TermWeights::add_documents_count(std::uint64_t documents, LangCode lang) {
    language(lang).documents += documents;
}

std::uint64_t TermWeights::documents(LangCode lang) const noexcept {
    for (const Language& l : languages_) {
        if (l.lang == lang)
            return l.documents;
    }
    return 0;
}

std::uint64_t TermWeights::documents() const noexcept {
    std::uint64_t n = 0;
    for (const Language& l : languages_)
        n += l.documents;
    return n;
}

void TermWeights::add_document(std::span<const TermCode> terms, LangCode lang) {
    ++language(lang).documents;
    for (TermCode t : terms)
        ++terms_.upsert(term_hash(t)).df;
}

void TermWeights::add_documents(std::span<const std::vector<TermCode>> terms,
                                std::span<const DocId> which, std::span<const LangCode> langs) {
    // Per-thread counts, then one merge: integer sums, so the split does not matter.
    using Counts = FlatTable<std::uint32_t, std::uint32_t, 0xFFFFFFFFu>;
    tbb::enumerable_thread_specific<Counts> counts;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, which.size(), 2048), [&](const auto& r) {
        Counts& mine = counts.local();
        for (std::size_t i = r.begin(); i < r.end(); ++i) {
            const std::vector<TermCode>& list = terms[which[i]];
            for (std::size_t k = 0; k < list.size(); ++k) {
                if (k + kLookAhead < list.size())
                    mine.prefetch(term_hash(list[k + kLookAhead]));
                ++mine.upsert(term_hash(list[k]));
            }
        }
    });
    for (Counts& c : counts)
        c.for_each([this](std::uint32_t hash, std::uint32_t& n) { terms_.upsert(hash).df += n; });
    if (langs.empty()) {
        language(kEnglish).documents += which.size();
    } else {
        for (const LangCode l : langs)
            ++language(l).documents;
    }
}

void TermWeights::finalize() {
    for (Language& l : languages_)
        l.log_documents = static_cast<float>(std::log(static_cast<double>(l.documents) + 1.0));
    terms_.for_each([](std::uint32_t, Entry& e) {
        e.log_df = static_cast<float>(std::log(static_cast<double>(e.df) + 1.0));
    });
}

float TermWeights::weight(TermCode code, LangCode lang) const noexcept {
    return weight_given(code, log_documents(lang));
}

void TermWeights::weigh(std::span<const TermCode> terms, std::span<WeightedTerm> out,
                        LangCode lang) const {
    NEARDUP_ASSERT(out.size() == terms.size());
    const float log_n = log_documents(lang);
    for (std::size_t i = 0; i < terms.size(); ++i) {
        // round(weight x scale): exact in double, positive, so + 0.5 and truncation round it
        // like std::round without a libm call
        const double fixed =
            static_cast<double>(weight_given(terms[i], log_n)) * kWeightScale + 0.5;
        out[i] = {term_hash(terms[i]), static_cast<std::uint32_t>(fixed)};
    }
}

bool TermLookup::place(std::span<const WeightedTerm> terms, std::size_t size,
                       bool overflow_allowed) {
    hashes_.assign(size + kWindow - 1, kEmpty);
    weights_.assign(size + kWindow - 1, 0);
    overflow_.clear();
    mask_ = size - 1;
    for (const WeightedTerm& t : terms) {
        const std::size_t home = t.hash & mask_;  // term hashes are uniform bits already
        std::size_t i = home;
        while (i < home + kWindow && hashes_[i] != kEmpty)
            ++i;
        if (i < home + kWindow) {
            hashes_[i] = t.hash;
            weights_[i] = t.weight;
        } else if (overflow_allowed) {
            overflow_.push_back(t);
        } else {
            return false;
        }
    }
    return true;
}

void TermLookup::assign(std::span<const WeightedTerm> terms) {
    std::size_t size = 16;
    while (size < terms.size() * 4)  // load <= 1/4: a window of 4 nearly always fits
        size *= 2;
    // Growing helps while the low bits of the hashes tell the terms apart; hashes made to
    // agree in many low bits (never seen from real words) go to the overflow list instead.
    const std::size_t max_size = size * 64;
    while (!place(terms, size, size >= max_size))
        size *= 2;
}

std::uint64_t TermLookup::overlap(std::span<const WeightedTerm> other) const noexcept {
    // Each term of `other` is compared with the kWindow slots from its home: a shared term
    // adds the smaller weight, anything else adds 0. Terms are distinct in each list, so at
    // most one slot matches. Weights are below 2^22 (an idf, under 23 for fewer than 2^32
    // documents, x2 for a name, x2^16), so min() works on signed 32-bit lanes, and the lanes,
    // summed into 64 bits every 512 terms, stay below 2^31.
    std::uint64_t total = 0;
    std::size_t k = 0;
#if defined(__SSE2__)
    static_assert(kWindow == 4, "one 16-byte load per window");
    while (k < other.size()) {
        const std::size_t end = std::min(other.size(), k + 512);
        __m128i acc = _mm_setzero_si128();
        for (; k < end; ++k) {
            const WeightedTerm t = other[k];
            const std::size_t home = t.hash & mask_;
            const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&hashes_[home]));
            const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&weights_[home]));
            const __m128i tw = _mm_set1_epi32(static_cast<int>(t.weight));
            const __m128i hit = _mm_cmpeq_epi32(h, _mm_set1_epi32(static_cast<int>(t.hash)));
            const __m128i w_less = _mm_cmplt_epi32(w, tw);
            const __m128i smaller =
                _mm_or_si128(_mm_and_si128(w_less, w), _mm_andnot_si128(w_less, tw));
            acc = _mm_add_epi32(acc, _mm_and_si128(hit, smaller));
        }
        alignas(16) std::array<std::uint32_t, 4> lanes;
        _mm_store_si128(reinterpret_cast<__m128i*>(lanes.data()), acc);
        total += std::uint64_t{lanes[0]} + lanes[1] + lanes[2] + lanes[3];
    }
#endif
    for (; k < other.size(); ++k) {
        const WeightedTerm t = other[k];
        const std::size_t home = t.hash & mask_;
        for (std::size_t w = 0; w < kWindow; ++w)  // fixed trip count: unrolled, branch-free
            total += hashes_[home + w] == t.hash ? std::min(weights_[home + w], t.weight) : 0u;
    }
    if (!overflow_.empty()) [[unlikely]] {
        for (const WeightedTerm& t : other) {
            for (const WeightedTerm& o : overflow_)
                total += o.hash == t.hash ? std::min(o.weight, t.weight) : 0u;
        }
    }
    return total;
}

std::uint64_t total_weight(std::span<const WeightedTerm> terms) noexcept {
    std::uint64_t total = 0;
    for (const WeightedTerm& t : terms)
        total += t.weight;
    return total;
}

double weighted_jaccard_from(std::uint64_t overlap, std::uint64_t total_a,
                             std::uint64_t total_b) noexcept {
    // sum(max) = sum(a) + sum(b) - sum(min) over the union of terms
    const std::uint64_t union_weight = total_a + total_b - overlap;
    return union_weight > 0 ? static_cast<double>(overlap) / static_cast<double>(union_weight)
                            : 0.0;
}

double weighted_jaccard(std::span<const WeightedTerm> a, std::span<const WeightedTerm> b) {
    TermLookup lookup;
    lookup.assign(a);
    return weighted_jaccard_from(lookup.overlap(b), total_weight(a), total_weight(b));
}

}  // namespace neardup
