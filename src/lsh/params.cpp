#include "neardup/lsh/params.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "neardup/core/error.hpp"

namespace neardup {
namespace {

/// Midpoint rule; the integrands are smooth, 200 steps is ample for choosing integers
/// (and keeps the search over all b x r <= num_perm at a few milliseconds).
template <typename F>
double integrate(F f, double a, double b) noexcept {
    constexpr int kSteps = 200;
    const double h = (b - a) / kSteps;
    double sum = 0;
    for (int i = 0; i < kSteps; ++i)
        sum += f(a + (i + 0.5) * h);
    return sum * h;
}

}  // namespace

double candidate_probability(double s, LshParams p) noexcept {
    return 1.0 - std::pow(1.0 - std::pow(s, p.rows), p.bands);
}

double false_positive_area(double threshold, LshParams p) noexcept {
    return integrate([p](double s) { return candidate_probability(s, p); }, 0.0, threshold);
}

double false_negative_area(double threshold, LshParams p) noexcept {
    return integrate([p](double s) { return 1.0 - candidate_probability(s, p); }, threshold, 1.0);
}

LshParams choose_params(double threshold, std::uint32_t num_perm, LshWeights weights) {
    NEARDUP_CHECK(threshold > 0.0 && threshold < 1.0, "--threshold must be in (0, 1)");
    NEARDUP_CHECK(num_perm >= 1, "--num-perm must be positive");
    // The same midpoint sums as false_positive_area() and false_negative_area(), arranged so
    // that for each r the powers (1 - s^r)^b come from one multiply per band count b instead
    // of a pow() each: the search runs at every scan's start, and pow() made it ~5 ms.
    constexpr std::size_t kSteps = 200;
    const double h_fp = threshold / kSteps;
    const double h_fn = (1.0 - threshold) / kSteps;
    std::vector<double> miss(2 * kSteps);  // 1 - s^r at the FP points, then the FN points
    std::vector<double> power(2 * kSteps);
    LshParams best{1, num_perm};
    double best_error = std::numeric_limits<double>::infinity();
    for (std::uint32_t r = 1; r <= num_perm; ++r) {
        for (std::size_t i = 0; i < kSteps; ++i) {
            const double mid = static_cast<double>(i) + 0.5;
            miss[i] = 1.0 - std::pow(0.0 + mid * h_fp, r);
            miss[kSteps + i] = 1.0 - std::pow(threshold + mid * h_fn, r);
        }
        std::fill(power.begin(), power.end(), 1.0);
        for (std::uint32_t b = 1; b * r <= num_perm; ++b) {
            double fp = 0;
            double fn = 0;
            for (std::size_t i = 0; i < kSteps; ++i) {
                power[i] *= miss[i];
                power[kSteps + i] *= miss[kSteps + i];
                fp += 1.0 - power[i];
                fn += power[kSteps + i];
            }
            const double error =
                weights.false_positive * fp * h_fp + weights.false_negative * fn * h_fn;
            if (error < best_error) {
                best_error = error;
                best = {b, r};
            }
        }
    }
    return best;
}

}  // namespace neardup
