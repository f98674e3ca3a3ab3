#include "neardup/boilerplate/site.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <unordered_map>
#include <utility>

#include "neardup/core/flat_table.hpp"
#include "neardup/core/hash.hpp"

namespace neardup {
namespace {

constexpr std::uint64_t kParagraphSeed = 0x6E65617264757021ULL;

[[nodiscard]] constexpr bool is_space(unsigned char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n';
}

/// The hash of a paragraph as compared: ASCII case folded, without white space at its ends;
/// length 0 for a blank one. Digits stay: numbers are what tells one earnings report or match
/// result from the next. (No further folding: the loop is branch-free, so the compiler
/// vectorizes it, and it runs over every byte of the run.)
Paragraph fold_paragraph(std::string_view text, std::string& folded) {
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (begin < end && is_space(static_cast<unsigned char>(text[begin])))
        ++begin;
    while (end > begin && is_space(static_cast<unsigned char>(text[end - 1])))
        --end;
    const std::size_t length = end - begin;
    if (length == 0)
        return {};
    if (folded.size() < length)
        folded.resize(std::max(length, 2 * folded.size()));
    const auto* in = reinterpret_cast<const unsigned char*>(text.data() + begin);
    auto* out = reinterpret_cast<unsigned char*>(folded.data());
    for (std::size_t i = 0; i < length; ++i) {
        const unsigned char c = in[i];
        out[i] =
            static_cast<unsigned char>(c | (static_cast<unsigned char>(c - 'A') < 26 ? 0x20 : 0));
    }
    return {hash_bytes(out, length, kParagraphSeed), static_cast<std::uint32_t>(length)};
}

[[nodiscard]] std::string_view trim_right(std::string_view s) noexcept {
    while (!s.empty() && is_space(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

/// Whether `line` of a hard-wrapped text is wrapped into `next`: a long line that ends inside a
/// sentence, followed by one that does not start a new (indented) paragraph. Wrapped lines are
/// parts of one paragraph: "said." alone on a line is no boilerplate.
[[nodiscard]] bool wraps_into(std::string_view line, std::string_view next) noexcept {
    constexpr std::size_t kWrappedLine = 40;
    line = trim_right(line);
    if (line.size() < kWrappedLine || next.empty() || is_space(static_cast<unsigned char>(next[0])))
        return false;
    constexpr std::string_view kSentenceEnd = ".!?:;\"')]";
    return kSentenceEnd.find(line.back()) == std::string_view::npos &&
           !line.ends_with("\xE2\x80\x9D") && !line.ends_with("\xE2\x80\x99");  // ” ’
}

/// Calls fn(paragraph, start, end) for each paragraph: a line, or in a hard-wrapped text the
/// lines wrapped into one.
/// [start, end) is its span in `text` without the final newline.
[[nodiscard]] std::size_t line_end(std::string_view text, std::size_t from) noexcept {
    const std::size_t end = text.find('\n', from);
    return end == std::string_view::npos ? text.size() : end;
}

/// A text wrapped at a fixed width (a text file at 70 columns): all its lines are short. A
/// scraped page's paragraphs are lines of hundreds of bytes.
[[nodiscard]] bool is_hard_wrapped(std::string_view text) noexcept {
    constexpr std::size_t kMaxWrappedLine = 100;
    for (std::size_t start = 0; start <= text.size();) {
        const std::size_t end = line_end(text, start);
        if (end - start > kMaxWrappedLine)
            return false;
        start = end + 1;
    }
    return true;
}

/// Calls fn(paragraph, start, end) for each paragraph: a line, or the lines wrapped into one.
/// [start, end) is its span in `text` without the final newline.
template <typename Fn>
void for_each_paragraph(std::string_view text, Fn&& fn) {
    const bool wrapped = is_hard_wrapped(text);
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t line_start = start;
        std::size_t end = line_end(text, start);
        while (wrapped && end < text.size()) {
            const std::size_t next_end = line_end(text, end + 1);
            if (!wraps_into(text.substr(line_start, end - line_start),
                            text.substr(end + 1, next_end - end - 1)))
                break;
            line_start = end + 1;
            end = next_end;
        }
        fn(text.substr(start, end - start), start, end);
        start = end + 1;
    }
}

/// Calls `fn` with the FNV-1a hash of each word of `text` in order: runs of ASCII letters
/// (case folded), digits and non-ASCII bytes.
template <typename Fn>
void for_each_word_hash(std::string_view text, Fn&& fn) {
    std::uint64_t h = 0;
    bool in_word = false;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        const auto lower = static_cast<unsigned char>(c | 0x20U);
        const bool letter = lower >= 'a' && lower <= 'z';
        if (!letter && !(c >= '0' && c <= '9') && c < 0x80) {
            if (in_word)
                fn(h);
            h = 0;
            in_word = false;
            continue;
        }
        h = (h ^ (letter ? lower : c)) * 0x100000001B3ULL;  // FNV-1a
        in_word = true;
    }
    if (in_word)
        fn(h);
}

}  // namespace

std::string site_of(std::string_view url, std::string_view fallback) {
    const std::size_t scheme = url.find("://");
    if (scheme == std::string_view::npos || scheme == 0)
        return std::string(fallback);
    std::string_view rest = url.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos)
        rest.remove_prefix(at + 1);            // user:password@
    if (!rest.empty() && rest.front() == '[')  // an IPv6 literal: up to its ']'
        rest = rest.substr(
            0, rest.find(']') == std::string_view::npos ? rest.size() : rest.find(']') + 1);
    else
        rest = rest.substr(0, rest.find(':'));
    std::string host;
    for (char c : rest)
        host.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c);
    if (host.rfind("www.", 0) == 0)
        host.erase(0, 4);
    return host.empty() ? std::string(fallback) : host;
}

