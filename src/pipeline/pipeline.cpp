#include "neardup/pipeline/pipeline.hpp"

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <tbb/blocked_range.h>
#include <tbb/concurrent_queue.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_group.h>

#include "neardup/boilerplate/site.hpp"
#include "neardup/core/error.hpp"
#include "neardup/core/hash.hpp"
#include "neardup/io/spool.hpp"
#include "neardup/lsh/index.hpp"
#include "neardup/minhash/minhash.hpp"
#include "neardup/pipeline/signed.hpp"
#include "neardup/report/writers.hpp"
#include "neardup/story/inputs.hpp"
#include "neardup/text/date.hpp"
#include "neardup/verify/similarity.hpp"
#include "seen_ids_impl.hpp"

namespace neardup {

std::uint64_t ScanStats::total_skipped() const noexcept {
    std::uint64_t total = 0;
    for (std::uint64_t n : skipped)
        total += n;
    return total;
}

namespace {

/// A feed's name: its file's path without digits, so that one feed's nightly files
/// (news-2026-12-01.jsonl, news-2026-12-02.jsonl) are one source, whose templates an index
/// keeps learning night after night.
std::string feed_name(std::string_view path) {
    std::string out;
    for (const char c : path) {
        if (c < '0' || c > '9')
            out.push_back(c);
    }
    return out;
}

using Batch = SignedBatch;
using BatchPtr = Batch*;

/// Per-thread buffers of the sign stage, reused across documents.
struct Scratch {
    Scratch(const FieldNames& fields, ExtractOptions html) : parser(fields, html) {}
    RecordParser parser;
    ParsedDoc parsed;
    NormalizedText normalized;
    std::vector<std::uint64_t> token_hashes;
    std::vector<ShingleHash> shingles;
    // Signing again without site boilerplate.
    std::string text;
    std::string stripped;
    std::vector<SigValue> signature;
    std::vector<ShingleHash> set;
    std::vector<TermCode> terms;
};

/// A text's language: what the record states and the page declares, and once decided (the
/// first signing), what it is.
struct TextLanguage {
    LangCode stated = kUndetermined;
    LangCode declared = kUndetermined;
    std::optional<LangCode> decided;
};

/// Signs one text: its MinHash into `sig`, and (when asked) its shingle set and story terms
/// (with the count of those beside a figure in `beside_figures`); decides its language.
/// Returns false when the text has no words (nothing is written then).
bool sign_text(std::string_view text_in, const ScanConfig& cfg, const MinHasher& hasher, Scratch& s,
               std::span<SigValue> sig, std::vector<ShingleHash>* set, std::vector<TermCode>* terms,
               TextLanguage& lang, std::uint16_t& beside_figures) {
    normalize_tokens(text_in, cfg.normalize, cfg.story.enabled, s.normalized);
    const std::string& text = s.normalized.text;
    const std::vector<TokenSpan>& tokens = s.normalized.tokens;
    if (tokens.empty())
        return false;
    token_hashes(text, tokens, s.token_hashes);
    compute_shingles(text, tokens, s.token_hashes, cfg.shingle, s.shingles);
    hasher.sign(s.shingles, sig);
    if (set != nullptr) {
        make_set(s.shingles);
        set->assign(s.shingles.begin(), s.shingles.end());
    }
    const auto story_terms = [&](LangCode l) {
        return story_terms_from_tokens(text, tokens, s.token_hashes, s.normalized.name_flags,
                                       *terms, TermRules::of(l));
    };
    TermsFound found;
    if (lang.stated != kUndetermined) {
        lang.decided = lang.stated;
    } else if (!lang.decided && terms != nullptr) {
        // English rules first: most news is English, and that pass counts the stop words the
        // language needs; a text in another language is read again by its own rules.
        found = story_terms(kEnglish);
        lang.decided = decide_language(kUndetermined, lang.declared, found.probe, text);
        if (*lang.decided == kEnglish) {
            beside_figures =
                static_cast<std::uint16_t>(std::min<std::size_t>(found.beside_figures, 0xFFFF));
            return true;
        }
    } else if (!lang.decided) {
        lang.decided =
            decide_language(kUndetermined, lang.declared, probe_english(s.token_hashes), text);
    }
    if (terms != nullptr) {
        found = story_terms(*lang.decided);
        beside_figures =
            static_cast<std::uint16_t>(std::min<std::size_t>(found.beside_figures, 0xFFFF));
    }
    return true;
}

/// Site boilerplate's first look at the run: every new document's paragraphs and site, and
/// its text kept on disk until the boilerplate is known.
struct Survey {
    explicit Survey(BoilerplateOptions options) : finder(options) {}
    BoilerplateFinder finder;
    TextSpool spool;
    std::vector<TextSpool::Ref> texts;  ///< by new document (DocId - held)
    std::vector<std::uint32_t> sites;   ///< by new document

    void add(SignedDoc& doc) {
        const std::uint32_t site = finder.site_id(doc.site);
        finder.add(site, doc.paragraphs, doc.sketch, doc.title);
        sites.push_back(site);
        texts.push_back(spool.append(doc.text));
        std::string().swap(doc.text);
    }
};

/// Owns every batch ever made; tokens are raw pointers into it, so batches still in flight
/// when an exception cancels the pipeline are freed with the pool.
class BatchPool {
public:
    Batch* acquire() {
        Batch* b = nullptr;
        if (free_.try_pop(b))
            return b;
        std::lock_guard lock(mutex_);
        all_.push_back(std::make_unique<Batch>());
        return all_.back().get();
    }
    void release(Batch* b) { free_.push(b); }

private:
    tbb::concurrent_queue<Batch*> free_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Batch>> all_;
};

class ReadStage {
public:
    ReadStage(RecordReader& reader, BatchPool& pool) : reader_(reader), pool_(pool) {}
    BatchPtr operator()(tbb::flow_control& fc) const {
        Batch* b = pool_.acquire();
        if (!reader_.next_batch(b->raw)) {
            pool_.release(b);
            fc.stop();
            return nullptr;
        }
        return b;
    }

private:
    RecordReader& reader_;
    BatchPool& pool_;
};

class SignStage {
public:
    /// `now`: the run's time, which dates are judged against (ScanConfig::now).
    SignStage(const ScanConfig& cfg, const MinHasher& hasher, LshParams lsh, std::int64_t now,
              tbb::enumerable_thread_specific<std::unique_ptr<Scratch>>& scratch)
        : cfg_(cfg), hasher_(hasher), lsh_(lsh), now_(now), scratch_(scratch) {}

