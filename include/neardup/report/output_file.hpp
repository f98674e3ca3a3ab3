// Output destinations that never leave a half-written file behind.
//
// OutputFile("-") writes to stdout. For a path that is a regular file or does not exist yet,
// it writes a temporary file in the same folder (".<name>.tmp.XXXXXX") and commit() fsyncs and
// renames it over the target, so readers see the old file or the new one, never a part; if
// commit() is not reached (error, exception) the temporary file is removed. Anything else
// (/dev/null, a pipe, a terminal) is opened and written directly, never replaced.
// Not thread-safe.
//
// Example:
//   neardup::OutputFile out("result.tsv");
//   out.stream() << "id\tnear\n";
//   out.commit();
#pragma once

#include <fstream>
#include <ostream>
#include <string>

namespace neardup {

class OutputFile {
public:
    explicit OutputFile(std::string path);
    ~OutputFile();
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    std::ostream& stream() noexcept;
    /// Flushes, syncs and (for regular files) renames into place. Throws IoError.
    void commit();

private:
    std::string path_;
    std::string temp_;  ///< empty unless writing via a temporary file
    std::ofstream file_;
    bool to_stdout_ = false;
    bool committed_ = false;
};

}  // namespace neardup
