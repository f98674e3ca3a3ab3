#include "neardup/stages/signed_files.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>

#include "neardup/core/error.hpp"
#include "neardup/core/hash.hpp"
#include "neardup/minhash/minhash.hpp"
#include "neardup/report/output_file.hpp"

namespace neardup {
namespace {

constexpr char kMagic[8] = {'N', 'D', 'S', 'I', 'G', 'N', '0', '2'};
constexpr std::uint8_t kChunkTag = 1;
constexpr std::uint8_t kEndTag = 0;
/// No chunk is larger (a batch is a few MB): a bigger count is damage, not a size to allocate.
constexpr std::uint64_t kMaxChunkBytes = std::uint64_t{1} << 34;
/// Fewer bytes than any record takes (line, format, a document's fixed fields, counts).
constexpr std::uint64_t kMinRecordBytes = 64;

/// Appends little-endian values and length-prefixed strings to a buffer.
class Out {
public:
    explicit Out(std::string& buf) : buf_(buf) {}
    template <typename T>
    void pod(T v) {
        static_assert(std::is_trivially_copyable_v<T>);
        char bytes[sizeof(T)];
        std::memcpy(bytes, &v, sizeof(T));
        buf_.append(bytes, sizeof(T));
    }
    void str(std::string_view s) {
        pod<std::uint64_t>(s.size());
        buf_.append(s);
    }
    template <typename T>
    void array(std::span<const T> v) {
        pod<std::uint64_t>(v.size());
        if (!v.empty())  // an empty span's data() may be null
            buf_.append(reinterpret_cast<const char*>(v.data()), v.size_bytes());
    }

private:
    std::string& buf_;
};

/// Reads what Out wrote; a read past the end is a FormatError naming `what`.
class In {
public:
    In(std::string_view bytes, std::string what) : bytes_(bytes), what_(std::move(what)) {}
    template <typename T>
    T pod() {
        need(sizeof(T));
        T v;
        std::memcpy(&v, bytes_.data() + at_, sizeof(T));
        at_ += sizeof(T);
        return v;
    }
    std::string str() {
        const auto n = pod<std::uint64_t>();
        need(n);
        std::string s(bytes_.substr(at_, n));
        at_ += n;
        return s;
    }
    template <typename T>
    void array(std::vector<T>& out) {
        const auto n = pod<std::uint64_t>();
        if (n > (bytes_.size() - at_) / sizeof(T))
            fail();
        out.resize(n);
        if (n > 0)  // an empty vector's data() may be null: no memcpy with it
            std::memcpy(out.data(), bytes_.data() + at_, n * sizeof(T));
        at_ += n * sizeof(T);
    }
    /// An array that must have exactly `out`'s size, read into it (no vector in between).
    template <typename T>
    void fixed_array(std::span<T> out) {
        if (pod<std::uint64_t>() != out.size())
            fail();
        need(out.size_bytes());
        if (!out.empty())
            std::memcpy(out.data(), bytes_.data() + at_, out.size_bytes());
        at_ += out.size_bytes();
    }
    [[nodiscard]] bool done() const noexcept { return at_ == bytes_.size(); }
    [[noreturn]] void fail() const {
        throw FormatError(what_ + ": damaged (a record runs past its end)");
    }

private:
    void need(std::uint64_t n) const {
        if (n > bytes_.size() - at_)
            fail();
    }
    std::string_view bytes_;
    std::string what_;
    std::size_t at_ = 0;
};

void write_header(Out& o, const SignHeader& h) {
    o.pod(h.rank);
    o.pod(h.world);
    o.pod(h.inputs);
    o.pod<std::uint64_t>(h.pieces.size());
    for (const SignPiece& p : h.pieces) {
        o.pod(p.input);
        o.pod(p.begin);
        o.pod(p.size);
    }
    o.pod(h.now);
    o.pod(h.num_perm);
    o.pod<std::uint8_t>((h.story ? 1 : 0) | (h.exact_verify ? 2 : 0) |
                        (h.site_boilerplate ? 4 : 0));
    o.pod<std::uint64_t>(h.arguments.size());
    for (const std::string& a : h.arguments)
        o.str(a);
}

SignHeader read_header(In& in) {
    SignHeader h;
    h.rank = in.pod<std::uint32_t>();
    h.world = in.pod<std::uint32_t>();
    h.inputs = in.pod<std::uint32_t>();
    const auto pieces = in.pod<std::uint64_t>();
    for (std::uint64_t i = 0; i < pieces; ++i) {
        SignPiece p;
        p.input = in.pod<std::uint32_t>();
        p.begin = in.pod<std::uint64_t>();
        p.size = in.pod<std::uint64_t>();
        if (p.input >= h.inputs || (!h.pieces.empty() && p.input < h.pieces.back().input))
            in.fail();
        h.pieces.push_back(p);
    }
    h.now = in.pod<std::int64_t>();
    h.num_perm = in.pod<std::uint32_t>();
    const auto flags = in.pod<std::uint8_t>();
    h.story = (flags & 1) != 0;
    h.exact_verify = (flags & 2) != 0;
    h.site_boilerplate = (flags & 4) != 0;
    const auto n = in.pod<std::uint64_t>();
    for (std::uint64_t i = 0; i < n; ++i)
        h.arguments.push_back(in.str());
    return h;
}

void write_doc(Out& o, const SignedDoc& d, const SignHeader& h) {
    o.pod(static_cast<std::uint8_t>(d.skip));
    o.str(d.message);
    o.str(d.id);
    o.pod<std::uint8_t>(d.id_from_line ? 1 : 0);
    o.pod<std::uint8_t>(d.date ? 1 : 0);
    o.pod<std::int64_t>(d.date.value_or(0));
    o.pod(d.length);
    o.pod(d.text_hash);
    o.str(d.title);
    o.str(d.url);
    o.pod(d.fields_found);
    o.str(d.unreadable_date);
    o.pod(d.lang);
    o.pod(d.beside_figures);
    o.pod(d.doubted_date);
    o.pod(static_cast<std::uint8_t>(d.doubt));
    o.str(d.story_source);
    if (h.site_boilerplate) {
        o.str(d.site);
        o.pod<std::uint64_t>(d.paragraphs.size());
        for (const Paragraph& p : d.paragraphs) {
            o.pod(p.hash);
            o.pod(p.length);
        }
        o.array(std::span<const std::uint32_t>(d.sketch.values));
        o.str(d.text);
    }
}

void read_doc(In& in, SignedDoc& d, const SignHeader& h) {
    const auto skip = in.pod<std::uint8_t>();
    if (skip >= kSkipReasonCount)
        in.fail();
    d.skip = static_cast<SkipReason>(skip);
    d.message = in.str();
    d.id = in.str();
    d.id_from_line = in.pod<std::uint8_t>() != 0;
    const bool dated = in.pod<std::uint8_t>() != 0;
    const auto date = in.pod<std::int64_t>();
    d.date = dated ? std::optional(date) : std::nullopt;
    d.length = in.pod<std::uint64_t>();
    d.text_hash = in.pod<std::uint64_t>();
    d.title = in.str();
    d.url = in.str();
    d.fields_found = in.pod<std::uint8_t>();
    d.unreadable_date = in.str();
    d.lang = in.pod<LangCode>();
    d.beside_figures = in.pod<std::uint16_t>();
    d.doubted_date = in.pod<std::int64_t>();
    d.doubt = static_cast<DateDoubt>(in.pod<std::uint8_t>());
    d.story_source = in.str();
    if (h.site_boilerplate) {
        d.site = in.str();
        const auto n = in.pod<std::uint64_t>();
        d.paragraphs.clear();
        for (std::uint64_t i = 0; i < n; ++i) {
            Paragraph p;
            p.hash = in.pod<std::uint64_t>();
            p.length = in.pod<std::uint32_t>();
            d.paragraphs.push_back(p);
        }
        in.fixed_array(std::span<std::uint32_t>(d.sketch.values));
        d.text = in.str();
    }
}

/// A chunk's first fields: its piece, the piece's input, the lines before the piece in its
/// input (0 as written; the merge sets it: SignedRanks::next_chunk()), the piece's last line so
/// far (the highest line number of its records), the batch's bytes.
constexpr std::size_t kLineBaseAt = 2 * sizeof(std::uint32_t);
constexpr std::size_t kLastLineAt = kLineBaseAt + sizeof(std::uint64_t);
constexpr std::size_t kChunkFixedBytes = kLastLineAt + sizeof(std::uint64_t);

void chunk_start(Out& o, std::uint32_t piece, const SignHeader& h, std::uint64_t last_line,
                 std::uint64_t input_bytes) {
    o.pod(piece);
    o.pod(h.pieces[piece].input);
    o.pod<std::uint64_t>(0);
    o.pod(last_line);
    o.pod(input_bytes);
}

/// One piece's records of a batch, `first` .. `last` (exclusive), as a chunk's bytes.
std::string chunk_bytes(const SignedBatch& b, std::size_t first, std::size_t last,
                        std::uint32_t piece, const SignHeader& h) {
    std::string buf;
    Out o(buf);
    const RecordSource& src = b.raw.sources[b.raw.records[first].source];
    std::uint64_t last_line = 0;
    for (std::size_t i = first; i < last; ++i)
        last_line = std::max(last_line, b.raw.records[i].line);
    chunk_start(o, piece, h, last_line, first == 0 ? b.raw.input_bytes : 0);  // bytes: once
    o.str(src.display);
    o.str(src.file_id);
    o.str(src.site);
    o.pod<std::uint64_t>(last - first);
    for (std::size_t i = first; i < last; ++i) {
        const RawRecord& rec = b.raw.records[i];
        o.pod(rec.line);
        o.pod(static_cast<std::uint8_t>(rec.format));
        write_doc(o, b.docs[i], h);
        o.array(std::span<const SigValue>(b.signatures.data() + i * h.num_perm, h.num_perm));
        if (h.story)
            o.array(std::span<const TermCode>(b.terms[i]));
        if (h.exact_verify)
            o.array(std::span<const ShingleHash>(b.sets[i]));
    }
    return buf;
}

/// A chunk of no records of `piece` (a piece without any, or bytes read that made none).
std::string empty_chunk(std::uint32_t piece, const SignHeader& h, std::uint64_t input_bytes = 0) {
    std::string buf;
    Out o(buf);
    chunk_start(o, piece, h, 0, input_bytes);
    o.str("");
    o.str("");
    o.str("");
    o.pod<std::uint64_t>(0);
    return buf;
}

/// The marker's lines: "bytes\tN", "checksum\tH".
std::string marker_text(std::uint64_t bytes, std::uint64_t checksum) {
    return "bytes\t" + std::to_string(bytes) + "\nchecksum\t" + std::to_string(checksum) + "\n";
}

struct Marker {
    std::uint64_t bytes = 0;
    std::uint64_t checksum = 0;
};

/// What marker_text() wrote at `path`; nothing when there is none, `damaged` when it does not
/// read.
std::optional<Marker> read_marker(const std::string& path, bool& damaged) {
    damaged = false;
    std::ifstream in(path);
    if (!in)
        return std::nullopt;
    Marker m;
    std::string key;
    std::string key2;
    if (!(in >> key >> m.bytes >> key2 >> m.checksum) || key != "bytes" || key2 != "checksum") {
        damaged = true;
        return std::nullopt;
    }
    return m;
}

}  // namespace

bool SignHeader::same_run(const SignHeader& o) const {
    return world == o.world && inputs == o.inputs && pieces == o.pieces && now == o.now &&
           num_perm == o.num_perm && story == o.story && exact_verify == o.exact_verify &&
           site_boilerplate == o.site_boilerplate && arguments == o.arguments;
}

std::uint32_t rank_of_input(std::string_view path, std::uint32_t world, std::uint32_t piece) {
    const std::uint64_t n = std::max<std::uint32_t>(world, 1);
    return static_cast<std::uint32_t>((hash64(path, 0x5157A6E5) % n + piece) % n);
}

std::string signed_file_path(const std::string& work, std::uint32_t rank, std::uint32_t world) {
    return (std::filesystem::path(work) /
            ("sign-" + std::to_string(rank) + "-of-" + std::to_string(world) + ".bin"))
        .string();
}

std::string signed_marker_path(const std::string& work, std::uint32_t rank, std::uint32_t world) {
    return (std::filesystem::path(work) /
            ("sign-" + std::to_string(rank) + "-of-" + std::to_string(world) + ".done"))
        .string();
}

SignedFileWriter::SignedFileWriter(const std::string& work, const SignHeader& header,
                                   std::vector<std::uint32_t> owned)
    : work_(work), header_(header), owned_(std::move(owned)) {
    // A marker of an earlier try goes first: the new file must never pass for it.
    std::error_code ec;
    std::filesystem::remove(signed_marker_path(work_, header_.rank, header_.world), ec);
    file_ = std::make_unique<OutputFile>(signed_file_path(work_, header_.rank, header_.world));
    std::string header_bytes;
    Out h(header_bytes);
    write_header(h, header_);
    const std::string magic(kMagic, sizeof(kMagic));
    std::string head = magic;  // the magic, the header's size, the header
    Out(head).pod<std::uint64_t>(header_bytes.size());
    head += header_bytes;
    file_->stream().write(head.data(), static_cast<std::streamsize>(head.size()));
    bytes_ = head.size();
    checksum_ = hash64(magic + header_bytes);  // as SignedRanks reads it back
}

SignedFileWriter::~SignedFileWriter() = default;

void SignedFileWriter::write_chunk(const std::string& bytes) {
    std::string framing;
    Out o(framing);
    o.pod(kChunkTag);
    o.pod<std::uint64_t>(bytes.size());
    file_->stream().write(framing.data(), static_cast<std::streamsize>(framing.size()));
    file_->stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!file_->stream())
        throw IoError(signed_file_path(work_, header_.rank, header_.world) + ": write failed");
    bytes_ += framing.size() + bytes.size();
    checksum_ = hash64(bytes, checksum_);
}