    BatchPtr operator()(BatchPtr b) const {
        std::unique_ptr<Scratch>& s = scratch_.local();
        if (!s)
            s = std::make_unique<Scratch>(cfg_.fields, cfg_.html);
        const std::size_t n = b->raw.records.size();
        b->docs.resize(n);
        b->signatures.resize(n * hasher_.num_perm());
        b->keys.resize(n * lsh_.bands);
        if (cfg_.exact_verify)
            b->sets.resize(n);
        if (cfg_.story.enabled)
            b->terms.resize(n);
        for (std::size_t i = 0; i < n; ++i)
            sign_one(*b, i, *s);
        return b;
    }

private:
    void sign_one(Batch& b, std::size_t i, Scratch& s) const {
        const RawRecord& rec = b.raw.records[i];
        SignedDoc& doc = b.docs[i];
        s.parser.parse(b.raw, rec, s.parsed);
        doc.skip = s.parsed.skip;
        doc.message = std::move(s.parsed.message);
        if (doc.skip != SkipReason::kNone)
            return;
        std::span<SigValue> sig(b.signatures.data() + i * hasher_.num_perm(), hasher_.num_perm());
        TextLanguage lang{language_code(s.parsed.stated_lang), language_code(s.parsed.lang), {}};
        if (!sign_text(s.parsed.text, cfg_, hasher_, s, sig,
                       cfg_.exact_verify ? &b.sets[i] : nullptr,
                       cfg_.story.enabled ? &b.terms[i] : nullptr, lang, doc.beside_figures)) {
            doc.skip = SkipReason::kEmpty;
            doc.message = "no words";
            return;
        }
        band_keys(sig, lsh_, std::span(b.keys.data() + i * lsh_.bands, lsh_.bands));
        doc.lang = *lang.decided;
        if (cfg_.site_boilerplate || cfg_.story.enabled) {
            const RecordSource& from = b.raw.sources[rec.source];
            doc.site = s.parsed.url_claimed ? site_of_claimed(s.parsed.url, from.site)
                                            : site_of(s.parsed.url, from.site);
            // The source whose templates the story level learns: the site, but for JSONL lines
            // without a URL their feed (three corpora in one folder are three sources).
            const bool feed_line =
                rec.format == RecordFormat::kJsonLine && site_of(s.parsed.url, "").empty();
            doc.story_source = feed_line ? feed_name(from.display) : doc.site;
        }
        if (cfg_.site_boilerplate) {
            doc.paragraphs.clear();
            split_paragraphs(s.parsed.text, doc.paragraphs);
            doc.sketch = sketch_words(s.parsed.text);
        }
        doc.id = std::move(s.parsed.id);
        doc.id_from_line = s.parsed.id_from_line;
        doc.id_key = detail::SeenIds::key_of(doc.id);
        doc.title = std::move(s.parsed.title);
        doc.url = std::move(s.parsed.url);
        doc.date = s.parsed.date;
        doc.doubt = doc.date ? doubt_date(*doc.date, now_) : DateDoubt::kNone;
        if (doc.doubt != DateDoubt::kNone) {  // a date that cannot be true is no date
            doc.doubted_date = *doc.date;
            doc.date.reset();
        }
        doc.fields_found = s.parsed.fields_found;
        doc.unreadable_date = std::move(s.parsed.unreadable_date);
        doc.length = s.parsed.text.size();
        // An index tells updates by it; a report tells by it that a source read again is
        // still the text matched. (xxHash: a small fraction of the stage's time.)
        doc.text_hash = hash64(s.parsed.text);
        if (cfg_.site_boilerplate)
            doc.text = std::move(s.parsed.text);
    }

    const ScanConfig& cfg_;
    const MinHasher& hasher_;
    LshParams lsh_;
    std::int64_t now_;
    tbb::enumerable_thread_specific<std::unique_ptr<Scratch>>& scratch_;
};

/// The serial, in-order state: documents, signatures, the LSH index and the union-find.
class Linker {
public:
    /// With a survey, documents are kept and linked later (link_new()), once site
    /// boilerplate is known; so they are with a lookup of held documents, which are known
    /// once every new document is signed (prepend()); otherwise each is linked as it arrives.
    Linker(const ScanConfig& cfg, LshParams lsh, ScanResult& result, Survey* survey)
        : cfg_(cfg),
          index_(lsh),
          result_(result),
          survey_(survey),
          defer_(survey != nullptr || cfg.lookup != nullptr) {}

