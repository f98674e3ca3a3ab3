// Input discovery and the serial record reader.
//
// collect_inputs() expands the command line's paths: files are taken as given, folders are
// walked recursively and only files with a known extension (.txt .md .html .htm .shtml .xhtml
// .php .asp .aspx (saved pages) .json .jsonl, each optionally .gz, .zst, .xz or .bz2) are kept,
// sorted by path so runs are reproducible. "-" is JSONL on stdin. A path that does not exist or
// cannot be read is an IoError. Inside a folder, only regular files (after symlinks) are read: a
// FIFO, socket or device, a broken link and a subfolder that cannot be opened become inputs marked
// with the reason, which the reader turns into a counted skip (a FIFO with no writer would block
// the run forever).
//
// Ids of whole files (InputIds): by default the path relative to the folder given (a file
// named on the command line: the path as given); with `absolute`, the absolute path, or the
// path relative to `root` when one is set (the index's rule: two different files are never one
// article). A JSONL line without an id field is "<file id>:<line>".
//
// RecordReader streams the inputs in that order and fills RawBatches. It never holds more than
// one document's bytes beyond the batch: JSONL is read in chunks, whole files are read up to
// max_doc_bytes. A whole file opening with a UTF-16 byte order mark is turned into UTF-8 as it
// is read (its NUL bytes are no sign of binary data). Not thread-safe; it is the pipeline's
// serial first stage.
//
// Example:
//   auto inputs = neardup::collect_inputs({"news/"});
//   neardup::RecordReader reader(std::move(inputs), {});
//   neardup::RawBatch batch;
//   while (reader.next_batch(batch)) { ... }
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/io/record.hpp"

namespace neardup {

enum class Compression : std::uint8_t { kNone, kGzip, kZstd, kXz, kBzip2 };

struct InputFile {
    std::string path;     ///< path to open ("-" for stdin)
    std::string file_id;  ///< document id for whole-file formats
    RecordFormat format = RecordFormat::kText;
    Compression compression = Compression::kNone;
    std::string error;  ///< set when the walk found it unreadable: the reader skips it with this
    SkipReason error_reason = SkipReason::kUnreadable;  ///< the skip's reason when `error` is set
    std::string site;  ///< the site of its documents without a URL (see site_folder in input.cpp)
    /// Its path below the folder given (a file named on the command line: the path as given):
    /// where a deduplicated copy of the tree puts it.
    std::string relative;
    /// Read it only if it is a regular file (opened without waiting: a FIFO is refused, not
    /// waited on); for files read again later by a stored path (the report).
    bool regular_only = false;
    /// A piece of a plain JSONL file (the staged scan splits large ones; split_input()): the
    /// lines that start at a byte in [range_begin, range_end), numbered from 1 at the first.
    std::uint64_t range_begin = 0;
    std::uint64_t range_end = kToEnd;

    static constexpr std::uint64_t kToEnd = ~std::uint64_t{0};
    /// True for a piece of the file rather than all of it.
    [[nodiscard]] bool ranged() const noexcept { return range_begin > 0 || range_end != kToEnd; }
};

/// How whole-file ids are formed (see the header comment).
struct InputIds {
    bool absolute = false;  ///< absolute paths instead of paths relative to the folder given
    std::string root;       ///< with `absolute`: ids relative to this folder (if non-empty)
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
/// path does not exist or cannot be read.
[[nodiscard]] std::vector<InputFile> collect_inputs(const std::vector<std::string>& paths,
                                                    const InputIds& ids = {});

/// A PATH as an input's identity: absolute, with folders and symlinks resolved against the
/// current folder and no trailing '/' ("-", stdin, stays "-"). `night/`, `./night`, the
/// absolute path and a symlink to it are one input.
[[nodiscard]] std::string input_identity(const std::string& path);

/// The identities of `paths`, sorted, each once: the same inputs in any order and spelling.
[[nodiscard]] std::vector<std::string> input_identities(std::span<const std::string> paths);

/// Cuts `file` into pieces of about `piece_bytes` (its lines by the byte they start at): a plain
/// (uncompressed) JSONL file larger than that, readable now, gives ceil(size / piece_bytes)
/// pieces; any other input is one piece, itself. Reading every piece in order reads the lines
/// the whole file has, in order, each once (line numbers restart at 1 in each piece).
[[nodiscard]] std::vector<InputFile> split_input(const InputFile& file, std::uint64_t piece_bytes);

/// Calls f(line, bytes) for each line of a JSONL input as stored: `bytes` ends with its '\n'
/// (the last line may have none), lines numbered from 1 as RecordReader numbers them.
/// Decompresses as the name says; "-" reads stdin from where it stands. Throws IoError.
void for_each_raw_line(const InputFile& file,
                       const std::function<void(std::uint64_t, std::string_view)>& f);

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
    bool skip_to_first_line();
    void count_piece_bytes();
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
    // A ranged input (InputFile::ranged()): offsets in its file, counted as its lines are taken.
    std::uint64_t base_ = 0;        ///< the file offset of buf_[0]
    std::uint64_t read_end_ = 0;    ///< the file offset after the last byte read
    std::uint64_t counted_to_ = 0;  ///< the file offset its counted bytes reach
};

}  // namespace neardup
