// When the index's key runs are merged: a size-tiered policy whose work each night is bounded
// by that night's own volume.
//
// A night's band keys go to a table of their own (a run), written in key order into an empty
// B-tree. Lookups ask every run, so runs must not pile up; merging them all into one main table
// (the policy before) made one night in eight pay for the seven before it, inserting into a
// table the size of the index: the 9th of 10 nights of 1,000,000 took 1,996 s, waiting on the
// disk. Here the newest runs are merged into the oldest of them (its table grows, the others
// are dropped) while that run is no larger than the newer ones together, as a binary counter
// carries, and only while the merged run stays within kMergeFactor times tonight's rows (at
// least kMergeFloor rows): a night inserts at most that many rows into a table at most that
// large, whatever the index holds. Runs that reach the cap stay as they are. Nights of equal
// size then keep about nights / 16 + 4 runs (90 nights: 9), and insert on average about their
// own rows again (simulated: 1.0-1.2x, the worst night 8-12x with sizes varying 0.5-1.5x).
// Pure function.
//
// Example:
//   const std::size_t k = neardup::runs_to_merge(rows_oldest_first, tonight_rows);
//   // merge the newest k runs into the first of them (k < 2: nothing to merge)
#pragma once

#include <cstdint>
#include <span>

namespace neardup {

/// How large (times tonight's rows) a run a night may merge into grows.
inline constexpr std::uint64_t kMergeFactor = 16;
/// Rows any night may merge up to, so that nights of a few articles still merge their runs
/// (about 2 s of writing here).
inline constexpr std::uint64_t kMergeFloor = std::uint64_t{1} << 20;

/// Of the runs whose row counts are `rows` (oldest first; the last is tonight's, `rows` not
/// empty), how many of the newest to merge into the oldest of them: 0 or 1 for none.
[[nodiscard]] std::size_t runs_to_merge(std::span<const std::uint64_t> rows);

}  // namespace neardup