void SignedFileWriter::empty_chunks_before(std::size_t owned_index) {
    for (; next_owned_ < owned_index; ++next_owned_)
        write_chunk(empty_chunk(owned_[next_owned_], header_));
}

void SignedFileWriter::add(const SignedBatch& b) {
    const std::size_t n = b.raw.records.size();
    for (std::size_t first = 0; first < n;) {
        const std::uint32_t local = b.raw.sources[b.raw.records[first].source].input;
        NEARDUP_CHECK(local < owned_.size(), "a signed batch names a piece the rank does not own");
        std::size_t last = first + 1;
        while (last < n && b.raw.sources[b.raw.records[last].source].input == local)
            ++last;
        if (local + 1 > next_owned_)
            empty_chunks_before(local);
        next_owned_ = std::max<std::size_t>(next_owned_, local + 1);
        write_chunk(chunk_bytes(b, first, last, owned_[local], header_));
        first = last;
    }
    if (n == 0 && b.raw.input_bytes > 0 && next_owned_ > 0)  // bytes of records all skipped
        write_chunk(empty_chunk(owned_[next_owned_ - 1], header_, b.raw.input_bytes));
}

void SignedFileWriter::finish() {
    empty_chunks_before(owned_.size());
    const char end = static_cast<char>(kEndTag);
    file_->stream().write(&end, 1);
    bytes_ += 1;
    file_->commit();
    OutputFile marker(signed_marker_path(work_, header_.rank, header_.world));
    marker.stream() << marker_text(bytes_, checksum_);
    marker.commit();
}

