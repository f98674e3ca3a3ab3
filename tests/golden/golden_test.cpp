// Golden outputs: corpus/golden/<case>/input.jsonl scanned at default settings must give
// corpus/golden/<case>/expected.tsv byte for byte. Regenerate with scripts/update_golden.sh
// and review the diff.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "../support/support.hpp"

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Sources in the golden files are relative to corpus/, so scan from there.
class InCorpusDir {
public:
    InCorpusDir() : old_(fs::current_path()) { fs::current_path(NEARDUP_CORPUS_DIR); }
    ~InCorpusDir() { fs::current_path(old_); }
    InCorpusDir(const InCorpusDir&) = delete;
    InCorpusDir& operator=(const InCorpusDir&) = delete;

private:
    fs::path old_;
};

}  // namespace

TEST_SUITE("golden") {
    TEST_CASE("every golden case matches its expected output") {
        InCorpusDir here;
        std::size_t cases = 0;
        for (const auto& entry : fs::directory_iterator("golden")) {
            if (!entry.is_directory())
                continue;
            const fs::path dir = entry.path();
            CAPTURE(dir.string());
            neardup::ScanConfig cfg;
            cfg.threads = 2;
            cfg.fields.title = "title";
            cfg.fields.date = "date";
            const std::string got = neardup::test::scan_tsv(cfg, {(dir / "input.jsonl").string()});
            CHECK(got == read_file(dir / "expected.tsv"));
            ++cases;
        }
        CHECK(cases >= 2);
    }
}
