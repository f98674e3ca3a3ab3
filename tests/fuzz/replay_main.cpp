// Replays files (or every file under folders) through a fuzz target, so the targets build and
// run with any compiler and cannot rot (after simdjson's fuzz/main.cpp). With clang and
// -DNEARDUP_BUILD_FUZZ=ON the targets link libFuzzer's own main instead.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
void replay(const std::filesystem::path& p, std::size_t& count) {
    std::ifstream in(p, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
    // Every format selector, so each file is tried as each kind of input.
    for (std::uint8_t selector = 0; selector < 4; ++selector) {
        std::vector<std::uint8_t> data{selector};
        data.insert(data.end(), bytes.begin(), bytes.end());
        LLVMFuzzerTestOneInput(data.data(), data.size());
        ++count;
    }
}
}  // namespace

int main(int argc, char** argv) {
    std::size_t count = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path p(argv[i]);
        if (std::filesystem::is_directory(p)) {
            for (const auto& e : std::filesystem::recursive_directory_iterator(p)) {
                if (e.is_regular_file())
                    replay(e.path(), count);
            }
        } else {
            replay(p, count);
        }
    }
    std::printf("replayed %zu inputs\n", count);
    return 0;
}
