// The scan pipeline: the one tbb::parallel_pipeline that wires the stages.
//
//   read (serial, in order)    RecordReader fills a batch of raw records
//   sign (parallel)            parse -> normalize -> tokenize -> shingle -> MinHash -> band keys
//   link (serial, in order)    assign DocIds, LSH candidates, verify, union-find, add to index
//
// Then the groups are numbered canonically (clustering.hpp) and each document's similarity to
// its group's representative is computed. The sign stage also extracts each document's story
// terms; after the pipeline, document frequencies are counted over the near-duplicate groups'
// representatives and the story level (story.hpp) groups them into story clusters. DocIds follow
// input order and the link stage runs in order, so the result is identical for any --threads.
//
// Memory grows with the number of documents: per document its id, source, 4 * num_perm bytes of
// signature and the LSH links; the text itself is gone once its batch is signed. With
// exact_verify the shingle set (8 bytes per distinct shingle) is kept as well.
//
// Dates: one that cannot be read, or that reads but cannot be true (after the run's time with a
// day of slack, before 1990: doubt_date() in text/date.hpp), leaves its document undated (rows,
// the kept article, windows) and is counted in ScanStats.
//
// Errors: I/O failures on whole inputs are skips, not exceptions; with `strict`, the first skip,
// unreadable date or implausible date throws FormatError. Exceptions thrown inside a stage cancel
// the pipeline and reach the caller.
//
// Example:
//   neardup::ScanConfig cfg;
//   cfg.threads = 2;
//   auto result = neardup::run_scan(cfg, neardup::collect_inputs({"corpus/"}));
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "neardup/boilerplate/site.hpp"
#include "neardup/cluster/clustering.hpp"
#include "neardup/io/input.hpp"
#include "neardup/io/parse.hpp"
#include "neardup/lang/language.hpp"
#include "neardup/lsh/params.hpp"
#include "neardup/shingle/shingle.hpp"
#include "neardup/store/held.hpp"
#include "neardup/story/story.hpp"
#include "neardup/text/normalize.hpp"

