#include "neardup/text/normalize.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
               std::vector<TokenSpan>* tokens = nullptr, std::size_t limit = SIZE_MAX)
        : out_(out), name_flags_(name_flags), tokens_(tokens), limit_(limit) {}
    /// True once the output has reached its limit: the rest of the input is dropped.
    [[nodiscard]] bool full() const noexcept {
        return out_.size() >= limit_ ||
               (tokens_ != nullptr && tokens_->size() >= kMaxDocumentTokens);
    }
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
    std::size_t limit_;
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

/// Longest run of non-starters (combining class != 0) kept: the limit of UAX #15's Stream-Safe
/// Text Format (section 13), which Unicode sets because no real text comes near it. utf8proc
/// orders a run of n marks in O(n^2) steps: one word of 100,000 marks took 38 s.
constexpr int kMaxNonStarters = 30;
/// Words longer than this (bytes) are checked for such runs; shorter ones cannot be costly.
constexpr std::size_t kLongWord = 64;
/// A long word is mapped in pieces of about this many bytes, cut before a code point nothing
/// composes with, so utf8proc's buffers stay small (NFKC expands U+FDFA 18-fold, and one 15 MB
/// word asked it for a gigabyte).
constexpr std::size_t kMapPiece = 4096;

/// `word` with every run of non-starters cut to kMaxNonStarters (into buf, when any is cut).
std::string_view stream_safe(std::string_view word, std::string& buf) {
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(word.data());
    const auto n = static_cast<utf8proc_ssize_t>(word.size());
    int run = 0;
    bool cut = false;
    for (utf8proc_ssize_t i = 0; i < n;) {
        utf8proc_int32_t cp = 0;
        const utf8proc_ssize_t len = utf8proc_iterate(p + i, n - i, &cp);
        if (len <= 0)
            break;  // the word was cut at valid UTF-8; cannot happen
        run = utf8proc_get_property(cp)->combining_class != 0 ? run + 1 : 0;
        const bool keep = run <= kMaxNonStarters;
        if (!keep && !cut) {
            buf.assign(word.substr(0, static_cast<std::size_t>(i)));
            cut = true;
        }
        if (keep && cut)
            buf.append(word.substr(static_cast<std::size_t>(i), static_cast<std::size_t>(len)));
        i += len;
    }
    return cut ? std::string_view(buf) : word;
}

/// True when nothing before `cp` can compose with it or reorder across it: a starter that is
/// neither a mark (U+0B3E and its kind compose with the letter before) nor a Hangul vowel or
/// final jamo (they compose into the syllable before).
bool is_piece_boundary(utf8proc_int32_t cp) {
    const utf8proc_property_t* prop = utf8proc_get_property(cp);
    if (prop->combining_class != 0)
        return false;
    const auto cat = static_cast<utf8proc_category_t>(prop->category);
    if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC || cat == UTF8PROC_CATEGORY_ME)
        return false;
    return !(cp >= 0x1160 && cp <= 0x11FF) && !(cp >= 0xD7B0 && cp <= 0xD7FF);
}

/// Where the next piece of `word` from `from` ends: before the first boundary code point past
/// kMapPiece bytes (past 4 * kMapPiece, anywhere: a hostile run of jamo has no boundary).
std::size_t piece_end(std::string_view word, std::size_t from) {
    if (word.size() - from <= kMapPiece)
        return word.size();
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(word.data());
    const auto n = static_cast<utf8proc_ssize_t>(word.size());
    auto i = static_cast<utf8proc_ssize_t>(from + kMapPiece);
    while (i < n && (p[i] & 0xC0) == 0x80)  // to the start of a code point
        ++i;
    while (i < n) {
        utf8proc_int32_t cp = 0;
        const utf8proc_ssize_t len = utf8proc_iterate(p + i, n - i, &cp);
        if (len <= 0 || is_piece_boundary(cp) ||
            static_cast<std::size_t>(i) >= from + 4 * kMapPiece)
            break;
        i += len;
    }
    return static_cast<std::size_t>(i);
}