std::string site_of_claimed(std::string_view url, std::string_view folder_site) {
    std::string_view folder = folder_site;
    while (!folder.empty() && folder.back() == '/')
        folder.remove_suffix(1);
    const std::size_t slash = folder.rfind('/');
    const std::string_view name =
        slash == std::string_view::npos ? folder : folder.substr(slash + 1);
    const std::string host = site_of(url, "");
    if (!host.empty() && host == site_of("http://" + std::string(name), ""))
        return host;
    return std::string(folder_site);
}

void split_paragraphs(std::string_view text, std::vector<Paragraph>& out) {
    std::string folded;
    for_each_paragraph(text, [&](std::string_view line, std::size_t, std::size_t) {
        const Paragraph p = fold_paragraph(line, folded);
        if (p.length > 0)
            out.push_back(p);
    });
}

std::uint32_t BoilerplateFinder::site_id(const std::string& site) {
    return sites_.try_emplace(site, static_cast<std::uint32_t>(sites_.size())).first->second;
}

namespace {

/// The hashes of a headline's words (sketch_words()' words), sorted and unique; at most 32.
void title_words(std::string_view title, std::vector<std::uint32_t>& out) {
    const std::size_t from = out.size();
    for_each_word_hash(title, [&](std::uint64_t h) {
        if (out.size() - from < 32)
            out.push_back(static_cast<std::uint32_t>(mix64(h)));
    });
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(from), out.end());
    out.erase(std::unique(out.begin() + static_cast<std::ptrdiff_t>(from), out.end()), out.end());
}

/// Jaccard of two sorted word sets.
double word_jaccard(std::span<const std::uint32_t> a, std::span<const std::uint32_t> b) {
    std::size_t both = 0;
    for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
        if (a[i] == b[j]) {
            ++both;
            ++i;
            ++j;
        } else if (a[i] < b[j]) {
            ++i;
        } else {
            ++j;
        }
    }
    const std::size_t any = a.size() + b.size() - both;
    return any == 0 ? 1.0 : static_cast<double>(both) / static_cast<double>(any);
}

}  // namespace

void BoilerplateFinder::add(std::uint32_t site, std::span<const Paragraph> paragraphs,
                            const WordSketch& sketch, std::string_view title) {
    title_words(title, title_words_);
    title_start_.push_back(title_words_.size());
    // A site's furniture stands at the top and the bottom of its pages; a document of more
    // paragraphs (a log, a list of a million lines) is looked at there, so that the memory per
    // document stays bounded.
    constexpr std::size_t kMaxParagraphs = 1024;
    if (paragraphs.size() > kMaxParagraphs) {
        paragraphs_.insert(paragraphs_.end(), paragraphs.begin(),
                           paragraphs.begin() + kMaxParagraphs / 2);
        paragraphs_.insert(paragraphs_.end(), paragraphs.end() - kMaxParagraphs / 2,
                           paragraphs.end());
    } else {
        paragraphs_.insert(paragraphs_.end(), paragraphs.begin(), paragraphs.end());
    }
    doc_start_.push_back(paragraphs_.size());
    doc_site_.push_back(site);
    sketches_.push_back(sketch);
}

WordSketch sketch_words(std::string_view text) {
    WordSketch sketch;
    std::array<std::uint64_t, 3> words{};  // the last three word hashes
    std::size_t seen = 0;
    for_each_word_hash(text, [&](std::uint64_t h) {
        words = {words[1], words[2], h};
        if (++seen >= 3) {
            const std::uint64_t g = mix64(words[0] ^ mix64(words[1] ^ mix64(words[2])));
            const std::size_t place = g >> 59;                      // top 5 bits: one of 32 places
            const auto value = static_cast<std::uint32_t>(g) | 1U;  // never 0
            std::uint32_t& v = sketch.values[place];
            if (v == 0 || value < v)
                v = value;
        }
    });
    return sketch;
}