bool signed_rank_complete(const std::string& work, std::uint32_t rank, std::uint32_t world,
                          std::string* why) {
    const auto say = [&](const std::string& w) {
        if (why != nullptr)
            *why = w;
        return false;
    };
    bool damaged = false;
    const std::optional<Marker> marker =
        read_marker(signed_marker_path(work, rank, world), damaged);
    if (!marker)
        return say(damaged ? "its marker is damaged" : "no marker: the rank did not finish");
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(signed_file_path(work, rank, world), ec);
    if (ec)
        return say("its file is missing");
    if (size != marker->bytes)
        return say("its file has " + std::to_string(size) + " bytes, its marker says " +
                   std::to_string(marker->bytes));
    return true;
}

/// One rank's file, read chunk by chunk (the checksum checked at its end).
struct SignedRanks::Rank {
    std::string path;
    std::ifstream in;
    std::uint64_t size = 0;  ///< of the file: no count read from it may ask for more
    std::uint64_t at = 0;
    SignHeader header;
    std::uint64_t checksum = 0;
    std::uint64_t expected_checksum = 0;
    std::string chunk;  ///< the next chunk's bytes (empty at the end)
    bool ended = false;
    std::uint32_t next_input = 0;  ///< the next chunk's piece

    void read_exact(char* to, std::size_t n) {
        if (n > size - at)
            throw FormatError(path + ": damaged (it ends early)");
        in.read(to, static_cast<std::streamsize>(n));
        if (static_cast<std::size_t>(in.gcount()) != n)
            throw FormatError(path + ": damaged (it ends early)");
        at += n;
    }
    /// Reads the next chunk (or the end) into `chunk`.
    void advance() {
        char tag = 0;
        read_exact(&tag, 1);
        if (tag == static_cast<char>(kEndTag)) {
            ended = true;
            chunk.clear();
            if (checksum != expected_checksum)
                throw FormatError(path + ": damaged (its checksum is not its marker's)");
            return;
        }
        if (tag != static_cast<char>(kChunkTag))
            throw FormatError(path + ": damaged (no chunk where one should start)");
        std::uint64_t n = 0;
        read_exact(reinterpret_cast<char*>(&n), sizeof(n));
        if (n > kMaxChunkBytes || n > size - at || n < kChunkFixedBytes)
            throw FormatError(path + ": damaged (a chunk of " + std::to_string(n) + " bytes)");
        chunk.resize(n);
        read_exact(chunk.data(), n);
        checksum = hash64(chunk, checksum);
        std::memcpy(&next_input, chunk.data(), sizeof(next_input));
    }
};

