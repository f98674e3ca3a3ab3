#include "neardup/dedup/corpus.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "neardup/core/error.hpp"
#include "neardup/report/output_file.hpp"

namespace neardup {
namespace fs = std::filesystem;

namespace {

std::string sys_error(const std::string& what) {
    return what + ": " + std::system_category().message(errno);
}

InputStamp stamp_of(const std::string& path) {
    struct stat st {};
    if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return {};
    const auto ns = [](const timespec& t) {
        return std::int64_t{t.tv_sec} * 1'000'000'000 + std::int64_t{t.tv_nsec};
    };
    return {static_cast<std::uint64_t>(st.st_dev),
            static_cast<std::uint64_t>(st.st_ino),
            static_cast<std::uint64_t>(st.st_size),
            ns(st.st_mtim),
            ns(st.st_ctim),
            true};
}

/// Throws IoError when `file` is not as it was when the scan read it.
void check_unchanged(const InputFile& file, const InputStamp& then) {
    if (!then.known)
        return;
    const InputStamp now = stamp_of(file.path);
    if (!now.known)
        throw IoError(file.path + ": gone since neardup read it; nothing written");
    if (now != then) {
        throw IoError(file.path +
                      ": changed since neardup read it (replaced, written to or touched); nothing "
                      "written: run again on inputs that stay as they are");
    }
}

/// records[begin[i], begin[i + 1]) are those of input i.
std::vector<std::size_t> records_by_input(std::span<const RecordChoice> records,
                                          std::size_t inputs) {
    std::vector<std::size_t> begin(inputs + 1, records.size());
    for (std::size_t r = records.size(); r-- > 0;)
        begin[records[r].input] = r;
    for (std::size_t i = inputs; i-- > 0;)
        begin[i] = std::min(begin[i], begin[i + 1]);
    return begin;
}

/// Streams the lines of a JSONL input into `out` (nullptr: counts them only), those of its
/// kept records only (`records`: the input's, by line).
void copy_kept_lines(const InputFile& file, std::span<const RecordChoice> records,
                     CompressedWriter* out, DedupStats& s) {
    std::size_t r = 0;
    std::uint64_t last_line = 0;
    const auto copy_line = [&](std::uint64_t line, std::string_view bytes) {
        last_line = line;
        while (r < records.size() && records[r].line < line)
            ++r;
        if (r == records.size() || records[r].line != line)
            return;  // a record the scan skipped
        if (!records[r].kept) {
            ++s.dropped_docs;
            s.dropped_bytes += bytes.size();
            return;
        }
        ++s.kept_docs;
        s.kept_bytes += bytes.size();
        if (out == nullptr)
            return;
        out->write(bytes);
        if (bytes.back() != '\n')
            out->write("\n");
    };
    try {
        for_each_raw_line(file, copy_line);
    } catch (const IoError&) {
        // A compressed file cut short (or gone bad) after its last record the scan took in:
        // the scan counted the rest as a skip, and every kept line is written.
        if (records.empty() || records.back().line > last_line)
            throw;
    }
}

std::uint64_t file_size_of(const std::string& path) {
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(path, ec);
    return ec ? 0 : static_cast<std::uint64_t>(size);
}

/// Where `file` goes below the output folder: its relative path, without a root.
fs::path place_of(const InputFile& file) {
    fs::path rel = fs::path(file.relative).lexically_normal().relative_path();
    if (rel.empty() || *rel.begin() == ".." || rel.filename().empty())
        throw ConfigError(file.path +
                          ": has no place inside the output folder (it lies above "
                          "the current folder): name its folder instead");
    return rel;
}

/// Removes ".<name>.tmp.<pid>.XXXXXX" folders beside `target` left by killed runs.
void remove_stale_trees(const fs::path& dir, const std::string& stem) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code rm;
        if (left_by_dead_run(it->path().filename().string(), stem))
            fs::remove_all(it->path(), rm);
    }
}

bool empty_folder(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec) && fs::is_empty(p, ec) && !ec;
}

}  // namespace

std::vector<InputStamp> stamp_inputs(std::span<const InputFile> inputs) {
    std::vector<InputStamp> stamps;
    stamps.reserve(inputs.size());
    for (const InputFile& f : inputs)
        stamps.push_back(stamp_of(f.path));
    return stamps;
}

