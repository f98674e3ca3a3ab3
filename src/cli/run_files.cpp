#include "run_files.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.hpp"
#include "neardup/core/error.hpp"
#include "neardup/report/output_file.hpp"

namespace neardup::cli {

namespace {

/// Reads up to buf.size() bytes of `fd` (again after a signal); 0 at its end. Throws IoError
/// naming `what`.
std::size_t read_chunk(int fd, std::vector<char>& buf, const std::string& what) {
    for (;;) {
        const ssize_t got = ::read(fd, buf.data(), buf.size());
        if (got >= 0)
            return static_cast<std::size_t>(got);
        if (errno != EINTR)
            throw IoError(what + ": read failed: " + std::strerror(errno));
    }
}

}  // namespace

namespace {

/// `target` with its folder made canonical (the file itself may not exist yet).
std::filesystem::path canonical_place(const std::filesystem::path& target) {
    std::error_code ec;
    const std::filesystem::path dir = target.parent_path().empty() ? "." : target.parent_path();
    const std::filesystem::path canonical_dir = std::filesystem::canonical(dir, ec);
    return ec ? target : canonical_dir / target.filename();
}

/// Whether `place` (canonical) lies inside the folder `folder` names.
bool inside_folder(const std::filesystem::path& place, const std::string& folder) {
    std::error_code ec;
    if (folder == "-" || !std::filesystem::is_directory(folder, ec))
        return false;
    const std::filesystem::path root = std::filesystem::canonical(folder, ec);
    const std::filesystem::path rel = place.lexically_relative(root);
    return !ec && !rel.empty() && *rel.begin() != "..";
}

}  // namespace

void refuse_outputs_among_inputs(const std::vector<std::string>& paths,
                                 const std::vector<std::string>& outputs) {
    namespace fs = std::filesystem;
    for (const std::string& output : outputs) {
        if (output.empty())
            continue;
        const int fd = output == "-" ? STDOUT_FILENO : standard_stream_fd(output);
        struct stat st {};
        if (fd >= 0 && (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)))
            continue;  // a terminal, a pipe: cannot be an input being read
        std::error_code ec;
        // A descriptor redirected to a file (`>> f`, `3>> f`, 2> f) writes that file: its path.
        const fs::path target = fd >= 0
                                    ? fs::read_symlink("/proc/self/fd/" + std::to_string(fd), ec)
                                    : fs::path(resolve_output_path(output));
        if (ec)
            continue;
        if (fs::exists(target, ec) && !fs::is_regular_file(target, ec))
            continue;  // a device or a pipe: cannot be an input being read
        // Any name inside a folder PATH: a file neardup reads would be an article of the next
        // run over the folder, any other an unknown_name skip of every later run.
        const fs::path place = canonical_place(target);
        for (const std::string& p : paths) {
            const bool same = p != "-" && fs::equivalent(p, target, ec);
            if (same || inside_folder(place, p))
                throw UsageError("output '" + output + "' is an input (" + p +
                                 (same ? "" : ", a folder the next run over would read it in") +
                                 ")");
        }
    }
}

namespace {

/// What an output writes to: a file's device and inode when it exists, else its canonical
/// place; empty for a device or a pipe (/dev/null takes any number). `stream` says whether it
/// is written through a descriptor where it stands (stdout, /dev/fd/N): such outputs follow
/// each other on it, while a file named by path is replaced by the last one written.
std::string output_identity(const std::string& output, bool& stream) {
    const int fd = output == "-" ? STDOUT_FILENO : standard_stream_fd(output);
    stream = fd >= 0;
    struct stat st {};
    if (fd >= 0)
        return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)
                   ? std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino)
                   : "";
    const std::filesystem::path target = resolve_output_path(output);
    if (::stat(target.c_str(), &st) == 0)
        return S_ISREG(st.st_mode) ? std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino)
                                   : "";
    return canonical_place(target).string();
}

}  // namespace

