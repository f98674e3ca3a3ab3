#include "neardup/report/output_file.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "neardup/core/error.hpp"

namespace neardup {
namespace {

std::string sys_error(const std::string& what) {
    return what + ": " + std::system_category().message(errno);
}

/// fsync of a file or folder by path; 0, or -1 with errno. A folder that cannot be opened is
/// not an error (some file systems refuse): syncing it is best effort.
int fsync_path(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0)
        return (flags & O_DIRECTORY) != 0 ? 0 : -1;
    const int rc = ::fsync(fd);
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return rc;
}

/// Removes "<stem><pid>.XXXXXX" files in `dir` left by runs that were killed before their
/// commit (their process is gone). A live process's file, or one not named so, is left alone.
void remove_stale_temps(const std::filesystem::path& dir, const std::string& stem) {
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (left_by_dead_run(it->path().filename().string(), stem))
            ::unlink(it->path().c_str());
    }
}

}  // namespace

bool left_by_dead_run(std::string_view name, std::string_view stem) noexcept {
    if (name.substr(0, stem.size()) != stem)
        return false;
    const std::string_view rest = name.substr(stem.size());
    pid_t pid = 0;
    const auto [ptr, err] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
    const bool named_so = err == std::errc() && pid > 0 && ptr != rest.data() + rest.size() &&
                          *ptr == '.' &&
                          std::string_view(ptr + 1, rest.data() + rest.size()).size() == 6;
    return named_so && ::kill(pid, 0) != 0 && errno == ESRCH;
}

/// An unbuffered-by-the-kernel streambuf over a descriptor it does not own.
class OutputFile::FdStreamBuf final : public std::streambuf {
public:
    explicit FdStreamBuf(int fd) : fd_(fd), buf_(1u << 16) {
        setp(buf_.data(), buf_.data() + buf_.size());
    }
    [[nodiscard]] bool ok() const noexcept { return ok_; }

protected:
    int_type overflow(int_type c) override {
        if (!drain())
            return traits_type::eof();
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }
    int sync() override { return drain() ? 0 : -1; }

private:
    bool drain() {
        const char* p = pbase();
        while (ok_ && p < pptr()) {
            const ssize_t n = ::write(fd_, p, static_cast<std::size_t>(pptr() - p));
            if (n < 0 && errno == EINTR)
                continue;
            ok_ = n > 0;
            p += n > 0 ? n : 0;
        }
        setp(buf_.data(), buf_.data() + buf_.size());
        return ok_;
    }

    int fd_;
    std::vector<char> buf_;
    bool ok_ = true;
};

std::string resolve_output_path(const std::string& path) {
    if (path == "-" || standard_stream_fd(path) >= 0)
        return path;
    std::filesystem::path p(path);
    // Follow a chain of symlinks (a dangling one too: its target is created) so the rename
    // replaces the file the link names, never the link.
    for (int hops = 0; hops < 40; ++hops) {
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0 || !S_ISLNK(st.st_mode))
            return p.string();
        std::error_code ec;
        const std::filesystem::path target = std::filesystem::read_symlink(p, ec);
        if (ec)
            throw IoError(path + ": " + ec.message());
        p = target.is_absolute() ? target : p.parent_path() / target;
        if (const int fd = standard_stream_fd(p.string()); fd >= 0)
            return p.string();
    }
    throw IoError(path + ": too many levels of symbolic links");
}

int standard_stream_fd(std::string_view path) noexcept {
    if (path == "/dev/stdout")
        return STDOUT_FILENO;
    if (path == "/dev/stderr")
        return STDERR_FILENO;
    for (std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
        if (path.substr(0, prefix.size()) != prefix)
            continue;
        int fd = -1;
        const std::string_view digits = path.substr(prefix.size());
        const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), fd);
        if (ec == std::errc() && ptr == digits.data() + digits.size() && !digits.empty())
            return fd;
    }
    return -1;
}

OutputFile::OutputFile(const std::string& path) : path_(resolve_output_path(path)), shown_(path) {
    if (path_ == "-") {
        to_stdout_ = true;
        return;
    }
    if (const int fd = standard_stream_fd(path_); fd >= 0) {
        // /dev/stdout and its kin name a descriptor we already hold: write to it where it
        // stands (reopening would truncate a redirected file, renaming would replace the link).
        fd_out_ = std::make_unique<FdStreamBuf>(fd);
        out_ = std::make_unique<std::ostream>(fd_out_.get());
        return;
    }
    struct stat st {};
    const bool exists = ::stat(path_.c_str(), &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {  // /dev/null, a FIFO: write in place
        file_.open(path_, std::ios::out | std::ios::binary);
        if (!file_)
            throw IoError(sys_error(shown_));
        return;
    }
    std::filesystem::path target(path_);
    std::filesystem::path dir = target.parent_path().empty() ? "." : target.parent_path();
    const std::string stem = "." + target.filename().string() + ".tmp.";
    remove_stale_temps(dir, stem);
    std::string pattern = (dir / (stem + std::to_string(::getpid()) + ".XXXXXX")).string();
    int fd = ::mkstemp(pattern.data());
    if (fd < 0)
        throw IoError(sys_error(shown_));
    const mode_t mask = ::umask(0);
    ::umask(mask);
    (void)::fchmod(fd, exists ? (st.st_mode & 07777) : (0666 & ~mask));
    ::close(fd);
    temp_ = pattern;
    file_.open(temp_, std::ios::out | std::ios::binary | std::ios::trunc);
    if (!file_) {
        ::unlink(temp_.c_str());
        throw IoError(sys_error(temp_));
    }
}

OutputFile::~OutputFile() {
    if (!temp_.empty() && !committed_) {
        file_.close();
        ::unlink(temp_.c_str());
    }
}

std::ostream& OutputFile::stream() noexcept {
    if (out_)
        return *out_;
    return to_stdout_ ? std::cout : file_;
}

void OutputFile::prepare() {
    if (prepared_)
        return;
    if (to_stdout_) {
        std::cout.flush();
        if (!std::cout)
            throw IoError("stdout: write failed");
    } else if (out_) {
        out_->flush();
        if (!*out_ || !fd_out_->ok())
            throw IoError(shown_ + ": write failed");
    } else {
        file_.flush();
        if (!file_)
            throw IoError(shown_ + ": write failed");
        file_.close();
        if (!temp_.empty() && fsync_path(temp_, O_RDONLY) != 0)
            throw IoError(sys_error(shown_ + ": write failed"));
    }
    prepared_ = true;
}

void OutputFile::commit() {
    prepare();
    if (!temp_.empty()) {
        if (std::rename(temp_.c_str(), path_.c_str()) != 0)
            throw IoError(sys_error(shown_));
        std::filesystem::path dir = std::filesystem::path(path_).parent_path();
        (void)fsync_path(dir.empty() ? "." : dir.string(), O_RDONLY | O_DIRECTORY);
    }
    committed_ = true;
}

}  // namespace neardup
