#include "neardup/io/input.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "byte_source.hpp"
#include "neardup/core/error.hpp"
#include "neardup/core/utf8.hpp"

namespace neardup {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kSniffBytes = 4096;     // binary detection window
constexpr std::size_t kLineChunk = 1u << 20;  // JSONL read size

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

bool looks_binary(std::string_view head) {
    return head.substr(0, kSniffBytes).find('\0') != std::string_view::npos;
}

/// Which byte of each two-byte unit is NUL in the first 4 KiB, when one of them always is and
/// the other never: ASCII text in UTF-16 without a byte order mark (0: little endian, 1: big
/// endian, -1: not such text).
int bomless_utf16_order(std::string_view bytes) {
    const std::string_view head = bytes.substr(0, kSniffBytes & ~std::size_t{1});
    if (head.size() < 8 || bytes.size() % 2 != 0)
        return -1;
    std::size_t zero[2] = {0, 0};
    for (std::size_t i = 0; i < head.size(); ++i)
        zero[i % 2] += head[i] == '\0' ? 1U : 0U;
    const std::size_t units = head.size() / 2;
    if (zero[1] == units && zero[0] == 0)
        return 0;
    if (zero[0] == units && zero[1] == 0)
        return 1;
    return -1;
}

/// A UTF-16 file (its byte order mark says so: Windows editors save "Unicode" text that way;
/// or, without one, ASCII text's NUL in every other byte) is turned into UTF-8 in place, from
/// `offset` on: its NUL bytes are no sign of binary data. Pages and JSON keep a UTF-8 BOM in
/// front, which outranks a page's own charset declaration as the BOM did. Returns false when
/// the bytes are not UTF-16.
bool utf16_to_utf8(std::string& arena, std::size_t offset, RecordFormat format) {
    std::string_view bytes = std::string_view(arena).substr(offset);
    bool little = bytes.substr(0, 2) == "\xFF\xFE";
    bool big = bytes.substr(0, 2) == "\xFE\xFF";
    if (little || big) {
        bytes.remove_prefix(2);
    } else {
        const int order = bomless_utf16_order(bytes);
        little = order == 0;
        big = order == 1;
    }
    if (!little && !big)
        return false;
    std::string text = format == RecordFormat::kText ? std::string() : std::string("\xEF\xBB\xBF");
    text += decode_utf16(bytes, big);
    arena.resize(offset);
    arena += text;
    return true;
}

std::string type_name(fs::file_type t) {
    switch (t) {
        case fs::file_type::fifo:
            return "a FIFO";
        case fs::file_type::socket:
            return "a socket";
        case fs::file_type::block:
            return "a block device";
        case fs::file_type::character:
            return "a character device";
        default:
            return "not a regular file";
    }
}

/// "-" reads stdin: a closed stdin (cron's `<&-`) or a folder there is an error, not an empty
/// input.
void check_stdin() {
    struct stat st {};
    if (::fstat(STDIN_FILENO, &st) != 0)
        throw IoError("stdin: cannot read: " + std::system_category().message(errno));
    if (S_ISDIR(st.st_mode))
        throw IoError("stdin: is a directory");
}

/// The id of a whole file found under `folder` (empty: named on the command line).
std::string whole_file_id(const fs::path& file, const fs::path& folder, const InputIds& ids) {
    if (!ids.absolute)
        return folder.empty() ? file.string() : file.lexically_relative(folder).generic_string();
    const fs::path abs = fs::absolute(file).lexically_normal();
    if (!ids.root.empty()) {
        const fs::path rel = abs.lexically_relative(fs::absolute(ids.root).lexically_normal());
        if (!rel.empty() && *rel.begin() != "..")
            return rel.generic_string();
    }
    return abs.generic_string();
}

/// The site of a file's documents that carry no URL: the subfolder of the folder given that
/// holds it (scrapers save each site in a folder of its own), else that folder; for a file
/// named on the command line, its folder.
std::string site_folder(const fs::path& file, const fs::path& folder) {
    if (folder.empty()) {
        const fs::path parent = file.parent_path();
        return parent.empty() ? "." : parent.generic_string();
    }
    const fs::path rel = file.lexically_relative(folder);
    auto first = rel.begin();
    if (first == rel.end() || std::next(first) == rel.end())
        return folder.generic_string();
    return (folder / *first).generic_string();
}

InputFile input_for(const fs::path& file, const fs::path& folder, const InputIds& ids) {
    InputFile in;
    in.path = file.string();
    in.site = site_folder(file, folder);
    in.relative =
        folder.empty() ? file.generic_string() : file.lexically_relative(folder).generic_string();
    (void)classify_path(file.filename().string(), in.format, in.compression);
    in.file_id = whole_file_id(file, folder, ids);
    // Scan ids of id-less JSONL lines read "<path as given>:<line>" (as they always have).
    if (!ids.absolute && in.format == RecordFormat::kJsonLine)
        in.file_id = in.path;
    return in;
}

/// Whether a file without an extension is a web page (scrapers often save a URL's last path
/// segment as it is: ".../2024/05/storm-hits-coast"): its first kilobyte, after a BOM and white
/// space, opens with <!doctype html or <html, or holds an <html or <head tag.
bool sniffs_as_html(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        return false;
    char buf[1024];
    ssize_t n = 0;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    if (n <= 0)
        return false;
    std::string head = lower_ascii(std::string_view(buf, static_cast<std::size_t>(n)));
    std::string_view rest = head;
    if (rest.substr(0, 3) == "\xEF\xBB\xBF")
        rest.remove_prefix(3);
    rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of(" \t\r\n")));
    return rest.rfind("<!doctype html", 0) == 0 || rest.rfind("<html", 0) == 0 ||
           head.find("<html") != std::string::npos || head.find("<head") != std::string::npos;
}

