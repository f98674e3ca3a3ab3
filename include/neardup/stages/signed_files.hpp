// The staged scan's files: what each rank of the sign stage wrote, and the merge that reads
// them back in input order for the link stage (pipeline/signed.hpp).
//
// The inputs are cut into pieces: a plain JSONL file larger than the piece size into byte
// ranges of its lines (split_input()), any other input is one piece. Rank I of N signs the
// pieces rank_of_input() gives it and writes WORK/sign-I-of-N.bin, then WORK/sign-I-of-N.done,
// its completion marker (size and checksum of the .bin). Both are written under temporary
// names, synced and renamed, the marker last: a rank killed or out of disk leaves no marker,
// and is run again; a file without a valid marker is never read. A sign run again over a
// complete rank does nothing.
//
// File layout (little-endian): "NDSIGN02", the header (rank, world, the number of inputs, the
// pieces, the run's time, the sign stage's arguments), then chunks: the tag 1, the chunk's
// byte count and bytes (one piece's records of one batch, with their signatures and terms),
// and finally the tag 0. Each rank writes a chunk, possibly empty, for every piece it owns, in
// piece order; the merge takes the chunks of all ranks in piece order, checks that every piece
// came, and numbers a piece's lines on from the pieces of its file before it (a piece's lines
// are numbered from 1 where it was signed, not knowing how many lines came before it).
//
// Example:
//   neardup::SignedFileWriter out(work, header, my_pieces);
//   neardup::sign_inputs(cfg, mine, [&](const neardup::SignedBatch& b) { out.add(b); });
//   out.finish();
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/pipeline/signed.hpp"

namespace neardup {

/// A piece of an input: all of it, or a byte range of a large JSONL file (split_input()).
struct SignPiece {
    std::uint32_t input = 0;  ///< the input's index among all inputs
    std::uint64_t begin = 0;  ///< its first byte (InputFile::range_begin)
    std::uint64_t size = 0;   ///< the size of the input when it was cut (0: not cut)
    friend bool operator==(const SignPiece&, const SignPiece&) = default;
};

/// What every rank's file starts with; ranks of one staged scan have the same (but `rank`).
struct SignHeader {
    std::uint32_t rank = 0;
    std::uint32_t world = 1;
    std::uint32_t inputs = 0;            ///< inputs of the whole scan
    std::vector<SignPiece> pieces;       ///< the pieces ranks sign, in input order
    std::int64_t now = 0;                ///< the run's time dates were judged against
    std::uint32_t num_perm = 0;          ///< signature slots
    bool story = false;                  ///< documents carry story terms
    bool exact_verify = false;           ///< and shingle sets
    bool site_boilerplate = false;       ///< and what site boilerplate's look at the run needs
    std::vector<std::string> arguments;  ///< the sign stage's options and PATHs

    /// Equal but for the rank.
    [[nodiscard]] bool same_run(const SignHeader& other) const;
};

/// The rank (0 .. world-1) that signs piece `piece` (0 for a whole file) of the input at
/// `path`: a stable hash of the path, the pieces of one file dealt to the ranks after it.
[[nodiscard]] std::uint32_t rank_of_input(std::string_view path, std::uint32_t world,
                                          std::uint32_t piece = 0);

/// WORK/sign-I-of-N.bin and its marker, .done.
[[nodiscard]] std::string signed_file_path(const std::string& work, std::uint32_t rank,
                                           std::uint32_t world);
[[nodiscard]] std::string signed_marker_path(const std::string& work, std::uint32_t rank,
                                             std::uint32_t world);

/// True when rank's file and marker are there and agree (size and checksum); `why` says what
/// is wrong otherwise ("no marker": not finished).
[[nodiscard]] bool signed_rank_complete(const std::string& work, std::uint32_t rank,
                                        std::uint32_t world, std::string* why = nullptr);

class OutputFile;

/// Writes one rank's file. Not thread-safe (the sink is called from one thread at a time).
class SignedFileWriter {
public:
    /// `owned`: the pieces this rank signs, as indexes into header.pieces, ascending; a batch's
    /// RecordSource::input n is owned[n].
    SignedFileWriter(const std::string& work, const SignHeader& header,
                     std::vector<std::uint32_t> owned);
    ~SignedFileWriter();
    SignedFileWriter(const SignedFileWriter&) = delete;
    SignedFileWriter& operator=(const SignedFileWriter&) = delete;

    void add(const SignedBatch& batch);
    /// Writes the chunks of inputs that had none, the end, syncs and renames the file, then the
    /// marker. Throws IoError (a full disk).
    void finish();

private:
    void write_chunk(const std::string& bytes);
    void empty_chunks_before(std::size_t owned_index);

    std::string work_;
    SignHeader header_;
    std::vector<std::uint32_t> owned_;
    std::size_t next_owned_ = 0;  ///< owned_[next_owned_] is the next piece without a chunk
    std::unique_ptr<OutputFile> file_;
    std::uint64_t bytes_ = 0;
    std::uint64_t checksum_ = 0;
};

/// Reads every rank's file back, merged in input order. Throws IoError / FormatError (a rank
/// not complete, files of another run, a damaged chunk, an input missing).
class SignedRanks {
public:
    SignedRanks(const std::string& work, std::uint32_t world);
    ~SignedRanks();
    SignedRanks(const SignedRanks&) = delete;
    SignedRanks& operator=(const SignedRanks&) = delete;

    /// Rank 0's header (all ranks have it, but for the rank).
    [[nodiscard]] const SignHeader& header() const noexcept { return header_; }
    /// Fills `out` with the next chunk's records; false after the last. next_chunk() then
    /// decode().
    bool next(SignedBatch& out);
    /// The next chunk's bytes, in input order (its checks made); false after the last.
    bool next_chunk(std::string& bytes);
    /// Decodes a chunk next_chunk() gave into `out`. Thread-safe (reads the header only): the
    /// link stage decodes chunks in parallel. Throws FormatError on damage.
    void decode(std::string_view bytes, SignedBatch& out) const;
    /// Bytes of all ranks' files: a size for the tables (about 1 KB per document).
    [[nodiscard]] std::uint64_t total_bytes() const noexcept { return total_bytes_; }

    /// The header of rank's file when the rank is complete and its file whole (read through,
    /// its checksum compared with its marker's): what a sign run again compares with its own,
    /// to skip the rank or sign it again. Otherwise nothing, and `why` says what is wrong.
    [[nodiscard]] static std::optional<SignHeader> verified_header(const std::string& work,
                                                                   std::uint32_t rank,
                                                                   std::uint32_t world,
                                                                   std::string* why = nullptr);

private:
    struct Rank;
    static std::unique_ptr<Rank> open_rank(const std::string& work, std::uint32_t r,
                                           std::uint32_t world);
    std::vector<std::unique_ptr<Rank>> ranks_;
    SignHeader header_;
    std::uint32_t next_input_ = 0;   ///< the next piece due
    std::uint64_t line_base_ = 0;    ///< lines of the earlier pieces of the piece's file
    std::uint64_t piece_lines_ = 0;  ///< lines of the current piece so far
    std::uint64_t total_bytes_ = 0;
};

}  // namespace neardup
