// Input discovery and the serial record reader.
//
// collect_inputs() expands the command line's paths: files are taken as given, folders are
// walked recursively and only files with a known extension (.txt .md .html .htm .json .jsonl,
// each optionally .gz or .zst) are kept, sorted by path so runs are reproducible. "-" is JSONL
// on stdin. A path that does not exist is an IoError.
//
// RecordReader streams the inputs in that order and fills RawBatches. It never holds more than
// one document's bytes beyond the batch: JSONL is read in chunks, whole files are read up to
// max_doc_bytes. Not thread-safe; it is the pipeline's serial first stage.
//
// Example:
//   auto inputs = neardup::collect_inputs({"news/"});
//   neardup::RecordReader reader(std::move(inputs), {});
//   neardup::RawBatch batch;
//   while (reader.next_batch(batch)) { ... }
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "neardup/io/record.hpp"

namespace neardup {

enum class Compression : std::uint8_t { kNone, kGzip, kZstd };

struct InputFile {
    std::string path;     ///< path to open ("-" for stdin)
    std::string file_id;  ///< document id for whole-file formats
    RecordFormat format = RecordFormat::kText;
    Compression compression = Compression::kNone;
};

struct ReaderOptions {
    std::uint64_t max_doc_bytes = 16u << 20;  ///< larger documents are skipped (kTooLarge)
    std::uint32_t batch_docs = 512;           ///< records per batch, at most
    std::uint64_t batch_bytes = 4u << 20;     ///< arena bytes per batch, about
};

/// Format and compression from a file name, e.g. "a.jsonl.zst" -> {kJsonLine, kZstd}.
/// Returns false when the extension is not one we read.
[[nodiscard]] bool classify_path(std::string_view name, RecordFormat& format,
                                 Compression& compression);

/// Expands paths (files, folders, "-") into the ordered list of inputs. Throws IoError when a
/// path does not exist.
[[nodiscard]] std::vector<InputFile> collect_inputs(const std::vector<std::string>& paths);

class ByteSource;

class RecordReader {
public:
    RecordReader(std::vector<InputFile> inputs, ReaderOptions options);
    ~RecordReader();
    RecordReader(const RecordReader&) = delete;
    RecordReader& operator=(const RecordReader&) = delete;

    /// Clears `out` and fills it with the next records. Returns false when nothing is left.
    bool next_batch(RawBatch& out);

    [[nodiscard]] std::uint64_t bytes_read() const noexcept { return bytes_read_; }

private:
    bool open_next_file(RawBatch& out);
    void read_whole_file(RawBatch& out);
    bool read_line(RawBatch& out);
    bool fill_line_buffer();
    void add_skip(RawBatch& out, SkipReason reason, std::string message, std::uint64_t line);
    std::uint32_t current_source(RawBatch& out);

    std::vector<InputFile> inputs_;
    ReaderOptions options_;
    std::size_t next_input_ = 0;
    std::unique_ptr<ByteSource> source_;  ///< open JSONL stream, if any
    const InputFile* file_ = nullptr;     ///< the file source_ reads
    std::int64_t source_index_ = -1;      ///< its index in the current batch's sources
    std::string buf_;                     ///< JSONL read buffer
    std::size_t pos_ = 0;                 ///< unconsumed bytes are buf_[pos_, buf_.size())
    bool eof_ = false;
    std::uint64_t line_no_ = 0;
    std::uint64_t bytes_read_ = 0;
};

}  // namespace neardup