/// One entry of a folder walk: a file to read (or to skip with a reason), or nothing.
void visit_entry(const fs::directory_entry& entry, const fs::path& root, const InputIds& ids,
                 std::vector<InputFile>& found) {
    RecordFormat format{};
    Compression compression{};
    const std::string name = entry.path().filename().string();
    const bool known = classify_path(name, format, compression);
    const bool html = !known && name.find('.') == std::string::npos && sniffs_as_html(entry.path());
    InputFile file = input_for(entry.path(), root, ids);
    std::error_code type_ec;
    if (entry.is_symlink(type_ec)) {
        std::error_code target_ec;
        const fs::file_status target = fs::status(entry.path(), target_ec);
        if (target_ec || fs::is_directory(target)) {
            file.error = target_ec ? "broken symbolic link (or a loop): " + target_ec.message()
                                   : "a symbolic link to a folder, not followed (name the "
                                     "folder itself)";
            found.push_back(std::move(file));
            return;
        }
    }
    if (!known && !html) {  // counted, never silently passed over (--strict refuses it)
        file.error = name.find('.') == std::string::npos
                         ? "no extension, and not a web page"
                         : "not a name neardup reads (.txt .md .html .json .jsonl ...)";
        file.error_reason = SkipReason::kUnknownName;
        found.push_back(std::move(file));
        return;
    }
    if (html)
        file.format = RecordFormat::kHtml;
    std::error_code ec;
    const fs::file_status st = fs::status(entry.path(), ec);  // follows symlinks
    if (ec) {
        file.error =
            (fs::is_symlink(entry.symlink_status(ec)) ? "broken symbolic link" : ec.message());
    } else if (!fs::is_regular_file(st)) {
        file.error = type_name(st.type()) + ", not read";
    }
    found.push_back(std::move(file));
}

/// Walks `root` without recursion (a hostile tree may be thousands of levels deep) and without
/// following symlinked folders. A subfolder that cannot be opened or listed is kept as a skip.
void collect_folder(const fs::path& root, const InputIds& ids, std::vector<InputFile>& out) {
    std::vector<InputFile> found;
    std::vector<fs::path> pending{root};
    while (!pending.empty()) {
        const fs::path dir = std::move(pending.back());
        pending.pop_back();
        std::error_code ec;
        fs::directory_iterator it(dir, ec);
        for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
            std::error_code type_ec;
            if (it->symlink_status(type_ec).type() == fs::file_type::directory)
                pending.push_back(it->path());
            else
                visit_entry(*it, root, ids, found);
        }
        if (!ec)
            continue;
        if (dir == root)
            throw IoError(root.string() + ": cannot read folder: " + ec.message());
        InputFile skipped = input_for(dir, root, ids);
        skipped.error = "cannot read folder: " + ec.message();
        found.push_back(std::move(skipped));
    }
    std::sort(found.begin(), found.end(),
              [](const InputFile& a, const InputFile& b) { return a.path < b.path; });
    out.insert(out.end(), std::make_move_iterator(found.begin()),
               std::make_move_iterator(found.end()));
}

