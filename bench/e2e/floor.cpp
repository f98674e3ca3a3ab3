// The floor for whole-program throughput: read a file in 4 MiB chunks (cut at line ends) and,
// in parallel, split every chunk on whitespace and XXH3-hash every word. Nothing else: no
// JSON, no normalization, no shingles. neardup's end-to-end MB/s is compared with this on the
// same data and thread count (bench/e2e/modes.sh).
// Usage: neardup_floor FILE [THREADS]   -> prints "MB/s<TAB>words<TAB>seconds"
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include <tbb/global_control.h>
#include <tbb/parallel_pipeline.h>

#include "neardup/core/hash.hpp"

namespace {

struct Chunk {
    std::string bytes;
    std::uint64_t words = 0;
    std::uint64_t acc = 0;
};

class ChunkReader {
public:
    explicit ChunkReader(std::ifstream& in) : in_(in) {}
    Chunk* operator()(tbb::flow_control& fc) const {
        auto chunk = std::make_unique<Chunk>();
        chunk->bytes.swap(carry_);
        const std::size_t old = chunk->bytes.size();
        chunk->bytes.resize(old + kChunk);
        in_.read(chunk->bytes.data() + old, static_cast<std::streamsize>(kChunk));
        chunk->bytes.resize(old + static_cast<std::size_t>(in_.gcount()));
        if (chunk->bytes.empty()) {
            fc.stop();
            return nullptr;
        }
        const std::size_t cut = chunk->bytes.rfind('\n');
        if (in_ && cut != std::string::npos) {  // keep the partial last line for the next chunk
            carry_.assign(chunk->bytes, cut + 1);
            chunk->bytes.resize(cut + 1);
        }
        return chunk.release();
    }

private:
    static constexpr std::size_t kChunk = 4u << 20;
    std::ifstream& in_;
    mutable std::string carry_;
};

Chunk* hash_words(Chunk* c) {
    const std::string& s = c->bytes;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && static_cast<unsigned char>(s[i]) <= ' ')
            ++i;
        const std::size_t start = i;
        while (i < s.size() && static_cast<unsigned char>(s[i]) > ' ')
            ++i;
        if (i > start) {
            c->acc ^= neardup::hash_bytes(s.data() + start, i - start);
            ++c->words;
        }
    }
    return c;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: neardup_floor FILE [THREADS]\n");
        return 2;
    }
    const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
    tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism,
                                    static_cast<std::size_t>(threads));
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "neardup_floor: cannot open %s\n", argv[1]);
        return 1;
    }
    const auto start = std::chrono::steady_clock::now();
    std::uint64_t bytes = 0;
    std::uint64_t words = 0;
    std::uint64_t acc = 0;
    auto read = tbb::make_filter<void, Chunk*>(tbb::filter_mode::serial_in_order, ChunkReader(in));
    auto work = tbb::make_filter<Chunk*, Chunk*>(tbb::filter_mode::parallel,
                                                 [](Chunk* c) { return hash_words(c); });
    auto sink = tbb::make_filter<Chunk*, void>(tbb::filter_mode::serial_in_order, [&](Chunk* c) {
        bytes += c->bytes.size();
        words += c->words;
        acc ^= c->acc;
        delete c;
    });
    tbb::parallel_pipeline(static_cast<std::size_t>(threads) * 4, read & work & sink);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%.1f\t%llu\t%.3f\n", static_cast<double>(bytes) / 1e6 / secs,
                static_cast<unsigned long long>(words), secs);
    return acc == 42 ? 3 : 0;  // use acc so the hashing is not optimised away
}
