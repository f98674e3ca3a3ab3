// Verification: how similar a candidate pair really is.
//
// exact_jaccard() is |A ∩ B| / |A ∪ B| over two sorted, duplicate-free shingle hash sets
// (a linear merge). The signature estimate lives in minhash.hpp (estimate_jaccard).
// Pure, thread-safe, no allocation.
//
// Example:
//   double j = neardup::exact_jaccard(set_a, set_b);
#pragma once

#include <span>

#include "neardup/core/types.hpp"

namespace neardup {

/// @pre both sorted ascending without duplicates; two empty sets have similarity 1
[[nodiscard]] double exact_jaccard(std::span<const ShingleHash> a,
                                   std::span<const ShingleHash> b) noexcept;

}  // namespace neardup