    void consume(Batch& b) {
        result_.stats.input_bytes += b.raw.input_bytes;
        for (std::size_t i = 0; i < b.docs.size(); ++i) {
            SignedDoc& doc = b.docs[i];
            if (i + 2 < b.docs.size())
                seen_ids_.prefetch(b.docs[i + 2].id_key);
            if (doc.skip == SkipReason::kNone)
                check_repeated_id(doc);
            if (doc.skip == SkipReason::kNone && (cfg_.held != nullptr || cfg_.lookup != nullptr))
                check_held_id(doc);
            if (doc.skip != SkipReason::kNone) {
                record_skip(b, i);
            } else {
                count_fields(b, i);
                count_dates(b, i);
                if (survey_ != nullptr)
                    survey_->add(doc);  // before append(), which takes the title
                const DocId id = append(b, i);
                if (defer_)
                    continue;
                if (i + 1 < b.docs.size())  // the next document's buckets arrive meanwhile
                    index_.prefetch(keys_of(b, i + 1));
                link(id, keys_of(b, i));
            }
        }
        if (cfg_.on_progress) {
            cfg_.on_progress(
                {result_.docs.size(), result_.stats.total_skipped(), result_.stats.input_bytes});
        }
    }

    /// Counts what a JSON record had of the named fields: a name no record has is said.
    void count_fields(const Batch& b, std::size_t i) {
        const RawRecord& rec = b.raw.records[i];
        if (rec.format != RecordFormat::kJson && rec.format != RecordFormat::kJsonLine)
            return;
        ++result_.stats.json_records;
        result_.stats.fields_found |= b.docs[i].fields_found;
    }

    /// Counts a date that was given but is not the document's: one that cannot be read (JSON
    /// field or web page), or one that cannot be true (doubt_date()). Neither is passed over in
    /// silence; under --strict both are errors, as a skipped record is.
    void count_dates(const Batch& b, std::size_t i) {
        const SignedDoc& doc = b.docs[i];
        if (doc.unreadable_date.empty() && doc.doubt == DateDoubt::kNone)
            return;
        const std::string where = record_location(b.raw, b.raw.records[i]);
        ScanStats& st = result_.stats;
        if (!doc.unreadable_date.empty()) {
            if (cfg_.strict) {
                throw FormatError(where + ": date '" + doc.unreadable_date +
                                  "' cannot be read (--strict)");
            }
            if (st.unreadable_dates++ == 0)
                st.first_unreadable_date = "'" + doc.unreadable_date + "' at " + where;
            return;
        }
        const std::string date = format_iso8601(doc.doubted_date);
        const std::string why(date_doubt_reason(doc.doubt));
        if (cfg_.strict)
            throw FormatError(where + ": date " + date + " cannot be true: " + why + " (--strict)");
        if (st.implausible_dates++ == 0)
            st.first_implausible_date = date + " at " + where + ", " + why;
    }

    /// Ids are unique per run: a record whose id an earlier record of the input has is skipped
    /// (counted as a duplicate; --strict makes it an error).
    void check_repeated_id(SignedDoc& doc) {
        const auto next = static_cast<DocId>(result_.docs.size());
        const std::optional<DocId> first =
            seen_ids_.insert(doc.id, doc.id_key, next,
                             [this](DocId d) -> std::string_view { return result_.docs[d].id; });
        if (!first)
            return;
        doc.skip = SkipReason::kDuplicate;
        doc.message = "id '" + doc.id + "' was read before, at " + result_.docs[*first].source;
    }

    /// With an index, ids are unique (the index's docs.id is UNIQUE): a held id with the same
    /// text (a re-fetch) is skipped. A held id with another text is an update: the document
    /// goes on, and the index replaces the held one.
    void check_held_id(SignedDoc& doc) {
        std::optional<std::optional<std::uint64_t>> stored;
        if (cfg_.lookup != nullptr) {
            stored = cfg_.lookup->text_hash(doc.id);
        } else if (const auto held = held_ids_.find(doc.id); held != held_ids_.end()) {
            stored = held->second;
        }
        if (!stored)
            return;
        // Rows stored before the index kept text hashes count as the same text.
        if (!*stored || **stored == doc.text_hash) {
            doc.skip = SkipReason::kAlreadyHeld;
            doc.message = "id '" + doc.id + "' is already in the index with the same text";
            return;
        }
        result_.updates.push_back(static_cast<DocId>(result_.docs.size()));
    }

    /// Sizes the LSH table for the held and about `new_docs` new documents (saves rehashing a
    /// large one), and the per-document arrays for up to twice as many new ones, at most 4
    /// million (only address space until used: each doubling of them would copy and fault in
    /// everything so far).
    void reserve(std::uint64_t new_docs, std::uint64_t held_docs) {
        index_.reserve(new_docs + held_docs);
        seen_ids_.reserve(std::min<std::uint64_t>(new_docs, 4'000'000));
        const std::uint64_t room = std::min<std::uint64_t>(2 * new_docs, 4'000'000);
        signatures_.reserve(room * cfg_.num_perm);
        result_.docs.reserve(held_docs + room);
        if (cfg_.story.enabled)
            terms_.reserve(held_docs + room);
    }

    /// Makes the held documents DocIds 0 .. n-1, joined by their stored near-duplicate group.
    /// Moves their ids, sources, signatures and terms out of `held` (a million held articles
    /// carry about a gigabyte of them; holding them twice doubled `index add`'s memory).
    void preload(HeldDocuments& held) {
        const LshParams lsh = index_.params();
        std::vector<std::uint64_t> keys(lsh.bands);
        std::unordered_map<std::uint64_t, DocId> first_of_group;
        for (std::size_t i = 0; i < held.size(); ++i) {
            const auto id = static_cast<DocId>(i);
            held_ids_.emplace(held.ids[i], held.text_hashes[i]);
            result_.docs.push_back({std::move(held.ids[i]),
                                    std::move(held.sources[i]),
                                    held.dates[i],
                                    held.lengths[i],
                                    held.text_hashes[i].value_or(0),
                                    {},
                                    {},
                                    0,
                                    0,
                                    held.langs[i]});
            const SigValue* sig = held.signatures.data() + i * cfg_.num_perm;
            if (cfg_.story.enabled)
                terms_.push_back(std::move(held.terms[i]));
            uf_.resize(i + 1);
            const auto [it, fresh] = first_of_group.emplace(held.near[i], id);
            if (!fresh)
                uf_.unite(it->second, id);
            band_keys(std::span(sig, cfg_.num_perm), lsh, keys);
            index_.add(id, keys);
        }
        for (std::size_t i = 0; i < held.other_ids.size(); ++i)
            held_ids_.emplace(std::move(held.other_ids[i]), held.other_text_hashes[i]);
        result_.held = held.size();
        held_signatures_.swap(held.signatures);  // kept apart: no copy of a held signature
        std::vector<std::string>().swap(held.ids);
        std::vector<std::string>().swap(held.sources);
        std::vector<std::vector<TermCode>>().swap(held.terms);
        std::vector<std::string>().swap(held.other_ids);
    }

