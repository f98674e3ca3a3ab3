// FlatTable: an open-addressing hash table (linear probing, power-of-two size, load <= 1/2)
// from integer keys that are already hashes to small values. One array, no per-entry
// allocation, so lookups on the hot path touch one or two cache lines (std::unordered_map
// chases a pointer per lookup). `kEmpty` is a key value that never occurs.
// Not thread-safe for writers; concurrent const lookups are fine.
//
// Example:
//   neardup::FlatTable<std::uint32_t, float, 0xFFFFFFFFu> idf;
//   idf.upsert(42) = 1.5F;
//   const float* w = idf.find(42);
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "neardup/core/hash.hpp"

namespace neardup {

template <typename Key, typename Value, Key kEmpty>
class FlatTable {
public:
    FlatTable() : slots_(16) {}

    /// The value for `key`, inserted value-initialised if absent. @pre key != kEmpty
    Value& upsert(Key key) {
        if ((size_ + 1) * 2 > slots_.size())
            grow();
        Slot& s = slots_[probe(key)];
        if (s.key == kEmpty) {
            s.key = key;
            ++size_;
        }
        return s.value;
    }

    /// Room for `n` entries without growing (each growth moves every entry to a random place).
    void reserve(std::size_t n) {
        while (n * 2 > slots_.size())
            grow();
    }

    /// The value for `key`, or nullptr.
    [[nodiscard]] const Value* find(Key key) const noexcept {
        const Slot& s = slots_[probe(key)];
        return s.key == kEmpty ? nullptr : &s.value;
    }
    [[nodiscard]] Value* find(Key key) noexcept {
        Slot& s = slots_[probe(key)];
        return s.key == kEmpty ? nullptr : &s.value;
    }

    /// Asks for the cache line where `key`'s probe starts: a table larger than the cache
    /// costs a miss per lookup, which a prefetch a few lookups ahead hides.
    void prefetch(Key key) const noexcept { __builtin_prefetch(&slots_[home(key)]); }

    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

    /// Calls f(key, value&) for every entry.
    template <typename F>
    void for_each(F&& f) {
        for (Slot& s : slots_) {
            if (s.key != kEmpty)
                f(s.key, s.value);
        }
    }

private:
    struct Slot {
        Key key = kEmpty;
        Value value{};
    };

    [[nodiscard]] std::size_t home(Key key) const noexcept {
        return static_cast<std::size_t>(mix64(static_cast<std::uint64_t>(key) + 1)) &
               (slots_.size() - 1);
    }

    [[nodiscard]] std::size_t probe(Key key) const noexcept {
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = home(key);
        while (slots_[i].key != kEmpty && slots_[i].key != key)
            i = (i + 1) & mask;
        return i;
    }

    void grow() {
        std::vector<Slot> old(slots_.size() * 2);
        old.swap(slots_);
        for (const Slot& s : old) {
            if (s.key != kEmpty)
                slots_[probe(s.key)] = s;
        }
    }

    std::vector<Slot> slots_;
    std::size_t size_ = 0;
};

}  // namespace neardup