/// Maps one piece of a word through NFKC(+casefold) and writes the result, splitting it again
/// where the mapping produced separators (e.g. "½" -> "1⁄2"). `in_word`: the output is
/// inside a word (a piece continues the one before it).
void write_mapped_piece(std::string_view piece, int flags, WordWriter& w, bool& in_word) {
    utf8proc_uint8_t* mapped = nullptr;
    const auto* src = reinterpret_cast<const utf8proc_uint8_t*>(piece.data());
    utf8proc_ssize_t len = utf8proc_map(src, static_cast<utf8proc_ssize_t>(piece.size()), &mapped,
                                        static_cast<utf8proc_option_t>(flags));
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
    if (len < 0) {  // the word was valid UTF-8 when cut, so this is out of memory or similar
        if (!in_word)
            w.begin_word();
        in_word = true;
        w.bytes(piece);
        return;
    }
    for (utf8proc_ssize_t i = 0; i < len && !w.full();) {
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

/// Maps one word that holds non-ASCII letters through NFKC(+casefold) and writes the result:
/// runs of marks cut to the stream-safe limit, a long word in pieces, until the output is full.
void write_mapped_word(std::string_view word, const NormalizeOptions& options, WordWriter& w) {
    int flags = UTF8PROC_STABLE | UTF8PROC_IGNORE;
    if (options.unicode)
        flags |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
    if (options.fold_case)
        flags |= UTF8PROC_CASEFOLD;
    std::string safe;
    if (word.size() > kLongWord)
        word = stream_safe(word, safe);
    bool in_word = false;
    for (std::size_t at = 0; at < word.size() && !w.full();) {
        const std::size_t end = piece_end(word, at);
        write_mapped_piece(word.substr(at, end - at), flags, w, in_word);
        at = end;
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
    while (i < n && !w.full()) {
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

namespace {

/// The most output one input may give: NFKC of real text grows it by a few percent (ligatures,
/// fractions); hostile text by up to 18x (U+FDFA), which the limit stops at 3x (the rest of
/// such a document is dropped). Token offsets are 32-bit, and 3 x 1 GiB (the largest
/// --max-doc-bytes) fits.
std::size_t output_limit(std::size_t in) noexcept { return 3 * in + 64; }

}  // namespace

void normalize(std::string_view in, const NormalizeOptions& options, std::string& out,
               std::vector<std::uint8_t>* name_flags) {
    out.clear();
    out.reserve(in.size());
    if (name_flags != nullptr)
        name_flags->clear();
    WordWriter w(out, name_flags, nullptr, output_limit(in.size()));
    normalize_into(in, options, name_flags != nullptr, w);
}

namespace {

bool all_ascii(std::string_view in) {
    unsigned char any = 0;
    for (char c : in)
        any |= static_cast<unsigned char>(c);  // vectorizes: one OR per byte
    return any < 0x80;
}

#if defined(__SSE2__)

/// One 64-byte block of pure ASCII text, classified 16 bytes at a time with SSE2 (every byte is
/// < 0x80, so signed byte compares order them): bit k of a mask is byte k of the block.
struct BlockMasks {
    std::uint64_t word = 0;          ///< letters and digits
    std::uint64_t upper = 0;         ///< 'A' .. 'Z'
    std::uint64_t sentence_end = 0;  ///< . ! ? : and newline (only when asked for)
};

template <bool kSentenceEnds>
BlockMasks classify_block(const unsigned char* src, bool fold_case, char* lowered) {
    BlockMasks m;
    auto in_range = [](__m128i v, char lo, char hi) {
        return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lo - 1))),
                             _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(hi + 1))));
    };
    auto bits = [](__m128i v) {
        return static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(v)));
    };
    for (std::size_t k = 0; k < 4; ++k) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + 16 * k));
        const __m128i letter = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');
        const __m128i upper = in_range(v, 'A', 'Z');
        const __m128i word = _mm_or_si128(letter, in_range(v, '0', '9'));
        const __m128i low =
            fold_case ? _mm_or_si128(v, _mm_and_si128(upper, _mm_set1_epi8(0x20))) : v;
        _mm_storeu_si128(reinterpret_cast<__m128i*>(lowered + 16 * k), low);
        m.word |= bits(word) << (16 * k);
        m.upper |= bits(upper) << (16 * k);
        if constexpr (kSentenceEnds) {
            __m128i end = _mm_cmpeq_epi8(v, _mm_set1_epi8('.'));
            for (char c : {'!', '?', ':', '\n'})
                end = _mm_or_si128(end, _mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
            m.sentence_end |= bits(end) << (16 * k);
        }
    }
    return m;
}