    /// With a lookup: the held near groups the new documents' band keys lead to become DocIds
    /// 0 .. n-1 (joined by their stored group ids) and the new documents move up behind them.
    /// Before link_new(): nothing is linked yet.
    void prepend_held() {
        const LshParams lsh = index_.params();
        const std::size_t fresh = result_.docs.size();
        std::vector<std::uint64_t> keys(std::size_t{lsh.bands} * fresh);
        for (std::size_t d = 0; d < fresh; ++d) {
            band_keys(signature(static_cast<DocId>(d)), lsh,
                      std::span(keys.data() + d * lsh.bands, lsh.bands));
        }
        HeldDocuments held = cfg_.lookup->groups(keys);
        std::vector<std::uint64_t>().swap(keys);
        const std::size_t h = held.size();
        std::vector<DocMeta> docs;
        docs.reserve(h + fresh);
        for (std::size_t i = 0; i < h; ++i) {
            docs.push_back({std::move(held.ids[i]),
                            std::move(held.sources[i]),
                            held.dates[i],
                            held.lengths[i],
                            held.text_hashes[i].value_or(0),
                            {},
                            {},
                            0,
                            0,
                            held.langs[i]});
        }
        std::move(result_.docs.begin(), result_.docs.end(), std::back_inserter(docs));
        result_.docs.swap(docs);
        if (cfg_.story.enabled) {
            std::vector<std::vector<TermCode>> terms;
            terms.reserve(h + fresh);
            std::move(held.terms.begin(), held.terms.end(), std::back_inserter(terms));
            std::move(terms_.begin(), terms_.end(), std::back_inserter(terms));
            terms_.swap(terms);
        }
        for (DocId& d : result_.updates)
            d += static_cast<DocId>(h);
        uf_ = UnionFind(h + fresh);
        result_.held = h;
        held_signatures_.swap(held.signatures);
        std::vector<std::uint64_t> band(lsh.bands);
        std::unordered_map<std::uint64_t, DocId> first_of_group;
        for (std::size_t i = 0; i < h; ++i) {
            const auto id = static_cast<DocId>(i);
            const auto [it, first] = first_of_group.emplace(held.near[i], id);
            if (!first)
                uf_.unite(it->second, id);
            band_keys(signature(id), lsh, band);
            index_.add(id, band);
        }
        // What the caller keeps of the held documents (run_scan's contract for cfg.held).
        held_meta_.near = std::move(held.near);
        held_meta_.story = std::move(held.story);
    }

    /// The stored group ids of the prepended held documents (prepend_held()).
    [[nodiscard]] HeldDocuments& held_meta() noexcept { return held_meta_; }
    /// The story sources' names by DocMeta::site (0: none).
    [[nodiscard]] std::vector<std::string> site_names() const {
        std::vector<std::string> names(site_ids_.size() + 1);
        for (const auto& [name, id] : site_ids_)
            names[id] = name;
        return names;
    }

    [[nodiscard]] double similarity(DocId a, DocId b) const noexcept {
        if (cfg_.exact_verify)
            return exact_jaccard(sets_[a], sets_[b]);
        return estimate_jaccard(signature(a), signature(b));
    }

    /// Links the new documents kept while surveying, in input order.
    void link_new() {
        const LshParams lsh = index_.params();
        std::vector<std::uint64_t> keys(lsh.bands);
        std::vector<std::uint64_t> next(lsh.bands);
        const std::size_t end = result_.docs.size();
        if (result_.held < end)
            band_keys(signature(static_cast<DocId>(result_.held)), lsh, next);
        for (std::size_t d = result_.held; d < end; ++d) {
            keys.swap(next);
            if (d + 1 < end) {  // the next document's buckets arrive meanwhile
                band_keys(signature(static_cast<DocId>(d + 1)), lsh, next);
                index_.prefetch(next);
            }
            link(static_cast<DocId>(d), keys);
        }
    }

    /// What a new document's signing wrote, for signing it again: its signature, shingle
    /// set and terms (nullptr when not kept), and its length.
    struct Slots {
        std::span<SigValue> signature;
        std::vector<ShingleHash>* set;
        std::vector<TermCode>* terms;
        std::uint64_t* length;
        DocMeta* meta;  ///< its language (kept) and beside_figures (written)
    };
    [[nodiscard]] Slots slots(std::size_t new_doc) {
        const std::size_t d = result_.held + new_doc;
        return {std::span<SigValue>(signatures_.data() + new_doc * cfg_.num_perm, cfg_.num_perm),
                cfg_.exact_verify ? &sets_[d] : nullptr, cfg_.story.enabled ? &terms_[d] : nullptr,
                &result_.docs[d].length, &result_.docs[d]};
    }