std::unique_ptr<SignedRanks::Rank> SignedRanks::open_rank(const std::string& work, std::uint32_t r,
                                                          std::uint32_t world) {
    std::string why;
    if (!signed_rank_complete(work, r, world, &why))
        throw IoError("sign rank " + std::to_string(r) + " of " + std::to_string(world) + " in " +
                      work + ": " + why + " (run it again)");
    auto rank = std::make_unique<Rank>();
    rank->path = signed_file_path(work, r, world);
    bool damaged = false;
    const std::optional<Marker> marker = read_marker(signed_marker_path(work, r, world), damaged);
    if (!marker)  // gone since it was checked: another run over the folder
        throw IoError(signed_marker_path(work, r, world) + ": gone while it was read");
    rank->expected_checksum = marker->checksum;
    rank->in.open(rank->path, std::ios::binary);
    if (!rank->in)
        throw IoError(rank->path + ": cannot be opened");
    rank->size = std::filesystem::file_size(rank->path);
    char magic[sizeof(kMagic)];
    rank->read_exact(magic, sizeof(magic));
    if (std::memcmp(magic, kMagic, sizeof(kMagic)) != 0)
        throw FormatError(rank->path + ": not a file of neardup's sign stage");
    std::uint64_t size = 0;
    rank->read_exact(reinterpret_cast<char*>(&size), sizeof(size));
    if (size > kMaxChunkBytes || size > rank->size - rank->at)
        throw FormatError(rank->path + ": damaged (a header of " + std::to_string(size) +
                          " bytes)");
    std::string head(size, '\0');
    rank->read_exact(head.data(), size);
    rank->checksum = hash64(std::string(kMagic, sizeof(kMagic)) + head);
    In in(head, rank->path);
    rank->header = read_header(in);
    if (rank->header.num_perm == 0 || rank->header.num_perm > kMaxNumPerm)
        throw FormatError(rank->path + ": damaged (" + std::to_string(rank->header.num_perm) +
                          " signature slots)");
    if (rank->header.pieces.empty() && rank->header.inputs > 0)
        throw FormatError(rank->path + ": damaged (inputs but no pieces)");
    if (rank->header.rank != r || rank->header.world != world)
        throw FormatError(rank->path + ": it says rank " + std::to_string(rank->header.rank) +
                          " of " + std::to_string(rank->header.world));
    rank->advance();
    return rank;
}