std::vector<bool> kept_documents(const ScanResult& result, Level level) {
    std::vector<bool> kept(result.docs.size(), false);
    for (std::size_t d = result.held; d < result.docs.size(); ++d)
        kept[d] = action_of(result, d, level) != Action::kDrop;
    return kept;
}

std::vector<RecordChoice> record_choices(const ScanResult& result, const std::vector<bool>& kept) {
    std::vector<RecordChoice> records;
    records.reserve(result.docs.size() - result.held);
    for (std::size_t d = result.held; d < result.docs.size(); ++d)
        records.push_back({result.docs[d].input, result.docs[d].line, kept[d]});
    return records;
}

void check_rereadable(std::span<const InputFile> inputs) {
    for (const InputFile& f : inputs) {
        struct stat st {};
        if (f.path == "-" || !f.error.empty() || ::stat(f.path.c_str(), &st) != 0 ||
            S_ISREG(st.st_mode))
            continue;
        throw ConfigError(f.path +
                          " is not a regular file (a FIFO, a pipe or a device): the kept records "
                          "are read from it a second time, which it cannot give; pipe it to "
                          "stdin (-) instead, which is copied first");
    }
}

void check_line_inputs(std::span<const InputFile> inputs) {
    check_rereadable(inputs);
    for (const InputFile& f : inputs) {
        if (f.error.empty() && f.format != RecordFormat::kJsonLine) {
            throw ConfigError(f.path +
                              " is a whole document, not JSONL lines: write a folder of kept "
                              "files with --to DIR");
        }
    }
}

DedupStats write_kept_lines(std::span<const InputFile> inputs, std::span<const InputStamp> stamps,
                            std::span<const RecordChoice> records, CompressedWriter& out) {
    DedupStats s;
    const std::vector<std::size_t> begin = records_by_input(records, inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const InputFile& f = inputs[i];
        if (begin[i] == begin[i + 1])
            continue;  // nothing of it was taken in (skipped whole, or empty)
        NEARDUP_CHECK(f.format == RecordFormat::kJsonLine, f.path + ": not JSONL lines");
        check_unchanged(f, stamps[i]);
        copy_kept_lines(f, records.subspan(begin[i], begin[i + 1] - begin[i]), &out, s);
        check_unchanged(f, stamps[i]);
    }
    return s;
}

namespace {

/// "out/" and "out" are one folder (a trailing slash would make "out" its own parent).
fs::path without_trailing_slash(const std::string& target) {
    fs::path t = fs::path(target).lexically_normal();
    return t.has_filename() || t == t.root_path() ? t : t.parent_path();
}

}  // namespace