    UnionFind& union_find() noexcept { return uf_; }
    [[nodiscard]] const std::vector<std::vector<TermCode>>& terms() const noexcept {
        return terms_;
    }
    /// Frees the LSH index once linking is over (it is the largest near-level structure).
    void drop_index() { index_ = LshIndex(index_.params()); }

    /// Hands the per-document data to the result once clustering is done.
    void release_into(ScanResult& result) {
        result.terms = std::move(terms_);
        result.signatures = std::move(signatures_);
    }

    /// Frees the signatures once the near level is done with them (similarity() reads them):
    /// the held documents', and the new documents' unless `keep_new`.
    void release_signatures(bool keep_new) {
        std::vector<SigValue>().swap(held_signatures_);
        if (!keep_new)
            std::vector<SigValue>().swap(signatures_);
    }

    /// Frees the story terms of the documents below `first`, except those listed in `keep`
    /// (DocIds, any order); with none kept below the last document, the whole array.
    void release_terms(std::span<const DocId> keep, std::size_t first) {
        std::vector<bool> kept(terms_.size(), false);
        for (DocId d : keep)
            kept[d] = true;
        for (std::size_t d = 0; d < std::min(first, terms_.size()); ++d) {
            if (!kept[d])
                std::vector<TermCode>().swap(terms_[d]);
        }
        if (first >= terms_.size() && keep.empty())
            std::vector<std::vector<TermCode>>().swap(terms_);
    }

private:
    [[nodiscard]] std::span<const SigValue> signature(DocId d) const noexcept {
        const std::size_t held = result_.held;
        return d < held
                   ? std::span<const SigValue>(
                         held_signatures_.data() + std::size_t{d} * cfg_.num_perm, cfg_.num_perm)
                   : std::span<const SigValue>(signatures_.data() + (d - held) * cfg_.num_perm,
                                               cfg_.num_perm);
    }

    void prefetch_signature(DocId d) const noexcept {
        if (cfg_.exact_verify)
            return;
        const std::span<const SigValue> sig = signature(d);
        const auto* bytes = reinterpret_cast<const char*>(sig.data());
        for (std::size_t at = 0; at < sig.size_bytes(); at += 64)
            __builtin_prefetch(bytes + at);
    }

    void record_skip(Batch& b, std::size_t i) {
        const RawRecord& rec = b.raw.records[i];
        SkipRecord skip{record_location(b.raw, rec),
                        b.docs[i].skip,
                        std::move(b.docs[i].message),
                        b.docs[i].skip == SkipReason::kAlreadyHeld ? b.docs[i].id : std::string(),
                        b.raw.sources[rec.source].input,
                        rec.line};
        if (cfg_.strict && skip.reason != SkipReason::kAlreadyHeld) {
            throw FormatError(skip.location + ": " + std::string(skip_reason_name(skip.reason)) +
                              ": " + skip.message + " (--strict)");
        }
        ++result_.stats.skipped[static_cast<std::size_t>(skip.reason)];
        result_.skips.push_back(std::move(skip));
    }

    /// An exact copy of the newest document in its first band's bucket (the same signature;
    /// with exact_verify the same shingle set) joins that document and stays out of the index:
    /// every later document that would meet the copy in a bucket meets the original there,
    /// at the same similarity, so the groups are the same. Scraped corpora hold thousands of
    /// copies of one page (paywall, consent, error pages), and each copy added to the index
    /// made every later one walk buckets thousands long.
    bool join_exact_copy(DocId id, std::span<const std::uint64_t> keys) {
        const std::optional<DocId> newest = index_.newest(0, keys[0]);
        if (!newest)
            return false;
        const std::span<const SigValue> a = signature(*newest);
        const std::span<const SigValue> b = signature(id);
        if (!std::equal(a.begin(), a.end(), b.begin()))
            return false;
        if (cfg_.exact_verify && sets_[*newest] != sets_[id])
            return false;
        if (uf_.find(*newest) != uf_.find(id)) {
            uf_.unite(*newest, id);
            ++result_.stats.edges;
        }
        ++result_.stats.exact_copies;
        return true;
    }

    [[nodiscard]] std::span<const std::uint64_t> keys_of(const Batch& b, std::size_t i) const {
        const std::uint32_t bands = index_.params().bands;
        return {b.keys.data() + i * bands, bands};
    }

    /// Takes document i of the batch in as the next DocId (not linked yet).
    DocId append(Batch& b, std::size_t i) {
        const auto id = static_cast<DocId>(result_.docs.size());
        SignedDoc& doc = b.docs[i];
        const RawRecord& rec = b.raw.records[i];
        result_.docs.push_back({std::move(doc.id), record_location(b.raw, rec), doc.date,
                                doc.length, doc.text_hash, std::move(doc.title), std::move(doc.url),
                                b.raw.sources[rec.source].input, rec.line});
        DocMeta& meta = result_.docs.back();
        meta.lang = doc.lang;
        meta.beside_figures = doc.beside_figures;
        if (!doc.story_source.empty()) {
            meta.site = site_ids_.try_emplace(doc.story_source, site_ids_.size() + 1).first->second;
        }
        const SigValue* sig = b.signatures.data() + i * cfg_.num_perm;
        signatures_.insert(signatures_.end(), sig, sig + cfg_.num_perm);
        if (cfg_.exact_verify)
            sets_.push_back(std::move(b.sets[i]));
        if (cfg_.story.enabled)
            terms_.push_back(std::move(b.terms[i]));
        uf_.resize(std::size_t{id} + 1);
        return id;
    }

