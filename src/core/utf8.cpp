#include "neardup/core/utf8.hpp"

#include <cstdint>

namespace neardup {

void append_utf8(std::string& out, char32_t cp) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0)
        cp = 0xFFFD;
    auto put = [&out](std::uint32_t b) { out.push_back(static_cast<char>(b)); };
    const auto c = static_cast<std::uint32_t>(cp);
    if (c < 0x80) {
        put(c);
    } else if (c < 0x800) {
        put(0xC0 | (c >> 6));
        put(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        put(0xE0 | (c >> 12));
        put(0x80 | ((c >> 6) & 0x3F));
        put(0x80 | (c & 0x3F));
    } else {
        put(0xF0 | (c >> 18));
        put(0x80 | ((c >> 12) & 0x3F));
        put(0x80 | ((c >> 6) & 0x3F));
        put(0x80 | (c & 0x3F));
    }
}

std::size_t valid_utf8_length(std::string_view s) noexcept {
    if (s.empty())
        return 0;
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(0);
    if (c < 0x80)
        return 1;
    // Unicode's table of well-formed sequences (The Unicode Standard, table 3-7): the second
    // byte's range excludes overlong forms (C0, C1, E0 80-9F, F0 80-8F), surrogates (ED A0-BF)
    // and code points above U+10FFFF (F4 90-BF, F5-FF).
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;
        hi = c == 0xF4 ? 0x8F : 0xBF;
    }
    if (len == 0 || s.size() < len || byte(1) < lo || byte(1) > hi)
        return 0;
    for (std::size_t k = 2; k < len; ++k) {
        if ((byte(k) & 0xC0) != 0x80)
            return 0;
    }
    return len;
}

bool is_valid_utf8(std::string_view s) noexcept {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t len = valid_utf8_length(s.substr(i));
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

std::string decode_windows1252(std::string_view s) {
    // 0x80-0x9F as the WHATWG Encoding Standard maps them; its five undefined bytes keep their
    // C1 code points. 0xA0-0xFF are Latin-1's, which are the code points themselves.
    static constexpr char16_t kHigh[32] = {
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (const char ch : s) {
        const auto b = static_cast<unsigned char>(ch);
        if (b < 0x80)
            out.push_back(ch);
        else
            append_utf8(out, b < 0xA0 ? kHigh[b - 0x80] : char32_t{b});
    }
    return out;
}

std::string decode_utf16(std::string_view s, bool big_endian) {
    std::string out;
    out.reserve(s.size());
    const auto unit = [&](std::size_t i) {
        const auto a = static_cast<unsigned char>(s[i]);
        const auto b = static_cast<unsigned char>(s[i + 1]);
        return static_cast<char32_t>(big_endian ? (a << 8) | b : (b << 8) | a);
    };
    for (std::size_t i = 0; i + 1 < s.size(); i += 2) {
        char32_t cp = unit(i);
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 3 < s.size()) {
            const char32_t low = unit(i + 2);
            if (low >= 0xDC00 && low <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                i += 2;
            }
        }
        if (cp == 0)  // append_utf8 would write U+FFFD; a NUL is kept as the text had it
            out.push_back('\0');
        else
            append_utf8(out, cp);  // a lone surrogate becomes U+FFFD
    }
    if (s.size() % 2 != 0)
        append_utf8(out, 0xFFFD);  // a cut last unit
    return out;
}

}  // namespace neardup
