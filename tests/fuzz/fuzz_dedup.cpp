// Fuzz target: what `neardup dedup` relies on. Bytes (after the first, which picks a
// compression) as a JSONL file:
//  - for_each_raw_line gives back every byte, in order, lines numbered 1, 2, ...;
//  - each record the reader takes in is the raw line of the same number (less "\r\n"), so the
//    kept lines written are the records that were scanned;
//  - CompressedWriter's output reads back to the same lines.
// A broken invariant aborts (libFuzzer reports it as a crash).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include <unistd.h>

#include "neardup/io/compressed_writer.hpp"
#include "neardup/io/input.hpp"

namespace {

void require(bool ok) {
    if (!ok)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace neardup;
    if (size == 0)
        return 0;
    char dir[] = "/tmp/neardup-fuzz-XXXXXX";
    if (::mkdtemp(dir) == nullptr)
        return 0;
    const std::string bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
    const std::string plain = std::string(dir) + "/in.jsonl";
    std::ofstream(plain, std::ios::binary) << bytes;

    std::string joined;
    std::map<std::uint64_t, std::string> lines;
    std::uint64_t expected = 1;
    for_each_raw_line(collect_inputs({plain})[0], [&](std::uint64_t n, std::string_view l) {
        require(n == expected++ && !l.empty());
        joined.append(l);
        lines.emplace(n, std::string(l));
    });
    require(joined == bytes);

    ReaderOptions opts;
    opts.max_doc_bytes = 64;
    opts.batch_docs = 3;
    RecordReader reader(collect_inputs({plain}), opts);
    RawBatch batch;
    while (reader.next_batch(batch)) {
        for (const RawRecord& rec : batch.records) {
            if (rec.line == 0)
                continue;  // the whole file was skipped (empty, binary)
            const auto it = lines.find(rec.line);
            require(it != lines.end());
            if (rec.skip != SkipReason::kNone)
                continue;
            std::string_view raw = it->second;
            if (!raw.empty() && raw.back() == '\n')
                raw.remove_suffix(1);
            if (!raw.empty() && raw.back() == '\r')
                raw.remove_suffix(1);
            require(batch.bytes(rec) == raw);
        }
    }

    static const char* kNames[] = {"out.jsonl.gz", "out.jsonl.zst", "out.jsonl.xz",
                                   "out.jsonl.bz2"};
    const std::string packed = std::string(dir) + "/" + kNames[data[0] % 4];
    {
        std::ofstream out(packed, std::ios::binary);
        CompressedWriter writer(out, compression_of(packed));
        for (const auto& [n, l] : lines)
            writer.write(l);
        writer.finish();
    }
    std::string back;
    for_each_raw_line(collect_inputs({packed})[0],
                      [&](std::uint64_t, std::string_view l) { back.append(l); });
    require(back == bytes);
    std::remove(plain.c_str());
    std::remove(packed.c_str());
    ::rmdir(dir);
    return 0;
}