    void link(DocId id, std::span<const std::uint64_t> keys) {
        if (join_exact_copy(id, keys))
            return;
        index_.candidates(keys, candidates_);
        // A crowded bucket (a shared paragraph, a wire template) gives hundreds of candidates
        // whose signatures lie anywhere in memory: each is asked for a few candidates ahead.
        constexpr std::size_t kAhead = 4;
        for (std::size_t k = 0; k < std::min(kAhead, candidates_.size()); ++k)
            prefetch_signature(candidates_[k]);
        for (std::size_t k = 0; k < candidates_.size(); ++k) {
            if (k + kAhead < candidates_.size())
                prefetch_signature(candidates_[k + kAhead]);
            const DocId c = candidates_[k];
            if (uf_.find(c) == uf_.find(id))
                continue;  // already joined through another edge
            ++result_.stats.candidates;
            if (similarity(c, id) >= cfg_.threshold) {
                uf_.unite(c, id);
                ++result_.stats.edges;
            }
        }
        index_.add(id, keys);
    }

    const ScanConfig& cfg_;
    LshIndex index_;
    ScanResult& result_;
    UnionFind uf_;
    std::vector<SigValue> held_signatures_;  ///< preloaded documents', by DocId
    std::vector<SigValue> signatures_;       ///< new documents', document d at d - held
    std::vector<std::vector<ShingleHash>> sets_;
    std::vector<std::vector<TermCode>> terms_;
    std::vector<DocId> candidates_;
    std::unordered_map<std::string, std::uint32_t> site_ids_;  ///< DocMeta::site
    Survey* survey_ = nullptr;
    bool defer_ = false;       ///< link after reading (link_new())
    HeldDocuments held_meta_;  ///< with a lookup: the found held documents' group ids
    /// Held ids and their text hashes (nullopt: stored before the index kept them).
    std::unordered_map<std::string, std::optional<std::uint64_t>> held_ids_;
    detail::SeenIds seen_ids_;  ///< ids of this input so far
};

class LinkStage {
public:
    LinkStage(Linker& linker, BatchPool& pool) : linker_(linker), pool_(pool) {}
    void operator()(BatchPtr b) const {
        linker_.consume(*b);
        pool_.release(b);
    }

private:
    Linker& linker_;
    BatchPool& pool_;
};

/// Finds the site boilerplate of the surveyed documents and signs each document that carries
/// some again without it (in parallel: each document on its own). A document that is nothing
/// but boilerplate keeps its signature: it is still a document, and its copies still match.
void strip_site_boilerplate(const ScanConfig& cfg, const MinHasher& hasher, Survey& survey,
                            Linker& linker,
                            tbb::enumerable_thread_specific<std::unique_ptr<Scratch>>& scratch,
                            ScanStats& stats) {
    const auto start = std::chrono::steady_clock::now();
    survey.spool.flush();
    const Boilerplate found = survey.finder.find(
        [&](std::uint32_t d, std::string& out) { survey.spool.read(survey.texts[d], out); });
    stats.boilerplate_paragraphs = found.size();
    const std::vector<std::uint32_t>& docs = found.documents();
    std::vector<std::uint8_t> stripped(docs.size(), 0);
    const auto sign_range = [&](const tbb::blocked_range<std::size_t>& range) {
        std::unique_ptr<Scratch>& s = scratch.local();
        if (!s)
            s = std::make_unique<Scratch>(cfg.fields, cfg.html);
        s->signature.resize(cfg.num_perm);
        for (std::size_t i = range.begin(); i != range.end(); ++i) {
            const std::uint32_t d = docs[i];
            survey.spool.read(survey.texts[d], s->text);
            if (strip_boilerplate(s->text, survey.sites[d], found, s->stripped) == 0)
                continue;
            const Linker::Slots slot = linker.slots(d);
            TextLanguage lang;
            lang.decided = slot.meta->lang;  // the whole page's: its furniture is of it too
            std::uint16_t beside = 0;
            if (!sign_text(s->stripped, cfg, hasher, *s, s->signature,
                           slot.set != nullptr ? &s->set : nullptr,
                           slot.terms != nullptr ? &s->terms : nullptr, lang, beside))
                continue;
            slot.meta->beside_figures = beside;
            std::copy(s->signature.begin(), s->signature.end(), slot.signature.begin());
            if (slot.set != nullptr)
                slot.set->swap(s->set);
            if (slot.terms != nullptr)
                slot.terms->swap(s->terms);
            *slot.length = s->stripped.size();
            stripped[i] = 1;
        }
    };
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, docs.size(), 16), sign_range);
    stats.boilerplate_docs =
        static_cast<std::uint64_t>(std::count(stripped.begin(), stripped.end(), std::uint8_t{1}));
    stats.boilerplate_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// prepare_story_inputs() from the documents' metadata.
StoryInputs story_inputs(const ScanResult& result, std::span<const std::vector<TermCode>> terms,
                         const StoryOptions& options) {
    const std::vector<DocId>& reps = result.near.representative;
    std::vector<LangCode> langs(reps.size());
    std::vector<std::uint32_t> sites(reps.size());
    std::vector<std::uint16_t> beside(reps.size());
    std::vector<std::uint32_t> sizes(reps.size(), 0);
    for (std::size_t g = 0; g < reps.size(); ++g) {
        const DocMeta& d = result.docs[reps[g]];
        langs[g] = d.lang;
        sites[g] = d.site;
        beside[g] = d.beside_figures;
    }
    for (const std::uint32_t g : result.near.group_of)
        ++sizes[g];
    return prepare_story_inputs(terms, reps, {langs, sites, beside, sizes}, options);
}

/// Story clusters over the near-duplicate groups; without the story level, stories = groups.
/// @param weights the background counts (loaded while the documents were read)
void cluster_story_level(const ScanConfig& cfg, Linker& linker, TermWeights weights,
                         std::span<const RepresentativeKey> keys, ScanResult& result) {
    if (!cfg.story.enabled || cfg.lookup != nullptr) {  // with a lookup: the caller's
        result.story = result.near;
        return;
    }
    const auto start = std::chrono::steady_clock::now();
    const std::vector<DocId>& reps = result.near.representative;
    // Terms still needed: the representatives' until they are weighed, and with
    // keep_document_data the new documents' (an index stores them; the held ones it has).
    const std::size_t not_kept = cfg.keep_document_data ? result.held : result.docs.size();
    linker.release_terms(reps, not_kept);
    const StoryInputs in = story_inputs(result, linker.terms(), cfg.story);
    weights.add_documents(linker.terms(), reps, in.langs);
    weights.finalize();
    const WeightedDocs groups = weigh_documents(linker.terms(), reps, weights, in.weigh_options());
    linker.release_terms({}, not_kept);
    result.story_stats.unweighed = in.unweighed;
    result.story_stats.template_terms = in.templates.size();
    result.story_stats.template_documents = in.template_documents;
    result.story_stats.weights_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.story = cluster_stories(groups, result.near, cfg.story, keys, result.story_stats);
}

void finish_clustering(const ScanConfig& cfg, Linker& linker, TermWeights background,
                       ScanResult& result) {
    std::vector<RepresentativeKey> keys;
    keys.reserve(result.docs.size());
    for (const DocMeta& d : result.docs)
        keys.push_back({d.date, d.length, d.id});
    result.near = make_clustering(linker.union_find(), keys);
    result.similarity.resize(result.docs.size());
    for (std::size_t i = 0; i < result.docs.size(); ++i) {
        const DocId rep = result.near.representative[result.near.group_of[i]];
        result.similarity[i] =
            rep == i ? 1.0F : static_cast<float>(linker.similarity(rep, static_cast<DocId>(i)));
    }
    // The story level needs no signature; with keep_document_data the new documents' are
    // handed back (an index stores them; the held ones it has).
    linker.release_signatures(cfg.keep_document_data);
    cluster_story_level(cfg, linker, std::move(background), keys, result);
}

/// A rough document count from the input sizes (about 2 KB per article, at most 50 million),
/// to size the LSH table once instead of doubling it as documents arrive.
std::uint64_t estimate_documents(const std::vector<InputFile>& inputs) {
    std::uint64_t bytes = 0;
    for (const InputFile& f : inputs) {
        if (f.path == "-" || !f.error.empty())
            continue;
        // file_size() of a pipe (a shell's <(...)) fails and returns -1: sizing the table for
        // 50 million documents from it cost 16 s of page clearing for one small input.
        std::error_code ec;
        const std::uintmax_t size = std::filesystem::file_size(f.path, ec);
        if (!ec)
            bytes += size * (f.compression == Compression::kNone ? 1 : 4);
    }
    return std::min<std::uint64_t>(bytes / 2048, 50'000'000);
}

using Scratches = tbb::enumerable_thread_specific<std::unique_ptr<Scratch>>;
/// Makes the pipeline's first filters, which hand signed batches (from `pool`) to the link stage.
using FrontFilters = std::function<tbb::filter<void, BatchPtr>(
    BatchPool& pool, Scratches& scratch, const MinHasher& hasher, LshParams lsh)>;

/// The result's LSH parameters: a threshold of 1 is 0.99's (choose_params() needs < 1).
LshParams scan_lsh(const ScanConfig& config) {
    return choose_params(config.threshold < 1.0 ? config.threshold : 0.99, config.num_perm);
}

std::uint32_t scan_threads(const ScanConfig& config) {
    return config.threads > 0 ? config.threads
                              : static_cast<std::uint32_t>(tbb::info::default_concurrency());
}

/// The scan after its first filters: the link stage in the pipeline, then site boilerplate,
/// held documents, clustering and the story level.
ScanResult link_scan(const ScanConfig& config, std::uint64_t expected_docs,
                     const FrontFilters& front) {
    const auto start = std::chrono::steady_clock::now();
    NEARDUP_CHECK(config.threshold > 0.0 && config.threshold <= 1.0,
                  "--threshold must be in (0, 1]");
    NEARDUP_CHECK(config.lookup == nullptr ||
                      (config.held == nullptr && !config.exact_verify && config.keep_document_data),
                  "a held-document lookup goes without `held` and exact_verify, and keeps the "
                  "documents' data");
    const MinHasher hasher(config.num_perm, config.seed);
    ScanResult result;
    result.lsh = scan_lsh(config);
    const std::uint32_t threads = scan_threads(config);
    tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, threads);

