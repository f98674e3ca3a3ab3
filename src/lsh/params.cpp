#include "neardup/lsh/params.hpp"

#include <cmath>
#include <limits>

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
    LshParams best{1, num_perm};
    double best_error = std::numeric_limits<double>::infinity();
    for (std::uint32_t b = 1; b <= num_perm; ++b) {
        for (std::uint32_t r = 1; b * r <= num_perm; ++r) {
            const LshParams p{b, r};
            const double error = weights.false_positive * false_positive_area(threshold, p) +
                                 weights.false_negative * false_negative_area(threshold, p);
            if (error < best_error) {
                best_error = error;
                best = p;
            }
        }
    }
    return best;
}

}  // namespace neardup
