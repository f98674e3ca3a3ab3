// neardup explain: why two documents are, or are not, grouped (near and story level).
#include <chrono>
#include <filesystem>
#include <iostream>

#include "commands.hpp"
#include "neardup/core/error.hpp"
#include "neardup/core/escape.hpp"
#include "neardup/io/input.hpp"
#include "neardup/io/parse.hpp"
#include "neardup/lang/language.hpp"
#include "neardup/pipeline/explain.hpp"
#include "neardup/report/output_file.hpp"
#include "neardup/report/writers.hpp"
#include "neardup/store/index.hpp"
#include "neardup/text/date.hpp"
#include "scan_common.hpp"

namespace neardup::cli {
namespace {

constexpr const char* kUsage =
    "Usage: neardup explain [options] DOC_A DOC_B\n"
    "\n"
    "Says why two documents are, or are not, grouped, computed the way scan computes it.\n"
    "A DOC is a file (a web page, a text, a JSONL file of one line) or a 'source' value of\n"
    "neardup's output: FILE:LINE for a JSONL line. Near level: the estimated and the exact\n"
    "shingle Jaccard, the LSH bands that collide, the longest passages the two share. Story\n"
    "level: the weighted Jaccard of their content terms, the shared terms by weight, and the\n"
    "thresholds it passes or misses. With --db, the index's settings and its articles' term\n"
    "frequencies are used. The two are read alone: no site boilerplate is taken out.\n"
    "Each document's date is shown as a scan takes it; a date given but not taken says why\n"
    "(not read; after the run's time, with a day of slack; before 1990).\n"
    "Text by default, --format json for one JSON object.";

/// The index's settings for what the features depend on (num_perm, seed, shingle) and its
/// term counts for the weights.
void use_index(const std::string& db, ScanCli& c, TermWeights& weights) {
    IndexStore store(db, IndexStore::Mode::kRead, false);
    const IndexSettings s = store.settings();
    c.cfg.num_perm = store.num_perm();
    if (const auto seed = s.find("seed"); seed != s.end())
        c.cfg.seed = parse_count(seed->second, "the index's seed", 0, UINT64_MAX);
    if (const auto shingle = s.find("shingle"); shingle != s.end())
        c.cfg.shingle = parse_shingle_spec(shingle->second);
    // The counts a night weighs by: term_df, over the held near groups' representatives.
    if (!store.state("story_keys")) {
        const HeldDocuments held = store.load(std::nullopt, c.cfg.num_perm);  // before v4
        for (const std::vector<TermCode>& terms : held.terms)
            weights.add_document(terms);
        return;
    }
    store.for_each_term_df(
        [&weights](std::uint32_t term, std::uint32_t df) { weights.add_count(term, df); });
    for (const auto& [lang, n] : store.story_documents_by_language())
        weights.add_documents_count(n, lang);
}

std::string verdict(bool yes, const char* pass, const char* miss) { return yes ? pass : miss; }

/// A document's date as a scan at `now` takes it, and when one was given but is not taken, why.
struct DateView {
    std::optional<std::int64_t> date;  ///< the date the scan uses
    std::string given;                 ///< the date given, when it is not used
    std::string why;                   ///< why not: "not read", "after the run's time", ...
};

DateView date_view(const ParsedDoc& d, std::int64_t now) {
    if (!d.date) {
        if (d.unreadable_date.empty())
            return {};
        return {std::nullopt, d.unreadable_date, "not a date neardup reads"};
    }
    const DateDoubt doubt = doubt_date(*d.date, now);
    if (doubt == DateDoubt::kNone)
        return {d.date, {}, {}};
    return {std::nullopt, format_iso8601(*d.date), std::string(date_doubt_reason(doubt))};
}

/// "date 2026-12-01T08:30:00Z", "date 2099-01-01T00:00:00Z ignored: after the run's time",
/// "date 'last tuesday' ignored: not a date neardup reads", "no date".
std::string date_text(const DateView& v) {
    if (v.date)
        return "date " + format_iso8601(*v.date);
    if (v.given.empty())
        return "no date";
    const bool iso = v.why != "not a date neardup reads";
    return "date " + (iso ? v.given : "'" + escape_for_terminal(v.given) + "'") +
           " ignored: " + v.why;
}

void write_text(const Doc& a, const Doc& b, const PairExplanation& e, const ScanCli& c,
                std::int64_t now, std::ostream& out) {
    const char* kind = c.cfg.shingle.kind == ShingleKind::kWords ? "word" : "character";
    out << "A  " << a.where << (a.parsed.title.empty() ? "" : "  \"" + a.parsed.title + "\"")
        << "\n   " << date_text(date_view(a.parsed, now)) << "\nB  " << b.where
        << (b.parsed.title.empty() ? "" : "  \"" + b.parsed.title + "\"") << "\n   "
        << date_text(date_view(b.parsed, now)) << "\n\nnear level (" << kind << " "
        << c.cfg.shingle.size << "-shingles, threshold " << format_fixed(e.threshold, 2) << ", LSH "
        << e.lsh.bands << " bands x " << e.lsh.rows << " rows)\n";
    out << "  estimated Jaccard  " << format_fixed(e.estimated, 4) << "  (" << c.cfg.num_perm
        << " MinHash slots)\n";
    out << "  exact Jaccard      " << format_fixed(e.exact, 4) << "  (" << e.shingles_shared
        << " shingles shared of " << e.shingles_a << " and " << e.shingles_b << ")\n";
    out << "  bands colliding    " << e.bands.size() << " of " << e.lsh.bands;
    if (!e.bands.empty()) {
        out << " (";
        for (std::size_t i = 0; i < e.bands.size(); ++i)
            out << (i == 0 ? "" : " ") << e.bands[i] + 1;
        out << ")";
    }
    out << "; a pair this similar collides with probability "
        << format_fixed(e.candidate_probability, 3) << "\n";
    out << "  verdict            "
        << (e.near            ? "near duplicates: candidates, and at or over the threshold"
            : e.bands.empty() ? "not near duplicates: no band collides (never compared)"
                              : "not near duplicates: compared, under the threshold")
        << "\n";
    if (!e.passages.empty()) {
        out << "  longest shared passages\n";
        for (std::size_t i = 0; i < e.passages.size(); ++i)
            out << "    " << i + 1 << ". " << e.passages[i].words << " words: \""
                << e.passages[i].text << "\"\n";
    }
    out << "\nstory level (IDF-weighted content terms: " << e.terms_a << " and " << e.terms_b
        << ")\n";
    out << "  languages          " << language_name(e.lang_a) << " and " << language_name(e.lang_b);
    if (e.lang_a != e.lang_b)
        out << ": different languages are never one story";
    out << "\n";
    for (const auto& [lang, weighable] :
         {std::pair{e.lang_a, e.weighable_a}, {e.lang_b, e.weighable_b}}) {
        if (!weighable) {
            out << "  " << language_name(lang)
                << ": no term weights (English has a table; another language needs "
                << c.cfg.story.min_language_documents
                << " near groups in the run or index): no story links in a scan\n";
        }
    }
    out << "  weighted Jaccard   " << format_fixed(e.weighted, 4) << "\n";
    out << "  --story-threshold  " << format_fixed(e.edge_threshold, 2) << ": "
        << verdict(e.weighted >= e.edge_threshold, "passes (the two stories are linked)",
                   "misses (not linked directly)")
        << "\n";
    out << "  --story-link       " << format_fixed(e.link_threshold, 2) << ": "
        << verdict(e.weighted >= e.link_threshold,
                   "passes (may stay together inside one linked story)",
                   "misses (kept apart even when linked through others)")
        << "\n";
    if (!e.story_enabled)
        out << "  (the story level is off: --no-story)\n";
    if (!e.shared_terms.empty()) {
        out << "  shared terms (weight; name: written as a name)\n";
        for (const SharedTerm& t : e.shared_terms)
            out << "    " << t.term << "  " << format_fixed(t.weight, 2) << (t.name ? "  name" : "")
                << "\n";
    }
}

/// ,"date_a":"..."|null,"date_a_ignored":{"date":"...","why":"..."}|null
void append_json_date(std::string& s, const char* key, const DateView& v) {
    s += std::string(",\"") + key + "\":";
    if (v.date)
        append_json_string(s, format_iso8601(*v.date));
    else
        s += "null";
    s += std::string(",\"") + key + "_ignored\":";
    if (v.given.empty()) {
        s += "null";
        return;
    }
    s += "{\"date\":";
    append_json_string(s, v.given);
    s += ",\"why\":";
    append_json_string(s, v.why);
    s += "}";
}

void write_json(const Doc& a, const Doc& b, const PairExplanation& e, const ScanCli& c,
                std::int64_t now, std::ostream& out) {
    std::string s = "{\"a\":";
    append_json_string(s, a.where);
    s += ",\"b\":";
    append_json_string(s, b.where);
    append_json_date(s, "date_a", date_view(a.parsed, now));
    append_json_date(s, "date_b", date_view(b.parsed, now));
    s += ",\"near\":{\"shingle\":";
    append_json_string(
        s, std::string(c.cfg.shingle.kind == ShingleKind::kWords ? "words:" : "chars:") +
               std::to_string(c.cfg.shingle.size));
    s += ",\"threshold\":" + format_fixed(e.threshold, 4) +
         ",\"bands\":" + std::to_string(e.lsh.bands) + ",\"rows\":" + std::to_string(e.lsh.rows) +
         ",\"estimated\":" + format_fixed(e.estimated, 4) +
         ",\"exact\":" + format_fixed(e.exact, 4) +
         ",\"shingles_a\":" + std::to_string(e.shingles_a) +
         ",\"shingles_b\":" + std::to_string(e.shingles_b) +
         ",\"shingles_shared\":" + std::to_string(e.shingles_shared) + ",\"colliding_bands\":[";
    for (std::size_t i = 0; i < e.bands.size(); ++i)
        s += (i == 0 ? "" : ",") + std::to_string(e.bands[i] + 1);
    s += "],\"candidate_probability\":" + format_fixed(e.candidate_probability, 4) +
         ",\"near_duplicates\":" + (e.near ? "true" : "false") + ",\"passages\":[";
    for (std::size_t i = 0; i < e.passages.size(); ++i) {
        s += (i == 0 ? "{\"words\":" : ",{\"words\":") + std::to_string(e.passages[i].words) +
             ",\"text\":";
        append_json_string(s, e.passages[i].text);
        s += "}";
    }
    s += "]},\"story\":{\"enabled\":" + std::string(e.story_enabled ? "true" : "false") +
         ",\"weighted_jaccard\":" + format_fixed(e.weighted, 4) +
         ",\"story_threshold\":" + format_fixed(e.edge_threshold, 4) +
         ",\"story_link\":" + format_fixed(e.link_threshold, 4) +
         ",\"passes_story_threshold\":" + (e.weighted >= e.edge_threshold ? "true" : "false") +
         ",\"passes_story_link\":" + (e.weighted >= e.link_threshold ? "true" : "false") +
         ",\"lang_a\":\"" + language_name(e.lang_a) + "\",\"lang_b\":\"" + language_name(e.lang_b) +
         "\",\"weighable_a\":" + (e.weighable_a ? "true" : "false") +
         ",\"weighable_b\":" + (e.weighable_b ? "true" : "false") +
         ",\"terms_a\":" + std::to_string(e.terms_a) + ",\"terms_b\":" + std::to_string(e.terms_b) +
         ",\"shared_terms\":[";
    for (std::size_t i = 0; i < e.shared_terms.size(); ++i) {
        s += i == 0 ? "{\"term\":" : ",{\"term\":";
        append_json_string(s, e.shared_terms[i].term);
        s += ",\"weight\":" + format_fixed(e.shared_terms[i].weight, 4) +
             ",\"name\":" + (e.shared_terms[i].name ? "true" : "false") + "}";
    }
    s += "]}}\n";
    out << s;
}

}  // namespace

int cmd_explain(const std::vector<std::string>& args) {
    namespace po = boost::program_options;
    ScanCli c;
    std::string db;
    std::vector<std::string> docs;
    po::options_description opts("Options");
    opts.add_options()("help,h", "show this help")(
        "format,f", po::value(&c.format)->default_value("text"), "text or json")(
        "output,o", po::value(&c.output)->default_value("-"), "write to FILE")(
        "db", po::value(&db), "use the index's settings and its articles' term frequencies");
    opts.add(matching_options(c, true, false));
    po::options_description hidden;
    hidden.add_options()("doc", po::value(&docs), "documents");
    po::positional_options_description pos;
    pos.add("doc", -1);
    po::variables_map vm;
    if (!parse_args(args, kUsage, opts, pos, vm, &hidden))
        return kExitOk;
    if (docs.size() != 2)
        throw UsageError("explain takes two documents, DOC_A DOC_B (" +
                         std::to_string(docs.size()) + " given)");
    if (c.format != "text" && c.format != "json")
        throw UsageError("unknown --format '" + c.format + "': expected text or json");
    finish_config(c, vm);
    TermWeights weights = TermWeights::with_background();
    if (!db.empty())
        use_index(db, c, weights);
    const Doc a = read_document(docs[0], c);
    const Doc b = read_document(docs[1], c);
    // Each in its language, decided as a scan decides it.
    const auto language = [](const ParsedDoc& d) {
        return language_of_text(d.text, language_code(d.stated_lang), language_code(d.lang));
    };
    const LangCode lang_a = language(a.parsed);
    const LangCode lang_b = language(b.parsed);
    weights.add_document(story_terms_of(a.parsed.text, c.cfg.normalize, lang_a), lang_a);
    weights.add_document(story_terms_of(b.parsed.text, c.cfg.normalize, lang_b), lang_b);
    weights.finalize();
    const PairExplanation e =
        explain_pair(a.parsed.text, b.parsed.text, c.cfg, weights, 3, 15, lang_a, lang_b);
    OutputFile out(c.output);
    const std::int64_t now = clock_seconds();  // the run's time, which dates are judged against
    if (c.format == "json")
        write_json(a, b, e, c, now, out.stream());
    else
        write_text(a, b, e, c, now, out.stream());
    out.commit();
    return kExitOk;
}

}  // namespace neardup::cli