    BatchPool pool;
    Scratches scratch;
    std::unique_ptr<Survey> survey;
    if (config.site_boilerplate)
        survey = std::make_unique<Survey>(config.boilerplate);
    Linker linker(config, result.lsh, result, survey.get());
    linker.reserve(expected_docs, config.held != nullptr ? config.held->size() : 0);
    if (config.held != nullptr)
        linker.preload(*config.held);

    auto link = tbb::make_filter<BatchPtr, void>(tbb::filter_mode::serial_in_order,
                                                 LinkStage(linker, pool));
    // The background table (a few ms to parse) loads meanwhile, on a thread the pipeline
    // leaves idle (it starts with one batch being read). Should the pipeline throw, the
    // task_group's destructor cancels and waits for the load before `background` goes.
    TermWeights background;
    tbb::task_group loading;
    if (config.story.enabled)
        loading.run([&background] { background = TermWeights::with_background(); });
    tbb::parallel_pipeline(std::size_t{threads} * 4,
                           front(pool, scratch, hasher, result.lsh) & link);
    if (survey) {
        strip_site_boilerplate(config, hasher, *survey, linker, scratch, result.stats);
        survey.reset();
    }
    if (config.lookup != nullptr) {
        linker.prepend_held();
        result.held_near = std::move(linker.held_meta().near);
        result.held_story = std::move(linker.held_meta().story);
    }
    result.site_names = linker.site_names();
    if (config.site_boilerplate || config.lookup != nullptr)
        linker.link_new();
    loading.wait();