void refuse_same_outputs(const std::vector<std::pair<std::string, std::string>>& outputs) {
    std::map<std::string, std::pair<std::string, bool>> seen;  // identity -> option, stream
    for (const auto& [option, path] : outputs) {
        if (path.empty())
            continue;
        bool stream = false;
        const std::string id = output_identity(path, stream);
        if (id.empty())
            continue;
        const auto [it, fresh] = seen.emplace(id, std::pair{option, stream});
        if (!fresh && !(stream && it->second.second))
            throw UsageError(it->second.first + " and " + option + " name the same file ('" + path +
                             "'): one would replace the other");
    }
}

void refuse_folder_among_inputs(const std::vector<std::string>& paths, const std::string& folder) {
    std::filesystem::path normal = std::filesystem::path(folder).lexically_normal();
    if (!normal.has_filename())  // "out/"
        normal = normal.parent_path();
    const std::filesystem::path place = canonical_place(normal);
    for (const std::string& p : paths) {
        if (inside_folder(place, p))
            throw UsageError("output folder '" + folder + "' is inside an input (" + p +
                             "): the next run over it would read the kept files as articles");
    }
}

namespace {

std::string temp_folder() {
    const char* dir = std::getenv("TMPDIR");
    return dir != nullptr && *dir != '\0' ? dir : "/tmp";
}

}  // namespace

void spool_stdin() {
    std::string pattern = temp_folder() + "/neardup-stdin.XXXXXX";
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0)
        throw IoError(pattern + ": cannot create the copy of stdin: " + std::strerror(errno));
    ::unlink(pattern.c_str());
    std::vector<char> buf(1u << 20);
    for (std::size_t got = 0; (got = read_chunk(STDIN_FILENO, buf, "stdin")) > 0;) {
        for (std::size_t done = 0; done < got;) {
            const ssize_t n = ::write(fd, buf.data() + done, got - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                throw IoError(pattern + ": cannot write the copy of stdin (" +
                              std::strerror(errno) + ")");
            done += static_cast<std::size_t>(n);
        }
    }
    if (::lseek(fd, 0, SEEK_SET) != 0 || ::dup2(fd, STDIN_FILENO) < 0)
        throw IoError("stdin: cannot stand in its copy");
    ::close(fd);
}

void refuse_stdout_among_inputs(const std::vector<InputFile>& inputs) {
    struct stat out {};
    if (::fstat(STDOUT_FILENO, &out) != 0 || !S_ISREG(out.st_mode))
        return;
    for (const InputFile& f : inputs) {
        struct stat in {};
        if (f.path != "-" && ::stat(f.path.c_str(), &in) == 0 && in.st_dev == out.st_dev &&
            in.st_ino == out.st_ino)
            throw UsageError("stdout is an input (" + f.path + "): it would be written as read");
    }
}

HeldBack::HeldBack() {
    std::string pattern = temp_folder() + "/neardup-out.XXXXXX";
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0)
        throw IoError(pattern +
                      ": cannot create the file the output waits in: " + std::strerror(errno));
    read_fd_ = fd;
    path_ = pattern;
    file_.open(pattern, std::ios::binary | std::ios::trunc);
    ::unlink(pattern.c_str());  // gone with the process, however it ends
    if (!file_)
        throw IoError(pattern + ": cannot write the file the output waits in");
}

HeldBack::~HeldBack() {
    if (read_fd_ >= 0)
        ::close(read_fd_);
}

void HeldBack::finish(std::ostream& out) {
    file_.flush();
    if (!file_)
        throw IoError(path_ + ": write failed (the output's temporary file, in $TMPDIR)");
    std::vector<char> buf(1u << 20);
    for (std::size_t got = 0; (got = read_chunk(read_fd_, buf, path_)) > 0;)
        out.write(buf.data(), static_cast<std::streamsize>(got));
}

}  // namespace neardup::cli