/// normalize_tokens() for pure ASCII input, 64 bytes at a time: SSE2 classifies a block into
/// bit masks and lower-cases it into a side buffer, then each word is a run of set bits found
/// with count-trailing-zeros and copied 16 bytes at a time. No branch per byte; the last
/// partial block is padded with zeros (separators). Writes into a buffer the size of the input
/// plus 16 (ASCII output is never longer; copies are 16 bytes wide).
template <bool kNameFlags>
bool normalize_ascii(std::string_view in, bool fold_case, NormalizedText& out) {
    out.text.resize(in.size() + 16);
    char* const start = out.text.data();
    char* dst = start;
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    const std::size_t n = in.size();
    alignas(16) std::array<char, 64 + 16> lowered{};  // + 16: copies read past a word's end
    alignas(16) std::array<unsigned char, 64> tail{};
    bool sentence_start = true;
    bool in_word = false;  // a word runs on from the previous block
    std::uint32_t word_begin = 0;
    auto finish_word = [&] {
        out.tokens.push_back({word_begin, static_cast<std::uint32_t>(dst - start)});
    };
    for (std::size_t base = 0; base < n; base += 64) {
        const unsigned char* src = p + base;
        if (n - base < 64) {
            tail.fill(0);
            std::memcpy(tail.data(), src, n - base);
            src = tail.data();
        }
        const BlockMasks m = classify_block<kNameFlags>(src, fold_case, lowered.data());
        std::size_t pos = 0;  // bits below pos are done
        if (in_word && (m.word & 1) == 0) {
            finish_word();  // the word ended with the previous block
            in_word = false;
        }
        for (;;) {
            const std::uint64_t rest = m.word & (~std::uint64_t{0} << pos);
            std::size_t s = 0;
            if (!in_word) {
                if (rest == 0) {
                    if constexpr (kNameFlags)
                        sentence_start = sentence_start || (m.sentence_end >> pos) != 0;
                    break;
                }
                s = static_cast<std::size_t>(std::countr_zero(rest));
                if constexpr (kNameFlags) {
                    const std::uint64_t gap =
                        ((std::uint64_t{1} << s) - 1) & (~std::uint64_t{0} << pos);
                    sentence_start = sentence_start || (m.sentence_end & gap) != 0;
                    out.name_flags.push_back(!sentence_start && ((m.upper >> s) & 1) != 0 ? 1 : 0);
                }
                sentence_start = false;
                if (dst != start)
                    *dst++ = ' ';
                word_begin = static_cast<std::uint32_t>(dst - start);
            }
            const std::uint64_t after = ~(m.word >> s);  // 0 when the run fills the block
            const std::size_t len =
                after == 0 ? 64 - s : static_cast<std::size_t>(std::countr_zero(after));
            for (std::size_t k = 0; k < len; k += 16) {
                _mm_storeu_si128(
                    reinterpret_cast<__m128i*>(dst + k),
                    _mm_loadu_si128(reinterpret_cast<const __m128i*>(lowered.data() + s + k)));
            }
            dst += len;
            pos = s + len;
            if (pos == 64) {
                in_word = true;
                break;
            }
            finish_word();
            in_word = false;
        }
    }
    if (in_word)
        finish_word();
    out.text.resize(static_cast<std::size_t>(dst - start));
    return true;
}

#else

/// Without SSE2 the general path serves ASCII too.
template <bool kNameFlags>
bool normalize_ascii(std::string_view, bool, NormalizedText&) {
    return false;
}

#endif

}  // namespace

void normalize_tokens(std::string_view in, const NormalizeOptions& options, bool name_flags,
                      NormalizedText& out) {
    out.tokens.clear();
    out.name_flags.clear();
    if (all_ascii(in) && (name_flags ? normalize_ascii<true>(in, options.fold_case, out)
                                     : normalize_ascii<false>(in, options.fold_case, out))) {
        if (out.tokens.size() > kMaxDocumentTokens) {  // ASCII never expands: cut afterwards
            out.tokens.resize(kMaxDocumentTokens);
            if (name_flags)
                out.name_flags.resize(kMaxDocumentTokens);
            out.text.resize(out.tokens.back().end);
        }
        return;
    }
    out.text.clear();
    out.text.reserve(in.size());
    WordWriter w(out.text, name_flags ? &out.name_flags : nullptr, &out.tokens,
                 output_limit(in.size()));
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
