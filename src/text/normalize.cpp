#include "neardup/text/normalize.hpp"

#include <array>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <utf8proc.h>

namespace neardup {
namespace {

/// Per byte: 1 for ASCII letters and digits, 0 for other ASCII bytes, 2 for bytes >= 0x80.
constexpr std::array<std::uint8_t, 256> kByteClass = [] {
    std::array<std::uint8_t, 256> t{};
    for (int c = 0; c < 256; ++c) {
        const bool alnum =
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        t[static_cast<std::size_t>(c)] = c >= 0x80 ? 2 : (alnum ? 1 : 0);
    }
    return t;
}();

constexpr std::array<char, 256> kAsciiLower = [] {
    std::array<char, 256> t{};
    for (int c = 0; c < 256; ++c) {
        t[static_cast<std::size_t>(c)] =
            static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
    }
    return t;
}();

/// Letters, marks and numbers are word characters; everything else separates words.
bool is_word_codepoint(utf8proc_int32_t cp) {
    switch (utf8proc_category(cp)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_NL:
        case UTF8PROC_CATEGORY_NO:
            return true;
        default:
            return false;
    }
}

/// Appends text that may hold separators, writing single spaces between words.
class WordWriter {
public:
    WordWriter(std::string& out, std::vector<std::uint8_t>* name_flags,
               std::vector<TokenSpan>* tokens = nullptr)
        : out_(out), name_flags_(name_flags), tokens_(tokens) {}
    void separator() { pending_space_ = true; }
    /// Starts an output token; `name` is its name flag (see normalize.hpp). Inlined: it runs
    /// once per word of every document.
    [[gnu::always_inline]] void begin_word() {
        if (pending_space_ && !out_.empty())
            out_.push_back(' ');
        pending_space_ = false;
        if (name_flags_ != nullptr)
            name_flags_->push_back(name_ ? 1 : 0);
        if (tokens_ != nullptr) {
            // Tokens are separated by exactly one space, so the previous one ends just before.
            const auto begin = static_cast<std::uint32_t>(out_.size());
            if (!tokens_->empty())
                tokens_->back().end = begin - 1;
            tokens_->push_back({begin, begin});
        }
    }
    void set_name(bool name) { name_ = name; }
    void bytes(std::string_view s) { out_.append(s); }
    /// Appends an ASCII word, lower-cased when `fold`.
    void ascii_word(std::string_view s, bool fold) {
        const std::size_t at = out_.size();
        if (!fold) {
            out_.append(s);
            return;
        }
        // Copy and lower-case in one pass through raw pointers (no aliasing reloads).
        out_.resize(at + s.size());
        char* dst = out_.data() + at;
        const auto* src = reinterpret_cast<const unsigned char*>(s.data());
        for (std::size_t k = 0; k < s.size(); ++k)
            dst[k] = kAsciiLower[src[k]];
    }

private:
    std::string& out_;
    std::vector<std::uint8_t>* name_flags_;
    std::vector<TokenSpan>* tokens_;
    bool pending_space_ = false;
    bool name_ = false;
};

bool ends_sentence(unsigned char c) {
    return c == '.' || c == '!' || c == '?' || c == ':' || c == '\n';
}

bool starts_upper(const unsigned char* p, std::size_t n) {
    if (p[0] < 0x80)
        return p[0] >= 'A' && p[0] <= 'Z';
    utf8proc_int32_t cp = 0;
    utf8proc_iterate(p, static_cast<utf8proc_ssize_t>(n), &cp);
    const utf8proc_category_t cat = utf8proc_category(cp);
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

/// Maps one word that holds non-ASCII letters through NFKC(+casefold) and writes the result,
/// splitting it again where the mapping produced separators (e.g. "½" -> "1⁄2").
void write_mapped_word(std::string_view word, const NormalizeOptions& options, WordWriter& w) {
    int flags = UTF8PROC_STABLE | UTF8PROC_IGNORE;
    if (options.unicode)
        flags |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
    if (options.fold_case)
        flags |= UTF8PROC_CASEFOLD;
    utf8proc_uint8_t* mapped = nullptr;
    const auto* src = reinterpret_cast<const utf8proc_uint8_t*>(word.data());
    utf8proc_ssize_t len = utf8proc_map(src, static_cast<utf8proc_ssize_t>(word.size()), &mapped,
                                        static_cast<utf8proc_option_t>(flags));
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
    if (len < 0) {  // the word was valid UTF-8 when cut, so this is out of memory or similar
        w.begin_word();
        w.bytes(word);
        return;
    }
    bool in_word = false;
    for (utf8proc_ssize_t i = 0; i < len;) {
        utf8proc_int32_t cp = 0;
        utf8proc_ssize_t n = utf8proc_iterate(mapped + i, len - i, &cp);
        if (n <= 0)
            break;
        if (is_word_codepoint(cp)) {
            if (!in_word)
                w.begin_word();
            in_word = true;
            w.bytes(std::string_view(reinterpret_cast<const char*>(mapped + i),
                                     static_cast<std::size_t>(n)));
        } else {
            in_word = false;
            w.separator();
        }
        i += n;
    }
}

}  // namespace

namespace {

/// The normalization loop; `w` collects the output (and tokens and name flags if asked).
void normalize_into(std::string_view in, const NormalizeOptions& options, bool want_names,
                    WordWriter& w) {
    bool sentence_start = true;
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    const std::size_t n = in.size();
    std::size_t i = 0;
    while (i < n) {
        // One word: a maximal run of ASCII alphanumerics and non-ASCII word characters.
        std::size_t start = i;
        bool needs_map = false;
        while (i < n) {
            const std::uint8_t cls = kByteClass[p[i]];
            if (cls == 1) {
                ++i;
                continue;
            }
            if (cls == 0)
                break;
            utf8proc_int32_t cp = 0;
            utf8proc_ssize_t len =
                utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(n - i), &cp);
            if (len <= 0 || !is_word_codepoint(cp))
                break;  // invalid UTF-8 or punctuation
            needs_map = true;
            i += static_cast<std::size_t>(len);
        }
        if (i > start) {
            std::string_view word = in.substr(start, i - start);
            if (want_names)
                w.set_name(!sentence_start && starts_upper(p + start, i - start));
            sentence_start = false;
            if (needs_map) {
                write_mapped_word(word, options, w);
            } else {
                w.begin_word();
                w.ascii_word(word, options.fold_case);
            }
            continue;
        }
        // A separator: one ASCII byte, one non-word code point, or one invalid byte.
        w.separator();
        sentence_start = sentence_start || ends_sentence(p[i]);
        if (p[i] < 0x80) {
            ++i;
        } else {
            utf8proc_int32_t cp = 0;
            utf8proc_ssize_t len =
                utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(n - i), &cp);
            i += len > 0 ? static_cast<std::size_t>(len) : 1;
        }
    }
}

}  // namespace

