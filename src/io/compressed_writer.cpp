#include "neardup/io/compressed_writer.hpp"

#include <string>
#include <vector>

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "neardup/core/error.hpp"

namespace neardup {

/// Pushes input through one compressor into a buffer that is drained into the sink.
class CompressedWriter::Encoder {
public:
    virtual ~Encoder() = default;
    /// Compresses `in` (or, with `end`, ends the stream) into `out`; returns the bytes to append.
    virtual void encode(std::string_view in, bool end, std::string& out) = 0;
};

namespace {

constexpr std::size_t kChunk = 1u << 16;

class GzipEncoder final : public CompressedWriter::Encoder {
public:
    GzipEncoder() {
        // 16 + MAX_WBITS: a gzip wrapper (header, CRC-32 trailer), as gzip(1) writes.
        if (::deflateInit2(&z_, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            throw IoError("cannot create a gzip encoder");
    }
    ~GzipEncoder() override { ::deflateEnd(&z_); }
    GzipEncoder(const GzipEncoder&) = delete;
    GzipEncoder& operator=(const GzipEncoder&) = delete;

    void encode(std::string_view in, bool end, std::string& out) override {
        // zlib's API takes non-const input; it does not write to it.
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
        z_.avail_in = static_cast<uInt>(in.size());
        int rc = Z_OK;
        do {
            const std::size_t at = out.size();
            out.resize(at + kChunk);
            z_.next_out = reinterpret_cast<Bytef*>(out.data() + at);
            z_.avail_out = static_cast<uInt>(kChunk);
            rc = ::deflate(&z_, end ? Z_FINISH : Z_NO_FLUSH);
            out.resize(at + kChunk - z_.avail_out);
            if (rc == Z_STREAM_ERROR)
                throw IoError("gzip encoder failed");
        } while (z_.avail_in > 0 || (end && rc != Z_STREAM_END));
    }

private:
    z_stream z_{};
};

class ZstdEncoder final : public CompressedWriter::Encoder {
public:
    ZstdEncoder() : z_(ZSTD_createCCtx()) {
        if (z_ == nullptr)
            throw IoError("cannot create a zstd encoder");
        ZSTD_CCtx_setParameter(z_, ZSTD_c_checksumFlag, 1);
    }
    ~ZstdEncoder() override { ZSTD_freeCCtx(z_); }
    ZstdEncoder(const ZstdEncoder&) = delete;
    ZstdEncoder& operator=(const ZstdEncoder&) = delete;

    void encode(std::string_view in, bool end, std::string& out) override {
        ZSTD_inBuffer input{in.data(), in.size(), 0};
        std::size_t left = 0;
        do {
            const std::size_t at = out.size();
            out.resize(at + kChunk);
            ZSTD_outBuffer output{out.data() + at, kChunk, 0};
            left = ZSTD_compressStream2(z_, &output, &input, end ? ZSTD_e_end : ZSTD_e_continue);
            out.resize(at + output.pos);
            if (ZSTD_isError(left) != 0)
                throw IoError(std::string("zstd encoder failed: ") + ZSTD_getErrorName(left));
        } while (input.pos < input.size || (end && left != 0));
    }

private:
    ZSTD_CCtx* z_;
};

class XzEncoder final : public CompressedWriter::Encoder {
public:
    XzEncoder() {
        if (lzma_easy_encoder(&z_, 6, LZMA_CHECK_CRC64) != LZMA_OK)
            throw IoError("cannot create an xz encoder");
    }
    ~XzEncoder() override { lzma_end(&z_); }
    XzEncoder(const XzEncoder&) = delete;
    XzEncoder& operator=(const XzEncoder&) = delete;

    void encode(std::string_view in, bool end, std::string& out) override {
        z_.next_in = reinterpret_cast<const std::uint8_t*>(in.data());
        z_.avail_in = in.size();
        lzma_ret rc = LZMA_OK;
        do {
            const std::size_t at = out.size();
            out.resize(at + kChunk);
            z_.next_out = reinterpret_cast<std::uint8_t*>(out.data() + at);
            z_.avail_out = kChunk;
            rc = lzma_code(&z_, end ? LZMA_FINISH : LZMA_RUN);
            out.resize(at + kChunk - z_.avail_out);
            if (rc != LZMA_OK && rc != LZMA_STREAM_END)
                throw IoError("xz encoder failed (" + std::to_string(static_cast<int>(rc)) + ")");
        } while (z_.avail_in > 0 || (end && rc != LZMA_STREAM_END));
    }

private:
    lzma_stream z_ = LZMA_STREAM_INIT;
};

class Bzip2Encoder final : public CompressedWriter::Encoder {
public:
    Bzip2Encoder() {
        if (BZ2_bzCompressInit(&z_, 9, 0, 0) != BZ_OK)
            throw IoError("cannot create a bzip2 encoder");
    }
    ~Bzip2Encoder() override { BZ2_bzCompressEnd(&z_); }
    Bzip2Encoder(const Bzip2Encoder&) = delete;
    Bzip2Encoder& operator=(const Bzip2Encoder&) = delete;

    void encode(std::string_view in, bool end, std::string& out) override {
        z_.next_in = const_cast<char*>(in.data());  // bzlib's API; it does not write there
        z_.avail_in = static_cast<unsigned>(in.size());
        int rc = BZ_RUN_OK;
        do {
            const std::size_t at = out.size();
            out.resize(at + kChunk);
            z_.next_out = out.data() + at;
            z_.avail_out = static_cast<unsigned>(kChunk);
            rc = BZ2_bzCompress(&z_, end ? BZ_FINISH : BZ_RUN);
            out.resize(at + kChunk - z_.avail_out);
            if (rc < 0)
                throw IoError("bzip2 encoder failed (" + std::to_string(rc) + ")");
        } while (z_.avail_in > 0 || (end && rc != BZ_STREAM_END));
    }

private:
    bz_stream z_{};
};

std::unique_ptr<CompressedWriter::Encoder> make_encoder(Compression c) {
    switch (c) {
        case Compression::kGzip:
            return std::make_unique<GzipEncoder>();
        case Compression::kZstd:
            return std::make_unique<ZstdEncoder>();
        case Compression::kXz:
            return std::make_unique<XzEncoder>();
        case Compression::kBzip2:
            return std::make_unique<Bzip2Encoder>();
        case Compression::kNone:
            break;
    }
    return nullptr;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
    if (s.size() < suffix.size())
        return false;
    s = s.substr(s.size() - suffix.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i] >= 'A' && s[i] <= 'Z' ? static_cast<char>(s[i] - 'A' + 'a') : s[i];
        if (c != suffix[i])
            return false;
    }
    return true;
}

}  // namespace

Compression compression_of(std::string_view name) noexcept {
    if (ends_with_ci(name, ".gz"))
        return Compression::kGzip;
    if (ends_with_ci(name, ".zst"))
        return Compression::kZstd;
    if (ends_with_ci(name, ".xz"))
        return Compression::kXz;
    if (ends_with_ci(name, ".bz2"))
        return Compression::kBzip2;
    return Compression::kNone;
}

CompressedWriter::CompressedWriter(std::ostream& sink, Compression compression, std::string name)
    : sink_(sink), encoder_(make_encoder(compression)), name_(std::move(name)) {}

CompressedWriter::~CompressedWriter() = default;

void CompressedWriter::write(std::string_view bytes) {
    if (!encoder_) {
        sink_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        return;
    }
    // Lines are short: gathered first, the encoder is called once per 256 KiB, not per line.
    pending_.append(bytes);
    if (pending_.size() >= kPendingBytes)
        drain(false);
}

void CompressedWriter::drain(bool end) {
    out_.clear();
    encoder_->encode(pending_, end, out_);
    pending_.clear();
    sink_.write(out_.data(), static_cast<std::streamsize>(out_.size()));
}

void CompressedWriter::finish() {
    if (encoder_)
        drain(true);
    sink_.flush();
    if (!sink_)
        throw IoError(name_ + ": write failed");
}

}  // namespace neardup