KeptTree::KeptTree(const std::string& target, bool link)
    : target_(without_trailing_slash(target).string()), link_(link) {
    NEARDUP_CHECK(!target.empty(), "--to needs a folder name");
    std::error_code ec;
    const fs::path t(target_);
    if (fs::is_symlink(fs::symlink_status(t, ec)))
        throw ConfigError(target_ +
                          ": a symbolic link (the kept files go into a new or empty "
                          "folder: name it itself)");
    if (fs::exists(fs::symlink_status(t, ec)) && !empty_folder(t))
        throw ConfigError(target +
                          ": already exists (the kept files go into a new or empty folder)");
    const fs::path dir = t.parent_path().empty() ? fs::path(".") : t.parent_path();
    if (!fs::is_directory(dir, ec))
        throw IoError(target + ": no folder " + dir.string() + " to create it in");
    const std::string stem = "." + t.filename().string() + ".tmp.";
    remove_stale_trees(dir, stem);
    std::string pattern = (dir / (stem + std::to_string(::getpid()) + ".XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw IoError(sys_error(target));
    temp_ = pattern;
}

KeptTree::~KeptTree() {
    if (!committed_ && !temp_.empty()) {
        std::error_code ec;
        fs::remove_all(temp_, ec);
    }
}

void KeptTree::check_links(std::span<const InputFile> inputs) const {
    struct stat here {};
    if (!link_ || ::stat(temp_.c_str(), &here) != 0)
        return;
    for (const InputFile& f : inputs) {
        struct stat st {};
        if (f.error.empty() && f.format != RecordFormat::kJsonLine &&
            ::stat(f.path.c_str(), &st) == 0 && st.st_dev != here.st_dev)
            throw ConfigError("--link: " + f.path + " is on another file system than " + target_ +
                              " (hard links cannot cross it): copy without --link");
    }
}

void KeptTree::check_places(std::span<const InputFile> inputs) {
    check_rereadable(inputs);
    std::map<fs::path, const InputFile*> placed;
    for (const InputFile& f : inputs) {
        if (!f.error.empty())
            continue;  // never read, never written
        if (f.path == "-")
            throw ConfigError("stdin has no place in a folder: write its kept lines with -o FILE");
        const auto [it, fresh] = placed.emplace(place_of(f), &f);
        if (!fresh) {
            throw ConfigError(it->second->path + " and " + f.path + " would both be written to " +
                              it->first.generic_string() + " in the output folder");
        }
    }
    // A file cannot be a folder too: "k.txt" from one input, "k.txt/z.txt" from another.
    for (const auto& [place, file] : placed) {
        for (fs::path up = place.parent_path(); !up.empty(); up = up.parent_path()) {
            if (const auto it = placed.find(up); it != placed.end()) {
                throw ConfigError(it->second->path + " and " + file->path +
                                  " cannot both be written: " + up.generic_string() +
                                  " would be a file and a folder in the output folder");
            }
        }
    }
}

DedupStats KeptTree::write(std::span<const InputFile> inputs, std::span<const InputStamp> stamps,
                           std::span<const RecordChoice> records) {
    DedupStats s;
    const std::vector<std::size_t> begin = records_by_input(records, inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const InputFile& f = inputs[i];
        const std::span<const RecordChoice> mine =
            records.subspan(begin[i], begin[i + 1] - begin[i]);
        const auto kept_here = static_cast<std::size_t>(
            std::count_if(mine.begin(), mine.end(), [](const RecordChoice& r) { return r.kept; }));
        if (f.format != RecordFormat::kJsonLine) {
            for (const RecordChoice& r : mine) {
                (r.kept ? s.kept_docs : s.dropped_docs) += 1;
                (r.kept ? s.kept_bytes : s.dropped_bytes) += file_size_of(f.path);
            }
        }
        if (kept_here == 0) {
            if (f.format == RecordFormat::kJsonLine && !mine.empty())  // its lines, counted
                copy_kept_lines(f, mine, nullptr, s);
            continue;
        }
        check_unchanged(f, stamps[i]);
        const fs::path dest = fs::path(temp_) / place_of(f);
        fs::create_directories(dest.parent_path());
        if (f.format == RecordFormat::kJsonLine) {
            std::ofstream file(dest, std::ios::binary);
            CompressedWriter w(file, f.compression, dest.string());
            copy_kept_lines(f, mine, &w, s);
            w.finish();
            if (!file)
                throw IoError(sys_error(dest.string() + ": write failed"));
        } else if (link_) {
            // AT_SYMLINK_FOLLOW: a symlinked input links the file it names, as a copy would.
            if (::linkat(AT_FDCWD, f.path.c_str(), AT_FDCWD, dest.c_str(), AT_SYMLINK_FOLLOW) != 0)
                throw IoError(sys_error("--link " + f.path + " -> " + target_));
            ++s.links;
            ++s.files;
            continue;  // the link is the file (and changed its change time): nothing to compare
        } else {
            fs::copy_file(f.path, dest);
        }
        check_unchanged(f, stamps[i]);
        ++s.files;
    }
    return s;
}

void KeptTree::commit() {
    // One syncfs for the whole tree (an fsync per file costs a disk flush per article).
    const int fd = ::open(temp_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || ::syncfs(fd) != 0) {
        const std::string message = sys_error(target_ + ": cannot sync");
        if (fd >= 0)
            ::close(fd);
        throw IoError(message);
    }
    ::close(fd);
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::chmod(temp_.c_str(), 0777 & ~mask);  // mkdtemp made it private
    if (std::rename(temp_.c_str(), target_.c_str()) != 0)
        throw IoError(sys_error(target_));
    committed_ = true;
    const fs::path dir = fs::path(target_).parent_path();
    const int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)::fsync(dfd);
        ::close(dfd);
    }
}

}  // namespace neardup