/// A file reached by two names (a folder and a file in it, a folder and a symlink to it, a
/// hard link) is read once, under its first name: the later ones become counted skips. Were it
/// read twice, every article in it would be dropped as a copy of itself.
void mark_files_named_twice(std::vector<InputFile>& inputs) {
    std::map<std::pair<dev_t, ino_t>, std::size_t> first;
    std::size_t stdin_at = inputs.size();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        InputFile& f = inputs[i];
        if (!f.error.empty())
            continue;
        std::size_t earlier = i;
        if (f.path == "-") {
            earlier = stdin_at == inputs.size() ? (stdin_at = i) : stdin_at;
        } else {
            struct stat st {};
            if (::stat(f.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
                continue;  // the reader says what is wrong with it
            earlier = first.emplace(std::make_pair(st.st_dev, st.st_ino), i).first->second;
        }
        if (earlier == i)
            continue;
        f.error = "the same file as " + inputs[earlier].path + ", read once";
        f.error_reason = SkipReason::kDuplicate;
    }
}

}  // namespace

std::string_view skip_reason_name(SkipReason r) noexcept {
    switch (r) {
        case SkipReason::kNone:
            return "none";
        case SkipReason::kEmpty:
            return "empty";
        case SkipReason::kBinary:
            return "binary";
        case SkipReason::kUnreadable:
            return "unreadable";
        case SkipReason::kMalformed:
            return "malformed";
        case SkipReason::kTooLarge:
            return "too_large";
        case SkipReason::kAlreadyHeld:
            return "already_held";
        case SkipReason::kDuplicate:
            return "duplicate";
        case SkipReason::kUnknownName:
            return "unknown_name";
    }
    return "unknown";
}

namespace {

/// A saved page's name without what wget adds to it: the URL's query ("article.php?id=1",
/// "index.html?id=2") and the number that keeps a second download apart ("page.htm.1").
std::string_view without_download_suffixes(std::string_view name) {
    if (const std::size_t query = name.find('?'); query != std::string_view::npos && query > 0)
        name = name.substr(0, query);
    const std::size_t dot = name.rfind('.');
    if (dot != std::string_view::npos && dot > 0 && dot + 1 < name.size() &&
        name.find_first_not_of("0123456789", dot + 1) == std::string_view::npos)
        name = name.substr(0, dot);
    return name;
}

}  // namespace

bool classify_path(std::string_view name, RecordFormat& format, Compression& compression) {
    std::string lower = lower_ascii(without_download_suffixes(name));
    std::string_view base = lower;
    compression = Compression::kNone;
    if (ends_with(base, ".gz")) {
        compression = Compression::kGzip;
        base.remove_suffix(3);
    } else if (ends_with(base, ".zst")) {
        compression = Compression::kZstd;
        base.remove_suffix(4);
    } else if (ends_with(base, ".xz")) {
        compression = Compression::kXz;
        base.remove_suffix(3);
    } else if (ends_with(base, ".bz2")) {
        compression = Compression::kBzip2;
        base.remove_suffix(4);
    }
    struct Ext {
        std::string_view ext;
        RecordFormat format;
    };
    static constexpr Ext kExts[] = {
        {".txt", RecordFormat::kText},   {".md", RecordFormat::kText},
        {".html", RecordFormat::kHtml},  {".htm", RecordFormat::kHtml},
        {".shtml", RecordFormat::kHtml}, {".xhtml", RecordFormat::kHtml},
        {".php", RecordFormat::kHtml},   {".asp", RecordFormat::kHtml},
        {".aspx", RecordFormat::kHtml},  {".jsonl", RecordFormat::kJsonLine},
        {".json", RecordFormat::kJson},
    };
    for (const Ext& e : kExts) {
        if (ends_with(base, e.ext)) {
            format = e.format;
            return true;
        }
    }
    return false;
}

