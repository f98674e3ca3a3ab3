// Private: a pull stream of bytes from a plain, gzip or zstd file, or stdin.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "neardup/io/input.hpp"

namespace neardup {

class ByteSource {
public:
    virtual ~ByteSource() = default;
    /// Reads up to n bytes; returns 0 at end of stream. Throws IoError on failure.
    virtual std::size_t read(char* buf, std::size_t n) = 0;
};

/// Opens `file` for reading, decompressing as its name says. Throws IoError.
[[nodiscard]] std::unique_ptr<ByteSource> open_byte_source(const InputFile& file);

}  // namespace neardup
