// The deduplicated corpus: the kept articles of a scan, written in the form they were read.
//
// Which articles are kept is the `action` rule of the rows (report/writers.hpp): an article is
// kept unless its action is `drop` at the level chosen (near: one per near-duplicate group;
// story: one per story). Nothing else is decided here: what the rows and the --keep list say
// is what is written.
//
//   write_kept_lines  JSONL inputs (files, compressed files, stdin) -> one stream of their kept
//                     lines, byte for byte as read, in input order (a last line without its
//                     newline gets one, so the next input's first line stays a line of its own)
//   KeptTree          a folder run -> a new folder holding each kept file at its relative path
//                     (copied, or hard-linked), and for a JSONL file its kept lines (compressed
//                     again as its name says)
//
// Records the scan skipped (malformed, empty, a repeated id...) are neither kept nor dropped:
// they are not written, and the scan's summary counts them. Inputs are only ever read. An input
// that changed since the scan read it (size or modification time) is an error, not a corpus
// that mixes two versions (the file's device, inode, size, modification and change times).
// All-or-nothing: the caller writes lines into an OutputFile (renamed into place on commit), and
// KeptTree builds its folder under a temporary name and renames it into place on commit(); a failed
// or killed run leaves no partial corpus. Not thread-safe.
//
// Example:
//   const auto kept = neardup::kept_documents(result, neardup::Level::kNear);
//   neardup::OutputFile out("kept.jsonl.gz");
//   neardup::CompressedWriter w(out.stream(), neardup::compression_of("kept.jsonl.gz"));
//   const auto stats = neardup::write_kept_lines(inputs, stamps,
//                                                neardup::record_choices(result, kept), w);
//   w.finish();
//   out.commit();
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "neardup/io/compressed_writer.hpp"
#include "neardup/io/input.hpp"
#include "neardup/pipeline/pipeline.hpp"
#include "neardup/report/writers.hpp"

namespace neardup {

/// What a run wrote: documents and the bytes of their records (a JSONL line with its newline,
/// a whole file's size as stored).
struct DedupStats {
    std::uint64_t kept_docs = 0;
    std::uint64_t kept_bytes = 0;
    std::uint64_t dropped_docs = 0;
    std::uint64_t dropped_bytes = 0;
    std::uint64_t files = 0;  ///< files written (KeptTree)
    std::uint64_t links = 0;  ///< of them, hard links
};

/// The stat of an input when it was collected, to tell whether it changed before its rewrite.
struct InputStamp {
    std::uint64_t device = 0;  ///< with inode: the file itself (a rename over it is another)
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::int64_t ctime_ns = 0;  ///< changes with any write or rename, whatever mtime says
    bool known = false;         ///< false: stdin or not a regular file (not checked)

    friend bool operator==(const InputStamp&, const InputStamp&) = default;
};

/// The stamps of `inputs`, taken before they are read.
[[nodiscard]] std::vector<InputStamp> stamp_inputs(std::span<const InputFile> inputs);

/// kept[d] for each new document d of `result` (held documents of an index: false).
[[nodiscard]] std::vector<bool> kept_documents(const ScanResult& result, Level level);

/// One record the run took in, and whether it is kept. Sorted by input, then line.
struct RecordChoice {
    std::uint32_t input = 0;  ///< index into the inputs
    std::uint64_t line = 0;   ///< JSONL line (0: a whole file)
    bool kept = false;
};

/// The records of the new documents of `result`, kept as `kept` says (input order).
[[nodiscard]] std::vector<RecordChoice> record_choices(const ScanResult& result,
                                                       const std::vector<bool>& kept);

/// Throws ConfigError when an input cannot be read a second time: a FIFO, a pipe (a shell's
/// <(...)), a device. stdin is fine: the caller copies it first.
void check_rereadable(std::span<const InputFile> inputs);

/// Throws ConfigError when an input cannot be written as lines: check_rereadable(), or a whole
/// file (.txt, .html, .json...) among the inputs of a line output.
void check_line_inputs(std::span<const InputFile> inputs);

/// Writes the kept lines of every JSONL input to `out`, in input order. Throws IoError when an
/// input cannot be read again or changed since `stamps` were taken.
DedupStats write_kept_lines(std::span<const InputFile> inputs, std::span<const InputStamp> stamps,
                            std::span<const RecordChoice> records, CompressedWriter& out);

/// A new folder of kept files, built under a temporary name beside `target` and renamed to it
/// on commit() (when nothing is there, or an empty folder); removed if commit() is not reached.
class KeptTree {
public:
    /// Checks `target` (not there, or an empty folder) and creates the temporary folder.
    /// Throws IoError (cannot create) or ConfigError (target holds something).
    KeptTree(const std::string& target, bool link);
    ~KeptTree();
    KeptTree(const KeptTree&) = delete;
    KeptTree& operator=(const KeptTree&) = delete;

    /// Where each input goes below the folder, checked before the run: throws ConfigError
    /// for a path that would leave it (an absolute path is placed below it, without its
    /// root; ".." is refused) or two inputs that would land on one path.
    static void check_places(std::span<const InputFile> inputs);

    /// With --link: throws ConfigError when a whole-file input lies on another file system
    /// (found before the scan, not at the first link).
    void check_links(std::span<const InputFile> inputs) const;

    /// Writes every input's kept documents. Throws IoError.
    DedupStats write(std::span<const InputFile> inputs, std::span<const InputStamp> stamps,
                     std::span<const RecordChoice> records);
    /// Syncs everything written and renames the folder into place. Throws IoError.
    void commit();

private:
    std::string target_;
    std::string temp_;
    bool link_;
    bool committed_ = false;
};

}  // namespace neardup
