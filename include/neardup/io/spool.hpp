// A temporary file that holds texts between two passes (site boilerplate needs the whole run
// before any document can be signed; the texts wait on disk, not in memory).
//
// The file is created in $TMPDIR (else /tmp) and unlinked at once, so nothing is left behind
// when the process ends, however it ends. Writes are buffered and come from one thread;
// after flush(), read() may be called from many threads at once (pread).
//
// Example:
//   neardup::TextSpool spool;
//   auto ref = spool.append(text);
//   spool.flush();
//   std::string back;
//   spool.read(ref, back);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace neardup {

class TextSpool {
public:
    struct Ref {
        std::uint64_t offset = 0;
        std::uint64_t length = 0;
    };

    /// Throws IoError when no temporary file can be made.
    TextSpool();
    ~TextSpool();
    TextSpool(const TextSpool&) = delete;
    TextSpool& operator=(const TextSpool&) = delete;

    /// Throws IoError on a write failure (a full disk).
    Ref append(std::string_view text);
    /// Writes out what is buffered. Throws IoError.
    void flush();
    /// Throws IoError on a read failure.
    void read(Ref ref, std::string& out) const;
    [[nodiscard]] std::uint64_t bytes() const noexcept { return size_; }

private:
    int fd_ = -1;
    std::string folder_;         ///< where the file is ($TMPDIR): what a failure must name
    std::uint64_t size_ = 0;     ///< bytes appended
    std::uint64_t written_ = 0;  ///< bytes in the file
    std::string buffer_;
};

}  // namespace neardup
