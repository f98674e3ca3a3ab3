#include "neardup/minhash/minhash.hpp"

#include <algorithm>
#include <array>
#include <limits>

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

MinHasher::MinHasher(std::uint32_t num_perm, std::uint64_t seed)
    : num_perm_(num_perm), seed_(seed) {
    NEARDUP_CHECK(num_perm >= 1 && num_perm <= kMaxNumPerm,
                  "--num-perm must be between 1 and " + std::to_string(kMaxNumPerm));
}

void MinHasher::sign(std::span<const ShingleHash> shingles,
                     std::span<SigValue> out) const noexcept {
    NEARDUP_ASSERT(out.size() == num_perm_);
    NEARDUP_ASSERT(!shingles.empty());
    // One byte per bin, written without reading: a bit set would make every shingle wait for
    // the previous one's read-modify-write of the same word.
    std::array<std::uint8_t, kMaxNumPerm> filled;
    std::fill_n(filled.begin(), num_perm_, std::uint8_t{0});
    const std::uint64_t seed_mix = mix64(seed_ ^ kDensifySalt);
    for (SigValue& v : out)
        v = std::numeric_limits<SigValue>::max();
    for (ShingleHash h : shingles) {
        const std::uint64_t x = mix64(h ^ seed_mix);
        const std::uint32_t bin = fast_range(x, num_perm_);
        const auto value = static_cast<SigValue>(x);
        filled[bin] = 1;
        out[bin] = std::min(out[bin], value);  // branch-free: the comparison is unpredictable
    }
    auto is_filled = [&filled](std::uint32_t bin) { return filled[bin] != 0; };
    for (std::uint32_t i = 0; i < num_perm_; ++i) {
        if (is_filled(i))
            continue;
        for (std::uint64_t attempt = 0;; ++attempt) {
            const std::uint64_t probe =
                mix64(seed_mix + ((static_cast<std::uint64_t>(i) << 32) | attempt));
            const std::uint32_t j = fast_range(probe, num_perm_);
            if (is_filled(j)) {
                out[i] = out[j];
                break;
            }
        }
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