std::vector<InputFile> collect_inputs(const std::vector<std::string>& paths, const InputIds& ids) {
    std::vector<InputFile> out;
    for (const std::string& p : paths) {
        if (p == "-") {
            check_stdin();
            // In the index an id-less stdin line is known by its text ("-:<line>" would name
            // another article every night): an empty file id asks the parser for that.
            InputFile in;
            in.path = "-";
            in.file_id = ids.absolute ? "" : "-";
            in.format = RecordFormat::kJsonLine;
            in.site = "-";
            out.push_back(std::move(in));
            continue;
        }
        std::error_code ec;
        const fs::file_status st = fs::status(p, ec);
        if (ec && ec != std::errc::no_such_file_or_directory)
            throw IoError(p + ": " + ec.message());
        if (!fs::exists(st))
            throw IoError(p + ": no such file or directory");
        if (fs::is_directory(st)) {
            collect_folder(fs::path(p), ids, out);
            continue;
        }
        // A file named explicitly is read even with an unknown extension, as plain text; a
        // FIFO named explicitly (a shell's <(zcat ...)) is read too: somebody writes to it.
        out.push_back(input_for(fs::path(p), {}, ids));
    }
    mark_files_named_twice(out);
    return out;
}

std::vector<InputFile> split_input(const InputFile& file, std::uint64_t piece_bytes) {
    std::vector<InputFile> pieces;
    std::error_code ec;
    const bool splittable = piece_bytes > 0 && file.error.empty() && file.path != "-" &&
                            file.format == RecordFormat::kJsonLine &&
                            file.compression == Compression::kNone && !file.ranged() &&
                            fs::is_regular_file(file.path, ec);
    const std::uint64_t size = splittable ? fs::file_size(file.path, ec) : 0;
    if (!splittable || ec || size <= piece_bytes) {
        pieces.push_back(file);
        return pieces;
    }
    for (std::uint64_t begin = 0; begin < size; begin += piece_bytes) {
        InputFile piece = file;
        piece.range_begin = begin;
        piece.range_end = begin + piece_bytes >= size ? InputFile::kToEnd : begin + piece_bytes;
        pieces.push_back(std::move(piece));
    }
    return pieces;
}

namespace {

/// Whether the file's first bytes say binary, as the reader of its first piece finds them.
bool file_head_binary(const InputFile& file) {
    InputFile whole = file;
    whole.range_begin = 0;
    whole.range_end = InputFile::kToEnd;
    auto source = open_byte_source(whole);
    std::string head(kSniffBytes, '\0');
    std::size_t got = 0;
    while (got < head.size()) {
        const std::size_t n = source->read(head.data() + got, head.size() - got);
        if (n == 0)
            break;
        got += n;
    }
    head.resize(got);
    return looks_binary(head);
}

}  // namespace

void for_each_raw_line(const InputFile& file,
                       const std::function<void(std::uint64_t, std::string_view)>& f) {
    auto source = open_byte_source(file);
    std::string buf;
    std::uint64_t line = 0;
    for (;;) {
        const std::size_t old = buf.size();
        buf.resize(old + kLineChunk);
        const std::size_t got = source->read(buf.data() + old, kLineChunk);
        buf.resize(old + got);
        std::size_t at = 0;
        for (std::size_t nl = buf.find('\n', old); nl != std::string::npos;
             nl = buf.find('\n', at)) {
            f(++line, std::string_view(buf).substr(at, nl + 1 - at));
            at = nl + 1;
        }
        buf.erase(0, at);
        if (got == 0) {
            if (!buf.empty())
                f(++line, buf);
            return;
        }
    }
}

RecordReader::RecordReader(std::vector<InputFile> inputs, ReaderOptions options)
    : inputs_(std::move(inputs)), options_(options) {}

RecordReader::~RecordReader() = default;

std::uint32_t RecordReader::current_source(RawBatch& out) {
    if (source_index_ < 0) {
        out.sources.push_back({file_->path, file_->file_id, file_->site,
                               static_cast<std::uint32_t>(file_ - inputs_.data())});
        source_index_ = static_cast<std::int64_t>(out.sources.size() - 1);
    }
    return static_cast<std::uint32_t>(source_index_);
}

