// Test helpers: deterministic text generators, temporary folders, small file writers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "neardup/io/input.hpp"
#include "neardup/pipeline/pipeline.hpp"

namespace neardup::test {

/// A word list big enough that random texts share few 5-shingles by chance.
std::string random_word(std::mt19937_64& rng);
/// `words` random words separated by spaces and occasional punctuation.
std::string random_text(std::mt19937_64& rng, std::size_t words);
/// Replaces roughly `fraction` of the words of `text` with random ones.
std::string mutate_words(std::mt19937_64& rng, const std::string& text, double fraction);

/// A fresh folder under the system temp dir, removed with the object.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    std::filesystem::path write(const std::string& name, const std::string& bytes) const;

private:
    std::filesystem::path path_;
};

/// The bytes of a file.
std::string read_file(const std::filesystem::path& path);
void write_gzip(const std::filesystem::path& path, const std::string& bytes);
std::string read_gzip(const std::filesystem::path& path);
void write_zstd(const std::filesystem::path& path, const std::string& bytes);

/// Runs a scan over `paths` and renders its TSV output.
std::string scan_tsv(const ScanConfig& cfg, const std::vector<std::string>& paths);

}  // namespace neardup::test
