// Fuzz target: bytes as a JSONL file (and, from the first byte, as gzip, zstd, xz or bzip2 data)
// through the streaming reader with a small document limit, then every record through the parser.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include <unistd.h>

#include "neardup/io/input.hpp"
#include "neardup/io/parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace neardup;
    if (size == 0)
        return 0;
    static const char* kNames[] = {"in.jsonl", "in.jsonl.gz", "in.jsonl.zst",
                                   "in.html",  "in.jsonl.xz", "in.jsonl.bz2"};
    char dir[] = "/tmp/neardup-fuzz-XXXXXX";
    if (::mkdtemp(dir) == nullptr)
        return 0;
    const std::string path = std::string(dir) + "/" + kNames[data[0] % 6];
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(data) + 1, static_cast<std::streamsize>(size - 1));
    ReaderOptions opts;
    opts.max_doc_bytes = 256;
    opts.batch_docs = 3;
    RecordReader reader(collect_inputs({path}), opts);
    RecordParser parser({});
    RawBatch batch;
    ParsedDoc doc;
    while (reader.next_batch(batch)) {
        for (const RawRecord& rec : batch.records)
            parser.parse(batch, rec, doc);
    }
    std::remove(path.c_str());
    ::rmdir(dir);
    return 0;
}