std::optional<SignHeader> SignedRanks::verified_header(const std::string& work, std::uint32_t rank,
                                                       std::uint32_t world, std::string* why) {
    try {
        const std::unique_ptr<Rank> r = open_rank(work, rank, world);
        while (!r->ended)  // the checksum is compared at the end
            r->advance();
        return r->header;
    } catch (const Error& e) {
        if (why != nullptr)
            *why = e.what();
        return std::nullopt;
    }
}

SignedRanks::SignedRanks(const std::string& work, std::uint32_t world) {
    for (std::uint32_t r = 0; r < world; ++r) {
        std::unique_ptr<Rank> rank = open_rank(work, r, world);
        if (r > 0 && !rank->header.same_run(ranks_[0]->header))
            throw FormatError(rank->path +
                              ": signed with other options, inputs or time (--now) "
                              "than rank 0: sign every rank of one run alike");
        total_bytes_ += rank->size;
        ranks_.push_back(std::move(rank));
    }
    NEARDUP_CHECK(!ranks_.empty(), "a staged scan has at least one rank");
    header_ = ranks_[0]->header;
}

SignedRanks::~SignedRanks() = default;

bool SignedRanks::next_chunk(std::string& bytes) {
    // The rank whose next chunk is of the input due (chunks of one input are consecutive in
    // its rank's file; an input due while every rank is past it never came).
    Rank* from = nullptr;
    for (;;) {
        from = nullptr;
        for (const auto& r : ranks_) {
            if (!r->ended && (from == nullptr || r->next_input < from->next_input))
                from = r.get();
        }
        if (from == nullptr) {
            if (next_input_ != header_.pieces.size())
                throw FormatError("the sign ranks hold " + std::to_string(next_input_) + " of " +
                                  std::to_string(header_.pieces.size()) + " pieces of the inputs");
            return false;
        }
        if (from->next_input + 1 == next_input_ || from->next_input == next_input_)
            break;
        throw FormatError(from->path + ": piece " + std::to_string(from->next_input) +
                          " comes before piece " + std::to_string(next_input_) +
                          " was read: a piece of the inputs is missing or twice");
    }
    if (from->next_input >= header_.pieces.size())
        throw FormatError(from->path + ": damaged (piece " + std::to_string(from->next_input) +
                          " of " + std::to_string(header_.pieces.size()) + ")");
    if (from->next_input == next_input_) {  // the piece's first chunk
        const std::uint32_t p = next_input_++;
        const bool same_input = p > 0 && header_.pieces[p].input == header_.pieces[p - 1].input;
        line_base_ = same_input ? line_base_ + piece_lines_ : 0;
        piece_lines_ = 0;
    }
    bytes.swap(from->chunk);
    from->advance();
    std::uint64_t last_line = 0;
    std::memcpy(&last_line, bytes.data() + kLastLineAt, sizeof(last_line));
    piece_lines_ = std::max(piece_lines_, last_line);
    std::memcpy(bytes.data() + kLineBaseAt, &line_base_, sizeof(line_base_));
    return true;
}

