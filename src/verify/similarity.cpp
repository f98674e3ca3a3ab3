#include "neardup/verify/similarity.hpp"

namespace neardup {

double exact_jaccard(std::span<const ShingleHash> a, std::span<const ShingleHash> b) noexcept {
    if (a.empty() && b.empty())
        return 1.0;
    std::size_t i = 0;
    std::size_t j = 0;
    std::size_t common = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i] < b[j]) {
            ++i;
        } else if (b[j] < a[i]) {
            ++j;
        } else {
            ++common;
            ++i;
            ++j;
        }
    }
    const std::size_t unions = a.size() + b.size() - common;
    return static_cast<double>(common) / static_cast<double>(unions);
}

}  // namespace neardup
