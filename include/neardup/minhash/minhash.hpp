// MinHash signatures by one-permutation hashing with optimal densification.
//
// Each shingle hash is mixed with the seed once; its high bits pick one of num_perm bins
// (fast range reduction) and its low 32 bits compete for that bin's minimum. Bins that no
// shingle reached are filled by optimal densification (Shrivastava 2017): empty bin i probes
// bins h(i, 0), h(i, 1), ... until it meets a bin that was filled directly, and copies it.
// Two documents probe in the same order, so equal slots still mean "same minimum" and
// estimate_jaccard() = matching slots / num_perm estimates the Jaccard similarity with about
// the variance of num_perm independent permutations, at O(1) work per shingle instead of
// O(num_perm) (Shrivastava 2017, Theorem 3; checked by the property tests).
//
// Signatures are persisted, so sign() is pinned by known-answer tests: changing it changes
// every index's meaning. Thread-safe (const), no allocation.
//
// Example:
//   neardup::MinHasher hasher(128, 1);
//   neardup::Signature sig(hasher.num_perm());
//   hasher.sign(shingles, sig);
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "neardup/core/types.hpp"

namespace neardup {

inline constexpr std::uint32_t kMaxNumPerm = 4096;

/// Consecutive features base | 0 .. base | (count - 1) (see MinHasher::sign_runs).
struct FeatureRun {
    ShingleHash base;
    std::uint32_t count;
};

class MinHasher {
public:
    /// @pre 1 <= num_perm <= kMaxNumPerm (throws ConfigError otherwise)
    MinHasher(std::uint32_t num_perm, std::uint64_t seed);

    /// @param shingles any order, duplicates allowed, at least one element
    /// @param out exactly num_perm() slots
    void sign(std::span<const ShingleHash> shingles, std::span<SigValue> out) const noexcept;

    /// The signature of the features base | 0, base | 1, ..., base | (count - 1) of every
    /// run: the same as sign() over them, without writing them out (weighted MinHash by
    /// expansion turns each term into a run of a few dozen).
    /// @param runs at least one feature in all; each count below 2^20 and base's low 20 bits 0
    /// @param out exactly num_perm() slots
    void sign_runs(std::span<const FeatureRun> runs, std::span<SigValue> out) const noexcept;

    [[nodiscard]] std::uint32_t num_perm() const noexcept { return num_perm_; }
    [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }

private:
    /// One-permutation hashing of the features that for_each(add) passes to add(), then
    /// densification: the one body of sign() and sign_runs().
    template <typename ForEachFeature>
    void sign_each(ForEachFeature&& for_each, std::span<SigValue> out) const noexcept;
    /// Fills each empty bin from its first directly filled probe (optimal densification).
    void densify(const std::uint8_t* filled, std::span<SigValue> out) const noexcept;
    /// The value of empty bin `bin` when none of its first kFirstProbes probes is filled.
    [[nodiscard]] SigValue fill_slowly(const std::uint8_t* filled, std::uint32_t bin,
                                       std::span<const SigValue> out) const noexcept;

    /// Densification probes precomputed per bin (they do not depend on the document).
    static constexpr std::uint32_t kTabledProbes = 16;
    static constexpr std::uint32_t kFirstProbes = 4;  ///< read without branching
    std::uint32_t num_perm_;
    std::uint64_t seed_;
    std::uint64_t seed_mix_;
    std::vector<std::uint16_t> probes_;  ///< [bin * kTabledProbes + attempt]
};

/// Fraction of equal slots. @pre a.size() == b.size() > 0
[[nodiscard]] double estimate_jaccard(std::span<const SigValue> a,
                                      std::span<const SigValue> b) noexcept;

}  // namespace neardup