void SignedRanks::decode(std::string_view bytes, SignedBatch& out) const {
    In in(bytes, "a chunk of the sign stage's files");
    const auto piece = in.pod<std::uint32_t>();
    const auto input = in.pod<std::uint32_t>();
    const auto line_base = in.pod<std::uint64_t>();
    in.pod<std::uint64_t>();  // the piece's last line: next_chunk()'s
    if (piece >= header_.pieces.size() || header_.pieces[piece].input != input)
        in.fail();
    out.raw.clear();
    out.docs.clear();
    out.signatures.clear();
    out.terms.clear();
    out.sets.clear();
    out.raw.input_bytes = in.pod<std::uint64_t>();
    RecordSource src;
    src.display = in.str();
    src.file_id = in.str();
    src.site = in.str();
    src.input = input;
    out.raw.sources.push_back(std::move(src));
    const auto n = in.pod<std::uint64_t>();
    // A count the chunk cannot hold (each record has its signature) asks for no memory.
    if (n > bytes.size() / (kMinRecordBytes + sizeof(SigValue) * header_.num_perm))
        in.fail();
    out.raw.records.resize(n);
    out.docs.resize(n);
    const std::uint32_t num_perm = header_.num_perm;
    out.signatures.resize(n * num_perm);
    if (header_.story)
        out.terms.resize(n);
    if (header_.exact_verify)
        out.sets.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        RawRecord& rec = out.raw.records[i];
        rec.line = in.pod<std::uint64_t>();
        if (rec.line > 0)
            rec.line += line_base;  // numbered in its piece; in its file now
        rec.format = static_cast<RecordFormat>(in.pod<std::uint8_t>());
        rec.source = 0;
        SignedDoc& doc = out.docs[i];
        read_doc(in, doc, header_);
        if (doc.id_from_line && line_base > 0)  // "<file id>:<line>", the line in its file now
            doc.id = out.raw.sources[0].file_id + ":" + std::to_string(rec.line);
        in.fixed_array(std::span<SigValue>(out.signatures.data() + i * num_perm, num_perm));
        if (header_.story)
            in.array(out.terms[i]);
        if (header_.exact_verify)
            in.array(out.sets[i]);
    }
    if (!in.done())
        in.fail();
}

bool SignedRanks::next(SignedBatch& out) {
    std::string bytes;
    if (!next_chunk(bytes))
        return false;
    decode(bytes, out);
    return true;
}

}  // namespace neardup
