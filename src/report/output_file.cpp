#include "neardup/report/output_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "neardup/core/error.hpp"

namespace neardup {
namespace {

std::string sys_error(const std::string& what) {
    return what + ": " + std::system_category().message(errno);
}

void fsync_path(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0)
        return;  // best effort: some filesystems refuse to open folders
    (void)::fsync(fd);
    ::close(fd);
}

}  // namespace

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
    if (path_ == "-") {
        to_stdout_ = true;
        return;
    }
    struct stat st {};
    const bool exists = ::stat(path_.c_str(), &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {  // /dev/null, a FIFO: write in place
        file_.open(path_, std::ios::out | std::ios::binary);
        if (!file_)
            throw IoError(sys_error(path_));
        return;
    }
    std::filesystem::path target(path_);
    std::filesystem::path dir = target.parent_path().empty() ? "." : target.parent_path();
    std::string pattern = (dir / ("." + target.filename().string() + ".tmp.XXXXXX")).string();
    int fd = ::mkstemp(pattern.data());
    if (fd < 0)
        throw IoError(sys_error(path_));
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

std::ostream& OutputFile::stream() noexcept { return to_stdout_ ? std::cout : file_; }

void OutputFile::commit() {
    if (to_stdout_) {
        std::cout.flush();
        if (!std::cout)
            throw IoError("stdout: write failed");
        committed_ = true;
        return;
    }
    file_.flush();
    if (!file_)
        throw IoError(path_ + ": write failed");
    file_.close();
    if (!temp_.empty()) {
        fsync_path(temp_, O_RDONLY);
        if (std::rename(temp_.c_str(), path_.c_str()) != 0)
            throw IoError(sys_error(path_));
        std::filesystem::path dir = std::filesystem::path(path_).parent_path();
        fsync_path(dir.empty() ? "." : dir.string(), O_RDONLY | O_DIRECTORY);
    }
    committed_ = true;
}

}  // namespace neardup
