// Site boilerplate: paragraphs that recur across different articles of one site.
//
// A page extractor sees one page; it cannot know that "Sign up for our newsletter", an author's
// bio or "(c) 2025 Example Media" are on every article of the site. This stage looks at all the
// documents of a run first: each document's paragraphs (its lines, or its hard-wrapped lines
// joined; compared without ASCII case and end spaces) are counted per site, and a paragraph is
// boilerplate when at least `min_articles` *different articles* of the site carry it.
//
// Copies must not count: a syndicated or lightly edited copy shares its paragraphs with the
// original because it is the same article, and finding those copies is the point. Two documents
// are the same article when their word sketches (32 one-permutation MinHash values of word
// 3-grams, text and template together) agree in at least `same_article` of the places, and so
// do the sketches of what each has of its own: its paragraphs carried by fewer than a third of
// the site's documents (or fewer than five), read back from the text. The first test alone
// fails when a template is most of its pages' text (a block of long paragraphs the extractor
// keeps beside a 50-word article): every page looks like a copy of every other, and the
// template stayed, so different short articles were near duplicates (issue 22). An article's
// copies on one site share what they have of their own; different articles on one template
// do not. Two documents with under 120 bytes of their own each (a time stamp, a sign-off) are
// judged by the first test alone; one with an article of its own and one without (a page whose
// extraction kept only the template) are different. Two documents whose headlines (given to
// add()) share under half their words are different articles whatever their texts: pages
// whose extraction kept the same block of the site instead of their short articles differ in
// nothing else (at 30 short articles on each of 138 real templates, 21 false near pairs -> 0).
// The price: one story published twice on one site under two different headlines is two
// articles, and what they share is taken out as the site's. Among a paragraph's carriers, in
// input order, a document counts when it is the same article as none counted before.
//
// A site is the host of the document's URL (a JSON record's url field), else the folder the
// input was found under (input.hpp: InputFile::site). A URL the page claims for itself (its
// canonical URL or og:url) sets the site only when its host is that folder's name
// ("pages/example.com/"): a page from anywhere could claim another site and have that site's
// article paragraphs counted as recurring, and stripped, as its boilerplate.
//
// Memory until find(): 12 bytes per paragraph (about 30 per article; at most 1024 are kept, the
// first and the last 512), 128 per document and 4 per headline word (at most 32); find() adds
// a sketch per document it reads back; then the boilerplate paragraphs' keys. Deterministic:
// documents are taken in the order given.
//
// Example:
//   neardup::BoilerplateFinder finder;
//   for (each document d in input order)
//       finder.add(finder.site_id(site_of(url, fallback)), paragraphs(text), sketch_words(text));
//   const neardup::Boilerplate found = finder.find();
//   strip_boilerplate(text, site, found, out);
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "neardup/core/flat_table.hpp"

namespace neardup {

/// One paragraph of a document: the hash of its folded text and its length in bytes.
struct Paragraph {
    std::uint64_t hash = 0;
    std::uint32_t length = 0;
};

/// The site of a document: the URL's host (lower case, without "www." and port), or
/// `fallback` when `url` names none.
[[nodiscard]] std::string site_of(std::string_view url, std::string_view fallback);

/// The site of a document whose `url` it claims itself (a page's canonical URL): its host when
/// that is the name of `folder_site`'s last folder (without "www."), else `folder_site`.
[[nodiscard]] std::string site_of_claimed(std::string_view url, std::string_view folder_site);

/// Appends the paragraphs of `text` (its non-blank lines; in a hard-wrapped text, whose lines
/// are all short, the lines of a paragraph joined) to `out`, in order.
void split_paragraphs(std::string_view text, std::vector<Paragraph>& out);

/// What tells one article from another: one-permutation MinHash of the word 3-grams.
struct WordSketch {
    static constexpr std::size_t kSize = 32;
    std::array<std::uint32_t, kSize> values{};  ///< 0: no 3-gram fell into that place
};

/// The sketch of a text's words (ASCII letters and digits folded, other bytes as they are).
[[nodiscard]] WordSketch sketch_words(std::string_view text);

/// The share of the places where both sketches have a value and agree (0 when none has).
[[nodiscard]] double sketch_similarity(const WordSketch& a, const WordSketch& b) noexcept;

/// The boilerplate paragraphs of each site.
class Boilerplate {
public:
    [[nodiscard]] bool contains(std::uint32_t site, std::uint64_t paragraph) const {
        return keys_.size() != 0 && keys_.find(slot_key(site, paragraph)) != nullptr;
    }
    [[nodiscard]] std::size_t size() const noexcept { return keys_.size(); }
    /// The documents (numbered as added to the finder, ascending) that carry any of it.
    [[nodiscard]] const std::vector<std::uint32_t>& documents() const noexcept {
        return documents_;
    }
    void insert(std::uint32_t site, std::uint64_t paragraph) {
        keys_.upsert(slot_key(site, paragraph)) = 1;
    }
    /// A (site, paragraph) pair as one number.
    [[nodiscard]] static std::uint64_t key(std::uint32_t site, std::uint64_t paragraph) noexcept {
        return paragraph ^ (0x9E3779B97F4A7C15ULL * (std::uint64_t{site} + 1));
    }

