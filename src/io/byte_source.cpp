#include "byte_source.hpp"

#include <cerrno>
#include <cstring>
#include <span>
#include <system_error>
#include <vector>

#include <bzlib.h>
#include <fcntl.h>
#include <lzma.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "neardup/core/error.hpp"

namespace neardup {
namespace {

std::string errno_message(const std::string& path) {
    return path + ": " + std::system_category().message(errno);
}

/// Owns a file descriptor; stdin is borrowed, not closed.
class Fd {
public:
    explicit Fd(const InputFile& file) : owned_(file.path != "-") {
        const std::string& path = file.path;
        // Without O_NONBLOCK, opening a FIFO waits for a writer: a file that must be regular
        // is opened without waiting and looked at first.
        const int flags = O_RDONLY | O_CLOEXEC | (file.regular_only ? O_NONBLOCK | O_NOCTTY : 0);
        fd_ = owned_ ? ::open(path.c_str(), flags) : STDIN_FILENO;
        if (fd_ < 0)
            throw IoError(errno_message(path));
        if (file.regular_only)
            require_regular(path);
    }
    ~Fd() {
        if (owned_ && fd_ >= 0)
            ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    [[nodiscard]] int get() const noexcept { return fd_; }

private:
    void require_regular(const std::string& path) {
        struct stat st {};
        if (!owned_ || ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
            if (owned_)
                ::close(fd_);
            fd_ = -1;
            throw IoError(path + ": not a regular file (a FIFO, a device or a folder): not read");
        }
        ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
    }

    int fd_ = -1;
    bool owned_;
};

std::size_t read_fd(int fd, char* buf, std::size_t n, const std::string& path) {
    for (;;) {
        ssize_t got = ::read(fd, buf, n);
        if (got >= 0)
            return static_cast<std::size_t>(got);
        if (errno != EINTR)
            throw IoError(errno_message(path));
    }
}

class PlainSource final : public ByteSource {
public:
    /// A piece of the file (InputFile::ranged()) is read from the byte before its range: the
    /// reader looks there for the end of the line the piece before it holds.
    explicit PlainSource(const InputFile& file) : path_(file.path), fd_(file) {
        if (file.range_begin > 0 &&
            ::lseek(fd_.get(), static_cast<off_t>(file.range_begin - 1), SEEK_SET) < 0)
            throw IoError(errno_message(path_));
    }
    std::size_t read(char* buf, std::size_t n) override {
        return read_fd(fd_.get(), buf, n, path_);
    }

private:
    std::string path_;
    Fd fd_;
};

/// The compressed bytes of a file, read a buffer at a time for a decoder.
class CompressedInput {
public:
    CompressedInput(const InputFile& file, std::size_t buffer)
        : path_(file.path), fd_(file), buf_(buffer) {}
    /// The next bytes of the file (empty at its end).
    std::span<char> next() {
        const std::size_t got = read_fd(fd_.get(), buf_.data(), buf_.size(), path_);
        any_ = any_ || got > 0;
        return {buf_.data(), got};
    }
    /// True once the file gave any byte (a zero-byte file is empty, not truncated).
    [[nodiscard]] bool any() const noexcept { return any_; }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
    Fd fd_;
    std::vector<char> buf_;
    bool any_ = false;
};

/// gzip through zlib's inflate, not gzread: gzread takes a stream cut at a flush point or
/// inside a later member, a file that is not gzip at all, and trailing garbage as complete
/// data. Here every member must end with its checked trailer, and whatever follows a member
/// must be another member.
class GzipSource final : public ByteSource {
public:
    explicit GzipSource(const InputFile& file) : in_(file, 1u << 17) {
        if (::inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK)  // 16: gzip wrapper only
            throw IoError(file.path + ": cannot create zlib stream");
    }
    ~GzipSource() override { ::inflateEnd(&z_); }
    GzipSource(const GzipSource&) = delete;
    GzipSource& operator=(const GzipSource&) = delete;