void RecordReader::add_skip(RawBatch& out, SkipReason reason, std::string message,
                            std::uint64_t line) {
    RawRecord rec;
    rec.offset = out.arena.size();
    rec.source = current_source(out);
    rec.line = line;
    rec.format = file_->format;
    rec.skip = reason;
    rec.message = std::move(message);
    out.records.push_back(std::move(rec));
}

bool RecordReader::next_batch(RawBatch& out) {
    out.clear();
    source_index_ = -1;
    std::uint64_t start = bytes_read_;
    while (out.records.size() < options_.batch_docs && out.arena.size() < options_.batch_bytes) {
        if (source_) {
            if (!read_line(out)) {
                source_.reset();
                file_ = nullptr;
                source_index_ = -1;
            }
            continue;
        }
        if (!open_next_file(out))
            break;
    }
    out.input_bytes = bytes_read_ - start;
    return !out.records.empty();
}

bool RecordReader::open_next_file(RawBatch& out) {
    if (next_input_ >= inputs_.size())
        return false;
    file_ = &inputs_[next_input_++];
    source_index_ = -1;
    if (!file_->error.empty()) {
        add_skip(out, file_->error_reason, file_->error, 0);
        file_ = nullptr;
        return true;
    }
    if (file_->format != RecordFormat::kJsonLine) {
        read_whole_file(out);
        file_ = nullptr;
        source_index_ = -1;
        return true;
    }
    try {
        source_ = open_byte_source(*file_);  // a piece's: at the byte before its range
        buf_.clear();
        pos_ = 0;
        eof_ = false;
        line_no_ = 0;
        base_ = file_->range_begin > 0 ? file_->range_begin - 1 : 0;
        read_end_ = base_;
        counted_to_ = base_;
        if (file_->range_begin > 0) {
            // A later piece of the file: the first piece says whether it is binary (empty it
            // is not: it is longer than where this piece begins).
            if (file_head_binary(*file_) || !skip_to_first_line())
                source_.reset();
        } else if (!fill_line_buffer() && buf_.empty()) {
            add_skip(out, SkipReason::kEmpty, "empty file", 0);
            source_.reset();
        } else if (looks_binary(buf_)) {
            add_skip(out, SkipReason::kBinary, "binary data (NUL bytes)", 0);
            if (file_->ranged())  // the bytes looked at, as a whole file's reader counts them
                bytes_read_ += read_end_ - base_;
            source_.reset();
        }
    } catch (const IoError& e) {
        add_skip(out, SkipReason::kUnreadable, e.what(), 0);
        source_.reset();
    }
    if (!source_)
        file_ = nullptr;
    return true;
}

void RecordReader::read_whole_file(RawBatch& out) {
    const std::uint64_t limit = options_.max_doc_bytes;
    const std::size_t offset = out.arena.size();
    try {
        auto src = open_byte_source(*file_);
        std::size_t total = 0;
        for (;;) {
            const std::size_t want = 1u << 16;
            out.arena.resize(offset + total + want);
            std::size_t got = src->read(out.arena.data() + offset + total, want);
            total += got;
            bytes_read_ += got;
            out.arena.resize(offset + total);
            if (got == 0)
                break;
            if (total > limit) {
                out.arena.resize(offset);
                add_skip(out, SkipReason::kTooLarge,
                         "larger than --max-doc-bytes " + std::to_string(limit), 0);
                return;
            }
        }
        std::string_view bytes = std::string_view(out.arena).substr(offset);
        if (bytes.empty()) {
            add_skip(out, SkipReason::kEmpty, "empty file", 0);
            return;
        }
        if (utf16_to_utf8(out.arena, offset, file_->format)) {
            total = out.arena.size() - offset;
            bytes = std::string_view(out.arena).substr(offset);
        }
        if (looks_binary(bytes)) {
            out.arena.resize(offset);
            add_skip(out, SkipReason::kBinary, "binary data (NUL bytes)", 0);
            return;
        }
        RawRecord rec;
        rec.offset = offset;
        rec.length = total;
        rec.source = current_source(out);
        rec.format = file_->format;
        out.records.push_back(std::move(rec));
    } catch (const IoError& e) {
        out.arena.resize(offset);
        add_skip(out, SkipReason::kUnreadable, e.what(), 0);
    }
}

