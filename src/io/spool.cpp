#include "neardup/io/spool.hpp"

#include <cerrno>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include "neardup/core/error.hpp"

namespace neardup {
namespace {

constexpr std::size_t kBufferBytes = 1u << 20;

/// What a failed read or write says: errno's message, or (a call that moved no byte without
/// an error) that nothing moved.
std::string system_message(ssize_t n) {
    return n < 0 ? std::system_category().message(errno) : std::string("no progress");
}

}  // namespace

TextSpool::TextSpool() {
    std::error_code ec;
    const std::filesystem::path tmp = std::filesystem::temp_directory_path(ec);  // $TMPDIR
    folder_ = ec ? std::string("/tmp") : tmp.string();
    fd_ = ::open(folder_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ < 0) {  // a file system without O_TMPFILE: make one and unlink it
        std::string pattern = folder_ + "/neardup-spool.XXXXXX";
        fd_ = ::mkostemp(pattern.data(), O_CLOEXEC);
        if (fd_ < 0)
            throw IoError("cannot make a temporary file in " + folder_ + ": " + system_message(-1));
        ::unlink(pattern.c_str());
    }
    buffer_.reserve(kBufferBytes);
}

TextSpool::~TextSpool() {
    if (fd_ >= 0)
        ::close(fd_);
}

TextSpool::Ref TextSpool::append(std::string_view text) {
    const Ref ref{size_, text.size()};
    size_ += text.size();
    if (buffer_.size() + text.size() > kBufferBytes)
        flush();
    if (text.size() >= kBufferBytes) {
        buffer_.assign(text);
        flush();
    } else {
        buffer_.append(text);
    }
    return ref;
}

void TextSpool::flush() {
    std::size_t done = 0;
    while (done < buffer_.size()) {
        const ssize_t n = ::pwrite(fd_, buffer_.data() + done, buffer_.size() - done,
                                   static_cast<off_t>(written_ + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw IoError("cannot write the temporary file of the texts in " + folder_ +
                          " ($TMPDIR): " + system_message(n));
        done += static_cast<std::size_t>(n);
    }
    written_ += buffer_.size();
    buffer_.clear();
}

void TextSpool::read(Ref ref, std::string& out) const {
    out.resize(ref.length);
    std::size_t done = 0;
    while (done < ref.length) {
        const ssize_t n = ::pread(fd_, out.data() + done, ref.length - done,
                                  static_cast<off_t>(ref.offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            throw IoError("cannot read the temporary file of the texts in " + folder_ +
                          " ($TMPDIR): " + system_message(n));
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace neardup