    result.stats.docs = result.docs.size() - result.held;  // new documents only
    linker.drop_index();
    finish_clustering(config, linker, std::move(background), result);
    if (config.keep_document_data)
        linker.release_into(result);
    result.stats.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

/// The signed batches' encoded bytes, in input order (serial: the files are read in order).
class EncodedSource {
public:
    EncodedSource(const std::function<bool(std::string&)>& next, BatchPool& pool)
        : next_(next), pool_(pool) {}
    BatchPtr operator()(tbb::flow_control& fc) const {
        Batch* b = pool_.acquire();
        if (!next_(b->encoded)) {
            pool_.release(b);
            fc.stop();
            return nullptr;
        }
        return b;
    }

private:
    const std::function<bool(std::string&)>& next_;
    BatchPool& pool_;
};

/// Decodes a batch (in parallel) and makes its band keys from its signatures (a file of signed
/// batches keeps no keys: they are quick to make again).
class DecodeStage {
public:
    DecodeStage(const std::function<void(std::string_view, SignedBatch&)>& decode, LshParams lsh,
                std::uint32_t num_perm)
        : decode_(decode), lsh_(lsh), num_perm_(num_perm) {}
    BatchPtr operator()(BatchPtr b) const {
        decode_(b->encoded, *b);
        const std::size_t n = b->docs.size();
        NEARDUP_CHECK(b->raw.records.size() == n && b->signatures.size() == n * num_perm_,
                      "a signed batch's records, documents and signatures disagree");
        b->keys.resize(n * lsh_.bands);
        for (std::size_t i = 0; i < n; ++i) {
            if (b->docs[i].skip == SkipReason::kNone) {
                band_keys(std::span(b->signatures.data() + i * num_perm_, num_perm_), lsh_,
                          std::span(b->keys.data() + i * lsh_.bands, lsh_.bands));
            }
            b->docs[i].id_key = detail::SeenIds::key_of(b->docs[i].id);
        }
        return b;
    }

private:
    const std::function<void(std::string_view, SignedBatch&)>& decode_;
    LshParams lsh_;
    std::uint32_t num_perm_;
};

/// Hands each signed batch to a sink, in input order, and gives the batch back to the pool.
class SinkStage {
public:
    SinkStage(const std::function<void(const SignedBatch&)>& sink, BatchPool& pool)
        : sink_(sink), pool_(pool) {}
    void operator()(BatchPtr b) const {
        sink_(*b);
        pool_.release(b);
    }

private:
    const std::function<void(const SignedBatch&)>& sink_;
    BatchPool& pool_;
};

/// The scan's first two filters: read (serial, in input order), then sign (parallel).
tbb::filter<void, BatchPtr> read_and_sign(const ScanConfig& config, RecordReader& reader,
                                          BatchPool& pool, Scratches& scratch,
                                          const MinHasher& hasher, LshParams lsh,
                                          std::int64_t now) {
    return tbb::make_filter<void, BatchPtr>(tbb::filter_mode::serial_in_order,
                                            ReadStage(reader, pool)) &
           tbb::make_filter<BatchPtr, BatchPtr>(tbb::filter_mode::parallel,
                                                SignStage(config, hasher, lsh, now, scratch));
}

}  // namespace

ScanResult run_scan(const ScanConfig& config, std::vector<InputFile> inputs) {
    const std::uint64_t expected_docs = estimate_documents(inputs);
    RecordReader reader(std::move(inputs), config.reader);
    const std::int64_t now = config.now.value_or(clock_seconds());
    return link_scan(
        config, expected_docs,
        [&](BatchPool& pool, Scratches& scratch, const MinHasher& hasher, LshParams lsh) {
            return read_and_sign(config, reader, pool, scratch, hasher, lsh, now);
        });
}

ScanResult scan_signed(const ScanConfig& config, std::uint64_t expected_docs,
                       const std::function<bool(std::string&)>& next,
                       const std::function<void(std::string_view, SignedBatch&)>& decode) {
    NEARDUP_CHECK(config.held == nullptr && config.lookup == nullptr,
                  "a scan of signed batches holds no documents");
    return link_scan(
        config, expected_docs, [&](BatchPool& pool, Scratches&, const MinHasher&, LshParams lsh) {
            return tbb::make_filter<void, BatchPtr>(tbb::filter_mode::serial_in_order,
                                                    EncodedSource(next, pool)) &
                   tbb::make_filter<BatchPtr, BatchPtr>(tbb::filter_mode::parallel,
                                                        DecodeStage(decode, lsh, config.num_perm));
        });
}

void sign_inputs(const ScanConfig& config, std::vector<InputFile> inputs,
                 const std::function<void(const SignedBatch&)>& sink) {
    const MinHasher hasher(config.num_perm, config.seed);
    const LshParams lsh = scan_lsh(config);
    const std::uint32_t threads = scan_threads(config);
    tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, threads);
    RecordReader reader(std::move(inputs), config.reader);
    BatchPool pool;
    Scratches scratch;
    const std::int64_t now = config.now.value_or(clock_seconds());
    // Band keys are made here too, unused: a file of signed batches keeps none (the link
    // makes them again from the signatures, a small share of its work).
    tbb::parallel_pipeline(std::size_t{threads} * 4,
                           read_and_sign(config, reader, pool, scratch, hasher, lsh, now) &
                               tbb::make_filter<BatchPtr, void>(tbb::filter_mode::serial_in_order,
                                                                SinkStage(sink, pool)));
}

}  // namespace neardup
