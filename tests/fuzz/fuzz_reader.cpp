// Fuzz target: bytes as a JSONL file (and, from the first byte, as gzip, zstd, xz or bzip2 data)
// through the streaming reader with a small document limit, then every record through the parser.
// A plain JSONL file is also read in pieces (split_input(), a piece size from the first byte):
// the pieces' records, lines numbered on, must be the whole file's (else abort: a finding).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "neardup/io/input.hpp"
#include "neardup/io/parse.hpp"

namespace {

/// Appends each record of `inputs` as its line (numbered on from `line_base`), skip reason and
/// bytes; adds the bytes read to `input_bytes`; returns the highest line read.
std::uint64_t append_records(std::vector<neardup::InputFile> inputs, neardup::ReaderOptions opts,
                             std::uint64_t line_base, std::vector<std::string>& out,
                             std::uint64_t& input_bytes) {
    using namespace neardup;
    RecordReader reader(std::move(inputs), opts);
    RawBatch batch;
    std::uint64_t last = 0;
    while (reader.next_batch(batch)) {
        input_bytes += batch.input_bytes;
        for (const RawRecord& rec : batch.records) {
            last = std::max(last, rec.line);
            out.push_back(std::to_string(rec.line > 0 ? rec.line + line_base : 0) + "/" +
                          std::to_string(static_cast<int>(rec.skip)) + "/" +
                          std::string(batch.bytes(rec)));
        }
    }
    return last;
}

/// The whole file's records, and the same from its pieces with lines numbered on.
void check_pieces(const std::string& path, neardup::ReaderOptions opts, std::uint64_t piece) {
    using namespace neardup;
    const std::vector<InputFile> whole = collect_inputs({path});
    std::vector<std::string> expected;
    std::uint64_t whole_bytes = 0;
    append_records(whole, opts, 0, expected, whole_bytes);
    std::vector<std::string> got;
    std::uint64_t piece_bytes = 0;
    std::uint64_t line_base = 0;
    for (const InputFile& p : split_input(whole[0], piece))
        line_base += append_records({p}, opts, line_base, got, piece_bytes);
    if (got != expected || piece_bytes != whole_bytes)
        std::abort();
}

}  // namespace

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
    if (data[0] % 6 == 0 && size > 2)
        check_pieces(path, opts, std::max<std::uint64_t>(1 + data[0] / 6 % 41, size / 16));
    std::remove(path.c_str());
    ::rmdir(dir);
    return 0;
}
