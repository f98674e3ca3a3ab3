// RawVector: a std::vector whose resize() leaves new elements of trivial types uninitialized.
//
// The story level sizes arrays of tens of megabytes (term arenas, sketches, band tables) and then
// writes every element in parallel. A plain vector would first zero them all on one thread,
// touching every page once for nothing; with a RawVector the parallel writers touch them first.
// Only for arrays that are fully written before they are read.
//
// Example:
//   neardup::RawVector<std::uint32_t> keys;
//   keys.resize(n);  // contents indeterminate until written
#pragma once

#include <memory>
#include <utility>
#include <vector>

namespace neardup {

/// std::allocator that default-initializes (leaves trivial types uninitialized) where a vector
/// would value-initialize.
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
    template <typename U>
    struct rebind {
        using other = DefaultInitAllocator<U>;
    };
    DefaultInitAllocator() noexcept = default;
    template <typename U>
    explicit DefaultInitAllocator(const DefaultInitAllocator<U>& /*other*/) noexcept {}

    template <typename U, typename... Args>
    void construct(U* p, Args&&... args) {
        if constexpr (sizeof...(Args) == 0)
            ::new (static_cast<void*>(p)) U;
        else
            ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
};

template <typename T>
using RawVector = std::vector<T, DefaultInitAllocator<T>>;

}  // namespace neardup