    std::size_t read(char* buf, std::size_t n) override {
        z_.next_out = reinterpret_cast<Bytef*>(buf);
        z_.avail_out = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
        while (z_.next_out == reinterpret_cast<Bytef*>(buf)) {
            if (z_.avail_in == 0 && !refill())
                return 0;
            if (member_done_) {  // more bytes after a complete member: the next one
                ::inflateReset(&z_);
                member_done_ = false;
            }
            const int rc = ::inflate(&z_, Z_NO_FLUSH);
            if (rc == Z_STREAM_END) {
                member_done_ = true;
                ++members_;
            } else if (rc == Z_BUF_ERROR && z_.avail_in == 0) {
                continue;  // needs more input
            } else if (rc != Z_OK) {
                throw IoError(in_.path() + ": " + describe(rc));
            }
        }
        return static_cast<std::size_t>(z_.next_out - reinterpret_cast<Bytef*>(buf));
    }

private:
    /// Reads more compressed bytes; false at the end of a file that ended cleanly.
    bool refill() {
        const std::span<char> got = in_.next();
        if (got.empty()) {
            if (in_.any() && !member_done_)
                throw IoError(in_.path() + ": truncated gzip data (unexpected end of file)");
            return false;  // the end, or a zero-byte file: empty, as its plain twin would be
        }
        z_.next_in = reinterpret_cast<Bytef*>(got.data());
        z_.avail_in = static_cast<uInt>(got.size());
        return true;
    }

    std::string describe(int rc) const {
        const std::string detail = z_.msg != nullptr ? z_.msg : "error " + std::to_string(rc);
        if (members_ == 0 && rc == Z_DATA_ERROR && detail == "incorrect header check")
            return "not gzip data";
        if (members_ > 0 && rc == Z_DATA_ERROR && detail == "incorrect header check")
            return "trailing garbage after gzip data";
        return "corrupt gzip data (" + detail + ")";
    }

    CompressedInput in_;
    z_stream z_{};
    std::uint64_t members_ = 0;
    bool member_done_ = false;
};

class ZstdSource final : public ByteSource {
public:
    explicit ZstdSource(const InputFile& file)
        : in_(file, ZSTD_DStreamInSize()), dctx_(ZSTD_createDCtx()) {
        if (dctx_ == nullptr)
            throw IoError(file.path + ": cannot create zstd context");
    }
    ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }
    ZstdSource(const ZstdSource&) = delete;
    ZstdSource& operator=(const ZstdSource&) = delete;

    std::size_t read(char* buf, std::size_t n) override {
        ZSTD_outBuffer out{buf, n, 0};
        while (out.pos == 0) {
            if (input_.pos == input_.size) {
                const std::span<char> got = in_.next();
                if (got.empty()) {
                    if (!frame_done_)
                        throw IoError(in_.path() + ": truncated zstd data");
                    return 0;
                }
                input_ = ZSTD_inBuffer{got.data(), got.size(), 0};
            }
            std::size_t ret = ZSTD_decompressStream(dctx_, &out, &input_);
            if (ZSTD_isError(ret)) {
                throw IoError(in_.path() + ": corrupt zstd data (" + ZSTD_getErrorName(ret) + ")");
            }
            frame_done_ = (ret == 0);
        }
        return out.pos;
    }

private:
    CompressedInput in_;
    ZSTD_inBuffer input_{nullptr, 0, 0};
    ZSTD_DCtx* dctx_;
    bool frame_done_ = true;
};

/// xz (and lzma) through liblzma; concatenated streams are read in full, and the end of the
/// file must be the end of a stream (a cut file is an error, as with gzip).
class XzSource final : public ByteSource {
public:
    explicit XzSource(const InputFile& file) : in_(file, 1u << 17) {
        if (lzma_auto_decoder(&z_, kMemoryLimit, LZMA_CONCATENATED) != LZMA_OK)
            throw IoError(file.path + ": cannot create xz decoder");
    }
    ~XzSource() override { lzma_end(&z_); }
    XzSource(const XzSource&) = delete;
    XzSource& operator=(const XzSource&) = delete;

