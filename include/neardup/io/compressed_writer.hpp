// CompressedWriter: bytes written through it reach a stream compressed as a file name says
// (".gz" gzip, ".zst" zstd, ".xz" xz, ".bz2" bzip2, else as they are), so that a deduplicated
// corpus can be written in the form it was read in. finish() ends the compressed stream; a
// writer destroyed without it leaves a cut stream, which every reader (ours too) refuses, so a
// failed run is never mistaken for a complete file.
// Not thread-safe.
//
// Example:
//   neardup::OutputFile out("kept.jsonl.zst");
//   neardup::CompressedWriter w(out.stream(), neardup::compression_of("kept.jsonl.zst"));
//   w.write("{\"id\":\"a\",\"text\":\"...\"}\n");
//   w.finish();
//   out.commit();
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "neardup/io/input.hpp"

namespace neardup {

/// The compression a file name asks for by its last extension (".gz", ".zst", ".xz", ".bz2").
[[nodiscard]] Compression compression_of(std::string_view name) noexcept;

class CompressedWriter {
public:
    /// Writes to `sink` (which must outlive the writer), named `name` in messages. Throws
    /// IoError if the encoder cannot be set up.
    CompressedWriter(std::ostream& sink, Compression compression, std::string name = "output");
    ~CompressedWriter();
    CompressedWriter(const CompressedWriter&) = delete;
    CompressedWriter& operator=(const CompressedWriter&) = delete;

    /// Compresses `bytes` into the sink. Throws IoError when the encoder fails.
    void write(std::string_view bytes);
    /// Ends the stream (trailer, checksums) and flushes the sink. Throws IoError.
    void finish();

    class Encoder;  ///< one per format (compressed_writer.cpp)

private:
    static constexpr std::size_t kPendingBytes = 1u << 18;
    void drain(bool end);

    std::ostream& sink_;
    std::unique_ptr<Encoder> encoder_;  ///< null: written as is
    std::string pending_;               ///< written, not yet compressed
    std::string out_;                   ///< compressed bytes on their way to the sink
    std::string name_;                  ///< for messages
};

}  // namespace neardup
