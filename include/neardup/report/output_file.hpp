// Output destinations that never leave a half-written file behind.
//
// OutputFile("-") writes to stdout. For a path that is a regular file or does not exist yet,
// it writes a temporary file in the same folder (".<name>.tmp.<pid>.XXXXXX"; those of killed
// runs, whose process is gone, are removed when the next run opens the output) and commit() fsyncs
// and renames it over the target, so readers see the old file or the new one, never a part; if
// commit() is not reached (error, exception) the temporary file is removed. Anything else
// (/dev/null, a pipe, a terminal) is opened and written directly, never replaced. A symlink is
// followed first, so the file it names is replaced and the link stays. /dev/stdout,
// /dev/stderr, /dev/fd/N and /proc/self/fd/N are written through the descriptor this process
// already holds, where it stands (as root, renaming over /dev/stdout replaced the system's link).
// Not thread-safe.
//
// Example:
//   neardup::OutputFile out("result.tsv");
//   out.stream() << "id\tnear\n";
//   out.commit();
#pragma once

#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace neardup {

/// The file an output path names: symlinks followed (a dangling link: its target), else as given.
/// Throws IoError on a symlink loop.
[[nodiscard]] std::string resolve_output_path(const std::string& path);

/// The descriptor /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N name, else -1.
[[nodiscard]] int standard_stream_fd(std::string_view path) noexcept;

/// Whether `name` is "<stem><pid>.XXXXXX" (an output's temporary name) of a process that is
/// gone: what a killed run left behind, safe to remove.
[[nodiscard]] bool left_by_dead_run(std::string_view name, std::string_view stem) noexcept;

class OutputFile {
public:
    explicit OutputFile(const std::string& path);
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    std::ostream& stream() noexcept;
    /// Flushes and syncs everything written, so that commit() can only fail in the rename.
    /// Throws IoError (a full disk: "write failed"). Optional: commit() does it too.
    void prepare();
    /// prepare(), then (for regular files) renames into place. Throws IoError.
    void commit();
    /// True when the output is a regular file written under a temporary name (nothing of it
    /// shows before commit()); false for stdout, a pipe, a device (written as they come).
    [[nodiscard]] bool replaced_on_commit() const noexcept { return !temp_.empty(); }

private:
    class FdStreamBuf;

    std::string path_;   ///< resolved path
    std::string shown_;  ///< the path as given, for messages
    std::string temp_;   ///< empty unless writing via a temporary file
    std::ofstream file_;
    std::unique_ptr<FdStreamBuf> fd_out_;  ///< set when writing to a held descriptor
    std::unique_ptr<std::ostream> out_;
    bool to_stdout_ = false;
    bool prepared_ = false;
    bool committed_ = false;
};

}  // namespace neardup