double sketch_similarity(const WordSketch& a, const WordSketch& b) noexcept {
    std::size_t both = 0;
    std::size_t equal = 0;
    for (std::size_t i = 0; i < WordSketch::kSize; ++i) {
        if (a.values[i] == 0 || b.values[i] == 0)
            continue;
        ++both;
        equal += a.values[i] == b.values[i] ? 1U : 0U;
    }
    return both == 0 ? 0.0 : static_cast<double>(equal) / static_cast<double>(both);
}

namespace {

/// Documents of a site from which a paragraph is the site's own, not an article's: a third of
/// the site's documents, and at least five. A template's paragraphs stand on nearly all of its
/// pages; an article's on its few copies. (At five, an article copied five times on a site of
/// fewer than sixteen pages, one copy with a paragraph of its own, would lose its text: its
/// paragraphs would be the site's, and that copy different from the others.)
std::uint32_t site_share(std::uint32_t site_documents) noexcept {
    return std::max<std::uint32_t>(5, site_documents / 3);
}

/// Bytes of own text below which a document has nothing of its own to compare (a time stamp,
/// a "Reuters" sign-off): then the whole-text sketch alone decides.
constexpr std::uint64_t kMinOwnBytes = 120;

}  // namespace

/// What decides whether two carriers of a paragraph are one article: their whole-text sketches,
/// and the sketches of what each has of its own (its paragraphs the site does not carry
/// widely), read back from the text when the whole texts agree.
struct BoilerplateFinder::Judge {
    using CarriersOf = std::function<std::uint32_t(std::size_t, const Paragraph&)>;

    Judge(const BoilerplateFinder& f, const TextReader& reader, CarriersOf carriers)
        : finder(f),
          text_of(reader),
          carriers_of(std::move(carriers)),
          site_documents(f.sites_.size(), 0) {
        for (const std::uint32_t site : f.doc_site_)
            ++site_documents[site];
    }

    const BoilerplateFinder& finder;
    const TextReader& text_of;
    CarriersOf carriers_of;
    std::vector<std::uint32_t> site_documents;
    /// By document judged so far (few: carriers are judged until two articles are found): the
    /// sketch of its own text, none when it has too little of it.
    std::unordered_map<std::uint32_t, std::optional<WordSketch>> own;
    std::string text, folded, mine;

    /// The document's own text sketched; nullptr when it has too little of it to tell.
    const WordSketch* own_sketch(std::uint32_t d) {
        const auto [at, added] = own.try_emplace(d);
        if (added) {
            text_of(d, text);
            mine.clear();
            const std::uint32_t widely = site_share(site_documents[finder.doc_site_[d]]);
            for_each_paragraph(text, [&](std::string_view line, std::size_t, std::size_t) {
                const Paragraph p = fold_paragraph(line, folded);
                if (p.length > 0 && carriers_of(d, p) < widely) {
                    mine.append(line);
                    mine.push_back('\n');
                }
            });
            if (mine.size() >= kMinOwnBytes)
                at->second = sketch_words(mine);
        }
        return at->second ? &*at->second : nullptr;
    }

    /// One article: the whole texts look alike, and so does what each has of its own (a
    /// template that is most of its pages' text makes the whole texts alike; the articles in
    /// it still differ). Both having too little of their own, the whole texts decide; one
    /// having an article of its own and the other none (a page whose extraction kept only the
    /// template), they are not one article.
    bool same_article(std::uint32_t a, std::uint32_t b) {
        const double same = finder.options_.same_article;
        if (sketch_similarity(finder.sketches_[a], finder.sketches_[b]) < same)
            return false;
        // Headlines are how a reader tells articles apart; two pages whose extraction kept the
        // same block of the site instead of their articles differ in nothing else.
        const std::span<const std::uint32_t> title_a = finder.title_of(a);
        const std::span<const std::uint32_t> title_b = finder.title_of(b);
        if (!title_a.empty() && !title_b.empty() && word_jaccard(title_a, title_b) < same)
            return false;
        const WordSketch* own_a = own_sketch(a);
        const WordSketch* own_b = own_sketch(b);
        if ((own_a == nullptr) != (own_b == nullptr))
            return false;
        return own_a == nullptr || sketch_similarity(*own_a, *own_b) >= same;
    }