    std::size_t read(char* buf, std::size_t n) override {
        z_.next_out = reinterpret_cast<std::uint8_t*>(buf);
        z_.avail_out = n;
        while (z_.avail_out == n && !done_) {
            lzma_action action = LZMA_RUN;
            if (z_.avail_in == 0) {
                const std::span<char> got = in_.next();
                if (got.empty() && !in_.any())
                    return 0;  // a zero-byte file: empty
                z_.next_in = reinterpret_cast<const std::uint8_t*>(got.data());
                z_.avail_in = got.size();
                if (got.empty())
                    action = LZMA_FINISH;
            }
            const lzma_ret rc = lzma_code(&z_, action);
            if (rc == LZMA_STREAM_END) {
                done_ = true;
            } else if (rc == LZMA_BUF_ERROR && action == LZMA_FINISH) {
                throw IoError(in_.path() +
                              ": truncated xz data, or garbage after it (unexpected end of file)");
            } else if (rc == LZMA_FORMAT_ERROR) {
                throw IoError(in_.path() + ": not xz data");
            } else if (rc == LZMA_MEMLIMIT_ERROR) {
                throw IoError(in_.path() + ": xz data that needs more than " +
                              std::to_string(kMemoryLimit >> 20) +
                              " MiB to decompress (its dictionary); not read");
            } else if (rc != LZMA_OK) {
                throw IoError(in_.path() + ": corrupt xz data (liblzma error " +
                              std::to_string(static_cast<int>(rc)) + ")");
            }
        }
        return n - z_.avail_out;
    }

private:
    /// The decoder's memory is the stream's dictionary, which its header names: up to 4 GiB.
    /// xz -9 needs 65 MiB; a header asking for more is refused rather than allocated.
    static constexpr std::uint64_t kMemoryLimit = std::uint64_t{256} << 20;
    CompressedInput in_;
    lzma_stream z_ = LZMA_STREAM_INIT;
    bool done_ = false;
};

/// bzip2 through libbz2; concatenated streams are read in full, a cut file is an error.
class Bzip2Source final : public ByteSource {
public:
    explicit Bzip2Source(const InputFile& file) : in_(file, 1u << 17) {
        if (BZ2_bzDecompressInit(&z_, 0, 0) != BZ_OK)
            throw IoError(file.path + ": cannot create bzip2 decoder");
    }
    ~Bzip2Source() override { BZ2_bzDecompressEnd(&z_); }
    Bzip2Source(const Bzip2Source&) = delete;
    Bzip2Source& operator=(const Bzip2Source&) = delete;

    std::size_t read(char* buf, std::size_t n) override {
        const auto want = static_cast<unsigned>(std::min<std::size_t>(n, 1u << 30));
        z_.next_out = buf;
        z_.avail_out = want;
        while (z_.avail_out == want) {
            if (z_.avail_in == 0) {
                const std::span<char> got = in_.next();
                if (got.empty()) {
                    if (in_.any() && !stream_done_)
                        throw IoError(in_.path() +
                                      ": truncated bzip2 data (unexpected end of file)");
                    return 0;
                }
                z_.next_in = got.data();
                z_.avail_in = static_cast<unsigned>(got.size());
            }
            if (stream_done_) {  // more bytes after a complete stream: the next one
                BZ2_bzDecompressEnd(&z_);
                const char* next = z_.next_in;
                const unsigned left = z_.avail_in;
                z_ = bz_stream{};
                if (BZ2_bzDecompressInit(&z_, 0, 0) != BZ_OK)
                    throw IoError(in_.path() + ": cannot create bzip2 decoder");
                z_.next_in = const_cast<char*>(next);
                z_.avail_in = left;
                z_.next_out = buf;  // nothing was written in this call yet
                z_.avail_out = want;
                stream_done_ = false;
            }
            const int rc = BZ2_bzDecompress(&z_);
            if (rc == BZ_STREAM_END) {
                stream_done_ = true;
                ++streams_;
            } else if (rc == BZ_DATA_ERROR_MAGIC) {
                throw IoError(in_.path() + (streams_ > 0 ? ": trailing garbage after bzip2 data"
                                                         : ": not bzip2 data"));
            } else if (rc != BZ_OK) {
                throw IoError(in_.path() + ": corrupt bzip2 data (libbz2 error " +
                              std::to_string(rc) + ")");
            }
        }
        return want - z_.avail_out;
    }

private:
    CompressedInput in_;
    bz_stream z_{};
    std::uint64_t streams_ = 0;
    bool stream_done_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> open_byte_source(const InputFile& file) {
    switch (file.compression) {
        case Compression::kGzip:
            return std::make_unique<GzipSource>(file);
        case Compression::kZstd:
            return std::make_unique<ZstdSource>(file);
        case Compression::kXz:
            return std::make_unique<XzSource>(file);
        case Compression::kBzip2:
            return std::make_unique<Bzip2Source>(file);
        case Compression::kNone:
            break;
    }
    return std::make_unique<PlainSource>(file);
}

}  // namespace neardup
