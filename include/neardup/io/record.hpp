// Raw input records, the reader's output: bytes of one document, not yet parsed.
//
// The serial reader fills a RawBatch: one arena string holds the bytes of all records, each
// RawRecord points into it. Parsing (JSON, HTML) happens later, in the parallel stage, so the
// serial stage only reads and orders. A record may arrive already marked as skipped (a file
// that could not be read, a line that is too long); its reason travels with it so the sink can
// count skips in input order.
//
// Invariants: records are in input order; offset + length <= arena.size().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace neardup {

/// Why an input item was not used. Order is the report order.
enum class SkipReason : std::uint8_t {
    kNone = 0,
    kEmpty,        ///< empty file, blank line, or no words after normalization
    kBinary,       ///< NUL bytes in the first 4 KiB
    kUnreadable,   ///< open/read failed, corrupt compressed stream
    kMalformed,    ///< invalid JSON, missing text field
    kTooLarge,     ///< larger than --max-doc-bytes
    kAlreadyHeld,  ///< its id is already in the index (index add/query); never fatal
    /// read before in this run: a file named twice (a folder and a file in it, a symlink to
    /// it), or a record whose id an earlier record has (ids are unique per run)
    kDuplicate,
    kUnknownName,  ///< in a folder, a file whose name says no format neardup reads
};
inline constexpr int kSkipReasonCount = 9;

[[nodiscard]] std::string_view skip_reason_name(SkipReason r) noexcept;

/// How the bytes of a record are to be read.
enum class RecordFormat : std::uint8_t {
    kText,      ///< .txt, .md: the whole file is the text
    kHtml,      ///< .html, .htm, saved pages: read through extract_page() (the article)
    kJson,      ///< .json: one object with the configured fields
    kJsonLine,  ///< one line of a .jsonl file or of stdin
};

/// Where a record came from: shared by all records of one file within a batch.
struct RecordSource {
    std::string display;      ///< path as the user will read it (file, or "-" for stdin)
    std::string file_id;      ///< id of a whole-file record: path relative to the given folder
    std::string site;         ///< the site of its records without a URL (boilerplate/site.hpp)
    std::uint32_t input = 0;  ///< index of the file in the reader's inputs
};

struct RawRecord {
    std::uint64_t offset = 0;  ///< into RawBatch::arena
    std::uint64_t length = 0;  ///< bytes
    std::uint64_t line = 0;    ///< 1-based line for JSONL records, 0 for whole files
    std::uint32_t source = 0;  ///< index into RawBatch::sources
    RecordFormat format = RecordFormat::kText;
    SkipReason skip = SkipReason::kNone;  ///< set when the reader already rejected the record
    std::string message;                  ///< detail for a skip (empty otherwise)
};

struct RawBatch {
    std::string arena;
    std::vector<RawRecord> records;
    std::vector<RecordSource> sources;
    std::uint64_t input_bytes = 0;  ///< bytes consumed from the inputs for this batch

    void clear() {
        arena.clear();
        records.clear();
        sources.clear();
        input_bytes = 0;
    }
    [[nodiscard]] std::string_view bytes(const RawRecord& r) const {
        return std::string_view(arena).substr(r.offset, r.length);
    }
};

}  // namespace neardup
