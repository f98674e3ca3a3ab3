// Fuzz target: one record's bytes through everything the sign stage does to it: JSON or HTML
// parsing (the first byte picks the format), normalization with name flags, tokenization, word
// and char shingles, MinHash, band keys, story terms and site boilerplate (paragraphs, sketch,
// finder, stripping). Must never crash or trip a sanitizer.
#include <cstddef>
#include <cstdint>
#include <string>

#include "neardup/boilerplate/site.hpp"
#include "neardup/io/parse.hpp"
#include "neardup/lsh/index.hpp"
#include "neardup/minhash/minhash.hpp"
#include "neardup/shingle/shingle.hpp"
#include "neardup/story/terms.hpp"
#include "neardup/text/normalize.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace neardup;
    if (size == 0)
        return 0;
    static constexpr RecordFormat kFormats[] = {RecordFormat::kJsonLine, RecordFormat::kHtml,
                                                RecordFormat::kText, RecordFormat::kJson};
    RawBatch batch;
    batch.sources.push_back({"fuzz", "fuzz", "fuzz", 0});
    batch.arena.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
    RawRecord rec;
    rec.length = size - 1;
    rec.line = 1;
    rec.format = kFormats[data[0] % 4];
    batch.records.push_back(rec);

    FieldNames fields;
    fields.title = "title";
    fields.date = "date";
    RecordParser parser(fields);
    ParsedDoc doc;
    parser.parse(batch, batch.records[0], doc);
    if (doc.skip != SkipReason::kNone)
        return 0;

    std::string norm;
    std::vector<std::uint8_t> flags;
    std::vector<TokenSpan> tokens;
    normalize(doc.text, {}, norm, &flags);
    tokenize(norm, tokens);
    std::vector<ShingleHash> shingles;
    compute_shingles(norm, tokens, {ShingleKind::kChars, 5}, shingles);
    compute_shingles(norm, tokens, {}, shingles);
    if (!shingles.empty()) {
        MinHasher hasher(64, 1);
        Signature sig(64);
        hasher.sign(shingles, sig);
        std::vector<std::uint64_t> keys(8);
        band_keys(sig, {8, 8}, keys);
    }
    std::vector<std::uint64_t> hashes;
    token_hashes(norm, tokens, hashes);
    std::vector<TermCode> terms;
    story_terms_from_tokens(norm, tokens, hashes, flags, terms);

    // Site boilerplate: the document's paragraphs as if three different articles carried
    // each of them (the sketch of one is emptied so that they do not look like copies).
    std::vector<Paragraph> paragraphs;
    split_paragraphs(doc.text, paragraphs);
    BoilerplateFinder finder;
    const std::uint32_t site = finder.site_id(site_of(doc.url, "fuzz"));
    finder.add(site, paragraphs, sketch_words(doc.text));
    finder.add(site, paragraphs, {});
    finder.add(site, paragraphs, {});
    const Boilerplate found =
        finder.find([&](std::uint32_t, std::string& out) { out.assign(doc.text); });
    std::string stripped;
    strip_boilerplate(doc.text, site, found, stripped);
    return 0;
}
