#include "byte_source.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

#include <fcntl.h>
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
    explicit Fd(const std::string& path) : owned_(path != "-") {
        fd_ = owned_ ? ::open(path.c_str(), O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
        if (fd_ < 0)
            throw IoError(errno_message(path));
    }
    ~Fd() {
        if (owned_ && fd_ >= 0)
            ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    [[nodiscard]] int get() const noexcept { return fd_; }
    int release() noexcept {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }

private:
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
    explicit PlainSource(const std::string& path) : path_(path), fd_(path) {}
    std::size_t read(char* buf, std::size_t n) override {
        return read_fd(fd_.get(), buf, n, path_);
    }

private:
    std::string path_;
    Fd fd_;
};

class GzipSource final : public ByteSource {
public:
    explicit GzipSource(const std::string& path) : path_(path) {
        Fd fd(path);
        gz_ = ::gzdopen(path == "-" ? ::dup(fd.get()) : fd.release(), "rb");
        if (gz_ == nullptr)
            throw IoError(path + ": cannot open gzip stream");
        ::gzbuffer(gz_, 1u << 17);
    }
    ~GzipSource() override { ::gzclose(gz_); }
    GzipSource(const GzipSource&) = delete;
    GzipSource& operator=(const GzipSource&) = delete;

    std::size_t read(char* buf, std::size_t n) override {
        int got = ::gzread(gz_, buf, static_cast<unsigned>(std::min<std::size_t>(n, 1u << 30)));
        if (got < 0) {
            int code = 0;
            const char* msg = ::gzerror(gz_, &code);
            throw IoError(path_ + ": corrupt gzip data (" + (msg ? msg : "unknown") + ")");
        }
        return static_cast<std::size_t>(got);
    }

private:
    std::string path_;
    gzFile gz_ = nullptr;
};

class ZstdSource final : public ByteSource {
public:
    explicit ZstdSource(const std::string& path)
        : path_(path), fd_(path), in_(ZSTD_DStreamInSize()), dctx_(ZSTD_createDCtx()) {
        if (dctx_ == nullptr)
            throw IoError(path + ": cannot create zstd context");
    }
    ~ZstdSource() override { ZSTD_freeDCtx(dctx_); }
    ZstdSource(const ZstdSource&) = delete;
    ZstdSource& operator=(const ZstdSource&) = delete;

    std::size_t read(char* buf, std::size_t n) override {
        ZSTD_outBuffer out{buf, n, 0};
        while (out.pos == 0) {
            if (input_.pos == input_.size) {
                std::size_t got = read_fd(fd_.get(), in_.data(), in_.size(), path_);
                if (got == 0) {
                    if (!frame_done_)
                        throw IoError(path_ + ": truncated zstd data");
                    return 0;
                }
                input_ = ZSTD_inBuffer{in_.data(), got, 0};
            }
            std::size_t ret = ZSTD_decompressStream(dctx_, &out, &input_);
            if (ZSTD_isError(ret)) {
                throw IoError(path_ + ": corrupt zstd data (" + ZSTD_getErrorName(ret) + ")");
            }
            frame_done_ = (ret == 0);
        }
        return out.pos;
    }

private:
    std::string path_;
    Fd fd_;
    std::vector<char> in_;
    ZSTD_inBuffer input_{nullptr, 0, 0};
    ZSTD_DCtx* dctx_;
    bool frame_done_ = true;
};

}  // namespace

std::unique_ptr<ByteSource> open_byte_source(const InputFile& file) {
    switch (file.compression) {
        case Compression::kGzip:
            return std::make_unique<GzipSource>(file.path);
        case Compression::kZstd:
            return std::make_unique<ZstdSource>(file.path);
        case Compression::kNone:
            break;
    }
    return std::make_unique<PlainSource>(file.path);
}

}  // namespace neardup