void normalize(std::string_view in, const NormalizeOptions& options, std::string& out,
               std::vector<std::uint8_t>* name_flags) {
    out.clear();
    out.reserve(in.size());
    if (name_flags != nullptr)
        name_flags->clear();
    WordWriter w(out, name_flags);
    normalize_into(in, options, name_flags != nullptr, w);
}

namespace {

bool all_ascii(std::string_view in) {
    unsigned char any = 0;
    for (char c : in)
        any |= static_cast<unsigned char>(c);  // vectorizes: one OR per byte
    return any < 0x80;
}

/// SWAR helpers over 8 ASCII bytes (every byte < 0x80, so no addition carries into the next
/// byte): each returns 0x80 in the bytes that qualify and 0 elsewhere.
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;

inline std::uint64_t bytes_in_range(std::uint64_t x, unsigned lo, unsigned hi) noexcept {
    const std::uint64_t at_least_lo = x + (0x80 - lo) * kOnes;
    const std::uint64_t above_hi = x + (0x7F - hi) * kOnes;
    return at_least_lo & ~above_hi & kHighBits;
}

inline std::uint64_t alnum_bytes(std::uint64_t x) noexcept {
    return bytes_in_range(x | 0x20 * kOnes, 'a', 'z') | bytes_in_range(x, '0', '9');
}

inline std::uint64_t sentence_end_bytes(std::uint64_t x) noexcept {
    auto equal = [x](unsigned c) {
        const std::uint64_t d = x ^ (c * kOnes);  // a zero byte where x holds c
        return ~(((d & ~kHighBits) + ~kHighBits) | d) & kHighBits;
    };
    return equal('.') | equal('!') | equal('?') | equal(':') | equal('\n');
}

inline std::uint64_t load8(const unsigned char* p) noexcept {
    std::uint64_t x = 0;
    std::memcpy(&x, p, 8);
    return x;  // little-endian: byte k of the text is bits 8k .. 8k + 7
}

/// normalize_tokens() for pure ASCII input: one pass writing through a raw pointer into a
/// buffer the size of the input plus 8 (ASCII output is never longer; stores are 8 bytes
/// wide). Words and the separators between them are crossed 8 bytes at a time: a word costs
/// one or two steps instead of a table lookup and an unpredictable branch per byte.
template <bool kNameFlags>
void normalize_ascii(std::string_view in, bool fold_case, NormalizedText& out) {
    out.text.resize(in.size() + 8);
    char* const start = out.text.data();
    char* dst = start;
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    const std::size_t n = in.size();
    const std::uint64_t fold = fold_case ? ~std::uint64_t{0} : 0;
    bool sentence_start = true;
    std::size_t i = 0;
    while (i < n) {
        // Separators: skip to the next word, noting whether a sentence ended on the way.
        while (i + 8 <= n) {
            const std::uint64_t x = load8(p + i);
            const std::uint64_t word = alnum_bytes(x);
            const std::uint64_t before_word =
                word == 0 ? ~std::uint64_t{0} : (word & (0 - word)) - 1;  // below it
            if constexpr (kNameFlags)  // sentence ends matter only for name flags
                sentence_start = sentence_start || (sentence_end_bytes(x) & before_word) != 0;
            if (word != 0) {
                i += static_cast<std::size_t>(std::countr_zero(word)) / 8;
                break;
            }
            i += 8;
        }
        while (i < n && kByteClass[p[i]] != 1) {
            sentence_start = sentence_start || ends_sentence(p[i]);
            ++i;
        }
        if (i >= n)
            break;
        if (dst != start)
            *dst++ = ' ';
        const auto begin = static_cast<std::uint32_t>(dst - start);
        if constexpr (kNameFlags)
            out.name_flags.push_back(!sentence_start && p[i] >= 'A' && p[i] <= 'Z' ? 1 : 0);
        sentence_start = false;
        // The word: copy 8 bytes at a time (lower-cased), keep those before its end.
        for (;;) {
            if (i + 8 > n) {
                for (; i < n && kByteClass[p[i]] == 1; ++i)
                    *dst++ = fold_case ? kAsciiLower[p[i]] : static_cast<char>(p[i]);
                break;
            }
            const std::uint64_t x = load8(p + i);
            const std::uint64_t word = alnum_bytes(x);
            const std::uint64_t lowered = x | ((bytes_in_range(x, 'A', 'Z') >> 2) & fold);
            std::memcpy(dst, &lowered, 8);
            const std::uint64_t stop = ~word & kHighBits;
            const std::size_t len =
                stop == 0 ? 8 : static_cast<std::size_t>(std::countr_zero(stop)) / 8;
            dst += len;
            i += len;
            if (len < 8)
                break;
        }
        out.tokens.push_back({begin, static_cast<std::uint32_t>(dst - start)});
    }
    out.text.resize(static_cast<std::size_t>(dst - start));
}

}  // namespace

void normalize_tokens(std::string_view in, const NormalizeOptions& options, bool name_flags,
                      NormalizedText& out) {
    out.tokens.clear();
    out.name_flags.clear();
    if (all_ascii(in)) {
        if (name_flags)
            normalize_ascii<true>(in, options.fold_case, out);
        else
            normalize_ascii<false>(in, options.fold_case, out);
        return;
    }
    out.text.clear();
    out.text.reserve(in.size());
    WordWriter w(out.text, name_flags ? &out.name_flags : nullptr, &out.tokens);
    normalize_into(in, options, name_flags, w);
    if (!out.tokens.empty())
        out.tokens.back().end = static_cast<std::uint32_t>(out.text.size());
}

void tokenize(std::string_view normalized, std::vector<TokenSpan>& tokens) {
    tokens.clear();
    std::size_t begin = 0;
    const std::size_t n = normalized.size();
    while (begin < n) {
        std::size_t end = normalized.find(' ', begin);
        if (end == std::string_view::npos)
            end = n;
        if (end > begin) {
            tokens.push_back({static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)});
        }
        begin = end + 1;
    }
}

}  // namespace neardup
