#include "support.hpp"

#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include <zlib.h>
#include <zstd.h>

#include "neardup/report/writers.hpp"

namespace neardup::test {

std::string random_word(std::mt19937_64& rng) {
    static const char* kSyll[] = {"ka", "lo",  "mi", "ten", "ra",  "vus", "po", "dre", "an", "sel",
                                  "or", "qui", "ba", "ne",  "tor", "lu",  "gi", "fa",  "xe", "hom"};
    std::uniform_int_distribution<int> len(1, 3);
    std::uniform_int_distribution<int> syl(0, 19);
    std::string w;
    for (int i = len(rng); i > 0; --i)
        w += kSyll[syl(rng)];
    return w;
}

std::string random_text(std::mt19937_64& rng, std::size_t words) {
    std::string out;
    std::uniform_int_distribution<int> punct(0, 11);
    for (std::size_t i = 0; i < words; ++i) {
        if (i > 0)
            out += punct(rng) == 0 ? ". " : " ";
        out += random_word(rng);
    }
    return out;
}

std::string mutate_words(std::mt19937_64& rng, const std::string& text, double fraction) {
    std::istringstream in(text);
    std::string word;
    std::string out;
    std::bernoulli_distribution flip(fraction);
    while (in >> word) {
        if (!out.empty())
            out += ' ';
        out += flip(rng) ? random_word(rng) : word;
    }
    return out;
}

TempDir::TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "neardup-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& bytes) const {
    std::filesystem::path p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_gzip(const std::filesystem::path& path, const std::string& bytes) {
    gzFile gz = gzopen(path.c_str(), "wb");
    gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(gz);
}

std::string read_gzip(const std::filesystem::path& path) {
    gzFile gz = gzopen(path.c_str(), "rb");
    if (gz == nullptr)
        throw std::runtime_error("cannot open " + path.string());
    std::string out;
    char buf[1 << 16];
    int n = 0;
    while ((n = gzread(gz, buf, sizeof buf)) > 0)
        out.append(buf, static_cast<std::size_t>(n));
    gzclose(gz);
    return out;
}

void write_zstd(const std::filesystem::path& path, const std::string& bytes) {
    std::string out(ZSTD_compressBound(bytes.size()), '\0');
    std::size_t n = ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), 3);
    out.resize(n);
    std::ofstream(path, std::ios::binary) << out;
}

std::string scan_tsv(const ScanConfig& cfg, const std::vector<std::string>& paths) {
    ScanResult r = run_scan(cfg, collect_inputs(paths));
    std::ostringstream out;
    write_assignments(r, OutputFormat::kTsv, out);
    return out.str();
}

}  // namespace neardup::test
