// Fuzz target: the staged scan's files are read back as hostile input. The bytes are rank 0 of
// 1's file (with a marker of their size), and SignedRanks reads every chunk: it may throw
// neardup's FormatError or IoError, never crash, hang or ask for memory the bytes cannot hold.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "neardup/core/error.hpp"
#include "neardup/stages/signed_files.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace neardup;
    char dir[] = "/tmp/neardup-fuzz-XXXXXX";
    if (::mkdtemp(dir) == nullptr)
        return 0;
    const std::string work(dir);
    std::ofstream(signed_file_path(work, 0, 1), std::ios::binary)
        .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    // Whatever checksum the marker says, the chunks are parsed before it is compared.
    std::ofstream(signed_marker_path(work, 0, 1)) << "bytes\t" << size << "\nchecksum\t0\n";
    try {
        SignedRanks ranks(work, 1);
        SignedBatch batch;
        while (ranks.next(batch)) {
        }
    } catch (const Error&) {
        // refused: what a damaged file must get
    }
    std::filesystem::remove_all(work);
    return 0;
}
