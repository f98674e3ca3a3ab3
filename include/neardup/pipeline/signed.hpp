// The scan cut in two at its sign stage, for the staged scan (stages/): sign_inputs() runs the
// read and sign stages over some inputs and hands each signed batch to a sink (which writes it
// to a file); scan_signed() runs the link stage and everything after it on signed batches read
// back, in input order, instead of reading and signing. The batches are the pipeline's own
// tokens, so a scan_signed() of the batches sign_inputs() made of every input gives the very
// result run_scan() gives (byte-identical rows), whichever machines signed which inputs.
//
// Example:
//   neardup::sign_inputs(cfg, my_inputs, [&](const neardup::SignedBatch& b) { file.write(b); });
//   ... later, on one machine, with every rank's file:
//   auto result = neardup::scan_signed(
//       cfg, expected_docs, [&](std::string& bytes) { return files.next_chunk(bytes); },
//       [&](std::string_view bytes, neardup::SignedBatch& b) { files.decode(bytes, b); });
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "neardup/boilerplate/site.hpp"
#include "neardup/pipeline/pipeline.hpp"
#include "neardup/text/date.hpp"

namespace neardup {

/// What the sign stage learned about one raw record.
struct SignedDoc {
    SkipReason skip = SkipReason::kNone;
    std::string message;
    std::string id;
    std::optional<std::int64_t> date;
    std::uint64_t length = 0;
    std::uint64_t text_hash = 0;  ///< hash64 of the parsed text
    std::string title;
    std::string url;
    std::uint64_t id_key = 0;       ///< SeenIds::key_of(id)
    bool id_from_line = false;      ///< ParsedDoc::id_from_line
    std::uint8_t fields_found = 0;  ///< ParsedDoc::fields_found
    std::string unreadable_date;    ///< ParsedDoc::unreadable_date
    LangCode lang = kUndetermined;
    std::uint16_t beside_figures = 0;  ///< story terms beside a figure (story_terms_from_tokens)
    /// A date that read but is not trusted (then `date` is empty), and why.
    std::int64_t doubted_date = 0;
    DateDoubt doubt = DateDoubt::kNone;
    std::string story_source;  ///< DocMeta::site's name (story templates are learnt per source)
    // With site boilerplate: what the first look at the run needs.
    std::string site;
    std::vector<Paragraph> paragraphs;
    WordSketch sketch;
    std::string text;  ///< the parsed text, to be signed again without the site's boilerplate
};

/// One pipeline token: a batch of records and everything computed from them.
struct SignedBatch {
    RawBatch raw;  ///< records and sources (a batch read back from a file has no arena)
    std::vector<SignedDoc> docs;       ///< parallel to raw.records
    std::vector<SigValue> signatures;  ///< docs[i]'s at [i * num_perm, (i + 1) * num_perm)
    std::vector<std::uint64_t> keys;   ///< docs[i]'s at [i * bands, (i + 1) * bands)
    std::vector<std::vector<ShingleHash>> sets;  ///< exact_verify only
    std::vector<std::vector<TermCode>> terms;    ///< story terms (story level only)
    std::string encoded;  ///< scan_signed(): the batch as read, before it is decoded
};

/// Reads and signs `inputs` (ScanConfig as run_scan() takes it; `now` should be set, so that
/// every part of a staged scan judges dates alike) and calls `sink` with each batch, in input
/// order, from one thread at a time. A batch's RecordSource::input indexes `inputs`.
void sign_inputs(const ScanConfig& config, std::vector<InputFile> inputs,
                 const std::function<void(const SignedBatch&)>& sink);

/// The scan of signed batches: `next` gives the next batch's encoded bytes (in input order over
/// all inputs, RecordSource::input their index among all of them) and returns false after the
/// last; `decode` (called from several threads at once) fills a batch from such bytes.
/// `expected_docs` sizes the tables (0: grow as needed). Neither held documents nor a lookup.
[[nodiscard]] ScanResult scan_signed(
    const ScanConfig& config, std::uint64_t expected_docs,
    const std::function<bool(std::string&)>& next,
    const std::function<void(std::string_view, SignedBatch&)>& decode);

}  // namespace neardup