    /// key() as a table key: never 0 (FlatTable's empty slot).
    [[nodiscard]] static std::uint64_t slot_key(std::uint32_t site, std::uint64_t paragraph) {
        const std::uint64_t k = key(site, paragraph);
        return k == 0 ? 1 : k;
    }

private:
    friend class BoilerplateFinder;
    FlatTable<std::uint64_t, std::uint8_t, 0> keys_;
    std::vector<std::uint32_t> documents_;
};

struct BoilerplateOptions {
    /// Different articles of a site that carry it. Two, not three: a folder of pages saved from
    /// many sites is one site, and two pages of one real site in it share their furniture
    /// ("About Ascom ...", a listing of the site's other stories) with nobody else. On the 311
    /// shared pages, 36 -> 32 pages in a story not theirs; on scripts/eval_templates.py, three
    /// copies on three templates in one near group 0.95 -> 1.00, false near pairs 0 either way.
    std::uint32_t min_articles = 2;
    double same_article = 0.5;  ///< sketch similarity from which two are one article
};

class BoilerplateFinder {
public:
    explicit BoilerplateFinder(BoilerplateOptions options = {}) : options_(options) {}

    /// A small number for a site name (the same name, the same number).
    [[nodiscard]] std::uint32_t site_id(const std::string& site);

    /// Records the next document (documents are numbered 0, 1, ... in the order added).
    /// `title`: its headline, when it has one (two pages with nothing of their own but their
    /// headlines are one article only when those agree).
    void add(std::uint32_t site, std::span<const Paragraph> paragraphs, const WordSketch& sketch,
             std::string_view title = {});

    [[nodiscard]] std::size_t documents() const noexcept { return doc_site_.size(); }

    /// Reads document `d`'s text (as added) into `out`.
    using TextReader = std::function<void(std::uint32_t d, std::string& out)>;

    /// Finds the boilerplate; the recorded documents are freed. `text_of` reads back the
    /// texts of the documents whose whole-text sketches call them copies, to compare what
    /// each has of its own.
    [[nodiscard]] Boilerplate find(const TextReader& text_of);

private:
    struct Judge;

    [[nodiscard]] std::span<const std::uint32_t> title_of(std::size_t doc) const {
        return {title_words_.data() + title_start_[doc], title_start_[doc + 1] - title_start_[doc]};
    }
    [[nodiscard]] std::span<const Paragraph> paragraphs_of(std::size_t doc) const {
        return {paragraphs_.data() + doc_start_[doc], doc_start_[doc + 1] - doc_start_[doc]};
    }

    BoilerplateOptions options_;
    std::unordered_map<std::string, std::uint32_t> sites_;
    std::vector<Paragraph> paragraphs_;
    std::vector<std::size_t> doc_start_{0};
    std::vector<std::uint32_t> doc_site_;
    std::vector<WordSketch> sketches_;
    std::vector<std::uint32_t> title_words_;   ///< each title's word hashes, sorted, unique
    std::vector<std::size_t> title_start_{0};  ///< by document, into title_words_
};

/// Writes `text` without its boilerplate lines to `out`; returns how many lines were dropped.
/// Leaves `out` empty (and returns 0) when nothing is dropped.
std::size_t strip_boilerplate(std::string_view text, std::uint32_t site, const Boilerplate& found,
                              std::string& out);

}  // namespace neardup
