// LSH banding parameters: b bands of r rows over a MinHash signature.
//
// Two documents with Jaccard s become candidates with probability P(s) = 1 - (1 - s^r)^b
// (Leskovec, Rajaraman, Ullman, Mining of Massive Datasets, ch. 3). choose_params() picks
// b * r <= num_perm minimising  fp_weight * FP + fn_weight * FN, where FP is the area under
// P(s) below the threshold and FN the area above it under 1 - P(s) (the criterion of
// datasketch's lsh.py _optimal_param). Verification discards false positives afterwards, so
// by default a missed pair weighs 19x more than an extra candidate (0.95 vs 0.05): at
// threshold 0.8 and 128 slots this gives 16 bands x 8 rows, P(0.9) = 0.99988.
//
// Example:
//   auto p = neardup::choose_params(0.8, 128);   // {16, 8}
#pragma once

#include <cstdint>

namespace neardup {

struct LshParams {
    std::uint32_t bands = 0;
    std::uint32_t rows = 0;
};

struct LshWeights {
    double false_positive = 0.05;
    double false_negative = 0.95;
};

/// Probability that a pair with similarity s shares at least one band.
[[nodiscard]] double candidate_probability(double s, LshParams p) noexcept;
/// Integral of candidate_probability over [0, threshold].
[[nodiscard]] double false_positive_area(double threshold, LshParams p) noexcept;
/// Integral of 1 - candidate_probability over [threshold, 1].
[[nodiscard]] double false_negative_area(double threshold, LshParams p) noexcept;

/// @pre 0 < threshold < 1, num_perm >= 1 (throws ConfigError otherwise)
[[nodiscard]] LshParams choose_params(double threshold, std::uint32_t num_perm,
                                      LshWeights weights = {});

}  // namespace neardup