namespace neardup {

struct ScanProgress {
    std::uint64_t docs = 0;         ///< documents accepted so far
    std::uint64_t skipped = 0;      ///< records skipped so far
    std::uint64_t input_bytes = 0;  ///< bytes read from the inputs so far
};

struct ScanConfig {
    ReaderOptions reader;
    FieldNames fields;
    ExtractOptions html;  ///< web pages: the article only (default) or all their text
    NormalizeOptions normalize;
    ShingleOptions shingle;
    std::uint32_t num_perm = 128;
    std::uint64_t seed = 1;
    double threshold = 0.8;
    bool exact_verify = false;  ///< verify with exact Jaccard (keeps shingle sets in memory)
    std::uint32_t threads = 0;  ///< 0: all cores
    bool strict = false;  ///< the first skipped record, unreadable or implausible date is an error
    /// The run's time (unix seconds): a date later than now + kFutureDateSlack, or before
    /// kEarliestTrustedDate, is not trusted (text/date.hpp): the document has no date, and the
    /// date is counted. nullopt: the clock when run_scan() starts. run_night() sets it.
    std::optional<std::int64_t> now;
    /// Drop paragraphs that recur across different articles of a site (boilerplate/site.hpp).
    /// Costs a look at the whole run before linking: the texts wait in a temporary file, and
    /// each document that carries some is signed again.
    bool site_boilerplate = false;
    BoilerplateOptions boilerplate;
    StoryOptions story;  ///< the story level (rewrites of the same story)
    std::function<void(const ScanProgress&)> on_progress;  ///< called from the link stage
    /// Documents of a persistent index to match against: they become DocIds 0 .. held->size()-1
    /// (their near groups pre-joined by their stored group ids). A new document whose id is
    /// held with the same text is skipped as kAlreadyHeld (one whose id appears earlier in the
    /// input, as in any run, as kDuplicate); one
    /// whose id is held with another text is kept and listed in ScanResult::updates.
    /// Signatures must use the same settings.
    /// run_scan() moves the ids, sources, signatures and terms out of it (the result has them);
    /// the rest (dates, lengths, stored group ids) stays for the caller.
    HeldDocuments* held = nullptr;
    /// Or: held documents looked up as needed (an index's near_keys), not loaded whole. They
    /// become DocIds 0 .. held-1 as with `held` (what the lookup found, nothing else; their
    /// stored group ids come back in ScanResult::held_near/held_story). The story level is
    /// then the caller's (it matches against the index's stories): result.story is the near
    /// clustering and the new documents' terms are handed back (keep_document_data).
    HeldLookup* lookup = nullptr;
    /// Hand every document's signature and story terms back in the result (an index stores
    /// them). Otherwise they are freed as soon as clustering is done with them, which keeps
    /// the peak memory of a large scan down.
    bool keep_document_data = false;
};

struct DocMeta {
    std::string id;
    std::string source;  ///< "file" or "file:line"
    std::optional<std::int64_t> date;
    std::uint64_t length = 0;     ///< bytes of text (title + body)
    std::uint64_t text_hash = 0;  ///< hash64 of that text (index updates, the report's re-reads)
    std::string title;            ///< when known (a web page's, the JSON title field)
    std::string url;              ///< when known (the JSON url field, a page's canonical URL)
    /// Where its record is: the input (index into the inputs run_scan was given) and its line
    /// (JSONL; 0 for a whole file). Held documents: 0, 0 (not read in this run).
    std::uint32_t input = 0;
    std::uint64_t line = 0;
    LangCode lang = kUndetermined;  ///< lang/language.hpp
    /// Story level: a run-local number of its source (its site; for a JSONL line without a URL
    /// its feed: its file's path without digits; 0: unknown, as for held documents; the name is
    /// ScanResult::site_names[site]) and how many of its story terms stand
    /// beside a figure (story/templates.hpp).
    std::uint32_t site = 0;
    std::uint16_t beside_figures = 0;
};

struct SkipRecord {
    std::string location;
    SkipReason reason = SkipReason::kNone;
    std::string message;
    std::string id;           ///< the record's id when it was read (kAlreadyHeld, kDuplicate)
    std::uint32_t input = 0;  ///< as DocMeta::input and line: where the record is
    std::uint64_t line = 0;
};

struct ScanStats {
    std::uint64_t docs = 0;
    std::uint64_t input_bytes = 0;  ///< bytes read (decompressed)
    std::array<std::uint64_t, kSkipReasonCount> skipped{};
    std::uint64_t candidates = 0;              ///< candidate pairs verified
    std::uint64_t edges = 0;                   ///< verified pairs that merged two groups
    std::uint64_t exact_copies = 0;            ///< documents joined as exact copies, without LSH
    std::uint64_t boilerplate_paragraphs = 0;  ///< distinct site-boilerplate paragraphs found
    std::uint64_t boilerplate_docs = 0;        ///< documents signed without some of them
    double boilerplate_seconds = 0;            ///< finding them and signing those documents again
    std::uint64_t json_records = 0;            ///< documents read from JSON records
    std::uint8_t fields_found = 0;             ///< FieldBit flags: named fields any record had
    std::uint64_t unreadable_dates = 0;        ///< date fields that held no date we read
    std::string first_unreadable_date;         ///< the first of them, and where
    std::uint64_t implausible_dates = 0;       ///< dates read but not trusted (doubt_date())
    std::string first_implausible_date;        ///< the first of them, where, and why
    double seconds = 0;

    [[nodiscard]] std::uint64_t total_skipped() const noexcept;
};

struct ScanResult {
    LshParams lsh;
    std::vector<DocMeta> docs;  ///< by DocId
    Clustering near;            ///< near-duplicate groups
    Clustering story;           ///< story clusters (unions of near-duplicate groups)
    StoryStats story_stats;
    std::vector<float> similarity;  ///< by DocId: similarity to its group's representative
    ScanStats stats;
    std::vector<SkipRecord> skips;  ///< in input order
    std::size_t held = 0;           ///< DocIds below this are preloaded held documents
    /// New documents (DocIds, ascending) whose id is held with another text: updates of a held
    /// article, which an index stores in place of the held version.
    std::vector<DocId> updates;
    /// With keep_document_data, the new documents' data (an index has the held ones): story
    /// terms by DocId (story level only; held documents' are empty), and signatures of the
    /// DocIds from `held` on, document d's at (d - held) * num_perm. Empty otherwise.
    std::vector<std::vector<TermCode>> terms;
    std::vector<SigValue> signatures;
    /// With a lookup: the stored near and story id of each held DocId.
    std::vector<std::uint64_t> held_near;
    std::vector<std::uint64_t> held_story;
    std::vector<std::string> site_names;  ///< by DocMeta::site ([0]: none)
};

/// Runs the whole scan. Throws ConfigError for bad settings, FormatError under `strict`.
[[nodiscard]] ScanResult run_scan(const ScanConfig& config, std::vector<InputFile> inputs);

}  // namespace neardup
