// neardup core types shared by every pipeline stage.
//
// A document is known inside the library by its DocId: the position at which the serial reader
// met it (0, 1, 2, ... over accepted documents). Because the reader is serial and the sink runs
// in order, DocIds never depend on the number of threads.
//
// Example:
//   neardup::DocId first = 0;
//   neardup::ShingleHash h = neardup::hash64("the cat sat on the");
#pragma once

#include <cstdint>
#include <vector>

namespace neardup {

using DocId = std::uint32_t;        ///< dense index of an accepted document, in input order
using ShingleHash = std::uint64_t;  ///< XXH3-64 of one normalized shingle
using SigValue = std::uint32_t;     ///< one MinHash slot (low 32 bits of the winning hash)
using Signature = std::vector<SigValue>;

/// A byte range [begin, end) of some text (a token of normalized text, for instance).
struct ByteRange {
    std::uint32_t begin;
    std::uint32_t end;
};

}  // namespace neardup