    /// Whether the documents carrying a paragraph are `min_articles` different articles: in
    /// input order, a document counts when it is the same article as none counted before.
    bool carried_by_articles(std::span<const std::uint32_t> carriers,
                             std::vector<std::uint32_t>& articles) {
        articles.clear();
        for (std::uint32_t d : carriers) {
            const bool counted = std::any_of(articles.begin(), articles.end(),
                                             [&](std::uint32_t a) { return same_article(a, d); });
            if (counted)
                continue;
            articles.push_back(d);
            if (articles.size() >= finder.options_.min_articles)
                return true;
        }
        return false;
    }
};

Boilerplate BoilerplateFinder::find(const TextReader& text_of) {
    const std::size_t n = doc_site_.size();
    const auto key_of = [&](std::size_t d, const Paragraph& p) {
        return Boilerplate::slot_key(doc_site_[d], p.hash);
    };
    // Documents per (site, paragraph), each document counted once (the last one counted is
    // kept beside the count).
    struct Count {
        std::uint32_t docs = 0;
        std::uint32_t last = 0;  ///< document + 1
    };
    FlatTable<std::uint64_t, Count, 0> carried;
    for (std::size_t d = 0; d < n; ++d) {
        for (const Paragraph& p : paragraphs_of(d)) {
            Count& c = carried.upsert(key_of(d, p));
            if (c.last != d + 1) {
                ++c.docs;
                c.last = static_cast<std::uint32_t>(d + 1);
            }
        }
    }
    // Candidates: carried by enough documents; numbered by first appearance, with their
    // carriers in input order.
    FlatTable<std::uint64_t, std::uint32_t, 0> candidate_of;  // key -> candidate + 1
    std::vector<std::uint64_t> candidate_hash;
    std::vector<std::uint32_t> candidate_site;
    std::vector<std::vector<std::uint32_t>> carriers;
    for (std::size_t d = 0; d < n; ++d) {
        for (const Paragraph& p : paragraphs_of(d)) {
            const std::uint64_t k = key_of(d, p);
            if (carried.find(k)->docs < options_.min_articles)
                continue;
            std::uint32_t& c = candidate_of.upsert(k);
            if (c == 0) {
                candidate_hash.push_back(p.hash);
                candidate_site.push_back(doc_site_[d]);
                carriers.emplace_back();
                c = static_cast<std::uint32_t>(carriers.size());
            }
            std::vector<std::uint32_t>& docs = carriers[c - 1];
            if (docs.empty() || docs.back() != d)
                docs.push_back(static_cast<std::uint32_t>(d));
        }
    }
    Judge judge(*this, text_of, [&](std::size_t d, const Paragraph& p) {
        const Count* c = carried.find(key_of(d, p));
        return c != nullptr ? c->docs : 0;  // a paragraph past the first 1024
    });
    Boilerplate found;
    std::vector<std::uint32_t> articles;
    for (std::size_t c = 0; c < carriers.size(); ++c) {
        if (judge.carried_by_articles(carriers[c], articles))
            found.insert(candidate_site[c], candidate_hash[c]);
    }
    carried = {};
    for (std::size_t d = 0; d < n && found.size() > 0; ++d) {
        const std::span<const Paragraph> ps = paragraphs_of(d);
        if (std::any_of(ps.begin(), ps.end(),
                        [&](const Paragraph& p) { return found.contains(doc_site_[d], p.hash); }))
            found.documents_.push_back(static_cast<std::uint32_t>(d));
    }
    std::vector<Paragraph>().swap(paragraphs_);
    doc_start_.assign(1, 0);
    std::vector<std::uint32_t>().swap(doc_site_);
    std::vector<WordSketch>().swap(sketches_);
    std::vector<std::uint32_t>().swap(title_words_);
    title_start_.assign(1, 0);
    return found;
}

std::size_t strip_boilerplate(std::string_view text, std::uint32_t site, const Boilerplate& found,
                              std::string& out) {
    out.clear();
    if (found.size() == 0)
        return 0;
    std::string folded;
    std::size_t dropped = 0;
    std::size_t kept_from = 0;  // text[kept_from, start) is still to be copied
    for_each_paragraph(text, [&](std::string_view line, std::size_t start, std::size_t end) {
        const Paragraph p = fold_paragraph(line, folded);
        if (p.length == 0 || !found.contains(site, p.hash))
            return;
        if (dropped == 0)
            out.reserve(text.size());
        out.append(text.substr(kept_from, start - kept_from));
        kept_from = std::min(end + 1, text.size());
        // A dropped block leaves one blank line between its neighbours, not two.
        if (kept_from < text.size() && text[kept_from] == '\n' &&
            (out.empty() || out.ends_with("\n\n")))
            ++kept_from;
        ++dropped;
    });
    if (dropped > 0)
        out.append(text.substr(kept_from));
    return dropped;
}

}  // namespace neardup