bool RecordReader::fill_line_buffer() {
    if (eof_)
        return false;
    if (pos_ > 0) {
        buf_.erase(0, pos_);
        base_ += pos_;
        pos_ = 0;
    }
    std::size_t old = buf_.size();
    buf_.resize(old + kLineChunk);
    std::size_t got = source_->read(buf_.data() + old, kLineChunk);
    buf_.resize(old + got);
    read_end_ += got;
    if (!file_->ranged())  // a piece's bytes are its lines' (end_of_piece())
        bytes_read_ += got;
    if (got == 0)
        eof_ = true;
    return got > 0;
}

// A piece that starts past the file's first byte: passes over the rest of the line the piece
// before it holds (one starting before range_begin), which may be longer than any buffer.
// False when no line starts in the piece.
bool RecordReader::skip_to_first_line() {
    for (;;) {
        const std::size_t nl = buf_.find('\n', pos_);
        if (nl != std::string::npos) {
            pos_ = nl + 1;
            counted_to_ = base_ + pos_;
            return counted_to_ < file_->range_end;
        }
        pos_ = buf_.size();
        if (!fill_line_buffer())
            return false;
    }
}

// A piece's bytes are those from its first line's start to the next piece's first line's,
// counted as its lines are taken (a batch's bytes are those of its lines).
void RecordReader::count_piece_bytes() {
    if (!file_->ranged())
        return;
    const std::uint64_t to = std::min(base_ + pos_, read_end_);
    bytes_read_ += to - counted_to_;
    counted_to_ = to;
}

// Emits the next line of the open JSONL stream as a record (or a skip). Returns false at the
// end of the stream. A line longer than max_doc_bytes is dropped as it streams past.
bool RecordReader::read_line(RawBatch& out) {
    if (file_->ranged() && base_ + pos_ >= file_->range_end) {
        return false;  // the next line is the next piece's
    }
    try {
        std::size_t scanned = pos_;
        bool too_large = false;
        for (;;) {
            std::size_t nl = buf_.find('\n', scanned);
            if (nl != std::string::npos) {
                ++line_no_;
                std::string_view line(buf_.data() + pos_, nl - pos_);
                if (too_large || line.size() > options_.max_doc_bytes) {
                    add_skip(out, SkipReason::kTooLarge,
                             "line longer than --max-doc-bytes " +
                                 std::to_string(options_.max_doc_bytes),
                             line_no_);
                } else {
                    if (!line.empty() && line.back() == '\r')
                        line.remove_suffix(1);
                    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
                        add_skip(out, SkipReason::kEmpty, "blank line", line_no_);
                    } else {
                        RawRecord rec;
                        rec.offset = out.arena.size();
                        rec.length = line.size();
                        rec.line = line_no_;
                        rec.source = current_source(out);
                        rec.format = RecordFormat::kJsonLine;
                        out.arena.append(line);
                        out.records.push_back(std::move(rec));
                    }
                }
                pos_ = nl + 1;
                count_piece_bytes();
                return true;
            }
            if (buf_.size() - pos_ > options_.max_doc_bytes) {
                too_large = true;  // keep only the tail; the line is already lost
                base_ += buf_.size();
                buf_.clear();
                pos_ = 0;
            }
            const std::size_t pending = buf_.size() - pos_;  // fill moves bytes to the front
            const bool more = fill_line_buffer();
            scanned = pos_ + pending;
            if (!more) {
                if (pos_ >= buf_.size() && !too_large)
                    return false;
                buf_.push_back('\n');  // last line without a newline
            }
        }
    } catch (const IoError& e) {
        add_skip(out, SkipReason::kUnreadable, e.what(), line_no_ + 1);
        return false;
    }
}

std::string input_identity(const std::string& path) {
    if (path == "-")
        return path;
    std::error_code ec;
    const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
    if (ec)
        return path;
    std::filesystem::path real = std::filesystem::weakly_canonical(absolute, ec);
    if (ec)
        real = absolute.lexically_normal();
    std::string text = real.string();
    while (text.size() > 1 && text.back() == '/')  // "DIR/" is DIR
        text.pop_back();
    return text;
}

std::vector<std::string> input_identities(std::span<const std::string> paths) {
    std::vector<std::string> out;
    out.reserve(paths.size());
    for (const std::string& p : paths)
        out.push_back(input_identity(p));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace neardup
