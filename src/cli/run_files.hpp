// Private to the CLI: a run's files on disk beside the pipeline: outputs refused before any
// work (an input, the same file twice, a folder an input walk would read), stdin copied so it
// can be read twice, and output held back until a run has succeeded.
#pragma once

#include <fstream>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "neardup/io/input.hpp"

namespace neardup::cli {

/// Throws UsageError when an output names an input: a file given as PATH, or a file a folder
/// PATH holds or would hold and the walk reads (writing it would destroy what is being read,
/// or put the output among the articles of the next run).
void refuse_outputs_among_inputs(const std::vector<std::string>& paths,
                                 const std::vector<std::string>& outputs);

/// Throws UsageError when two outputs (option, path) name one file by any name (a symlink,
/// ./x, a hard link, or the file stdout is redirected to): one would replace the other.
/// Outputs written through a descriptor (stdout, /dev/fd/N) follow each other there, and
/// devices (/dev/null) may be named more than once.
void refuse_same_outputs(const std::vector<std::pair<std::string, std::string>>& outputs);

/// Throws UsageError when a new output folder lies inside a folder PATH.
void refuse_folder_among_inputs(const std::vector<std::string>& paths, const std::string& folder);

/// Throws UsageError when stdout is a regular file that is one of `inputs` (`dedup f >> f`
/// would write the kept lines into what it reads).
void refuse_stdout_among_inputs(const std::vector<InputFile>& inputs);

/// Where kept lines bound for stdout (or a pipe, a device) wait until the run has succeeded: an
/// unlinked temporary file in $TMPDIR, copied to the real output by finish(), so that a failed
/// run writes nothing there either.
class HeldBack {
public:
    HeldBack();
    ~HeldBack();
    HeldBack(const HeldBack&) = delete;
    HeldBack& operator=(const HeldBack&) = delete;
    [[nodiscard]] std::ostream& stream() noexcept { return file_; }
    /// Copies everything written to `out`. Throws IoError.
    void finish(std::ostream& out);

private:
    std::ofstream file_;
    int read_fd_ = -1;
    std::string path_;
};

/// Copies stdin into an unlinked temporary file in $TMPDIR that then stands in for it (as
/// descriptor 0, at its start), so that it can be read twice: the scan, then the kept lines.
/// Throws IoError (naming the file) when the copy cannot be made.
void spool_stdin();

}  // namespace neardup::cli
