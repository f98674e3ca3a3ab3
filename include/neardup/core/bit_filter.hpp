// A fixed-size bit filter over hashes: set() marks a hash's bit, may_hold() tests it. A set of a
// few hundred or thousand hashes behind it turns almost every other hash away with one load
// and a branch that predicts well, before the set itself is probed. The caller picks which
// bits of its hash index the filter (bits that the set's own lookup does not use), by the
// value it passes; the filter takes it modulo Bits.
//
// Example:
//   neardup::BitFilter<4096> filter;
//   filter.set(hash >> 20);
//   if (filter.may_hold(other >> 20) && set.contains(other)) ...
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace neardup {

template <std::size_t Bits>
class BitFilter {
    static_assert(Bits % 64 == 0 && (Bits & (Bits - 1)) == 0, "a power of two, whole words");

public:
    void set(std::uint64_t index) noexcept {
        const std::size_t bit = index & (Bits - 1);
        words_[bit / 64] |= std::uint64_t{1} << (bit % 64);
    }
    [[nodiscard]] bool may_hold(std::uint64_t index) const noexcept {
        const std::size_t bit = index & (Bits - 1);
        return (words_[bit / 64] >> (bit % 64) & 1) != 0;
    }

private:
    std::array<std::uint64_t, Bits / 64> words_{};
};

}  // namespace neardup
