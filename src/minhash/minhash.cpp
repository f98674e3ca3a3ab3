#include "neardup/minhash/minhash.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "neardup/core/error.hpp"
#include "neardup/core/hash.hpp"

namespace neardup {
namespace {

constexpr std::uint64_t kDensifySalt = 0x9E3779B97F4A7C15ULL;

/// Maps a 64-bit hash to [0, n) without division (Lemire's fast range reduction).
inline std::uint32_t fast_range(std::uint64_t x, std::uint32_t n) noexcept {
    __extension__ using U128 = unsigned __int128;
    return static_cast<std::uint32_t>((static_cast<U128>(x) * n) >> 64);
}

}  // namespace

/// Bin probed by empty bin `bin` at `attempt` (the densification sequence; persisted).
inline std::uint32_t densify_probe(std::uint64_t seed_mix, std::uint32_t bin, std::uint64_t attempt,
                                   std::uint32_t num_perm) noexcept {
    return fast_range(mix64(seed_mix + ((static_cast<std::uint64_t>(bin) << 32) | attempt)),
                      num_perm);
}

MinHasher::MinHasher(std::uint32_t num_perm, std::uint64_t seed)
    : num_perm_(num_perm), seed_(seed), seed_mix_(mix64(seed ^ kDensifySalt)) {
    NEARDUP_CHECK(num_perm >= 1 && num_perm <= kMaxNumPerm,
                  "--num-perm must be between 1 and " + std::to_string(kMaxNumPerm));
    probes_.resize(std::size_t{num_perm} * kTabledProbes);
    for (std::uint32_t i = 0; i < num_perm; ++i) {
        for (std::uint32_t a = 0; a < kTabledProbes; ++a)
            probes_[std::size_t{i} * kTabledProbes + a] =
                static_cast<std::uint16_t>(densify_probe(seed_mix_, i, a, num_perm));
    }
}

template <typename ForEachFeature>
void MinHasher::sign_each(ForEachFeature&& for_each, std::span<SigValue> out) const noexcept {
    // One byte per bin, written without reading: a bit set would make every shingle wait for
    // the previous one's read-modify-write of the same word.
    std::array<std::uint8_t, kMaxNumPerm> filled;
    std::fill_n(filled.begin(), num_perm_, std::uint8_t{0});
    for (SigValue& v : out)
        v = std::numeric_limits<SigValue>::max();
    for_each([&](ShingleHash h) {
        const std::uint64_t x = mix64(h ^ seed_mix_);
        const std::uint32_t bin = fast_range(x, num_perm_);
        filled[bin] = 1;
        out[bin] = std::min(out[bin], static_cast<SigValue>(x));  // branch-free: unpredictable
    });
    densify(filled.data(), out);
}

void MinHasher::sign(std::span<const ShingleHash> shingles,
                     std::span<SigValue> out) const noexcept {
    NEARDUP_ASSERT(out.size() == num_perm_);
    NEARDUP_ASSERT(!shingles.empty());
    sign_each(
        [shingles](auto&& add) {
            for (ShingleHash h : shingles)
                add(h);
        },
        out);
}

void MinHasher::sign_runs(std::span<const FeatureRun> runs,
                          std::span<SigValue> out) const noexcept {
    NEARDUP_ASSERT(out.size() == num_perm_);
    NEARDUP_ASSERT(
        std::any_of(runs.begin(), runs.end(), [](const FeatureRun& r) { return r.count > 0; }));
    sign_each(
        [runs](auto&& add) {
            for (const FeatureRun& run : runs) {
                NEARDUP_ASSERT(run.count < (1u << 20) && (run.base & ((1u << 20) - 1)) == 0);
                for (std::uint32_t c = 0; c < run.count; ++c)
                    add(run.base | c);
            }
        },
        out);
}

SigValue MinHasher::fill_slowly(const std::uint8_t* filled, std::uint32_t bin,
                                std::span<const SigValue> out) const noexcept {
    const std::uint16_t* probe = probes_.data() + std::size_t{bin} * kTabledProbes;
    for (std::uint32_t a = kFirstProbes; a < kTabledProbes; ++a) {
        if (filled[probe[a]] != 0)
            return out[probe[a]];
    }
    for (std::uint64_t attempt = kTabledProbes;; ++attempt) {
        const std::uint32_t j = densify_probe(seed_mix_, bin, attempt, num_perm_);
        if (filled[j] != 0)
            return out[j];
    }
}

void MinHasher::densify(const std::uint8_t* filled, std::span<SigValue> out) const noexcept {
    // A short article leaves many bins empty (100 shingles in 128 bins: 59 of them), and each
    // probes until it meets a directly filled bin. The probe sequence depends on the seed and
    // the bin only, so its first kTabledProbes steps come from the constructor's table. The
    // empty bins are found 16 at a time from a mask, not with a branch per bin. The first
    // kFirstProbes probes are read without branching: one of them is filled in 94% of the
    // cases even when half the bins are empty, so only the rare rest takes the slow path (a
    // loop that stops at the first filled probe mispredicts about once a bin).
    auto fill = [&](std::uint32_t bin) {
        const std::uint16_t* probe = probes_.data() + std::size_t{bin} * kTabledProbes;
        std::uint32_t hits = 0;
        for (std::uint32_t a = 0; a < kFirstProbes; ++a)
            hits |= std::uint32_t{filled[probe[a]]} << a;
        out[bin] = hits != 0 ? out[probe[std::countr_zero(hits)]] : fill_slowly(filled, bin, out);
    };
    std::uint32_t i = 0;
#if defined(__SSE2__)
    const __m128i zero = _mm_setzero_si128();
    for (; i + 16 <= num_perm_; i += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(filled + i));
        auto empty = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, zero)));
        for (; empty != 0; empty &= empty - 1)
            fill(i + static_cast<std::uint32_t>(std::countr_zero(empty)));
    }
#endif
    for (; i < num_perm_; ++i) {
        if (filled[i] == 0)
            fill(i);
    }
}

double estimate_jaccard(std::span<const SigValue> a, std::span<const SigValue> b) noexcept {
    NEARDUP_ASSERT(a.size() == b.size() && !a.empty());
    std::uint32_t equal = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        equal += a[i] == b[i] ? 1u : 0u;
    return static_cast<double>(equal) / static_cast<double>(a.size());
}

}  // namespace neardup
